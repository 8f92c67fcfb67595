// dbops's sessions are silent for minutes at a time (a count over a big table, pg_dump waiting on a lock,
// pg_restore building an index). NAT gateways drop silent connections (a GitHub-hosted runner's after 4 minutes),
// so every session, Node's own and the client tools', sends TCP keepalives after a minute of silence. `ss` shows
// the kernel's keepalive timer on the session's socket while it waits in pg_sleep.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { connect } from '../../packages/core/src/databases/postgres/connection.js';
import { libpqEnvironment } from '../../packages/core/src/databases/postgres/libpq-env.js';
import { parsePgTarget } from '../../packages/core/src/databases/postgres/target.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { eventually } from '../harness/eventually.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => server?.stop());

/** The client end of the session running `marker`: its socket's timers, as `ss -o` prints them. */
async function socketTimer(marker: string): Promise<string> {
  let port: number | undefined;
  await eventually(async () => {
    const rows = await server.query<{ port: number }>(
      `select client_port as port from pg_stat_activity where application_name = 'dbops' and query like $1`,
      [`%${marker}%`],
    );
    port = rows[0]?.port;
    return port !== undefined;
  });
  if (port === undefined) throw new Error(`no session ran ${marker}`);
  // Until the server acknowledges the query's bytes, the socket's timer is the retransmission timer ("on").
  let timers = '';
  await eventually(
    async () => {
      timers = (await promisify(execFile)('ss', ['-tnoH', 'state', 'established', `( sport = :${port} )`])).stdout;
      return !timers.includes('timer:(on,');
    },
    3000,
    20,
  );
  return timers;
}

/** A keepalive timer that fires within a minute (ss prints e.g. "timer:(keepalive,59sec,0)" or "1min"). */
const KEEPALIVE_WITHIN_A_MINUTE = /timer:\(keepalive,(\d+(\.\d+)?sec|1min),0\)/;

test("Node's own sessions send keepalives after a minute of silence", async () => {
  const client = await connect(parsePgTarget({ url: server.url() }), new MemoryLogger());
  try {
    const sleeping = client.query("select pg_sleep(5), 'node-keepalive'");
    sleeping.catch(() => undefined); // awaited below; a failed check first must not leave it unhandled
    expect(await socketTimer('node-keepalive')).toMatch(KEEPALIVE_WITHIN_A_MINUTE);
    await sleeping;
  } finally {
    await client.end();
  }
});

test("pg_dump, pg_restore and psql sessions (libpq's) send keepalives after a minute of silence", async () => {
  const libpq = await libpqEnvironment(parsePgTarget({ url: server.url() }), process.env);
  const serviceFile = libpq.env.PGSERVICEFILE!;
  try {
    const psql = spawn(path.join(server.binDir, 'psql'), ['-X', '-q', '-c', "select pg_sleep(5), 'libpq-keepalive'"], {
      env: libpq.env,
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => psql.once('exit', resolve));
    expect(await socketTimer('libpq-keepalive')).toMatch(KEEPALIVE_WITHIN_A_MINUTE);
    expect(await exited).toBe(0);
  } finally {
    await libpq.dispose();
  }
  expect(existsSync(serviceFile)).toBe(false);
});
