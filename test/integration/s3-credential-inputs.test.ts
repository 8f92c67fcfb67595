// S3 credentials come from one place: a key pair given as inputs takes nothing from the AWS_* variables (a runner
// after aws-actions/configure-aws-credentials has AWS_SESSION_TOKEN set, and that token with another key pair fails
// the signature on S3), and half a pair from the inputs with the other half from the environment is refused.
// s3rver does not verify signatures, so the requests it received show which credentials signed them.
import { runCli } from '../harness/cli.js';
import { startS3Server, type S3Server } from '../harness/s3.js';

const BUCKET = 'credentials';
let s3: S3Server;

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket(BUCKET);
});
afterAll(async () => {
  await s3?.stop();
});

/** `dbops list` of the bucket with `flags`, the endpoint and region in the environment besides `env`. */
async function list(flags: string[], env: NodeJS.ProcessEnv) {
  const from = s3.requests.length;
  const run = await runCli(['list', '--from', `s3://${BUCKET}/backups`, ...flags], {
    AWS_REGION: s3.region,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    ...env,
  });
  return { ...run, requests: s3.requests.slice(from) };
}

test("an input key pair is used without the environment's AWS_SESSION_TOKEN", async () => {
  const run = await list(['--s3-access-key-id', s3.accessKeyId, '--s3-secret-access-key', s3.secretAccessKey], {
    AWS_SESSION_TOKEN: 'token-of-another-key-pair',
    AWS_ACCESS_KEY_ID: 'AKIA-OTHER',
    AWS_SECRET_ACCESS_KEY: 'other-secret',
  });
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
  expect(run.requests.length).toBeGreaterThan(0);
  for (const request of run.requests) {
    expect(request.headers['x-amz-security-token']).toBeUndefined();
    expect(request.headers.authorization).toContain(`Credential=${s3.accessKeyId}/`);
  }
});

test('an input key pair with s3-session-token sends that token', async () => {
  const run = await list(
    ['--s3-access-key-id', s3.accessKeyId, '--s3-secret-access-key', s3.secretAccessKey, '--s3-session-token', 'tok'],
    { AWS_SESSION_TOKEN: 'token-of-another-key-pair' },
  );
  expect(run.code).toBe(0);
  expect(run.requests.map((r) => r.headers['x-amz-security-token'])).toEqual(run.requests.map(() => 'tok'));
});

test('the key pair and token from the environment alone are used together', async () => {
  const run = await list([], {
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_SESSION_TOKEN: 'env-token',
  });
  expect(run.code).toBe(0);
  expect(run.requests.map((r) => r.headers['x-amz-security-token'])).toEqual(run.requests.map(() => 'env-token'));
});

test.each([
  ['s3-access-key-id', 's3-secret-access-key', { AWS_SECRET_ACCESS_KEY: 'env-secret' }],
  ['s3-secret-access-key', 's3-access-key-id', { AWS_ACCESS_KEY_ID: 'AKIA-ENV' }],
])(
  '--%s alone with the other half in the environment is refused, naming %s, before any request',
  async (given, missing, env) => {
    const value = given === 's3-access-key-id' ? s3.accessKeyId : s3.secretAccessKey;
    const run = await list([`--${given}`, value], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `error [INVALID_INPUT]: Input '${missing}' is missing while ${given} is set as an input`,
    );
    expect(run.requests).toEqual([]);
  },
);
