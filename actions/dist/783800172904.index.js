export const id = 783800172904;
export const ids = [783800172904];
export const modules = {

/***/ 9037:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  S3Storage: () => (/* binding */ S3Storage)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-s3/dist-cjs/index.js
var dist_cjs = __webpack_require__(53711);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/storage/key.js
var storage_key = __webpack_require__(63608);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
;// CONCATENATED MODULE: ./packages/core/lib/storage/s3-client.js




/** The inputs (action inputs / CLI flags) each option comes from, so errors can name them. */
const INPUTS = {
    region: 's3-region',
    endpoint: 's3-endpoint',
    accessKeyId: 's3-access-key-id',
    secretAccessKey: 's3-secret-access-key',
    serverSideEncryption: 's3-sse',
    kmsKeyId: 's3-kms-key-id',
    storageClass: 's3-storage-class',
    // No input sets these two: errors name the option.
    partSizeBytes: 'partSizeBytes',
    queueSize: 'queueSize',
};
/** The SDK retries throttling, 5xx, timeouts and dropped connections up to this many attempts, with backoff. */
const MAX_ATTEMPTS = 5;
/** The client for a location, configured and checked from the options; errors name the input at fault. */
function s3Bucket(location, options) {
    const keyPrefix = location.prefix === '' ? '' : `${location.prefix.replace(/\/+$/, '')}/`;
    const endpoint = options.endpoint?.trim() ? parseEndpoint(options.endpoint.trim()) : undefined;
    return {
        client: s3Client(options, endpoint),
        bucket: location.bucket,
        keyPrefix,
        display: `s3://${location.bucket}${keyPrefix === '' ? '' : `/${keyPrefix.slice(0, -1)}`}`,
        inputName: options.inputName,
        endpoint: endpoint?.display,
        secrets: [options.secretAccessKey, options.sessionToken].filter((s) => !!s),
    };
}
/** The object key of a storage key, checked (key.ts). */
function objectKey(bucket, key) {
    (0,storage_key/* checkKey */.y)(key);
    return bucket.keyPrefix + key;
}
/** s3://bucket/prefix/key: where an object is, for people. */
function locate(bucket, key) {
    return `s3://${bucket.bucket}/${objectKey(bucket, key)}`;
}
function s3Client(options, endpoint) {
    const checksums = options.requestChecksumCalculation ?? (endpoint ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED');
    const config = {
        maxAttempts: MAX_ATTEMPTS,
        followRegionRedirects: true,
        requestChecksumCalculation: checksums,
        responseChecksumValidation: checksums,
        // A black-holed endpoint fails in seconds instead of the OS's minutes; a stalled connection is dropped and retried.
        requestHandler: { connectionTimeout: 10_000, socketTimeout: 120_000 },
    };
    const region = options.region?.trim() || (endpoint ? 'us-east-1' : undefined);
    if (options.region?.trim() && !/^[A-Za-z0-9_-]{1,64}$/.test(options.region.trim())) {
        throw (0,errors/* invalidInput */.aY)(INPUTS.region, `'${options.region.trim()}' is not a region name`, 'a region such as eu-west-1 (or auto, us-east-1, ... as the S3-compatible service documents)');
    }
    if (region)
        config.region = region;
    if (endpoint) {
        config.endpoint = endpoint.url;
        config.forcePathStyle = options.forcePathStyle ?? endpoint.local;
    }
    else if (options.forcePathStyle !== undefined) {
        config.forcePathStyle = options.forcePathStyle;
    }
    if (options.accessKeyId || options.secretAccessKey) {
        if (!options.accessKeyId || !options.secretAccessKey) {
            const missing = options.accessKeyId ? INPUTS.secretAccessKey : INPUTS.accessKeyId;
            throw (0,errors/* invalidInput */.aY)(missing, 'is missing: an S3 access key id and secret access key go together', 'Set both, or neither to use the AWS default credential chain.');
        }
        config.credentials = {
            accessKeyId: options.accessKeyId,
            secretAccessKey: options.secretAccessKey,
            ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
        };
    }
    const client = new dist_cjs.S3Client(config);
    client.middlewareStack.add((next, context) => (args) => {
        if (UNSIGNED_COMMANDS.has(context.commandName ?? ''))
            markUnsigned(args.request);
        return next(args);
    }, { step: 'build', name: 'dbopsUnsignedPayload' });
    return client;
}
/** The endpoint URL for the SDK and for messages. URLs with credentials are refused, so messages never carry them. */
function parseEndpoint(text) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw (0,errors/* invalidInput */.aY)(INPUTS.endpoint, 'is not a URL', 'Use http(s)://host[:port], e.g. http://127.0.0.1:9000.');
    }
    if (url.username || url.password) {
        throw (0,errors/* invalidInput */.aY)(INPUTS.endpoint, 'must not contain credentials', 'Remove user:password@ from the URL; pass the keys as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw (0,errors/* invalidInput */.aY)(INPUTS.endpoint, `uses the unsupported scheme '${url.protocol}//'`, 'Use http(s)://host[:port], e.g. http://127.0.0.1:9000.');
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const display = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
    return { url: display, display, local: host === 'localhost' || host.endsWith('.localhost') || (0,external_node_net_.isIP)(host) !== 0 };
}
/**
 * Uploads are sent with an UNSIGNED-PAYLOAD signature. Otherwise the SigV4 signer hashes every part with SHA-256,
 * a whole extra pass over the backup (the CPU a backup on two cores needs for compression). Integrity does not rest
 * on it: dbops compares the SHA-256 of what it sent with a re-read of the stored object, TLS protects the bytes in
 * transit, and with WHEN_SUPPORTED each part also carries a CRC32 that S3 checks. S3, MinIO and R2 accept it.
 */
const UNSIGNED_COMMANDS = new Set(['PutObjectCommand', 'UploadPartCommand']);
function markUnsigned(request) {
    const headers = request.headers;
    if (headers)
        headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
}
//# sourceMappingURL=s3-client.js.map
;// CONCATENATED MODULE: ./packages/core/lib/storage/s3-errors.js


const CREDENTIALS_HINT = 'Check the S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys), ' +
    'or use aws-actions/configure-aws-credentials before this step. The identity needs s3:ListBucket, s3:GetObject, ' +
    's3:PutObject, s3:DeleteObject, s3:AbortMultipartUpload and (for rotation to find the uploads of killed runs) s3:ListBucketMultipartUploads and s3:ListMultipartUploadParts on the bucket.';
const ACCESS_DENIED = new Set([
    'AccessDenied',
    'InvalidAccessKeyId',
    'SignatureDoesNotMatch',
    'ExpiredToken',
    'InvalidToken',
    'TokenRefreshRequired',
    'CredentialsProviderError',
    'Forbidden',
]);
const NETWORK_CODES = new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
]);
/**
 * Turns an AWS SDK error into a DbopsError naming the input at fault and the fix. Never includes credentials.
 * `leftover`: an incomplete multipart upload may remain after a failed write.
 */
