/**
 * Lint of migrations with PostgreSQL's own grammar: what would lock or rewrite a table that is in use, what fails
 * for sure (CONCURRENTLY in a transaction, a syntax error), each with the reason and the safe rewrite. With a live
 * database, a lock or rewrite of a small table is only noted (info), of a big one an error.
 */
import { formatBytes } from '../../format.js';
import type { TransactionMode } from '../source.js';
import { checkStatements, type Candidate } from './check-statements.js';
import type { ParsedFile } from './parse.js';
import { parseFiles } from './parse-files.js';
import { SourcePositions } from './positions.js';
import { LINT_RULES, type LintRuleId, type LintSeverity } from './rules.js';
import { isSuppressed, readSuppressions } from './suppressions.js';
import type { TableSize, TableSizeLookup } from './table-sizes.js';
import { NewTables, tableSql, type TableRef } from './tables.js';

export interface LintFinding {
  rule: LintRuleId;
  severity: LintSeverity;
  migration: string;
  file: string;
  /** 1-based, in the file. */
  line: number;
  column?: number;
  /** The table concerned, as the migration names it. */
  table?: string;
  /** From the live database, when one was given and has the table. */
  tableSize?: TableSize;
  /** What was found and why it matters. */
  reason: string;
  /** The safe way to write it. */
  fix: string;
}

export interface LintMigration {
  name: string;
  file: string;
  sql: string;
}

/** A table at or over either limit is big: a lock or rewrite of it is an error. */
export interface BigTable {
  bytes: number;
  rows: number;
}

export const DEFAULT_BIG_TABLE: BigTable = { bytes: 100 * 1024 * 1024, rows: 1_000_000 };

export interface LintOptions {
  transactionMode: TransactionMode;
  /** Table sizes from the live database (catalogTableSizes); without it, size-sensitive findings are warnings. */
  tableSizes?: TableSizeLookup;
  bigTable?: BigTable;
  /** dbops sets lock_timeout for the migration's session itself. */
  lockTimeoutGiven?: boolean;
}

/** Lints migrations in the order they will run (tables created by earlier ones count as new in later ones). */
export async function lintMigrations(migrations: LintMigration[], options: LintOptions): Promise<LintFinding[]> {
  const parsed = await parseFiles(migrations.map((m) => m.sql));
  const newTables = new NewTables();
  const pending: { finding: LintFinding; table?: TableRef }[] = [];
  migrations.forEach((migration, i) => {
    for (const found of lintFile(migration, parsed[i]!, options, newTables)) pending.push(found);
  });
  const tables = pending.flatMap((p) => (p.table && LINT_RULES[p.finding.rule].sizeSensitive ? [p.table] : []));
  const sizes = options.tableSizes && tables.length > 0 ? await options.tableSizes(tables) : undefined;
  return pending.map(({ finding, table }) => {
    if (!sizes || !table || !LINT_RULES[finding.rule].sizeSensitive) return finding;
    return withTableSize(finding, sizes.get(tableSql(table)), options.bigTable ?? DEFAULT_BIG_TABLE);
  });
}

function lintFile(
  migration: LintMigration,
  parsed: ParsedFile,
  options: LintOptions,
  newTables: NewTables,
): { finding: LintFinding; table?: TableRef }[] {
  const positions = new SourcePositions(migration.sql);
  const base = { migration: migration.name, file: migration.file };
  const at = (place: { line: number; column: number }) => ({ line: place.line, column: place.column });
  if (parsed.error) {
    const place = parsed.error.offset !== undefined ? at(positions.atCharacter(parsed.error.offset)) : { line: 1 };
    const rule = LINT_RULES['parse-error'];
    return [
      {
        finding: {
          rule: 'parse-error',
          severity: rule.severity,
          ...base,
          ...place,
          reason: `${parsed.error.message}. ${rule.reason}`,
          fix: rule.fix,
        },
      },
    ];
  }

  const { suppressions, invalid } = readSuppressions(parsed.comments, parsed.statements, positions);
  const candidates = checkStatements(parsed.statements, {
    transactionMode: options.transactionMode,
    newTables,
    lockTimeoutGiven: options.lockTimeoutGiven ?? false,
    text: (start, end) => positions.slice(start, end),
  });
  const results = candidates
    .filter((c) => !isSuppressed(suppressions, c.rule, c.statement))
    .map((c) => ({
      finding: toFinding(c, base, at(positions.atByte(c.offset))),
      ...(c.table ? { table: c.table } : {}),
    }));
  for (const problem of invalid) {
    const rule = LINT_RULES['invalid-suppression'];
    results.push({
      finding: {
        rule: 'invalid-suppression',
        severity: rule.severity,
        ...base,
        ...at(positions.atByte(problem.offset)),
        reason: `This suppression ${problem.problem}. ${rule.reason}`,
        fix: rule.fix,
      },
    });
  }
  return results.sort((a, b) => a.finding.line - b.finding.line || (a.finding.column ?? 0) - (b.finding.column ?? 0));
}

function toFinding(
  candidate: Candidate,
  base: { migration: string; file: string },
  place: { line: number; column: number },
): LintFinding {
  const rule = LINT_RULES[candidate.rule];
  return {
    rule: candidate.rule,
    severity: rule.severity,
    ...base,
    ...place,
    ...(candidate.table ? { table: tableSql(candidate.table) } : {}),
    reason: `${candidate.detail} ${rule.reason}`,
    fix: candidate.fix ?? rule.fix,
  };
}

const BIG = 'big enough for this to be an outage';
const SMALL = 'small enough for this to be brief';

/** A size-sensitive finding's severity from its table: info when small, error when big. */
export function withTableSize(finding: LintFinding, size: TableSize | undefined, big: BigTable): LintFinding {
  if (!size)
    return { ...finding, reason: `${finding.reason} (The table is not in the database yet, so its size is unknown.)` };
  const isBig = size.bytes >= big.bytes || (size.rows ?? 0) >= big.rows;
  const rows = size.rows === undefined ? 'never analyzed' : `~${size.rows.toLocaleString('en-US')} rows`;
  const described = `${finding.table} is ${formatBytes(size.bytes)} (${rows})`;
  return {
    ...finding,
    severity: isBig ? 'error' : 'info',
    tableSize: size,
    reason: `${finding.reason} ${described}: ${isBig ? BIG : SMALL}.`,
  };
}
