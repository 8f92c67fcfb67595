import { DbopsError, invalidInput } from '../errors.js';
import type { BackupManifest } from '../manifest/manifest.js';
import type { RetentionSessionOpener } from './document-retention.js';
import type { DatabaseEngine, DatabaseTarget, EngineName } from './engine.js';
import { lazyEngine } from './lazy-engine.js';
import { asMongoTarget, describeMongoTarget } from './mongodb/target.js';
import { postgresEngine } from './postgres/engine.js';

// Which engine serves a connection URL, a parsed target or a stored backup.

// MongoDB's engine and driver load when a MongoDB target is first used.
const mongoEngine = lazyEngine(
  'mongodb',
  (target) => describeMongoTarget(asMongoTarget(target)),
  async () => (await import('./mongodb/engine.js')).mongoEngine,
);

const ENGINES: Record<EngineName, DatabaseEngine> = { postgresql: postgresEngine, mongodb: mongoEngine };

/** URL schemes, lower case, and the engine each names. */
const SCHEMES: ReadonlyMap<string, EngineName> = new Map([
  ['postgres', 'postgresql'],
  ['postgresql', 'postgresql'],
  ['mongodb', 'mongodb'],
  ['mongodb+srv', 'mongodb'],
]);

/** The URL forms an engine reads ("postgres:// or postgresql://"); all engines' without one. */
export function urlForms(engine?: EngineName): string {
  const schemes = [...SCHEMES].filter(([, name]) => !engine || name === engine).map(([scheme]) => `${scheme}://`);
  return schemes.join(' or ');
}

/**
 * The engine a connection URL names by its scheme. An unknown scheme is refused naming the input, the scheme and
 * the valid forms; the rest of the URL is never echoed (it may hold a password).
 */
export function engineForUrl(url: string, input: string): DatabaseEngine {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url.trim())?.[1];
  const form = `a URL starting with ${urlForms()}, e.g. postgres://USER:PASSWORD@HOST:5432/DATABASE`;
  if (!scheme) {
    throw invalidInput(input, 'is not a connection URL (it does not start with a scheme such as postgres://)', form);
  }
  const name = SCHEMES.get(scheme.toLowerCase());
  if (!name) {
    throw invalidInput(input, `has the scheme '${scheme}://', which names no database engine dbops supports`, form);
  }
  return ENGINES[name];
}

/** The engine that parsed a target. */
export function engineFor(target: DatabaseTarget): DatabaseEngine {
  return ENGINES[target.engine];
}

/**
 * The engine that restores a stored backup: the one its manifest names (a manifest without the field is
 * PostgreSQL's, the only engine before it existed). The target must be a server of that engine.
 */
export function engineForBackup(manifest: BackupManifest, target: DatabaseTarget): DatabaseEngine {
  const name: string = (manifest as Partial<BackupManifest>).engine ?? 'postgresql';
  if (!Object.hasOwn(ENGINES, name)) {
    const problem = `Backup ${manifest.backupId} was made by the ${name} engine, which this dbops does not support`;
    throw new DbopsError('INVALID_INPUT', problem, {
      hint: 'Use the dbops version that wrote the backup, or a newer one.',
    });
  }
  if (name !== target.engine) {
    const input = target.urlInput ?? 'target-url';
    const problem = `names a ${target.engine} server, but backup ${manifest.backupId} is a ${name} backup`;
    throw invalidInput(input, problem, `a URL starting with ${urlForms(name as EngineName)}`);
  }
  return ENGINES[name as EngineName];
}

/**
 * The engine of a target for a feature only SQL engines have (migrate-deploy); another engine's URL is refused naming
 * the input and the forms that work.
 */
export function sqlEngineFor(
  target: DatabaseTarget,
  feature: string,
): Required<Pick<DatabaseEngine, 'withSqlSession'>> {
  const engine = ENGINES[target.engine];
  if (engine.withSqlSession) return { withSqlSession: engine.withSqlSession.bind(engine) };
  const input = target.urlInput ?? 'database-url';
  throw invalidInput(
    input,
    `names a ${target.engine} server; ${feature} works on PostgreSQL only`,
    `a URL starting with ${urlForms('postgresql')}`,
  );
}

/**
 * retention-purge's session for a target whose engine has no SQL (MongoDB, loaded on use), or undefined for a SQL
 * engine, which purges through withSqlSession.
 */
export function documentRetentionFor(target: DatabaseTarget): RetentionSessionOpener | undefined {
  if (target.engine !== 'mongodb') return undefined;
  return async (into, context, use) =>
    (await import('./mongodb/engine.js')).withMongoRetentionSession(asMongoTarget(into), context, use);
}