function s3Failure(bucket, error, action, key, leftover = false) {
    if (error instanceof errors/* DbopsError */.zJ)
        return error;
    const name = nameOf(error);
    const status = statusOf(error);
    const message = error instanceof Error ? error.message : String(error);
    const code = networkCode(error, message);
    const what = key === undefined ? bucket.display : locate(bucket, key);
    // HEAD responses carry no error body: the SDK then names the error 'Unknown' or 'NotFound'; the status says more.
    const reason = name && name !== 'Unknown' && name !== 'Error' ? name : status ? `HTTP ${status}` : message;
    const subject = `Input '${bucket.inputName}' (${bucket.display})`;
    const leftoverHint = leftover
        ? ' An incomplete multipart upload may remain in the bucket (it is not visible as an object); a lifecycle rule with AbortIncompleteMultipartUpload removes such uploads.'
        : '';
    const make = (errorCode, text, hint, input = bucket.inputName) => new errors/* DbopsError */.zJ(errorCode, redact(bucket, text), { input, cause: error, hint: redact(bucket, hint + leftoverHint) });
    if (name === 'NoSuchBucket' || (status === 404 && action === 'checking')) {
        return make('STORAGE_NOT_FOUND', `${subject}: the S3 bucket '${bucket.bucket}' does not exist`, `Create the bucket, or fix the bucket name in '${bucket.inputName}' (s3://bucket/prefix). If it exists, check '${INPUTS.region}' and '${INPUTS.endpoint}'.`);
    }
    if (name === 'NoSuchKey' || status === 404) {
        return make('STORAGE_NOT_FOUND', `${subject}: ${what} does not exist`, `Check '${bucket.inputName}' points at the bucket and prefix the backups were written to.`);
    }
    if (ACCESS_DENIED.has(name) || status === 403) {
        return make('STORAGE_ACCESS_DENIED', `${subject}: access denied while ${action} ${what} (${reason})`, CREDENTIALS_HINT);
    }
    if ((name === 'PreconditionFailed' || status === 412) && key !== undefined)
        return alreadyExists(bucket, key);
    if (name === 'PermanentRedirect' ||
        name === 'AuthorizationHeaderMalformed' ||
        name === 'IllegalLocationConstraintException' ||
        status === 301) {
        return make('INVALID_INPUT', `Input '${INPUTS.region}': the bucket '${bucket.bucket}' is in another region (${reason})`, `Set '${INPUTS.region}' (or AWS_REGION) to the bucket's region.`, INPUTS.region);
    }
    if (/Region is missing/i.test(message)) {
        return make('INVALID_INPUT', `Input '${INPUTS.region}' is not set and no AWS region is configured`, `Set '${INPUTS.region}' or AWS_REGION to the bucket's region, e.g. eu-west-1.`, INPUTS.region);
    }
    if (code || name === 'TimeoutError') {
        const endpoint = bucket.endpoint ?? 'AWS S3';
        const input = bucket.endpoint ? INPUTS.endpoint : bucket.inputName;
        return make('STORAGE_FAILED', `Input '${input}': could not reach the S3 endpoint ${endpoint} while ${action} ${what} (${code ?? name})`, `Check '${INPUTS.endpoint}', the network, and that the server is up. Dropped connections and timeouts are retried (${MAX_ATTEMPTS} attempts).`, input);
    }
    return make('STORAGE_FAILED', `${subject}: ${action} ${what} failed: ${name ? `${name}: ` : ''}${message}`, 'S3 returned an unexpected error; transient errors were already retried. See the message for the cause.');
}
/** Backups are never overwritten (invariant 2): a put to a key that exists fails with this. */
function alreadyExists(bucket, key) {
    return new errors/* DbopsError */.zJ('ALREADY_EXISTS', `Input '${bucket.inputName}' (${bucket.display}): ${locate(bucket, key)} already exists`, {
        input: bucket.inputName,
        hint: 'Backups are never overwritten. Use a new backup id, or remove the object yourself if it is not a backup.',
    });
}
function nameOf(error) {
    return typeof error === 'object' && error !== null && typeof error.name === 'string'
        ? error.name
        : '';
}
function statusOf(error) {
    return error?.$metadata?.httpStatusCode;
}
function redact(bucket, text) {
    return bucket.secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}
