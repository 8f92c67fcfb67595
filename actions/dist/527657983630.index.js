export const id = 527657983630;
export const ids = [527657983630];
export const modules = {

/***/ 87632:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   VI: () => (/* binding */ decryptionFailed),
/* harmony export */   XZ: () => (/* binding */ encryptionFailed),
/* harmony export */   e9: () => (/* binding */ failures)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);
// The errors of age encryption and decryption: one stable code each, a message that says what was wrong, and a hint.

function encryptionFailed(message, cause) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('ENCRYPTION_FAILED', `age encryption failed: ${message}`, {
        cause,
        hint: 'This is unexpected; check the recipients and retry, and report it if it persists.',
    });
}
function decryptionFailed(message, hint) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('DECRYPTION_FAILED', `age decryption failed: ${message}`, { hint });
}
const CORRUPT_HINT = 'The backup object was damaged or changed after it was written: restore from another backup, and check the ' +
    'storage for corruption or tampering.';
const TRUNCATED_HINT = 'The backup object is incomplete (an interrupted upload or download): download it again, or restore from ' +
    'another backup.';
const failures = {
    notAgeFile: () => decryptionFailed('the input is not an age-encrypted file (it does not start with "age-encryption.org/v1")', 'Point the restore at an age-encrypted backup, or drop the decryption settings for an unencrypted one.'),
    armored: () => decryptionFailed('the input is an ASCII-armored age file, which is not supported', 'Remove the armor first: `age -d` can decrypt it, or re-encrypt without --armor.'),
    malformedHeader: (what) => decryptionFailed(`the age header is malformed (${what})`, CORRUPT_HINT),
    noMatchingIdentity: () => decryptionFailed('none of the given identities matches a recipient of this file (wrong key)', 'Use the identity (AGE-SECRET-KEY-1...) whose public key the backup was encrypted to; ' +
        'the manifest records the recipient fingerprints.'),
    passphraseRequired: () => decryptionFailed('the file is encrypted with a passphrase, but no passphrase was given', 'Provide the passphrase the backup was encrypted with.'),
    passphraseNotUsed: () => decryptionFailed('a passphrase was given, but the file is encrypted to public-key recipients', 'Provide the identity (AGE-SECRET-KEY-1...) matching one of the recipients.'),
    wrongPassphrase: () => decryptionFailed('the passphrase is wrong', 'Provide the passphrase the backup was encrypted with.'),
    workFactorTooHigh: (logN, max) => decryptionFailed(`the passphrase's scrypt work factor 2^${logN} exceeds the allowed maximum 2^${max}`, 'Raise the maximum scrypt work factor if you trust this file.'),
    headerMac: () => decryptionFailed('the header MAC does not match (the header was modified)', CORRUPT_HINT),
    chunkAuthentication: (index) => decryptionFailed(`payload chunk ${index} failed authentication (a byte was changed)`, CORRUPT_HINT),
    lastChunkAuthentication: (index) => decryptionFailed(`the final payload chunk ${index} failed authentication (the file was cut mid-chunk or modified)`, `${TRUNCATED_HINT} ${CORRUPT_HINT}`),
    truncatedHeader: () => decryptionFailed('the file is truncated: it ends inside its header', TRUNCATED_HINT),
    truncated: () => decryptionFailed('the file is truncated: it ends before the final payload chunk', TRUNCATED_HINT),
    emptyLastChunk: () => decryptionFailed('the file ends with an empty payload chunk, which the age format forbids', CORRUPT_HINT),
    trailingData: () => decryptionFailed('there is data after the final payload chunk', CORRUPT_HINT),
};
//# sourceMappingURL=failures.js.map

/***/ }),

/***/ 11046:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AB: () => (/* binding */ verifyHeaderMac),
/* harmony export */   RW: () => (/* binding */ parseHeader),
/* harmony export */   YS: () => (/* binding */ encodeHeader),
/* harmony export */   jO: () => (/* binding */ checkIntro),
/* harmony export */   qy: () => (/* binding */ findHeaderEnd)
/* harmony export */ });
/* unused harmony export INTRO */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var _failures_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(87632);
/* harmony import */ var _primitives_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(27705);
// The age header: intro line, recipient stanzas, and the MAC line that authenticates them under the file key.



const INTRO = Buffer.from('age-encryption.org/v1\n', 'latin1');
const ARMOR_START = Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----', 'latin1');
const FOOTER = '---';
const LINE_WIDTH = 64; // stanza bodies are wrapped at 64 columns
const MAX_HEADER_SIZE = 1024 * 1024; // real headers are a few hundred bytes; bound what we buffer looking for the end
function encodeHeader(stanzas, fileKey) {
    let text = INTRO.toString('latin1');
    for (const stanza of stanzas) {
        text += `-> ${[stanza.type, ...stanza.args].join(' ')}\n`;
        const body = (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .encodeBase64 */ .WG)(stanza.body);
        // The body ends at its first line shorter than 64 columns, so a body of a multiple of 64 gets an empty line.
        for (let at = 0; at <= body.length; at += LINE_WIDTH)
            text += `${body.slice(at, at + LINE_WIDTH)}\n`;
    }
    text += FOOTER;
    const macInput = Buffer.from(text, 'latin1');
    return Buffer.concat([macInput, Buffer.from(` ${(0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .encodeBase64 */ .WG)(headerMac(fileKey, macInput))}\n`, 'latin1')]);
}
function headerMac(fileKey, macInput) {
    return (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .hmacSha256 */ .TR)((0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .hkdf */ .sM)(fileKey, Buffer.alloc(0), 'header'), macInput);
}
function verifyHeaderMac(header, fileKey) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.timingSafeEqual)(headerMac(fileKey, header.macInput), header.mac);
}
/**
 * Checks the start of a stream: throws when the bytes so far cannot begin an age file.
 * Returns whether enough bytes were seen to be sure they do.
 */
