export const id = 528452289658;
export const ids = [528452289658];
export const modules = {

/***/ 80128:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A: () => (/* binding */ openBackupSource)
/* harmony export */ });
/* harmony import */ var _storage_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31191);

/** Opens the location, which must exist: a typo in `from` is an error, never an empty list. */
function openBackupSource(source) {
    return (0,_storage_index_js__WEBPACK_IMPORTED_MODULE_0__/* .openStorage */ .G)(source.from, {
        inputName: 'from',
        existing: true,
        ...(source.s3 ? { s3: source.s3 } : {}),
        ...(source.artifacts ? { artifacts: source.artifacts } : {}),
    });
}
//# sourceMappingURL=backup-source.js.map

/***/ }),

/***/ 83238:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  R: () => (/* binding */ backup)
});

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(46466);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var lib_errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
// EXTERNAL MODULE: ./packages/core/lib/databases/index.js + 20 modules
var databases = __webpack_require__(93556);
// EXTERNAL MODULE: ./packages/core/lib/pipeline/measure.js
var measure = __webpack_require__(85316);
// EXTERNAL MODULE: ./packages/core/lib/crypto/age/encrypt.js
var encrypt = __webpack_require__(75578);
// EXTERNAL MODULE: ./packages/core/lib/crypto/age/keys.js
var keys = __webpack_require__(16459);
// EXTERNAL MODULE: ./packages/core/lib/storage/open-storage.js
var open_storage = __webpack_require__(31191);
// EXTERNAL MODULE: ./packages/core/lib/storage/put-record.js
var put_record = __webpack_require__(56054);
// EXTERNAL MODULE: ./packages/core/lib/operations/verify-stored.js
var verify_stored = __webpack_require__(71239);
// EXTERNAL MODULE: ./packages/core/lib/manifest/manifest.js
var manifest_manifest = __webpack_require__(96702);
// EXTERNAL MODULE: ./packages/core/lib/manifest/layout.js
var layout = __webpack_require__(8273);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs/promises"
var external_node_fs_promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./packages/core/lib/files/read-chunk-size.js
var read_chunk_size = __webpack_require__(49091);
// EXTERNAL MODULE: ./packages/core/lib/pipeline/compression.js
var pipeline_compression = __webpack_require__(64678);
;// CONCATENATED MODULE: ./packages/core/lib/pipeline/compress-file.js





/**
 * A local file of `bytes` bytes (it no longer changes), compressed: `source` piped through `stages`. Where Node has
 * zstd in zlib (22.15+, 24) it compresses in-process on libuv's threads: a parallel dump compresses many files, and
 * starting a zstd process for each costs more than the compression of a small one. Elsewhere the zstd command reads
 * the file itself. Reads and zlib's zstd are sized to the file: thousands of small files each given a 1 MiB read
 * buffer and a compressor's full window grew the process's native memory with their number.
 */
async function compressedFile(path, bytes, compression, level, signal) {
    const read = () => (0,external_node_fs_.createReadStream)(path, { highWaterMark: (0,read_chunk_size/* readChunkSize */.B)(bytes) });
    if (compression === 'zstd' && (0,pipeline_compression/* hasBuiltinZstd */.T9)()) {
        const compressor = (0,pipeline_compression/* createCompressor */._S)(compression, level, { preferZlib: true, pledgedBytes: bytes, signal });
        return { source: read(), stages: [compressor] };
    }
    const file = await (0,external_node_fs_promises_.open)(path, 'r');
    try {
        // The child gets its own copy of the descriptor when it starts; ours is closed below either way.
        const zstd = (0,pipeline_compression/* compressingProcess */.mk)(compression, level, file.fd, { signal });
        if (zstd)
            return { source: external_node_stream_.Readable.from(zstd.output()), stages: [] };
    }
    finally {
        await file.close();
    }
    const compressor = (0,pipeline_compression/* createCompressor */._S)(compression, level, { signal });
    return { source: read(), stages: compressor ? [compressor] : [] };
}
//# sourceMappingURL=compress-file.js.map
;// CONCATENATED MODULE: ./packages/core/lib/operations/backup-parts.js











/**
 * Parts stored at once: twice the jobs, as a part's store is mostly waiting (fsync, S3 round trips, the read-back),
 * and at most 8, as each S3 upload of a large part buffers up to about 48 MiB.
 */
const MAX_UPLOADS = 8;
/**
 * Parts up to this size are handled whole in memory (storeWhole): at most MAX_UPLOADS of them at once, each held
 * about three times (read, compressed, encrypted), so a few MiB at worst.
 */
const WHOLE_PART_BYTES = 256 * 1024;
/**
 * A parallel dump into storage: each file the dump program finishes goes through compression, encryption and
 * SHA-256 into storage as its own object while the dump goes on, is checked by the storage as it is stored (or read
 * back and compared), and its local copy is deleted. The first failure stops the dump and the other uploads (S3 uploads are aborted); the caller removes the
 * parts already stored (`stored`).
 */
