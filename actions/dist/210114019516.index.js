export const id = 210114019516;
export const ids = [210114019516];
export const modules = {

/***/ 47864:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ac: () => (/* binding */ NAME_FILTER_INPUT),
/* harmony export */   Ez: () => (/* binding */ readRestoreInputs),
/* harmony export */   Ur: () => (/* binding */ DECRYPTION_INPUTS),
/* harmony export */   Uz: () => (/* binding */ DATABASE_FILTER_INPUT),
/* harmony export */   W1: () => (/* binding */ BACKUP_ID_INPUT),
/* harmony export */   cV: () => (/* binding */ readDecryption),
/* harmony export */   tK: () => (/* binding */ readBackupFilter),
/* harmony export */   vW: () => (/* binding */ backupSourceInputs)
/* harmony export */ });
/* unused harmony export readBackupSelection */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(57706);
/* harmony import */ var _crypto_age_index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(16459);
/* harmony import */ var _manifest_layout_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8273);
/* harmony import */ var _storage_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(13103);
/* harmony import */ var _connection_inputs_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(47518);






const BACKUP_ID_INPUT = {
    name: 'backup-id',
    description: "The backup to use; by default the newest complete one (never a restore's pre-restore/ safety backup unless name asks for it, nor one dated in the future).",
    type: 'string',
};
const NAME_FILTER_INPUT = {
    name: 'name',
    description: "Only backups filed under this catalog name (the backup action's name, by default the database name).",
    type: 'string',
};
const DATABASE_FILTER_INPUT = {
    name: 'database',
    description: 'Only backups of this database.',
    type: 'string',
};
/**
 * Where stored backups are (from, its S3 settings, the token for artifacts), with the selectors an action takes
 * (BACKUP_ID_INPUT, NAME_FILTER_INPUT, DATABASE_FILTER_INPUT) between from and the storage settings.
 */
function backupSourceInputs(...selectors) {
    return [
        {
            name: 'from',
            description: 'Where the backups are: s3://bucket/prefix or a local directory.',
            type: 'string',
            required: true,
            env: ['DBOPS_FROM'],
        },
        ...selectors,
        ..._storage_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .S3_INPUTS */ .Z,
        {
            name: 'github-token',
            description: 'Token that finds artifact://NAME backups of earlier workflow runs in this repository (needs actions: read).',
            type: 'string',
            secret: true,
            actionDefault: '${{ github.token }}',
        },
    ];
}
const DECRYPTION_INPUTS = [
    {
        name: 'decrypt-with',
        description: 'age identity (AGE-SECRET-KEY-1...), the content of an identity file, or a path to one.',
        type: 'string',
        secret: true,
        env: ['DBOPS_DECRYPT_WITH'],
    },
    {
        name: 'decrypt-passphrase',
        description: 'age passphrase, for backups encrypted with encrypt-passphrase.',
        type: 'string',
        secret: true,
        env: ['DBOPS_DECRYPT_PASSPHRASE'],
    },
];
/** from, and the optional name / database filters. */
function readBackupFilter(reader) {
    const name = reader.optional('name');
    const database = reader.has('database') ? reader.optional('database') : undefined;
    return {
        from: reader.required('from', 's3://bucket/prefix or a directory path'),
        ...(name ? { name: (0,_manifest_layout_js__WEBPACK_IMPORTED_MODULE_2__/* .parseBackupName */ .Df)(name) } : {}),
        ...(database ? { database } : {}),
    };
}
/** The filter plus an optional backup id. */
function readBackupSelection(reader) {
    const backupId = reader.optional('backup-id');
    return { ...readBackupFilter(reader), ...(backupId ? { backupId: (0,_manifest_layout_js__WEBPACK_IMPORTED_MODULE_2__/* .parseBackupId */ .JN)(backupId) } : {}) };
}
function readDecryption(reader, secrets) {
    let text = reader.optional('decrypt-with');
    if (text && !/AGE-SECRET-KEY-/i.test(text) && ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(text) || looksLikePath(text))) {
        text = readIdentityFile(text);
        secrets.add(text);
    }
    const identities = text ? (0,_crypto_age_index_js__WEBPACK_IMPORTED_MODULE_3__/* .parseIdentities */ .go)(text, 'decrypt-with') : [];
    for (const identity of identities)
        secrets.add(identity);
    const passphrase = reader.optional('decrypt-passphrase');
    return { identities, ...(passphrase ? { passphrase } : {}) };
}
/** One line, no spaces, with a slash or a leading dot: meant as a path (an identity never looks like that). */
function looksLikePath(text) {
    return /^[^\s]+$/.test(text.trim()) && (text.includes('/') || text.startsWith('.'));
}
function readIdentityFile(file) {
    const valid = 'an age identity (AGE-SECRET-KEY-1...), the content of an identity file, or the path of a readable identity file';
    if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(file))
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .invalidInput */ .aY)('decrypt-with', `names a file that does not exist: ${file}`, valid);
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(file).isDirectory())
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .invalidInput */ .aY)('decrypt-with', `names a directory, not an identity file: ${file}`, valid);
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8');
    }
    catch (error) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .invalidInput */ .aY)('decrypt-with', `names a file that cannot be read (${error.code ?? error.message}): ${file}`, valid);
    }
}
/** Everything restore and restore-test read alike: the backup, where it goes, how to decrypt it, pg_restore's settings. */
async function readRestoreInputs(reader, context) {
    const jobs = reader.integer('jobs');
    const pgBinDir = reader.optional('pg-bin-dir');
    return {
        ...readBackupSelection(reader),
        s3: (0,_storage_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .readS3Options */ .R)(reader),
        ...(context.artifacts ? { artifacts: context.artifacts } : {}),
        target: await (0,_connection_inputs_js__WEBPACK_IMPORTED_MODULE_5__/* .readConnection */ .dC)(reader, 'target-url'),
        decryption: readDecryption(reader, context.secrets),
        ...(jobs ? { jobs } : {}),
        ...(pgBinDir ? { pgBinDir } : {}),
        env: context.env,
        secrets: context.secrets,
        log: context.log,
        signal: context.signal,
    };
}
//# sourceMappingURL=backup-source-inputs.js.map