/**
 * The network error code (ECONNREFUSED...) of a failed request. Usually on `code`; read from the message too,
 * because the SDK rewraps errors it does not recognise as Errors (e.g. from another realm, as under jest) into a
 * plain Error whose message is all that is left.
 */
function networkCode(error, message) {
    const code = error?.code;
    if (typeof code === 'string' && NETWORK_CODES.has(code))
        return code;
    return [...NETWORK_CODES].find((candidate) => message.includes(candidate));
}
//# sourceMappingURL=s3-errors.js.map
;// CONCATENATED MODULE: ./packages/core/lib/storage/s3-multipart-cleanup.js




/**
 * Multipart uploads never completed nor aborted (the run was killed, or its abort failed): S3 bills their parts, and
 * rotation removes them once idle (invariant 1: an interrupted run leaves nothing behind).
 */
async function listIncomplete(bucket, prefix) {
    (0,storage_key/* checkKey */.y)(prefix, { prefix: true });
    const uploads = [];
    try {
        let markers = {};
        for (;;) {
            const page = await bucket.client.send(new dist_cjs.ListMultipartUploadsCommand({ Bucket: bucket.bucket, Prefix: bucket.keyPrefix + prefix, ...markers }));
            for (const upload of page.Uploads ?? []) {
                // Without a start time (a server that omits it) its age is unknown: it is never judged abandoned.
                if (!upload.Key || !upload.UploadId || !upload.Initiated)
                    continue;
                const since = await lastWrite(bucket, upload.Key, upload.UploadId, upload.Initiated);
                if (since)
                    uploads.push({ key: upload.Key.slice(bucket.keyPrefix.length), since, handle: upload.UploadId });
            }
            const next = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
            // A server that says "more" without saying where from would be asked for the same page for ever.
            if (!page.IsTruncated ||
                !next.KeyMarker ||
                (next.KeyMarker === markers.KeyMarker && next.UploadIdMarker === markers.UploadIdMarker))
                break;
            markers = { KeyMarker: next.KeyMarker, ...(next.UploadIdMarker ? { UploadIdMarker: next.UploadIdMarker } : {}) };
        }
    }
    catch (error) {
        const status = statusOf(error);
        const name = nameOf(error);
        if (status === 403 || name === 'AccessDenied')
            return { uploads: [], unlisted: 'the credentials lack s3:ListBucketMultipartUploads' };
        if (status === 501 || name === 'NotImplemented')
            return { uploads: [], unlisted: 'the S3 server does not implement ListMultipartUploads' };
        throw s3Failure(bucket, error, 'listing');
    }
    return { uploads };
}
/** Aborts an incomplete upload unless a part arrived after `idleSince`; false when it was left (or is gone). */
async function discardIncomplete(bucket, upload, idleSince) {
    const Key = objectKey(bucket, upload.key);
    // Parts that arrived since mean a run is still uploading (its start alone says nothing of that).
    const since = await lastWrite(bucket, Key, upload.handle, upload.since);
    if (!since || since > idleSince)
        return false;
    try {
        await bucket.client.send(new dist_cjs.AbortMultipartUploadCommand({ Bucket: bucket.bucket, Key, UploadId: upload.handle }));
        return true;
    }
    catch (error) {
        if (statusOf(error) === 404)
            return false; // NoSuchUpload: completed or aborted meanwhile
        throw s3Failure(bucket, error, 'deleting', upload.key);
    }
}
/**
 * Aborts the multipart upload of a failed put again. Upload already tried, but its attempt can fail (the endpoint
 * went away); this one is a second chance. Returns true when an incomplete upload may remain.
 */
