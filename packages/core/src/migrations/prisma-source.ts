/**
 * Prisma Migrate's layout: <folder>/<timestamp>_<name>/migration.sql, migration_lock.toml naming the provider, and the
 * `_prisma_migrations` table (in the schema of the connection URL's `schema` parameter, "public" by default).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { DbopsError } from '../errors.js';
import { prismaChecksumMatches } from './checksum.js';
import { byName, folderEntries, isFile, readMigrationFile } from './folder.js';
import type { AppliedRecord, MigrationSource, RepositoryMigration } from './source.js';
import { qualifiedTable, readTableRows } from './table-record.js';

export const PRISMA_LOCK_FILE = 'migration_lock.toml';

interface PrismaRow {
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export class PrismaSource implements MigrationSource {
  readonly tool = 'prisma';
  readonly transactionMode = 'implicit-script';
  readonly tracking: { table: string };

  constructor(
    readonly folder: string,
    schema = 'public',
  ) {
    this.tracking = { table: qualifiedTable(schema, '_prisma_migrations') };
  }

  async list(): Promise<RepositoryMigration[]> {
    await checkProvider(this.folder);
    const migrations: RepositoryMigration[] = [];
    const names = (await folderEntries(this.folder))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort(byName);
    for (const name of names) {
      const file = join(this.folder, name, 'migration.sql');
      // Prisma skips folders without migration.sql too (an editor's leftovers, a README folder).
      if (!(await isFile(file))) continue;
      const { text, sha256 } = await readMigrationFile(file);
      migrations.push({ name, file, sha256, sql: text });
    }
    return migrations;
  }

  async readApplied(client: pg.ClientBase): Promise<AppliedRecord[]> {
    const rows = await readTableRows<PrismaRow>(
      client,
      this.tracking.table,
      `SELECT migration_name, checksum, started_at, finished_at, rolled_back_at, logs FROM ${this.tracking.table}
        ORDER BY started_at, migration_name`,
    );
    return rows.map((row) => ({
      name: row.migration_name,
      checksum: row.checksum,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      rolledBackAt: row.rolled_back_at,
      logs: row.logs,
    }));
  }

  matchesChecksum(migration: RepositoryMigration, record: AppliedRecord): boolean {
    if (record.checksum === undefined) return true;
    return prismaChecksumMatches(migration.sha256, migration.sql ?? '', record.checksum);
  }
}

/** migration_lock.toml must name postgresql: migrations written for another database would not run here. */
async function checkProvider(folder: string): Promise<void> {
  const lockFile = join(folder, PRISMA_LOCK_FILE);
  let text: string;
  try {
    text = await readFile(lockFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // Prisma writes it, but does not require it
    throw error;
  }
  const { parse: parseToml } = await import(/* webpackMode: "eager" */ 'smol-toml'); // on use: only Prisma repositories need it
  let provider: unknown;
  try {
    provider = parseToml(text).provider;
  } catch (error) {
    throw new DbopsError('INVALID_INPUT', `${lockFile} is not valid TOML: ${(error as Error).message}`, {
      hint: 'Prisma writes this file as `provider = "postgresql"`; restore it from version control.',
    });
  }
  if (provider !== 'postgresql' && provider !== 'postgres') {
    throw new DbopsError('INVALID_INPUT', `${lockFile} names provider ${JSON.stringify(provider)}, not postgresql`, {
      hint: 'These migrations were written for another database; dbops runs Prisma migrations on PostgreSQL only.',
    });
  }
}
