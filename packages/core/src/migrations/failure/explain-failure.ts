/**
 * A failed migration run, explained: which migration failed, the database error and its line in the file, what
 * state the failure left (proven from the schema fingerprints taken before and after the run where it can be), what
 * ran before it, the backup taken before the deploy, and the ways out with exact commands. Reads files, runs nothing.
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { SchemaSnapshot } from '../schema-snapshot.js';
import { describeSchemaChange, type SchemaChange, schemaDiff, withoutTrackingTable } from '../schema-diff.js';
import { DbopsError } from '../../errors.js';
import type { Secrets } from '../../secrets.js';
import { appliedDiff } from '../applied-diff.js';
import type { MigrationCommandResult } from '../run-command.js';
import type { MigrationSource, RepositoryMigration } from '../source.js';
import type { MigrationStatus } from '../status.js';
import { type DatabaseError, parseDatabaseError } from './database-error.js';
import { bareName, type ErrorLocation, locateError, tablesOf } from './error-location.js';
import {
  type PreDeployBackup,
  type PrismaCommand,
  prismaCommandOf,
  type RecoveryRoute,
  type RestoreAdvice,
  recoveryRoutes,
  restoreAdvice,
  restoreRoute,
} from './recovery.js';
import { splitSqlStatements } from './sql-statements.js';
import { transactionScope } from './transaction-scope.js';

export interface ExplainFailureOptions {
  source: MigrationSource;
  statusBefore: MigrationStatus;
  statusAfter: MigrationStatus;
  /** takeSchemaSnapshot before the command ran and after it failed. */
  schemaBefore: SchemaSnapshot;
  schemaAfter: SchemaSnapshot;
  /** The error runMigrationCommand threw, or its result when the tool exited 0 but left a failed migration. */
  outcome: { error: unknown } | { result: MigrationCommandResult };
  /** The backup taken before the deploy; absent with backup: false. */
  backup?: PreDeployBackup;
  /** The deploy command as the user wrote it. */
  command: string;
  /** How the project runs Prisma's CLI, when the command does not show it (`npm run deploy`). */
  prismaCommand?: string;
  /** The project's root: files are named relative to it. */
  projectDir?: string;
  /** Every text of the record is redacted through it (tools echo their URL in errors). */
  secrets?: Secrets;
}

export type FailureKind = 'lock-timeout' | 'statement-timeout' | 'deadlock' | 'database-error' | 'command-error';

export interface FailureError {
  kind: FailureKind;
  /** PostgreSQL's message (without "ERROR:"), or the command's own when no database error was found. */
  message: string;
  sqlstate?: string;
  detail?: string;
  hint?: string;
  /** For a lock timeout: the table the statement waited for, as the migration names it, where one can be told. */
  table?: string;
  from: DatabaseError['from'];
}

export type FailureState =
  | {
      kind: 'nothing-applied';
      /**
       * fingerprint-unchanged: the schema is the same before and after the run, and the migration runs as one
       * transaction. changes-are-earlier-migrations: it runs as one transaction, and every schema change of the run
       * touches only objects it does not name (they are the earlier migrations').
       */
      proof: 'fingerprint-unchanged' | 'changes-are-earlier-migrations';
      summary: string;
    }
  | {
      kind: 'partly-applied';
      /** Why it could leave part of itself: the COMMIT or CONCURRENTLY and its line. */
      reason: string;
      /** The schema changes it left. */
      changes: SchemaChange[];
      summary: string;
    }
  | {
      /** Could not be proven either way: check by hand before marking it rolled back. */
      kind: 'not-proven';
      reason: string;
      changes: SchemaChange[];
      summary: string;
    };

export interface FailureExplanation {
  /** The failed migration; absent when the run failed before one could be named (a connection error). */
  migration?: { name: string; file?: string };
  error: FailureError;
  /** Its place in the migration's file. */
  location?: ErrorLocation;
  state: FailureState;
  /** Migrations the same run applied before the failure, in order. */
  appliedBefore: string[];
  /** What the next deploy would run (the failed one again, once resolved). */
  stillPending: string[];
  /** Every schema change of the run, the earlier migrations' included (the tool's own table left out). */
  schemaChanges: SchemaChange[];
  /** The schema snapshots' digests (takeSchemaSnapshot) before and after the run. */
  fingerprints: { before: string; after: string };
  routes: RecoveryRoute[];
  /** The restore of the pre-deploy backup, when there is one. Never run automatically. */
  restore?: RestoreAdvice;
  /** The explanation as sentences, for a summary or a terminal. */
  lines: string[];
}