async function abortLeftover(bucket, Key, uploadId) {
    if (!uploadId)
        return false;
    try {
        await bucket.client.send(new dist_cjs.AbortMultipartUploadCommand({ Bucket: bucket.bucket, Key, UploadId: uploadId }));
        return false;
    }
    catch (error) {
        return statusOf(error) !== 404; // NoSuchUpload: already aborted
    }
}
/**
 * When a multipart upload was last written to: its newest part, or its start. undefined once it is gone
 * (completed or aborted). Without ListParts (a server that lacks it, credentials without s3:ListMultipartUploadParts)
 * the answer is "now": an upload never judged abandoned.
 */
async function lastWrite(bucket, Key, UploadId, initiated) {
    let newest = initiated;
    try {
        for await (const page of (0,dist_cjs.paginateListParts)({ client: bucket.client }, { Bucket: bucket.bucket, Key, UploadId })) {
            for (const part of page.Parts ?? [])
                if (part.LastModified && part.LastModified > newest)
                    newest = part.LastModified;
        }
    }
    catch (error) {
        return statusOf(error) === 404 ? undefined : new Date();
    }
    return newest;
}
//# sourceMappingURL=s3-multipart-cleanup.js.map
// EXTERNAL MODULE: ./node_modules/@aws-sdk/lib-storage/dist-cjs/index.js
var lib_storage_dist_cjs = __webpack_require__(22358);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(46466);
;// CONCATENATED MODULE: ./packages/core/lib/storage/s3-part-check.js

/**
 * Checks an upload without reading it back. S3, and the S3-compatible servers dbops is tested with, answer each
 * stored part (UploadPart) with an ETag that is the MD5 of the bytes the server stored, and the completed object with
 * either the MD5 of those part MD5s suffixed "-N" (S3, MinIO, Ceph) or the MD5 of the whole object it assembled
 * (s3rver, a one-request PutObject). When every part's ETag is the MD5 of what was sent for it, and the object's is
 * what those parts (or the whole bytes sent) give, the server holds exactly what was sent.
 *
 * Objects whose ETags are not MD5s (SSE-KMS, SSE-C, some servers) do not match: the caller then reads the object
 * back, so a mismatch costs time, never a false alarm.
 *
 * lib-storage's Upload keeps the ETags to itself; a client middleware (the SDK's own extension point) reads them off
 * the responses for the keys being checked.
 */
