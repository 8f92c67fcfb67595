// A MongoDB backup of several databases (issue 15, the databases and exclude-databases inputs): one archive in
// mongodump's layout (each collection under its own database), which real `mongorestore --archive` restores whole;
// the manifest names each collection's database. Real FerretDB (test/harness/mongo.ts), the real backup operation.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { FULL_SCOPE, type DumpScope } from '../../packages/core/src/databases/engine.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { pgDumpArgs } from '../../packages/core/src/databases/postgres/dump.js';
import { DbopsError } from '../../packages/core/src/errors.js';
import { MemoryLogger } from '../../packages/core/src/log.js';
import { backup, type BackupOptions, type BackupResult } from '../../packages/core/src/operations/backup.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import { runCli } from '../harness/cli.js';
import {
  itUnless,
  lacking,
  mongoTool,
  mongoToolsMissing,
  oplogMissing,
  startMongo,
  type MongoServer,
} from '../harness/mongo.js';

const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown };
const Ajv2020 = require('ajv/dist/2020').default as new (options: object) => { compile(schema: object): Validator };
const addFormats = require('ajv-formats').default as (ajv: object) => void;

type Doc = { _id: unknown; [field: string]: unknown };

const PREFIX = `multi${randomBytes(3).toString('hex')}`;
const SHOP = `${PREFIX}_shop`;
const BILLING = `${PREFIX}_billing`;
const AUDIT = `${PREFIX}_audit`;
/** Each database's collections and their document counts. */
const FIXTURE: Record<string, Record<string, number>> = {
  [SHOP]: { users: 120, orders: 40 },
  [BILLING]: { invoices: 75, users: 3 },
  [AUDIT]: { log: 10 },
};

let mongo: MongoServer;
let work: string;

beforeAll(async () => {
  mongo = await startMongo();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-mongo-multi-'));
  for (const [database, collections] of Object.entries(FIXTURE)) {
    for (const [name, count] of Object.entries(collections)) {
      await mongo.client
        .db(database)
        .collection<Doc>(name)
        .insertMany(Array.from({ length: count }, (_, i) => ({ _id: i, of: `${database}.${name}`, n: i })));
    }
  }
  await mongo.client.db(SHOP).collection('users').createIndex({ n: 1 }, { name: 'n_1' });
}, 120_000);

afterAll(async () => {
  for (const database of Object.keys(FIXTURE)) {
    await mongo?.client
      .db(database)
      .dropDatabase()
      .catch(() => undefined);
  }
  await mongo?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

function options(scope: Partial<DumpScope>, extra: Partial<BackupOptions> = {}): BackupOptions {
  return {
    // The URL's database is where the connection starts; the scope says which databases the backup covers.
    target: parseMongoTarget(mongo.url(SHOP), 'database-url'),
    to: path.join(work, randomBytes(4).toString('hex')),
    name: 'multi',
    compression: 'zstd',
    compressionLevel: 3,
    recipients: [],
    scope: { ...FULL_SCOPE, ...scope },
    pgDumpArgs: [],
    exactCountMaxBytes: 1 << 30,
    env: process.env,
    secrets: new Secrets(),
    log: new MemoryLogger(),
    ...extra,
  };
}

async function failure(run: () => unknown): Promise<DbopsError> {
  const error = await Promise.resolve()
    .then(run)
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  expect(error).toBeInstanceOf(DbopsError);
  return error as DbopsError;
}

/** Each collection of a manifest as db.collection: documents. */
function collectionsOf(result: BackupResult): Record<string, number> {
  return Object.fromEntries(
    result.manifest.mongodb!.collections.map((c) => [`${c.database}.${c.name}`, c.documents] as const),
  );
}

/** The fixture's collections of these databases as db.collection: documents. */
function expected(...databases: string[]): Record<string, number> {
  return Object.fromEntries(
    databases.flatMap((db) => Object.entries(FIXTURE[db]!).map(([name, count]) => [`${db}.${name}`, count] as const)),
  );
}

function shell(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', script], { maxBuffer: 16 << 20 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(),
    );
  });
}

