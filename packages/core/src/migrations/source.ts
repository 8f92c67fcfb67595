/**
 * A migration tool's folder and table, read without running the tool: what the repository holds and what the
 * database says was applied. One implementation per tool (Prisma, node-pg-migrate, a plain folder of SQL files).
 */
import type pg from 'pg';

export type MigrationTool = 'prisma' | 'node-pg-migrate' | 'sql';

/**
 * How the tool runs one migration file, which decides where CONCURRENTLY can work: Prisma sends migration.sql as one
 * script (PostgreSQL runs a multi-statement script as one implicit transaction), node-pg-migrate wraps each file in a
 * transaction, and a plain folder is run by an unknown command (only an explicit BEGIN counts).
 */
export type TransactionMode = 'implicit-script' | 'per-file' | 'none';

export interface RepositoryMigration {
  /** The name the tool records: Prisma's folder name, node-pg-migrate's file name without extension. */
  name: string;
  /** Absolute path of the file that holds the migration. */
  file: string;
  /** sha256 of the file's bytes, hex (Prisma records the same for migration.sql). */
  sha256: string;
  /** The SQL the tool runs (node-pg-migrate: the up section only); undefined for a JavaScript migration. */
  sql?: string;
}

/** One row of the tool's own table. Prisma fills every field; node-pg-migrate only name and finishedAt. */
export interface AppliedRecord {
  name: string;
  checksum?: string;
  startedAt?: Date;
  finishedAt: Date | null;
  rolledBackAt?: Date | null;
  /** The tool's log of a failed attempt (Prisma writes the database error here). */
  logs?: string | null;
}

/** Where the tool keeps its record, or why dbops cannot read one. */
export type Tracking = { table: string; reason?: undefined } | { table?: undefined; reason: string };

export interface MigrationSource {
  readonly tool: MigrationTool;
  /** Absolute path of the migrations folder. */
  readonly folder: string;
  readonly tracking: Tracking;
  readonly transactionMode: TransactionMode;
  /** The repository's migrations, in the order the tool applies them. */
  list(): Promise<RepositoryMigration[]>;
  /** The database's record, oldest first; [] when the table does not exist yet; undefined without a table. */
  readApplied(client: pg.ClientBase): Promise<AppliedRecord[] | undefined>;
  /** Whether a file still is what the record says was applied (always true where the tool keeps no checksum). */
  matchesChecksum(migration: RepositoryMigration, record: AppliedRecord): boolean;
}