export async function explainFailure(options: ExplainFailureOptions): Promise<FailureExplanation> {
  const { source, statusBefore, statusAfter, schemaBefore, schemaAfter } = options;
  const diff = appliedDiff(statusBefore, statusAfter);
  const output = outputOf(options.outcome);
  const repository = await source.list();

  const failed = diff.failed[0] ?? guessFailed(statusBefore, statusAfter, repository, output, source.tracking.table);
  const migration = failed ? repository.find((m) => m.name === failed.name) : undefined;
  const fileText = migration ? await readFile(migration.file, 'utf8').catch(() => undefined) : undefined;
  const file = migration ? shown(migration.file, options.projectDir) : undefined;

  const recorded = failed?.logs ? parseDatabaseError(failed.logs, 'tool-record') : undefined;
  const databaseError = recorded ?? parseDatabaseError(output, 'command-output');
  const scriptOffset = migration?.sql && fileText ? Math.max(0, fileText.indexOf(migration.sql)) : 0;
  const location = databaseError && fileText ? locateError(fileText, databaseError, { scriptOffset }) : undefined;
  const error = failureError(databaseError, failed?.logs ?? output, location);

  // The tool's own table (created by the first run, outside the migrations' transaction) is no migration's change.
  const allChanges = schemaDiff(schemaBefore, schemaAfter);
  const changes = withoutTrackingTable(allChanges, source.tracking.table);
  const appliedBefore = diff.applied.map((m) => m.name);
  const state = failureState({
    fingerprintUnchanged:
      schemaBefore.fingerprint.digest === schemaAfter.fingerprint.digest ||
      (changes.length === 0 && allChanges.length > 0),
    fileText,
    mode: source.transactionMode,
    changes,
    appliedBefore,
    named: Boolean(failed),
  });

  const prisma = source.tool === 'prisma' ? safePrismaCommand(options.command, options.prismaCommand) : undefined;
  const routes = failed
    ? recoveryRoutes({
        tool: source.tool,
        migration: failed.name,
        file: file ?? failed.name,
        ...(location ? { where: `line ${location.line}: ${error.message}` } : { where: error.message }),
        command: options.command,
        ...(prisma ? { prisma } : {}),
        nothingLeft: state.kind === 'nothing-applied',
        left: state.kind === 'nothing-applied' ? [] : state.changes.map(describeSchemaChange),
        ...(source.tracking.table ? { table: source.tracking.table } : {}),
      })
    : [];
  const restore = options.backup ? restoreAdvice(options.backup) : undefined;
  if (restore) routes.push(restoreRoute(restore));

  const explanation: FailureExplanation = {
    ...(failed ? { migration: { name: failed.name, ...(file ? { file } : {}) } } : {}),
    error,
    ...(location ? { location } : {}),
    state,
    appliedBefore,
    stillPending: statusAfter.tool === 'prisma' && failed ? [failed.name, ...diff.stillPending] : diff.stillPending,
    schemaChanges: changes,
    fingerprints: { before: schemaBefore.fingerprint.digest, after: schemaAfter.fingerprint.digest },
    routes,
    ...(restore ? { restore } : {}),
    lines: [],
  };
  explanation.lines = sentences(explanation);
  return options.secrets ? redactDeep(explanation, options.secrets) : explanation;
}