describe('a backup of two databases (databases: shop, billing)', () => {
  let result: BackupResult;
  let opts: BackupOptions;

  beforeAll(async () => {
    opts = options({ databases: [SHOP, BILLING] });
    result = await backup(opts);
  }, 120_000);

  test('the manifest names both databases and each collection with its database; the schema validates it', async () => {
    expect(result.manifest.mongodb!.databases).toEqual([BILLING, SHOP]);
    expect(result.manifest.mongodb!.consistency).toBe('per-collection');
    expect(collectionsOf(result)).toEqual(expected(SHOP, BILLING));
    // The same collection name in both databases stays two collections, each under its own database.
    const tables = result.manifest.tables.map((t) => `${t.schema}.${t.name}:${t.rows}`).sort();
    expect(tables).toEqual(
      Object.entries(expected(SHOP, BILLING))
        .map(([k, v]) => `${k}:${v}`)
        .sort(),
    );
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(await fs.readFile('docs/manifest.schema.json', 'utf8')));
    const stored = JSON.parse(
      await fs.readFile(path.join(opts.to!, 'multi', `${result.manifest.backupId}.manifest.json`), 'utf8'),
    );
    expect({ valid: validate(stored), errors: validate.errors }).toEqual({ valid: true, errors: null });
  });

  itUnless(mongoToolsMissing())(
    'real `mongorestore --archive` gives both databases back document for document',
    async () => {
      const file = path.join(opts.to!, result.manifest.object.key);
      const renamed = { [SHOP]: `${PREFIX}_shop_back`, [BILLING]: `${PREFIX}_billing_back` };
      // FerretDB rejects the 'ns' field mongorestore puts in every index (docs/mongodb.md): data only there.
      const noIndexes = lacking('mongorestoreIndexes') ? '--noIndexRestore' : '';
      const renames = Object.entries(renamed)
        .map(([from, to]) => `--nsFrom='${from}.*' --nsTo='${to}.*'`)
        .join(' ');
      try {
        await shell(
          `set -o pipefail; zstd -d -c '${file}' | '${mongoTool('mongorestore')!}' --quiet --uri='${mongo.url()}' ` +
            `--archive ${renames} ${noIndexes}`,
        );
        for (const [from, to] of Object.entries(renamed)) {
          for (const name of Object.keys(FIXTURE[from]!)) {
            const read = (db: string) =>
              mongo.client
                .db(db)
                .collection(name)
                .find({}, { raw: true })
                .sort({ _id: 1 })
                .toArray() as unknown as Promise<Buffer[]>;
            const [source, back] = await Promise.all([read(from), read(to)]);
            expect({ ns: `${from}.${name}`, count: back.length }).toEqual({
              ns: `${from}.${name}`,
              count: source.length,
            });
            expect({ ns: `${from}.${name}`, same: back.every((d, i) => d.equals(source[i]!)) }).toEqual({
              ns: `${from}.${name}`,
              same: true,
            });
          }
        }
        if (!noIndexes) {
          const names = (await mongo.client.db(renamed[SHOP]!).collection('users').indexes()).map((i) => i.name);
          expect(names.sort()).toEqual(['_id_', 'n_1']);
        }
      } finally {
        for (const db of Object.values(renamed)) await mongo.client.db(db).dropDatabase();
      }
    },
    120_000,
  );
});

describe('choosing databases', () => {
  test('a pattern and exclude-databases: every matching database but the excluded one', async () => {
    const result = await backup(options({ databases: [`${PREFIX}_*`], excludeDatabases: [BILLING] }));
    expect(result.manifest.mongodb!.databases).toEqual([AUDIT, SHOP]);
    expect(collectionsOf(result)).toEqual(expected(AUDIT, SHOP));
  }, 120_000);

  test('tables and exclude-tables match db.collection in a backup of several databases', async () => {
    const result = await backup(
      options({ databases: [SHOP, BILLING], tables: ['*.users', `${BILLING}.*`], excludeTables: [`${BILLING}.users`] }),
    );
    expect(collectionsOf(result)).toEqual({ [`${SHOP}.users`]: 120, [`${BILLING}.invoices`]: 75 });
  }, 120_000);
});

test('the CLI takes --databases and --exclude-databases (the action the same inputs)', async () => {
  const to = path.join(work, 'cli');
  const run = await runCli(
    ['backup', '--to', to, '--name', 'cli', '--databases', `${PREFIX}_*`, '--exclude-databases', AUDIT, '--json'],
    { DATABASE_URL: mongo.url(SHOP) },
  );
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
  const manifest = JSON.parse(run.stdout) as BackupResult['manifest'];
  expect(manifest.mongodb!.databases).toEqual([BILLING, SHOP]);
}, 120_000);

describe('bad input', () => {
  test('a databases pattern that matches no database is refused, naming the input and the databases found', async () => {
    const error = await failure(() => backup(options({ databases: [SHOP, `${PREFIX}_biling`] })));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'databases' });
    expect(error.message).toContain(`${PREFIX}_biling, which matches no database`);
    expect(error.message).toContain(BILLING);
    expect(error.hint).toContain('* any run of characters');
  });

  test.each(['admin', 'local', 'config'])('databases naming %s is refused', async (name) => {
    const error = await failure(() => backup(options({ databases: [SHOP, name] })));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'databases' });
    expect(error.message).toContain(`names ${name}, a database of the server itself`);
  });

  test('exclude-databases that leaves nothing is refused, naming it', async () => {
    const error = await failure(() => backup(options({ databases: [SHOP], excludeDatabases: [`${PREFIX}_*`] })));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'exclude-databases' });
    expect(error.message).toContain('leaves no database to back up');
  });

  itUnless(
    process.env.MONGO_URL !== undefined && !oplogMissing()
      ? 'MONGO_URL names a replica set: it has an oplog'
      : undefined,
  )(
    'consistency point-in-time with databases needs an oplog, as with one database (FerretDB here has none)',
    async () => {
      // A point-in-time backup of several databases is made where the oplog can be read (mongo-oplog-multi-database.test.ts).
      const error = await failure(() =>
        backup(options({ databases: [SHOP, BILLING] }, { consistency: 'point-in-time' })),
      );
      expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'consistency' });
      expect(error.message).toContain('cannot give one: the server is not a replica set member');
      expect(error.hint).toContain('point-in-time needs a replica set member whose oplog');
    },
  );

  test('databases on a PostgreSQL backup is refused: pg_dump dumps one database', async () => {
    const error = await failure(() =>
      pgDumpArgs({ scope: { ...FULL_SCOPE, databases: ['app'] }, extraArgs: [] } as unknown as Parameters<
        typeof pgDumpArgs
      >[0]),
    );
    expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'databases' });
  });
});