async function dumpPartsToStorage(input) {
    const { log } = input;
    const abort = new AbortController();
    const onOuterAbort = () => abort.abort();
    input.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (input.signal?.aborted)
        abort.abort();
    const started = Date.now();
    const done = [];
    const checks = new Set();
    const errors = [];
    const fail = (error) => {
        errors.push(error);
        abort.abort();
    };
    const progress = setInterval(() => {
        const bytes = done.reduce((sum, p) => sum + p.storedBytes, 0);
        log.info(`… ${done.length} files, ${(0,format/* formatBytes */.z3)(bytes)} stored so far`);
    }, 15_000);
    progress.unref();
    const dump = await input.source.startParallelDump({ jobs: input.jobs, signal: abort.signal }).catch((error) => {
        clearInterval(progress);
        input.signal?.removeEventListener('abort', onOuterAbort);
        throw error;
    });
    const running = new Set();
    const uploads = Math.min(2 * input.jobs, MAX_UPLOADS);
    // Wakes the loop when a part is done. Not Promise.race(running): that adds a reaction to every running part's
    // promise for every part started, each kept until that part ends.
    let slotFreed;
    try {
        try {
            for await (const part of dump.parts) {
                while (running.size >= uploads && errors.length === 0)
                    await new Promise((wake) => (slotFreed = wake));
                if (errors.length > 0)
                    break;
                const task = storePart(input, part, abort.signal)
                    .then(({ checked, ...stored }) => {
                    checks.add(checked);
                    done.push(stored);
                }, fail)
                    .finally(() => {
                    running.delete(task);
                    slotFreed?.();
                    slotFreed = undefined;
                });
                running.add(task);
            }
        }
        catch (error) {
            fail(error);
        }
        await Promise.all(running);
        if (errors.length > 0) {
            if (input.signal?.aborted)
                throw (0,lib_errors/* cancelled */.KW)();
            // The first failure is the cause: the others are the stop it set off (uploads aborted, pg_dump terminated).
            const cause = errors[0];
            throw cause instanceof lib_errors/* DbopsError */.zJ ? cause : partsError(cause);
        }
        const record = await dump.verify(done.map((p) => p.file));
        const sorted = done.sort((a, b) => (a.file < b.file ? -1 : 1));
        const toc = sorted.find((p) => p.file === 'toc.dat');
        const rawBytes = sorted.reduce((sum, p) => sum + p.rawBytes, 0);
        const storedBytes = sorted.reduce((sum, p) => sum + p.storedBytes, 0);
        const seconds = (Date.now() - started) / 1000;
        log.info(`Dumped ${(0,format/* formatBytes */.z3)(rawBytes)} with ${input.jobs} jobs → stored ${(0,format/* formatBytes */.z3)(storedBytes)} in ${sorted.length} files in ${(0,format/* formatSeconds */.Xo)(seconds)} (${(0,format/* formatRate */.CE)(rawBytes, seconds)})`);
        const storedCheck = weakest(checks);
        return { toc, parts: sorted.filter((p) => p !== toc), record, rawBytes, storedBytes, storedCheck };
    }
    finally {
        clearInterval(progress);
        input.signal?.removeEventListener('abort', onOuterAbort);
        await dump.dispose();
    }
}
/**
 * One file: compressed, encrypted, hashed and stored, checked by the storage as it stored it (or read back and
 * compared); then deleted locally.
 */
async function storePart(input, part, signal) {
    const rawBytes = (await (0,external_node_fs_promises_.stat)(part.path)).size;
    const key = input.keyOf(part.file);
    const sent = rawBytes <= WHOLE_PART_BYTES && (0,pipeline_compression/* compressesInProcess */.nO)(input.compression)
        ? await storeWhole(input, part.path, key, signal)
        : await storeStreamed(input, part.path, rawBytes, key, signal);
    if (!sent.checked)
        await (0,verify_stored/* verifyStoredObject */.Y)(input.storage, key, sent.bytes, sent.sha256, signal);
    await (0,external_node_fs_promises_.unlink)(part.path);
    const checked = sent.checked ?? 'reread';
    return { file: part.file, key, rawBytes, storedBytes: sent.bytes, sha256: sent.sha256, checked };
}
/**
 * A small file read, compressed, encrypted and hashed whole, and stored as one buffer: a table of a few KiB does not
 * need a pipeline of five streams, whose objects (thousands of parts) outlived young garbage collections and grew
 * Node's young generation to its maximum (bench/README.md, memory at many tables).
 */
async function storeWhole(input, path, key, signal) {
    const compressed = (0,pipeline_compression/* compressWhole */._4)(await (0,external_node_fs_promises_.readFile)(path, { signal }), input.compression, input.compressionLevel);
    const encrypted = input.recipients.length > 0 || input.passphrase;
    const body = encrypted
        ? await (0,encrypt/* ageEncrypt */.zz)(compressed, {
            recipients: input.recipients,
            ...(input.passphrase ? { passphrase: input.passphrase } : {}),
        })
        : compressed;
    const put = await input.storage.put(key, body, {
        signal,
        contentType: 'application/octet-stream',
        sizeHint: body.length,
        check: true,
    });
    input.stored.push(key);
    const sha256 = (0,external_node_crypto_.createHash)('sha256').update(body).digest('hex');
    return { bytes: body.length, sha256, ...(put.checked ? { checked: put.checked } : {}) };
}
/** A larger file streamed through compression, encryption and SHA-256 into storage. */
async function storeStreamed(input, path, rawBytes, key, signal) {
    const { source, stages } = await compressedFile(path, rawBytes, input.compression, input.compressionLevel, signal);
    const all = [...stages];
    if (input.recipients.length > 0 || input.passphrase) {
        all.push((0,encrypt/* createAgeEncryptStream */.x)({
            recipients: input.recipients,
            ...(input.passphrase ? { passphrase: input.passphrase } : {}),
        }));
    }
    const digest = new measure/* Digest */.n();
    const body = new external_node_stream_.PassThrough({ highWaterMark: 1 << 20 });
    const flowing = (0,promises_.pipeline)([source, ...all, digest, body], { signal });
    const storing = input.storage.put(key, body, {
        signal,
        contentType: 'application/octet-stream',
        sizeHint: 2 * rawBytes + (1 << 20),
        check: true,
    });
    const [flowed, put] = await Promise.allSettled([flowing, storing]);
    if (put.status === 'fulfilled')
        input.stored.push(key);
    if (flowed.status === 'rejected')
        throw flowed.reason;
    if (put.status === 'rejected')
        throw put.reason;
    const { checked } = put.value;
    return { bytes: digest.bytes, sha256: digest.sha256, ...(checked ? { checked } : {}) };
}
/** Weakest first: a part checked by its ETag proves less than one read back (read-behind reads each write back). */
const BY_STRENGTH = ['part-md5', 'read-behind', 'reread'];
/** The check that holds for every part: the weakest of theirs (a backup of no parts was all read back). */
function weakest(checks) {
    return BY_STRENGTH.find((check) => checks.has(check)) ?? 'reread';
}
function partsError(error) {
    const message = error instanceof Error ? error.message : String(error);
    return new lib_errors/* DbopsError */.zJ('DUMP_FAILED', `The parallel backup failed: ${message}`, {
        cause: error,
        hint: 'Nothing was recorded as a backup; see the message for the cause.',
    });
}
//# sourceMappingURL=backup-parts.js.map
// EXTERNAL MODULE: ./packages/core/lib/version.js
var version = __webpack_require__(81757);
// EXTERNAL MODULE: ./packages/core/lib/operations/rotate.js + 1 modules
var rotate = __webpack_require__(10131);
;// CONCATENATED MODULE: ./packages/core/lib/operations/backup.js