class PartCheck {
    partSize;
    sent = [];
    whole = (0,external_node_crypto_.createHash)('md5');
    part = (0,external_node_crypto_.createHash)('md5');
    inPart = 0;
    storedParts = new Map();
    storedObject;
    finished;
    /** Stops reading ETags off responses: once the upload has settled. */
    stopListening;
    constructor(client, key, partSize) {
        this.partSize = partSize;
        const keys = etagListeners(client);
        keys.set(key, (etag, part) => {
            if (part === undefined)
                this.storedObject = etag;
            else
                this.storedParts.set(part, etag);
        });
        this.stopListening = () => keys.delete(key);
    }
    /** Hashes the bytes sent: the whole, and each part where lib-storage cuts them (every `partSize` bytes). */
    update(chunk) {
        this.whole.update(chunk);
        for (let offset = 0; offset < chunk.length;) {
            const take = Math.min(chunk.length - offset, this.partSize - this.inPart);
            this.part.update(chunk.subarray(offset, offset + take));
            this.inPart += take;
            offset += take;
            if (this.inPart === this.partSize)
                this.endPart();
        }
    }
    /** Whether the server's ETags prove it stored the bytes sent (once the upload is done). */
    matches() {
        const { whole, ofParts } = this.digests();
        if (this.storedParts.size === 0)
            return this.sent.length === 1 && this.storedObject === whole; // PutObject
        const partsMatch = this.storedParts.size === this.sent.length &&
            this.sent.every((md5, i) => this.storedParts.get(i + 1) === md5.toString('hex'));
        return partsMatch && (this.storedObject === ofParts || this.storedObject === whole);
    }
    /** The MD5 of every byte sent, and the ETag S3 gives a multipart object of the parts sent (once the body ended). */
    digests() {
        if (!this.finished) {
            // The last part: short, or the whole (empty) object; a body ending on a part boundary has none.
            if (this.inPart > 0 || this.sent.length === 0)
                this.endPart();
            const ofParts = `${(0,external_node_crypto_.createHash)('md5').update(Buffer.concat(this.sent)).digest('hex')}-${this.sent.length}`;
            this.finished = { whole: this.whole.digest('hex'), ofParts };
        }
        return this.finished;
    }
    endPart() {
        this.sent.push(this.part.digest());
        this.part = (0,external_node_crypto_.createHash)('md5');
        this.inPart = 0;
    }
}
const listeners = new WeakMap();
/** The listeners of one client, by object key; the middleware that calls them is added on first use. */
function etagListeners(client) {
    const known = listeners.get(client);
    if (known)
        return known;
    const keys = new Map();
    listeners.set(client, keys);
    client.middlewareStack.add((next, context) => async (args) => {
        const result = await next(args);
        const input = args.input;
        const listener = input.Key === undefined ? undefined : keys.get(input.Key);
        const etag = result.output.ETag;
        if (listener && etag) {
            const { commandName } = context;
            if (commandName === 'UploadPartCommand' && input.PartNumber)
                listener(unquote(etag), input.PartNumber);
            if (commandName === 'PutObjectCommand' || commandName === 'CompleteMultipartUploadCommand')
                listener(unquote(etag));
        }
        return result;
    }, { step: 'initialize', name: 'dbopsUploadEtags' });
    return keys;
}
function unquote(etag) {
    return etag.replace(/^(W\/)?"|"$/g, '').toLowerCase();
}
//# sourceMappingURL=s3-part-check.js.map
;// CONCATENATED MODULE: ./packages/core/lib/storage/s3-retried-put.js