function checkIntro(start) {
    const length = Math.min(start.length, INTRO.length);
    if (start.subarray(0, length).equals(INTRO.subarray(0, length)))
        return length === INTRO.length;
    const armorLength = Math.min(start.length, ARMOR_START.length);
    if (start.subarray(0, armorLength).equals(ARMOR_START.subarray(0, armorLength)))
        throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.armored();
    throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.notAgeFile();
}
/** The length of the header (through the MAC line's newline) once `bytes` holds all of it. */
function findHeaderEnd(bytes) {
    // Stanza lines start with "->" and bodies are base64, so the first line starting with "---" is the MAC line.
    const footer = bytes.indexOf('\n---', 0, 'latin1');
    const end = footer === -1 ? -1 : bytes.indexOf(0x0a, footer + 1);
    if (end !== -1)
        return end + 1;
    if (bytes.length > MAX_HEADER_SIZE)
        throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.malformedHeader('no end of header within its first MiB');
    return undefined;
}
/** Parses a complete header (as delimited by findHeaderEnd), strictly as the spec and the Go implementation do. */
function parseHeader(bytes) {
    const text = bytes.toString('latin1');
    if (!/^[\x20-\x7e\n]*$/.test(text))
        throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.malformedHeader('non-ASCII bytes');
    const lines = text.split('\n');
    lines.pop(); // the empty string after the final newline
    if (`${lines[0]}\n` !== INTRO.toString('latin1'))
        throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.notAgeFile();
    const stanzas = [];
    let at = 1;
    for (;;) {
        const line = lines[at++];
        if (line === undefined)
            throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.malformedHeader('missing MAC line');
        if (line.startsWith(FOOTER)) {
            const [prefix, mac, ...extra] = line.split(' ');
            const macBytes = mac === undefined ? undefined : (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .decodeBase64 */ .y4)(mac);
            if (prefix !== FOOTER || extra.length > 0 || macBytes?.length !== 32) {
                throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.malformedHeader('invalid MAC line');
            }
            if (at !== lines.length)
                throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.malformedHeader('data after the MAC line');
            const macInput = bytes.subarray(0, bytes.length - line.length - 1 + FOOTER.length);
            return { stanzas, macInput, mac: macBytes };
        }
        if (!line.startsWith('-> '))
            throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.malformedHeader(`unexpected line ${at}`);
        const [type, ...args] = line.slice(3).split(' ');
        if (type === undefined || [type, ...args].some((arg) => !/^[\x21-\x7e]+$/.test(arg))) {
            throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.malformedHeader(`invalid stanza on line ${at}`);
        }
        const body = [];
        for (;;) {
            const bodyLine = lines[at++];
            const decoded = bodyLine === undefined ? undefined : (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .decodeBase64 */ .y4)(bodyLine);
            if (bodyLine === undefined || decoded === undefined || bodyLine.length > LINE_WIDTH) {
                throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.malformedHeader(`invalid stanza body on line ${at}`);
            }
            body.push(decoded);
            if (bodyLine.length < LINE_WIDTH)
                break;
        }
        stanzas.push({ type, args, body: Buffer.concat(body) });
    }
}
//# sourceMappingURL=header.js.map

/***/ }),

/***/ 82081:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hb: () => (/* binding */ sealChunk),
/* harmony export */   Ns: () => (/* binding */ SEALED_CHUNK_SIZE),
/* harmony export */   OZ: () => (/* binding */ CHUNK_SIZE),
/* harmony export */   Pq: () => (/* binding */ PAYLOAD_NONCE_SIZE),
/* harmony export */   wE: () => (/* binding */ openChunk),
/* harmony export */   wT: () => (/* binding */ payloadKey),
/* harmony export */   yN: () => (/* binding */ ByteQueue)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var _primitives_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(27705);
// The age payload: the STREAM construction over ChaCha20-Poly1305, in 64 KiB chunks, each with its own nonce.


const CHUNK_SIZE = 64 * 1024;
const SEALED_CHUNK_SIZE = CHUNK_SIZE + _primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG_SIZE */ .Vm;
const PAYLOAD_NONCE_SIZE = 16;
function payloadKey(fileKey, nonce) {
    return (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .hkdf */ .sM)(fileKey, nonce, 'payload');
}
/** 11-byte big-endian chunk counter || 1 byte that is 1 only for the final chunk. */
function chunkNonce(index, last) {
    const nonce = Buffer.alloc(12);
    nonce.writeUIntBE(index, 5, 6); // 2^48 chunks of 64 KiB is far more than anyone can store
    nonce[11] = last ? 1 : 0;
    return nonce;
}
/** Seals one chunk given as consecutive pieces (views into the input, never concatenated): ciphertext pieces, tag. */
function sealChunk(key, index, pieces, last) {
    const cipher = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createCipheriv)(_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .AEAD */ .mv, key, chunkNonce(index, last), { authTagLength: _primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG_SIZE */ .Vm });
    const out = pieces.map((piece) => cipher.update(piece));
    cipher.final(); // a stream cipher has nothing left over
    out.push(cipher.getAuthTag());
    return out;
}
/** Opens one sealed chunk given as pieces; undefined when it does not authenticate under this index and flag. */
function openChunk(key, index, pieces, last) {
    const size = pieces.reduce((sum, piece) => sum + piece.length, 0);
    if (size < _primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG_SIZE */ .Vm)
        return undefined;
    const decipher = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createDecipheriv)(_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .AEAD */ .mv, key, chunkNonce(index, last), { authTagLength: _primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG_SIZE */ .Vm });
    const out = [];
    const tag = [];
    let remaining = size - _primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG_SIZE */ .Vm;
    for (const piece of pieces) {
        const take = Math.min(piece.length, remaining);
        if (take > 0)
            out.push(decipher.update(piece.subarray(0, take)));
        if (take < piece.length)
            tag.push(piece.subarray(take)); // the tag may straddle two pieces
        remaining -= take;
    }
    decipher.setAuthTag(Buffer.concat(tag));
    try {
        decipher.final();
    }
    catch {
        return undefined; // the plaintext in `out` is unauthenticated and dropped
    }
    return out;
}
/** Buffers queued without copying; take() hands back views of exactly the requested length. */
class ByteQueue {
    buffers = [];
    length = 0;
    push(buffer) {
        if (buffer.length === 0)
            return;
        this.buffers.push(buffer);
        this.length += buffer.length;
    }
    take(size) {
        const pieces = [];
        let needed = size;
        let used = 0;
        while (needed > 0) {
            const head = this.buffers[used];
            if (head === undefined)
                throw new Error('ByteQueue.take: not enough bytes');
            if (head.length <= needed) {
                pieces.push(head);
                needed -= head.length;
                used++;
            }
            else {
                pieces.push(head.subarray(0, needed));
                this.buffers[used] = head.subarray(needed);
                needed = 0;
            }
        }
        this.buffers.splice(0, used);
        this.length -= size;
        // Many tiny writes would mean many tiny cipher calls: one copy is cheaper then.
        return pieces.length > 16 ? [Buffer.concat(pieces)] : pieces;
    }
}
//# sourceMappingURL=payload.js.map

