import type pg from 'pg';
import type { BackupManifest } from '../../manifest/manifest.js';
import type { CheckResult, UserCheck } from '../../restore/checks.js';
import { serverVersion } from './connection.js';
import { fingerprintDifferences, schemaFingerprint, type FingerprintPart } from './fingerprint.js';
import { quoteIdent } from './inventory.js';
import { countsOf, countStatement } from './count-statement.js';

// What a restore is checked by in a restored PostgreSQL database: tables and row counts, the schema fingerprint,
// the user's SQL checks.

/** How far a restored table's row count may be from the planner's estimate recorded at backup time. */
const ESTIMATE_TOLERANCE = 0.2;

/** Every table in the manifest exists, with the recorded row count (exact) or near the estimate. */
export async function checkTables(
  client: pg.Client,
  manifest: BackupManifest,
): Promise<{ checks: CheckResult[]; rows: number }> {
  const missing: string[] = [];
  const exactMismatch: string[] = [];
  const estimateOff: string[] = [];
  const unknown: string[] = [];
  let exact = 0;
  let estimated = 0;
  let rows = 0;
  const names = manifest.tables.map((table) => `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`);
  const counts = await countRows(
    client,
    names.map((name, i) => (countsChildren(manifest, manifest.tables[i]!) ? name : `only ${name}`)),
  );
  for (const [i, table] of manifest.tables.entries()) {
    const name = names[i]!;
    const count = counts[i];
    if (count === undefined) {
      missing.push(name);
      continue;
    }
    rows += count;
    if (table.dataExcluded) {
      exact++;
      if (count !== 0) exactMismatch.push(`${name}: ${count} rows, but its data was excluded from the backup`);
    } else if (table.rows !== undefined) {
      exact++;
      if (count !== table.rows) exactMismatch.push(`${name}: ${count} rows, backup had ${table.rows}`);
    } else if (table.rowEstimate >= 0) {
      estimated++;
      const allowed = Math.max(10, table.rowEstimate * ESTIMATE_TOLERANCE);
      if (Math.abs(count - table.rowEstimate) > allowed)
        estimateOff.push(`${name}: ${count} rows, estimate was ~${table.rowEstimate}`);
    } else {
      // Above the exact-count limit and never analyzed (estimate -1): the backup recorded nothing to compare with.
      unknown.push(name);
    }
  }
  const total = manifest.tables.length;
  const checks: CheckResult[] = [
    {
      name: 'tables present',
      passed: missing.length === 0,
      detail: missing.length === 0 ? `${total} of ${total} tables` : `${missing.length} missing: ${preview(missing)}`,
    },
  ];
  // A check that looked at no table proves nothing: it is left out rather than reported as passed.
  if (exact > 0) {
    checks.push({
      name: 'row counts (exact)',
      passed: exactMismatch.length === 0,
      detail:
        exactMismatch.length === 0
          ? `${exact} tables match the counts taken in the backup's snapshot`
          : preview(exactMismatch),
    });
  }
  if (estimated > 0) {
    checks.push({
      name: 'row counts (estimated)',
      passed: estimateOff.length === 0,
      detail:
        estimateOff.length === 0
          ? `${estimated} large tables within ${ESTIMATE_TOLERANCE * 100}% of the planner's estimate`
          : preview(estimateOff),
    });
  }
  if (unknown.length > 0) {
    checks.push({
      name: 'row counts (unknown)',
      passed: false,
      detail: `${unknown.length} tables had no count or estimate in the backup, so their rows were not verified: ${preview(unknown)} (larger than exact-count-max-size and never analyzed: ANALYZE them, or raise exact-count-max-size)`,
    });
  }
  return { checks, rows };
}

/**
 * Whether a table's recorded count includes its inheritance children's rows, so that the restored table is counted
 * with them: the exact counts of manifests older than rowCounts 'own'. A table's own rows are counted otherwise
 * (FROM ONLY, the same on a table without children): the archive holds only those of a parent whose child, or the
 * child's data, was left out of the backup; an estimate (pg_class.reltuples) and an excluded table's zero were
 * always the table's own.
 */
function countsChildren(manifest: BackupManifest, table: BackupManifest['tables'][number]): boolean {
  return manifest.rowCounts !== 'own' && table.rows !== undefined && !table.dataExcluded;
}

/**
 * Tables counted per statement. One statement per table took 2.1 s at 10,000 tables on a local server (more with
 * any network between); 50 a statement took 0.9 s. Larger batches plan more slowly per table: 500 a statement
 * was slower than one per table at 1,000 tables (bench/restore-counts.mjs).
 */
export const COUNT_BATCH = 50;

/**
 * Each table's row count, in the order given (names as a FROM clause takes them, ONLY or not); undefined where the
 * table could not be counted (missing, no permission). A batch that fails is counted again table by table, so the tables that failed are named exactly.
 */
async function countRows(client: pg.Client, names: string[]): Promise<(number | undefined)[]> {
  const counts: (number | undefined)[] = [];
  for (let start = 0; start < names.length; start += COUNT_BATCH) {
    const batch = names.slice(start, start + COUNT_BATCH);
    try {
      counts.push(...(await countBatch(client, batch)));
    } catch {
      for (const name of batch) counts.push(await countOne(client, name));
    }
  }
  return counts;
}

