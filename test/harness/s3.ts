/**
 * A real S3-compatible server for tests: s3rver, in-process, on 127.0.0.1 with a random port and a temp directory.
 *
 * s3rver does not implement ListMultipartUploads, ListParts or AbortMultipartUpload, which the tests need to prove
 * that no upload is left behind, and rotation uses to discard the uploads of killed runs. A small middleware adds both, reading and removing s3rver's own on-disk upload state
 * (`<dir>/<bucket>/._S3rver_uploads/<uploadId>/`). s3rver also does not verify SigV4 signatures: a wrong secret
 * key is accepted, only an unknown access key id is refused.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export interface S3Server {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  port: number;
  /** Where s3rver keeps buckets and objects. */
  directory: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  createBucket(name: string): Promise<void>;
  /** Every request received, oldest first: what the client sent, for tests that check the exact request. */
  requests: ReceivedRequest[];
  /** Stops the server (dropping open connections) and removes its directory. */
  stop(): Promise<void>;
  /**
   * Stops the server abruptly: open connections are dropped mid-request, as when an endpoint goes away. The
   * directory stays, so `startS3Server({ port, directory })` can bring the same data back to inspect it.
   */
  kill(): Promise<void>;
  /**
   * From now on, a GET whose body is longer than `afterBytes` sends that many bytes of it and then drops the
   * connection, as a network that breaks mid-download. undefined: downloads complete again.
   */
  cutDownloads(afterBytes: number | undefined): void;
  /**
   * From now on, runs `before` ahead of serving each request (e.g. to change what is stored just then, as another
   * client would); when it returns an S3 error, that is the answer instead (a permission the credentials lack, a
   * call the server lacks). undefined: requests are served as they come again.
   */
  beforeEach(before: BeforeRequest | undefined): void;
  /**
   * From now on, uploads are answered as by another kind of server: `object-etag-not-md5` gives completed and
   * one-request objects an ETag that is no MD5 of their bytes (as S3 does under SSE-KMS); `corrupt-stored-parts`
   * flips a byte of each part once it is stored, after its ETag was computed from the bytes received (a server
   * that damages what it keeps). undefined: uploads are served as they come again.
   */
  alterUploads(how: UploadAlteration | undefined): void;
  /**
   * From now on, the next request that `match` selects is served in full (an upload is stored) and then its
   * connection is dropped before the response is sent, as a network that loses an answer; the client sees a reset
   * and retries. Once, then requests are answered again. undefined: cancels a loss not yet made.
   */
  loseResponse(
    match: ((request: { method: string; path: string; query: ReceivedRequest['query'] }) => boolean) | undefined,
  ): void;
}

export type UploadAlteration = 'object-etag-not-md5' | 'corrupt-stored-parts';

export type BeforeRequest = (request: {
  method: string;
  path: string;
  query: ReceivedRequest['query'];
}) => Promise<void | { status: number; code: string }>;

export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
}

export interface S3ServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Reuse an existing data directory (e.g. one left by kill()); a new temp directory by default. */
  directory?: string;
}

/** The part of s3rver (a Koa app) the harness uses; s3rver ships no types. */
interface S3rverApp {
  middleware: Middleware[];
  httpServer?: Server;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverApp;

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
  set(header: string, value: string): void;
  req: IncomingMessage;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

// s3rver is CommonJS without type declarations; createRequire loads it the same way under Node and jest ESM.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  const directory = options.directory ?? (await mkdtemp(path.join(os.tmpdir(), 'dbops-s3rver-')));
  const app = new S3rver({ address: '127.0.0.1', port: options.port ?? 0, silent: true, directory });
  const requests: ReceivedRequest[] = [];
  app.middleware.unshift(multipartUploads(directory));
  app.middleware.unshift(conditionalWrites(directory));
  let lose: Parameters<S3Server['loseResponse']>[0];
  app.middleware.unshift(async (ctx, next) => {
    await next();
    if (!lose?.({ method: ctx.method, path: ctx.path, query: { ...ctx.query } })) return;
    lose = undefined;
    ctx.req.socket.destroy();
  });
  let alteration: UploadAlteration | undefined;
  app.middleware.unshift(alterUploads(directory, () => alteration));
  let cutAfter: number | undefined;
  app.middleware.unshift(cutDownloads(() => cutAfter));
  let before: BeforeRequest | undefined;
  app.middleware.unshift(async (ctx, next) => {
    requests.push({ method: ctx.method, path: ctx.path, query: { ...ctx.query }, headers: { ...ctx.headers } });
    const refusal = await before?.({ method: ctx.method, path: ctx.path, query: { ...ctx.query } });
    if (refusal)
      return reply(
        ctx,
        refusal.status,
        `<Error><Code>${refusal.code}</Code><Message>refused by the test</Message></Error>`,
      );
    await next();
  });
  const { port } = await app.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const server = app.httpServer!;