/***/ }),

/***/ 71009:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fe: () => (/* binding */ unwrapScrypt),
/* harmony export */   XO: () => (/* binding */ wrapX25519),
/* harmony export */   mB: () => (/* binding */ wrapScrypt),
/* harmony export */   or: () => (/* binding */ unwrapX25519),
/* harmony export */   w1: () => (/* binding */ toX25519Identity)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var _failures_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(87632);
/* harmony import */ var _keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(16459);
/* harmony import */ var _primitives_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(27705);
// The two native age recipient types: X25519 public keys and scrypt passphrases, each wrapping the 16-byte file key.




const X25519_LABEL = 'age-encryption.org/v1/X25519';
const SCRYPT_LABEL = 'age-encryption.org/v1/scrypt';
const ZERO_NONCE = Buffer.alloc(12); // each wrap key is used exactly once
const WRAPPED_SIZE = 32; // 16-byte file key + 16-byte tag
function wrapX25519(fileKey, recipientKey) {
    const ephemeral = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.generateKeyPairSync)('x25519');
    const share = (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .rawPublicKey */ .F7)(ephemeral.publicKey);
    const shared = (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .x25519 */ .TU)(ephemeral.privateKey, (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .x25519PublicKey */ .$l)(recipientKey));
    if (shared === undefined)
        throw (0,_failures_js__WEBPACK_IMPORTED_MODULE_2__/* .encryptionFailed */ .XZ)('a recipient is not a usable X25519 public key (low-order point)');
    const wrapKey = (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .hkdf */ .sM)(shared, Buffer.concat([share, recipientKey]), X25519_LABEL);
    return { type: 'X25519', args: [(0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .encodeBase64 */ .WG)(share)], body: (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .seal */ .od)(wrapKey, ZERO_NONCE, fileKey) };
}
function toX25519Identity(identity) {
    const privateKey = (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .x25519PrivateKey */ .F8)((0,_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .identitySecretKey */ .SV)(identity));
    return { privateKey, publicKey: (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .rawPublicKey */ .F7)(privateKey) };
}
/** The file key if this stanza was wrapped for `identity`, undefined if it was wrapped for someone else. */
function unwrapX25519(stanza, identity) {
    const [shareText, ...extra] = stanza.args;
    const share = shareText === undefined ? undefined : (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .decodeBase64 */ .y4)(shareText);
    if (share?.length !== 32 || extra.length > 0 || stanza.body.length !== WRAPPED_SIZE) {
        throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.malformedHeader('invalid X25519 stanza');
    }
    const shared = (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .x25519 */ .TU)(identity.privateKey, (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .x25519PublicKey */ .$l)(share));
    if (shared === undefined)
        throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.malformedHeader('X25519 stanza with a low-order share');
    const wrapKey = (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .hkdf */ .sM)(shared, Buffer.concat([share, identity.publicKey]), X25519_LABEL);
    return (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .open */ .ho)(wrapKey, ZERO_NONCE, stanza.body);
}
async function wrapScrypt(fileKey, passphrase, salt, logN) {
    const key = await scryptKey(passphrase, salt, logN);
    return { type: 'scrypt', args: [(0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .encodeBase64 */ .WG)(salt), String(logN)], body: (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .seal */ .od)(key, ZERO_NONCE, fileKey) };
}
/** The file key if `passphrase` is right, undefined if it is wrong. */
async function unwrapScrypt(stanza, passphrase, maxLogN) {
    const [saltText, logNText, ...extra] = stanza.args;
    const salt = saltText === undefined ? undefined : (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .decodeBase64 */ .y4)(saltText);
    if (salt?.length !== 16 || !/^[1-9][0-9]*$/.test(logNText ?? '') || extra.length > 0) {
        throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.malformedHeader('invalid scrypt stanza');
    }
    if (stanza.body.length !== WRAPPED_SIZE)
        throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.malformedHeader('invalid scrypt stanza');
    const logN = Number(logNText);
    if (logN > maxLogN)
        throw _failures_js__WEBPACK_IMPORTED_MODULE_2__/* .failures */ .e9.workFactorTooHigh(logN, maxLogN);
    return (0,_primitives_js__WEBPACK_IMPORTED_MODULE_1__/* .open */ .ho)(await scryptKey(passphrase, salt, logN), ZERO_NONCE, stanza.body);
}
function scryptKey(passphrase, salt, logN) {
    const N = 2 ** logN;
    const r = 8;
    // Node's default memory cap (32 MiB) is below what age's default work factor needs (128 * N * r = 256 MiB).
    const options = { N, r, p: 1, maxmem: 2 * 128 * N * r + 1024 * 1024 };
    const fullSalt = Buffer.concat([Buffer.from(SCRYPT_LABEL, 'latin1'), salt]);
    return new Promise((resolve, reject) => {
        const done = (error, key) => (error ? reject(error) : resolve(key));
        (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.scrypt)(Buffer.from(passphrase, 'utf8'), fullSalt, 32, options, done);
    });
}
//# sourceMappingURL=stanzas.js.map

