import type { Duplex, Readable } from 'node:stream';
import type pg from 'pg';
import type { Logger } from '../log.js';
import type { BackupManifest } from '../manifest/manifest.js';
import type { Compression } from '../pipeline/compression.js';
import type { CheckResult, UserCheck } from '../restore/checks.js';
import type { TombstoneSet } from '../data-retention/tombstones.js';
import type { DumpScope } from './dump-scope.js';
import type { MaintenanceStep } from '../maintenance/step.js';

export { FULL_SCOPE, type DumpScope } from './dump-scope.js';

/**
 * What the operations need from a database engine, and no more (docs/architecture.md, "Engine interface").
 * Operations import this file and databases/index.ts, never an engine's own folder; PostgreSQL is
 * databases/postgres/engine.ts.
 */

/** The engines dbops knows, as manifests name them. */
export type EngineName = BackupManifest['engine'];

/** A database to connect to, as its engine parsed it; the engine's own settings (TLS, timeouts) ride along. */
export interface DatabaseTarget {
  readonly engine: EngineName;
  host: string;
  port: number;
  database: string;
  /** Registered as a secret by every operation (invariant 5). */
  password?: string;
  /** The input the connection URL came from (database-url, target-url), which errors name. */
  urlInput?: string;
}

/** What an operation tells about the server it reached. */
export interface DatabaseServer {
  /** The product, for people: "PostgreSQL". */
  product: string;
  /** The server's version as it prints it ("16.4"). */
  version: string;
  major: number;
  /** The server's (cluster's) identity, to recognise the one a backup came from; undefined when not readable. */
  systemIdentifier?: string;
}

/** How an operation calls the engine: its logger and its cancellation. */
export interface EngineContext {
  log: Logger;
  signal?: AbortSignal;
}

/** Where the engine's client programs are and the environment they run in (PATH; connection variables replaced). */
export interface ClientToolSettings {
  binDir?: string;
  env: NodeJS.ProcessEnv;
}

export interface DumpSettings extends ClientToolSettings {
  scope: DumpScope;
  /** The user's extra arguments for the dump program (pg-dump-args). */
  extraArgs: string[];
  /** Tables up to this size get an exact row count in the manifest; larger ones an estimate. */
  exactCountMaxBytes: number;
  /** How long the dump may wait for a lock; unbounded without. */
  lockWaitTimeoutMs?: number;
  /** MongoDB: point-in-time (the oplog captured), per-collection, or auto (the oplog when it can be read). */
  consistency?: DumpConsistency;
}

/** How consistent a MongoDB dump is asked to be (the consistency input); PostgreSQL's is always one snapshot. */
export const DUMP_CONSISTENCIES = ['auto', 'point-in-time', 'per-collection'] as const;
export type DumpConsistency = (typeof DUMP_CONSISTENCIES)[number];

/**
 * A database held still for a backup: one consistent view (a snapshot) that the inventory was read in and that
 * the dump reads too, so the manifest describes exactly what the archive holds.
 */
export interface DumpSource {
  server: DatabaseServer;
  /** An upper bound of the uncompressed archive's size, which sizes the upload. */
  sizeHint: number;
  /** Starts the dump program: the archive, compressed, with its own verification running on the side. */
  startDump(options: { compression: Compression; level: number; signal: AbortSignal }): Promise<DumpStream>;
  /**
   * Parallel dumps (jobs > 1): the dump program writes one file per table into a local directory, several at a
   * time, in the same snapshot. Absent for engines that cannot.
   */
  startParallelDump?(options: { jobs: number; signal: AbortSignal }): Promise<ParallelDump>;
  /** A failed dump as the error users should see (a lock wait naming the sessions in the way); others unchanged. */
  explainFailure(error: unknown): Promise<unknown>;
  /** The archive is stored: the view may be let go of. */
  release(): Promise<void>;
}

export interface DumpStream {
  /** `source` piped through `stages` is the compressed archive; it fails unless the dump program succeeds. */
  source: Readable;
  stages: Duplex[];
  /** The uncompressed archive's size, once the stream has ended. */
  rawBytes: Promise<number>;
  /**
   * Once the stream has ended: checks the archive's own listing against the inventory (an empty or incomplete
   * archive fails) and returns what the manifest records of it.
   */
  verify(): Promise<DumpRecord>;
  /** Removes what the dump program needed (password files); after the stream has ended or failed. */
  dispose(): Promise<void>;
}

/** One file of a parallel dump, complete on local disk (the dump program has closed it). */
export interface DumpPart {
  /** The file's name in the dump's directory (e.g. 3001.dat, toc.dat). */
  file: string;
  path: string;
}

export interface ParallelDump {
  /**
   * Each file as soon as the dump program has closed it, the table of contents last; fails unless the dump
   * program succeeds. A part may be deleted once it is stored.
   */
  parts: AsyncIterable<DumpPart>;
  /**
   * Once every part was taken: checks the archive's listing against the inventory and that every table's data
   * file was among the parts (`stored` names them); returns what the manifest records.
   */
  verify(stored: string[]): Promise<DumpRecord>;
  /** Stops the dump program if it still runs and removes its directory and password files. */
  dispose(): Promise<void>;
}