/**
 * Whether a put that failed with `error` was in fact stored by its own first request. A PutObject or
 * CompleteMultipartUpload can be stored while its answer is lost (a reset connection); the SDK retries it, and the
 * retry is refused because the key now exists (412: every put is sent with If-None-Match '*') or, for a completion,
 * because the upload is gone (NoSuchUpload). The put checked that the key was absent before it began, so the object
 * now there is this put's when it holds exactly what was sent; only then is the failure a success. Anything else
 * (another writer's object, a different size or content) keeps the failure: nothing is overwritten or adopted.
 */
async function storedByThisPut(bucket, Key, error, sent) {
    const status = statusOf(error);
    const name = nameOf(error);
    if (!(status === 412 || name === 'PreconditionFailed' || name === 'NoSuchUpload'))
        return false;
    try {
        const head = await bucket.client.send(new dist_cjs.HeadObjectCommand({ Bucket: bucket.bucket, Key }));
        if (head.ContentLength !== sent.size)
            return false;
        // The server's ETag is the MD5 of what it stored (one request), or of its parts' MD5s (multipart): the proof
        // without a read. Other ETags (SSE-KMS, some servers) say nothing: the object is read and hashed.
        const etag = head.ETag?.replace(/^(W\/)?"|"$/g, '').toLowerCase();
        if (etag === sent.md5 || (sent.partsEtag !== undefined && etag === sent.partsEtag))
            return true;
        const body = await bucket.client.send(new dist_cjs.GetObjectCommand({ Bucket: bucket.bucket, Key }));
        const md5 = (0,external_node_crypto_.createHash)('md5');
        for await (const chunk of body.Body)
            md5.update(chunk);
        return md5.digest('hex') === sent.md5;
    }
    catch {
        return false; // the original failure stands
    }
}
//# sourceMappingURL=s3-retried-put.js.map
;// CONCATENATED MODULE: ./packages/core/lib/storage/s3-upload.js










const MiB = 1024 * 1024;
const MIN_PART_SIZE = 5 * MiB;
const MAX_PART_SIZE = 5 * 1024 * MiB;
function uploadSettings(options) {
    return {
        partSize: checkInteger(options.partSizeBytes ?? 8 * MiB, MIN_PART_SIZE, MAX_PART_SIZE, INPUTS.partSizeBytes, 'a byte count from 5 MiB (5242880) to 5 GiB'),
        queueSize: checkInteger(options.queueSize ?? 4, 1, 64, INPUTS.queueSize, 'a whole number from 1 to 64'),
        objectParams: objectParams(options),
    };
}
/**
 * Streams `body` to `key` through a multipart upload. A failed or cancelled upload settles only after the multipart
 * upload is aborted, and a stored object that does not hold what was sent is removed: nothing that looks complete
 * remains (invariant 1). An existing object is never overwritten (invariant 2).
 */
