// What the maintenance plan reads from the catalog, on a real server: a partitioned table is never frozen itself
// (its relfrozenxid is 0), an old TOAST table makes its table's freeze, a freeze due on a table that gets a rebuild
// is still planned and runs when the rebuild does not, an int4 column a bigint sequence fills is the sequence's
// limit, another session's temporary table is left alone, and duplicate indexes are told apart by sort order and
// NULLS NOT DISTINCT, never suggesting a drop of an index DROP INDEX refuses, nor CONCURRENTLY for a partitioned one.
import pg from 'pg';
import { silentLogger } from '../../packages/core/src/log.js';
import { applySteps } from '../../packages/core/src/maintenance/apply.js';
import { DEFAULT_THRESHOLDS, planMaintenance } from '../../packages/core/src/maintenance/plan.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

let server: PostgresServer;
let client: pg.Client;
const DB = 'maintenance_catalog';
const q = (sql: string) => server.query(sql, [], DB);
/** Thresholds that make this test's small tables and indexes count. */
const SMALL = { ...DEFAULT_THRESHOLDS, minTableBytes: 64 * 1024, minIndexBytes: 64 * 1024 };

beforeAll(async () => {
  server = await startPostgres({ settings: { autovacuum: 'off' } });
  await server.createDatabase(DB);
  client = new pg.Client({ connectionString: server.url(DB) });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await server?.stop();
});

const stepsOn = async (object: string, thresholds = DEFAULT_THRESHOLDS, ...rest: [] | [typeof policy]) =>
  (await planMaintenance(client, thresholds, ...rest)).steps.filter((s) => s.object === object);
const policy = { allowVacuumFull: true, vacuumFullMaxBytes: 1024 * 1024 * 1024 };
/** `n` transaction IDs used up, each in a transaction of its own: every table's xid age grows by `n`. */
const burnXids = (n: number) => q(`do $$ begin for i in 1..${n} loop perform txid_current(); commit; end loop; end $$`);
const flush = () => q('select pg_stat_force_next_flush()');

it('a partitioned table gets no freeze (relfrozenxid 0 is no age); its partitions are planned on their own', async () => {
  await q(`create table events (id int, at date) partition by range (at);
    create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01');
    create table events_2027 partition of events for values from ('2027-01-01') to ('2028-01-01');
    insert into events select g, date '2026-06-01' + (g % 400) from generate_series(1, 1000) g`);
  await flush();
  const [parent] = await q(`select age(relfrozenxid)::float8 as age from pg_class where relname = 'events'`);
  expect(parent!.age).toBe(2147483647);
  expect(await stepsOn('"public"."events"')).toEqual([]);
  // A freeze threshold every table passes: the partitions are frozen, the parent is not.
  await burnXids(50);
  const plan = await planMaintenance(client, { ...DEFAULT_THRESHOLDS, xidAge: 10 });
  expect(plan.steps.filter((s) => s.object.startsWith('"public"."events')).map((s) => s.statement)).toEqual([
    'VACUUM (FREEZE, ANALYZE) "public"."events_2026"',
    'VACUUM (FREEZE, ANALYZE) "public"."events_2027"',
  ]);
});

it('a TOAST table older than its table makes the table’s freeze', async () => {
  await q(`create table docs (id int, body text);
    alter table docs alter column body set storage external;
    insert into docs select g, repeat(md5(g::text), 200) from generate_series(1, 20) g`);
  await burnXids(300);
  // The table frozen, its TOAST table not: its age stays what the burn made it.
  await q(`vacuum (freeze, process_toast false) docs`);
  const [ages] = await q(
    `select age(c.relfrozenxid)::float8 as main, age(t.relfrozenxid)::float8 as toast
       from pg_class c join pg_class t on t.oid = c.reltoastrelid where c.relname = 'docs'`,
  );
  expect(ages!.main).toBeLessThan(100);
  expect(ages!.toast).toBeGreaterThanOrEqual(300);
  const steps = await stepsOn('"public"."docs"', { ...DEFAULT_THRESHOLDS, xidAge: 200 });
  expect(steps.map((s) => s.statement)).toEqual(['VACUUM (FREEZE, ANALYZE) "public"."docs"']);
  expect(steps[0]!.figures.xidAge).toBeGreaterThanOrEqual(300);
});

