// The UTC text of a timestamptz key, as receipts, tombstones and holds use it, is exactly what a session on UTC
// prints, BC dates included, whatever standard_conforming_strings says (a '\1' literal reads as chr(1) with it off).
import pg from 'pg';
import { utcKeyText } from '../../packages/core/src/databases/postgres/data-retention-predicate.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

let server: PostgresServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startPostgres();
  client = new pg.Client({ connectionString: server.url() });
  await client.connect();
  await client.query(`CREATE TABLE events (id int, at timestamptz, PRIMARY KEY (id, at));
    INSERT INTO events VALUES (1, '2026-01-01 13:00:00+01'), (2, '0044-03-15 12:00:00+00 BC'), (3, 'infinity')`);
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
});

test.each(['on', 'off'])('with standard_conforming_strings %s', async (conforming) => {
  const key = [
    { name: 'id', type: 'integer' },
    { name: 'at', type: 'timestamp with time zone' },
  ];
  await client.query(`SET standard_conforming_strings = ${conforming}`);
  await client.query("SET TimeZone = 'Europe/Berlin'");
  const ours = await client.query(`SELECT ${utcKeyText(key, 'e')} AS k FROM events AS e ORDER BY id`);
  await client.query("SET TimeZone = 'UTC'");
  const utc = await client.query('SELECT ROW(e.id, e.at)::text AS k FROM events AS e ORDER BY id');
  expect(ours.rows).toEqual(utc.rows);
  expect(utc.rows.map((r) => r.k)).toEqual([
    '(1,"2026-01-01 12:00:00+00")',
    '(2,"0044-03-15 12:00:00+00 BC")',
    '(3,infinity)',
  ]);
});
