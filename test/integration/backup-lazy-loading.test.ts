// Start-up of a backup (issue 17 target 6, bench/empty-backup-overhead.mjs): a PostgreSQL backup to a local folder
// loads neither the AWS SDK, nor the MongoDB driver, bson or its URL parser, nor libpg-query, nor yaml; and the
// action bundle's backup compiles no other action's operation. Each is loaded on use only; an eager import anywhere
// on the path fails here. Every
// module a run loads is recorded by a module.registerHooks load hook (--import), for the compiled CLI and for the
// action bundle as GitHub runs it, where the check is on the bundle files the run loaded.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { cleanEnv, runActionAsGitHub, spawnNode } from '../harness/github-action.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'packages', 'cli', 'lib', 'main.js');
const DIST = path.join(ROOT, 'actions', 'dist');
const DB = 'lazydb';

/** Packages a PostgreSQL backup to a local folder must not load, by their folder in node_modules. */
const NOT_LOADED = [
  '@aws-sdk',
  '@smithy',
  'mongodb',
  'bson',
  'mongodb-connection-string-url',
  'tr46',
  'libpg-query',
  'yaml',
];
/** The same packages inside the bundle: a text only their code has. */
const BUNDLE_MARKERS: Record<string, string> = {
  '@aws-sdk/client-s3': 'class S3Client ',
  mongodb: 'class MongoClient ',
  yaml: 'class YAMLParseError ',
  'mongodb-connection-string-url': 'class ConnectionString ',
  // Other actions' operations (definitions/load-definition.ts): each is a chunk of its own.
  'the monitor-report operation': 'function monitorReport(',
  'the migrate-deploy operation': 'function migrateDeploy(',
  'the retention-purge operation': 'function dataRetention(',
  'the maintenance operation': 'function maintenance(',
};

let pgServer: PostgresServer;
let work: string;
let hook: string;
let recipient: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-lazy-'));
  pgServer = await startPostgres();
  await pgServer.createDatabase(DB);
  await pgServer.query('create table public.items (id int primary key, name text)', [], DB);
  await pgServer.query("insert into public.items select g, 'item ' || g from generate_series(1, 10) g", [], DB);
  const keyFile = path.join(work, 'key.txt');
  await run('age-keygen', ['-o', keyFile]);
  recipient = (await run('age-keygen', ['-y', keyFile])).stdout.trim();
  hook = path.join(work, 'record-loads.mjs');
  await fs.writeFile(
    hook,
    `import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({
  load(url, context, next) {
    appendFileSync(process.env.LOADED_MODULES_LOG, url + '\\n');
    return next(url, context);
  },
});
`,
  );
}, 120_000);

afterAll(async () => {
  await pgServer?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

async function loadedBy(log: string): Promise<string[]> {
  return (await fs.readFile(log, 'utf8')).split('\n').filter(Boolean);
}

test('the CLI: a PostgreSQL backup to a local folder loads none of the drivers and parsers it does not use', async () => {
  const log = path.join(work, 'cli-loads.txt');
  const { code, stderr } = await spawnNode(
    CLI,
    ['backup', '--database-url', pgServer.url(DB), '--to', path.join(work, 'cli'), '--encrypt-to', recipient],
    work,
    { ...cleanEnv(), NODE_OPTIONS: `--import ${pathToFileURL(hook).href}`, LOADED_MODULES_LOG: log },
  );
  expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining('complete') });
  const loaded = await loadedBy(log);
  // The hook saw the run: the PostgreSQL driver and the backup operation were loaded.
  expect(loaded.some((url) => url.includes('/node_modules/pg/'))).toBe(true);
  expect(loaded.some((url) => url.endsWith('/operations/backup.js'))).toBe(true);
  const unwanted = loaded.filter((url) => NOT_LOADED.some((name) => url.includes(`/node_modules/${name}/`)));
  expect(unwanted).toEqual([]);
}, 60_000);

test('the action bundle as GitHub runs it: the bundle files that a local PostgreSQL backup loads hold none of them', async () => {
  // The markers name these packages' code in the bundle: each is in some file of actions/dist.
  const distFiles = readdirSync(DIST).filter((file) => file.endsWith('.js'));
  const texts = new Map(distFiles.map((file) => [file, readFileSync(path.join(DIST, file), 'utf8')]));
  for (const marker of Object.values(BUNDLE_MARKERS))
    expect([...texts.values()].some((text) => text.includes(marker))).toBe(true);

  const log = path.join(work, 'action-loads.txt');
  const result = await runActionAsGitHub(
    'backup',
    { 'database-url': pgServer.url(DB), to: path.join(work, 'action'), 'encrypt-to': recipient },
    { env: { NODE_OPTIONS: `--import ${pathToFileURL(hook).href}`, LOADED_MODULES_LOG: log } },
  );
  const annotations = result.commands.filter((line) => /^::(error|warning)/.test(line));
  expect({ code: result.code, annotations }).toEqual({ code: 0, annotations: [] });
  const loadedFiles = (await loadedBy(log))
    .filter((url) => url.startsWith(pathToFileURL(DIST).href))
    .map((url) => path.basename(fileURLToPath(url)));
  expect(loadedFiles).toContain('index.js');
  const found = loadedFiles.flatMap((file) =>
    Object.entries(BUNDLE_MARKERS)
      .filter(([, marker]) => texts.get(file)?.includes(marker))
      .map(([name]) => `${name} in ${file}`),
  );
  expect(found).toEqual([]);
}, 60_000);
