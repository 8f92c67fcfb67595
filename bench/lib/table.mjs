// Markdown tables and the few number formats the benchmark reports use.

/** rows: arrays of cells; the first row is the header. Numeric-looking columns are right-aligned. */
export function markdownTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '').replace(/\|/g, '\\|')));
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const right = header.map(
    (_, i) =>
      rows.length > 0 &&
      rows.every((r) => /^[\d.,x×%+\-−≤≥<> ]*[\d]+[\w %×]*$/.test(String(r[i] ?? '')) || r[i] === '' || r[i] === '—'),
  );
  const line = (r) => `| ${r.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (right[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(all[0]), rule, ...all.slice(1).map(line)].join('\n');
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const seconds = (s) => `${s.toFixed(1)} s`;
export const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
export const rssMb = (kb) => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MB` : '—');
export const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : '—');
