/**
 * Plain text that Markdown must not read as markup: `&`, `<` and `>` as entities (GitHub renders HTML tags, and a
 * query's `a<b>c` would vanish as one), `[` `]` (links, and images with `!`) and backticks escaped always, `|` in
 * table cells. Secrets register these forms too (secrets.ts): a secret is redacted after the summary is rendered.
 */
export function escapeMarkdownText(text: string, cell = false): string {
  const out = text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[`[\]]/g, '\\$&');
  return cell ? out.replace(/\|/g, '\\|') : out;
}
