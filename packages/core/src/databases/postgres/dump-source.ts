import { tmpdir } from 'node:os';
import type pg from 'pg';
import { DbopsError } from '../../errors.js';
import { timed } from '../../log.js';
import type { DumpRecord, DumpSettings, DumpSource, DumpStream, EngineContext, ParallelDump } from '../engine.js';
import type { ArchiveToc } from './archive-toc.js';
import { prepareClientTools } from './client-tools.js';
import { serverVersion, systemIdentifier, withSession } from './connection.js';
import { readDatabaseLocale } from './database-locale.js';
import {
  dataExclusions,
  enablesRowSecurity,
  isRecoveryConflict,
  partitionArgs,
  recoveryConflictError,
} from './dump.js';
import { startDirectoryDump } from './dump-directory.js';
import { startDumpStream } from './dump-stream.js';
import { archiveFingerprint, readSchemaCatalog, schemasNotInArchive, type SchemaCatalog } from './fingerprint.js';
import { countRows, listDumpedTables, withPartitions, type TableInventory } from './inventory.js';
import { libpqEnvironment } from './libpq-env.js';
import { listArchiveFile } from './restore.js';
import { describeExclusiveLockers, isLockTimeout, LOCK_WAIT_INPUT, lockWaitError } from './lock-wait.js';
import { describeTarget, type PgTarget } from './target.js';

/**
 * The backup's view of a PostgreSQL database: one repeatable-read snapshot, exported for pg_dump, in which the row
 * counts and the schema catalog are read, so the manifest describes exactly what the archive holds. A cancel while
 * counting rows or fingerprinting (possibly waiting on a lock) ends the session and its query.
 *
 * The rows are counted before pg_dump starts: the counts take the tables' locks, which an ALTER TABLE arriving
 * later then waits behind (lock-wait.ts). The schema catalog is read while pg_dump runs, in this same session and
 * so in the same snapshot: at 10,000 tables it takes seconds of a server core (pg_get_indexdef for every index),
 * which the dump's own time now hides. release() waits for it before it ends the snapshot.
 */