/***/ }),

/***/ 31059:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Tz: () => (/* binding */ fetchBackup),
  By: () => (/* binding */ restoreArchive),
  dH: () => (/* binding */ restoreBackup)
});

// UNUSED EXPORTS: defaultJobs

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(46466);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: ./packages/core/lib/crypto/age/failures.js
var failures = __webpack_require__(87632);
// EXTERNAL MODULE: ./packages/core/lib/crypto/age/header.js
var age_header = __webpack_require__(11046);
// EXTERNAL MODULE: ./packages/core/lib/crypto/age/keys.js
var keys = __webpack_require__(16459);
// EXTERNAL MODULE: ./packages/core/lib/crypto/age/payload.js
var payload = __webpack_require__(82081);
// EXTERNAL MODULE: ./packages/core/lib/crypto/age/primitives.js
var primitives = __webpack_require__(27705);
// EXTERNAL MODULE: ./packages/core/lib/crypto/age/stanzas.js
var stanzas = __webpack_require__(71009);
;// CONCATENATED MODULE: ./packages/core/lib/crypto/age/decrypt.js
// Age file in, plaintext out: a Transform that releases each 64 KiB chunk only after it authenticates.








const DEFAULT_MAX_SCRYPT_WORK_FACTOR = 22;
function createAgeDecryptStream(options) {
    const identities = options.identities
        .filter((text) => text.trim() !== '')
        .flatMap((text) => (0,keys/* parseIdentities */.go)(text, 'decrypt-with'))
        .map(stanzas/* toX25519Identity */.w1);
    const passphrase = options.passphrase === '' ? undefined : options.passphrase;
    if (identities.length === 0 && passphrase === undefined) {
        const validForm = `${keys/* IDENTITY_FORM */.U}; or a passphrase`;
        throw (0,errors/* invalidInput */.aY)('decrypt-with', 'is empty, and no passphrase was given', validForm);
    }
    const maxLogN = options.maxScryptWorkFactor ?? DEFAULT_MAX_SCRYPT_WORK_FACTOR;
    if (!Number.isInteger(maxLogN) || maxLogN < 1) {
        const validForm = `log2 of scrypt's N, ${DEFAULT_MAX_SCRYPT_WORK_FACTOR} by default like age`;
        throw (0,errors/* invalidInput */.aY)('max-scrypt-work-factor', 'must be a whole number of at least 1', validForm);
    }
    return new AgeDecryptStream(identities, passphrase, maxLogN);
}
class AgeDecryptStream extends external_node_stream_.Transform {
    identities;
    passphrase;
    maxLogN;
    start = Buffer.alloc(0); // bytes of the header and payload nonce seen so far
    queue = new payload/* ByteQueue */.yN();
    key;
    index = 0;
    constructor(identities, passphrase, maxLogN) {
        super();
        this.identities = identities;
        this.passphrase = passphrase;
        this.maxLogN = maxLogN;
    }
    _transform(chunk, _encoding, callback) {
        if (this.key === undefined) {
            this.readHeader(chunk).then(() => callback(), (error) => callback(asDecryptError(error)));
            return;
        }
        try {
            this.queue.push(chunk);
            this.openAvailable();
        }
        catch (error) {
            callback(asDecryptError(error));
            return;
        }
        callback();
    }
    _flush(callback) {
        try {
            if (this.key === undefined) {
                // Input that ended before the header did: too short to be an age file, or cut inside its header.
                throw (0,age_header/* checkIntro */.jO)(this.start) ? failures/* failures */.e9.truncatedHeader() : failures/* failures */.e9.notAgeFile();
            }
            this.openFinal();
        }
        catch (error) {
            callback(asDecryptError(error));
            return;
        }
        callback();
    }
    async readHeader(chunk) {
        this.start = Buffer.concat([this.start, chunk]);
        if (!(0,age_header/* checkIntro */.jO)(this.start))
            return;
        const end = (0,age_header/* findHeaderEnd */.qy)(this.start);
        if (end === undefined || this.start.length < end + payload/* PAYLOAD_NONCE_SIZE */.Pq)
            return;
        const header = (0,age_header/* parseHeader */.RW)(this.start.subarray(0, end));
        const fileKey = await this.unwrapFileKey(header);
        if (!(0,age_header/* verifyHeaderMac */.AB)(header, fileKey))
            throw failures/* failures */.e9.headerMac();
        this.key = (0,payload/* payloadKey */.wT)(fileKey, this.start.subarray(end, end + payload/* PAYLOAD_NONCE_SIZE */.Pq));
        this.queue.push(this.start.subarray(end + payload/* PAYLOAD_NONCE_SIZE */.Pq));
        this.start = Buffer.alloc(0);
        this.openAvailable();
    }
    async unwrapFileKey(header) {
        const scrypt = header.stanzas.find((stanza) => stanza.type === 'scrypt');
        if (scrypt !== undefined) {
            // The spec's rule: a passphrase file has no other recipient, so nobody else could have made it.
            if (header.stanzas.length !== 1)
                throw failures/* failures */.e9.malformedHeader('an scrypt stanza must be the only stanza');
            if (this.passphrase === undefined)
                throw failures/* failures */.e9.passphraseRequired();
            const fileKey = await (0,stanzas/* unwrapScrypt */.Fe)(scrypt, this.passphrase, this.maxLogN);
            if (fileKey === undefined)
                throw failures/* failures */.e9.wrongPassphrase();
            return fileKey;
        }
        for (const stanza of header.stanzas) {
            if (stanza.type !== 'X25519')
                continue; // other recipient types (plugins, grease) are not ours to open
            for (const identity of this.identities) {
                const fileKey = (0,stanzas/* unwrapX25519 */.or)(stanza, identity);
                if (fileKey !== undefined)
                    return fileKey;
            }
        }
        throw this.identities.length === 0 ? failures/* failures */.e9.passphraseNotUsed() : failures/* failures */.e9.noMatchingIdentity();
    }
    /** Opens every chunk known not to be the final one: those followed by more data. */
    openAvailable() {
        const key = this.key;
        while (this.queue.length > payload/* SEALED_CHUNK_SIZE */.Ns) {
            const pieces = this.queue.take(payload/* SEALED_CHUNK_SIZE */.Ns);
            const plaintext = (0,payload/* openChunk */.wE)(key, this.index, pieces, false);
            if (plaintext === undefined) {
                // A full chunk that opens as the final one means someone appended data to a complete file.
                if ((0,payload/* openChunk */.wE)(key, this.index, pieces, true))
                    throw failures/* failures */.e9.trailingData();
                throw failures/* failures */.e9.chunkAuthentication(this.index);
            }
            this.index++;
            for (const piece of plaintext)
                this.push(piece);
        }
    }
    /** Opens what is left at the end of the input, which must be exactly the final chunk. */
    openFinal() {
        const size = this.queue.length;
        if (size === 0)
            throw failures/* failures */.e9.truncated(); // no chunk at all: even an empty plaintext has a final chunk
        const key = this.key;
        const pieces = this.queue.take(size);
        const plaintext = (0,payload/* openChunk */.wE)(key, this.index, pieces, true);
        if (plaintext === undefined) {
            // A full chunk that opens as a middle one means the chunks after it are missing.
            if (size === payload/* SEALED_CHUNK_SIZE */.Ns && (0,payload/* openChunk */.wE)(key, this.index, pieces, false))
                throw failures/* failures */.e9.truncated();
            throw failures/* failures */.e9.lastChunkAuthentication(this.index);
        }
        if (size === primitives/* TAG_SIZE */.Vm && this.index > 0)
            throw failures/* failures */.e9.emptyLastChunk();
        for (const piece of plaintext)
            this.push(piece);
    }
}
function asDecryptError(error) {
    if (error instanceof errors/* DbopsError */.zJ)
        return error;
    const message = error instanceof Error ? error.message : String(error);
    return (0,failures/* decryptionFailed */.VI)(message, 'This is unexpected; report it if it persists.');
}
//# sourceMappingURL=decrypt.js.map
// EXTERNAL MODULE: ./packages/core/lib/pipeline/compression.js
var compression = __webpack_require__(64678);
// EXTERNAL MODULE: ./packages/core/lib/pipeline/measure.js
var measure = __webpack_require__(85316);
// EXTERNAL MODULE: ./packages/core/lib/manifest/manifest.js
var manifest_manifest = __webpack_require__(96702);
// EXTERNAL MODULE: ./packages/core/lib/operations/verify-stored.js
var verify_stored = __webpack_require__(71239);
;// CONCATENATED MODULE: ./packages/core/lib/restore/fetch-archive.js











