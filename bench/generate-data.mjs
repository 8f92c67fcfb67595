#!/usr/bin/env node
// Builds a production-like PostgreSQL database for benchmarks: an online shop with customers, products, orders,
// order items, an event log and file attachments, sized by --size-mb (default ~1 GB on disk).
//
//   node bench/generate-data.mjs --url postgres://user:pw@host:5432/bench --size-mb 1000 --seed 42 [--replace]
//
// Unlike pgbench's rows, the data has realistic entropy, which is what backup compression ratios depend on:
// text from a vocabulary with Zipf-like word frequencies (compressible), uuids, hashes and thumbnails (mostly
// incompressible), skewed numbers, timestamps that grow with the ids, and jsonb of varying shapes.
// Rows are made server-side (generate_series + random() seeded by setseed) because streaming them from Node
// would be many times slower. Each table is filled by one session with its own seed, so the same
// --size-mb and --seed give the same rows whatever the parallelism.
import { parseArgs } from 'node:util';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// Rows per MB of database size (tables + indexes), calibrated on PostgreSQL 15 so that --size-mb lands within
// a few percent (50 -> 51 MB, 1000 -> 996 MB). Shares of the bytes: events ~40%, orders + items ~30%, attachments ~15%, customers ~10%, products ~3%.
const ROWS_PER_MB = { customers: 312, products: 31, orders: 500, events: 1040, attachments: 36 };
const EMPTY_DATABASE_MB = 8; // what pg_database_size reports before we add anything
// Fixed batch sizes (not derived from --size-mb): the random() stream, and so the data, must not depend on them.
const BATCH = { customers: 10_000, orders: 5_000, events: 20_000, attachments: 500, products: 5_000 };
const TABLES = ['attachments', 'events', 'order_items', 'orders', 'products', 'customers'];

// Timeline: the shop opened in 2018; the event log keeps the last two years. Fixed, not now(), for determinism.
const T_START = Date.UTC(2018, 0, 1) / 1000;
const T_END = Date.UTC(2025, 0, 1) / 1000;
const T_EVENTS = Date.UTC(2023, 0, 1) / 1000;

export async function generate({ url, sizeMb = 1000, seed = 42, jobs = 2, replace = false, log = console.log }) {
  if (!url) throw new Error('generate(): url is required');
  const started = Date.now();
  const say = (msg) => log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${msg}`);
  const dataMb = Math.max(1, sizeMb - EMPTY_DATABASE_MB);
  const n = Object.fromEntries(
    Object.entries(ROWS_PER_MB).map(([t, perMb]) => [t, Math.max(20, Math.round(perMb * dataMb))]),
  );
  say(
    `target ~${sizeMb} MB, seed ${seed}: ${Object.entries(n)
      .map(([t, c]) => `${c} ${t}`)
      .join(', ')}`,
  );

  await ensureDatabase(url, say);
  const admin = await connect(url, seed);
  try {
    const existing = await admin.query(
      `select relname from pg_class
      where relkind = 'r' and relnamespace = 'public'::regnamespace and relname = any($1)`,
      [TABLES],
    );
    if (existing.rowCount && !replace) {
      throw new Error(
        `tables already exist (${existing.rows.map((r) => r.relname).join(', ')}): pass --replace to drop them`,
      );
    }
    await admin.query(`drop table if exists ${TABLES.join(', ')} cascade; drop type if exists order_status`);
    await admin.query(SCHEMA);
  } finally {
    await admin.end();
  }

  // Load: each table is one task (one session, one seed). Biggest first so two workers finish together.
  const ctx = { n, seed };
  await runTasks(url, seed, jobs, [
    {
      name: 'orders',
      seedOffset: 2,
      run: (c) => loadBatches(c, say, 'orders + order_items', n.orders, BATCH.orders, ORDERS_SQL, ctx),
    },
    {
      name: 'events',
      seedOffset: 1,
      run: (c) => loadBatches(c, say, 'events', n.events, BATCH.events, EVENTS_SQL, ctx),
    },
    {
      name: 'attachments',
      seedOffset: 4,
      run: (c) => loadBatches(c, say, 'attachments', n.attachments, BATCH.attachments, ATTACHMENTS_SQL, ctx),
    },
    {
      name: 'customers',
      seedOffset: 3,
      run: (c) => loadBatches(c, say, 'customers', n.customers, BATCH.customers, CUSTOMERS_SQL, ctx),
    },
    {
      name: 'products',
      seedOffset: 5,
      run: (c) => loadBatches(c, say, 'products', n.products, BATCH.products, PRODUCTS_SQL, ctx),
    },
  ]);

  // Indexes after the load (as a restore does it: much faster than maintaining them row by row).
  say('building indexes');
  await runTasks(
    url,
    seed,
    jobs,
    Object.entries(INDEXES).map(([table, sql]) => ({
      name: table,
      seedOffset: 0,
      run: async (c) => {
        await c.query(sql);
        say(`  indexed ${table}`);
      },
    })),
  );
  say('adding foreign keys');
  await runTasks(url, seed, 1, [{ name: 'fks', seedOffset: 0, run: (c) => c.query(FOREIGN_KEYS) }]);
  // VACUUM sets hint bits and the visibility map now, so the first backup does not pay for it.
  say('vacuum analyze');
  await runTasks(
    url,
    seed,
    jobs,
    TABLES.map((t) => ({ name: t, seedOffset: 0, run: (c) => c.query(`vacuum (analyze) ${t}`) })),
  );

  const summary = await connect(url, seed);
  try {
    const tables = [];
    for (const name of TABLES) {
      const {
        rows: [t],
      } = await summary.query(`select (select count(*) from ${name}) as rows,
        pg_table_size('${name}') as table_bytes, pg_indexes_size('${name}') as index_bytes`);
      tables.push({ name, rows: Number(t.rows), tableBytes: Number(t.table_bytes), indexBytes: Number(t.index_bytes) });
    }
    tables.sort((a, b) => b.tableBytes + b.indexBytes - (a.tableBytes + a.indexBytes));
    const {
      rows: [db],
    } = await summary.query('select pg_database_size(current_database()) as bytes');
    const result = { databaseBytes: Number(db.bytes), seconds: (Date.now() - started) / 1000, tables };
    for (const t of result.tables) {
      say(
        `  ${t.name.padEnd(12)} ${String(t.rows).padStart(10)} rows  ${mb(t.tableBytes).padStart(8)} table  ${mb(t.indexBytes).padStart(8)} indexes`,
      );
    }
    say(`done: pg_database_size = ${mb(result.databaseBytes)} in ${result.seconds.toFixed(0)} s`);
    return result;
  } finally {
    await summary.end();
  }
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function connect(url, seed) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Session settings only: bulk-load friendly, and no parallel plans, whose workers would not share our seed.
  // jit off: compiling these big expressions took longer (over a second per batch) than running them.
  await client.query(`set statement_timeout = 0; set synchronous_commit = off; set jit = off;
    set max_parallel_workers_per_gather = 0; set maintenance_work_mem = '256MB'; set client_min_messages = warning`);
  await client.query(HELPERS(seed));
  return client;
}

/** Creates the target database when it does not exist, so `--url .../bench` just works. */
async function ensureDatabase(url, say) {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if (err.code !== '3D000') throw err;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    await admin.query(`create database "${name.replace(/"/g, '""')}"`);
    say(`created database ${name}`);
  } finally {
    await admin.end();
  }
}

