import { formatBytes, formatSeconds } from '../format.js';
import { MIN_POINTS, MIN_SPAN_DAYS, PROJECTION_REACH } from './trends.js';
import type { TrendSeries, Unit } from './types.js';

/** A value as a person reads it, in its check's unit. */
export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'seconds':
      return formatSeconds(value);
    case 'bytes':
      return formatBytes(value);
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'xids':
      return value >= 1e6 ? `${(value / 1e6).toFixed(1)} M` : Math.round(value).toLocaleString('en-US');
    case 'count':
      return Math.round(value).toLocaleString('en-US');
    case 'flag':
      return value >= 2 ? 'critical' : value >= 1 ? 'yes' : 'note';
  }
}

/** An observation or finding as shown: its own display text when it has one, else its condition or its value. */
export function showValue(o: { value: number; display?: string; condition?: string }, unit: Unit): string {
  return o.display ?? o.condition ?? formatValue(o.value, unit);
}

/** "≥ 90.0%" / "< 95.0%": how a threshold fires. Flags (a setting is off, a key is missing) have no threshold to show. */
export function formatThreshold(value: number | undefined, unit: Unit, direction: 'above' | 'below'): string {
  if (value === undefined || unit === 'flag') return '—';
  return `${direction === 'above' ? '≥' : '<'} ${formatValue(value, unit)}`;
}

/** A value scaled for a chart axis, with the axis label: bytes in MiB, transaction IDs in millions. */
export function chartScale(unit: Unit): { factor: number; label: string } {
  if (unit === 'bytes') return { factor: 1 / 1024 / 1024, label: 'MiB' };
  if (unit === 'xids') return { factor: 1e-6, label: 'million' };
  if (unit === 'ratio') return { factor: 100, label: '%' };
  return { factor: 1, label: unit };
}

/** Growth per day in words, e.g. "+12.0 MiB/day". */
export function formatGrowth(perDay: number, unit: Unit): string {
  const sign = perDay < 0 ? '−' : '+';
  return `${sign}${formatValue(Math.abs(perDay), unit === 'flag' ? 'count' : unit)}/day`;
}

/** "2 min 0 s", "1 day", "6.5 days": how long a stretch of history is. */
export function formatSpan(days: number): string {
  if (days < 1) return formatSeconds(days * 86_400);
  const rounded = Number(days.toFixed(1));
  return `${rounded} day${rounded === 1 ? '' : 's'}`;
}

/**
 * A trend in words, with the history it was fitted on: its growth, and how long until its limit when that is within
 * the reach of the projection (`days`, for the renderer to emphasise) or beyond it (`beyond`).
 */
export function describeTrend(s: TrendSeries): { growth: string; days?: string; beyond?: string } {
  const basis = `${s.history.points} report${s.history.points === 1 ? '' : 's'} over ${formatSpan(s.history.days)}`;
  if (s.growthPerDay === undefined) {
    return {
      growth: `not enough history to project (${basis}; needs at least ${MIN_POINTS} over ${formatSpan(MIN_SPAN_DAYS)})`,
    };
  }
  const growth = `${formatGrowth(s.growthPerDay, s.unit)} from ${basis}`;
  if (s.daysToLimit !== undefined) return { growth, days: `${Math.floor(s.daysToLimit)} days` };
  if (s.limit !== undefined && s.growthPerDay > 0 && s.horizonDays !== undefined) {
    return {
      growth,
      beyond: `more than ${formatSpan(s.horizonDays)} to the limit at this rate (projected no further than ${PROJECTION_REACH}× the history)`,
    };
  }
  return { growth };
}