/**
 * Streams a backup object from storage through SHA-256, decryption and decompression into a local file, and
 * verifies size and checksum against the manifest. Nothing is restored from it until this has succeeded.
 * Failures say which: a wrong key, an altered object, an object of another size (truncated, when that is proven),
 * or a failure of this run (the download, zstd, the temp disk) while the stored object is intact.
 */
async function fetchArchive(storage, manifest, decryption, options) {
    const { signal, tempDir } = options;
    const encrypted = manifest.object.encryption.method !== 'none';
    if (encrypted && decryption.identities.length === 0 && !decryption.passphrase) {
        throw new errors/* DbopsError */.zJ('DECRYPTION_FAILED', `Backup ${manifest.backupId} is encrypted with age, and no key was given`, {
            input: 'decrypt-with',
            hint: 'Pass the age identity (AGE-SECRET-KEY-1...) in decrypt-with, or the passphrase in decrypt-passphrase.',
        });
    }
    await checkFreeSpace(tempDir, manifest);
    const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)(tempDir, 'dbops-restore-')).catch((error) => {
        throw localWriteFailed(manifest, tempDir, error);
    });
    const dispose = () => (0,promises_.rm)(dir, { recursive: true, force: true });
    const files = (0,manifest_manifest/* storedFiles */.B0)(manifest);
    try {
        if (manifest.object.format !== 'pg_dump-directory') {
            const path = (0,external_node_path_.join)(dir, `${manifest.backupId}.dump`);
            const storedBytes = await fetchObject(storage, manifest, files[0], decryption, path, options);
            return { path, rawBytes: (await (0,promises_.stat)(path)).size, storedBytes, dispose };
        }
        // A parallel dump: its files make the directory pg_restore -j reads, fetched a few at a time.
        const path = (0,external_node_path_.join)(dir, 'archive');
        await (0,promises_.mkdir)(path);
        const stop = new AbortController();
        const onAbort = () => stop.abort();
        signal?.addEventListener('abort', onAbort, { once: true });
        let failure;
        let storedBytes = 0;
        const queue = [...files];
        const worker = async () => {
            for (let file = queue.shift(); file && !failure; file = queue.shift()) {
                try {
                    const into = (0,external_node_path_.join)(path, file.file);
                    // Awaited before the sum is read: `storedBytes += await …` reads it first, and loses the other workers' files.
                    const bytes = await fetchObject(storage, manifest, file, decryption, into, { tempDir, signal: stop.signal });
                    storedBytes += bytes;
                }
                catch (error) {
                    failure ??= { error };
                    stop.abort();
                }
            }
        };
        await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, files.length) }, worker));
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted)
            throw (0,errors/* cancelled */.KW)();
        if (failure)
            throw failure.error;
        const rawBytes = (await Promise.all(files.map(async (f) => (await (0,promises_.stat)((0,external_node_path_.join)(path, f.file))).size))).reduce((sum, size) => sum + size, 0);
        return { path, rawBytes, storedBytes, dispose };
    }
    catch (error) {
        await dispose();
        throw error;
    }
}
/** How many parts of a parallel dump are fetched at once. */
const FETCH_CONCURRENCY = 4;
/**
 * One stored file through SHA-256, decryption and decompression into `path`, checked against its record. Returns
 * its stored size. Failures say which: a wrong key, an altered object, an object of another size.
 */
