// The benchmark database: generated once by bench/generate-data.mjs and reused while its size and seed match.
// A marker file next to the cluster records what was generated; a database without a matching marker is rebuilt.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { generate } from '../generate-data.mjs';

/** Makes sure database `db` holds the generated data for (sizeMb, seed); returns its pg_database_size in bytes. */
export async function ensureDataset({ cluster, dir, db, sizeMb, seed = 42, log = console.log }) {
  const markerFile = join(dir, 'datasets.json');
  const markers = existsSync(markerFile) ? JSON.parse(readFileSync(markerFile, 'utf8')) : {};
  const wanted = { sizeMb, seed };
  const current = markers[db];
  if (current && current.sizeMb === sizeMb && current.seed === seed && (await databaseBytes(cluster.url(db)))) {
    log(`dataset ${db}: reusing ${mb(current.databaseBytes)} (size ${sizeMb} MB, seed ${seed})`);
    return current.databaseBytes;
  }
  log(`dataset ${db}: generating ~${sizeMb} MB (seed ${seed})`);
  delete markers[db];
  writeFileSync(markerFile, JSON.stringify(markers, null, 2));
  const result = await generate({ url: cluster.url(db), sizeMb, seed, replace: true, log: (line) => log(`  ${line}`) });
  markers[db] = { ...wanted, databaseBytes: result.databaseBytes, generatedAt: new Date().toISOString() };
  writeFileSync(markerFile, JSON.stringify(markers, null, 2));
  return result.databaseBytes;
}

/** pg_database_size of the database at url, or undefined when it does not exist. */
export async function databaseBytes(url) {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    if (error.code === '3D000') return undefined;
    throw error;
  }
  try {
    return Number((await client.query('select pg_database_size(current_database()) as b')).rows[0].b);
  } finally {
    await client.end();
  }
}

export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
