// s3rver for benchmarks, in its own process: its CPU and memory then show up as "the server", not inside the
// benchmark's own process. Run directly (`node s3server.mjs DIR`) it serves DIR and prints {"port":N} on stdout.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(import.meta.url);

/** Starts s3rver serving `dir` with `bucket` created. Returns { endpoint, pid, cliArgs, stop() }. */
export async function startS3rver({ dir, bucket = 'bench' }) {
  mkdirSync(dir, { recursive: true });
  const child = spawn(process.execPath, [HERE, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const m = /\{"port":(\d+)\}/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited early (code ${code})`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const made = await fetch(`${endpoint}/${bucket}`, { method: 'PUT' });
  if (!made.ok && made.status !== 409) throw new Error(`s3rver: cannot create bucket ${bucket}: ${made.status}`);
  return {
    endpoint,
    pid: child.pid,
    bucket,
    /** The dbops CLI flags that reach this server (s3rver needs path-style, which a local endpoint implies). */
    cliArgs: ['--s3-endpoint', endpoint, '--s3-access-key-id', 'S3RVER', '--s3-secret-access-key', 'S3RVER', '--s3-checksum', 'WHEN_REQUIRED'],
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function serve(dir) {
  const S3rver = createRequire(import.meta.url)('s3rver');
  const app = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const { port } = await app.run();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  process.once('SIGTERM', () => app.close().finally(() => process.exit(0)));
}

if (process.argv[1] && realpathSync(process.argv[1]) === HERE) await serve(process.argv[2]);