/**
 * Dumps a PostgreSQL database into storage: pg_dump (custom format) → compression → age encryption → SHA-256 →
 * storage, streamed end to end. Verifies the archive's table of contents and the stored object's checksum, and
 * writes the manifest last; a run that fails or is cancelled leaves no manifest and no object behind.
 */
async function backup(options) {
    const { log, secrets } = options;
    const clock = options.clock ?? (() => new Date());
    const startedAt = clock();
    secrets.add(options.target.password);
    secrets.add(options.passphrase);
    secrets.add(options.s3?.secretAccessKey);
    secrets.add(options.s3?.sessionToken);
    const storage = await (0,open_storage/* openStorage */.G)(options.to, {
        inputName: options.toInput ?? 'to',
        ...(options.s3 ? { s3: options.s3 } : {}),
        ...(options.artifacts ? { artifacts: options.artifacts } : {}),
        ...(options.artifactRetentionDays ? { artifactRetentionDays: options.artifactRetentionDays } : {}),
    });
    await storage.preflight();
    /** The keys stored until the manifest is: what to remove if the run fails in between (the object, or parts). */
    const stored = [];
    /** The manifest's key once its write has begun: a failed run removes it (it may exist despite an error). */
    let manifestAt;
    try {
        const engine = (0,databases/* engineFor */.Ec)(options.target);
        const settings = {
            scope: options.scope,
            extraArgs: options.pgDumpArgs,
            exactCountMaxBytes: options.exactCountMaxBytes,
            env: options.env,
            ...(options.pgBinDir ? { binDir: options.pgBinDir } : {}),
            ...(options.lockWaitTimeoutMs ? { lockWaitTimeoutMs: options.lockWaitTimeoutMs } : {}),
            ...(options.consistency ? { consistency: options.consistency } : {}),
        };
        const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
        const result = await engine.withDumpSource(options.target, settings, context, async (source) => {
            const name = options.name ?? (0,layout/* defaultBackupName */.$A)(options.target.database);
            const backupId = (0,layout/* newBackupId */._H)(startedAt);
            const encrypted = options.recipients.length > 0 || !!options.passphrase;
            if (!encrypted)
                log.warn('This backup is not encrypted: anyone who can read the storage can read the data. Set encrypt-to to an age recipient.');
            const jobs = options.jobs ?? 1;
            if (jobs > 1 && !source.startParallelDump) {
                throw (0,lib_errors/* invalidInput */.aY)('jobs', `is ${jobs}, but ${engine.name} backups are not dumped in parallel`, '1, or no jobs');
            }
            if (jobs > 1 && options.passphrase) {
                // Every part is its own age file, and a passphrase costs each one an scrypt (about a second) both ways.
                throw (0,lib_errors/* invalidInput */.aY)('jobs', `is ${jobs}, which cannot be combined with encrypt-passphrase (each of the many parts would pay a passphrase's scrypt, on backup and on restore)`, 'encrypt-to (age recipients) with jobs above 1, or jobs 1 with a passphrase');
            }
            if (options.signal?.aborted)
                throw (0,lib_errors/* cancelled */.KW)();
            const written = jobs > 1
                ? await writeParts({ ...options, jobs, source, storage, stored, name, backupId, encrypted })
                : await writeArchive({ ...options, source, storage, stored, name, backupId, encrypted });
            const { object, dumped } = written;
            const finishedAt = clock();
            const durationSeconds = (finishedAt.getTime() - startedAt.getTime()) / 1000;
            const manifest = {
                formatVersion: 1,
                backupId,
                name,
                engine: engine.name,
                database: options.target.database,
                ...dumped.origin,
                startedAt: startedAt.toISOString(),
                finishedAt: finishedAt.toISOString(),
                durationSeconds,
                object: {
                    key: object.key,
                    format: dumped.format,
                    compression: { algorithm: options.compression, level: options.compressionLevel },
                    encryption: encryptionRecord(options),
                    rawBytes: object.rawBytes,
                    storedBytes: object.storedBytes,
                    sha256: object.sha256,
                },
                ...(written.parts ? { parts: written.parts } : {}),
                ...dumped.contents,
                verification: {
                    checksumReread: written.storedCheck !== 'part-md5',
                    storedCheck: written.storedCheck,
                    ...dumped.verification,
                },
                ...(options.github ? { github: options.github } : {}),
                dbops: { version: version/* DBOPS_VERSION */.m },
            };
            // Invariant 1: the manifest is written last, after every byte is stored and verified, and only if the object
            // (and every part) is still there (nothing removed it while it was being verified).
            await checkStillStored(storage, manifest, 'changed or disappeared before its manifest was written', {
                hint: 'Something else writes to or rotates this location while backups run (a grace-period shorter than a backup takes?).',
            });
            manifestAt = (0,layout/* manifestKey */.Rn)(name, backupId);
            // Never write a manifest the catalog would call damaged, and report success only once it is stored whole. It is
            // checked as it is, not parsed back from its text: at 10,000 parts that made a second copy of every entry.
            (0,manifest_manifest/* checkManifest */.K7)(manifest, storage.locate(manifestAt));
            const manifestBytes = (0,manifest_manifest/* serializeManifest */.MZ)(manifest);
            await (0,put_record/* putRecord */.j)(storage, manifestAt, manifestBytes, { contentType: 'application/json' });
            // A rotation that listed this object as a leftover before the manifest existed may delete it after: check.
            await checkStillStored(storage, manifest, 'disappeared as its manifest was written', {
                hint: 'Something else rotates this location while backups run: make its grace-period longer than a backup takes.',
            });
            stored.length = 0;
            manifestAt = undefined;
            log.info(`Backup ${backupId} complete: ${(0,format/* formatBytes */.z3)(written.storedBytes)} in ${(0,format/* formatSeconds */.Xo)(durationSeconds)}`);
            return {
                backupId,
                location: storage.locate(written.parts ? `${name}/${backupId}` : object.key),
                manifestLocation: storage.locate((0,layout/* manifestKey */.Rn)(name, backupId)),
                manifest,
                sizeBytes: written.storedBytes,
                rawBytes: written.rawBytes,
                sha256: object.sha256,
                durationSeconds,
                storage: storage.display,
            };
        });
        const rotation = options.rotation && (await rotateAfterBackup(storage, result, options.rotation, log));
        return rotation ? { ...result, rotation } : result;
    }
    catch (error) {
        const failure = options.signal?.aborted
            ? (0,lib_errors/* cancelled */.KW)('Nothing was recorded as a complete backup; partial uploads were aborted.')
            : error;
        // The run failed: nothing may remain that looks like a complete backup. The manifest goes first (its put may
        // have reached the storage even if it reported an error), then the object, but only once the manifest is gone:
        // a manifest left describing objects that were removed is a backup that fails when it is needed.
        const manifestLeft = manifestAt && (await removeManifest(storage, manifestAt));
        if (manifestAt && manifestLeft)
            throw keptForManifest(storage, manifestAt, stored, failure, manifestLeft.error);
        for (const key of stored)
            await storage.delete(key).catch(() => undefined);
        throw failure;
    }
}
/** Deletes a failed run's manifest; says why when it may still be there (a delete can fail after taking effect). */
async function removeManifest(storage, key) {
    try {
        await storage.delete(key);
        return undefined;
    }
    catch (error) {
        const gone = await storage.stat(key).then((found) => found === undefined, () => false);
        return gone ? undefined : { error };
    }
}
/** The run's failure, and that its manifest could not be removed, so its objects were kept for the manifest. */
function keptForManifest(storage, manifest, objects, failure, deleteError) {
    const failed = failure instanceof lib_errors/* DbopsError */.zJ ? failure : undefined;
    const why = deleteError instanceof Error ? deleteError.message : String(deleteError);
    const kept = objects.length === 1 ? storage.locate(objects[0]) : `its ${objects.length} objects`;
    return new lib_errors/* DbopsError */.zJ(failed?.code ?? 'STORAGE_FAILED', `${failed?.message ?? (failure instanceof Error ? failure.message : String(failure))}; and the failed backup's manifest ${storage.locate(manifest)} could not be removed: ${why}`, {
        cause: failure,
        ...(failed?.input ? { input: failed.input } : {}),
        hint: `${kept} ${objects.length === 1 ? 'was' : 'were'} kept, so that the manifest does not describe a backup whose objects are gone. The backup failed: do not rely on it; remove the manifest, then its objects.${failed?.hint ? ` ${failed.hint}` : ''}`,
    });
}
/** The single stream: one archive, verified on the side while it streams, then read back from storage. */
async function writeArchive(input) {
    const { storage, log } = input;
    const key = (0,layout/* objectKey */.T5)(input.name, input.backupId, input.compression, input.encrypted);
    const stream = await dumpToStorage({ ...input, key }).catch(async (error) => {
        throw await input.source.explainFailure(error);
    });
    input.stored.push(key);
    await input.source.release();
    let dumped;
    try {
        dumped = await stream.verify();
        // The storage checked the object as it stored it, or it is read back now.
        if (!stream.checked)
            await (0,verify_stored/* verifyStoredObject */.Y)(storage, key, stream.storedBytes, stream.sha256, input.signal);
    }
    catch (error) {
        log.warn(`${storage.locate(key)} failed verification`);
        throw error;
    }
    const { rawBytes, storedBytes, sha256 } = stream;
    const object = { file: key.slice(key.lastIndexOf('/') + 1), key, rawBytes, storedBytes, sha256 };
    return { object, dumped, rawBytes, storedBytes, storedCheck: stream.checked ?? 'reread' };
}
/** jobs > 1: the dump program's directory format, each file stored as a part of the backup as soon as it is complete. */
async function writeParts(input) {
    const written = await dumpPartsToStorage({
        ...input,
        keyOf: (file) => (0,layout/* partKey */.be)(input.name, input.backupId, file, input.compression, input.encrypted),
    }).catch(async (error) => {
        throw await input.source.explainFailure(error);
    });
    await input.source.release();
    const { toc, parts, record, rawBytes, storedBytes, storedCheck } = written;
    return { object: toc, parts, dumped: record, rawBytes, storedBytes, storedCheck };
}
/** Fails unless the backup's object and every part are stored with the sizes its manifest gives. */
async function checkStillStored(storage, manifest, what, options) {
    const { key, storedBytes } = manifest.object;
    if ((await storage.stat(key))?.size !== storedBytes)
        throw new lib_errors/* DbopsError */.zJ('VERIFY_FAILED', `${storage.locate(key)} ${what}`, options);
    if (!manifest.parts)
        return;
    // One listing, not a request per part: a parallel dump can have thousands.
    const sizes = new Map((await storage.list(`${manifest.name}/${manifest.backupId}/`)).map((o) => [o.key, o.size]));
    const gone = manifest.parts.find((part) => sizes.get(part.key) !== part.storedBytes);
    if (gone)
        throw new lib_errors/* DbopsError */.zJ('VERIFY_FAILED', `${storage.locate(gone.key)} ${what}`, options);
}
/** Runs the streaming pipeline into storage. Either both the dump and the upload succeed, or both are torn down. */
async function dumpToStorage(input) {
    const { log } = input;
    const abort = new AbortController();
    const onOuterAbort = () => abort.abort();
    input.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (input.signal?.aborted)
        abort.abort();
    const digest = new measure/* Digest */.n();
    const body = new external_node_stream_.PassThrough({ highWaterMark: 1 << 20 });
    let dump;
    const stages = [];
    try {
        const compression = { compression: input.compression, level: input.compressionLevel };
        dump = await input.source.startDump({ ...compression, signal: abort.signal });
        stages.push(...dump.stages);
        if (input.recipients.length > 0 || input.passphrase) {
            stages.push((0,encrypt/* createAgeEncryptStream */.x)({
                recipients: input.recipients,
                ...(input.passphrase ? { passphrase: input.passphrase } : {}),
            }));
        }
    }
    catch (error) {
        abort.abort(); // the processes started above must not outlive a pipeline that was never built
        input.signal?.removeEventListener('abort', onOuterAbort);
        await dump?.dispose();
        throw error;
    }
    stages.push(digest);
    const started = Date.now();
    const progress = setInterval(() => {
        const seconds = (Date.now() - started) / 1000;
        log.info(`… ${(0,format/* formatBytes */.z3)(digest.bytes)} stored so far (${(0,format/* formatRate */.CE)(digest.bytes, seconds)})`);
    }, 15_000);
    progress.unref();
    let firstError;
    const fail = (error) => {
        firstError ??= error;
        abort.abort();
        throw error;
    };
    const flowing = (0,promises_.pipeline)([dump.source, ...stages, body], { signal: abort.signal }).catch(fail);
    const sizeHint = input.source.sizeHint;
    const storing = input.storage
        .put(input.key, body, { signal: abort.signal, contentType: 'application/octet-stream', sizeHint, check: true })
        .catch(fail);
    let stored;
    try {
        const results = await Promise.allSettled([flowing, storing]);
        if (results[1].status === 'fulfilled')
            stored = results[1].value;
        const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
        if (errors.length > 0) {
            // The storage layer has aborted its upload by now; the dump process is killed by the abort.
            if (input.signal?.aborted)
                throw (0,lib_errors/* cancelled */.KW)();
            // One side's failure makes the other side fail too (aborted, premature close): report the cause, the dump's
            // first, then the store's, whichever finished first.
            const cause = errors.find((e) => e instanceof lib_errors/* DbopsError */.zJ && e.code !== 'CANCELLED');
            throw cause ?? (firstError instanceof lib_errors/* DbopsError */.zJ ? firstError : storageOrDumpError(firstError));
        }
    }
    finally {
        clearInterval(progress);
        input.signal?.removeEventListener('abort', onOuterAbort);
        await dump.dispose();
    }
    const rawBytes = await dump.rawBytes;
    const seconds = (Date.now() - started) / 1000;
    log.info(`Dumped ${(0,format/* formatBytes */.z3)(rawBytes)} → stored ${(0,format/* formatBytes */.z3)(digest.bytes)} in ${(0,format/* formatSeconds */.Xo)(seconds)} (${(0,format/* formatRate */.CE)(rawBytes, seconds)})`);
    return {
        rawBytes,
        storedBytes: digest.bytes,
        sha256: digest.sha256,
        verify: dump.verify,
        ...(stored?.checked ? { checked: stored.checked } : {}),
    };
}
function storageOrDumpError(error) {
    const message = error instanceof Error ? error.message : String(error);
    return new lib_errors/* DbopsError */.zJ('DUMP_FAILED', `The backup stream failed: ${message}`, {
        cause: error,
        hint: 'Nothing was recorded as a backup; see the message for the cause.',
    });
}
function encryptionRecord(options) {
    if (options.passphrase)
        return { method: 'age', passphrase: true };
    if (options.recipients.length > 0)
        return { method: 'age', recipients: options.recipients.map(keys/* recipientFingerprint */.AF) };
    return { method: 'none' };
}
/**
 * Rotation is part of the job but not of the backup: it runs once the session has ended, in the storage the backup
 * was written to, and a rotation that fails is reported, never thrown: the backup stands.
 */
