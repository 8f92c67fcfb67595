// The S3-compatible server for benchmarks. By default s3rver, in its own process: its CPU and memory then show up
// as "the server", not inside the benchmark's own process. Run directly (`node s3server.mjs DIR`) it serves DIR and
// prints {"port":N} on stdout. With $BENCH_S3_ENDPOINT set, the benchmarks use that server instead (e.g. the S3Mock
// container of .github/workflows/bench.yml), with the standard AWS_* credentials from the environment.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(import.meta.url);

/**
 * The server $BENCH_S3_ENDPOINT names (its bucket created if missing), else s3rver started on `dir`.
 * Returns { label, endpoint, pid (undefined for an external server), bucket, cliArgs, awsArgs, stop() }.
 */
export async function startS3Server({ dir, bucket = 'bench' }) {
  const external = process.env.BENCH_S3_ENDPOINT;
  return external ? useExternal(external, process.env.BENCH_S3_BUCKET || bucket) : startS3rver({ dir, bucket });
}

async function useExternal(endpoint, bucket) {
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({ endpoint, forcePathStyle: true, region: process.env.AWS_REGION || 'us-east-1' });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(error.name)) throw error;
  }
  client.destroy();
  return {
    label: `S3-compatible server at ${endpoint}`,
    endpoint,
    pid: undefined,
    bucket,
    cliArgs: ['--s3-endpoint', endpoint], // credentials and region: the standard AWS_* variables
    awsArgs: `--endpoint-url ${endpoint}`,
    async stop() {},
  };
}

/** Starts s3rver serving `dir` with `bucket` created. */
async function startS3rver({ dir, bucket }) {
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
    label: 's3rver in its own process, on this machine',
    endpoint,
    pid: child.pid,
    bucket,
    /** The dbops CLI flags that reach this server (s3rver needs path-style, which a local endpoint implies). */
    cliArgs: [
      '--s3-endpoint',
      endpoint,
      '--s3-access-key-id',
      'S3RVER',
      '--s3-secret-access-key',
      'S3RVER',
      '--s3-checksum',
      'WHEN_REQUIRED',
    ],
    /** The same for the aws CLI (a shell fragment): s3rver takes any key, the CLI only needs one to sign with. */
    awsArgs: `--endpoint-url ${endpoint} --region us-east-1`,
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
