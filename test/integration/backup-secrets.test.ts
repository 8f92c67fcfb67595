// Secrets in a backup run (docs/architecture.md invariant 5), end to end through the two real adapters: the compiled CLI
// (packages/cli/lib/main.js) and the action bundle run as GitHub runs it (actions/backup/main.mjs over actions/dist, inputs in
// INPUT_* variables, outputs and summary in files). The harness's superuser password is `p@ss:w/rd%<hex>`: every
// URL-special character, so a URL only works when it is percent-encoded and decoded correctly.
// Also: SIGTERM (a cancelled workflow) in the middle of an upload.
import { ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BackupManifest } from '../../packages/core/src/index.js';
import { cleanEnv, parseOutputFile, spawnNode as runNode } from '../harness/github-action.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startS3Server, type S3Server, s3Client } from '../harness/s3.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'packages', 'cli', 'lib', 'main.js');
const ACTION = path.join(ROOT, 'actions', 'backup', 'main.mjs');
const DB = 'secretdb';
const BIG_DB = 'bigdb';
const BUCKET = 'dbops-secrets';

let pgServer: PostgresServer;
let s3: S3Server;
let s3client: S3Client;
let work: string;
let fakeBin: string;
let argvLog: string;
let recipient: string;
/** The S3 secret key: s3rver accepts any secret with its access key id, so a random one proves masking too. */
const s3Secret = `s3-secret/${randomBytes(12).toString('base64')}`;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-secrets-'));
  const building = existsSync(ACTION) ? Promise.resolve() : build();
  [pgServer, s3] = await Promise.all([startPostgres(), startS3Server()]);
  expect(pgServer.password).toMatch(/^p@ss:w\/rd%/);
  await s3.createBucket(BUCKET);
  s3client = s3Client(s3, { maxAttempts: 1 });
  const keyFile = path.join(work, 'key.txt');
  await run('age-keygen', ['-o', keyFile]);
  recipient = (await run('age-keygen', ['-y', keyFile])).stdout.trim();

  // pg-bin-dir of wrappers that log every argument they get, one line per call, then run the real tool.
  const realBin = existsSync(path.join(pgServer.binDir, 'pg_dump'))
    ? pgServer.binDir
    : path.dirname((await run('bash', ['-c', 'command -v pg_dump'])).stdout.trim());
  fakeBin = path.join(work, 'bin');
  argvLog = path.join(work, 'argv.log');
  await fs.mkdir(fakeBin);
  for (const tool of ['pg_dump', 'pg_restore', 'psql']) {
    await fs.writeFile(
      path.join(fakeBin, tool),
      `#!/bin/sh\n{ printf '%s' '${tool}'; for a in "$@"; do printf ' [%s]' "$a"; done; printf '\\n'; } >> '${argvLog}'\nexec '${realBin}/${tool}' "$@"\n`,
      { mode: 0o755 },
    );
  }

  await pgServer.createDatabase(DB);
  await pgServer.query(
    `create table public.users (id int primary key, name text, password_hint text);
     insert into public.users select g, 'user ' || g, 'not the password' from generate_series(1, 200) g;
     create table public.sessions (id int, token text);
     insert into public.sessions select g, md5(g::text) from generate_series(1, 500) g;`,
    [],
    DB,
  );
  await pgServer.createDatabase(BIG_DB);
  // ~150 MB of hex text (~75 MB after zstd, several 16 MiB parts): an upload that lasts long enough to interrupt.
  await pgServer.query(
    `create table public.blobs (id int, a text, b text, c text, d text);
     insert into public.blobs select g, md5(g::text), md5((g * 2)::text), md5((g * 3)::text), md5((g * 5)::text)
       from generate_series(1, 1000000) g;`,
    [],
    BIG_DB,
  );
  await building;
}, 300_000);

