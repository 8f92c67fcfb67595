/**
 * The SQL that picks a rule's rows, shared by the plan's counts and the purge's batches so both select the same
 * rows. Every value is a parameter; names come from the catalog (quoted), the `where` filter from the policy after
 * where-filter.ts has checked it is one expression that cannot leave its parentheses. The table is aliased `t`.
 */
import type { RuleTarget } from '../../data-retention/targets.js';
import type { CascadePath } from './data-retention-cascades.js';
import type { TimeType } from './data-retention-catalog.js';
import { sqlName } from './server-errors.js';

/** Collects parameter values and hands out their placeholders ($1, $2, ...). */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A key column: its name and format_type text. */
export interface KeyColumn {
  name: string;
  type: string;
}

/** Hands out parameter placeholders: SqlParams here, Params in subject-graph.ts. */
interface ParamSink {
  add(value: unknown): string;
}

/**
 * A row's key as one text, as a hold's subject_id gives it and as receipts hash it: the key's text for a one-column
 * key (`42`), the row's text for a composite one (`(42,"2026-01-01 00:00:00")`).
 */
export function keyText(target: { primaryKey: KeyColumn[] }, alias: string): string {
  const columns = target.primaryKey.map((k) => `${alias}.${sqlName(k.name)}`);
  return columns.length === 1 ? `${columns[0]}::text` : `ROW(${columns.join(', ')})::text`;
}

const TIMESTAMPTZ = /^timestamp(\(\d\))? with time zone$/;

/**
 * The key's text with each timestamptz column rendered by `zoned` (finite values only: infinity reads the same in
 * every zone); undefined when the key has none.
 */
function zonedKeyText(key: KeyColumn[], alias: string, zoned: (column: string) => string): string | undefined {
  if (!key.some((k) => TIMESTAMPTZ.test(k.type))) return undefined;
  const columns = key.map((k) => {
    const column = `${alias}.${sqlName(k.name)}`;
    if (!TIMESTAMPTZ.test(k.type)) return column;
    return `CASE WHEN isfinite(${column}) THEN ${zoned(column)} ELSE ${column}::text END`;
  });
  return columns.length === 1 ? `(${columns[0]})::text` : `ROW(${columns.join(', ')})::text`;
}

/**
 * The key's text with its timestamptz columns as UTC instants (`2026-01-01 12:00:00+00`) whatever the session's
 * TimeZone, exactly as a session on UTC writes it (`+00` goes before a ` BC`); undefined when the key has none. The
 * text of a timestamptz is the session's: a hold written from a UTC session would not match the row's text in a
 * session elsewhere, and tombstones and receipts hashed in another zone would not match restore-test's (UTC) hashes.
 */
export function utcKeyText(key: KeyColumn[], alias: string): string | undefined {
  // E'' strings: read the same whatever standard_conforming_strings says ('\1' would be chr(1) with it off).
  return zonedKeyText(key, alias, (c) => `regexp_replace((${c} AT TIME ZONE 'UTC')::text, '( BC)?$', E'+00\\\\1')`);
}

/** The key's text as a session on its default TimeZone (the database's, or the connection's) writes it. */
function defaultZoneKeyText(key: KeyColumn[], alias: string): string | undefined {
  const zone = "(SELECT reset_val FROM pg_settings WHERE name = 'TimeZone')";
  // timestamptz_out's offset: +HH, then :MM when minutes or seconds, then :SS when seconds.
  const offset = `CASE WHEN z.o < 0 THEN '-' ELSE '+' END || lpad((abs(z.o) / 3600)::text, 2, '0')
    || CASE WHEN abs(z.o) % 3600 <> 0 THEN ':' || lpad((abs(z.o) / 60 % 60)::text, 2, '0') ELSE '' END
    || CASE WHEN abs(z.o) % 60 <> 0 THEN ':' || lpad((abs(z.o) % 60)::text, 2, '0') ELSE '' END`;
  return zonedKeyText(
    key,
    alias,
    (c) => `(SELECT regexp_replace(z.l::text, '( BC)?$', ${offset} || E'\\\\1')
      FROM (SELECT y.l, extract(epoch FROM y.l - (${c} AT TIME ZONE 'UTC'))::int AS o
              FROM (SELECT ${c} AT TIME ZONE ${zone} AS l) AS y) AS z)`,
  );
}