async function uploadObject(to, key, body, options) {
    const { bucket, settings, objects } = to;
    const Key = objectKey(bucket, key);
    const { signal } = options;
    if (signal?.aborted)
        throw (0,errors/* cancelled */.KW)();
    // Real S3 refuses an overwrite through If-None-Match below; this check covers servers that ignore it (s3rver does).
    if (await objects.stat(key))
        throw alreadyExists(bucket, key);
    // Small parts keep memory low (about partSize × (queueSize + 2)); S3 allows 10,000 parts, so a larger expected
    // object gets larger parts (sized for 9,000, leaving room for an object larger than its hint).
    const partSize = Math.max(settings.partSize, Math.ceil((options.sizeHint ?? 0) / 9_000));
    const check = options.check ? new PartCheck(bucket.client, Key, partSize) : undefined;
    // Upload reads from `counter`; the caller's stream feeds it. Destroying `counter` is how a put is cancelled:
    // Upload then stops reading, waits for the parts in flight, aborts the multipart upload, and only then rejects.
    // (upload.abort() would reject at once and leave that cleanup running in the background, racing the caller.)
    let size = 0;
    // What was sent, to know it again should a retried request find the key taken (s3-retried-put.ts). The part
    // check hashes it already; without one, an MD5 of the bytes.
    const md5 = check ? undefined : (0,external_node_crypto_.createHash)('md5');
    const sent = () => {
        if (!check)
            return { size, md5: md5.digest('hex') };
        const { whole, ofParts } = check.digests();
        return { size, md5: whole, partsEtag: ofParts };
    };
    const counter = new external_node_stream_.Transform({
        transform(chunk, _encoding, callback) {
            size += chunk.length;
            check?.update(chunk);
            md5?.update(chunk);
            callback(null, chunk);
        },
    });
    let bodyError;
    const feeding = (0,promises_.pipeline)(Buffer.isBuffer(body) ? external_node_stream_.Readable.from([body]) : body, counter).catch((error) => {
        bodyError = error;
    });
    const onAbort = () => counter.destroy((0,errors/* cancelled */.KW)());
    signal?.addEventListener('abort', onAbort, { once: true });
    const upload = new lib_storage_dist_cjs/* Upload */._({
        client: bucket.client,
        partSize,
        queueSize: settings.queueSize,
        leavePartsOnError: false,
        params: {
            Bucket: bucket.bucket,
            Key,
            Body: counter,
            IfNoneMatch: '*',
            ...(options.contentType ? { ContentType: options.contentType } : {}),
            ...settings.objectParams,
        },
    });
    /** Stored by a request whose answer was lost: its ETag was never seen, so the caller reads the object back. */
    let retried = false;
    try {
        await upload.done();
    }
    catch (error) {
        counter.destroy(); // releases the caller's stream if the upload stopped reading it
        await feeding;
        const leftover = await abortLeftover(bucket, Key, upload.uploadId);
        // put() reports a cancellation as such; the body's own failure (e.g. the dump's) passes through unchanged;
        // anything else is the store's failure, even when the caller aborted in reaction to it.
        if (error === bodyError || (signal?.aborted && error.name === 'AbortError'))
            throw error;
        // Every byte was sent (the body ended) and a retry found the key taken: stored by the first attempt, whose
        // answer was lost? When the object holds what was sent, the put succeeded (failing would make the caller remove it).
        const stored = bodyError === undefined && (await storedByThisPut(bucket, Key, error, sent()));
        if (!stored)
            throw s3Failure(bucket, error, 'writing', key, leftover);
        retried = true;
    }
    finally {
        signal?.removeEventListener('abort', onAbort);
        check?.stopListening();
    }
    if (signal?.aborted) {
        // Cancelled after the last byte was sent: the object is complete, but the caller asked for nothing to remain.
        await objects.delete(key);
        throw (0,errors/* cancelled */.KW)();
    }
    // The object must hold what was sent, or the put fails and leaves nothing: a server can accept an upload and
    // keep something else (S3-compatible servers that store a streamed body's aws-chunked framing).
    const stored = await objects.stat(key);
    if (stored?.size !== size) {
        await objects.delete(key).catch(() => undefined);
        throw new errors/* DbopsError */.zJ('STORAGE_FAILED', `Input '${bucket.inputName}' (${bucket.display}): ${locate(bucket, key)} holds ${stored ? `${stored.size} bytes` : 'nothing'} after ${size} bytes were uploaded`, {
            input: bucket.inputName,
            hint: `The S3 server kept something other than the upload; the object was removed. S3-compatible servers that mishandle streamed checksums store their framing: set s3-checksum to WHEN_REQUIRED.`,
        });
    }
    // The server's ETags prove it holds what was sent; without that proof the caller reads the object back.
    return !retried && check?.matches() ? { size, checked: 'part-md5' } : { size };
}
function objectParams(options) {
    const { serverSideEncryption, kmsKeyId, storageClass } = options;
    if (kmsKeyId && serverSideEncryption === 'AES256') {
        throw (0,errors/* invalidInput */.aY)(INPUTS.kmsKeyId, `cannot be used with ${INPUTS.serverSideEncryption} AES256`, `Set ${INPUTS.serverSideEncryption} to aws:kms or aws:kms:dsse, or remove ${INPUTS.kmsKeyId}.`);
    }
    const sse = serverSideEncryption ?? (kmsKeyId ? 'aws:kms' : undefined);
    return {
        ...(sse ? { ServerSideEncryption: sse } : {}),
        ...(kmsKeyId ? { SSEKMSKeyId: kmsKeyId } : {}),
        ...(storageClass?.trim() ? { StorageClass: storageClass.trim() } : {}),
    };
}
function checkInteger(value, min, max, input, validForm) {
    if (!Number.isInteger(value) || value < min || value > max)
        throw (0,errors/* invalidInput */.aY)(input, `is ${value}, out of range`, `Use ${validForm}.`);
    return value;
}
//# sourceMappingURL=s3-upload.js.map
;// CONCATENATED MODULE: ./packages/core/lib/storage/s3.js