async function countBatch(client: pg.Client, names: string[]): Promise<number[]> {
  const result = await client.query<{ i: number; n: string }>(countStatement(names));
  return countsOf(result.rows, names.length);
}

async function countOne(client: pg.Client, name: string): Promise<number | undefined> {
  try {
    return Number((await client.query<{ n: string }>(`select count(*) as n from ${name}`)).rows[0]!.n);
  } catch {
    return undefined;
  }
}

/**
 * Parts of the fingerprint that hash definitions as the server prints them (pg_get_viewdef, pg_get_constraintdef,
 * format_type...): another major may print the same object differently (PostgreSQL 16 prints views without
 * table qualifiers, 17 lists a domain's NOT NULL among its constraints).
 */
const PRINTED_BY_SERVER: ReadonlySet<FingerprintPart> = new Set([
  'tables',
  'columns',
  'indexes',
  'constraints',
  'triggers',
  'types',
  'views',
  'policies',
]);

export async function checkSchema(client: pg.Client, manifest: BackupManifest): Promise<CheckResult> {
  const restored = await schemaFingerprint(client);
  const differences = fingerprintDifferences(manifest.schemaFingerprint, restored);
  if (differences.length === 0)
    return { name: 'schema fingerprint', passed: true, detail: `equal (${restored.digest.slice(0, 12)})` };
  const here = (await serverVersion(client)).major;
  const there = Number.parseInt(manifest.serverVersion, 10);
  // Restoring into another major (an upgrade rehearsal): a printed part that differs may be the same schema
  // printed another way. Such parts are named as not compared, never counted as equal.
  if (here !== there && differences.every((part) => PRINTED_BY_SERVER.has(part))) {
    const equal = (Object.keys(restored.parts) as FingerprintPart[]).filter((part) => !differences.includes(part));
    return {
      name: 'schema fingerprint',
      passed: true,
      detail: `equal in ${equal.join(', ')}; ${differences.join(', ')} not compared: PostgreSQL ${here} prints their definitions differently from PostgreSQL ${there}, where the backup was taken`,
    };
  }
  return { name: 'schema fingerprint', passed: false, detail: `differs in ${differences.join(', ')}` };
}

/**
 * Runs each check as one statement of the extended protocol (which refuses several) inside a read-only
 * transaction opened by dbops, with a statement timeout, in a session whose transactions default to read-only.
 * The transaction has taken its snapshot before the check runs, so the check cannot switch it to read-write
 * (set_config('transaction_read_only', ...) fails), and it is rolled back afterwards, which also undoes any
 * setting the check changed (set_config(..., false) included). A check passes when its first value is true or a
 * non-zero number.
 *
 * Not covered: read-only stops writes to the restored database only. A check run by a superuser can still act
 * outside it (COPY ... TO PROGRAM, dblink to another session, pg_terminate_backend); checks are code from the
 * repository, trusted like the workflow, and the target server should be a disposable one.
 */
export async function runUserChecks(
  client: pg.Client,
  checks: UserCheck[],
  timeoutMs = 60_000,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  if (checks.length === 0) return results;
  await client.query('set default_transaction_read_only = on');
  for (const check of checks) {
    if (!('sql' in check)) {
      results.push({ name: check.name, passed: false, detail: PIPELINE_NOT_RUN });
      continue;
    }
    try {
      await client.query('begin read only');
      // A query, so the transaction's snapshot is taken before the check runs (see above).
      await client.query("select set_config('statement_timeout', $1, true)", [String(Math.round(timeoutMs))]);
      const result = await client.query({ text: check.sql, rowMode: 'array', queryMode: 'extended' } as pg.QueryConfig);
      const value = ((result.rows ?? []) as unknown[][])[0]?.[0];
      const passed =
        value === true ||
        (value !== null &&
          value !== undefined &&
          typeof value !== 'boolean' &&
          Number(value) !== 0 &&
          !Number.isNaN(Number(value)));
      results.push({
        name: check.name,
        passed,
        detail: `returned ${value === undefined ? 'no rows' : JSON.stringify(value)}`,
      });
    } catch (error) {
      results.push({ name: check.name, passed: false, detail: `failed: ${checkFailure(error)}` });
    } finally {
      await client.query('rollback').catch(() => undefined);
    }
  }
  return results;
}

/** A MongoDB pipeline check (a .json checks file) cannot run on PostgreSQL: failed, never passed unrun. */
const PIPELINE_NOT_RUN =
  'not run: a MongoDB pipeline check, which a PostgreSQL database cannot run (write PostgreSQL checks as SQL in a .sql file)';

/** The server's own message; the one for several statements in one check said in words a check author knows. */
function checkFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/cannot insert multiple commands into a prepared statement/.test(message))
    return 'the check holds more than one statement; a check is one query';
  return message;
}

function preview(items: string[]): string {
  return items.slice(0, 5).join('; ') + (items.length > 5 ? `; … ${items.length - 5} more` : '');
}
