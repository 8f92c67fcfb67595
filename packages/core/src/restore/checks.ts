import { readFile } from 'node:fs/promises';
import type { PipelineCheck } from './pipeline-checks.js';
import { invalidInput } from '../errors.js';
import type { BackupManifest } from '../manifest/manifest.js';
import { formatSeconds } from '../format.js';
import { splitStatements } from './sql-statements.js';

export interface CheckResult {
  name: string;
  passed: boolean;
  detail: string;
}

/** A check in SQL (PostgreSQL): one query returning true or a non-zero count. */
export interface SqlCheck {
  name: string;
  sql: string;
}

/**
 * A user's check of a restored database: SQL for PostgreSQL, an aggregation pipeline for MongoDB. Each engine
 * runs its own kind and reports the other as failed, "not run", never as passed.
 */
export type UserCheck = SqlCheck | PipelineCheck;

/**
 * A checks file, its kind by its name: a `.json` file is an array of MongoDB pipeline checks
 * (databases/mongodb/pipeline-checks.ts); any other is SQL, where each check starts with a `-- name: ...` line
 * and runs until the next one, and a file without names is split at semicolons that end a line, its checks
 * numbered.
 */
export async function readChecksFile(path: string, input = 'checks'): Promise<UserCheck[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw invalidInput(
      input,
      `names a file that cannot be read (${path})`,
      'a path to a file in the repository: .sql for PostgreSQL (e.g. .github/dbops/restore-checks.sql), .json for MongoDB (e.g. .github/dbops/mongo-checks.json)',
    );
  }
  if (!/\.json$/i.test(path)) return parseChecks(text, input, path);
  // Loaded for a MongoDB checks file only: its EJSON parser (bson, 180 KB of the bundle) loaded at every start.
  return (await import('./pipeline-checks.js')).parsePipelineChecks(text, input);
}

export function parseChecks(text: string, input = 'checks', file?: string): SqlCheck[] {
  const checks: SqlCheck[] = [];
  if (/^--\s*name:/m.test(text)) {
    const [preamble = '', ...blocks] = text.split(/^--\s*name:/m);
    refuseUnnamedPreamble(preamble, input, file);
    for (const block of blocks) {
      const newline = block.indexOf('\n');
      const name = (newline === -1 ? block : block.slice(0, newline)).trim();
      const sql = stripSql(newline === -1 ? '' : block.slice(newline + 1));
      if (!name || !sql)
        throw invalidInput(
          input,
          `has a check without ${name ? 'SQL' : 'a name'}${name ? ` ('${name}')` : ''}`,
          'blocks of "-- name: <what it proves>" followed by one query that returns true or a non-zero count',
        );
      checks.push({ name, sql });
    }
  } else {
    text
      .split(/;\s*$/m)
      .map(stripSql)
      .filter(Boolean)
      .forEach((sql, i) => {
        checks.push({ name: `check ${i + 1}`, sql });
      });
  }
  if (checks.length === 0)
    throw invalidInput(input, 'holds no checks', 'one or more queries, each returning true or a non-zero count');
  for (const check of checks) refuseUnlessOneQuery(check, input);
  return checks;
}

/**
 * SQL before the first `-- name:` line is a check without a name: refused, not dropped, or the file would seem to
 * prove what it never ran. Comments and blank lines there are fine (a header).
 */
function refuseUnnamedPreamble(preamble: string, input: string, file: string | undefined): void {
  if (!stripSql(preamble)) return;
  const line = preamble.split('\n').findIndex((l) => l.trim() !== '' && !/^\s*--/.test(l)) + 1;
  throw invalidInput(
    input,
    `has SQL before its first '-- name:' line (${file ? `${file}, ` : ''}line ${line}), a check without a name`,
    'each check starts with a `-- name: <name>` line, followed by one query that returns true or a non-zero count',
  );
}

/** The statements a check may be: a query, nothing that ends the read-only transaction or changes the session. */
const QUERY_START = /^\(*\s*(select|with|values|table)\b/i;
const ONE_QUERY =
  'one query per check that returns true or a non-zero count (select, with, values or table), e.g. "-- name: orders restored" then "select count(*) from public.orders"';

/**
 * A check is one query, refused otherwise when the file is read, before anything restores: a second statement
 * after a `commit` would run outside the read-only transaction and its timeout.
 */
function refuseUnlessOneQuery(check: SqlCheck, input: string): void {
  const statements = splitStatements(check.sql);
  if (statements.length > 1) {
    throw invalidInput(
      input,
      `has check '${check.name}' holding ${statements.length} statements, not one query`,
      ONE_QUERY,
    );
  }
  if (!QUERY_START.test(statements[0] ?? '')) {
    const verb = /^\S+/.exec(statements[0] ?? '')?.[0] ?? '';
    throw invalidInput(
      input,
      `has check '${check.name}' that is not a query (it starts with '${verb.slice(0, 20)}')`,
      ONE_QUERY,
    );
  }
}

function stripSql(sql: string): string {
  return sql
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n')
    .trim()
    .replace(/;\s*$/, '')
    .trim();
}

export function checkFreshness(manifest: BackupManifest, maxAgeSeconds: number, now: Date): CheckResult {
  const age = (now.getTime() - Date.parse(manifest.finishedAt)) / 1000;
  return {
    name: 'freshness (RPO)',
    passed: age <= maxAgeSeconds,
    detail: `backup is ${formatSeconds(age)} old; limit ${formatSeconds(maxAgeSeconds)}`,
  };
}

export function checkRestoreTime(seconds: number, maxSeconds: number): CheckResult {
  return {
    name: 'restore time (RTO)',
    passed: seconds <= maxSeconds,
    detail: `restored in ${formatSeconds(seconds)}; limit ${formatSeconds(maxSeconds)}`,
  };
}
