// maintenance's session on MongoDB: the plan from each collection's storage figures and what interrupted rebuilds
// left, and each step's one command (validate or compact; an index rebuild is four, a leftover's cleanup one or two)
// under maxTimeMS, with the collection's figures before and after.
import { MongoServerError, type MongoClient } from 'mongodb';
import type { EngineContext, MaintenanceSession } from '../engine.js';
import type { MaintenanceStep } from '../../maintenance/step.js';
import { withMongoClient } from './connection.js';
import { collectionStorage, type MaintenanceServerFacts, planCollections, readStorage } from './maintenance-plan.js';
import { IndexGone, indexFigures, rebuildIndex } from './maintenance-indexes.js';
import { cleanUpStandIn, type Leases, StandInChanged } from './maintenance-leftovers.js';
import { IndexBusy, indexLeases, recordedIndexSpecs } from './maintenance-lease.js';
import { describeMongoServer } from './server.js';
import type { MongoTarget } from './target.js';

/** Codes that mean the server lacks the command (FerretDB lacks several), not that it failed. */
const NOT_SUPPORTED = new Set([59, 115, 238]); // CommandNotFound, CommandNotSupported, NotImplemented
const NAMESPACE_NOT_FOUND = 26;
const TIME_LIMIT = 50; // MaxTimeMSExpired
const UNAUTHORIZED = 13;

export function withMongoMaintenanceSession<T>(
  target: MongoTarget,
  context: EngineContext,
  use: (session: MaintenanceSession) => Promise<T>,
): Promise<T> {
  return withMongoClient(target, context, async (client) =>
    use(maintenanceSession(client, target.database, await describeMongoServer(client))),
  );
}

const ms = (timeoutMs: number) => Math.max(1, Math.round(timeoutMs));

function maintenanceSession(
  client: MongoClient,
  database: string,
  server: MaintenanceSession['server'],
): MaintenanceSession {
  const db = client.db(database);
  return {
    server,
    plan: async (settings, timeoutMs) => {
      const facts = await serverFacts(ms(timeoutMs));
      const collections = await collectionStorage(db, ms(timeoutMs));
      return planCollections(database, collections, settings, facts, await leasesOf(ms(timeoutMs)));
    },
    runStep: async (step, timeoutMs) => {
      const collection = collectionOf(step, database);
      const maxTimeMS = ms(timeoutMs);
      const before = await readStorage(db, collection, maxTimeMS);
      if (!before) throw new CollectionGone(step.object);
      if (step.kind === 'rebuild-index') return runRebuild(step, collection, maxTimeMS);
      if (step.kind === 'drop-rebuild-leftover')
        return { result: await cleanUpStandIn(db, collection, step.index!, step.object, maxTimeMS) };
      const command =
        step.kind === 'compact-collection'
          ? { compact: collection, maxTimeMS }
          : {
              validate: collection,
              ...(step.statement.includes('full: true') ? { full: true } : {}),
              ...(step.statement.includes('background: true') ? { background: true } : {}),
              maxTimeMS,
            };
      const answer = await db.command(command).catch((error: unknown) => {
        // Dropped between the figures and the command.
        throw (error as { code?: number }).code === NAMESPACE_NOT_FOUND ? new CollectionGone(step.object) : error;
      });
      if (step.kind === 'validate-collection' && answer.valid === false)
        throw new Error(`validate found the collection not valid: ${JSON.stringify(answer.errors ?? [])}`);
      const after = await readStorage(db, collection, maxTimeMS);
      const figures = (s: typeof before) => ({ bytes: s.storageBytes, freeBytes: s.freeBytes });
      return { before: figures(before), ...(after ? { after: figures(after) } : {}), result: describe(step, answer) };
    },
    explainStepFailure,
  };

  /** What the plan needs to know of the server (maintenance-plan.ts). */
  async function serverFacts(maxTimeMS: number): Promise<MaintenanceServerFacts> {
    const admin = client.db('admin');
    const info = await admin.command({ buildInfo: 1, maxTimeMS });
    const hello = await admin.command({ hello: 1, maxTimeMS });
    // FerretDB says so in buildInfo; its unique stand-in does not refuse duplicates (maintenance-indexes.ts), and it
    // has no replication (with --repl-set-name it keeps an oplog, but has no secondaries and no elections).
    const ferretdb = info.ferretdbVersion !== undefined;
    const [major = 0, minor = 0] = Array.isArray(info.versionArray)
      ? (info.versionArray as unknown[]).map(Number)
      : String(info.version ?? '')
          .split('.')
          .map(Number);
    return {
      uniqueStandIn: !ferretdb,
      replicaSetPrimary: !ferretdb && typeof hello.setName === 'string' && hello.isWritablePrimary === true,
      version: [major, minor],
    };
  }

  /** The unexpired leases and recorded specs, or why they could not be read (a user without find on the collection). */
  async function leasesOf(maxTimeMS: number): Promise<Leases> {
    try {
      return { held: await indexLeases(db, new Date(), maxTimeMS), specs: await recordedIndexSpecs(db, maxTimeMS) };
    } catch (error) {
      if (error instanceof MongoServerError && Number(error.code) === UNAUTHORIZED)
        return { unreadable: error.message };
      throw error;
    }
  }

  /** An index rebuild, with the index's size and free bytes before and after. */
  async function runRebuild(step: MaintenanceStep, collection: string, maxTimeMS: number) {
    const index = step.index!;
    const figures = async () => indexFigures(await db.command({ collStats: collection, maxTimeMS }), index);
    const before = await figures();
    await rebuildIndex(db, collection, index, step.object, maxTimeMS).catch((error: unknown) => {
      throw (error as { code?: number }).code === NAMESPACE_NOT_FOUND ? new CollectionGone(step.object) : error;
    });
    const after = await figures();
    return { before, after, result: `index ${JSON.stringify(index)} rebuilt: ${before.bytes} → ${after.bytes} bytes` };
  }
}