/** The manifest's engine-specific parts, filled in by the engine that wrote the archive. */
export interface DumpRecord {
  origin: Pick<BackupManifest, 'source' | 'locale' | 'serverVersion' | 'dumpTool'>;
  format: BackupManifest['object']['format'];
  contents: Pick<
    BackupManifest,
    'toc' | 'schemasNotInArchive' | 'tables' | 'exactCountMaxBytes' | 'rowCounts' | 'schemaFingerprint' | 'mongodb'
  >;
  verification: Omit<BackupManifest['verification'], 'checksumReread'>;
}

/** The client program that loads a backup's archive, chosen to read it and to fit the target server. */
export interface Restorer {
  program: string;
  version: string;
  /** Loads the local archive file into `into`, which exists and is empty; fails on the program's errors. */
  restore(archivePath: string, into: DatabaseTarget, options: RestoreSettings): Promise<RestoreOutcome | undefined>;
}

/** What a restorer proved on its way (MongoDB: the document counts checked before an oplog replay, the replay). */
export interface RestoreOutcome {
  checks: CheckResult[];
  /**
   * MongoDB: documents the archive held twice (the dump read them twice), skipped as their _id was already in, by
   * collection as the manifest names it. The manifest counts them; the document counts check allows for them.
   */
  duplicateIds?: ReadonlyMap<string, number>;
}

export interface RestoreSettings extends EngineContext {
  jobs: number;
  /** Skip ownership and grants: the source's roles rarely exist on the target. */
  noOwner: boolean;
  /** MongoDB: create each collection with the UUID it had at backup time (mongorestore --preserveUUID). */
  preserveUuids?: boolean;
  env: NodeJS.ProcessEnv;
}

/** A session on the database a restore goes into (restore). */
export interface RestoreTargetSession {
  server(): Promise<DatabaseServer>;
  /** How many user objects the database holds: a restore over any needs clean (invariant 6). */
  userObjects(): Promise<number>;
  /** Refuses a database that cannot hold the backup faithfully; warns of one that differs (encoding, locale). */
  checkFits(manifest: BackupManifest): Promise<void>;
  /** Drops every user object, in one transaction. */
  clear(): Promise<void>;
  /**
   * What a safety backup of the target covers, when not its one database (FULL_SCOPE): MongoDB, all the databases
   * of a backup of several restored, those of them that hold collections.
   */
  safetyScope?(): Promise<DumpScope>;
}

/** restore's choice among the databases of a backup of several (MongoDB: source-database, all-databases). */
export interface RestoreChoice {
  /** The backup's database restored into the target's. */
  sourceDatabase?: string;
  /** Every database of the backup, each under its own name. */
  allDatabases?: boolean;
}

