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

/**
 * Text as a Markdown code span. Its fence is one backtick longer than the longest run inside it, so a backtick in a
 * name cannot close it; a newline becomes a space, since a blank line ends the span and what follows would be read as
 * Markdown and HTML (`a\n\n<img src=…>`). GitHub needs `\|` even inside code in a table cell.
 */
export function markdownCode(text: string, cell = false): string {
  const code = text.replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // A span that starts or ends with a backtick needs a space inside the fence, which Markdown strips.
  const body = longest > 0 ? ` ${code} ` : code;
  return `${fence}${cell ? body.replace(/\|/g, '\\|') : body}${fence}`;
}
