import { chartScale } from './format-value.js';
import type { TrendSeries } from './types.js';

const W = 520;
const H = 200;
const PAD = { left: 60, right: 12, top: 24, bottom: 30 };

/** A line chart of one trend series as inline SVG (no script, no external assets), with its limit when it has one. */
export function lineChartSvg(s: TrendSeries): string {
  const { factor, label } = chartScale(s.unit);
  const points = s.points.map((p) => ({ t: Date.parse(p.at), v: p.value * factor }));
  const t0 = Math.min(...points.map((p) => p.t));
  const t1 = Math.max(...points.map((p) => p.t));
  const values = points.map((p) => p.v);
  const vMax = Math.max(...values) * 1.05 || 1;
  const vMin = Math.min(0, ...values);
  const x = (t: number) =>
    PAD.left + (t1 === t0 ? (W - PAD.left - PAD.right) / 2 : ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right));
  const y = (v: number) => H - PAD.bottom - ((v - vMin) / (vMax - vMin)) * (H - PAD.top - PAD.bottom);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const dots = points.map((p) => `<circle cx="${x(p.t).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="2.5"/>`).join('');
  const ticks = [vMin, (vMin + vMax) / 2, vMax]
    .map(
      (v) =>
        `<text x="${PAD.left - 6}" y="${y(v).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${v.toPrecision(3)}</text>`,
    )
    .join('');
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(s.title)}" class="chart">`,
    `<text x="${PAD.left}" y="14" class="title">${escapeHtml(s.title)} (${escapeHtml(label)})</text>`,
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" class="axis"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" class="axis"/>`,
    ticks,
    `<text x="${PAD.left}" y="${H - 8}">${day(t0)}</text><text x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${day(t1)}</text>`,
    `<path d="${path}" class="line"/>`,
    `<g class="dots">${dots}</g>`,
    '</svg>',
  ].join('');
}

/** Horizontal bars (e.g. each check's time), longest first. */
export function barChartSvg(title: string, bars: Array<{ label: string; value: number }>, unitLabel: string): string {
  const rowH = 16;
  const labelW = 220;
  const height = 24 + bars.length * rowH;
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  const rows = bars.map((b, i) => {
    const yPos = 24 + i * rowH;
    const w = (b.value / max) * (W - labelW - 70);
    return (
      `<text x="${labelW - 6}" y="${yPos + 11}" text-anchor="end">${escapeHtml(b.label)}</text>` +
      `<rect x="${labelW}" y="${yPos + 2}" width="${w.toFixed(1)}" height="${rowH - 4}" class="bar"/>` +
      `<text x="${labelW + w + 4}" y="${yPos + 11}">${b.value} ${escapeHtml(unitLabel)}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="${escapeHtml(title)}" class="chart"><text x="0" y="14" class="title">${escapeHtml(title)}</text>${rows.join('')}</svg>`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
