// The many-tables database (issue 17, target 5): `count` tables of 20 rows, each with a primary key and one more
// index, analyzed. Built once per cluster and reused by the many-tables benchmarks (backup and restore side).
import { createDatabaseOnce } from './cluster.mjs';

/** Creates database `many_<count>` unless it exists; returns its name. */
export async function manyTablesDatabase(cluster, count, log = console.log) {
  const database = `many_${count}`;
  await createDatabaseOnce(cluster, database, async (client) => {
    log(`Creating ${count} tables…`);
    for (let start = 0; start < count; start += 500) {
      const end = Math.min(count, start + 500) - 1;
      await client.query(`do $$ begin for i in ${start}..${end} loop
        execute format('create table t_%s (id int primary key, account int, note text)', i);
        execute format('create index on t_%s (account)', i);
        execute format('insert into t_%s select g, g %% 7, md5(g::text) from generate_series(1, 20) g', i);
      end loop; end $$`);
    }
    await client.query('analyze');
  });
  return database;
}
