/** Turns the Markdown job summary into plain terminal text: headings as lines, tables as aligned columns. */
export function renderForTerminal(markdown: string): string {
  const out: string[] = [];
  let table: string[][] = [];
  const flush = () => {
    if (table.length === 0) return;
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
    for (const row of table) out.push(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
    table = [];
  };
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) {
      if (/^\|[\s|:-]+\|$/.test(line)) continue;
      const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((c) => plain(c.trim()));
      if (cells.every((c) => c === '')) continue;
      table.push(cells);
      continue;
    }
    flush();
    out.push(plain(line.replace(/^#+\s*/, '')));
  }
  flush();
  return out.join('\n').trimEnd();
}

function plain(text: string): string {
  // The job summary may use <details>/<summary> to fold long sections; a terminal shows them unfolded.
  return text
    .replace(/<\/?(details|summary|br)\s*\/?>/gi, '').replace(/\\\|/g, '|').replace(/`([^`]*)`/g, '$1').replace(/\*\*([^*]*)\*\*/g, '$1');
}