async function fetchObject(storage, manifest, object, decryption, path, options) {
    const { signal, tempDir } = options;
    const encrypted = manifest.object.encryption.method !== 'none';
    const digest = new measure/* Digest */.n();
    const codec = signal ? { signal } : {};
    let zstdWriter;
    let readFailedFirst = () => false;
    try {
        // The object first: when it cannot be read, no decompressing process has been started to be left waiting.
        const source = await storage.get(object.key, signal ? { signal } : {});
        const stages = [digest];
        if (encrypted)
            stages.push(createAgeDecryptStream({
                identities: decryption.identities,
                ...(decryption.passphrase ? { passphrase: decryption.passphrase } : {}),
            }));
        // The zstd command writes the archive file itself; otherwise the (zlib or no) decompressor feeds a file stream.
        zstdWriter = manifest.object.compression.algorithm === 'zstd' ? (0,compression/* zstdCommandToFile */.m_)(path, codec) : undefined;
        if (!zstdWriter) {
            const decompressor = (0,compression/* createDecompressor */.Li)(manifest.object.compression.algorithm, codec);
            if (decompressor)
                stages.push(decompressor);
        }
        const sink = zstdWriter?.stdin ?? (0,external_node_fs_.createWriteStream)(path);
        readFailedFirst = failsFirst(source, [...stages, sink]);
        await (0,external_node_stream_promises_.pipeline)([source, ...stages, sink], signal ? { signal } : {});
        await zstdWriter?.done;
    }
    catch (error) {
        // The pipeline has closed zstd's input; it must be gone before its directory is.
        const zstdError = await zstdWriter?.done.then(() => undefined, (e) => e);
        if (signal?.aborted)
            throw (0,errors/* cancelled */.KW)();
        if (error instanceof errors/* DbopsError */.zJ)
            throw await diagnose(storage, manifest, object, decryption, error, signal); // e.g. the decryptor's
        if (readFailedFirst())
            throw storageBrokeOff(storage, manifest, object, error);
        // The local disk filled up (or failed) while the archive was written: nothing is known against the backup.
        const local = [zstdError, error].find(isLocalWriteError);
        if (local)
            throw localWriteFailed(manifest, tempDir, local);
        // zstd's own error (bad data) says more than the EPIPE the pipeline got writing to it.
        throw await diagnose(storage, manifest, object, decryption, zstdError ?? error, signal);
    }
    if (digest.bytes !== object.storedBytes || digest.sha256 !== object.sha256) {
        throw integrityError(manifest, object, storage, digest.bytes);
    }
    return digest.bytes;
}
/** Fails before the download when the archive cannot fit: a restore should not spend an hour to find out. */
async function checkFreeSpace(tempDir, manifest) {
    const space = await (0,promises_.statfs)(tempDir).catch((error) => {
        throw localWriteFailed(manifest, tempDir, error);
    });
    const free = space.bavail * space.bsize;
    const rawBytes = (0,manifest_manifest/* storedFiles */.B0)(manifest).reduce((sum, file) => sum + file.rawBytes, 0);
    if (free < rawBytes) {
        throw new errors/* DbopsError */.zJ('RESTORE_FAILED', `Restoring backup ${manifest.backupId} needs ${(0,format/* formatBytes */.z3)(rawBytes)} for its archive in ${tempDir}, which has ${(0,format/* formatBytes */.z3)(free)} free`, {
            hint: TEMP_DIR_HINT,
        });
    }
}
const TEMP_DIR_HINT = 'Nothing was restored, and nothing is wrong with the backup: TMPDIR must be a writable directory with room for the ' +
    'uncompressed archive. Free space there, or point TMPDIR at a directory on a larger disk.';