/***/ }),

/***/ 20289:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  restoreTestDefinition: () => (/* binding */ restoreTestDefinition)
});

// EXTERNAL MODULE: ./packages/core/lib/operations/restore-test.js
var restore_test = __webpack_require__(15679);
// EXTERNAL MODULE: ./packages/core/lib/report/restore-summary.js
var restore_summary = __webpack_require__(71207);
// EXTERNAL MODULE: ./packages/core/lib/definitions/backup-source-inputs.js
var backup_source_inputs = __webpack_require__(47864);
// EXTERNAL MODULE: ./packages/core/lib/definitions/connection-inputs.js
var connection_inputs = __webpack_require__(47518);
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-inputs.js + 1 modules
var read_inputs = __webpack_require__(98521);
// EXTERNAL MODULE: ./packages/core/lib/duration.js
var duration = __webpack_require__(50429);
// EXTERNAL MODULE: ./packages/core/lib/databases/index.js + 20 modules
var databases = __webpack_require__(93556);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/target.js + 1 modules
var target = __webpack_require__(3848);
// EXTERNAL MODULE: ./packages/core/lib/restore/checks.js + 1 modules
var checks = __webpack_require__(63917);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/restore-check-inputs.js




/** What a restore test proves beyond the restore itself: RPO, RTO, the user's checks, and what it leaves behind. */
const RESTORE_CHECK_INPUTS = [
    { name: 'max-age', description: 'Fail when the backup is older than this (the RPO), e.g. 26h.', type: 'duration' },
    {
        name: 'max-restore-time',
        description: 'Fail when fetching and restoring takes longer (the RTO), e.g. 15m.',
        type: 'duration',
    },
    {
        name: 'checks',
        description: 'A checks file. PostgreSQL: a .sql file, "-- name: ..." then one query (run read-only) returning true or a non-zero count. MongoDB: a .json array of {"name", "collection", "pipeline", "expect"}, passing when the pipeline returns exactly the expected documents.',
        type: 'string',
    },
    {
        name: 'tombstones-from',
        description: "The live database (a URL of the backup's engine) whose tombstones of erased rows or documents (subject-erase, retention-purge erase rules) are replayed on the restored copy: an erased row in a backup taken after its erasure had completed fails the test; one taken before or during it is counted. Without it, the copy's own tombstones are replayed when it has them.",
        type: 'url',
        schemes: ['postgres', 'postgresql', 'mongodb', 'mongodb+srv'],
        secret: true,
    },
    {
        name: 'keep',
        description: 'Keep the scratch database after the test (to inspect it).',
        default: 'false',
        type: 'boolean',
    },
    {
        name: 'record',
        description: 'When every check passes, write a verification record beside the manifest (rotation counts verified backups). Needs write access to from.',
        default: 'true',
        type: 'boolean',
    },
];
async function readRestoreChecks(reader) {
    const maxAge = reader.optional('max-age');
    const maxRestoreTime = reader.optional('max-restore-time');
    const checksFile = reader.optional('checks');
    const tombstonesFrom = reader.optional('tombstones-from');
    return {
        ...(maxAge ? { maxAgeSeconds: (0,duration/* parseDuration */.E9)(maxAge, 'max-age') } : {}),
        ...(maxRestoreTime ? { maxRestoreSeconds: (0,duration/* parseDuration */.E9)(maxRestoreTime, 'max-restore-time') } : {}),
        checks: checksFile ? await (0,checks/* readChecksFile */.KV)(checksFile) : [],
        keep: reader.boolean('keep'),
        record: reader.boolean('record'),
        ...(tombstonesFrom
            ? {
                tombstonesFrom: await parseTombstonesFrom(tombstonesFrom, reader.env),
            }
            : {}),
    };
}
/** The live database of tombstones-from; MongoDB's URL parser is loaded only for its URLs (parse-target.ts). */
async function parseTombstonesFrom(url, env) {
    if ((0,databases/* engineForUrl */.Vn)(url, 'tombstones-from').name !== 'mongodb')
        return (0,target/* parsePgTarget */.E5)({ url, env }, 'tombstones-from');
    const { parseMongoTarget } = await Promise.all(/* import() */[__webpack_require__.e(92307315768), __webpack_require__.e(211326056268)]).then(__webpack_require__.bind(__webpack_require__, 28148));
    return parseMongoTarget(url, 'tombstones-from');
}
//# sourceMappingURL=restore-check-inputs.js.map
;// CONCATENATED MODULE: ./packages/core/lib/definitions/restore-test.js