async function rotateAfterBackup(storage, result, rotation, log) {
    if (result.storage.startsWith('artifact://')) {
        log.warn('Keep rules do not apply to artifact:// storage: GitHub deletes artifacts after artifact-retention-days.');
        return undefined;
    }
    try {
        return await (0,rotate/* rotateNames */.i)(storage, [result.manifest.name], { ...rotation, dryRun: false, log });
    }
    catch (error) {
        log.warn(`Rotation after the backup failed: ${error.message}`);
        return { error: error };
    }
}
//# sourceMappingURL=backup.js.map

/***/ }),

/***/ 10131:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  e: () => (/* binding */ rotate),
  i: () => (/* binding */ rotateNames)
});

// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/manifest/catalog.js
var manifest_catalog = __webpack_require__(35860);
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
// EXTERNAL MODULE: ./packages/core/lib/manifest/layout.js
var layout = __webpack_require__(8273);
// EXTERNAL MODULE: ./packages/core/lib/manifest/verification.js
var verification = __webpack_require__(40816);
// EXTERNAL MODULE: ./packages/core/lib/retention/policy.js
var retention_policy = __webpack_require__(51200);
;// CONCATENATED MODULE: ./packages/core/lib/retention/plan.js






/**
 * Plans a rotation of the backups filed under exactly `name` (never a sibling or nested name: invariant 3).
 * Only complete backups (with a manifest) are subject to the policy; objects without one are leftovers, deleted
 * once older than the grace period, as are uploads a killed run left unfinished. Only files dbops writes count:
 * another tool's, or a user's copy beside a backup, are never touched. Backups of different databases or servers
 * that share a name (two services' `app` databases backed up to one bucket) are separate histories: each keeps its
 * own newest, buckets and verified minimum. Damaged and future-dated backups are set aside: kept and reported, never
 * counted.
 */
