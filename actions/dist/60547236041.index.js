export const id = 60547236041;
export const ids = [60547236041];
export const modules = {

/***/ 75578:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   x: () => (/* binding */ createAgeEncryptStream),
/* harmony export */   zz: () => (/* binding */ ageEncrypt)
/* harmony export */ });
/* unused harmony exports DEFAULT_SCRYPT_WORK_FACTOR, MAX_SCRYPT_WORK_FACTOR */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57075);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(57706);
/* harmony import */ var _failures_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(87632);
/* harmony import */ var _header_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(11046);
/* harmony import */ var _keys_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(16459);
/* harmony import */ var _payload_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(82081);
/* harmony import */ var _stanzas_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(71009);
// Plaintext in, age file out: a Transform that seals 64 KiB at a time, so memory stays bounded for any input size.








const DEFAULT_SCRYPT_WORK_FACTOR = 18;
/** age's decrypt refuses work factors above 22 by default, so a file encrypted with more would not open there. */
const MAX_SCRYPT_WORK_FACTOR = 22;
function createAgeEncryptStream(options) {
    const { fileKey, stanzas } = prepareEncryption(options);
    return new AgeEncryptStream(fileKey, stanzas);
}
/**
 * A whole plaintext in memory, encrypted at once: the same age file the stream writes, for small inputs (a parallel
 * backup's parts of a few KiB each, for which a Transform per part costs more memory than the data).
 */
async function ageEncrypt(plaintext, options) {
    const { fileKey, stanzas } = prepareEncryption(options);
    try {
        const header = (0,_header_js__WEBPACK_IMPORTED_MODULE_2__/* .encodeHeader */ .YS)(await stanzas, fileKey);
        const nonce = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(_payload_js__WEBPACK_IMPORTED_MODULE_3__/* .PAYLOAD_NONCE_SIZE */ .Pq);
        const key = (0,_payload_js__WEBPACK_IMPORTED_MODULE_3__/* .payloadKey */ .wT)(fileKey, nonce);
        const out = [header, nonce];
        // Full chunks, then the final one: short, or full, and empty only when the whole plaintext is.
        let index = 0;
        let offset = 0;
        for (; plaintext.length - offset > _payload_js__WEBPACK_IMPORTED_MODULE_3__/* .CHUNK_SIZE */ .OZ; offset += _payload_js__WEBPACK_IMPORTED_MODULE_3__/* .CHUNK_SIZE */ .OZ)
            out.push(...(0,_payload_js__WEBPACK_IMPORTED_MODULE_3__/* .sealChunk */ .Hb)(key, index++, [plaintext.subarray(offset, offset + _payload_js__WEBPACK_IMPORTED_MODULE_3__/* .CHUNK_SIZE */ .OZ)], false));
        out.push(...(0,_payload_js__WEBPACK_IMPORTED_MODULE_3__/* .sealChunk */ .Hb)(key, index, [plaintext.subarray(offset)], true));
        return Buffer.concat(out);
    }
    catch (error) {
        throw asEncryptError(error);
    }
}
/** Checks the options (synchronously, so a bad input fails before any data flows) and wraps a new file key. */
function prepareEncryption(options) {
    const recipients = options.recipients.map((recipient) => (0,_keys_js__WEBPACK_IMPORTED_MODULE_4__/* .parseRecipient */ .Fx)(recipient, 'encrypt-to'));
    const passphrase = options.passphrase === '' ? undefined : options.passphrase;
    if (passphrase !== undefined && recipients.length > 0) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .invalidInput */ .aY)('encrypt-passphrase', "cannot be combined with recipients: age's passphrase (scrypt) recipient must be the only recipient of a file, " +
            'and dbops keeps its files standard', 'either encrypt-to (one or more age1... recipients) or encrypt-passphrase, not both');
    }
    if (passphrase === undefined && recipients.length === 0) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .invalidInput */ .aY)('encrypt-to', 'is empty, and no passphrase was given: there is no one to encrypt to', 'at least one age1... recipient (or a passphrase instead)');
    }
    const logN = options.scryptWorkFactor ?? DEFAULT_SCRYPT_WORK_FACTOR;
    if (!Number.isInteger(logN) || logN < 1 || logN > MAX_SCRYPT_WORK_FACTOR) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .invalidInput */ .aY)('scrypt-work-factor', `must be a whole number from 1 to ${MAX_SCRYPT_WORK_FACTOR}`, `log2 of scrypt's N, ${DEFAULT_SCRYPT_WORK_FACTOR} by default like age`);
    }
    const fileKey = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(16);
    const x25519Stanzas = recipients.map((recipient) => (0,_stanzas_js__WEBPACK_IMPORTED_MODULE_6__/* .wrapX25519 */ .XO)(fileKey, (0,_keys_js__WEBPACK_IMPORTED_MODULE_4__/* .recipientPublicKey */ .YD)(recipient)));
    const stanzas = passphrase === undefined
        ? Promise.resolve(x25519Stanzas)
        : (0,_stanzas_js__WEBPACK_IMPORTED_MODULE_6__/* .wrapScrypt */ .mB)(fileKey, passphrase, (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(16), logN).then((stanza) => [stanza]);
    stanzas.catch(() => undefined); // reported when the stream starts, not as an unhandled rejection
    return { fileKey, stanzas };
}
class AgeEncryptStream extends node_stream__WEBPACK_IMPORTED_MODULE_1__.Transform {
    fileKey;
    stanzas;
    queue = new _payload_js__WEBPACK_IMPORTED_MODULE_3__/* .ByteQueue */ .yN();
    key;
    index = 0;
    constructor(fileKey, stanzas) {
        super();
        this.fileKey = fileKey;
        this.stanzas = stanzas;
    }
    _transform(chunk, encoding, callback) {
        if (this.key === undefined) {
            this.begin().then(() => this._transform(chunk, encoding, callback), (error) => callback(asEncryptError(error)));
            return;
        }
        try {
            this.queue.push(chunk);
            // Keep the last 64 KiB back: only the end of the input tells whether it is the final chunk.
            while (this.queue.length > _payload_js__WEBPACK_IMPORTED_MODULE_3__/* .CHUNK_SIZE */ .OZ)
                this.sealNext(_payload_js__WEBPACK_IMPORTED_MODULE_3__/* .CHUNK_SIZE */ .OZ, false);
        }
        catch (error) {
            callback(asEncryptError(error));
            return;
        }
        callback();
    }
    _flush(callback) {
        (this.key === undefined ? this.begin() : Promise.resolve()).then(() => {
            try {
                // The final chunk is full or short, and empty only when the whole plaintext is.
                this.sealNext(this.queue.length, true);
            }
            catch (error) {
                callback(asEncryptError(error));
                return;
            }
            callback();
        }, (error) => callback(asEncryptError(error)));
    }
    /** Writes the header and the payload nonce once the stanzas are ready (scrypt runs off the main thread). */
    async begin() {
        const header = (0,_header_js__WEBPACK_IMPORTED_MODULE_2__/* .encodeHeader */ .YS)(await this.stanzas, this.fileKey);
        const nonce = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(_payload_js__WEBPACK_IMPORTED_MODULE_3__/* .PAYLOAD_NONCE_SIZE */ .Pq);
        this.key = (0,_payload_js__WEBPACK_IMPORTED_MODULE_3__/* .payloadKey */ .wT)(this.fileKey, nonce);
        this.push(Buffer.concat([header, nonce]));
    }
    sealNext(size, last) {
        for (const piece of (0,_payload_js__WEBPACK_IMPORTED_MODULE_3__/* .sealChunk */ .Hb)(this.key, this.index++, this.queue.take(size), last))
            this.push(piece);
    }
}
function asEncryptError(error) {
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .DbopsError */ .zJ)
        return error;
    return (0,_failures_js__WEBPACK_IMPORTED_MODULE_7__/* .encryptionFailed */ .XZ)(error instanceof Error ? error.message : String(error), error);
}
//# sourceMappingURL=encrypt.js.map

