// Self-test of the PostgreSQL harness: the other integration tests trust everything checked here.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

async function connect(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('PostgreSQL harness', () => {
  let server: PostgresServer;
  // Unique names: with TEST_DATABASE_URL the server is shared and outlives the test.
  const suffix = `${process.pid}_${Date.now()}`;
  const db = `harness_db_${suffix}`;
  const role = `harness_app_${suffix}`;

  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    if (!server) return;
    await server.query(`drop database if exists ${db}`);
    await server.query(`drop role if exists ${role}`);
    await server.stop();
  });

  it('starts a server that answers queries', async () => {
    const [row] = await server.query<{ version: string }>('select version()');
    expect(row?.version).toMatch(/^PostgreSQL \d+/);
    expect(row?.version).toContain(`PostgreSQL ${server.majorVersion}`);
    expect(server.binDir).toBeTruthy();
  });

  it('percent-encodes the password in url()', async () => {
    if (server.canCrash) {
      // Our own cluster: the password is chosen to need escaping (with TEST_DATABASE_URL it is whatever was given).
      expect(server.password).toMatch(/[@:/%]/);
      expect(server.url()).not.toContain(server.password);
    }
    await expect(connect(server.url())).resolves.toBeUndefined();
  });

  it('creates databases and queries them', async () => {
    await server.createDatabase(db);
    await server.query('create table t (id int)', [], db);
    await server.query('insert into t values ($1), ($2)', [1, 2], db);
    const rows = await server.query<{ n: string }>('select count(*) as n from t', [], db);
    expect(rows).toEqual([{ n: '2' }]);
  });

  it('refuses a wrong password', async () => {
    await expect(connect(server.url('postgres', server.superuser, 'wrong'))).rejects.toThrow(
      /password authentication failed/,
    );
  });

  it('checks passwords of other roles too', async () => {
    await server.query(`create role ${role} login password 'app-secret'`);
    await expect(connect(server.url('postgres', role, 'app-secret'))).resolves.toBeUndefined();
    await expect(connect(server.url('postgres', role, 'nope'))).rejects.toThrow(/password authentication failed/);
  });
});

describe('PostgreSQL harness: crash and stop', () => {
  it('crash() kills the server, stop() removes the data directory', async () => {
    const server = await startPostgres({ password: 'another p@ss#word?' });
    try {
      await expect(connect(server.url())).resolves.toBeUndefined();
      if (!server.canCrash) {
        await expect(server.crash()).rejects.toThrow(/not supported with TEST_DATABASE_URL/);
        return;
      }
      // A session in flight when the server dies gets an error, not a hang.
      const client = new pg.Client({ connectionString: server.url() });
      client.on('error', () => undefined);
      await client.connect();
      // The outcome is captured at once: the query fails while crash() is still running, before any later await.
      const running = client.query('select pg_sleep(30)').then(
        () => 'finished',
        (error: unknown) => error,
      );
      await new Promise((r) => setTimeout(r, 200));
      await server.crash();
      expect(await running).toBeInstanceOf(Error);
      await client.end().catch(() => undefined);

      await expect(connect(server.url())).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await server.stop();
    }
    await server.stop(); // a second stop() is harmless
  });

  it('stop() shuts down cleanly and removes the temp dirs', async () => {
    const server = await startPostgres();
    let dataDir: string;
    try {
      if (!server.canCrash) return; // external server: nothing of ours to remove
      const [row] = await server.query<{ data_directory: string }>('show data_directory');
      dataDir = row!.data_directory;
      expect(existsSync(dataDir)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(existsSync(dataDir)).toBe(false);
    await expect(connect(server.url())).rejects.toThrow(/ECONNREFUSED/);
  });
});