async function planRotation(storage, name, policy, options) {
    const byId = new Map();
    for (const object of await storage.list(`${name}/`)) {
        const id = (0,layout/* ownFileBackupId */.Mw)(object.key.slice(name.length + 1));
        if (!id)
            continue;
        byId.set(id, [...(byId.get(id) ?? []), object]);
    }
    const complete = [];
    const leftovers = [];
    for (const [id, objects] of byId) {
        const keys = objects.map((o) => o.key).sort();
        const manifestKey = keys.find((k) => k.endsWith(layout/* MANIFEST_SUFFIX */.OK));
        if (!manifestKey) {
            const newest = Math.max(...objects.map((o) => o.lastModified.getTime()), (0,layout/* backupIdTime */.NB)(id).getTime());
            const ageSeconds = (options.now.getTime() - newest) / 1000;
            leftovers.push({ backupId: id, keys, ageSeconds, action: ageSeconds > options.graceSeconds ? 'delete' : 'wait' });
            continue;
        }
        const manifest = await (0,manifest_catalog/* readManifest */.WI)(storage, manifestKey);
        if (manifest.name !== name)
            continue;
        const verifiedAt = keys
            .map(verification/* parseVerificationKey */.Qq)
            .filter((r) => r !== undefined)
            .map((r) => r.verifiedAt)
            .sort((a, b) => b.getTime() - a.getTime())[0];
        const setAside = problemOf(manifest, objects, options.now);
        complete.push({
            id,
            source: sourceOf(manifest),
            time: new Date(manifest.startedAt),
            verified: verifiedAt !== undefined,
            keep: setAside !== undefined,
            reasons: setAside ? [setAside.reason] : [],
            keys,
            bytes: objects.reduce((sum, o) => sum + o.size, 0),
            ...(verifiedAt ? { verifiedAt } : {}),
            ...(setAside ? { setAside } : {}),
        });
    }
    const decisions = new Map();
    for (const source of new Set(complete.map((b) => b.source))) {
        const history = complete.filter((b) => b.source === source && !b.setAside);
        for (const decision of (0,retention_policy/* applyRetention */.d)(history, policy))
            decisions.set(decision.id, decision);
    }
    const backups = complete
        .map((b) => (b.setAside ? b : { ...b, keep: decisions.get(b.id).keep, reasons: decisions.get(b.id).reasons }))
        .sort((a, b) => b.time.getTime() - a.time.getTime());
    const incomplete = await storage.listIncomplete(`${name}/`);
    // Only dbops's own uploads of this name's backups: never another name's, nor another tool's in the same place.
    const unfinished = incomplete.uploads
        .filter((upload) => (0,layout/* ownFileBackupId */.Mw)(upload.key.slice(name.length + 1)) !== undefined)
        .map((upload) => {
        const ageSeconds = (options.now.getTime() - upload.since.getTime()) / 1000;
        return { upload, ageSeconds, action: ageSeconds > options.graceSeconds ? 'delete' : 'wait' };
    })
        .sort((a, b) => (a.upload.key < b.upload.key ? 1 : -1));
    return {
        name,
        backups,
        leftovers: leftovers.sort((a, b) => (a.backupId < b.backupId ? 1 : -1)),
        unfinished,
        ...(incomplete.unlisted ? { unfinishedUnlisted: incomplete.unlisted } : {}),
        idleSince: new Date(options.now.getTime() - options.graceSeconds * 1000),
    };
}
/** The database a backup is of, on which server: the cluster's system identifier when known, else host:port. */
function sourceOf(manifest) {
    const source = manifest.source; // absent from hand-made manifests
    const server = source?.systemIdentifier
        ? `cluster ${source.systemIdentifier}`
        : source
            ? `${source.host}:${source.port}`
            : 'an unknown server';
    return `${manifest.database} on ${server}`;
}
function problemOf(manifest, objects, now) {
    // An object or part missing or cut short: the test check-freshness applies too.
    const damage = (0,manifest_catalog/* storedFileProblem */.n)(manifest, new Map(objects.map((o) => [o.key, o.size])));
    if (damage)
        return { reason: 'damaged', detail: damage };
    if ((0,manifest_catalog/* isDatedInFuture */.T6)(manifest, now)) {
        const ahead = (0,format/* formatSeconds */.Xo)((Date.parse(manifest.startedAt) - now.getTime()) / 1000);
        return {
            reason: 'future-dated',
            detail: `it is dated ${manifest.startedAt}, ${ahead} after this run's clock (more than ${(0,format/* formatSeconds */.Xo)(manifest_catalog/* CLOCK_SKEW_MS */.rn / 1000)} of skew: the clock of the machine that took it was wrong)`,
        };
    }
    return undefined;
}
/** Set-aside backups need a person, and unfinished uploads that could not be listed are never cleaned: warn for each. */
function warnSetAside(plan, log) {
    if (plan.unfinishedUnlisted) {
        log.warn(`Unfinished uploads under ${plan.name}/ were not looked for: ${plan.unfinishedUnlisted}. Grant it, or set an AbortIncompleteMultipartUpload lifecycle rule on the bucket.`);
    }
    for (const b of plan.backups) {
        if (b.setAside?.reason === 'damaged') {
            log.warn(`Backup ${plan.name}/${b.id} is damaged: ${b.setAside.detail}. It is kept and not counted as a backup; look into it and delete it by hand.`);
        }
        else if (b.setAside) {
            log.warn(`Backup ${plan.name}/${b.id} is dated in the future: ${b.setAside.detail}. It is kept and not counted as a backup; fix that clock, and delete the backup by hand once you know what it holds.`);
        }
    }
}
/**
 * Deletes what the plan selects. A backup's manifest goes first, so an interrupted rotation never leaves a
 * backup that looks complete without its object; the remains are then ordinary leftovers.
 */
