// A huge collection (issue 15, "memory stays flat"): the dump streams each collection document by document, only as
// fast as storage takes the archive, so dbops's memory does not grow with the collection. The compiled CLI backs up
// a 16 MiB and a 160 MiB collection of incompressible documents, each in its own node process, whose peak RSS
// (getrusage, written by a module preloaded with --import) is compared: 144 MiB more data may not cost 40 MiB more.
// Memory, not time: nothing here depends on the machine's speed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BSON } from 'mongodb';
import { cleanEnv } from '../harness/github-action.js';
import { startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'packages', 'cli', 'lib', 'main.js');
const DOCUMENT_BYTES = 64 << 10;
const MIB = 1 << 20;

let mongo: MongoServer;
let work: string;

beforeAll(async () => {
  mongo = await startMongo();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-mongo-memory-'));
  await fs.writeFile(
    path.join(work, 'peak-rss.mjs'),
    "import { writeFileSync } from 'node:fs';\n" +
      "process.once('exit', () => writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
  );
}, 120_000);

afterAll(async () => {
  await mongo?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** A database with one collection of `mib` MiB of 64 KiB incompressible documents. */
async function fill(mib: number): Promise<string> {
  const name = uniqueDatabase(`huge${mib}`);
  const collection = mongo.client.db(name).collection<{ _id: number; data: BSON.Binary }>('blobs');
  const total = (mib * MIB) / DOCUMENT_BYTES;
  for (let i = 0; i < total; i += 128) {
    const count = Math.min(128, total - i);
    await collection.insertMany(
      Array.from({ length: count }, (_, j) => ({ _id: i + j, data: new BSON.Binary(randomBytes(DOCUMENT_BYTES)) })),
    );
  }
  return name;
}

/** Runs `dbops backup` of `database` in a child process; its peak RSS in KiB, and the manifest it printed. */
async function backupPeakRss(database: string): Promise<{ peakKb: number; documents: number }> {
  const rssFile = path.join(work, `${database}.rss`);
  const to = path.join(work, database);
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(
        process.execPath,
        [CLI, 'backup', '--database-url', mongo.url(database), '--to', to, '--json'],
        {
          env: {
            ...cleanEnv(),
            NODE_OPTIONS: `--import=${path.join(work, 'peak-rss.mjs')}`,
            PEAK_RSS_FILE: rssFile,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
    },
  );
  expect({ code, stderr: code === 0 ? '' : stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
  const manifest = JSON.parse(stdout) as { tables: Array<{ name: string; rows: number }> };
  await fs.rm(to, { recursive: true, force: true });
  return { peakKb: Number(await fs.readFile(rssFile, 'utf8')), documents: manifest.tables[0]!.rows };
}

test('a collection ten times larger does not make the backup use more memory: the dump streams', async () => {
  const small = await fill(16);
  const large = await fill(160);
  const before = await backupPeakRss(small);
  const after = await backupPeakRss(large);
  // The backups were whole: every document is in the archive.
  expect([before.documents, after.documents]).toEqual([(16 * MIB) / DOCUMENT_BYTES, (160 * MIB) / DOCUMENT_BYTES]);
  const smallMib = Math.round(before.peakKb / 1024);
  const largeMib = Math.round(after.peakKb / 1024);
  // The figures show in the failure message: peak RSS in MiB for each backup, and whether the growth stayed small.
  expect({ small: smallMib, large: largeMib, flat: largeMib - smallMib < 40 }).toEqual({
    small: smallMib,
    large: largeMib,
    flat: true,
  });
}, 900_000);
