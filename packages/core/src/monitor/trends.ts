import { WRAPAROUND_LIMIT } from './checks/wraparound.js';
import type { TrendPoint, TrendReport, TrendSample, TrendSeries, Unit } from './types.js';

/** What a history entry keeps of a report: enough to draw trends, small enough to read hundreds back. */
export interface HistoryEntry {
  generatedAt: string;
  sample: TrendSample;
}

const DAY_MS = 86_400_000;
/** Sequences charted: the ones closest to running out. */
const SEQUENCES_CHARTED = 5;

/** Growth per day by least squares over the points (undefined with fewer than two points or no time between them). */
export function growthPerDay(points: TrendPoint[]): number | undefined {
  if (points.length < 2) return undefined;
  const xs = points.map((p) => Date.parse(p.at) / DAY_MS);
  const ys = points.map((p) => p.value);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxx = 0;
  let sxy = 0;
  xs.forEach((x, i) => {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (ys[i]! - my);
  });
  return sxx === 0 ? undefined : sxy / sxx;
}

/**
 * How much history a projection needs: a slope over minutes, extrapolated to days, measures noise. A series is
 * fitted only on at least MIN_POINTS reports spanning at least MIN_SPAN_DAYS, and a projection from it reaches at
 * most PROJECTION_REACH times that span ahead: further than that it says only "more than".
 */
export const MIN_POINTS = 3;
export const MIN_SPAN_DAYS = 1;
export const PROJECTION_REACH = 2;

function series(id: string, title: string, unit: Unit, points: TrendPoint[], limit?: number): TrendSeries {
  const times = points.map((p) => Date.parse(p.at));
  const days = points.length > 0 ? (Math.max(...times) - Math.min(...times)) / DAY_MS : 0;
  const s: TrendSeries = { id, title, unit, points, history: { points: points.length, days } };
  if (limit !== undefined) s.limit = limit;
  const growth = points.length >= MIN_POINTS && days >= MIN_SPAN_DAYS ? growthPerDay(points) : undefined;
  if (growth === undefined) return s;
  s.growthPerDay = growth;
  s.horizonDays = PROJECTION_REACH * days;
  const last = points.at(-1)!.value;
  if (limit !== undefined && growth > 0) {
    const daysToLimit = Math.max(0, (limit - last) / growth);
    if (daysToLimit <= s.horizonDays) s.daysToLimit = daysToLimit;
  }
  return s;
}

/** Builds the trend series from earlier entries (oldest first) and the current one. */
export function buildTrends(earlier: HistoryEntry[], current: HistoryEntry): TrendReport {
  const entries = [...earlier, current].sort((a, b) => a.generatedAt.localeCompare(b.generatedAt));
  const pointsOf = (get: (s: TrendSample) => number | undefined) =>
    entries.flatMap((e) => {
      const value = get(e.sample);
      return value === undefined || !Number.isFinite(value) ? [] : [{ at: e.generatedAt, value }];
    });
  const out: TrendSeries[] = [
    series(
      'database-size',
      'Database size',
      'bytes',
      pointsOf((s) => s.databaseBytes),
    ),
    series(
      'xid-age',
      'Oldest transaction ID age',
      'xids',
      pointsOf((s) => s.maxXidAge),
      WRAPAROUND_LIMIT,
    ),
    series(
      'multixact-age',
      'Oldest multixact ID age',
      'xids',
      pointsOf((s) => s.maxMultixactAge),
      WRAPAROUND_LIMIT,
    ),
    series(
      'bloat',
      'Estimated table bloat',
      'bytes',
      pointsOf((s) => s.bloatBytes),
    ),
  ];
  const sequences = Object.entries(current.sample.sequences ?? {})
    .sort(([, a], [, b]) => b.last / b.max - a.last / a.max)
    .slice(0, SEQUENCES_CHARTED);
  for (const [name, { max }] of sequences) {
    out.push(
      series(
        `sequence:${name}`,
        `Sequence ${name}`,
        'count',
        pointsOf((s) => s.sequences?.[name]?.last),
        max,
      ),
    );
  }
  return { reportsRead: earlier.length, series: out.filter((s) => s.points.length > 0) };
}