// What Node's fs reports, or the zstd command says (strerror), when the disk written to is full or refuses writes.
const LOCAL_WRITE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS']);
const LOCAL_WRITE_MESSAGES = /No space left on device|Disk quota exceeded|File too large|Read-only file system/;
function isLocalWriteError(error) {
    const code = error?.code;
    if (typeof code === 'string' && LOCAL_WRITE_CODES.has(code))
        return true;
    return error instanceof Error && LOCAL_WRITE_MESSAGES.test(error.message);
}
function localWriteFailed(manifest, tempDir, error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new errors/* DbopsError */.zJ('RESTORE_FAILED', `Writing the archive of backup ${manifest.backupId} to ${tempDir} failed: ${reason}`, {
        hint: TEMP_DIR_HINT,
        cause: error,
    });
}
/**
 * Whether `first` failed before any of `rest`: the stream whose error started the pipeline's teardown (the others
 * are destroyed with that same error afterwards, so the error alone does not say where it began).
 */
function failsFirst(first, rest) {
    let firstFailure;
    first.once('error', () => (firstFailure ??= 'first'));
    for (const stream of rest)
        stream.once('error', () => (firstFailure ??= 'rest'));
    return () => firstFailure === 'first';
}
/** The download itself failed (the connection dropped): nothing is known against the backup. */
function storageBrokeOff(storage, manifest, object, error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new errors/* DbopsError */.zJ('STORAGE_FAILED', `Reading backup ${manifest.backupId} from ${storage.locate(object.key)} broke off: ${reason}`, {
        hint: 'The connection to the storage failed during the download. Nothing was restored, and this says nothing against the backup itself: run again.',
        cause: error,
    });
}
/**
 * Says why reading a backup failed. A decryptor's or decompressor's error reads the same whether the stored object
 * was altered or this run failed (zstd killed, a disk error, a download that ended early, a byte flipped in the age
 * header that reads as a wrong key), so the stored object decides: its size, then its SHA-256 read again from
 * storage. An object that does not match its manifest is INTEGRITY_FAILED; one that matches keeps the error as it
 * is when it is about the key, and otherwise makes it a failure of this run. A key error whose key the manifest
 * shows is not the backup's (keyCannotFit) is said at once: reading the object again, hours for a large backup,
 * could only say the same.
 */
