import { escapeMarkdownText, markdownCode } from './markdown-text.js';
import { inlines, statusIcon, type Block, type Inline, type Result, type ResultStatus, type Text } from './result.js';

/**
 * The results as GitHub-flavoured Markdown for the job summary: each a `###` heading with its status icon, then its
 * blocks. This is the one place that escapes text for Markdown.
 */
export function renderSummary(results: readonly Result[]): string {
  return results.map(renderResult).join('\n');
}

function renderResult(result: Result): string {
  const blocks = result.blocks.flatMap((b) => [...block(b), '']);
  return [heading('###', result.title, result.status), '', ...blocks].join('\n');
}

function heading(level: string, text: Text, status?: ResultStatus): string {
  const icon = status ? statusIcon(status) : '';
  return `${level} ${icon ? `${icon} ` : ''}${markdown(text)}`;
}

function block(b: Block): string[] {
  switch (b.kind) {
    case 'facts':
      return ['| | |', '|---|---|', ...b.rows.map(([label, value]) => row([label, value]))];
    case 'table':
      return [row(b.columns), `|${b.columns.map(() => '---').join('|')}|`, ...b.rows.map(row)];
    case 'note':
      return [markdown(b.text)];
    case 'list':
      return b.items.map((item) => `- ${markdown(item)}`);
    case 'heading':
      return [heading('####', b.text, b.status)];
    case 'chart':
      return chart(b);
    case 'folded':
      return [
        `<details><summary>${escapeMarkdownText(b.title)}</summary>`,
        '',
        ...b.blocks.flatMap((f) => [...block(f), '']),
        '</details>',
      ];
  }
}

function row(cells: readonly Text[]): string {
  return `| ${cells.map((cell) => markdown(cell, true)).join(' | ')} |`;
}

/** Text as Markdown. In a table cell a newline would end the row, so it becomes a space, and `|` is escaped. */
function markdown(text: Text, cell = false): string {
  const out = inlines(text)
    .map((part) => inline(part, cell))
    .join('');
  return cell ? out.replace(/\r?\n/g, ' ') : out;
}

function inline(part: Inline, cell: boolean): string {
  if (typeof part === 'string') return escapeMarkdownText(part, cell);
  if ('strong' in part) return `**${escapeMarkdownText(part.strong, cell)}**`;
  if ('status' in part) return statusIcon(part.status);
  return markdownCode(part.code, cell);
}

/** A Mermaid xychart, which GitHub renders in job summaries. */
function chart(b: Extract<Block, { kind: 'chart' }>): string[] {
  const xs = b.points.map((p) => JSON.stringify(p.label));
  const ys = b.points.map((p) => p.value);
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${JSON.stringify(b.title.replace(/"/g, "'"))}`,
    `  x-axis [${xs.join(', ')}]`,
    `  y-axis ${JSON.stringify(b.yLabel)}`,
    `  line [${ys.join(', ')}]`,
    '```',
  ];
}