async function executeRotation(storage, plan, log) {
    const deleted = [];
    let freedBytes = 0;
    for (const backup of plan.backups.filter((b) => !b.keep)) {
        const ordered = [
            ...backup.keys.filter((k) => k.endsWith(layout/* MANIFEST_SUFFIX */.OK)),
            ...backup.keys.filter((k) => !k.endsWith(layout/* MANIFEST_SUFFIX */.OK)),
        ];
        for (const key of ordered)
            await storage.delete(key);
        deleted.push(backup.id);
        freedBytes += backup.bytes;
        log.info(`Deleted backup ${backup.id} (${(0,format/* formatBytes */.z3)(backup.bytes)})`);
    }
    for (const leftover of plan.leftovers.filter((l) => l.action === 'delete')) {
        const manifest = `${plan.name}/${leftover.backupId}${layout/* MANIFEST_SUFFIX */.OK}`;
        // A backup that was still finishing when the plan was made may have written its manifest since.
        if (await storage.stat(manifest)) {
            log.info(`Left ${leftover.backupId} alone: its manifest appeared after the plan was made`);
            continue;
        }
        for (const key of leftover.keys)
            await storage.delete(key);
        // The check above and these deletes are not one step: a backup that finished in between (one that took longer
        // than the grace period: an S3 multipart object is dated when its upload began) has lost its objects.
        if (await storage.stat(manifest))
            throw finishedWhileDeleted(storage, plan.name, leftover.backupId, manifest);
        log.info(`Deleted incomplete leftover ${leftover.backupId} (no manifest, ${(0,format/* formatSeconds */.Xo)(leftover.ageSeconds)} old)`);
    }
    for (const { upload, ageSeconds } of plan.unfinished.filter((u) => u.action === 'delete')) {
        // Checked again: a run may have written to it since the plan was made (it is not abandoned then).
        if (await storage.discardIncomplete(upload, plan.idleSince)) {
            log.info(`Discarded the unfinished upload of ${upload.key} (nothing written for ${(0,format/* formatSeconds */.Xo)(ageSeconds)})`);
        }
        else {
            log.info(`Left the unfinished upload of ${upload.key} alone: it was written to after the plan was made, or is gone`);
        }
    }
    return { deleted, freedBytes };
}
/** A leftover whose backup wrote its manifest while rotation deleted its objects: that backup cannot be restored. */
function finishedWhileDeleted(storage, name, backupId, manifest) {
    return new errors/* DbopsError */.zJ('CONFLICT', `Backup ${name}/${backupId} finished while rotation deleted its objects as a leftover: its manifest ${storage.locate(manifest)} now describes objects that are gone`, {
        hint: `That backup cannot be restored: take a new one, then delete ${storage.locate(manifest)}. Make grace-period longer than a backup takes (an S3 multipart object is dated when its upload began).`,
    });
}
//# sourceMappingURL=plan.js.map
// EXTERNAL MODULE: ./packages/core/lib/operations/backup-source.js
var backup_source = __webpack_require__(80128);
;// CONCATENATED MODULE: ./packages/core/lib/operations/rotate.js




