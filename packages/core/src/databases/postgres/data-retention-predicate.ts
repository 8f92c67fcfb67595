/**
 * The SQL that picks a rule's rows, shared by the plan's counts and the purge's batches so both select the same
 * rows. Every value is a parameter; names come from the catalog (quoted), the `where` filter from the policy after
 * where-filter.ts has checked it is one expression that cannot leave its parentheses. The table is aliased `t`.
 */
import type { RuleTarget } from '../../data-retention/targets.js';
import { sqlName } from './server-errors.js';

/** Collects parameter values and hands out their placeholders ($1, $2, ...). */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * A row's key as one text, as a hold's subject_id gives it and as receipts hash it: the key's text for a one-column
 * key (`42`), the row's text for a composite one (`(42,"2026-01-01 00:00:00")`).
 */
export function keyText(target: Pick<RuleTarget, 'primaryKey'>, alias: string): string {
  const columns = target.primaryKey.map((k) => `${alias}.${sqlName(k.name)}`);
  return columns.length === 1 ? `${columns[0]}::text` : `ROW(${columns.join(', ')})::text`;
}

const TIMESTAMPTZ = /^timestamp(\(\d\))? with time zone$/;

/**
 * The key's text with its timestamptz columns as UTC instants (`2026-01-01 12:00:00+00`) whatever the session's
 * TimeZone; undefined when the key has none. The text of a timestamptz is the session's: a hold written from a UTC
 * session would not match the row's text in a session elsewhere, and the row would not be held.
 */
function utcKeyText(target: Pick<RuleTarget, 'primaryKey'>, alias: string): string | undefined {
  if (!target.primaryKey.some((k) => TIMESTAMPTZ.test(k.type))) return undefined;
  const columns = target.primaryKey.map((k) => {
    const column = `${alias}.${sqlName(k.name)}`;
    if (!TIMESTAMPTZ.test(k.type)) return column;
    return `CASE WHEN isfinite(${column}) THEN (${column} AT TIME ZONE 'UTC')::text || '+00' ELSE ${column}::text END`;
  });
  return columns.length === 1 ? `(${columns[0]})::text` : `ROW(${columns.join(', ')})::text`;
}

/**
 * True when a legal hold names the row, or a row its delete would cascade into (`cascades`, at any depth: PostgreSQL's
 * cascade checks no hold, so a row is kept back, and counted held, rather than take a held row with it); `false`
 * when the policy has no holds. Holds are read at statement time. A key with a timestamptz matches in the session's
 * text and in UTC's: holds err on the side of keeping.
 */
export function heldExpression(target: RuleTarget, params: SqlParams): string {
  if (target.holdSources.length === 0) return 'false';
  const held = [heldRow(target, target.holdSources, params, 't')];
  for (const path of target.cascades ?? []) {
    // The path's tables joined on their foreign keys, from the row (t) to the last table (c<n>), whose rows are checked.
    const on = (at: number) => {
      const step = path.steps[at]!;
      const parent = at === 0 ? 't' : `c${at}`;
      return `(${step.columns.map((c) => `c${at + 1}.${sqlName(c)}`).join(', ')}) = (${step.references.map((c) => `${parent}.${sqlName(c)}`).join(', ')})`;
    };
    const from = path.steps.map(
      (step, at) => `${at === 0 ? '' : 'JOIN '}${step.table} AS c${at + 1}${at === 0 ? '' : ` ON ${on(at)}`}`,
    );
    const last = `c${path.steps.length}`;
    held.push(
      `EXISTS (SELECT 1 FROM ${from.join(' ')} WHERE ${on(0)} AND ${heldRow(path, target.holdSources, params, last)})`,
    );
  }
  return held.length === 1 ? held[0]! : `(${held.join(' OR ')})`;
}

/** True when a legal hold names the row `alias` of a table with these hold names and key. */
function heldRow(
  table: Pick<RuleTarget, 'holdNames' | 'primaryKey'>,
  holdSources: string[],
  params: SqlParams,
  alias: string,
): string {
  const names = params.add(table.holdNames);
  const utc = utcKeyText(table, alias);
  const key = utc ? `ANY(ARRAY[${keyText(table, alias)}, ${utc}])` : keyText(table, alias);
  return `(${holdSources
    .map(
      (source) =>
        `EXISTS (SELECT 1 FROM ${source} AS h WHERE h.subject_table::text = ANY(${names}::text[]) AND h.subject_id::text = ${key})`,
    )
    .join(' OR ')})`;
}

/**
 * Rows past `cutoff` by the rule's time column (NULL never is: a soft delete not yet made), within its `where`, and
 * for anonymize rules not already anonymized (every listed column already holds its replacement), so a second run
 * neither counts nor rewrites them.
 */