/**
 * True when a legal hold names the row (as `alias`); `false` without holds or a key. Holds are read at statement
 * time. A key with a timestamptz matches in the session's text and in UTC's: holds err on the side of keeping.
 * `session: 'default'` is for statements in a transaction that set its TimeZone to UTC (subject erase and export):
 * the session's form is then the one its default zone writes, as the purge's session (left on it) matches.
 */
export function heldMatch(
  hold: { primaryKey: KeyColumn[]; holdNames: string[]; holdSources: string[] },
  alias: string,
  params: ParamSink,
  session: 'current' | 'default' = 'current',
): string {
  if (hold.holdSources.length === 0 || hold.primaryKey.length === 0) return 'false';
  const names = params.add(hold.holdNames);
  const forms = [
    session === 'current' ? keyText(hold, alias) : defaultZoneKeyText(hold.primaryKey, alias),
    utcKeyText(hold.primaryKey, alias),
  ].filter((form): form is string => form !== undefined);
  const key = forms.length > 1 ? `ANY(ARRAY[${forms.join(', ')}])` : keyText(hold, alias);
  return `(${hold.holdSources
    .map(
      (source) =>
        `EXISTS (SELECT 1 FROM ${source} AS h WHERE h.subject_table::text = ANY(${names}::text[]) AND h.subject_id::text = ${key})`,
    )
    .join(' OR ')})`;
}

/**
 * True when a legal hold names the rule's row `t`, or a row its delete would cascade into (`cascades`, at any depth:
 * PostgreSQL's cascade checks no hold, so a row is kept back, and counted held, rather than take a held row with
 * it); `false` when the policy has no holds.
 */
export function heldExpression(target: RuleTarget, params: SqlParams): string {
  if (target.holdSources.length === 0) return 'false';
  const held = [heldMatch(target, 't', params)];
  for (const path of target.cascades ?? []) {
    const { from, first } = pathJoins(path);
    const last = `c${path.steps.length}`;
    const match = heldMatch({ ...path, holdSources: target.holdSources }, last, params);
    held.push(`EXISTS (SELECT 1 FROM ${from} WHERE ${first} AND ${match})`);
  }
  return held.length === 1 ? held[0]! : `(${held.join(' OR ')})`;
}

/**
 * A cascade path's tables joined on their foreign keys, c1 to c<n> (`from`), and the condition joining c1 to the
 * rule's row t (`first`); `joined`: all of them joined to t.
 */
function pathJoins(path: CascadePath): { from: string; first: string; joined: string } {
  const on = (at: number) => {
    const step = path.steps[at]!;
    const parent = at === 0 ? 't' : `c${at}`;
    return `(${step.columns.map((c) => `c${at + 1}.${sqlName(c)}`).join(', ')}) = (${step.references.map((c) => `${parent}.${sqlName(c)}`).join(', ')})`;
  };
  const from = path.steps.map(
    (step, at) => `${at === 0 ? '' : 'JOIN '}${step.table} AS c${at + 1}${at === 0 ? '' : ` ON ${on(at)}`}`,
  );
  const joined = path.steps.map((step, at) => `JOIN ${step.table} AS c${at + 1} ON ${on(at)}`);
  return { from: from.join(' '), first: on(0), joined: joined.join(' ') };
}