async function diagnose(storage, manifest, object, decryption, error, signal) {
    if (error instanceof errors/* DbopsError */.zJ && error.code === 'STORAGE_ACCESS_DENIED')
        return error;
    const stat = await storage.stat(object.key).catch(() => undefined);
    if (!stat) {
        return new errors/* DbopsError */.zJ('INTEGRITY_FAILED', `The object of backup ${manifest.backupId} is missing (${storage.locate(object.key)})`, {
            hint: 'The manifest exists but its object was deleted; choose another backup.',
            cause: error,
        });
    }
    if (stat.size !== object.storedBytes)
        return integrityError(manifest, object, storage, stat.size, error, isCutShort(error));
    if (isKeyError(error) && keyCannotFit(manifest, decryption))
        return error;
    const reason = error instanceof Error ? error.message : String(error);
    const reread = await (0,verify_stored/* verifyStoredObject */.Y)(storage, object.key, object.storedBytes, object.sha256, signal).then(() => undefined, (e) => e);
    if (signal?.aborted)
        return (0,errors/* cancelled */.KW)();
    if (reread instanceof errors/* DbopsError */.zJ && reread.code === 'VERIFY_FAILED') {
        // Said of a key error too: a byte flipped in the age header reads as a wrong key.
        return new errors/* DbopsError */.zJ('INTEGRITY_FAILED', `Backup ${manifest.backupId} is corrupt: ${storage.locate(object.key)} does not match the SHA-256 in its manifest (reading it: ${reason})`, {
            hint: 'The object has the right size, but read again from storage its SHA-256 no longer matches the manifest: it was altered after it was written (whatever the error said of the key). Choose another backup.',
            cause: error,
        });
    }
    if (reread) {
        const why = reread instanceof Error ? reread.message : String(reread);
        return new errors/* DbopsError */.zJ('STORAGE_FAILED', `Reading backup ${manifest.backupId} failed (${reason}), and reading its object again to check it failed too: ${why}`, {
            hint: 'Nothing was restored. Whether the backup itself is damaged is not known: run again once the storage can be read.',
            cause: error,
        });
    }
    if (isKeyError(error))
        return error;
    return new errors/* DbopsError */.zJ('RESTORE_FAILED', `Reading backup ${manifest.backupId} failed in this run: ${reason} (its stored object is intact: size and SHA-256 match the manifest)`, {
        hint: 'Nothing was restored, and nothing is wrong with the backup: the download or the local side (decompressor, temp disk, processes) failed. See the message for the cause, and run again.',
        cause: error,
    });
}
/** What recipientFingerprint records of each recipient in a manifest. */
const FINGERPRINT = /^sha256:[0-9a-f]{16}$/;
/**
 * Whether the manifest shows that the key given cannot open the backup: it lists the fingerprints of the backup's
 * recipients and none is the public key of a given identity, or it was encrypted to recipients and only a
 * passphrase was given, or to a passphrase and none was given. A manifest that records no fingerprints it can be
 * sure of says nothing: a byte changed in the age header then reads as a wrong key, and only the object itself,
 * read again, tells the two apart.
 */