/** A session on a server that restore-test makes its scratch database on; the caller closes it. */
export interface ScratchServer {
  server: DatabaseServer;
  /** A scratch database's name for a backup, distinct from any user database. */
  scratchName(backupId: string): string;
  /** Creates an empty database like the backup's source (its encoding and locale); returns a target for it. */
  createDatabase(name: string, manifest: BackupManifest): Promise<DatabaseTarget>;
  dropDatabase(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A read-only session for health checks (monitor-report). */
export interface HealthSession {
  server: DatabaseServer & {
    /** The server is a standby (a replica that cannot write). */
    standby: boolean;
    /** The role sees every session's state and query, not only its own. */
    seesAllSessions: boolean;
  };
  /**
   * Runs one check's queries in a read-only transaction that ends after `timeoutMs` at the latest; rolled back
   * when the check fails.
   */
  inCheckTransaction<T>(timeoutMs: number, run: (query: HealthQuery) => Promise<T>): Promise<T>;
  /**
   * Engines without SQL (MongoDB) run each check's commands here instead, each bounded by `timeoutMs` on the
   * server (maxTimeMS); such an engine's inCheckTransaction refuses. SQL engines leave it out.
   */
  inCheckCommands?<T>(timeoutMs: number, run: (commands: HealthCommands) => Promise<T>): Promise<T>;
  /** A check's failure: skipped when the server lacks what it looks at, unknown otherwise, with the reason. */
  explainCheckFailure(error: unknown, timeoutMs: number): { status: 'skipped' | 'unknown'; reason: string };
}

export type HealthQuery = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

/** A document engine's read-only commands for health checks; documents come back as plain objects. */
export interface HealthCommands {
  /** The database the report is about (the URL's). */
  database: string;
  /** Runs a read-only database command (serverStatus, dbStats, collStats, replSetGetStatus) on `db`. */
  command(db: string, command: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Runs an aggregation on a collection, or on the database itself when `collection` is undefined ($currentOp). */
  aggregate(
    db: string,
    collection: string | undefined,
    pipeline: Record<string, unknown>[],
  ): Promise<Record<string, unknown>[]>;
  /** The first (`order` 1) or last (-1) document of a collection in natural order (the oplog's ends), if any. */
  naturalEnd(db: string, collection: string, order: 1 | -1): Promise<Record<string, unknown> | undefined>;
}

/** What a document engine's maintenance plan reads its thresholds from (docs/maintenance.md, MongoDB). */
export interface DocumentMaintenanceSettings {
  /** validate with { full: true } (validate-full). */
  validateFull: boolean;
  /** compact when free storage / storage size reaches this (table-bloat-percent) … */
  minFreeRatio: number;
  /** … and the collection's storage is at least this big (min-table-size). */
  minStorageBytes: number;
  /** rebuild an index when its reusable bytes / its size reaches this (index-bloat-percent) … */
  minIndexFreeRatio: number;
  /** … and the index is at least this big (min-index-size). */
  minIndexBytes: number;
}

/** A step's figures before and after: the collection's storage and its free part. */
export interface DocumentStepFigures {
  bytes: number;
  freeBytes?: number;
}

/** maintenance on an engine without SQL (MongoDB): a plan per collection and one command per step. */
export interface MaintenanceSession {
  server: DatabaseServer;
  plan(settings: DocumentMaintenanceSettings, timeoutMs: number): Promise<MaintenanceStep[]>;
  /**
   * Runs one 'apply' step's command, bounded by `timeoutMs` on the server (maxTimeMS). Returns the collection's figures
   * before and after (undefined when it no longer exists) and what the server said, in a sentence.
   */
  runStep(
    step: MaintenanceStep,
    timeoutMs: number,
  ): Promise<{ before?: DocumentStepFigures; after?: DocumentStepFigures; result?: string }>;
  /** A step's error: 'skipped' when the server lacks the command or the collection is gone, 'failed' otherwise. */
  explainStepFailure(error: unknown, timeoutMs: number): { status: 'skipped' | 'failed'; reason: string };
}

export interface DatabaseEngine {
  readonly name: EngineName;
  /** "user@host:port/database", for people; never the password. */
  describe(target: DatabaseTarget): string;

  /** backup: runs `use` with the database held still for a dump; a cancel ends the session and its queries. */
  withDumpSource<T>(
    target: DatabaseTarget,
    settings: DumpSettings,
    context: EngineContext,
    use: (source: DumpSource) => Promise<T>,
  ): Promise<T>;

  /** restore-test: connects to the server a scratch database is made on. */
  openScratchServer(target: DatabaseTarget, context: EngineContext): Promise<ScratchServer>;
  /** restore: runs `use` on a new session with the target database (each step has its own). */
  withRestoreTarget<T>(
    target: DatabaseTarget,
    context: EngineContext,
    use: (session: RestoreTargetSession) => Promise<T>,
  ): Promise<T>;
  /**
   * restore: the target `manifest` is restored into, given the user's choice among its databases; refuses a choice
   * that is missing, unclear or not the backup's. Engines whose backups hold one database leave it out (and a
   * choice is refused).
   */
  restoreTarget?(target: DatabaseTarget, manifest: BackupManifest, choice: RestoreChoice): Promise<DatabaseTarget>;
  /** The client program that reads the backup's archive and fits `server`; fails naming what is missing. */
  findRestorer(server: DatabaseServer, manifest: BackupManifest, tools: ClientToolSettings): Promise<Restorer>;
  /**
   * After a restore: every table of the manifest is there with its rows, the schema fingerprint matches, and the
   * user's checks pass. Returns the checks and the rows counted.
   */
  checkRestored(
    into: DatabaseTarget,
    manifest: BackupManifest,
    userChecks: UserCheck[],
    context: EngineContext,
    /** Erased rows to look for (restore-test's tombstones-from); without them, the copy's own tombstones are replayed. */
    tombstones?: TombstoneSet,
    /** What the restorer reported (RestoreOutcome), which the checks allow for. */
    restored?: RestoreOutcome,
  ): Promise<{ checks: CheckResult[]; rows: number }>;

  /**
   * restore-test's tombstones-from: the live database's tombstones of erased rows or documents (salted hashes and
   * erasure times) and its salt; undefined when it has none. For a backup of several databases (MongoDB), those of
   * each of the backup's databases on that server.
   */
  readTombstones(
    target: DatabaseTarget,
    manifest: BackupManifest,
    context: EngineContext,
  ): Promise<TombstoneSet | undefined>;

  /** monitor-report: runs `use` on a read-only session for health checks. */
  withHealthSession<T>(
    target: DatabaseTarget,
    context: EngineContext,
    use: (session: HealthSession) => Promise<T>,
  ): Promise<T>;

  /**
   * SQL engines only (PostgreSQL): a session for the features that are SQL by nature (migrate-deploy runs the
   * migration tools' own tables, PostgreSQL's parser and catalog through it). A cancel ends the session; the
   * server's errors become DbopsErrors saying what was wrong.
   */
  withSqlSession?<T>(
    target: DatabaseTarget,
    context: EngineContext,
    use: (client: pg.Client) => Promise<T>,
  ): Promise<T>;

  /** maintenance on engines without SQL (MongoDB); SQL engines plan through withSqlSession instead. */
  withMaintenanceSession?<T>(
    target: DatabaseTarget,
    context: EngineContext,
    use: (session: MaintenanceSession) => Promise<T>,
  ): Promise<T>;
}
