// The URL the migration command gets: the run's application_name in its query (which node-postgres, pgx, lib/pq and
// sqlx read), next to sslmode, with a password full of URL-special characters still read back intact.
import { parse } from 'pg-connection-string';
import { commandApplicationName } from '../../packages/core/src/migrations/cancel-command-queries.js';
import { connectionUrl } from '../../packages/core/src/migrations/command-environment.js';
import { parsePgTarget } from '../../packages/core/src/databases/postgres/target.js';

const password = 'p@ss:w/rd%?&=#';

test('application_name joins the query and the URL still parses to the same target', () => {
  const target = parsePgTarget({
    url: `postgresql://app:${encodeURIComponent(password)}@db.example:6432/shop?sslmode=disable`,
  });
  const name = commandApplicationName();
  const url = connectionUrl(target, undefined, name);
  expect(url).toContain(`?sslmode=disable&application_name=${name}`);
  const read = parse(url);
  expect(read.application_name).toBe(name);
  expect(read.password).toBe(password);
  expect(read.host).toBe('db.example');
  expect(read.database).toBe('shop');
});

test('without a name the URL is as before', () => {
  const target = parsePgTarget({ url: 'postgresql://app@db.example/shop' });
  expect(connectionUrl(target)).toBe('postgresql://app@db.example:5432/shop');
});

test('each run gets its own name, within PostgreSQL’s 63 bytes', () => {
  const names = new Set(Array.from({ length: 50 }, commandApplicationName));
  expect(names.size).toBe(50);
  for (const name of names) expect(name).toMatch(/^dbops-migrate-[0-9a-f]{12}$/);
});
