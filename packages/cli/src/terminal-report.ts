import { plainText, statusIcon, type Block, type Result, type ResultStatus, type Text } from '@dbops/core';

/** The results as plain terminal text: headings as lines, facts and tables as aligned columns, no markup. */
export function renderForTerminal(results: readonly Result[]): string {
  const lines = results.flatMap((r) => [titled(r.title, r.status), '', ...r.blocks.flatMap((b) => [...block(b), ''])]);
  return lines.join('\n').trimEnd();
}

function titled(text: Text, status?: ResultStatus): string {
  const icon = status ? statusIcon(status) : '';
  return `${icon ? `${icon} ` : ''}${line(text)}`;
}

function block(b: Block): string[] {
  switch (b.kind) {
    case 'facts':
      return columns(b.rows.map(([label, value]) => [label, line(value)]));
    case 'table':
      return columns([[...b.columns], ...b.rows.map((row) => row.map(line))]);
    case 'note':
      return [line(b.text)];
    case 'list':
      return b.items.map((item) => `- ${line(item)}`);
    case 'heading':
      return [titled(b.text, b.status)];
    case 'chart':
      return []; // a terminal draws no chart: the figures are in the list beside it
    case 'folded':
      return [b.title, '', ...b.blocks.flatMap((f) => [...block(f), ''])].slice(0, -1);
  }
}

function line(text: Text): string {
  return plainText(text).replace(/\r?\n/g, ' ');
}

/** Aligned columns, two spaces apart; the last column is not padded, so no line ends in spaces. */
function columns(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => width(row[i] ?? '')))) ?? [];
  const aligned = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i]!)));
  return rows.map((row) => aligned(row).join('  ').trimEnd());
}

/** Characters a terminal shows, counting an emoji with its variation selector as one. */
function width(text: string): number {
  return [...text.replace(/\uFE0F/g, '')].length;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)));
}