export function expiredPredicate(target: RuleTarget, params: SqlParams, cutoff: Date): string {
  // An instant, not a Date: node-postgres would send a Date as local time, which a timestamp column reads without
  // its offset. Columns without a time zone are compared in the session's TimeZone.
  const parts = [`t.${sqlName(target.timeColumn)} < ${params.add(cutoff.toISOString())}::timestamptz`];
  if (target.where !== undefined) parts.push(`(${target.where})`);
  if (target.anonymize) parts.push(`NOT ${anonymizedExpression(target.anonymize, params)}`);
  return parts.join(' AND ');
}

function anonymizedExpression(columns: NonNullable<RuleTarget['anonymize']>, params: SqlParams): string {
  return `(${Object.entries(columns)
    .map(([column, value]) => `t.${sqlName(column)} IS NOT DISTINCT FROM ${params.add(value)}`)
    .join(' AND ')})`;
}

/** Rows a compliance minimum still protects: younger than the floor though past the rule's own cutoff. */
export function underMinimumExpression(target: RuleTarget, params: SqlParams): string {
  if (target.effectiveCutoff.getTime() >= target.cutoff.getTime()) return 'false';
  return `t.${sqlName(target.timeColumn)} >= ${params.add(target.effectiveCutoff.toISOString())}::timestamptz`;
}

/**
 * Counts for a plan over at most `limit` + 1 expired rows: past the limit the counts are lower bounds, and the
 * scan stops there however large the table (see docs/retention.md, "Plan").
 */
export function countSql(target: RuleTarget, limit: number): { text: string; values: unknown[] } {
  const params = new SqlParams();
  const held = heldExpression(target, params);
  const young = underMinimumExpression(target, params);
  const expired = expiredPredicate(target, params, target.cutoff);
  const text = `SELECT count(*)::float8 AS expired,
       count(*) FILTER (WHERE s.held)::float8 AS held,
       count(*) FILTER (WHERE s.young)::float8 AS young,
       count(*) FILTER (WHERE s.held OR s.young)::float8 AS kept
  FROM (SELECT ${held} AS held, ${young} AS young FROM ${target.table} AS t
         WHERE ${expired} LIMIT ${params.add(limit + 1)}) AS s`;
  return { text, values: params.values };
}

/** The planner's estimate of the expired rows, for tables too large to count. */
export function estimateSql(target: RuleTarget): { text: string; values: unknown[] } {
  const params = new SqlParams();
  const text = `EXPLAIN (FORMAT JSON) SELECT 1 FROM ${target.table} AS t WHERE ${expiredPredicate(target, params, target.cutoff)}`;
  return { text, values: params.values };
}

/**
 * One batch: up to `size` rows past the effective cutoff, not held, after `afterKey` in key order, locked (rows
 * another session has locked are skipped, not waited for), then deleted or anonymized. Returns the keys it changed
 * in key order, each column as text (the next batch starts after the last) and as one text (for the receipt hash);
 * with `archive`, also each row as locked, as JSON text (`archived`), so what is archived is exactly what changed.
 */
export function batchSql(
  target: RuleTarget,
  size: number,
  afterKey: string[] | undefined,
  archive = false,
): { text: string; values: unknown[] } {
  const params = new SqlParams();
  const keys = target.primaryKey.map((k) => sqlName(k.name));
  // The row as it was when locked (before an anonymize rewrote it), for the archive: jsonb's text is one line.
  const archived = archive ? ', to_jsonb(t) AS dbops_archived_row' : '';
  const conditions = [
    expiredPredicate(target, params, target.effectiveCutoff),
    `NOT ${heldExpression(target, params)}`,
  ];
  if (afterKey) {
    const after = target.primaryKey.map((k, i) => `${params.add(afterKey[i])}::${k.type}`);
    conditions.push(`(${keys.map((k) => `t.${k}`).join(', ')}) > (${after.join(', ')})`);
  }
  const match = `(${keys.map((k) => `d.${k}`).join(', ')}) = (${keys.map((k) => `b.${k}`).join(', ')})`;
  const change = target.anonymize
    ? `UPDATE ${target.table} AS d SET ${Object.entries(target.anonymize)
        .map(([column, value]) => `${sqlName(column)} = ${params.add(value)}`)
        .join(', ')} FROM batch AS b WHERE ${match}`
    : `DELETE FROM ${target.table} AS d USING batch AS b WHERE ${match}`;
  const text = `WITH batch AS (
  SELECT ${keys.map((k) => `t.${k}`).join(', ')}${archived} FROM ${target.table} AS t
   WHERE ${conditions.join('\n     AND ')}
   ORDER BY ${keys.map((k) => `t.${k}`).join(', ')} LIMIT ${params.add(size)} FOR UPDATE OF t SKIP LOCKED
), done AS (
  ${change}
  RETURNING ${keys.map((k) => `d.${k}`).join(', ')}${archive ? ', b.dbops_archived_row' : ''}
)
SELECT ${keys.map((k, i) => `done.${k}::text AS key_${i}`).join(', ')}, ${keyText(target, 'done')} AS key${archive ? ', done.dbops_archived_row::text AS archived' : ''}
  FROM done ORDER BY ${keys.map((k) => `done.${k}`).join(', ')}`;
  return { text, values: params.values };
}