it('a freeze due on a table that gets a rebuild is planned after it: run when the rebuild is skipped, not after it is applied', async () => {
  await q(`create table worn (id int primary key, v int, note text) with (autovacuum_enabled = false);
    insert into worn select g, g, 'row ' || g from generate_series(1, 20000) g;
    delete from worn where id % 10 <> 0`);
  await q(`vacuum (analyze) worn`);
  await burnXids(300);
  const thresholds = { ...SMALL, xidAge: 200 };
  const planned = async () =>
    (await stepsOn('"public"."worn"', thresholds, policy)).filter((s) => s.kind !== 'reindex-bloated');
  const steps = await planned();
  expect(steps.map((s) => [s.kind, s.mode])).toEqual([
    ['vacuum-full', 'apply'],
    ['vacuum-freeze', 'apply'],
  ]);
  expect(steps[1]!.why).toMatch(/≥ 200; runs only if the rebuild before it is not applied$/);
  const settings = {
    lockTimeoutMs: 200,
    statementTimeoutMs: 60_000,
    maxRuntimeMs: 3_600_000,
    now: () => new Date(),
    log: silentLogger,
  };
  const age = async () =>
    (await q(`select age(relfrozenxid)::float8 as age from pg_class where relname = 'worn'`))[0]!.age as number;

  // A reader holds the table: VACUUM FULL cannot get its ACCESS EXCLUSIVE lock, the freeze needs no more than it.
  const reader = new pg.Client({ connectionString: server.url(DB) });
  await reader.connect();
  try {
    await reader.query('begin; select count(*) from worn');
    const skipped = await applySteps(client, steps, settings);
    expect(skipped.map((o) => [o.kind, o.status])).toEqual([
      ['vacuum-full', 'skipped'],
      ['vacuum-freeze', 'applied'],
    ]);
  } finally {
    await reader.query('rollback');
    await reader.end();
  }
  expect(await age()).toBeLessThan(200);

  await burnXids(300);
  const again = await planned();
  expect(again.map((s) => s.kind)).toEqual(['vacuum-full', 'vacuum-freeze']);
  const rebuilt = await applySteps(client, again, settings);
  expect(rebuilt.map((o) => [o.kind, o.status, o.reason])).toEqual([
    ['vacuum-full', 'applied', undefined],
    [
      'vacuum-freeze',
      'skipped',
      'not needed: the rebuild of "public"."worn" before it was applied, and a rewrite freezes the table too',
    ],
  ]);
  expect(await age()).toBeLessThan(200);
});

it('an int4 column a bigint sequence fills is its limit: the column is widened', async () => {
  await q(`create sequence ticket_no;
    create table tickets (id int default nextval('ticket_no'), note text);
    select setval('ticket_no', 2000000000);
    create table badges (id smallint);
    create sequence badge_no owned by badges.id;
    select setval('badge_no', 30000)`);
  const [tickets] = await stepsOn('"public"."ticket_no"');
  expect(tickets).toMatchObject({
    kind: 'widen-sequence',
    mode: 'report',
    statement: 'ALTER TABLE "public"."tickets" ALTER COLUMN "id" TYPE bigint',
    figures: { lastValue: 2000000000, maxValue: 2147483647 },
  });
  expect(tickets!.why).toMatch(
    /^93% used: last value 2000000000 of maximum 2147483647, the largest integer of column "public"."tickets"."id" it fills \(the sequence itself goes up to \d+, bigint\)$/,
  );
  expect(tickets!.lock).toMatch(/^ACCESS EXCLUSIVE on each table for the rewrite of its column/);
  const [badges] = await stepsOn('"public"."badge_no"');
  expect(badges).toMatchObject({
    statement: 'ALTER TABLE "public"."badges" ALTER COLUMN "id" TYPE bigint',
    figures: { maxValue: 32767 },
  });
  // A serial column: the int4 sequence and the int4 column end at once; both are widened.
  await q(`create table orders_s (id serial); select setval('orders_s_id_seq', 2000000000)`);
  const [serial] = await stepsOn('"public"."orders_s_id_seq"');
  expect(serial!.statement).toBe(
    'ALTER TABLE "public"."orders_s" ALTER COLUMN "id" TYPE bigint; ALTER SEQUENCE "public"."orders_s_id_seq" AS bigint MAXVALUE 9223372036854775807',
  );
});