  return {
    endpoint,
    port,
    directory,
    region: 'us-east-1',
    requests,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async createBucket(name) {
      // s3rver accepts unsigned requests, so no SDK is needed here.
      const response = await fetch(`${endpoint}/${name}`, { method: 'PUT' });
      if (!response.ok)
        throw new Error(`s3rver could not create bucket ${name}: ${response.status} ${await response.text()}`);
    },
    async stop() {
      await shutDown(app, server);
      await rm(directory, { recursive: true, force: true });
    },
    kill: () => shutDown(app, server),
    cutDownloads(afterBytes) {
      cutAfter = afterBytes;
    },
    beforeEach(handler) {
      before = handler;
    },
    alterUploads(how) {
      alteration = how;
    },
    loseResponse(match) {
      lose = match;
    },
  };
}

/** The server behaviours of S3Server.alterUploads, applied to PUT object, UploadPart and CompleteMultipartUpload. */
function alterUploads(directory: string, alteration: () => UploadAlteration | undefined): Middleware {
  return async (ctx, next) => {
    await next();
    const how = alteration();
    if (!how || ctx.status >= 300) return;
    const [bucket = ''] = ctx.path.split('/').filter(Boolean);
    const { uploadId, partNumber } = ctx.query;
    if (how === 'corrupt-stored-parts' && ctx.method === 'PUT' && typeof uploadId === 'string') {
      const part = path.join(directory, bucket, '._S3rver_uploads', uploadId, String(partNumber));
      const bytes = await readFile(part);
      const middle = bytes.length >> 1;
      bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle);
      await writeFile(part, bytes);
    }
    if (how === 'object-etag-not-md5') {
      const notMd5 = `"${'0'.repeat(32)}"`;
      if (ctx.method === 'PUT' && uploadId === undefined) ctx.set('ETag', notMd5);
      if (ctx.method === 'POST' && typeof uploadId === 'string') {
        // s3rver's answer: an object its own middleware turns into XML, or that XML already.
        const completed = (ctx.body as { CompleteMultipartUploadResult?: { ETag: string } })
          .CompleteMultipartUploadResult;
        if (completed) completed.ETag = notMd5;
        else if (typeof ctx.body === 'string')
          ctx.body = ctx.body.replace(/<ETag>[^<]*<\/ETag>/, `<ETag>${xml(notMd5)}</ETag>`);
      }
    }
  };
}

/**
 * Conditional writes as S3 has them (s3rver honours If-None-Match only on GET): a PutObject or
 * CompleteMultipartUpload sent with If-None-Match: * to a key that exists is refused with 412 PreconditionFailed.
 */
function conditionalWrites(directory: string): Middleware {
  return async (ctx, next) => {
    const [bucket = '', ...keyParts] = ctx.path.split('/').filter(Boolean);
    const put = ctx.method === 'PUT' && ctx.query.partNumber === undefined;
    const complete = ctx.method === 'POST' && typeof ctx.query.uploadId === 'string';
    if (keyParts.length > 0 && (put || complete) && ctx.headers['if-none-match'] === '*') {
      // s3rver's file store: <dir>/<bucket>/<key's folders>/<name>._S3rver_object (see its getResourcePath).
      const key = keyParts.map(decodeURIComponent);
      const name = `${key.pop()}._S3rver_object`;
      if (await stat(path.join(directory, bucket, ...key, name)).catch(() => undefined)) {
        ctx.req.resume(); // the body is not read
        return reply(
          ctx,
          412,
          '<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>',
        );
      }
    }
    await next();
  };
}

