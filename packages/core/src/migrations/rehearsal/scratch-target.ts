/**
 * The rehearsal runs migrations for real, so the database it runs them in must not be the one they are meant for:
 * a target-url naming the same host, port and database as database-url is refused before anything connects. Only
 * the URLs are compared (dbops never connects to database-url in a rehearsal); the loopback names count as one host.
 */
import { parsePgTarget, type PgTarget, type PgTargetInput } from '../../databases/postgres/target.js';
import { DbopsError } from '../../errors.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Parses the scratch URL (errors name target-url) and refuses it when it is the database database-url names. */
export function scratchTarget(scratchUrl: string, databaseUrl?: string, env?: PgTargetInput['env']): PgTarget {
  const scratch = parsePgTarget({ url: scratchUrl, ...(env ? { env } : {}) }, 'target-url');
  if (databaseUrl === undefined) return scratch;
  const production = parsePgTarget({ url: databaseUrl, ...(env ? { env } : {}) }, 'database-url');
  if (sameDatabase(scratch, production)) {
    throw new DbopsError(
      'UNSAFE_TARGET',
      `target-url names the same database as database-url (${hostName(scratch.host)}:${scratch.port}/${scratch.database}): a rehearsal runs the pending migrations in target-url's database`,
      {
        input: 'target-url',
        hint: 'Point target-url at a disposable server or database (e.g. a postgres service container); the rehearsal restores a copy or builds the schema there and never touches database-url.',
      },
    );
  }
  return scratch;
}

export function sameDatabase(
  a: Pick<PgTarget, 'host' | 'port' | 'database'>,
  b: Pick<PgTarget, 'host' | 'port' | 'database'>,
) {
  return hostName(a.host) === hostName(b.host) && a.port === b.port && a.database === b.database;
}

function hostName(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  return LOOPBACK.has(lower) ? 'localhost' : lower;
}
