// S3 puts whose answer is lost after the server stored them: the SDK retries, and the retry meets the object the
// first attempt stored (412 under If-None-Match '*', which the harness enforces as S3 does). The put must succeed
// when that object holds what was sent, and still refuse a key that another writer took.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { DbopsError } from '../../packages/core/src/errors.js';
import { openStorage, putRecord, type Storage } from '../../packages/core/src/storage/index.js';
import type { PutResult } from '../../packages/core/src/storage/types.js';
import { s3Client, startS3Server, type S3Server } from '../harness/s3.js';

const MiB = 1024 * 1024;
const BUCKET = 'dbops-lost';

let server: S3Server;
let client: S3Client;
beforeAll(async () => {
  server = await startS3Server();
  await server.createBucket(BUCKET);
  client = s3Client(server);
});
afterAll(async () => {
  client?.destroy();
  await server?.stop();
});

function open(prefix: string): Promise<Storage> {
  return openStorage(`s3://${BUCKET}/${prefix}`, {
    inputName: 'to',
    s3: {
      endpoint: server.endpoint,
      region: server.region,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
      partSizeBytes: 5 * MiB,
    },
  });
}

/** The requests s3rver received since `from` with this method whose path ends with `suffix`. */
function received(from: number, method: string, suffix: string) {
  return server.requests.slice(from).filter((r) => r.method === method && r.path.endsWith(suffix));
}

async function readAll(stream: Readable): Promise<Buffer> {
  return Buffer.concat((await stream.toArray()) as Buffer[]);
}

test('the harness refuses a conditional write to a key that exists (412), as S3 does', async () => {
  const put = (body: string) =>
    client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'harness/k', Body: body, IfNoneMatch: '*' }));
  await put('first');
  await expect(put('second')).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
});

test('a record whose PUT answer is lost is stored once and the put succeeds (the retry is not ALREADY_EXISTS)', async () => {
  const storage = await open('record');
  const record = Buffer.from(JSON.stringify({ backupId: '1', note: 'x'.repeat(500) }));
  const from = server.requests.length;
  server.loseResponse(({ method, path }) => method === 'PUT' && path.endsWith('/db/1.manifest.json'));
  try {
    await putRecord(storage, 'db/1.manifest.json', record, { contentType: 'application/json' });
  } finally {
    server.loseResponse(undefined);
  }
  expect(received(from, 'PUT', '/db/1.manifest.json')).toHaveLength(2); // the lost one and the retry
  expect(await readAll(await storage.get('db/1.manifest.json'))).toEqual(record);
});

test('a multipart upload whose CompleteMultipartUpload answer is lost succeeds, and the caller is told to read back', async () => {
  const storage = await open('multipart');
  const data = randomBytes(12 * MiB);
  const from = server.requests.length;
  server.loseResponse(({ method, query }) => method === 'POST' && typeof query.uploadId === 'string');
  let result: PutResult | undefined;
  try {
    result = await storage.put('db/1.dump', Readable.from([data.subarray(0, 6 * MiB), data.subarray(6 * MiB)]), {
      check: true,
    });
  } finally {
    server.loseResponse(undefined);
  }
  expect(received(from, 'POST', '/db/1.dump').filter((r) => r.query.uploadId)).toHaveLength(2);
  expect(result).toEqual({ size: data.length }); // no ETag seen: no `checked`
  expect((await readAll(await storage.get('db/1.dump'))).equals(data)).toBe(true);
});

test('a key another writer takes during the put, with other bytes of the same size, is still ALREADY_EXISTS', async () => {
  const storage = await open('taken');
  const mine = randomBytes(4096);
  const theirs = randomBytes(4096);
  // After the put's own existence check, before its PutObject: another writer stores the key.
  server.beforeEach(async ({ method, path }) => {
    if (method !== 'PUT' || !path.endsWith('/taken/db/1.bin')) return;
    server.beforeEach(undefined);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'taken/db/1.bin', Body: theirs }));
  });
  const error = await storage.put('db/1.bin', mine).catch((e: unknown) => e);
  server.beforeEach(undefined);
  expect(error).toBeInstanceOf(DbopsError);
  expect(error).toMatchObject({ code: 'ALREADY_EXISTS' });
  expect((await readAll(await storage.get('db/1.bin'))).equals(theirs)).toBe(true);
});