const inputs = [
    ...(0,backup_source_inputs/* backupSourceInputs */.vW)(backup_source_inputs/* BACKUP_ID_INPUT */.W1, backup_source_inputs/* NAME_FILTER_INPUT */.Ac, backup_source_inputs/* DATABASE_FILTER_INPUT */.Uz),
    ...(0,connection_inputs/* connectionInputs */.eu)('target-url', ['DBOPS_TARGET_URL']),
    connection_inputs/* PG_BIN_DIR_INPUT */.LN,
    ...backup_source_inputs/* DECRYPTION_INPUTS */.Ur,
    ...RESTORE_CHECK_INPUTS,
    {
        name: 'jobs',
        description: 'pg_restore parallel jobs (default: the cores, 2 to 8).',
        type: 'integer',
        min: 1,
        max: 64,
    },
];
const restoreTestDefinition = {
    name: 'restore-test',
    description: 'Prove a backup restores: fetch, verify, decrypt and restore it into a scratch database, then check tables, row counts, schema, your queries, RPO and RTO.',
    inputs,
    outputs: [
        { name: 'backup-id', description: 'The backup that was tested.' },
        { name: 'restored-bytes', description: 'Size of the restored pg_dump archive.' },
        { name: 'restore-seconds', description: 'Measured time to fetch, verify and restore (the RTO).' },
        { name: 'tables', description: 'Tables restored.' },
        { name: 'rows', description: 'Rows restored.' },
        { name: 'checks-passed', description: 'Checks that passed.' },
        { name: 'checks-failed', description: 'Checks that failed.' },
    ],
    async run(raw, context) {
        const reader = new read_inputs/* InputReader */.i(inputs, raw, context.env);
        const result = await (0,restore_test/* restoreTest */.$)({
            ...(await (0,backup_source_inputs/* readRestoreInputs */.Ez)(reader, context)),
            ...(await readRestoreChecks(reader)),
        });
        const failure = (0,restore_test/* checksFailure */.s)(result);
        return {
            outputs: (0,restore_summary/* restoreTestOutputs */.Hh)(result),
            results: [(0,restore_summary/* restoreTestSummary */.zA)(result)],
            json: (0,restore_summary/* restoreTestJson */.Fz)(result),
            ...(failure ? { failure } : {}),
        };
    },
};
//# sourceMappingURL=restore-test.js.map

/***/ }),

/***/ 15679:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ restoreTest),
/* harmony export */   s: () => (/* binding */ checksFailure)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(57706);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(69579);
/* harmony import */ var _databases_index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(93556);
/* harmony import */ var _restore_checks_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(63917);
/* harmony import */ var _restore_restore_backup_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(31059);
/* harmony import */ var _restore_select_backup_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(22909);
/* harmony import */ var _manifest_verification_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(40816);
/* harmony import */ var _version_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(81757);








/**
 * Proves a backup restores: fetch and verify it, restore it into a fresh scratch database on the target server,
 * then compare tables, row counts and the schema fingerprint with the manifest, run the user's checks, and hold
 * the result against the RPO (max-age) and RTO (max-restore-time). The scratch database is dropped afterwards.
 */
async function restoreTest(options) {
    const { log, secrets } = options;
    const now = (options.clock ?? (() => new Date()))();
    const { storage, manifest } = await (0,_restore_select_backup_js__WEBPACK_IMPORTED_MODULE_0__/* .selectBackup */ .V)(options, secrets);
    log.info(`Testing backup ${manifest.backupId} of ${manifest.database} (${manifest.finishedAt}) from ${storage.display}`);
    const engine = (0,_databases_index_js__WEBPACK_IMPORTED_MODULE_1__/* .engineForBackup */ .Qv)(manifest, options.target);
    const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
    // Read before the restore: an unreadable tombstones-from fails the run before minutes of restoring.
    const tombstones = options.tombstonesFrom && (await liveTombstones(options.tombstonesFrom, engine, manifest, secrets, context));
    const admin = await engine.openScratchServer(options.target, context);
    const scratch = admin.scratchName(manifest.backupId);
    let created = false;
    // The scratch database as created, for the messages: a backup of several databases has one per database.
    let scratchText = `scratch database ${scratch}`;
    // Once, from the catch of a cancel (its message says whether the drop worked) or from finally.
    let dropping;
    const dropScratch = () => (dropping ??= (0,_log_js__WEBPACK_IMPORTED_MODULE_2__/* .timed */ .ay)(log, 'Dropped the scratch database', () => admin.dropDatabase(scratch)).then(() => true, (error) => {
        log.warn(`Could not drop ${scratchText}: ${error.message}`);
        return false;
    }));
    try {
        refuseSourceDatabase(engine, admin.server, options.target, manifest, log);
        const server = admin.server;
        const tools = { ...(options.pgBinDir ? { binDir: options.pgBinDir } : {}), env: options.env };
        const restorer = await engine.findRestorer(server, manifest, tools);
        const into = await (0,_log_js__WEBPACK_IMPORTED_MODULE_2__/* .timed */ .ay)(log, 'Created the scratch database', () => admin.createDatabase(scratch, manifest));
        created = true;
        scratchText = `scratch ${engine.describe(into)}`;
        log.info(`Restoring into ${scratchText} (${server.product} ${server.version}) with ${restorer.program} ${restorer.version}`);
        const restored = await (0,_restore_restore_backup_js__WEBPACK_IMPORTED_MODULE_3__/* .restoreBackup */ .dH)({
            storage,
            manifest,
            decryption: options.decryption,
            into,
            restorer,
            ...(options.jobs ? { jobs: options.jobs } : {}),
            noOwner: true,
            env: options.env,
            log,
            ...(options.signal ? { signal: options.signal } : {}),
        });
        const restoredChecks = await engine.checkRestored(into, manifest, options.checks, context, tombstones, restored.outcome);
        const checks = [
            {
                name: 'integrity',
                passed: true,
                detail: `size and SHA-256 match the manifest (${manifest.object.sha256.slice(0, 12)}…)`,
            },
            { name: 'restore', passed: true, detail: `${restorer.program} completed without errors` },
            ...restored.checks,
            ...restoredChecks.checks,
        ];
        const rows = restoredChecks.rows;
        if (options.signal?.aborted)
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .cancelled */ .KW)();
        if (options.maxAgeSeconds !== undefined)
            checks.push((0,_restore_checks_js__WEBPACK_IMPORTED_MODULE_5__/* .checkFreshness */ .IW)(manifest, options.maxAgeSeconds, now));
        if (options.maxRestoreSeconds !== undefined)
            checks.push((0,_restore_checks_js__WEBPACK_IMPORTED_MODULE_5__/* .checkRestoreTime */ .M2)(restored.seconds, options.maxRestoreSeconds));
        const passed = checks.every((c) => c.passed);
        let verificationRecord;
        if (passed && options.record) {
            try {
                const key = await (0,_manifest_verification_js__WEBPACK_IMPORTED_MODULE_6__/* .writeVerificationRecord */ .mD)(storage, manifest.name, {
                    backupId: manifest.backupId,
                    verifiedAt: new Date().toISOString(),
                    restoredOn: `${options.target.host}:${options.target.port}`,
                    restoreSeconds: restored.seconds,
                    checksPassed: checks.length,
                    checkNames: checks.map((c) => c.name),
                    dbops: { version: _version_js__WEBPACK_IMPORTED_MODULE_7__/* .DBOPS_VERSION */ .m },
                });
                verificationRecord = storage.locate(key);
            }
            catch (error) {
                // The proof stands even when the record cannot be written (e.g. read-only credentials); say so.
                log.warn(`Could not write the verification record: ${error.message}`);
            }
        }
        return {
            backupId: manifest.backupId,
            manifest,
            storage: storage.display,
            scratchDatabase: scratch,
            kept: options.keep,
            restoredBytes: restored.restoredBytes,
            restoreSeconds: restored.seconds,
            backupAgeSeconds: (now.getTime() - Date.parse(manifest.finishedAt)) / 1000,
            tables: manifest.tables.length,
            rows,
            checks,
            passed,
            ...(verificationRecord ? { verificationRecord } : {}),
        };
    }
    catch (error) {
        if (options.signal?.aborted) {
            const unchanged = 'The backup is unchanged';
            if (!created)
                throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .cancelled */ .KW)(`${unchanged} and no verification record was written.`);
            if (options.keep)
                throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .cancelled */ .KW)(`${unchanged} and no verification record was written; ${scratchText} is kept (keep: true).`);
            // Said after the drop, as it went: a scratch database left behind is a full copy of the data.
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .cancelled */ .KW)((await dropScratch())
                ? `${unchanged}, no verification record was written, and the scratch database is dropped.`
                : `${unchanged} and no verification record was written, but ${scratchText} could not be dropped (see the warning): drop it by hand.`);
        }
        throw error;
    }
    finally {
        if (created && !options.keep) {
            await dropScratch();
        }
        else if (created) {
            log.info(`Kept ${scratchText} (keep: true)`);
        }
        await admin.close().catch(() => undefined);
    }
}
/** docs/architecture.md invariant 6: a restore test never runs against the database the backup was taken from. */
function refuseSourceDatabase(engine, server, target, manifest, log) {
    const id = server.systemIdentifier;
    const sameCluster = id && manifest.source.systemIdentifier
        ? id === manifest.source.systemIdentifier
        : target.host === manifest.source.host && target.port === manifest.source.port;
    if (sameCluster && target.database !== manifest.database) {
        log.warn(`target-url is on the server backup ${manifest.backupId} came from: the test restores a full copy there (load, disk). Prefer a separate, disposable server.`);
    }
    if (sameCluster && target.database === manifest.database) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .DbopsError */ .zJ('UNSAFE_TARGET', `target-url points at ${engine.describe(target)}, the database backup ${manifest.backupId} was taken from`, {
            input: 'target-url',
            hint: 'Point target-url at a separate, disposable server (e.g. a postgres service container); restore-test creates its own scratch database there.',
        });
    }
}
/** The error a run fails with when a check failed (the summary shows each one's detail); none when all passed. */
function checksFailure(result) {
    const failed = result.checks.filter((c) => !c.passed);
    if (failed.length === 0)
        return undefined;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .DbopsError */ .zJ('CHECK_FAILED', `${failed.length} of ${result.checks.length} restore checks failed: ${failed.map((c) => c.name).join(', ')}`, { hint: "See the table in the job summary for each check's detail." });
}
/**
 * The tombstones of the live database (none yet: an empty set, so the check still says it looked). It must be a
 * server of the backup's engine: PostgreSQL's tombstones name tables, MongoDB's collections.
 */