/** The command's output: its last lines, from the result or from the error runMigrationCommand threw. */
function outputOf(outcome: ExplainFailureOptions['outcome']): string {
  if ('result' in outcome) return outcome.result.lastLines.join('\n');
  const error = outcome.error;
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Where the tool keeps no failed record (node-pg-migrate rolls the file back and writes nothing; psql keeps no table):
 * the migration its output names last among those still pending, or psql's file; else, when a database error was
 * printed, the first still pending (tools run them in order).
 */
function guessFailed(
  before: MigrationStatus,
  after: MigrationStatus,
  repository: RepositoryMigration[],
  output: string,
  table: string | undefined,
): { name: string; logs?: string } | undefined {
  const psqlFile = /psql:(.+?):\d+: ERROR:/.exec(output)?.[1];
  if (psqlFile) {
    const byFile = repository.find((m) => m.file.endsWith(psqlFile.replace(/^\.\//, '')));
    if (byFile) return { name: byFile.name };
  }
  if (!table) return undefined;
  const pending = after.pending.filter((name) => !before.applied.includes(name));
  const mentioned = pending
    .map((name) => ({ name, at: output.lastIndexOf(name) }))
    .filter((m) => m.at >= 0)
    .sort((a, b) => b.at - a.at)[0];
  if (mentioned) return { name: mentioned.name };
  return parseDatabaseError(output, 'command-output') && pending[0] ? { name: pending[0] } : undefined;
}

function failureError(
  parsed: DatabaseError | undefined,
  raw: string,
  location: ErrorLocation | undefined,
): FailureError {
  if (!parsed) {
    return { kind: 'command-error', message: firstMeaningfulLine(raw), from: 'command-output' };
  }
  const kind: FailureKind =
    parsed.sqlstate === '55P03'
      ? 'lock-timeout'
      : parsed.sqlstate === '57014' && /statement timeout/i.test(parsed.message)
        ? 'statement-timeout'
        : parsed.sqlstate === '40P01'
          ? 'deadlock'
          : 'database-error';
  const table = kind === 'lock-timeout' && location ? lockedTable(location) : undefined;
  return {
    kind,
    message: parsed.message,
    ...(parsed.sqlstate ? { sqlstate: parsed.sqlstate } : {}),
    ...(parsed.detail ? { detail: parsed.detail } : {}),
    ...(parsed.hint ? { hint: parsed.hint } : {}),
    ...(table ? { table } : {}),
    from: parsed.from,
  };
}

function lockedTable(location: ErrorLocation): string | undefined {
  const statement = splitSqlStatements(location.statement)[0];
  return statement ? tablesOf(statement)[0] : undefined;
}

/** Prisma's WebAssembly engine logs "external connector error" first; the line after it says what happened. */
function firstMeaningfulLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .filter((l) => !/^(Error: )?external connector error$/i.test(l));
  return lines.find((l) => /error/i.test(l)) ?? lines[0] ?? 'the command failed without output';
}

function failureState(facts: {
  fingerprintUnchanged: boolean;
  fileText: string | undefined;
  mode: MigrationSource['transactionMode'];
  changes: SchemaChange[];
  appliedBefore: string[];
  named: boolean;
}): FailureState {
  const { changes } = facts;
  if (!facts.named) {
    return facts.fingerprintUnchanged
      ? {
          kind: 'nothing-applied',
          proof: 'fingerprint-unchanged',
          summary: 'No migration was recorded as failed, and the schema fingerprint is unchanged.',
        }
      : {
          kind: 'not-proven',
          reason: 'no migration was recorded as failed, yet the schema changed',
          changes,
          summary: `No migration was recorded as failed, yet the schema changed: ${listed(changes)}.`,
        };
  }
  if (facts.fileText === undefined) {
    return {
      kind: 'not-proven',
      reason: 'its file could not be read, so whether it runs as one transaction is not known',
      changes,
      summary: `Its file could not be read; the schema changes of this run: ${listed(changes)}.`,
    };
  }
  const scope = transactionScope(facts.fileText, facts.mode);
  const code = splitSqlStatements(facts.fileText)
    .map((s) => s.code)
    .join('\n');
  const its = changes.filter((change) => names(code, change));
  if (scope.oneTransaction) {
    if (facts.fingerprintUnchanged) {
      return {
        kind: 'nothing-applied',
        proof: 'fingerprint-unchanged',
        summary:
          'Nothing of it was applied: PostgreSQL ran it as one transaction and rolled it back whole, and the schema ' +
          'fingerprint after the run is the same as before it.',
      };
    }
    if (facts.appliedBefore.length > 0 && its.length === 0) {
      return {
        kind: 'nothing-applied',
        proof: 'changes-are-earlier-migrations',
        summary:
          'Nothing of it was applied: PostgreSQL ran it as one transaction and rolled it back whole, and none of ' +
          `the schema changes of this run touches an object it names (they are ${facts.appliedBefore.join(', ')}'s).`,
      };
    }
    return {
      kind: 'not-proven',
      reason: 'it runs as one transaction, but the schema changed in this run in ways that may be its own',
      changes: its.length > 0 ? its : changes,
      summary:
        'It runs as one transaction, so PostgreSQL should have rolled it back whole, but the schema changed in ways ' +
        `that may be its own: ${listed(its.length > 0 ? its : changes)}. Check before marking it rolled back.`,
    };
  }
  // Without earlier migrations in the run, every change is its own; with them, those of objects it names.
  const left = facts.appliedBefore.length === 0 ? changes : its;
  if (left.length > 0) {
    return {
      kind: 'partly-applied',
      reason: scope.reason,
      changes: left,
      summary: `Part of it was applied (${scope.reason}): ${listed(left)}.`,
    };
  }
  return {
    kind: 'not-proven',
    reason: scope.reason,
    changes: [],
    summary:
      `It does not run as one transaction (${scope.reason}). The schema shows nothing of it, but rows it wrote ` +
      'before the failure would remain: check before marking it rolled back.',
  };
}

/** Whether the file names the changed object (its own name, as a word). */
function names(code: string, change: SchemaChange): boolean {
  const own = change.kind === 'function' ? change.name.replace(/\(.*$/, '') : change.name;
  const word = bareName(own.split('.').at(-1) ?? own);
  return new RegExp(`(^|[^\\w$])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w$])`, 'i').test(code);
}

function listed(changes: SchemaChange[]): string {
  return changes.length > 0 ? changes.map(describeSchemaChange).join('; ') : 'none';
}

function sentences(e: FailureExplanation): string[] {
  const lines: string[] = [];
  const code = e.error.sqlstate ? ` (SQLSTATE ${e.error.sqlstate})` : '';
  lines.push(
    e.migration
      ? `Migration ${e.migration.name} failed: ${e.error.message}${code}.`
      : `The migration command failed before a migration could be named: ${e.error.message}${code}.`,
  );
  if (e.location) {
    const column = e.location.column ? `, column ${e.location.column}` : '';
    const how =
      e.location.basis === 'only-candidate'
        ? ' (PostgreSQL gives no position for this error: the only statement that can raise it)'
        : e.location.basis === 'named-in-message'
          ? ' (the statement that names what the error names)'
          : '';
    lines.push(
      `At line ${e.location.line}${column} of ${e.migration?.file ?? 'the migration'}${how}: ${firstLine(e.location.statement)}`,
    );
  }
  if (e.error.detail) lines.push(`Detail: ${e.error.detail}`);
  if (e.error.hint) lines.push(`Hint: ${e.error.hint}`);
  if (e.error.kind === 'lock-timeout') {
    lines.push(
      `It waited longer than lock_timeout for a lock${e.error.table ? ` on ${e.error.table}` : ''} that another ` +
        'session held: run it again when that session is done, or raise lock-timeout.',
    );
  }
  lines.push(e.state.summary);
  if (e.appliedBefore.length > 0) lines.push(`Applied before it in this run: ${e.appliedBefore.join(', ')}.`);
  if (e.restore) {
    lines.push(
      `Backup ${e.restore.backupId} was taken before the deploy (${e.restore.takenAt.toISOString()}, in ` +
        `${e.restore.location}). Restoring it is never automatic; \`${e.restore.command}\` would lose ${e.restore.loses}.`,
    );
  }
  for (const route of e.routes) lines.push(`${route.title}: ${route.commands.map((c) => `\`${c}\``).join(', ')}`);
  return lines;
}

function firstLine(text: string): string {
  const first = text.split('\n')[0]!;
  return first.length < text.length ? `${first} …` : first;
}

function shown(file: string, projectDir: string | undefined): string {
  return projectDir ? relative(projectDir, file) : file;
}

function safePrismaCommand(command: string, prismaCommand: string | undefined): PrismaCommand | undefined {
  try {
    return prismaCommandOf(command, prismaCommand);
  } catch (error) {
    if (error instanceof DbopsError) return undefined;
    throw error;
  }
}

/** Every string of the record through the secret register; dates and numbers as they are. */
function redactDeep<T>(value: T, secrets: Secrets): T {
  if (typeof value === 'string') return secrets.redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)])) as T;
  }
  return value;
}
