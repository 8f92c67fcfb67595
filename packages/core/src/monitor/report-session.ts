import type pg from 'pg';
import { serverVersion } from '../databases/postgres/connection.js';
import { describeTarget, type PgTarget } from '../databases/postgres/target.js';
import { DbopsError } from '../errors.js';

export interface ReportSession {
  version: { major: number; text: string };
  standby: boolean;
  seesAllSessions: boolean;
}

/**
 * Readies the report's session: named, read-only, and every statement bounded. The setup queries and the
 * transaction control around each check are bounded by connect-timeout, as part of reaching the server; only the
 * checks' own queries get statement-timeout (runChecks sets it per check). A statement-timeout of 1 ms then
 * fails checks, which the report shows, instead of the report's first query at random.
 */
export async function prepareSession(client: pg.Client, target: PgTarget): Promise<ReportSession> {
  const boundMs = target.connectTimeoutSeconds * 1000;
  await client.query(`set application_name = 'dbops monitor-report'`);
  // Belt and braces: every check also runs in an explicit READ ONLY transaction.
  await client.query('set default_transaction_read_only = on');
  await client.query(`set statement_timeout = ${boundMs}`);
  try {
    const version = await serverVersion(client);
    const [row] = (await client.query<{ standby: boolean; sees_all: boolean }>(
      `select pg_is_in_recovery() as standby, pg_has_role(current_user, 'pg_read_all_stats', 'usage') as sees_all`,
    )).rows;
    return { version, standby: row?.standby ?? false, seesAllSessions: row?.sees_all ?? false };
  } catch (error) {
    throw setupError(target, error);
  }
}

function setupError(target: PgTarget, error: unknown): DbopsError {
  const where = describeTarget(target);
  if ((error as { code?: string }).code === '57014') {
    return new DbopsError('CONNECTION_FAILED', `PostgreSQL at ${where} did not answer the report's first query within connect-timeout (${target.connectTimeoutSeconds} s)`, {
      hint: 'The server is overloaded, or a session holds a lock on the system catalogs (look in pg_locks); raise connect-timeout to wait longer.',
      cause: error,
    });
  }
  return new DbopsError('CONNECTION_FAILED', `PostgreSQL at ${where} failed the report's first query: ${(error as Error).message}`, {
    hint: 'Check that the role may connect to this database and read server settings; the message above is the server\'s.',
    cause: error,
  });
}
