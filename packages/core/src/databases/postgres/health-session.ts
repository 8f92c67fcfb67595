import type pg from 'pg';
import { DbopsError } from '../../errors.js';
import type { EngineContext, HealthSession } from '../engine.js';
import { serverVersion, withSession } from './connection.js';
import { describeTarget, type PgTarget } from './target.js';

/** Runs `use` on monitor-report's session: read-only, every statement bounded, each check in its own transaction. */
export async function withPgHealthSession<T>(
  target: PgTarget,
  context: EngineContext,
  use: (session: HealthSession) => Promise<T>,
): Promise<T> {
  return withSession(target, context.log, context.signal, async (client) => {
    const { version, standby, seesAllSessions } = await prepareSession(client, target);
    return use({
      server: { product: 'PostgreSQL', version: version.text, major: version.major, standby, seesAllSessions },
      async inCheckTransaction(timeoutMs, run) {
        try {
          await client.query('begin transaction isolation level read committed read only');
          await client.query(`set local statement_timeout = ${Math.round(timeoutMs)}`);
          // Catalog functions such as pg_relation_size take light locks; never queue behind a migration's lock.
          await client.query(`set local lock_timeout = ${Math.round(Math.min(timeoutMs, 2000))}`);
          const query = async <R>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as R[];
          const result = await run(query);
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw error;
        }
      },
      explainCheckFailure,
    });
  });
}

/**
 * Readies the report's session: named, read-only, and every statement bounded. The setup queries and the
 * transaction control around each check are bounded by connect-timeout, as part of reaching the server; only the
 * checks' own queries get statement-timeout (runChecks sets it per check). A statement-timeout of 1 ms then
 * fails checks, which the report shows, instead of the report's first query at random.
 */
async function prepareSession(client: pg.Client, target: PgTarget) {
  const boundMs = target.connectTimeoutSeconds * 1000;
  await client.query(`set application_name = 'dbops monitor-report'`);
  // Belt and braces: every check also runs in an explicit READ ONLY transaction.
  await client.query('set default_transaction_read_only = on');
  await client.query(`set statement_timeout = ${boundMs}`);
  try {
    const version = await serverVersion(client);
    const [row] = (
      await client.query<{ standby: boolean; sees_all: boolean }>(
        `select pg_is_in_recovery() as standby, pg_has_role(current_user, 'pg_read_all_stats', 'usage') as sees_all`,
      )
    ).rows;
    return { version, standby: row?.standby ?? false, seesAllSessions: row?.sees_all ?? false };
  } catch (error) {
    throw setupError(target, error);
  }
}

function setupError(target: PgTarget, error: unknown): DbopsError {
  const where = describeTarget(target);
  if ((error as { code?: string }).code === '57014') {
    return new DbopsError(
      'CONNECTION_FAILED',
      `PostgreSQL at ${where} did not answer the report's first query within connect-timeout (${target.connectTimeoutSeconds} s)`,
      {
        hint: 'The server is overloaded, or a session holds a lock on the system catalogs (look in pg_locks); raise connect-timeout to wait longer.',
        cause: error,
      },
    );
  }
  return new DbopsError(
    'CONNECTION_FAILED',
    `PostgreSQL at ${where} failed the report's first query: ${(error as Error).message}`,
    {
      hint: "Check that the role may connect to this database and read server settings; the message above is the server's.",
      cause: error,
    },
  );
}

/**
 * A feature this server lacks means "skipped, here is why": there is nothing of it to check. Anything else (a
 * missing privilege, a timeout, a lock wait, an error) leaves what the check watches unknown.
 */
function explainCheckFailure(error: unknown, timeoutMs: number): { status: 'skipped' | 'unknown'; reason: string } {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === '42883' || code === '42P01' || code === '42703')
    return { status: 'skipped', reason: `not available on this server (${message})` };
  if (code === '42501')
    return { status: 'unknown', reason: `this role lacks a privilege (${message}); grant it pg_monitor` };
  if (code === '57014')
    return {
      status: 'unknown',
      reason: `a query took longer than ${Math.round(timeoutMs)} ms and was cancelled (raise statement-timeout)`,
    };
  if (code === '55P03') return { status: 'unknown', reason: `a query waited for a lock and gave up (${message})` };
  return { status: 'unknown', reason: message };
}