async function liveTombstones(target, engine, manifest, secrets, context) {
    secrets.add(target.password);
    if (target.engine !== engine.name)
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .invalidInput */ .aY)('tombstones-from', `names a ${target.engine} server, but backup ${manifest.backupId} is a ${engine.name} backup`, `the live database the backup was taken from: a URL starting with ${(0,_databases_index_js__WEBPACK_IMPORTED_MODULE_1__/* .urlForms */ .bt)(engine.name)}`);
    const set = await engine.readTombstones(target, manifest, context);
    context.log.info(`Tombstones from ${target.host}: ${set ? set.tables.reduce((n, t) => n + t.hashes.length, 0) : 0}`);
    return set ?? { salt: '', tables: [] };
}
//# sourceMappingURL=restore-test.js.map

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

/***/ 71207:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fz: () => (/* binding */ restoreTestJson),
/* harmony export */   Hh: () => (/* binding */ restoreTestOutputs),
/* harmony export */   V2: () => (/* binding */ restoreOutputs),
/* harmony export */   lt: () => (/* binding */ restoreJson),
/* harmony export */   rk: () => (/* binding */ restoreSummary),
/* harmony export */   zA: () => (/* binding */ restoreTestSummary)
/* harmony export */ });
/* harmony import */ var _format_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(65118);
/* harmony import */ var _result_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(97343);


function checksTable(checks) {
    const rows = checks.map((c) => [c.name, c.passed ? '✅ pass' : '❌ fail', c.detail]);
    return { kind: 'table', columns: ['Check', 'Result', 'Detail'], rows };
}
/**
 * The drill report: verdict first, then the figures a team tracks (backup age = RPO, restore time = RTO), then each
 * check.
 */