afterAll(async () => {
  s3client?.destroy();
  await Promise.all([pgServer?.stop(), s3?.stop()]);
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** The forms of the password that must never show: as typed, percent-encoded (as in the URL), base64. */
function passwordForms(): string[] {
  return [pgServer.password, encodeURIComponent(pgServer.password), Buffer.from(pgServer.password).toString('base64')];
}

function expectNoSecret(where: string, text: string, secrets = [...passwordForms(), s3Secret]): void {
  for (const secret of secrets) {
    if (text.includes(secret))
      throw new Error(
        `${where} contains a secret (${secret === s3Secret ? 'the S3 secret key' : 'a form of the password'}):\n${text}`,
      );
  }
}

// ---------------------------------------------------------------------------------------------------------

describe('a password with special characters', () => {
  test('the CLI (DATABASE_URL in the environment): the backup works and the password shows nowhere, not even in child argv', async () => {
    await fs.rm(argvLog, { force: true });
    const to = path.join(work, 'cli-backups');
    const result = await spawnNode(CLI, ['backup', '--to', to, '--encrypt-to', recipient, '--pg-bin-dir', fakeBin], {
      DATABASE_URL: pgServer.url(DB),
    });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(pgServer.url(DB)).toContain(encodeURIComponent(pgServer.password)); // the URL really carried the encoded form

    const files = await fs.readdir(path.join(to, DB));
    const manifestFile = files.find((f) => f.endsWith('.manifest.json'))!;
    expect(files).toEqual([manifestFile.replace('.manifest.json', '.dump.zst.age'), manifestFile].sort());
    const manifest = JSON.parse(await fs.readFile(path.join(to, DB, manifestFile), 'utf8')) as BackupManifest;
    expect(Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]))).toEqual({ sessions: 500, users: 200 });
    expect(result.stdout).toContain(manifest.backupId);

    expectNoSecret('CLI stdout', result.stdout);
    expectNoSecret('CLI stderr', result.stderr);
    expectNoSecret('the manifest', await fs.readFile(path.join(to, DB, manifestFile), 'utf8'));
    await expectCleanArgv(['pg_dump', 'pg_restore']);
  });

  test('the CLI with --json: the JSON result carries no secret either', async () => {
    const to = path.join(work, 'cli-json');
    const result = await spawnNode(CLI, ['backup', '--to', to, '--compression', 'gzip', '--json'], {
      DATABASE_URL: pgServer.url(DB),
    });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as BackupManifest;
    expect(json.database).toBe(DB);
    expectNoSecret('CLI --json stdout', result.stdout);
    expectNoSecret('CLI --json stderr', result.stderr);
  });

  test('a failing CLI run (the database does not exist): the error names the problem, not the password', async () => {
    const to = path.join(work, 'cli-fail');
    const result = await spawnNode(CLI, ['backup', '--to', to], { DATABASE_URL: pgServer.url('no_such_db') });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error \[CONNECTION_FAILED\].*no_such_db/);
    expectNoSecret('CLI stderr of a failed run', result.stderr);
    expectNoSecret('CLI stdout of a failed run', result.stdout);
  });

  test('the action bundle as GitHub runs it, to S3: outputs and summary files, secrets only inside ::add-mask::', async () => {
    await fs.rm(argvLog, { force: true });
    const outputFile = path.join(work, 'github-output');
    const summaryFile = path.join(work, 'step-summary.md');
    const runnerTemp = path.join(work, 'runner-temp');
    await Promise.all([fs.writeFile(outputFile, ''), fs.writeFile(summaryFile, ''), fs.mkdir(runnerTemp)]);
    const result = await spawnNode(ACTION, [], {
      'INPUT_DATABASE-URL': pgServer.url(DB),
      INPUT_TO: `s3://${BUCKET}/action`,
      'INPUT_ENCRYPT-TO': recipient,
      'INPUT_PG-BIN-DIR': fakeBin,
      'INPUT_S3-ENDPOINT': s3.endpoint,
      'INPUT_S3-ACCESS-KEY-ID': s3.accessKeyId,
      'INPUT_S3-SECRET-ACCESS-KEY': s3Secret,
      // Unset inputs arrive as empty strings on GitHub.
      INPUT_COMPRESSION: '',
      'INPUT_COMPRESSION-LEVEL': '',
      INPUT_NAME: '',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: runnerTemp,
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '4242',
      GITHUB_SERVER_URL: 'https://github.com',
    });
    expect({ code: result.code, errors: result.stdout.split('\n').filter((l) => l.startsWith('::error')) }).toEqual({
      code: 0,
      errors: [],
    });

    const outputs = parseOutputFile(await fs.readFile(outputFile, 'utf8'));
    expect(Object.keys(outputs).sort()).toEqual([
      'backup-id',
      'duration-seconds',
      'location',
      'manifest',
      'sha256',
      'size',
    ]);
    expect(outputs['backup-id']).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(outputs.location).toBe(`s3://${BUCKET}/action/${DB}/${outputs['backup-id']}.dump.zst.age`);
    expect(outputs.manifest).toBe(`s3://${BUCKET}/action/${DB}/${outputs['backup-id']}.manifest.json`);
    expect(outputs.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(outputs.size)).toBeGreaterThan(0);
    expect(Number(outputs['duration-seconds'])).toBeGreaterThanOrEqual(0);

    const summary = await fs.readFile(summaryFile, 'utf8');
    expect(summary).toContain(`Backup of \`${DB}\` complete`);
    expect(summary).toMatch(/\|---\|---\|/);
    for (const row of [
      'Database',
      'Backup id',
      'Stored at',
      'Size',
      'Encryption',
      'Duration',
      'Verification',
      'SHA-256',
    ])
      expect(summary).toContain(`| ${row} |`);
    expect(summary).toContain(outputs.sha256!);

    const manifestText = await getText(`action/${DB}/${outputs['backup-id']}.manifest.json`);
    const manifest = JSON.parse(manifestText) as BackupManifest;
    expect(manifest.object.sha256).toBe(outputs.sha256);
    expect(manifest.github).toMatchObject({
      repository: 'acme/shop',
      runId: '4242',
      runUrl: 'https://github.com/acme/shop/actions/runs/4242',
    });

    // GitHub masks what the action registers: the password, its encoded form and the S3 secret must be registered...
    // Workflow commands escape their data (% → %25, CR → %0D, LF → %0A); the runner unescapes before masking.
    const masked = result.stdout
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::'))
      .map((l) => l.slice('::add-mask::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
    for (const secret of [pgServer.password, encodeURIComponent(pgServer.password), s3Secret])
      expect(masked).toContain(secret);
    // ...and nothing the action itself prints may carry them.
    const printed = result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(printed).toContain(outputs['backup-id']!); // the log really said something about the backup
    expectNoSecret('the action stdout (outside ::add-mask::)', printed);
    expectNoSecret('the action stderr', result.stderr);
    expectNoSecret('the outputs file', await fs.readFile(outputFile, 'utf8'));
    expectNoSecret('the step summary', summary);
    expectNoSecret('the manifest', manifestText);
    await expectCleanArgv(['pg_dump', 'pg_restore']);
  });

  test('a failing action run (wrong S3 key id): an error annotation without any secret, exit code 1', async () => {
    const outputFile = path.join(work, 'github-output-fail');
    const summaryFile = path.join(work, 'step-summary-fail.md');
    await Promise.all([fs.writeFile(outputFile, ''), fs.writeFile(summaryFile, '')]);
    const result = await spawnNode(ACTION, [], {
      'INPUT_DATABASE-URL': pgServer.url(DB),
      INPUT_TO: `s3://${BUCKET}/action-fail`,
      'INPUT_S3-ENDPOINT': s3.endpoint,
      'INPUT_S3-ACCESS-KEY-ID': 'UNKNOWN-KEY-ID',
      'INPUT_S3-SECRET-ACCESS-KEY': s3Secret,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: work,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error title=dbops STORAGE_ACCESS_DENIED.*::/m);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('::error'))).toHaveLength(1); // one annotation per failure
    const printed = result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expectNoSecret('the failed action stdout', printed);
    expectNoSecret('the failed action stderr', result.stderr);
    expect(await fs.readFile(outputFile, 'utf8')).toBe('');
    expect(await objectsIn('action-fail')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('a cancelled run, mid-upload to S3', () => {
  test('the CLI gets SIGTERM: non-zero exit, a cancel message, no manifest, no object, no upload, no pg_dump', async () => {
    const prefix = 'sigterm';
    const result = await interruptMidUpload(
      [CLI, 'backup', '--to', `s3://${BUCKET}/${prefix}`, '--s3-endpoint', s3.endpoint, '--encrypt-to', recipient],
      { DATABASE_URL: pgServer.url(BIG_DB), AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3Secret },
      prefix,
      'SIGTERM',
    );
    expect(result.stderr).toMatch(/cancel/i);
    expect(result.stderr).toMatch(/error \[CANCELLED\]/);
    expect(result.code).toBe(143); // 128 + SIGTERM, as a shell reports a run a signal ended
  });

  test('the action bundle gets SIGINT (what the runner sends first): exit 1, a CANCELLED error annotation, nothing left', async () => {
    const prefix = 'sigint-action';
    const outputFile = path.join(work, 'github-output-cancel');
    const summaryFile = path.join(work, 'step-summary-cancel.md');
    await Promise.all([fs.writeFile(outputFile, ''), fs.writeFile(summaryFile, '')]);
    const result = await interruptMidUpload(
      [ACTION],
      {
        'INPUT_DATABASE-URL': pgServer.url(BIG_DB),
        INPUT_TO: `s3://${BUCKET}/${prefix}`,
        'INPUT_S3-ENDPOINT': s3.endpoint,
        'INPUT_S3-ACCESS-KEY-ID': s3.accessKeyId,
        'INPUT_S3-SECRET-ACCESS-KEY': s3Secret,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        RUNNER_TEMP: work,
      },
      prefix,
      'SIGINT',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error title=dbops CANCELLED.*::/m);
    expect(await fs.readFile(outputFile, 'utf8')).toBe('');
  });
});

/**
 * Starts node with args, sends `signal` as soon as a multipart upload exists under prefix, and checks what every
 * cancelled run must leave: an exit of its own (not death by the signal) with a non-zero code, no object, no
 * multipart upload, no pg_dump, and no secret in its output.
 */
async function interruptMidUpload(args: string[], env: Record<string, string>, prefix: string, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, args, {
    cwd: work,
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, sig) => resolve({ code, signal: sig })),
  );

  let sentDuringUpload = false;
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    const uploads = await uploadsIn(prefix).catch(() => []);
    if (uploads.length > 0) {
      child.kill(signal);
      sentDuringUpload = true;
      break;
    }
    await sleep(50);
  }
  const exit = await exited;
  expect(sentDuringUpload).toBe(true); // the signal really arrived mid-upload (else the run finished first)
  // It exited by itself, after cleaning up, rather than being killed by the signal.
  expect(exit.signal).toBeNull();
  expect(exit.code).not.toBe(0);
  const printed = stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  expectNoSecret('stdout of the cancelled run', printed);
  expectNoSecret('stderr of the cancelled run', stderr);
  expect(await objectsIn(prefix)).toEqual([]);
  expect(await uploadsIn(prefix)).toEqual([]);
  expect(await dumpsLeft(child.pid!)).toEqual([]);
  return { code: exit.code, stdout, stderr };
}

// ---------------------------------------------------------------------------------------------------------

/** The CLI or an action in the test's folder, with only what the test sets in its environment. */
function spawnNode(script: string, args: string[], env: Record<string, string>) {
  return runNode(script, args, work, { ...cleanEnv(), ...env });
}

/** The argv log of the wrappers: each tool in `used` was run (so the wrappers were in the path), and no line holds a secret. */
async function expectCleanArgv(used: string[]): Promise<void> {
  const log = await fs.readFile(argvLog, 'utf8');
  for (const tool of used) expect(log).toMatch(new RegExp(`^${tool} `, 'm'));
  expect(log).toMatch(/^pg_dump \[--format=custom\]/m);
  expectNoSecret('the argv of a child process', log);
}

/** GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks (and possibly `name=value` lines). */

async function build(): Promise<void> {
  await run('npm', ['run', 'build', '--silent'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  if (!existsSync(ACTION)) throw new Error(`npm run build did not produce ${ACTION}`);
}

async function getText(key: string): Promise<string> {
  const response = await fetch(`${s3.endpoint}/${BUCKET}/${key}`);
  if (!response.ok) throw new Error(`GET ${key}: ${response.status}`);
  return response.text();
}

async function objectsIn(prefix: string): Promise<string[]> {
  const { Contents = [] } = await s3client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return Contents.map((o) => o.Key ?? '');
}

async function uploadsIn(prefix: string): Promise<string[]> {
  const { Uploads = [] } = await s3client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }));
  return Uploads.map((u) => u.Key ?? '');
}

/** pg_dump processes pointed at this test's server (PGPORT in their environment), or left as children of the CLI. */
async function dumpsLeft(cliPid: number): Promise<string[]> {
  const find = () => {
    const found: string[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (state === 'Z') continue;
        const environ = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
        if (comm === 'pg_dump' && environ.includes(`PGPORT=${pgServer.port}`)) found.push(`pg_dump ${entry}`);
        if (Number(ppid) === cliPid) found.push(`${comm} ${entry} (child of the CLI)`);
      } catch {
        // exited while we looked
      }
    }
    return found;
  };
  const deadline = Date.now() + 10_000;
  let left = find();
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = find();
  }
  return left;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
