import { DbopsError } from '../../errors.js';
import { timed } from '../../log.js';
import type { BackupManifest } from '../../manifest/manifest.js';
import type { ClientToolSettings, DatabaseServer, Restorer } from '../engine.js';
import { findRestoreTools } from './client-tools.js';
import { withSession } from './connection.js';
import { libpqEnvironment } from './libpq-env.js';
import { writeDataOffsets } from './archive-offsets.js';
import { archiveCreatesSchema, listArchiveFile, runPgRestore } from './restore.js';
import { createSchemasNotInArchive, dropEmptyPublicSchema } from './scratch-database.js';
import { asPgTarget, describeTarget } from './target.js';

/** A pg_restore that reads the archive (at least its pg_dump's major); it may be older than the target server. */
export async function findPgRestorer(
  server: DatabaseServer,
  manifest: BackupManifest,
  settings: ClientToolSettings,
): Promise<Restorer> {
  const archiveMajor = Number.parseInt(manifest.dumpTool.version, 10);
  const where = { ...(settings.binDir ? { binDir: settings.binDir } : {}), path: settings.env.PATH ?? '' };
  const tools = await findRestoreTools(archiveMajor, server.major, where);
  return {
    program: 'pg_restore',
    version: tools.version,
    /** pg_restore -j into an existing, empty database. */
    async restore(archivePath, target, options) {
      const into = asPgTarget(target);
      const toc = await timed(options.log, 'Listed the archive', () =>
        listArchiveFile(tools.pgRestore, archivePath, options.signal),
      );
      // Here, not in the callers: a restore into a new database and one into a database --clean has just emptied
      // both need the archive's setting-up (public as the archive has it, a tables backup's schemas).
      await withSession(into, options.log, options.signal, async (client) => {
        if (archiveCreatesSchema(toc, 'public')) await dropEmptyPublicSchema(client, describeTarget(into));
        await createSchemasNotInArchive(client, manifest);
      });
      // A streamed backup's archive has no data offsets: without them every pg_restore -j worker reads the archive
      // from its start to find each table's data (archive-offsets.ts). The file is the fetched copy, dbops's own.
      // Only a speed-up: a file it cannot read or write is restored as it is.
      const offsets = await timed(options.log, 'Wrote the data offsets into the archive', () =>
        writeDataOffsets(archivePath).catch((error: Error) => ({ kind: 'left' as const, reason: error.message })),
      );
      options.log.debug(
        offsets.kind === 'written'
          ? `The archive's data offsets: ${offsets.entries} written`
          : offsets.kind === 'present'
            ? "The archive's data offsets: already there"
            : `The archive's data offsets were left unset: ${offsets.reason}`,
      );
      const libpq = await libpqEnvironment(into, options.env);
      try {
        const outcome = await timed(options.log, `Ran pg_restore -j${options.jobs}`, () =>
          runPgRestore({
            pgRestore: tools.pgRestore,
            archivePath,
            database: into.database,
            jobs: options.jobs,
            noOwner: options.noOwner,
            env: libpq.env,
            ...(options.signal ? { signal: options.signal } : {}),
          }),
        );
        if (!outcome.ok) {
          throw new DbopsError('RESTORE_FAILED', `pg_restore failed: ${outcome.errors.slice(0, 3).join(' | ')}`, {
            hint: 'See the pg_restore errors; roles, extensions or tablespaces the backup needs may be missing on the target server.',
          });
        }
      } finally {
        await libpq.dispose();
      }
      return undefined;
    },
  };
}