/** Lets `limit()` bytes of a streamed GET body through, then destroys the connection. */
function cutDownloads(limit: () => number | undefined): Middleware {
  return async (ctx, next) => {
    await next();
    const after = limit();
    if (after === undefined || ctx.method !== 'GET' || !(ctx.body instanceof Readable)) return;
    const socket = ctx.req.socket;
    let sent = 0;
    ctx.body = ctx.body.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          if (sent + chunk.length <= after) {
            sent += chunk.length;
            callback(null, chunk);
            return;
          }
          callback(null, chunk.subarray(0, after - sent));
          sent = after;
          setImmediate(() => socket.destroy());
        },
      }),
    );
  };
}

/** Stops listening and drops every open connection, even mid-request. Safe to call twice. */
async function shutDown(app: S3rverApp, server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = app.close();
  server.closeAllConnections();
  await closed;
}

/** ListMultipartUploads (GET /bucket?uploads), ListParts (GET /bucket/key?uploadId=...) and AbortMultipartUpload (DELETE /bucket/key?uploadId=...). */
function multipartUploads(directory: string): Middleware {
  return async (ctx, next) => {
    const [bucket = '', ...keyParts] = ctx.path.split('/').filter(Boolean);
    const uploads = path.join(directory, bucket, '._S3rver_uploads');
    if (ctx.method === 'GET' && keyParts.length === 0 && 'uploads' in ctx.query) {
      const entries = await readdir(uploads).catch(() => []);
      const listed = await Promise.all(
        entries.map(async (id) => ({
          id,
          key: await readFile(path.join(uploads, id, 'key'), 'utf8').catch(() => ''),
          // s3rver writes the key file when the upload is created: its time is the upload's Initiated.
          initiated: (await stat(path.join(uploads, id, 'key')).catch(() => undefined))?.mtime ?? new Date(),
        })),
      );
      const prefix = typeof ctx.query.prefix === 'string' ? ctx.query.prefix : '';
      const items = listed
        .filter((upload) => upload.key.startsWith(prefix))
        .map(
          (upload) =>
            `<Upload><Key>${xml(upload.key)}</Key><UploadId>${upload.id}</UploadId><Initiated>${upload.initiated.toISOString()}</Initiated></Upload>`,
        );
      reply(
        ctx,
        200,
        `<ListMultipartUploadsResult><Bucket>${xml(bucket)}</Bucket><IsTruncated>false</IsTruncated>${items.join('')}</ListMultipartUploadsResult>`,
      );
      return;
    }
    const uploadId = ctx.query.uploadId;
    if (ctx.method === 'GET' && keyParts.length > 0 && typeof uploadId === 'string') {
      // ListParts: s3rver keeps each part as a file named by its number; its mtime is the part's LastModified.
      const dir = path.join(uploads, uploadId);
      const files = await readdir(dir).catch(() => undefined);
      if (!/^[0-9a-f]+$/.test(uploadId) || !files) {
        reply(
          ctx,
          404,
          '<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>',
        );
        return;
      }
      const parts = await Promise.all(
        files
          .filter((f) => /^\d+$/.test(f))
          .sort((a, b) => Number(a) - Number(b))
          .map(async (f) => {
            const info = await stat(path.join(dir, f));
            return `<Part><PartNumber>${f}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified><Size>${info.size}</Size></Part>`;
          }),
      );
      reply(
        ctx,
        200,
        `<ListPartsResult><Bucket>${xml(bucket)}</Bucket><Key>${xml(keyParts.join('/'))}</Key><UploadId>${uploadId}</UploadId><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`,
      );
      return;
    }
    if (ctx.method === 'DELETE' && keyParts.length > 0 && typeof uploadId === 'string') {
      if (!/^[0-9a-f]+$/.test(uploadId) || !(await readdir(path.join(uploads, uploadId)).catch(() => undefined))) {
        reply(
          ctx,
          404,
          '<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>',
        );
        return;
      }
      await rm(path.join(uploads, uploadId), { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    await next();
  };
}

function reply(ctx: KoaContext, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A client of `server` as the tests use it (path-style on localhost, the server's credentials), plus `options`. */
export function s3Client(server: S3Server, options: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    ...options,
  });
}

/** dbops's S3 options (openStorage's `s3`) for `server`. */
export function s3Options(server: S3Server) {
  return {
    endpoint: server.endpoint,
    region: server.region,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
  };
}
