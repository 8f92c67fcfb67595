// The fan-out that copies pg_dump's archive to zstd and the pg_restore readers (packages/core/src/pipeline/fan-out.ts),
// with real processes on both sides: every consumer gets every byte, a consumer that stops early is dropped
// without stopping the others, and the end of the producer's output reaches every consumer.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DbopsError } from '../../packages/core/src/errors.js';
import { startFanOut } from '../../packages/core/src/pipeline/fan-out.js';

const MiB = 1024 * 1024;
let work: string;
/** Where the FIFOs the pipes are made from are created, to see that none remain. */
let tmp: string;
let input: string;
let data: Buffer;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-fan-out-'));
  tmp = path.join(work, 'tmp');
  await fs.mkdir(tmp);
  data = randomBytes(24 * MiB + 12345); // not a multiple of the 64 KiB copy buffer
  input = path.join(work, 'input.bin');
  await fs.writeFile(input, data);
});
afterAll(() => fs.rm(work, { recursive: true, force: true }));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Runs a command with its stdin (and optionally stdout) on given file descriptors; resolves with exit and stdout. */
function run(command: string, args: string[], stdin: number | 'ignore', stdout: number | 'pipe' = 'pipe') {
  const child = spawn(command, args, { stdio: [stdin, stdout, 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stdout: text }));
  });
  return { child, exited };
}

const digestOf = (output: string) => output.split(' ')[0];

test('every consumer gets every byte, and the count is exact', async () => {
  const fanOut = await startFanOut(3, tmp);
  const consumers = fanOut.outputs.map((fd) => run('sha256sum', [], fd));
  const producer = run('cat', [input], 'ignore', fanOut.input);
  fanOut.handedOver();
  expect(await fanOut.bytes).toBe(data.length);
  expect((await producer.exited).code).toBe(0);
  for (const consumer of consumers) {
    const exit = await consumer.exited;
    expect(exit.code).toBe(0);
    expect(digestOf(exit.stdout)).toBe(sha256(data));
  }
  expect(await fs.readdir(tmp)).toEqual([]);
});

test('a consumer that stops reading early is dropped; the others still get everything', async () => {
  const fanOut = await startFanOut(2);
  const [early, full] = fanOut.outputs as [number, number];
  const head = run('head', ['-c', '1000'], early);
  const whole = run('sha256sum', [], full);
  const producer = run('cat', [input], 'ignore', fanOut.input);
  fanOut.handedOver();
  expect(await fanOut.bytes).toBe(data.length);
  expect((await producer.exited).code).toBe(0);
  expect((await head.exited).code).toBe(0);
  expect(digestOf((await whole.exited).stdout)).toBe(sha256(data));
});

test('a consumer killed mid-stream does not stop the others, and its own exit tells of it', async () => {
  const fanOut = await startFanOut(2);
  const [doomed, full] = fanOut.outputs as [number, number];
  // `sleep` never reads: the pipe fills, the copy waits, and the kill is what lets it go on.
  const stuck = run('sleep', ['60'], doomed);
  const whole = run('sha256sum', [], full);
  const producer = run('cat', [input], 'ignore', fanOut.input);
  fanOut.handedOver();
  setTimeout(() => stuck.child.kill('SIGKILL'), 300);
  expect(await fanOut.bytes).toBe(data.length);
  expect((await stuck.exited).signal).toBe('SIGKILL');
  expect(digestOf((await whole.exited).stdout)).toBe(sha256(data));
  expect((await producer.exited).code).toBe(0);
});

test('a producer that dies half way ends every consumer with what it wrote', async () => {
  const fanOut = await startFanOut(2);
  const consumers = fanOut.outputs.map((fd) => run('wc', ['-c'], fd));
  // Writes 5 MiB, then is killed before writing more.
  const producer = run('sh', ['-c', `head -c ${5 * MiB} "$0"; kill -9 $$`, input], 'ignore', fanOut.input);
  fanOut.handedOver();
  expect(await fanOut.bytes).toBe(5 * MiB);
  for (const consumer of consumers) expect(Number((await consumer.exited).stdout.trim())).toBe(5 * MiB);
  expect((await producer.exited).signal).toBe('SIGKILL');
});

test('an unusable temp directory fails with DUMP_FAILED naming the directory and the fix', async () => {
  const missing = path.join(work, 'missing', 'dir');
  const error = await startFanOut(1, missing).then(
    (fanOut) => fanOut.handedOver(),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DbopsError);
  expect((error as DbopsError).code).toBe('DUMP_FAILED');
  expect((error as DbopsError).message).toContain(missing);
  expect((error as DbopsError).hint).toMatch(/TMPDIR/);
});

test('with no producer at all (it never started), closing the input ends the copy with nothing', async () => {
  const fanOut = await startFanOut(1);
  const consumer = run('wc', ['-c'], fanOut.outputs[0]!);
  fanOut.handedOver();
  expect(await fanOut.bytes).toBe(0);
  expect(Number((await consumer.exited).stdout.trim())).toBe(0);
});

test("a preload from the user's NODE_OPTIONS (an APM agent, say) does not run in the small copy thread", async () => {
  // A preload that holds 32 MB: in the thread, whose heap is capped at 8 MB, it would end the thread and the backup.
  const preload = path.join(work, 'heavy-preload.cjs');
  await fs.writeFile(preload, 'globalThis.held = Array.from({ length: 4e6 }, (_, i) => i * 1.5);\n');
  const lib = path.resolve('packages/core/lib/pipeline/fan-out.js');
  const script = `import { spawn } from 'node:child_process';
import { startFanOut } from ${JSON.stringify(lib)};
const fanOut = await startFanOut(1, ${JSON.stringify(tmp)});
const consumer = spawn('sha256sum', [], { stdio: [fanOut.outputs[0], 'pipe', 'inherit'] });
let sum = '';
consumer.stdout.on('data', (chunk) => (sum += chunk));
spawn('cat', [${JSON.stringify(input)}], { stdio: ['ignore', fanOut.input, 'inherit'] });
fanOut.handedOver();
const bytes = await fanOut.bytes;
await new Promise((resolve) => consumer.once('close', resolve));
// Printed in a fixed order: sha256sum's own write could otherwise come before the byte count.
console.log(bytes);
process.stdout.write(sum);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: `--require ${preload}` },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise((resolve) => child.once('close', resolve));
  expect(err).toBe('');
  expect(code).toBe(0);
  expect(out.split('\n')).toEqual([String(data.length), `${sha256(data)}  -`, '']);
});