function keyCannotFit(manifest, decryption) {
    const encryption = manifest.object.encryption;
    if (encryption.method !== 'age')
        return false;
    if ('passphrase' in encryption)
        return !decryption.passphrase;
    const recorded = encryption.recipients ?? [];
    if (recorded.length === 0 || !recorded.every((f) => FINGERPRINT.test(f)))
        return false;
    try {
        const given = decryption.identities
            .flatMap((text) => (0,keys/* parseIdentities */.go)(text, 'decrypt-with'))
            .map((identity) => (0,keys/* recipientFingerprint */.AF)((0,keys/* identityToRecipient */.RE)(identity)));
        return !recorded.some((f) => given.includes(f));
    }
    catch {
        return false; // an identity dbops cannot read here: the object decides, as before
    }
}
/** The decryptor's word that the key (identity or passphrase) does not open the file. */
function isKeyError(error) {
    return (error instanceof errors/* DbopsError */.zJ && error.code === 'DECRYPTION_FAILED' && /identit|passphrase|key/i.test(error.message));
}
/**
 * Whether a read failure proves the object is a prefix of what was written: age authenticates every chunk under the
 * file's own key, so a file whose chunks open but whose end is missing was cut short. Anything else of another size
 * (another backup's object put in its place, a damaged file) is only known to differ.
 */
function isCutShort(error) {
    return (error instanceof errors/* DbopsError */.zJ &&
        error.code === 'DECRYPTION_FAILED' &&
        /the file is truncated|cut mid-chunk/.test(error.message));
}
function integrityError(manifest, object, storage, actualBytes, cause, cutShort = false) {
    const where = storage.locate(object.key);
    if (cutShort && actualBytes < object.storedBytes) {
        return new errors/* DbopsError */.zJ('INTEGRITY_FAILED', `Backup ${manifest.backupId} is truncated: ${actualBytes} of ${object.storedBytes} bytes at ${where}`, {
            hint: 'The object was cut short after it was written; choose another backup.',
            cause,
        });
    }
    if (actualBytes !== object.storedBytes) {
        return new errors/* DbopsError */.zJ('INTEGRITY_FAILED', `Backup ${manifest.backupId} does not match its manifest: ${where} has ${actualBytes} bytes, the manifest says ${object.storedBytes} (the object was replaced or damaged)`, {
            hint: 'The object was replaced or damaged after it was written (another file copied over it, a failed disk or sync); choose another backup, and check what writes to this location.',
            cause,
        });
    }
    return new errors/* DbopsError */.zJ('INTEGRITY_FAILED', `Backup ${manifest.backupId} failed its checksum: ${where} does not match the SHA-256 in its manifest`, {
        hint: 'The object was altered after it was written (a flipped byte, an overwrite); choose another backup.',
        cause,
    });
}
//# sourceMappingURL=fetch-archive.js.map
;// CONCATENATED MODULE: ./packages/core/lib/restore/restore-backup.js