/** `(t.k1, t.k2) IN (the given keys)`: each column's keys as text, cast to the column's type. */
function keysIn(target: RuleTarget, params: SqlParams, keys: string[][]): string {
  const columns = target.primaryKey.map((k) => `t.${sqlName(k.name)}`);
  const arrays = target.primaryKey.map((k, i) => `${params.add(keys[i])}::text[]::${k.type}[]`);
  return `(${columns.join(', ')}) IN (SELECT * FROM unnest(${arrays.join(', ')}))`;
}

/**
 * For rules whose deletes cascade (archive-to): locks a batch's rows as batchSql would pick them (same conditions,
 * order, limit, SKIP LOCKED), changing nothing; returns each key column as text. Their dependants are then read
 * (cascadeRowsSql) and batchSql runs over exactly these keys (`only`), so what cascades is what was read: a row
 * locked FOR UPDATE takes no new referencing row (an insert needs KEY SHARE on it) until the batch ends.
 */
export function lockBatchSql(
  target: RuleTarget,
  size: number,
  afterKey: string[] | undefined,
): { text: string; values: unknown[] } {
  const params = new SqlParams();
  const keys = target.primaryKey.map((k) => `t.${sqlName(k.name)}`);
  const text = `SELECT ${keys.map((k, i) => `${k}::text AS key_${i}`).join(', ')} FROM ${target.table} AS t
   WHERE ${batchConditions(target, params, afterKey).join('\n     AND ')}
   ORDER BY ${keys.join(', ')} LIMIT ${params.add(size)} FOR UPDATE OF t SKIP LOCKED`;
  return { text, values: params.values };
}

/**
 * The rows of a cascade path's last table that deleting the rule's rows with `keys` (each column as text) would
 * delete, each as JSON text, locked FOR UPDATE so that none changes, and none gains a referencing row, before the
 * batch's DELETE. Called path by path, shorter first: each table's rows are locked before the next level is read.
 */
export function cascadeRowsSql(
  target: RuleTarget,
  path: CascadePath,
  keys: string[][],
): { text: string; values: unknown[] } {
  const params = new SqlParams();
  const last = `c${path.steps.length}`;
  const text = `SELECT to_jsonb(${last})::text AS row FROM ${target.table} AS t ${pathJoins(path).joined}
   WHERE ${keysIn(target, params, keys)} FOR UPDATE OF ${last}`;
  return { text, values: params.values };
}

/**
 * How many rows (up to `limit`, so a count over millions stops early) of a cascade path's last table deleting the
 * rule's rows with `keys` would delete: read before they are locked and loaded (cascadeRowsSql), to bound a batch.
 */
export function cascadeCountSql(
  target: RuleTarget,
  path: CascadePath,
  keys: string[][],
  limit: number,
): { text: string; values: unknown[] } {
  const params = new SqlParams();
  const text = `SELECT count(*)::float8 AS n FROM (SELECT 1 FROM ${target.table} AS t ${pathJoins(path).joined}
   WHERE ${keysIn(target, params, keys)} LIMIT ${params.add(limit)}) AS s`;
  return { text, values: params.values };
}

function batchConditions(target: RuleTarget, params: SqlParams, afterKey: string[] | undefined): string[] {
  const conditions = [
    expiredPredicate(target, params, target.effectiveCutoff),
    `NOT ${heldExpression(target, params)}`,
  ];
  if (afterKey) {
    const keys = target.primaryKey.map((k) => `t.${sqlName(k.name)}`);
    const after = target.primaryKey.map((k, i) => `${params.add(afterKey[i])}::${k.type}`);
    conditions.push(`(${keys.join(', ')}) > (${after.join(', ')})`);
  }
  return conditions;
}

/**
 * Rows past `cutoff` by the rule's time column (NULL never is: a soft delete not yet made), within its `where`, and
 * for anonymize rules not already anonymized (every listed column already holds its replacement), so a second run
 * neither counts nor rewrites them.
 */