/** Rotates every backup name in the location (or the one asked for), each on its own. */
async function rotate(options) {
    const storage = await (0,backup_source/* openBackupSource */.A)(options.source);
    // Names with a damaged manifest count too (by their folder): they are skipped, never silently left out.
    const catalog = options.name ? undefined : await (0,manifest_catalog/* readCatalog */.uM)(storage);
    const names = options.name
        ? [options.name]
        : [...new Set([...catalog.entries.map((e) => e.manifest.name), ...catalog.damaged.map((d) => d.name)])].sort();
    return rotateNames(storage, names, options);
}
/** Rotates these names in an open storage: rotate() for a location, backup() for the name it has just written. */
async function rotateNames(storage, names, options) {
    const { dryRun, log } = options;
    const now = options.now ?? new Date();
    const result = { dryRun, now, plans: [], deletedIds: [], skipped: [] };
    for (const name of names) {
        let plan;
        try {
            plan = await planRotation(storage, name, options.policy, { now, graceSeconds: options.graceSeconds });
        }
        catch (error) {
            if (!(error instanceof errors/* DbopsError */.zJ && error.code === 'INTEGRITY_FAILED'))
                throw error;
            log.warn(`Not rotating ${name}: ${error.message}`);
            result.skipped.push({ name, error });
            continue;
        }
        warnSetAside(plan, log);
        result.plans.push(plan);
        if (dryRun)
            result.deletedIds.push(...plan.backups.filter((b) => !b.keep).map((b) => b.id));
        else
            result.deletedIds.push(...(await executeRotation(storage, plan, log)).deleted);
    }
    return result.skipped.length > 0 ? { ...result, failure: skippedError(result.skipped) } : result;
}
/** The run fails when a name was skipped, after the other names were rotated: the skipped one needs a person. */
function skippedError(skipped) {
    const [first, ...others] = skipped;
    const names = others.map((s) => s.name).join(', ');
    const more = others.length > 0 ? ` (${names} not rotated either, for the same reason)` : '';
    return new errors/* DbopsError */.zJ('INTEGRITY_FAILED', `${first.name} was not rotated: ${first.error.message}${more}`, {
        ...(first.error.hint ? { hint: first.error.hint } : {}),
        cause: first.error,
    });
}
//# sourceMappingURL=rotate.js.map

/***/ }),

/***/ 71239:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Y: () => (/* binding */ verifyStoredObject)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57706);


/**
 * Re-reads a stored object and compares its size and SHA-256 with what was sent. The object is hashed as it is
 * read, in a plain loop: a stream pipeline per object (a hashing stage and a sink) left twice as much of each of a
 * parallel backup's thousands of parts alive across garbage collections, which grew Node's young generation to its
 * maximum (bench/README.md, memory at many tables).
 */