/**
 * Backups in an S3 bucket (or an S3-compatible server). The client and its configuration are in s3-client.ts,
 * uploads in s3-upload.ts, the clean-up of incomplete multipart uploads in s3-multipart-cleanup.ts and the
 * translation of SDK errors in s3-errors.ts.
 */
class S3Storage {
    display;
    bucket;
    settings;
    constructor(location, options) {
        this.bucket = s3Bucket(location, options);
        this.settings = uploadSettings(options);
        this.display = this.bucket.display;
    }
    async preflight() {
        try {
            await this.bucket.client.send(new dist_cjs.HeadBucketCommand({ Bucket: this.bucket.bucket }));
        }
        catch (error) {
            throw s3Failure(this.bucket, error, 'checking');
        }
    }
    /** A failed or cancelled put settles only after its multipart upload is aborted: nothing is left under the key. */
    async put(key, body, options = {}) {
        try {
            return await uploadObject({ bucket: this.bucket, settings: this.settings, objects: this }, key, body, options);
        }
        catch (error) {
            if (!Buffer.isBuffer(body))
                body.destroy(); // whoever feeds the body must not wait for a reader that is gone
            // A storage failure keeps its own error even if the caller has since aborted because of it.
            throw options.signal?.aborted && !(error instanceof errors/* DbopsError */.zJ) ? (0,errors/* cancelled */.KW)() : error;
        }
    }
    async get(key, options = {}) {
        try {
            const output = await this.bucket.client.send(new dist_cjs.GetObjectCommand({ Bucket: this.bucket.bucket, Key: objectKey(this.bucket, key) }), { abortSignal: options.signal });
            return output.Body;
        }
        catch (error) {
            if (options.signal?.aborted)
                throw (0,errors/* cancelled */.KW)();
            throw s3Failure(this.bucket, error, 'reading', key);
        }
    }
    async stat(key) {
        try {
            const output = await this.bucket.client.send(new dist_cjs.HeadObjectCommand({ Bucket: this.bucket.bucket, Key: objectKey(this.bucket, key) }));
            return { key, size: output.ContentLength ?? 0, lastModified: output.LastModified ?? new Date(0) };
        }
        catch (error) {
            // HEAD responses have no body, so a missing key and a missing bucket both arrive as a bare 404.
            if (statusOf(error) === 404)
                return undefined;
            throw s3Failure(this.bucket, error, 'reading', key);
        }
    }
    async list(prefix) {
        (0,storage_key/* checkKey */.y)(prefix, { prefix: true });
        const { client, bucket, keyPrefix } = this.bucket;
        const found = [];
        try {
            for await (const page of (0,dist_cjs.paginateListObjectsV2)({ client }, { Bucket: bucket, Prefix: keyPrefix + prefix })) {
                for (const object of page.Contents ?? []) {
                    // Keys ending in '/' are "folder" markers made by consoles, not backups.
                    if (!object.Key || object.Key.endsWith('/'))
                        continue;
                    found.push({
                        key: object.Key.slice(keyPrefix.length),
                        size: object.Size ?? 0,
                        lastModified: object.LastModified ?? new Date(0),
                    });
                }
            }
        }
        catch (error) {
            throw s3Failure(this.bucket, error, 'listing');
        }
        return found; // S3 lists in key order (UTF-8 binary)
    }
    async delete(key) {
        try {
            await this.bucket.client.send(new dist_cjs.DeleteObjectCommand({ Bucket: this.bucket.bucket, Key: objectKey(this.bucket, key) }));
        }
        catch (error) {
            throw s3Failure(this.bucket, error, 'deleting', key);
        }
    }
    listIncomplete(prefix) {
        return listIncomplete(this.bucket, prefix);
    }
    discardIncomplete(upload, idleSince) {
        return discardIncomplete(this.bucket, upload, idleSince);
    }
    locate(key) {
        return locate(this.bucket, key);
    }
}
//# sourceMappingURL=s3.js.map

/***/ })

};