/***/ }),

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

/***/ 1148:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ep: () => (/* binding */ periodStart),
/* harmony export */   Sy: () => (/* binding */ shortestSeconds),
/* harmony export */   dH: () => (/* binding */ formatPeriod),
/* harmony export */   "if": () => (/* binding */ periodAtLeast)
/* harmony export */ });
/* unused harmony export policyDuration */
const DAY = 86_400;
/**
 * The start of `period` before `now`: `years` calendar years back (UTC), then `seconds` back, as PostgreSQL's
 * `now - interval '1 year 30 days'` does. A day the earlier year lacks (29 February) becomes the last day of its
 * month, 28 February: the earlier date, so a period never ends up shorter than its years.
 */
function periodStart(now, period) {
    const start = new Date(now.getTime());
    if (period.years !== 0) {
        const year = now.getUTCFullYear() - period.years;
        const month = now.getUTCMonth();
        const lastDay = new Date(0);
        lastDay.setUTCFullYear(year, month + 1, 0);
        start.setUTCFullYear(year, month, Math.min(now.getUTCDate(), lastDay.getUTCDate()));
    }
    return new Date(start.getTime() - period.seconds * 1000);
}
/** The seconds a period spans when its years are as short as they come (365 days each). */
function shortestSeconds(period) {
    return period.years * 365 * DAY + period.seconds;
}
/** The seconds a period spans when its years hold every leap day they can (one in any four consecutive years). */
function longestSeconds(period) {
    return (period.years * 365 + Math.ceil(period.years / 4)) * DAY + period.seconds;
}
/**
 * Whether `a` keeps at least as long as `b` whatever the date: exact when both have the same years (they start from
 * the same day), otherwise `a`'s years counted at their shortest and `b`'s at their longest. So `365d` is shorter
 * than `1y` (a year with 29 February has 366 days), and `1y` is not shorter than `1y`.
 */
function periodAtLeast(a, b) {
    if (a.years === b.years)
        return a.seconds >= b.seconds;
    return shortestSeconds(a) >= longestSeconds(b);
}
/** A period as the policy file writes it: `7y`, `1y30d`, `365d`, `36h`. */
function formatPeriod(period) {
    if (period.years === 0)
        return policyDuration(period.seconds);
    return `${period.years}y${period.seconds === 0 ? '' : policyDuration(period.seconds)}`;
}
/** Seconds as the policy file writes them: `365d`, `12h`, `90m`, `30s` (the largest unit that divides them). */
function policyDuration(seconds) {
    for (const [unit, size] of [
        ['d', DAY],
        ['h', 3600],
        ['m', 60],
    ])
        if (seconds >= size && seconds % size === 0)
            return `${seconds / size}${unit}`;
    return `${seconds}s`;
}
//# sourceMappingURL=period.js.map

/***/ })

};
