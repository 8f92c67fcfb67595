/**
 * Query text as shown in reports: string literals replaced by '?', so a password in `ALTER ROLE ... PASSWORD '...'`
 * or personal data in a WHERE clause never reaches a job summary; whitespace collapsed and length capped.
 */
export function maskQuery(text: string | null | undefined, max = 200): string {
  if (!text) return '';
  const masked = text
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?\$\1\$/g, "'?'")
    // Backslash escapes (E'it\'s') are honoured; in a standard string that ends in a backslash this masks too much,
    // which is the safe way to be wrong.
    .replace(/'(?:[^'\\]|''|\\[\s\S])*'?/g, "'?'")
    .replace(/\s+/g, ' ')
    .trim();
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}