it('another session’s temporary table with dead rows is not planned', async () => {
  const other = new pg.Client({ connectionString: server.url(DB) });
  await other.connect();
  try {
    await other.query(`create temp table scratch (id int, v text);
      insert into scratch select g, 'x' from generate_series(1, 20000) g;
      create index scratch_id on scratch (id);
      analyze scratch;
      delete from scratch where id <= 15000`);
    await other.query('select pg_stat_force_next_flush()');
    const [seen] = await q(
      `select n_dead_tup::int as dead from pg_stat_user_tables where relname = 'scratch' and schemaname like 'pg_temp%'`,
    );
    expect(seen!.dead).toBe(15000);
    const plan = await planMaintenance(client, SMALL);
    expect(plan.steps.filter((s) => /scratch/.test(s.object))).toEqual([]);
  } finally {
    await other.end();
  }
});

it('duplicate indexes: sort order and NULLS NOT DISTINCT tell indexes apart; a constraint’s or a partition’s index is kept, never dropped', async () => {
  await q(`create table dup (a int, b int, c int);
    create index dup_ab on dup (a, b);
    create index dup_a_desc_b on dup (a desc, b);
    create unique index dup_c on dup (c);
    create unique index dup_c_nnd on dup (c) nulls not distinct;
    create table dupc (k int, constraint dupc_k_key unique (k));
    create unique index dupc_k_again on dupc (k);
    create table dupcc (k int, constraint dupcc_k_one unique (k), constraint dupcc_k_two unique (k));
    create table pt (a int, b int) partition by list (a);
    create table pt1 partition of pt for values in (1);
    create index pt_b on pt (b);
    create index pt1_b_extra on pt1 (b);
    insert into pt select 1, g from generate_series(1, 5000) g`);
  await q('analyze pt1');
  await flush();
  const plan = await planMaintenance(client, SMALL);
  const drops = plan.steps.filter((s) => s.kind === 'drop-duplicate-index' || s.kind === 'drop-unused-index');
  expect(drops.map((s) => [s.kind, s.statement])).toEqual([
    ['drop-duplicate-index', 'DROP INDEX CONCURRENTLY "public"."dupc_k_again"'],
    ['drop-duplicate-index', 'DROP INDEX CONCURRENTLY "public"."pt1_b_extra"'],
    // pt1_b_idx, as unused, is attached to pt_b: only DROP INDEX pt_b drops it.
    ['drop-unused-index', 'DROP INDEX CONCURRENTLY "public"."pt1_b_extra"'],
  ]);
  expect(drops[0]!.why).toBe(
    'same key and INCLUDE columns, operator classes, sort orders and predicate as "public"."dupc_k_key" on "public"."dupc"',
  );
});

it('a duplicate index of a partitioned table gets a plain DROP INDEX (CONCURRENTLY is refused for it), which works', async () => {
  await q(`create table ptd (a int, b int) partition by range (a);
    create table ptd_1 partition of ptd for values from (0) to (1000);
    create table ptd_2 partition of ptd for values from (1000) to (2000);
    insert into ptd select g, g from generate_series(0, 1999) g;
    create index ptd_b on ptd (b);
    create index ptd_b_again on ptd (b)`);
  const plan = await planMaintenance(client, SMALL);
  const drops = plan.steps.filter((s) => s.kind === 'drop-duplicate-index' && /ptd/.test(s.object));
  // The partitions' twin indexes are attached to the partitioned ones: only this drop removes them.
  expect(drops.map((s) => [s.statement, s.mode])).toEqual([['DROP INDEX "public"."ptd_b_again"', 'report']]);
  expect(drops[0]!.lock).toMatch(/^ACCESS EXCLUSIVE on the partitioned table and each of its partitions/);
  const [sizes] = await q(`select sum(pg_relation_size(relid))::float8 as bytes from pg_partition_tree('ptd_b_again')`);
  expect(drops[0]!.figures).toEqual({ bytes: sizes!.bytes });
  await expect(q('drop index concurrently ptd_b_again')).rejects.toThrow(/cannot drop partitioned index/);
  await q(drops[0]!.statement);
  const left = await q(`select indrelid::regclass::text as t, count(*)::int as n from pg_index
    where indrelid in ('ptd'::regclass, 'ptd_1'::regclass, 'ptd_2'::regclass) group by 1 order by 1`);
  expect(left).toEqual([
    { t: 'ptd', n: 1 },
    { t: 'ptd_1', n: 1 },
    { t: 'ptd_2', n: 1 },
  ]);
});
