// A purge's COMMIT waiting for a synchronous standby when the run is aborted: the abort ends the session
// (connection.ts), the server has already committed the batch locally and says so in a warning. The batch's rows are
// gone, so the receipt must count them: a receipt of 0 rows for rows that went would misstate the deletion.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataRetention } from '../../packages/core/src/operations/data-retention.js';
import { parsePgTarget } from '../../packages/core/src/databases/postgres/target.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { eventually } from '../harness/eventually.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

const DB = 'app';
let server: PostgresServer;
let dir: string;

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase(DB);
  dir = await mkdtemp(join(tmpdir(), 'dbops-sync-commit-'));
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a batch committed locally while its wait for a standby was ended by an abort is in the receipt', async () => {
  await server.query(
    `CREATE TABLE legal_holds (subject_table text NOT NULL, subject_id text NOT NULL);
     CREATE TABLE audit_log (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
     INSERT INTO audit_log SELECT i, now() - interval '400 days' FROM generate_series(1, 30) i;`,
    [],
    DB,
  );
  const policyPath = join(dir, 'retention.yml');
  await writeFile(
    policyPath,
    'version: 1\ndefaults: { batch-size: 100 }\nholds:\n  - table: legal_holds\ndata:\n  - name: audit\n    table: audit_log\n    by: created_at\n    keep: 365d\n',
  );
  // A synchronous standby that never comes: every commit that wrote something waits for it.
  await server.query("ALTER SYSTEM SET synchronous_standby_names = 'missing'");
  await server.query('ALTER SYSTEM SET synchronous_commit = on'); // the harness turns it off for speed
  await server.query('SELECT pg_reload_conf()');
  const controller = new AbortController();
  try {
    const run = dataRetention({
      policyPath,
      target: parsePgTarget({ url: server.url(DB) }),
      dryRun: false,
      receiptsTo: join(dir, 'receipts'),
      backupGraceSeconds: 3600,
      secrets: new Secrets(),
      log: new MemoryLogger(),
      signal: controller.signal,
    });
    const waiting = async () =>
      (
        await server.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'SyncRep' AND query = 'COMMIT'",
        )
      )[0]!.n === 1;
    expect(await eventually(waiting, 30_000)).toBe(true);
    controller.abort();
    const result = await run;
    // The rule's only batch went whole, so the rule is complete; it is the receipt's count that matters.
    expect(result.purge).toMatchObject({ rules: [{ rule: 'audit', rows: 30, batches: 1 }] });
    const receipt = JSON.parse(await readFile(join(dir, 'receipts', 'retention', '00000001.json'), 'utf8'));
    expect(receipt).toMatchObject({ rules: [{ rows: 30, batches: 1 }] });
  } finally {
    await server.query('ALTER SYSTEM RESET synchronous_standby_names');
    await server.query('ALTER SYSTEM RESET synchronous_commit');
    await server.query('SELECT pg_reload_conf()');
  }
  // Committed locally: the rows are gone, as the receipt says.
  expect(await server.query('SELECT count(*)::int AS n FROM audit_log', [], DB)).toEqual([{ n: 0 }]);
});
