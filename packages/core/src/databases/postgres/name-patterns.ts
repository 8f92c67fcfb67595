/**
 * pg_dump's object-name patterns (-n / -t), translated to anchored regular expressions so that dbops can compute
 * the set of tables a filtered dump must contain. Follows psql's rules: unquoted A-Z are folded to lower case (other letters are kept),
 * `*` matches any run of characters, `?` one character, a dot separates schema from name, and double quotes keep
 * text literally ("" is a quote inside quotes).
 */
export interface NamePattern {
  schema?: string;
  name: string;
}

export function parseNamePattern(pattern: string): NamePattern {
  const parts: string[] = [''];
  let inQuotes = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '"') {
      if (inQuotes && pattern[i + 1] === '"') {
        parts[parts.length - 1] += escapeRegex('"');
        i++;
      } else {
        inQuotes = !inQuotes;
      }
    } else if (inQuotes) {
      parts[parts.length - 1] += escapeRegex(c);
    } else if (c === '.') {
      parts.push('');
    } else if (c === '*') {
      parts[parts.length - 1] += '.*';
    } else if (c === '?') {
      parts[parts.length - 1] += '.';
    } else if (c === '$') {
      parts[parts.length - 1] += '\\$';
    } else {
      // psql folds A-Z only, as the server folds unquoted identifiers in a UTF-8 database: É stays É.
      parts[parts.length - 1] += c >= 'A' && c <= 'Z' ? c.toLowerCase() : c;
    }
  }
  const anchored = parts.map((p) => `^(${p})$`);
  if (anchored.length === 1) return { name: anchored[0]! };
  // "db.schema.table" is allowed by pg_dump 14+; the database part must be the current one, so it is dropped.
  return { schema: anchored[anchored.length - 2]!, name: anchored[anchored.length - 1]! };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