function restoreTestSummary(result) {
    const failed = result.checks.filter((c) => !c.passed).length;
    const m = result.manifest;
    const verdict = result.passed ? 'all checks passed' : `${failed} of ${result.checks.length} checks failed`;
    return {
        status: result.passed ? 'ok' : 'failure',
        title: ['Restore test of ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(m.database), ' backup ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.backupId), `: ${verdict}`],
        blocks: [
            {
                kind: 'facts',
                rows: [
                    ['Backup', [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.backupId), ` from ${result.storage}, taken ${m.finishedAt}`]],
                    ['Backup age (RPO)', (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatSeconds */ .Xo)(result.backupAgeSeconds)],
                    [
                        'Restore time (RTO)',
                        `${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatSeconds */ .Xo)(result.restoreSeconds)} (fetch, verify, decrypt, decompress, pg_restore)`,
                    ],
                    [
                        'Restored',
                        `${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatBytes */ .z3)(result.restoredBytes)} archive, ${result.tables} tables, ${rows(result.rows)} rows`,
                    ],
                    ['Scratch database', [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.scratchDatabase), ` (${result.kept ? 'kept' : 'dropped'})`]],
                ],
            },
            checksTable(result.checks),
        ],
    };
}
function restoreSummary(result) {
    const safety = result.safetyBackup;
    return {
        status: result.passed ? 'ok' : 'warning',
        title: ['Restored backup ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.backupId), ' into ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.target)],
        blocks: [
            {
                kind: 'facts',
                rows: [
                    ['Backup', [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.backupId), ` of ${result.manifest.database}, taken ${result.manifest.finishedAt}`]],
                    [
                        'Safety backup',
                        safety
                            ? [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(safety.backupId), ' at ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(safety.location)]
                            : 'none (the target was empty, or safety-backup: false)',
                    ],
                    ['Restore time', (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatSeconds */ .Xo)(result.restoreSeconds)],
                    ['Restored', `${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatBytes */ .z3)(result.restoredBytes)} archive, ${rows(result.rows)} rows`],
                ],
            },
            checksTable(result.checks),
        ],
    };
}
function rows(count) {
    return count.toLocaleString('en-US');
}
/** The action's outputs: the same result, as the strings a workflow's later steps read. */
function restoreTestOutputs(result) {
    return {
        'backup-id': result.backupId,
        'restored-bytes': String(result.restoredBytes),
        'restore-seconds': result.restoreSeconds.toFixed(1),
        tables: String(result.tables),
        rows: String(result.rows),
        'checks-passed': String(result.checks.filter((c) => c.passed).length),
        'checks-failed': String(result.checks.filter((c) => !c.passed).length),
    };
}
/** The machine-readable result (--json): the result without its manifest, and the backup it tested in brief. */
function restoreTestJson(result) {
    const { name, database, finishedAt } = result.manifest;
    return { ...result, manifest: undefined, backup: { name, database, finishedAt } };
}
/** restore's outputs, as the strings a later step reads. */
function restoreOutputs(result) {
    return {
        'backup-id': result.backupId,
        'safety-backup-id': result.safetyBackup?.backupId ?? '',
        'restore-seconds': result.restoreSeconds.toFixed(1),
        rows: String(result.rows),
    };
}
/** restore's machine-readable result (--json): without the manifest, the safety backup in brief. */
function restoreJson(result) {
    const safety = result.safetyBackup;
    return {
        ...result,
        manifest: undefined,
        safetyBackup: safety ? { backupId: safety.backupId, location: safety.location } : undefined,
    };
}
//# sourceMappingURL=restore-summary.js.map

/***/ }),

/***/ 63917:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  IW: () => (/* binding */ checkFreshness),
  M2: () => (/* binding */ checkRestoreTime),
  KV: () => (/* binding */ readChecksFile)
});

// UNUSED EXPORTS: parseChecks

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
;// CONCATENATED MODULE: ./packages/core/lib/restore/sql-statements.js
/**
 * Splits SQL text into its statements at top-level semicolons, the way PostgreSQL's lexer sees them: semicolons
 * inside quoted strings ('...', E'...', "..."), dollar quotes ($tag$...$tag$) and comments (--, nested /* *\/) do
 * not end a statement. Comments are dropped; empty statements are left out. Only the lexical structure is read:
 * this tells how many statements a text holds, not whether they are valid.
 *
 * Written by hand because only the count is needed, and only for an early error that names the check: the server
 * enforces the rule itself (the extended protocol refuses several statements, the transaction is read-only).
 * A real parse (libpg-query, PostgreSQL's own parser as 1.8 MB of wasm) is worth its size once SQL must be
 * understood, as migration linting will need.
 */
function splitStatements(sql) {
    const statements = [];
    let current = '';
    let i = 0;
    const take = (end) => {
        current += sql.slice(i, end);
        i = end;
    };
    while (i < sql.length) {
        const c = sql[i];
        const next = sql[i + 1];
        if (c === '-' && next === '-') {
            const end = sql.indexOf('\n', i);
            i = end === -1 ? sql.length : end;
            current += ' ';
        }
        else if (c === '/' && next === '*') {
            i = blockCommentEnd(sql, i);
            current += ' ';
        }
        else if (c === "'") {
            // E'...' strings take backslash escapes; standard strings only '' (standard_conforming_strings, the default).
            const escapes = /[eE]$/.test(current) && !/[\w$]$/.test(current.slice(0, -1));
            take(quotedEnd(sql, i, "'", escapes));
        }
        else if (c === '"') {
            take(quotedEnd(sql, i, '"', false));
        }
        else if (c === '$' && !/[\w$]$/.test(current)) {
            const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i))?.[0];
            if (tag) {
                const close = sql.indexOf(tag, i + tag.length);
                take(close === -1 ? sql.length : close + tag.length);
            }
            else {
                take(i + 1);
            }
        }
        else if (c === ';') {
            if (current.trim())
                statements.push(current.trim());
            current = '';
            i++;
        }
        else {
            take(i + 1);
        }
    }
    if (current.trim())
        statements.push(current.trim());
    return statements;
}
function quotedEnd(sql, start, quote, backslashEscapes) {
    for (let i = start + 1; i < sql.length; i++) {
        if (backslashEscapes && sql[i] === '\\') {
            i++;
        }
        else if (sql[i] === quote) {
            if (sql[i + 1] === quote)
                i++;
            else
                return i + 1;
        }
    }
    return sql.length;
}
function blockCommentEnd(sql, start) {
    let depth = 0;
    for (let i = start; i < sql.length - 1; i++) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
            depth++;
            i++;
        }
        else if (sql[i] === '*' && sql[i + 1] === '/') {
            depth--;
            i++;
            if (depth === 0)
                return i + 1;
        }
    }
    return sql.length;
}
//# sourceMappingURL=sql-statements.js.map
;// CONCATENATED MODULE: ./packages/core/lib/restore/checks.js