/** Runs tasks on `jobs` sessions. Every task reseeds its session, so results do not depend on scheduling. */
async function runTasks(url, seed, jobs, tasks) {
  const queue = [...tasks];
  const worker = async () => {
    const client = await connect(url, seed);
    try {
      for (let task; (task = queue.shift()); ) {
        await client.query('select setseed($1)', [seedValue(seed, task.seedOffset)]);
        await task.run(client);
      }
    } catch (err) {
      queue.length = 0; // the other workers stop after their current task
      throw err;
    } finally {
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
}

/** setseed() wants a value in [-1, 1]; spread (seed, task) over it deterministically. */
function seedValue(seed, offset) {
  const x = Math.sin(seed * 12.9898 + offset * 78.233) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

async function loadBatches(client, say, label, total, batch, template, ctx) {
  // Run-wide constants are inlined ($3..$6): unused bind parameters would have no type and be an error.
  const constants = { 3: ctx.n.customers, 4: ctx.n.products, 5: total, 6: ctx.seed };
  const sql = template.replace(/\$([3-6])\b/g, (_, k) => String(constants[k]));
  let reported = 0;
  for (let from = 1; from <= total; from += batch) {
    const to = Math.min(total, from + batch - 1);
    await client.query(sql, [from, to]);
    const pct = Math.floor((to / total) * 100);
    if (pct >= reported + 10 || to === total) {
      reported = pct - (pct % 10);
      say(`  ${label}: ${pct}% (${to} rows)`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Vocabulary. The most common English words take the top ranks (as in real text); a long tail of made-up but
// pronounceable words follows, so the distinct-word count and word lengths look like natural language. Words are
// drawn with P(rank k) ~ 1/k: floor((N+1)^random()) is log-uniform over 1..N, which is exactly that.

const COMMON = `the of and to a in is it you that he was for on are with as I his they be at one have this from or
had by not word but what some we can out other were all there when up use your how said an each she which do their
time if will way about many then them write would like so these her long make thing see him two has look more day
could go come did number sound no most people my over know water than call first who may down side been now find
any new work part take get place made live where after back little only round man year came show every good me give
our under name very through just form sentence great think say help low line differ turn cause much mean before move
right boy old too same tell does set three want air well also play small end put home read hand port large spell add
even land here must big high such follow act why ask men change went light kind off need house picture try us again
animal point mother world near build self earth father order customer delivery product price please thanks issue
account payment shipping address refund package`.split(/\s+/);
// Sentence breaks: a few common words also appear with a period or comma, at mid ranks.
const PUNCTUATED = [
  'it.',
  'them.',
  'time.',
  'day.',
  'again.',
  'too.',
  'now.',
  'here.',
  'there.',
  'well,',
  'so,',
  'but,',
  'order.',
  'thanks.',
  'please,',
  'yes,',
  'home.',
  'week.',
  'soon.',
  'today.',
];

function buildVocabulary(size = 4000) {
  // A fixed generator (not --seed): the "language" is the same for every dataset.
  let s = 0x2545f491;
  const rnd = () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
  const onsets = [
    'b',
    'c',
    'd',
    'f',
    'g',
    'h',
    'k',
    'l',
    'm',
    'n',
    'p',
    'r',
    's',
    't',
    'v',
    'w',
    'br',
    'ch',
    'cl',
    'cr',
    'dr',
    'fl',
    'gr',
    'pl',
    'pr',
    'sh',
    'sl',
    'sp',
    'st',
    'str',
    'th',
    'tr',
    '',
  ];
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ea', 'ou', 'ai', 'io', 'y'];
  const codas = ['', '', '', 'n', 'r', 's', 't', 'l', 'nd', 'ng', 'st', 'ck', 'rt', 'm'];
  const words = [...COMMON];
  const seen = new Set(words);
  for (const [i, p] of PUNCTUATED.entries()) words.splice(60 + i * 9, 0, p);
  while (words.length < size) {
    const syllables = 1 + Math.floor(rnd() * rnd() * 4) + (rnd() < 0.6 ? 1 : 0);
    let w = '';
    for (let i = 0; i < syllables; i++) {
      w += onsets[Math.floor(rnd() * onsets.length)] + vowels[Math.floor(rnd() * vowels.length)];
      if (i === syllables - 1 || rnd() < 0.3) w += codas[Math.floor(rnd() * codas.length)];
    }
    if (w.length >= 3 && w.length < 60 && !seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

const FIRST_NAMES = `James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard
Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark
Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa
George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Kathleen Jacob Amy
Gary Angela Nicholas Shirley Eric Anna Jonathan Brenda Stephen Pamela Larry Emma Justin Nicole Scott Helen Brandon
Samantha Benjamin Katherine Samuel Christine Gregory Debra Alexander Rachel Frank Carolyn Patrick Janet Raymond
Catherine Jack Maria Dennis Heather Jerry Diane Tyler Ruth Aaron Julie Jose Olivia Adam Joyce Nathan Virginia Henry
Victoria Zachary Kelly Douglas Lauren Peter Christina Kyle Joan Noah Evelyn Ethan Judith Jeremy Megan Walter Andrea
Christian Cheryl Keith Hannah Roger Jacqueline Terry Martha Austin Gloria Sean Teresa Gerald Ann Carl Sara Harold
Madison Dylan Frances Arthur Kathryn Lawrence Janice Jordan Jean Jesse Abigail Bryan Alice Billy Judy Bruce Sophia
Gabriel Grace Joe Denise Logan Amber Alan Doris Juan Marilyn Albert Danielle Willie Beverly Elijah Isabella Wayne
Theresa Randy Diana Vincent Natalie Mason Brittany Roy Charlotte Ralph Marie Bobby Kayla Russell Alexis Bradley
Lori Philip Lucas Sofia Mateo Chen Wei Yuki Hiroshi Priya Arjun Fatima Omar Lars Ingrid Pierre Camille Hans Greta
Giulia Marco Sven Astrid Jan Zofia Diego Lucia`.split(/\s+/);
const LAST_NAMES = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis
Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell
Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales
Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson
Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long
Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher
Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes
Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez
McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson
Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd
Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan
Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Hansen Peters Santos Hart Bradley Knight Elliott
Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Ray Berry Perkins Hoffman Johnston Matthews Pena
Richards Willis Carpenter Lawrence Sandoval Mueller Schneider Fischer Weber Dubois Lefebvre Rossi Russo Yamamoto
Tanaka Sato Suzuki Wang Li Zhang Liu Singh Kumar Sharma Kowalski Nowak Novak Jansen Larsen Nielsen Andersson
Johansson Lindqvist Murphy OBrien Kelly Byrne`.split(/\s+/);
// City and its country share an index, so addresses stay consistent.
const CITIES = [
  ['New York', 'US'],
  ['London', 'GB'],
  ['Los Angeles', 'US'],
  ['Chicago', 'US'],
  ['Berlin', 'DE'],
  ['Toronto', 'CA'],
  ['Houston', 'US'],
  ['Paris', 'FR'],
  ['Sydney', 'AU'],
  ['Phoenix', 'US'],
  ['Manchester', 'GB'],
  ['Philadelphia', 'US'],
  ['Munich', 'DE'],
  ['San Antonio', 'US'],
  ['Amsterdam', 'NL'],
  ['San Diego', 'US'],
  ['Melbourne', 'AU'],
  ['Dallas', 'US'],
  ['Madrid', 'ES'],
  ['Vancouver', 'CA'],
  ['Austin', 'US'],
  ['Hamburg', 'DE'],
  ['Seattle', 'US'],
  ['Lyon', 'FR'],
  ['Denver', 'US'],
  ['Birmingham', 'GB'],
  ['Boston', 'US'],
  ['Milan', 'IT'],
  ['Portland', 'US'],
  ['Stockholm', 'SE'],
  ['Atlanta', 'US'],
  ['Dublin', 'IE'],
  ['Miami', 'US'],
  ['Warsaw', 'PL'],
  ['Minneapolis', 'US'],
  ['Barcelona', 'ES'],
  ['Montreal', 'CA'],
  ['Cologne', 'DE'],
  ['Tokyo', 'JP'],
  ['Sao Paulo', 'BR'],
  ['Bangalore', 'IN'],
  ['Leeds', 'GB'],
  ['Rotterdam', 'NL'],
  ['Rome', 'IT'],
  ['Nashville', 'US'],
  ['Brisbane', 'AU'],
  ['Calgary', 'CA'],
  ['Marseille', 'FR'],
  ['Copenhagen', 'DK'],
  ['Oslo', 'NO'],
  ['Zurich', 'CH'],
  ['Vienna', 'AT'],
  ['Prague', 'CZ'],
  ['Lisbon', 'PT'],
  ['Auckland', 'NZ'],
];
const DOMAINS = [
  'gmail.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'icloud.com',
  'aol.com',
  'proton.me',
  'gmx.de',
  'web.de',
  'orange.fr',
  'live.com',
  'me.com',
  'msn.com',
  'comcast.net',
  'btinternet.com',
  'acme.io',
  'example.org',
  'mail.ru',
  'qq.com',
  'fastmail.com',
];
const STREET_SUFFIXES = ['Street', 'Avenue', 'Road', 'Lane', 'Drive', 'Way', 'Court', 'Place', 'Boulevard', 'Terrace'];
const CATEGORIES = [
  'apparel',
  'home',
  'kitchen',
  'electronics',
  'books',
  'toys',
  'garden',
  'sports',
  'beauty',
  'grocery',
  'office',
  'pets',
  'automotive',
  'jewelry',
  'music',
  'outdoor',
  'health',
  'baby',
  'tools',
  'games',
];
const TAGS = [
  'new',
  'sale',
  'bestseller',
  'eco',
  'organic',
  'handmade',
  'limited',
  'gift',
  'premium',
  'bundle',
  'clearance',
  'vegan',
  'imported',
  'local',
  'refurbished',
  'exclusive',
  'seasonal',
  'kids',
  'wireless',
  'waterproof',
  'cotton',
  'leather',
  'steel',
  'bamboo',
  'recycled',
  'smart',
  'portable',
  'compact',
  'xl',
  'vintage',
];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'ShopApp/3.14.2 (iOS 17.4; iPhone15,2)',
  'ShopApp/3.14.1 (Android 14; SM-S911B)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
  'python-requests/2.31.0',
  'curl/8.4.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];
const CONTENT_TYPES = [
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['application/pdf', 'pdf'],
  ['image/webp', 'webp'],
  ['text/csv', 'csv'],
  ['image/gif', 'gif'],
];

/** A SQL array literal. name[] has fixed-width elements, so subscripting is O(1) (text[] would walk the array). */
const arr = (items, type = 'name') =>
  `'{${items.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(',')}}'::${type}[]`;

// Session helpers (pg_temp: nothing left behind). zipf(n) is in 1..n with P(k) ~ 1/k; uni(n) uniform in 1..n.
const HELPERS = (seed) => {
  const vocab = buildVocabulary();
  return `
create or replace function pg_temp.zipf(n int) returns int volatile language sql as
  $$ select least(n, floor(power(n + 1, random()))::int) $$;
create or replace function pg_temp.uni(n int) returns int volatile language sql as
  $$ select 1 + floor(random() * n)::int $$;
create or replace function pg_temp.words(n int) returns text volatile language sql as $f$
  select array_to_string(array(
    select (${arr(vocab)})[least(${vocab.length}, floor(power(${vocab.length + 1}, random()))::int)]::text
    from generate_series(1, n)), ' ') $f$;
-- Capitalises the first word. Kept apart from words(): a SQL function called from another one's FROM clause is
-- re-planned on every call, and re-parsing the 4000-word literal each time made customers ~10x slower.
create or replace function pg_temp.cap(s text) returns text immutable language sql as
  $$ select upper(left(s, 1)) || substr(s, 2) $$;
create or replace function pg_temp.sentence(n int) returns text volatile language sql as
  $$ select pg_temp.cap(pg_temp.words(n)) $$;
-- A standard normal variate (Box-Muller), for log-normal amounts.
create or replace function pg_temp.normal() returns float8 volatile language sql as
  $$ select sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) $$;
-- Unix seconds on the shop's growth curve: business grows, so late positions are denser (frac = i / total).
create or replace function pg_temp.ts(t0 float8, t1 float8, frac float8) returns timestamptz volatile language sql as
  $$ select to_timestamp(t0 + (t1 - t0) * sqrt(frac) + random() * 3600) $$;
-- A deterministic uniform [0, 1) from (id, k, --seed), for values tied to an entity (a product's price, a
-- session's customer) without a join or shared state. Expressions without FROM, so they are inlined.
create or replace function pg_temp.hash01(id bigint, k int) returns float8 immutable language sql as
  $$ select (hashint8extended(id, ${seed} * 31 + k) & 9007199254740991)::float8 / 9007199254740992 $$;
-- Order items and cart events repeat the product's price without a join, so tables can load in parallel.
create or replace function pg_temp.product_price(id bigint) returns numeric immutable language sql as $$
  select round((exp(3.0 + 1.1 * sqrt(-2 * ln(1 - pg_temp.hash01(id, 1))) * cos(2 * pi() * pg_temp.hash01(id, 2))))::numeric, 0)
         - (array[0.01, 0.01, 0.05, 0.51, 0.00])[1 + floor(pg_temp.hash01(id, 3) * 5)::int]
$$;`;
};

const SCHEMA = `
create type order_status as enum ('pending', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded', 'returned');
create table customers (
  id bigint generated by default as identity,
  email text not null,
  full_name text not null,
  phone text,
  street text,
  city text,
  postal_code text,
  country char(2) not null,
  notes text,
  marketing_opt_in boolean not null default false,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create table products (
  id bigint generated by default as identity,
  sku text not null,
  name text not null,
  category text not null,
  description text,
  price numeric(12,2) not null,
  tags text[] not null default '{}',
  stock integer not null,
  active boolean not null default true,
  created_at timestamptz not null
);
create table orders (
  id bigint generated by default as identity,
  customer_id bigint not null,
  status order_status not null,
  currency char(3) not null,
  subtotal numeric(12,2) not null,
  discount numeric(12,2) not null default 0,
  tax numeric(12,2) not null,
  shipping numeric(12,2) not null,
  total numeric(12,2) not null,
  coupon_code text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  shipped_at timestamptz
);
create table order_items (
  id bigint generated by default as identity,
  order_id bigint not null,
  product_id bigint not null,
  quantity integer not null,
  unit_price numeric(12,2) not null
);
create table events (
  id uuid not null,
  occurred_at timestamptz not null,
  customer_id bigint,
  session_id uuid not null,
  kind text not null,
  ip inet,
  user_agent text,
  payload jsonb not null
);
create table attachments (
  id bigint generated by default as identity,
  customer_id bigint,
  product_id bigint,
  file_name text not null,
  content_type text not null,
  byte_size integer not null,
  storage_key text not null,
  sha256 bytea not null,
  thumbnail bytea,
  created_at timestamptz not null
);`;

// In every batch: $1 first id, $2 last id (bind parameters); $3 customers, $4 products, $5 rows of this table,
// $6 seed (inlined by loadBatches).
// "offset 0" keeps each subquery a fence, so a volatile column is computed once per row, not once per use.

const CUSTOMERS_SQL = `
insert into customers (id, email, full_name, phone, street, city, postal_code, country, notes, marketing_opt_in, created_at, updated_at)
select id,
  lower(first) || (array['.', '', '_', '.'])[1 + id % 4] || lower(last) || id || '@' || (${arr(DOMAINS, 'text')})[pg_temp.zipf(${DOMAINS.length})],
  first || ' ' || last,
  case when random() < 0.7 then '+' || (array['1', '44', '49', '33', '61'])[pg_temp.zipf(5)] || ' ' || (200 + pg_temp.uni(799)) || ' ' || lpad(pg_temp.uni(9999999)::text, 7, '0') end,
  pg_temp.uni(9999) || ' ' || initcap(pg_temp.words(1 + (random() < 0.3)::int)) || ' ' || (${arr(STREET_SUFFIXES, 'text')})[pg_temp.zipf(${STREET_SUFFIXES.length})],
  (${arr(
    CITIES.map((c) => c[0]),
    'text',
  )})[city],
  lpad(pg_temp.uni(99999)::text, 5, '0'),
  (${arr(
    CITIES.map((c) => c[1]),
    'text',
  )})[city],
  case when random() < 0.35 then pg_temp.sentence(floor(power(300, random()))::int) end,
  random() < 0.4,
  created_at,
  created_at + case when random() < 0.6 then random() * interval '400 days' else interval '0' end
from (
  select id, (${arr(FIRST_NAMES)})[pg_temp.zipf(${FIRST_NAMES.length})]::text as first,
    (${arr(LAST_NAMES)})[pg_temp.zipf(${LAST_NAMES.length})]::text as last,
    pg_temp.zipf(${CITIES.length}) as city,
    pg_temp.ts(${T_START}, ${T_END}, id::float8 / $5) as created_at
  from generate_series($1::bigint, $2::bigint) id offset 0
) c`;

const PRODUCTS_SQL = `
insert into products (id, sku, name, category, description, price, tags, stock, active, created_at)
select id,
  upper(left(category, 3)) || '-' || lpad(to_hex(id * 7919 % 1048573), 5, '0') || '-' || id,
  initcap(pg_temp.words(2 + pg_temp.uni(3))),
  category,
  pg_temp.sentence(15 + floor(power(400, random()))::int),
  pg_temp.product_price(id),
  array(select (${arr(TAGS, 'text')})[pg_temp.zipf(${TAGS.length})] from generate_series(1, floor(random() * random() * 7)::int + (id * 0)::int)),
  case when random() < 0.1 then 0 else floor(power(2000, random()))::int end,
  random() < 0.93,
  pg_temp.ts(${T_START}, ${T_END}, id::float8 / $5)
from (select id, (${arr(CATEGORIES, 'text')})[pg_temp.zipf(${CATEGORIES.length})] as category
      from generate_series($1::bigint, $2::bigint) id offset 0) p`;

// Orders and their items in one statement: items first (1-n per order, popular products more often), then each
// order sums its items, so totals add up as in a real shop.
const ORDERS_SQL = `
with counts as (
  select o, 1 + floor(-ln(1 - random()) * 1.5)::int as n from generate_series($1::bigint, $2::bigint) o offset 0
), picks as (
  -- Scatter the popular product ids so "popular" is not "lowest id".
  select c.o, 1 + (pg_temp.zipf($4::int)::bigint * 7919) % $4 as product_id,
    case when random() < 0.8 then 1 else 2 + floor(-ln(1 - random()) * 2)::int end as quantity
  from counts c, generate_series(1, c.n) offset 0
), items as (
  insert into order_items (order_id, product_id, quantity, unit_price)
  select o, product_id, quantity, pg_temp.product_price(product_id) from picks
  returning order_id, quantity * unit_price as amount
), sums as (
  select order_id, sum(amount) as subtotal from items group by order_id order by order_id offset 0
), o1 as (
  select order_id as id, subtotal, order_id::float8 / $5 as frac,
    case when random() < 0.12 then (array['WELCOME10', 'SPRING', 'FREESHIP', 'VIP20', 'BLACKFRIDAY'])[pg_temp.zipf(5)]
      || case when random() < 0.3 then '-' || upper(substr(md5(random()::text), 1, 6)) else '' end end as coupon,
    (array['USD', 'EUR', 'GBP', 'CAD', 'AUD'])[pg_temp.zipf(5)] as currency,
    random() as r
  from sums offset 0
), o2 as (
  select *, pg_temp.ts(${T_START}, ${T_END}, frac) as created_at,
    -- Recent orders are still in flight; old ones are settled.
    (case when frac > 0.998 then (array['pending', 'processing', 'shipped', 'delivered'])[1 + floor(r * 4)::int]
          when r < 0.88 then 'delivered' when r < 0.94 then 'cancelled' when r < 0.98 then 'refunded'
          else 'returned' end)::order_status as status,
    case when coupon is null then 0 else round(subtotal * (0.05 + 0.05 * floor(random() * 4)::int), 2) end as discount,
    (array[0, 4.99, 9.99, 14.95, 0, 0])[pg_temp.zipf(6)] as shipping
  from o1 offset 0
)
insert into orders (id, customer_id, status, currency, subtotal, discount, tax, shipping, total, coupon_code, metadata, created_at, updated_at, shipped_at)
select id,
  -- Only customers who existed by then (both timelines grow alike); older customers buy more often.
  greatest(1, ceil($3 * frac * power(random(), 1.5)))::bigint,
  status, currency, subtotal, discount, tax, shipping, subtotal - discount + tax + shipping, coupon,
  jsonb_strip_nulls(jsonb_build_object(
    'channel', (array['web', 'ios', 'android', 'pos', 'api'])[pg_temp.zipf(5)],
    'client', jsonb_build_object('app_version', '3.' || pg_temp.zipf(40) || '.' || floor(random() * 10)::int, 'locale', (array['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES'])[pg_temp.zipf(5)]),
    'utm', case when random() < 0.35 then jsonb_build_object('source', (array['google', 'newsletter', 'facebook', 'instagram', 'partner', 'tiktok'])[pg_temp.zipf(6)],
      'medium', (array['cpc', 'email', 'social', 'referral'])[pg_temp.zipf(4)], 'campaign', lower(pg_temp.words(1)) || '_' || extract(year from created_at)) end,
    'shipping', case when status in ('shipped', 'delivered', 'returned') then jsonb_build_object(
      'method', (array['standard', 'express', 'pickup', 'next_day'])[pg_temp.zipf(4)],
      'carrier', (array['UPS', 'FedEx', 'DHL', 'USPS', 'Royal Mail', 'DPD'])[pg_temp.zipf(6)],
      'tracking', upper(substr(md5(random()::text), 1, 18))) end,
    'gift', case when random() < 0.04 then jsonb_build_object('message', pg_temp.sentence(3 + pg_temp.uni(20)), 'wrap', random() < 0.5) end,
    'experiments', case when random() < 0.2 then jsonb_build_object('checkout_v2', random() < 0.5, 'free_shipping_banner', random() < 0.3) end,
    'notes', case when random() < 0.03 then pg_temp.sentence(5 + pg_temp.uni(30)) end
  )),
  created_at,
  created_at + random() * interval '20 days',
  case when status in ('shipped', 'delivered', 'returned') then created_at + (1 + random() * 72) * interval '1 hour' end
from (select *, round((subtotal - discount) * (array[0, 0.0725, 0.19, 0.2, 0.08875])[pg_temp.zipf(5)], 2) as tax from o2 offset 0) f`;

// Events come in sessions of varying length; a session has one customer (or none), one IP and one user agent,
// all derived from the session number with hash01() so they repeat exactly as in a real log.
const EVENTS_SQL = `
insert into events (id, occurred_at, customer_id, session_id, kind, ip, user_agent, payload)
select md5(random()::text || i)::uuid, occurred_at,
  -- A quarter of the sessions are anonymous; early customers are the most active.
  case when pg_temp.hash01(s, 10) < 0.75 then greatest(1, ceil($3 * (0.7 + 0.3 * $1::float8 / $5) * power(pg_temp.hash01(s, 11), 1.3)))::bigint end,
  md5($6::text || '/' || s)::uuid,
  kind,
  case when pg_temp.hash01(s, 12) < 0.9 then '0.0.0.0'::inet + (16777216 + floor(pg_temp.hash01(s, 13) * 3690987520))::bigint
       else '2001:db8::'::inet + floor(pg_temp.hash01(s, 13) * 1e12)::bigint end,
  case when kind = 'api_call' then 'python-requests/2.31.0'
       else (${arr(USER_AGENTS, 'text')})[least(${USER_AGENTS.length}, floor(power(${USER_AGENTS.length + 1}, pg_temp.hash01(s, 14)))::int)] end,
  case kind
    when 'page_view' then jsonb_build_object('path', (array['/', '/products/', '/category/', '/cart', '/account', '/search'])[pg_temp.zipf(6)] || case when random() < 0.6 then pg_temp.uni($4)::text else '' end,
      'referrer', case when random() < 0.3 then (array['https://www.google.com/', 'https://www.facebook.com/', 'https://t.co/', 'android-app://com.google.android.gm/'])[pg_temp.zipf(4)] end,
      'duration_ms', floor(power(120000, random()))::int, 'viewport', jsonb_build_object('w', (array[1920, 390, 1440, 412, 1536, 768])[pg_temp.zipf(6)], 'h', (array[1080, 844, 900, 915, 864, 1024])[pg_temp.zipf(6)]))
    when 'search' then jsonb_build_object('query', pg_temp.words(1 + pg_temp.zipf(4)), 'results', floor(power(500, random()))::int,
      'filters', case when random() < 0.3 then jsonb_build_object('category', (${arr(CATEGORIES, 'text')})[pg_temp.zipf(${CATEGORIES.length})], 'max_price', pg_temp.uni(300)) end)
    when 'add_to_cart' then jsonb_build_object('product_id', p, 'quantity', pg_temp.zipf(5), 'price', pg_temp.product_price(p))
    when 'checkout' then jsonb_build_object('cart_items', pg_temp.zipf(8), 'total', round((exp(3.5 + pg_temp.normal()))::numeric, 2), 'payment', (array['card', 'paypal', 'apple_pay', 'klarna'])[pg_temp.zipf(4)])
    when 'login' then jsonb_build_object('method', (array['password', 'google', 'apple', 'magic_link'])[pg_temp.zipf(4)], 'mfa', random() < 0.2, 'success', random() < 0.93)
    when 'api_call' then jsonb_build_object('endpoint', (array['/v1/orders', '/v1/products', '/v1/inventory', '/v1/customers', '/v2/webhooks'])[pg_temp.zipf(5)],
      'method', (array['GET', 'POST', 'PUT', 'DELETE'])[pg_temp.zipf(4)], 'status', (array[200, 201, 204, 400, 404, 429, 500])[pg_temp.zipf(7)],
      'latency_ms', round((exp(3 + pg_temp.normal()))::numeric, 1), 'request_id', md5(random()::text)::uuid)
    when 'error' then jsonb_build_object('code', 'E' || (1000 + pg_temp.zipf(60)), 'message', pg_temp.sentence(5 + pg_temp.uni(12)),
      'request_id', md5(random()::text)::uuid,
      'stack', array_to_string(array(select '    at ' || (array['OrderService.create', 'CartController.update', 'PaymentGateway.charge', 'db.query', 'Router.handle', 'JSON.parse', 'InventoryClient.reserve', 'Module._compile'])[pg_temp.zipf(8)]
        || ' (/app/src/' || (array['orders', 'cart', 'payments', 'lib', 'http'])[pg_temp.zipf(5)] || '/index.js:' || pg_temp.uni(400) || ':' || pg_temp.uni(60) || ')'
        from generate_series(1, 3 + pg_temp.uni(12) + (i * 0)::int)), E'\\n'))
    else jsonb_build_object('source', 'web')
  end
from (
  select i, pg_temp.ts(${T_EVENTS}, ${T_END}, i::float8 / $5) as occurred_at,
    -- A new session starts at ~15% of the events (hash-based, so batches need no shared state).
    $1 + sum((pg_temp.hash01(i, 9) < 0.15)::int) over (order by i) as s,
    (array['page_view', 'api_call', 'search', 'add_to_cart', 'login', 'checkout', 'logout', 'error'])[pg_temp.zipf(8)] as kind,
    1 + (pg_temp.zipf($4::int)::bigint * 7919) % $4 as p
  from generate_series($1::bigint, $2::bigint) i offset 0
) e`;

// Thumbnails: a fixed per-type header, then 16-byte blocks that are either random (like JPEG entropy-coded data)
// or runs (like flat image areas), ~60/40: partly compressible. sha256 and the storage key are incompressible.
const ATTACHMENTS_SQL = `
insert into attachments (id, customer_id, product_id, file_name, content_type, byte_size, storage_key, sha256, thumbnail, created_at)
select id, customer_id, product_id, file_name, content_type, byte_size,
  'attachments/' || to_char(created_at, 'YYYY/MM/') || encode(sha256(thumbnail), 'hex'),
  sha256(thumbnail), thumbnail, created_at
from (
  select id, customer_id, product_id, created_at,
    lower(replace(pg_temp.words(1 + pg_temp.uni(3)), ' ', '_')) || '.' || (${arr(
      CONTENT_TYPES.map((c) => c[1]),
      'text',
    )})[t] as file_name,
    (${arr(
      CONTENT_TYPES.map((c) => c[0]),
      'text',
    )})[t] as content_type,
    20000 + floor(power(5000000, random()))::int as byte_size,
    decode(repeat(lpad(to_hex(t * 31), 2, '0') || 'd8ffe000104a46494600010101', 24) || array_to_string(array(
      select case when random() < 0.6 then md5(random()::text) else repeat(lpad(to_hex(floor(random() * 256)::int), 2, '0'), 16) end
      from generate_series(1, 60 + floor(power(1500, random()))::int + (id * 0)::int)), ''), 'hex') as thumbnail
  from (
    select id, pg_temp.zipf(${CONTENT_TYPES.length}) as t,
      case when random() < 0.7 then pg_temp.uni($3) end as customer_id,
      case when random() < 0.5 then pg_temp.uni($4) end as product_id,
      pg_temp.ts(${T_START}, ${T_END}, id::float8 / $5) as created_at
    from generate_series($1::bigint, $2::bigint) id offset 0
  ) a offset 0
) b offset 0`;

const INDEXES = {
  events: `alter table events add primary key (id);
    create index events_customer_id_occurred_at_idx on events (customer_id, occurred_at);
    create index events_occurred_at_idx on events (occurred_at);`,
  orders: `alter table orders add primary key (id);
    create index orders_customer_id_idx on orders (customer_id);
    create index orders_created_at_idx on orders (created_at);
    create index orders_open_idx on orders (status) where status in ('pending', 'processing');
    select setval(pg_get_serial_sequence('orders', 'id'), (select max(id) from orders));`,
  order_items: `alter table order_items add primary key (id);
    create index order_items_order_id_idx on order_items (order_id);
    create index order_items_product_id_idx on order_items (product_id);
    select setval(pg_get_serial_sequence('order_items', 'id'), (select max(id) from order_items));`,
  customers: `alter table customers add primary key (id);
    create unique index customers_email_key on customers (lower(email));
    create index customers_created_at_idx on customers (created_at);
    create index customers_country_city_idx on customers (country, city);
    select setval(pg_get_serial_sequence('customers', 'id'), (select max(id) from customers));`,
  attachments: `alter table attachments add primary key (id);
    create unique index attachments_sha256_key on attachments (sha256);
    create index attachments_customer_id_idx on attachments (customer_id);
    select setval(pg_get_serial_sequence('attachments', 'id'), (select max(id) from attachments));`,
  products: `alter table products add primary key (id);
    create unique index products_sku_key on products (sku);
    create index products_category_idx on products (category);
    create index products_tags_idx on products using gin (tags);
    select setval(pg_get_serial_sequence('products', 'id'), (select max(id) from products));`,
};

const FOREIGN_KEYS = `
alter table orders add foreign key (customer_id) references customers (id);
alter table order_items add foreign key (order_id) references orders (id) on delete cascade;
alter table order_items add foreign key (product_id) references products (id);
alter table events add foreign key (customer_id) references customers (id) on delete set null;
alter table attachments add foreign key (customer_id) references customers (id) on delete set null;
alter table attachments add foreign key (product_id) references products (id) on delete set null;`;

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.DATABASE_URL },
      'size-mb': { type: 'string', default: '1000' },
      seed: { type: 'string', default: '42' },
      jobs: { type: 'string', default: '2' },
      replace: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.url) {
    console.log(
      'usage: node bench/generate-data.mjs --url postgres://... [--size-mb 1000] [--seed 42] [--jobs 2] [--replace]\n' +
        '  --url defaults to $DATABASE_URL; the database is created if missing.\n' +
        "  --replace drops the generator's tables (customers, orders, ...) if they exist; without it they must not.",
    );
    process.exit(values.help ? 0 : 2);
  }
  await generate({
    url: values.url,
    sizeMb: Number(values['size-mb']),
    seed: Number(values.seed),
    jobs: Number(values.jobs),
    replace: values.replace,
  });
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`generate-data: ${err.message}`);
    process.exit(1);
  });
}
