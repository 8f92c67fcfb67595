/**
 * Where each migration stands: the repository's migrations against the database's record, read before anything runs.
 */
import type pg from 'pg';
import type { AppliedRecord, MigrationSource, MigrationTool, RepositoryMigration } from './source.js';

export type MigrationState =
  | 'applied'
  | 'pending'
  /** Started and never finished: Prisma refuses to deploy until it is resolved (P3009). */
  | 'failed'
  /** Marked rolled back (`prisma migrate resolve --rolled-back`): the next deploy runs it again. */
  | 'rolled-back'
  /** Applied, but migration.sql no longer has the checksum that was recorded. */
  | 'edited-after-applied'
  | 'missing-from-repository'
  /** The tool keeps no record dbops can read. */
  | 'unknown';

export interface MigrationEntry {
  name: string;
  state: MigrationState;
  /** The file in the repository (absent for a migration missing from it). */
  file?: string;
  startedAt?: Date;
  finishedAt?: Date;
  /** finishedAt - startedAt, where the tool records both (Prisma). */
  durationMs?: number;
  /** The tool's log of the failed attempt (Prisma: the database error). */
  logs?: string;
}

export interface MigrationStatus {
  tool: MigrationTool;
  folder: string;
  /** The tool's table, or why there is none to read (then every state is 'unknown'). */
  tracking: MigrationSource['tracking'];
  /** Repository migrations in the tool's order, then those only the database knows. */
  migrations: MigrationEntry[];
  counts: Record<MigrationState, number>;
  /** What the next deploy would run, in order: pending and rolled-back migrations. */
  pending: string[];
  failed: string[];
  applied: string[];
}

/** Reads the folder and the database's record and compares them. */
export async function readMigrationStatus(source: MigrationSource, client: pg.ClientBase): Promise<MigrationStatus> {
  const [repository, applied] = [await source.list(), await source.readApplied(client)];
  return migrationStatus(source, repository, applied);
}

/** The comparison itself, without I/O. `applied` is undefined when the tool keeps no record. */
export function migrationStatus(
  source: Pick<MigrationSource, 'tool' | 'folder' | 'tracking' | 'matchesChecksum'>,
  repository: RepositoryMigration[],
  applied: AppliedRecord[] | undefined,
): MigrationStatus {
  const recordsByName = new Map<string, AppliedRecord[]>();
  for (const record of applied ?? [])
    recordsByName.set(record.name, [...(recordsByName.get(record.name) ?? []), record]);

  const migrations: MigrationEntry[] = repository.map((migration) => {
    if (applied === undefined) return { name: migration.name, state: 'unknown', file: migration.file };
    const records = recordsByName.get(migration.name) ?? [];
    return entryFor(migration.name, migration.file, records, (record) => source.matchesChecksum(migration, record));
  });
  const inRepository = new Set(repository.map((m) => m.name));
  for (const [name, records] of recordsByName) {
    if (inRepository.has(name) || records.every((r) => r.rolledBackAt)) continue;
    migrations.push({ ...entryFor(name, undefined, records, () => true), state: 'missing-from-repository' });
  }

  const counts = Object.fromEntries(STATES.map((state) => [state, 0])) as Record<MigrationState, number>;
  for (const entry of migrations) counts[entry.state] += 1;
  const named = (...states: MigrationState[]) => migrations.filter((m) => states.includes(m.state)).map((m) => m.name);
  return {
    tool: source.tool,
    folder: source.folder,
    tracking: source.tracking,
    migrations,
    counts,
    pending: named('pending', 'rolled-back'),
    failed: named('failed'),
    applied: named('applied', 'edited-after-applied'),
  };
}

const STATES: MigrationState[] = [
  'applied',
  'pending',
  'failed',
  'rolled-back',
  'edited-after-applied',
  'missing-from-repository',
  'unknown',
];

/**
 * One migration's state from its records, as Prisma reads them: rows marked rolled back no longer count; a finished
 * row means applied; a row that never finished means a failed attempt.
 */
function entryFor(
  name: string,
  file: string | undefined,
  records: AppliedRecord[],
  matches: (r: AppliedRecord) => boolean,
): MigrationEntry {
  const live = records.filter((r) => !r.rolledBackAt);
  const finished = live.filter((r) => r.finishedAt).at(-1);
  const unfinished = live.filter((r) => !r.finishedAt).at(-1);
  const base = { name, ...(file ? { file } : {}) };
  if (finished) {
    return { ...base, state: matches(finished) ? 'applied' : 'edited-after-applied', ...timing(finished) };
  }
  if (unfinished)
    return { ...base, state: 'failed', ...timing(unfinished), ...(unfinished.logs ? { logs: unfinished.logs } : {}) };
  if (records.length > 0) return { ...base, state: 'rolled-back', ...timing(records.at(-1)!) };
  return { ...base, state: 'pending' };
}

function timing(record: AppliedRecord): Pick<MigrationEntry, 'startedAt' | 'finishedAt' | 'durationMs'> {
  const { startedAt, finishedAt } = record;
  return {
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ...(startedAt && finishedAt ? { durationMs: finishedAt.getTime() - startedAt.getTime() } : {}),
  };
}