/** The parallelism a restore (pg_restore -j) gets by default: the machine's cores, at least 2, at most 8. */
function defaultJobs() {
    return Math.min(8, Math.max(2, (0,external_node_os_.availableParallelism)()));
}
/**
 * Fetches, verifies, decrypts and decompresses a backup into a local archive file (in TMPDIR), before anything
 * touches a database: a wrong key, a corrupt object or a full disk fail here. The caller disposes of it.
 */
async function fetchBackup(input) {
    const started = Date.now();
    const archive = await fetchArchive(input.storage, input.manifest, input.decryption, {
        tempDir: input.env.TMPDIR || (0,external_node_os_.tmpdir)(),
        ...(input.signal ? { signal: input.signal } : {}),
    });
    input.log.info(`Fetched and verified ${(0,format/* formatBytes */.z3)(archive.storedBytes)} (sha256 matches the manifest) → ${(0,format/* formatBytes */.z3)(archive.rawBytes)} archive`);
    return { ...archive, seconds: (Date.now() - started) / 1000 };
}
/** Restores a fetched archive into `input.into` with the engine's restore program; returns how long that took. */
async function restoreArchive(archive, input) {
    const started = Date.now();
    const outcome = await input.restorer.restore(archive.path, input.into, {
        jobs: input.jobs ?? defaultJobs(),
        noOwner: input.noOwner,
        ...(input.preserveUuids ? { preserveUuids: true } : {}),
        env: input.env,
        log: input.log,
        ...(input.signal ? { signal: input.signal } : {}),
    });
    const seconds = (Date.now() - started) / 1000;
    input.log.info(`Restored in ${(0,format/* formatSeconds */.Xo)(seconds)}`);
    return { seconds, checks: outcome?.checks ?? [], outcome: outcome ?? { checks: [] } };
}
/** fetchBackup then restoreArchive: the time to recover (RTO) counts both. */
async function restoreBackup(input) {
    const archive = await fetchBackup(input);
    try {
        const restored = await restoreArchive(archive, input);
        return {
            restoredBytes: archive.rawBytes,
            storedBytes: archive.storedBytes,
            seconds: archive.seconds + restored.seconds,
            checks: restored.checks,
            outcome: restored.outcome,
        };
    }
    finally {
        await archive.dispose();
    }
}
//# sourceMappingURL=restore-backup.js.map

/***/ }),

/***/ 22909:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   V: () => (/* binding */ selectBackup)
/* harmony export */ });
/* harmony import */ var _manifest_catalog_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(35860);
/* harmony import */ var _storage_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31191);


/** Registers the secrets of a restore, opens the storage and finds the backup (newest, or by id). */
async function selectBackup(options, secrets) {
    secrets.add(options.target.password);
    secrets.add(options.decryption.passphrase);
    for (const identity of options.decryption.identities)
        secrets.add(identity);
    secrets.add(options.s3?.secretAccessKey);
    secrets.add(options.s3?.sessionToken);
    const storage = await (0,_storage_index_js__WEBPACK_IMPORTED_MODULE_0__/* .openStorage */ .G)(options.from, {
        inputName: 'from',
        existing: true,
        ...(options.s3 ? { s3: options.s3 } : {}),
        ...(options.artifacts ? { artifacts: options.artifacts } : {}),
    });
    const { manifest } = await (0,_manifest_catalog_js__WEBPACK_IMPORTED_MODULE_1__/* .findBackup */ .SC)(storage, {
        ...(options.backupId ? { backupId: options.backupId } : {}),
        ...(options.name ? { name: options.name } : {}),
        ...(options.database ? { database: options.database } : {}),
    });
    return { storage, manifest };
}
//# sourceMappingURL=select-backup.js.map

/***/ })

};