export function expiredPredicate(target: RuleTarget, params: SqlParams, cutoff: Date): string {
  const parts = [`t.${sqlName(target.timeColumn)} < ${cutoffValue(target.timeType, params.add(cutoff.toISOString()))}`];
  if (target.where !== undefined) parts.push(`(${target.where})`);
  if (target.anonymize) parts.push(`NOT ${anonymizedExpression(target.anonymize, params)}`);
  return parts.join(' AND ');
}

function anonymizedExpression(columns: NonNullable<RuleTarget['anonymize']>, params: SqlParams): string {
  return `(${Object.entries(columns)
    .map(([column, value]) => `t.${sqlName(column)} IS NOT DISTINCT FROM ${params.add(value)}`)
    .join(' AND ')})`;
}

/**
 * Rows a compliance minimum still protects: younger than the floor though past the rule's own cutoff. The floor is
 * read as cutoffValue reads it (the older reading of a `timestamp` or `date`), the reading that protects more: exactly
 * the rows the batches, whose predicate is its negation, keep.
 */
export function underMinimumExpression(target: RuleTarget, params: SqlParams): string {
  if (target.effectiveCutoff.getTime() >= target.cutoff.getTime()) return 'false';
  return `t.${sqlName(target.timeColumn)} >= ${cutoffValue(target.timeType, params.add(target.effectiveCutoff.toISOString()))}`;
}

/**
 * The cutoff (`placeholder`, an ISO instant: node-postgres would send a Date as local time) as a value of the time
 * column's own type. A `timestamp` holds wall time of some zone the database does not record: UTC (what dbops and
 * most applications write) or the server's TimeZone (DEFAULT now() or LOCALTIMESTAMP on a server set to
 * America/Los_Angeles). The cutoff is the older of its two readings, UTC wall time and the session's, so a row is
 * never taken early, nor a minimum undercut, whichever zone wrote it (at worst it goes up to the zone's offset late).
 * A `date` D is past the cutoff only when the whole day D is, in both readings (D < the older of the cutoff's UTC and
 * session dates). Compared through timestamptz alone, both would be read in the session's TimeZone only.
 * Everything that compares against a cutoff goes through here (rows, minimums, partition bounds): they agree.
 */
export function cutoffValue(type: TimeType, placeholder: string): string {
  const instant = `${placeholder}::timestamptz`;
  if (type === 'timestamp with time zone') return instant;
  if (type === 'timestamp without time zone') return `LEAST((${instant} AT TIME ZONE 'UTC'), ${instant}::timestamp)`;
  return `LEAST((${instant} AT TIME ZONE 'UTC')::date, ${instant}::date)`;
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
 * in key order, each column as text (the next batch starts after the last) and as one text with its instants in UTC
 * (for the receipt hash and the tombstones: restore-test hashes in UTC, whatever the database's TimeZone);
 * with `archive`, also each row as locked, as JSON text (`archived`), so what is archived is exactly what changed.
 */
export function batchSql(
  target: RuleTarget,
  size: number,
  afterKey: string[] | undefined,
  archive = false,
  only?: string[][],
): { text: string; values: unknown[] } {
  const params = new SqlParams();
  const keys = target.primaryKey.map((k) => sqlName(k.name));
  // The row as it was when locked (before an anonymize rewrote it), for the archive: jsonb's text is one line.
  const archived = archive ? ', to_jsonb(t) AS dbops_archived_row' : '';
  const conditions = batchConditions(target, params, afterKey);
  // Rows lockBatchSql locked (and whose dependants were read): no other row, though one may have appeared since.
  if (only) conditions.push(keysIn(target, params, only));
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
SELECT ${keys.map((k, i) => `done.${k}::text AS key_${i}`).join(', ')}, ${utcKeyText(target.primaryKey, 'done') ?? keyText(target, 'done')} AS key${archive ? ', done.dbops_archived_row::text AS archived' : ''}
  FROM done ORDER BY ${keys.map((k) => `done.${k}`).join(', ')}`;
  return { text, values: params.values };
}