export async function withPgDumpSource<T>(
  target: PgTarget,
  settings: DumpSettings,
  context: EngineContext,
  use: (source: DumpSource) => Promise<T>,
): Promise<T> {
  const { log } = context;
  // The client tools are probed (pg_dump --version) while the session connects; chosen once the server's major is known.
  const clientTools = prepareClientTools({
    ...(settings.binDir ? { binDir: settings.binDir } : {}),
    path: settings.env.PATH ?? '',
  });
  return withSession(target, log, context.signal, async (client) => {
    // Why the server ended this session, if it did: on a standby, a recovery conflict that pg_dump may only see as
    // "server closed the connection" (its own session ended between two queries).
    let sessionEnded: Error | undefined;
    client.on('error', (error) => (sessionEnded ??= error));
    const server = await serverVersion(client);
    const systemId = await systemIdentifier(client);
    const locale = await readDatabaseLocale(client);
    const tools = await clientTools(server.major);
    log.info(
      `PostgreSQL ${server.text} at ${describeTarget(target)}; using pg_dump ${tools.version} from ${tools.binDir}`,
    );

    await client.query('begin isolation level repeatable read read only');
    // This session only holds the snapshot while pg_dump runs: a server-wide idle timeout must not end it.
    await client.query('set local idle_in_transaction_session_timeout = 0');
    if (settings.lockWaitTimeoutMs)
      await client.query(`set local lock_timeout = ${Math.round(settings.lockWaitTimeoutMs)}`);
    // Count the rows pg_dump reads: all of them (it refuses tables whose row-level security would hide some) unless
    // --enable-row-security asks for the visible ones.
    if (!enablesRowSecurity(settings.extraArgs)) await client.query('set local row_security = off');
    const snapshot = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]!.id;
    let tables: TableInventory[];
    let partitionFlags: string[];
    try {
      const partitioned = await withPartitions(client, settings.scope);
      // Refused here, before any row is counted, when the pg_dump cannot be given the partitions.
      partitionFlags = partitionArgs(tools.major, partitioned.partitions);
      for (const { input, partitions } of partitioned.added)
        log.info(
          `${input} names partitioned tables: their ${partitions} partition(s) are ${input === 'tables' ? 'selected' : 'left out'} with them`,
        );
      const listed = await timed(log, 'Listed the tables', () =>
        listDumpedTables(client, settings.scope, dataExclusions(settings.extraArgs), partitioned.partitions),
      );
      tables = await timed(log, `Counted the rows of ${listed.length} tables`, () =>
        countRows(client, listed, settings.exactCountMaxBytes),
      );
    } catch (error) {
      throw await explainLockWait(client, settings.lockWaitTimeoutMs, error);
    }
    const largeObjects = dataExclusions(settings.extraArgs).all ? 0 : await largeObjectBytes(client);
    // Started once the dump is, awaited by its verification and by release(); never an unhandled rejection.
    let catalogRead: Promise<SchemaCatalog> | undefined;
    const readCatalog = () => {
      catalogRead ??= timed(log, 'Read the schema catalog', () => readSchemaCatalog(client)).catch(
        async (error: unknown) => {
          throw await explainLockWait(client, settings.lockWaitTimeoutMs, error);
        },
      );
      catalogRead.catch(() => undefined);
      return catalogRead;
    };

    const identity = systemId ? { systemIdentifier: systemId } : {};
    const dumpCommand = (env: NodeJS.ProcessEnv, signal: AbortSignal) => ({
      pgDump: tools.pgDump,
      scope: settings.scope,
      partitionArgs: partitionFlags,
      snapshot,
      extraArgs: settings.extraArgs,
      env,
      signal,
      role: target.user,
      ...(settings.lockWaitTimeoutMs ? { lockWaitTimeoutMs: settings.lockWaitTimeoutMs } : {}),
    });
    // The tables' and large objects' size on disk: what the dump holds, uncompressed, at most (indexes are not dumped).
    const dataBytes = tables.reduce((sum, t) => sum + t.bytes, 0) + largeObjects;
    const origin: DumpRecord['origin'] = {
      source: { host: target.host, port: target.port, ...identity },
      locale,
      serverVersion: server.text,
      dumpTool: { name: 'pg_dump', version: tools.version },
    };
    return use({
      server: { product: 'PostgreSQL', version: server.text, major: server.major, ...identity },
      // With room to spare. Without the large objects, a database of them got S3's smallest part size and failed
      // at its 10,000-part limit (at ~78 GiB).
      sizeHint: 2 * dataBytes,
      async startDump({ compression, level, signal }): Promise<DumpStream> {
        const libpq = await libpqEnvironment(target, settings.env);
        try {
          const dump = await startDumpStream({
            dump: dumpCommand(libpq.env, signal),
            pgRestore: tools.pgRestore,
            compression,
            level,
          });
          readCatalog();
          return {
            source: dump.source,
            stages: dump.stages,
            rawBytes: dump.rawBytes,
            verify: async () => {
              const [archive, listing] = await Promise.allSettled([dump.archiveRead, dump.toc]);
              if (archive.status === 'rejected') throw archive.reason;
              if (listing.status === 'rejected') throw listing.reason;
              return dumpRecord(origin, listing.value, await readCatalog(), tables, settings, 'pg_dump-custom');
            },
            dispose: libpq.dispose,
          };
        } catch (error) {
          await libpq.dispose();
          throw error;
        }
      },
      async startParallelDump({ jobs, signal }): Promise<ParallelDump> {
        const libpq = await libpqEnvironment(target, settings.env);
        try {
          const dump = await startDirectoryDump({
            dump: dumpCommand(libpq.env, signal),
            jobs,
            tempDir: settings.env.TMPDIR || tmpdir(),
            // Large objects too: pg_dump writes them to the directory (blob_*.dat) like the tables.
            neededBytes: dataBytes,
            listToc: (directory) => listArchiveFile(tools.pgRestore, directory, signal),
          });
          readCatalog();
          return {
            parts: dump.parts,
            verify: async (stored) => {
              const toc = dump.toc();
              checkDataFiles(toc, new Set(stored));
              return dumpRecord(origin, toc, await readCatalog(), tables, settings, 'pg_dump-directory');
            },
            dispose: async () => {
              await dump.dispose();
              await libpq.dispose();
            },
          };
        } catch (error) {
          await libpq.dispose();
          throw error;
        }
      },
      async explainFailure(error) {
        if (sessionEnded && isRecoveryConflict(sessionEnded.message))
          return recoveryConflictError(sessionEnded.message);
        return explainLockWait(client, settings.lockWaitTimeoutMs, error);
      },
      async release() {
        // The catalog is read in the snapshot: it must be read whole before the snapshot ends.
        await catalogRead?.catch(() => undefined);
        await client.query('commit').catch(() => undefined);
      },
    });
  });
}

/** Checks the archive's table of contents against the inventory; returns what the manifest records of the dump. */
function dumpRecord(
  origin: DumpRecord['origin'],
  toc: ArchiveToc,
  catalog: SchemaCatalog,
  tables: TableInventory[],
  settings: DumpSettings,
  format: DumpRecord['format'],
): DumpRecord {
  const withData = tablesWithData(toc);
  checkArchive(toc, withData, tables, settings.extraArgs);
  const schemasToCreate = schemasNotInArchive(catalog, toc);
  return {
    origin,
    format,
    contents: {
      toc: { entries: toc.entries.length, byType: toc.byType },
      ...(schemasToCreate.length > 0 ? { schemasNotInArchive: schemasToCreate } : {}),
      tables: tables.map(({ oid, schema, name: table, rows, rowEstimate, bytes }) => {
        // pg-dump-args such as --exclude-table-data leave a table's rows out of the archive: say so, not a count.
        if (!withData.has(oid)) return { schema, name: table, rowEstimate, bytes, dataExcluded: true as const };
        return { schema, name: table, ...(rows === undefined ? {} : { rows }), rowEstimate, bytes };
      }),
      exactCountMaxBytes: settings.exactCountMaxBytes,
      rowCounts: 'own',
      // What the archive holds, whichever inputs and flags selected it: a restore of it compares like with like.
      schemaFingerprint: archiveFingerprint(catalog, toc),
    },
    verification: {
      archiveListed: true,
      tableDataEntries: toc.byType['TABLE DATA'] ?? 0,
      expectedTables: tables.length,
    },
  };
}

