/**
 * A plain folder of .sql files, applied in name order by a command dbops does not know: there is no table to read,
 * so status cannot tell applied from pending, but the files can still be linted, and backed up around.
 */
import { join } from 'node:path';
import { byName, folderEntries, readMigrationFile } from './folder.js';
import type { AppliedRecord, MigrationSource, RepositoryMigration } from './source.js';

export class SqlFolderSource implements MigrationSource {
  readonly tool = 'sql';
  readonly transactionMode = 'none';
  readonly tracking = {
    reason: 'a plain folder of SQL files keeps no record in the database, so applied and pending cannot be told apart',
  };

  constructor(readonly folder: string) {}

  async list(): Promise<RepositoryMigration[]> {
    const files = (await folderEntries(this.folder)).filter((e) => e.isFile() && e.name.endsWith('.sql'));
    const migrations: RepositoryMigration[] = [];
    for (const name of files.map((e) => e.name).sort(byName)) {
      const file = join(this.folder, name);
      const { text, sha256 } = await readMigrationFile(file);
      migrations.push({ name: name.slice(0, -'.sql'.length), file, sha256, sql: text });
    }
    return migrations;
  }

  async readApplied(): Promise<AppliedRecord[] | undefined> {
    return undefined;
  }

  matchesChecksum(): boolean {
    return true;
  }
}