async function verifyStoredObject(storage, key, bytes, sha256, signal) {
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256');
    let read = 0;
    for await (const chunk of await storage.get(key, signal ? { signal } : {})) {
        hash.update(chunk);
        read += chunk.length;
    }
    const stored = hash.digest('hex');
    if (read !== bytes || stored !== sha256) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .DbopsError */ .zJ('VERIFY_FAILED', `The stored object ${storage.locate(key)} does not match what was sent (${read} bytes, sha256 ${stored.slice(0, 12)}…; expected ${bytes} bytes, ${sha256.slice(0, 12)}…)`, {
            hint: 'The storage altered the object on the way (e.g. an S3-compatible server storing aws-chunked framing: set s3-checksum to WHEN_REQUIRED). It was deleted; no backup was recorded.',
        });
    }
}
//# sourceMappingURL=verify-stored.js.map

/***/ }),

/***/ 85316:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   n: () => (/* binding */ Digest)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57075);


/** Passes bytes through unchanged while counting them and computing their SHA-256. */
class Digest extends node_stream__WEBPACK_IMPORTED_MODULE_1__.Transform {
    bytes = 0;
    hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256');
    digestHex;
    _transform(chunk, _encoding, callback) {
        this.bytes += chunk.length;
        this.hash.update(chunk);
        callback(null, chunk);
    }
    _flush(callback) {
        this.digestHex = this.hash.digest('hex');
        callback();
    }
    /** The hex SHA-256 of everything that passed; only valid once the stream has ended. */
    get sha256() {
        if (!this.digestHex)
            throw new Error('Digest read before the stream ended');
        return this.digestHex;
    }
}
//# sourceMappingURL=measure.js.map

/***/ }),

/***/ 51200:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ applyRetention),
/* harmony export */   k: () => (/* binding */ hasKeepRule)
/* harmony export */ });
/* harmony import */ var _data_retention_period_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1148);
/**
 * Which backups to keep, with restic's `forget` semantics (https://restic.readthedocs.io/en/stable/060_forget.html):
 * backups are walked newest first; --keep-last keeps the n newest; each bucket rule (hourly, daily, weekly, monthly,
 * yearly) keeps the newest backup of each of the last n buckets that have one, and the oldest backup when fewer
 * than n buckets have one; --keep-within keeps everything no older than the duration before the newest backup.
 * Times are UTC; weeks are ISO weeks.
 *
 * On top of restic, the guards of docs/architecture.md invariant 3: the newest backup is always kept, and a backup is deleted
 * only while at least `minVerified` verified backups newer than it are kept.
 */

const BUCKETS = [
    ['hourly', (t) => t.toISOString().slice(0, 13)],
    ['daily', (t) => t.toISOString().slice(0, 10)],
    ['weekly', isoWeek],
    ['monthly', (t) => t.toISOString().slice(0, 7)],
    ['yearly', (t) => t.toISOString().slice(0, 4)],
];
function hasKeepRule(policy) {
    return (['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'].some((k) => (policy[k] ?? 0) > 0) ||
        (policy.withinSeconds ?? 0) > 0 ||
        (policy.withinYears ?? 0) > 0);
}
/** Decides, for every backup, whether it is kept and why. Returns newest first. Pure. */
function applyRetention(backups, policy) {
    const sorted = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? 1 : -1));
    const decisions = sorted.map((b) => ({ ...b, keep: false, reasons: [] }));
    const keep = (d, reason) => {
        d.keep = true;
        if (!d.reasons.includes(reason))
            d.reasons.push(reason);
    };
    for (const d of decisions.slice(0, policy.last ?? 0))
        keep(d, 'last');
    for (const [rule, bucketOf] of BUCKETS) {
        let remaining = policy[rule] ?? 0;
        let lastBucket;
        for (const d of decisions) {
            if (remaining <= 0)
                break;
            const bucket = bucketOf(d.time);
            if (bucket === lastBucket)
                continue;
            lastBucket = bucket;
            keep(d, rule);
            remaining--;
        }
        // restic 0.17+: a rule with buckets to spare also keeps the oldest backup, so a young history is not
        // thinned to nothing by a long rule (e.g. keep-monthly 12 after two weeks of backups).
        const oldest = decisions[decisions.length - 1];
        if (remaining > 0 && oldest)
            keep(oldest, rule);
    }
    const newest = decisions[0];
    if (newest && (policy.withinSeconds || policy.withinYears)) {
        const since = (0,_data_retention_period_js__WEBPACK_IMPORTED_MODULE_0__/* .periodStart */ .Ep)(newest.time, {
            years: policy.withinYears ?? 0,
            seconds: policy.withinSeconds ?? 0,
        }).getTime();
        for (const d of decisions)
            if (d.time.getTime() >= since)
                keep(d, 'within');
    }
    if (newest)
        keep(newest, 'newest');
    // Walking oldest → newest would need the final kept set first; newest → oldest counts verified keepers as we go.
    const minVerified = policy.minVerified ?? 0;
    let newerVerifiedKept = 0;
    for (const d of decisions) {
        if (!d.keep && newerVerifiedKept < minVerified)
            keep(d, 'min-verified');
        if (d.keep && d.verified)
            newerVerifiedKept++;
    }
    return decisions;
}
/** ISO 8601 week, e.g. "2026-W47": weeks start on Monday and belong to the year of their Thursday. */
function isoWeek(time) {
    const date = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
    const day = date.getUTCDay() || 7;
    date.setUTCDate(date.getUTCDate() + 4 - day);
    const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
    const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
    return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
//# sourceMappingURL=policy.js.map

/***/ }),

/***/ 81757:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ DBOPS_VERSION)
/* harmony export */ });
/** The dbops version recorded in manifests and shown by the CLI. */
const DBOPS_VERSION = '0.1.0';
//# sourceMappingURL=version.js.map

/***/ })

};