/**
 * A lock wait that timed out, in dbops's session or in pg_dump's, as an error naming the sessions in the way (read
 * before this session lets go of its own locks, so that a session queued behind them still shows as waiting).
 * Other errors are returned unchanged.
 */
async function explainLockWait(client: pg.Client, timeoutMs: number | undefined, error: unknown): Promise<unknown> {
  const timedOut = isLockTimeout(error) || (error instanceof DbopsError && error.input === LOCK_WAIT_INPUT);
  if (!timedOut || !timeoutMs) return error;
  let lockers = await describeExclusiveLockers(client).catch(() => undefined);
  if (lockers === undefined) {
    // The timeout aborted this session's transaction: end it to ask.
    await client.query('rollback').catch(() => undefined);
    lockers = await describeExclusiveLockers(client).catch(() => '');
  }
  return lockWaitError(timeoutMs, lockers, error);
}

/** The oids of the tables whose rows the archive holds (a TABLE DATA entry carries its table's oid). */
function tablesWithData(toc: ArchiveToc): Set<number> {
  return new Set(toc.entries.filter((e) => e.type === 'TABLE DATA').map((e) => e.oid));
}

/**
 * A directory archive holds each table's rows in its own file, which the table of contents names by dump id: every
 * TABLE DATA entry's file must have been stored, or pg_restore would fail on it (the custom format's read-through
 * check, for parts).
 */
function checkDataFiles(toc: ArchiveToc, stored: Set<string>): void {
  const missing = toc.entries.filter((e) => e.type === 'TABLE DATA' && !stored.has(`${e.dumpId}.dat`));
  if (missing.length > 0) {
    throw new DbopsError(
      'VERIFY_FAILED',
      `The parallel dump lacks the data files of ${missing.length} table(s) (${missing
        .slice(0, 5)
        .map((e) => e.rest)
        .join(', ')})`,
      { hint: 'pg_dump did not write every table it listed; nothing was recorded as a backup.' },
    );
  }
}

/** pg_dump flags whose effect on which tables carry data dbops does not model (inventory.ts DataExclusions). */
const DATA_SHAPING_FLAGS = /^--sec/;

/**
 * The archive must hold data for every table the dump covers. An empty archive of a non-empty database, or one
 * missing tables, fails the run (a shell pipeline would report it as a success).
 */
function checkArchive(toc: ArchiveToc, withData: Set<number>, tables: TableInventory[], pgDumpArgs: string[]): void {
  if (toc.entries.length === 0 && tables.length > 0) {
    throw new DbopsError('VERIFY_FAILED', 'The archive has an empty table of contents', {
      hint: 'pg_dump produced no objects; check the include/exclude filters.',
    });
  }
  // Flags that change which tables carry data make the expected set unknowable here; the TOC check above still holds.
  if (pgDumpArgs.some((arg) => DATA_SHAPING_FLAGS.test(arg))) return;
  const expected = tables.filter((t) => !t.dataExcluded);
  const missing = expected.filter((t) => !withData.has(t.oid));
  if (expected.length > 0 && withData.size === 0) {
    throw new DbopsError(
      'VERIFY_FAILED',
      `The archive holds no table data, but the database has ${expected.length} tables`,
      {
        hint: "The dump is empty; nothing was recorded as a backup. Check the role's privileges and the include/exclude filters.",
      },
    );
  }
  if (missing.length > 0) {
    const names = missing
      .slice(0, 5)
      .map((t) => `${t.schema}.${t.name}`)
      .join(', ');
    throw new DbopsError(
      'VERIFY_FAILED',
      `The archive lacks data for ${missing.length} of ${expected.length} tables (${names}${missing.length > 5 ? ', …' : ''})`,
      {
        hint: 'The dump is incomplete; nothing was recorded as a backup.',
      },
    );
  }
}

/**
 * The large objects' size on disk (pg_largeobject, a catalog no table inventory lists). Counted whether or not this
 * dump's scope takes them (pg_dump -b): a hint too large only makes the upload's parts larger, one too small fails it.
 */
async function largeObjectBytes(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ bytes: string }>(
    "select pg_total_relation_size('pg_catalog.pg_largeobject') as bytes",
  );
  return Number(rows[0]!.bytes);
}