/**
 * A checks file, its kind by its name: a `.json` file is an array of MongoDB pipeline checks
 * (databases/mongodb/pipeline-checks.ts); any other is SQL, where each check starts with a `-- name: ...` line
 * and runs until the next one, and a file without names is split at semicolons that end a line, its checks
 * numbered.
 */
async function readChecksFile(path, input = 'checks') {
    let text;
    try {
        text = await (0,promises_.readFile)(path, 'utf8');
    }
    catch {
        throw (0,errors/* invalidInput */.aY)(input, `names a file that cannot be read (${path})`, 'a path to a file in the repository: .sql for PostgreSQL (e.g. .github/dbops/restore-checks.sql), .json for MongoDB (e.g. .github/dbops/mongo-checks.json)');
    }
    if (!/\.json$/i.test(path))
        return parseChecks(text, input, path);
    // Loaded for a MongoDB checks file only: its EJSON parser (bson, 180 KB of the bundle) loaded at every start.
    return (await Promise.all(/* import() */[__webpack_require__.e(71541905023), __webpack_require__.e(572256465994)]).then(__webpack_require__.bind(__webpack_require__, 38948))).parsePipelineChecks(text, input);
}
function parseChecks(text, input = 'checks', file) {
    const checks = [];
    if (/^--\s*name:/m.test(text)) {
        const [preamble = '', ...blocks] = text.split(/^--\s*name:/m);
        refuseUnnamedPreamble(preamble, input, file);
        for (const block of blocks) {
            const newline = block.indexOf('\n');
            const name = (newline === -1 ? block : block.slice(0, newline)).trim();
            const sql = stripSql(newline === -1 ? '' : block.slice(newline + 1));
            if (!name || !sql)
                throw (0,errors/* invalidInput */.aY)(input, `has a check without ${name ? 'SQL' : 'a name'}${name ? ` ('${name}')` : ''}`, 'blocks of "-- name: <what it proves>" followed by one query that returns true or a non-zero count');
            checks.push({ name, sql });
        }
    }
    else {
        text
            .split(/;\s*$/m)
            .map(stripSql)
            .filter(Boolean)
            .forEach((sql, i) => {
            checks.push({ name: `check ${i + 1}`, sql });
        });
    }
    if (checks.length === 0)
        throw (0,errors/* invalidInput */.aY)(input, 'holds no checks', 'one or more queries, each returning true or a non-zero count');
    for (const check of checks)
        refuseUnlessOneQuery(check, input);
    return checks;
}
/**
 * SQL before the first `-- name:` line is a check without a name: refused, not dropped, or the file would seem to
 * prove what it never ran. Comments and blank lines there are fine (a header).
 */
function refuseUnnamedPreamble(preamble, input, file) {
    if (!stripSql(preamble))
        return;
    const line = preamble.split('\n').findIndex((l) => l.trim() !== '' && !/^\s*--/.test(l)) + 1;
    throw (0,errors/* invalidInput */.aY)(input, `has SQL before its first '-- name:' line (${file ? `${file}, ` : ''}line ${line}), a check without a name`, 'each check starts with a `-- name: <name>` line, followed by one query that returns true or a non-zero count');
}
/** The statements a check may be: a query, nothing that ends the read-only transaction or changes the session. */
const QUERY_START = /^\(*\s*(select|with|values|table)\b/i;
const ONE_QUERY = 'one query per check that returns true or a non-zero count (select, with, values or table), e.g. "-- name: orders restored" then "select count(*) from public.orders"';
/**
 * A check is one query, refused otherwise when the file is read, before anything restores: a second statement
 * after a `commit` would run outside the read-only transaction and its timeout.
 */
function refuseUnlessOneQuery(check, input) {
    const statements = splitStatements(check.sql);
    if (statements.length > 1) {
        throw (0,errors/* invalidInput */.aY)(input, `has check '${check.name}' holding ${statements.length} statements, not one query`, ONE_QUERY);
    }
    if (!QUERY_START.test(statements[0] ?? '')) {
        const verb = /^\S+/.exec(statements[0] ?? '')?.[0] ?? '';
        throw (0,errors/* invalidInput */.aY)(input, `has check '${check.name}' that is not a query (it starts with '${verb.slice(0, 20)}')`, ONE_QUERY);
    }
}
function stripSql(sql) {
    return sql
        .split('\n')
        .filter((line) => !/^\s*--/.test(line))
        .join('\n')
        .trim()
        .replace(/;\s*$/, '')
        .trim();
}
function checkFreshness(manifest, maxAgeSeconds, now) {
    const age = (now.getTime() - Date.parse(manifest.finishedAt)) / 1000;
    return {
        name: 'freshness (RPO)',
        passed: age <= maxAgeSeconds,
        detail: `backup is ${(0,format/* formatSeconds */.Xo)(age)} old; limit ${(0,format/* formatSeconds */.Xo)(maxAgeSeconds)}`,
    };
}
function checkRestoreTime(seconds, maxSeconds) {
    return {
        name: 'restore time (RTO)',
        passed: seconds <= maxSeconds,
        detail: `restored in ${(0,format/* formatSeconds */.Xo)(seconds)}; limit ${(0,format/* formatSeconds */.Xo)(maxSeconds)}`,
    };
}
//# sourceMappingURL=checks.js.map

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