/** The collection a step is about: its object is database.collection. */
function collectionOf(step: MaintenanceStep, database: string): string {
  return step.object.slice(database.length + 1);
}

class CollectionGone extends Error {
  constructor(object: string) {
    super(`${object} no longer exists (dropped after the plan was made)`);
  }
}

/** What the server answered, in a sentence: validate's verdict, compact's bytes freed. */
function describe(step: MaintenanceStep, answer: Record<string, unknown>): string {
  if (step.kind === 'compact-collection') return `the server reports ${Number(answer.bytesFreed ?? 0)} bytes freed`;
  const errors = Array.isArray(answer.errors) ? answer.errors.length : 0;
  const warnings = Array.isArray(answer.warnings) ? answer.warnings.length : 0;
  return `${answer.valid === true ? 'valid' : 'NOT valid'}: ${Number(answer.nrecords ?? 0)} records, ${errors} errors, ${warnings} warnings`;
}

function explainStepFailure(error: unknown, timeoutMs: number): { status: 'skipped' | 'failed'; reason: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (
    error instanceof CollectionGone ||
    error instanceof IndexGone ||
    error instanceof IndexBusy ||
    error instanceof StandInChanged
  )
    return { status: 'skipped', reason: message };
  if (error instanceof MongoServerError) {
    const code = Number(error.code);
    if (NOT_SUPPORTED.has(code))
      return {
        status: 'skipped',
        reason: `skipped: the server does not support it (${error.codeName ?? code}: ${message})`,
      };
    if (code === TIME_LIMIT)
      return {
        status: 'failed',
        reason: `stopped by maxTimeMS (${Math.round(timeoutMs)} ms: statement-timeout, or what was left of the window or max-runtime)`,
      };
    if (code === UNAUTHORIZED)
      return {
        status: 'failed',
        reason: `failed: this user lacks a privilege (${message}); grant it the dbAdmin role`,
      };
  }
  return { status: 'failed', reason: `failed: ${message}` };
}
