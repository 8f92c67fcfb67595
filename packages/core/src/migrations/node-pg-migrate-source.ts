/**
 * node-pg-migrate's layout: one file per migration, <number>_<name>.{js,cjs,mjs,ts,sql}, run in the order of the
 * number, each in a transaction of its own; its `pgmigrations` table records the name (file name without extension)
 * and when it ran. It keeps no checksum and no failed attempts: a migration that fails is rolled back with its row.
 */
import { extname, join } from 'node:path';
import type pg from 'pg';
import { folderEntries, readMigrationFile } from './folder.js';
import type { AppliedRecord, MigrationSource, RepositoryMigration } from './source.js';
import { qualifiedTable, readTableRows } from './table-record.js';

const MIGRATION_FILE = /^(\d+)[_-].*\.(js|cjs|mjs|ts|cts|mts|sql)$/;
const DOWN_MARKER = /^\s*--\s*down migration\b/im;

export function isNodePgMigrateFile(name: string): boolean {
  return MIGRATION_FILE.test(name);
}

export class NodePgMigrateSource implements MigrationSource {
  readonly tool = 'node-pg-migrate';
  readonly transactionMode = 'per-file';
  readonly tracking: { table: string };

  /** `schema` and `table` are node-pg-migrate's --migrations-schema and --migrations-table. */
  constructor(
    readonly folder: string,
    options: { schema?: string; table?: string } = {},
  ) {
    this.tracking = { table: qualifiedTable(options.schema ?? 'public', options.table ?? 'pgmigrations') };
  }

  async list(): Promise<RepositoryMigration[]> {
    const files = (await folderEntries(this.folder))
      .filter((e) => e.isFile() && isNodePgMigrateFile(e.name))
      .map((e) => e.name)
      .sort(byNumberThenName);
    const migrations: RepositoryMigration[] = [];
    for (const name of files) {
      const file = join(this.folder, name);
      const { text, sha256 } = await readMigrationFile(file);
      const sql = extname(name) === '.sql' ? upSection(text) : undefined;
      migrations.push({
        name: name.slice(0, -extname(name).length),
        file,
        sha256,
        ...(sql === undefined ? {} : { sql }),
      });
    }
    return migrations;
  }

  async readApplied(client: pg.ClientBase): Promise<AppliedRecord[]> {
    const table = this.tracking.table;
    const rows = await readTableRows<{ name: string; run_on: Date }>(
      client,
      table,
      `SELECT name, run_on FROM ${table} ORDER BY id`,
    );
    return rows.map((row) => ({ name: row.name, finishedAt: row.run_on }));
  }

  matchesChecksum(): boolean {
    return true;
  }
}

/** The part of a SQL migration that `up` runs: everything before `-- Down Migration` (line numbers unchanged). */
function upSection(text: string): string {
  const down = DOWN_MARKER.exec(text);
  return down ? text.slice(0, down.index) : text;
}

function byNumberThenName(a: string, b: string): number {
  const difference = Number(MIGRATION_FILE.exec(a)?.[1]) - Number(MIGRATION_FILE.exec(b)?.[1]);
  return difference !== 0 ? difference : a < b ? -1 : a > b ? 1 : 0;
}
