export const id = 196087322869;
export const ids = [196087322869];
export const modules = {

/***/ 16459:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AF: () => (/* binding */ recipientFingerprint),
/* harmony export */   Fx: () => (/* binding */ parseRecipient),
/* harmony export */   RE: () => (/* binding */ identityToRecipient),
/* harmony export */   SV: () => (/* binding */ identitySecretKey),
/* harmony export */   U: () => (/* binding */ IDENTITY_FORM),
/* harmony export */   YD: () => (/* binding */ recipientPublicKey),
/* harmony export */   go: () => (/* binding */ parseIdentities)
/* harmony export */ });
/* unused harmony exports RECIPIENT_FORM, generateIdentity */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var _scure_base__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(64929);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(57706);
/* harmony import */ var _primitives_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(27705);
// age X25519 recipients ("age1...") and identities ("AGE-SECRET-KEY-1..."): Bech32 strings over 32 raw bytes.




const RECIPIENT_PREFIX = 'age';
const IDENTITY_PREFIX = 'age-secret-key-';
const RECIPIENT_FORM = 'an X25519 recipient like age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p, as printed by age-keygen';
const IDENTITY_FORM = 'an age identity AGE-SECRET-KEY-1... as written by age-keygen, or the content of an age identity file ' +
    '(one identity per line; blank lines and lines starting with # are ignored)';
/** The 32 bytes inside a Bech32 string with the given prefix, or why it is not one. Never echoes the input. */
function decodeKey(text, prefix) {
    let decoded;
    try {
        // No length limit: Bech32's 90-character cap is for Bitcoin addresses, and age sets none.
        decoded = _scure_base__WEBPACK_IMPORTED_MODULE_1__/* .bech32 */ .I.decode(text, false);
    }
    catch {
        return { problem: 'not valid Bech32: a character is wrong, missing, or of mixed case' };
    }
    if (decoded.prefix.startsWith('age1') || decoded.prefix.startsWith('age-plugin-')) {
        return { problem: 'age plugin keys are not supported' };
    }
    if (decoded.prefix !== prefix)
        return { problem: 'wrong Bech32 prefix' };
    let bytes;
    try {
        bytes = _scure_base__WEBPACK_IMPORTED_MODULE_1__/* .bech32 */ .I.fromWords(decoded.words);
    }
    catch {
        return { problem: 'not valid Bech32 data' };
    }
    if (bytes.length !== 32)
        return { problem: `it encodes ${bytes.length} bytes instead of 32` };
    return { bytes: Buffer.from(bytes) };
}
function recipientProblem(text) {
    const upper = text.toUpperCase();
    if (upper.startsWith('AGE-SECRET-KEY-'))
        return 'this is a secret identity; use its public key, never the secret key';
    if (text.startsWith('ssh-'))
        return 'SSH recipients are not supported';
    if (!text.toLowerCase().startsWith('age1'))
        return 'it does not start with age1';
    return undefined;
}
/** Validates an age1... X25519 recipient and returns it in its canonical lower-case form. */
function parseRecipient(text, inputName) {
    const trimmed = text.trim();
    const early = recipientProblem(trimmed);
    const result = early === undefined ? decodeKey(trimmed, RECIPIENT_PREFIX) : { problem: early };
    if ('problem' in result) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(inputName, `is not a valid age recipient (${result.problem})`, RECIPIENT_FORM);
    }
    return encodeRecipient(result.bytes);
}
/** The raw X25519 public key of a recipient. */
function recipientPublicKey(recipient) {
    const result = decodeKey(parseRecipient(recipient, 'recipient'), RECIPIENT_PREFIX);
    if ('problem' in result)
        throw new Error('unreachable: a parsed recipient decodes');
    return result.bytes;
}
function identityProblem(line) {
    const upper = line.toUpperCase();
    if (upper.startsWith('AGE1'))
        return 'this is a public recipient; decrypting needs the secret AGE-SECRET-KEY-1...';
    if (upper.startsWith('AGE-PLUGIN-'))
        return 'age plugin keys are not supported';
    if (line.startsWith('-----BEGIN'))
        return 'SSH and PEM keys are not supported';
    if (!upper.startsWith('AGE-SECRET-KEY-1'))
        return 'it does not start with AGE-SECRET-KEY-1';
    return undefined;
}
/**
 * Accepts one AGE-SECRET-KEY-1... or the content of an identity file and returns the identities in canonical
 * upper-case form. Error messages name the line, never its content: these are secrets.
 */
function parseIdentities(text, inputName) {
    const identities = [];
    const lines = text.split(/\r?\n/);
    for (const [index, raw] of lines.entries()) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#'))
            continue;
        const early = identityProblem(line);
        const result = early === undefined ? decodeKey(line, IDENTITY_PREFIX) : { problem: early };
        if ('problem' in result) {
            const where = lines.length > 1 ? ` on line ${index + 1}` : '';
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(inputName, `is not a valid age identity${where} (${result.problem})`, IDENTITY_FORM);
        }
        identities.push(encodeIdentity(result.bytes));
    }
    if (identities.length === 0)
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)(inputName, 'contains no age identity', IDENTITY_FORM);
    return identities;
}
/** The raw X25519 secret scalar of an identity already validated by parseIdentities. */
function identitySecretKey(identity) {
    const result = decodeKey(identity, IDENTITY_PREFIX);
    if ('problem' in result) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)('identity', `is not a valid age identity (${result.problem})`, IDENTITY_FORM);
    }
    return result.bytes;
}
/** The age1... recipient of an identity (the first one, given an identity file). */
function identityToRecipient(identity) {
    const [first] = parseIdentities(identity, 'identity');
    return encodeRecipient((0,_primitives_js__WEBPACK_IMPORTED_MODULE_3__/* .rawPublicKey */ .F7)((0,_primitives_js__WEBPACK_IMPORTED_MODULE_3__/* .x25519PrivateKey */ .F8)(identitySecretKey(first ?? ''))));
}
/** "sha256:" + 16 hex chars of SHA-256 of the recipient: identifies the key in a manifest without being the key. */
function recipientFingerprint(recipient) {
    const canonical = parseRecipient(recipient, 'recipient');
    return `sha256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}
function generateIdentity() {
    const { privateKey, publicKey } = generateKeyPairSync('x25519');
    return { identity: encodeIdentity(rawPrivateKey(privateKey)), recipient: encodeRecipient(rawPublicKey(publicKey)) };
}
function encodeRecipient(publicKey) {
    return _scure_base__WEBPACK_IMPORTED_MODULE_1__/* .bech32 */ .I.encode(RECIPIENT_PREFIX, _scure_base__WEBPACK_IMPORTED_MODULE_1__/* .bech32 */ .I.toWords(publicKey), false);
}
function encodeIdentity(secretKey) {
    return _scure_base__WEBPACK_IMPORTED_MODULE_1__/* .bech32 */ .I.encode(IDENTITY_PREFIX, _scure_base__WEBPACK_IMPORTED_MODULE_1__/* .bech32 */ .I.toWords(secretKey), false).toUpperCase();
}
//# sourceMappingURL=keys.js.map

/***/ }),

/***/ 27705:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $l: () => (/* binding */ x25519PublicKey),
/* harmony export */   F7: () => (/* binding */ rawPublicKey),
/* harmony export */   F8: () => (/* binding */ x25519PrivateKey),
/* harmony export */   TR: () => (/* binding */ hmacSha256),
/* harmony export */   TU: () => (/* binding */ x25519),
/* harmony export */   Vm: () => (/* binding */ TAG_SIZE),
/* harmony export */   WG: () => (/* binding */ encodeBase64),
/* harmony export */   ho: () => (/* binding */ open),
/* harmony export */   mv: () => (/* binding */ AEAD),
/* harmony export */   od: () => (/* binding */ seal),
/* harmony export */   sM: () => (/* binding */ hkdf),
/* harmony export */   y4: () => (/* binding */ decodeBase64)
/* harmony export */ });
/* unused harmony exports KEY_SIZE, rawPrivateKey */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
// The age primitives on Node's native (OpenSSL) crypto: HKDF-SHA256, HMAC-SHA256, ChaCha20-Poly1305, X25519.

const KEY_SIZE = 32;
const TAG_SIZE = 16;
const AEAD = 'chacha20-poly1305';
function hkdf(ikm, salt, info) {
    return Buffer.from((0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.hkdfSync)('sha256', ikm, salt, info, KEY_SIZE));
}
function hmacSha256(key, data) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHmac)('sha256', key).update(data).digest();
}
/** One-shot ChaCha20-Poly1305 seal: ciphertext || tag. */
function seal(key, nonce, plaintext) {
    const cipher = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createCipheriv)(AEAD, key, nonce, { authTagLength: TAG_SIZE });
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}
/** One-shot ChaCha20-Poly1305 open of ciphertext || tag; undefined when authentication fails. */
function open(key, nonce, sealed) {
    if (sealed.length < TAG_SIZE)
        return undefined;
    const decipher = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createDecipheriv)(AEAD, key, nonce, { authTagLength: TAG_SIZE });
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
    try {
        return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE)), decipher.final()]);
    }
    catch {
        return undefined;
    }
}
// Node imports raw X25519 keys only through DER or JWK (and a private JWK needs the public half too), so wrap the
// 32 raw bytes in the fixed PKCS#8 / SPKI prefixes of RFC 8410.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
function x25519PrivateKey(raw) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createPrivateKey)({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}
function x25519PublicKey(raw) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createPublicKey)({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}
/** The raw public key of a public key, or of the public half of a private key. */
function rawPublicKey(key) {
    const publicKey = key.type === 'private' ? (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createPublicKey)(key) : key;
    return publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
}
function rawPrivateKey(key) {
    return key.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
}
/** X25519(privateKey, publicKey); undefined for a low-order public key (all-zero shared secret, which age rejects). */
function x25519(privateKey, publicKey) {
    try {
        const shared = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.diffieHellman)({ privateKey, publicKey });
        return shared.some((byte) => byte !== 0) ? shared : undefined;
    }
    catch {
        return undefined; // OpenSSL itself refuses the all-zero result
    }
}
const BASE64 = /^[A-Za-z0-9+/]*$/;
/** age's base64: standard alphabet, no padding. */
function encodeBase64(bytes) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '');
}
/** Strict unpadded base64 (canonical only, like Go's RawStdEncoding.Strict); undefined when malformed. */
function decodeBase64(text) {
    if (!BASE64.test(text) || text.length % 4 === 1)
        return undefined;
    const bytes = Buffer.from(text, 'base64');
    return encodeBase64(bytes) === text ? bytes : undefined;
}
//# sourceMappingURL=primitives.js.map

/***/ }),

/***/ 35860:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GT: () => (/* binding */ describeFilter),
/* harmony export */   SC: () => (/* binding */ findBackup),
/* harmony export */   T6: () => (/* binding */ isDatedInFuture),
/* harmony export */   Uh: () => (/* binding */ damagedManifestsError),
/* harmony export */   WI: () => (/* binding */ readManifest),
/* harmony export */   n: () => (/* binding */ storedFileProblem),
/* harmony export */   rn: () => (/* binding */ CLOCK_SKEW_MS),
/* harmony export */   uM: () => (/* binding */ readCatalog)
/* harmony export */ });
/* unused harmony export listBackups */
/* harmony import */ var node_stream_consumers__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(38321);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(57706);
/* harmony import */ var _layout_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8273);
/* harmony import */ var _manifest_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(96702);
/* harmony import */ var _verification_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(40816);





/**
 * The complete backups in a storage location, newest first. A backup is complete only when its manifest exists
 * (docs/architecture.md invariant 1): objects without one are in flight or abandoned and never listed. Fails with the first
 * damaged manifest in the filter's scope; readCatalog() goes on past them, to fail closed for their names only.
 */
async function listBackups(storage, filter = {}) {
    const { entries, damaged } = await readCatalog(storage, filter);
    if (damaged.length > 0)
        throw damaged[0].error;
    return entries;
}
/** The complete backups in a storage location, newest first, and the manifests that could not be read. */
async function readCatalog(storage, filter = {}) {
    const prefix = filter.name ? `${filter.name}/` : '';
    const objects = await storage.list(prefix);
    const verified = new Map();
    for (const o of objects) {
        const record = (0,_verification_js__WEBPACK_IMPORTED_MODULE_1__/* .parseVerificationKey */ .Qq)(o.key);
        if (!record)
            continue;
        const id = `${record.name}/${record.backupId}`;
        if (!verified.has(id) || verified.get(id) < record.verifiedAt)
            verified.set(id, record.verifiedAt);
    }
    const manifests = objects.filter((o) => {
        if (!o.key.endsWith(_layout_js__WEBPACK_IMPORTED_MODULE_2__/* .MANIFEST_SUFFIX */ .OK))
            return false;
        const file = o.key.slice(o.key.lastIndexOf('/') + 1, -_layout_js__WEBPACK_IMPORTED_MODULE_2__/* .MANIFEST_SUFFIX */ .OK.length);
        return (0,_layout_js__WEBPACK_IMPORTED_MODULE_2__/* .isBackupId */ ["if"])(file);
    });
    const sizes = new Map(objects.map((o) => [o.key, o.size]));
    const entries = [];
    const damaged = [];
    for (const object of manifests) {
        const folder = object.key.slice(0, object.key.lastIndexOf('/'));
        let manifest;
        try {
            manifest = await readManifest(storage, object.key);
        }
        catch (error) {
            // Damage is a fact about this file and its name; a storage that cannot be read fails the whole call.
            if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .DbopsError */ .zJ && error.code === 'INTEGRITY_FAILED'))
                throw error;
            if (filter.name && folder !== filter.name)
                continue;
            const backupId = object.key.slice(folder.length + 1, -_layout_js__WEBPACK_IMPORTED_MODULE_2__/* .MANIFEST_SUFFIX */ .OK.length);
            damaged.push({ key: object.key, name: folder, backupId, error });
            continue;
        }
        // A name filter means exactly that name: "prod" must not pick up "prod/app".
        if (filter.name && manifest.name !== filter.name)
            continue;
        if (filter.database && manifest.database !== filter.database)
            continue;
        const verifiedAt = verified.get(`${manifest.name}/${manifest.backupId}`);
        const damage = storedFileProblem(manifest, sizes);
        entries.push({
            manifest,
            manifestKey: object.key,
            ...(verifiedAt ? { verifiedAt } : {}),
            ...(damage ? { damage } : {}),
        });
    }
    // Ids begin with their UTC time, so reverse id order is newest first.
    return { entries: entries.sort((a, b) => (a.manifest.backupId < b.manifest.backupId ? 1 : -1)), damaged };
}
/** One error for the damaged manifests a run met: the first one's message and hint, and the keys of the others. */
function damagedManifestsError(damaged) {
    const [first, ...others] = damaged;
    const more = others.length > 0 ? ` (and ${others.length} more damaged manifest(s): ${others.map((d) => d.key).join(', ')})` : '';
    return new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .DbopsError */ .zJ('INTEGRITY_FAILED', `${first.error.message}${more}`, {
        ...(first.error.hint ? { hint: first.error.hint } : {}),
        cause: first.error,
    });
}
/**
 * How far after this machine's clock a backup may be dated and still count as on time: clocks of runners drift by
 * seconds, not hours. One dated later was taken on a machine whose clock was wrong (or its manifest was edited).
 */
const CLOCK_SKEW_MS = 3600_000;
/**
 * Why a backup cannot be restored, judged from a listing of its files (key → size): its object, or a part of a
 * parallel dump, is missing or not the size its manifest recorded. Undefined when every file is there. Rotation sets
 * such a backup aside and freshness does not count it: both ask this one function.
 */
function storedFileProblem(manifest, sizes) {
    for (const [i, file] of (0,_manifest_js__WEBPACK_IMPORTED_MODULE_4__/* .storedFiles */ .B0)(manifest).entries()) {
        const what = i === 0 ? 'its object' : `its part ${file.file}`;
        const size = sizes.get(file.key);
        if (size === undefined)
            return `${what} is missing`;
        if (size !== file.storedBytes)
            return `${what} has ${size} bytes, not ${file.storedBytes}`;
    }
    return undefined;
}
/** Dated after now: such a backup must not count as the newest, or it would stay "newest" until that date. */
function isDatedInFuture(manifest, now) {
    return Date.parse(manifest.startedAt) > now.getTime() + CLOCK_SKEW_MS;
}
/** "name prod, database app": what a filter asked for, for messages that say it found nothing ('' for none). */
function describeFilter(filter) {
    return [filter.name && `name ${filter.name}`, filter.database && `database ${filter.database}`]
        .filter(Boolean)
        .join(', ');
}
async function readManifest(storage, key) {
    return (0,_manifest_js__WEBPACK_IMPORTED_MODULE_4__/* .parseManifest */ .Ng)(await (0,node_stream_consumers__WEBPACK_IMPORTED_MODULE_0__.text)(await storage.get(key)), storage.locate(key));
}
/**
 * The backup with the given id, or the newest one matching the filter. Never "the newest": a backup dated in the
 * future, which would be restored (and restore-tested) instead of every later backup until that date; and, unless
 * its name is asked for, a restore's `pre-restore/` safety backup, which holds the state a restore replaced.
 */
async function findBackup(storage, filter, now = new Date()) {
    const { entries, damaged } = await readCatalog(storage, filter);
    if (filter.backupId) {
        // Another backup's damaged manifest says nothing against this one.
        const entry = entries.find((e) => e.manifest.backupId === filter.backupId);
        if (entry)
            return entry;
        const broken = damaged.find((d) => d.backupId === filter.backupId);
        if (broken)
            throw broken.error;
        const incomplete = (await storage.list(filter.name ? `${filter.name}/` : '')).some((o) => o.key.includes(filter.backupId));
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .DbopsError */ .zJ('NO_BACKUP', `No complete backup with id ${filter.backupId} in ${storage.display}${incomplete ? ' (its object exists but has no manifest: the backup never completed)' : ''}`, {
            input: 'backup-id',
            hint: 'List the complete backups with `dbops list --from ...`.',
        });
    }
    const scheduled = filter.name ? entries : entries.filter((e) => !e.manifest.name.startsWith(_layout_js__WEBPACK_IMPORTED_MODULE_2__/* .SAFETY_BACKUP_PREFIX */ .X6));
    const newest = scheduled.find((e) => !isDatedInFuture(e.manifest, now));
    // A damaged manifest newer than the newest readable backup may be the newest backup: never restore an older one
    // in its place without being told to.
    const newerDamaged = damaged.find((d) => (filter.name || !d.name.startsWith(_layout_js__WEBPACK_IMPORTED_MODULE_2__/* .SAFETY_BACKUP_PREFIX */ .X6)) && (!newest || d.backupId > newest.manifest.backupId));
    if (newerDamaged) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .DbopsError */ .zJ('INTEGRITY_FAILED', newerDamaged.error.message, {
            input: 'backup-id',
            hint: `${newerDamaged.error.hint ?? ''} To use an older backup meanwhile, name it with backup-id (\`dbops list --from ...\` lists them).`.trim(),
            cause: newerDamaged.error,
        });
    }
    if (!newest) {
        const scope = describeFilter(filter);
        const future = scheduled.map((e) => e.manifest.backupId);
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .DbopsError */ .zJ('NO_BACKUP', `No complete backup in ${storage.display}${scope ? ` for ${scope}` : ''}${future.length > 0 ? ` dated before now (${future.join(', ')} ${future.length === 1 ? 'is' : 'are'} dated in the future: taken with a wrong clock)` : ''}`, {
            input: future.length > 0 ? 'backup-id' : 'from',
            hint: future.length > 0
                ? 'Name the backup to use with backup-id once you have checked what it holds, and fix the clock of the machine that took it.'
                : entries.length > 0
                    ? `Only restores' safety backups are there; to use one, give its name (${entries[0].manifest.name}) or its backup-id.`
                    : 'Check the location (and name / database filters); only backups with a manifest count as complete.',
        });
    }
    return newest;
}
//# sourceMappingURL=catalog.js.map

/***/ }),

/***/ 96702:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B0: () => (/* binding */ storedFiles),
/* harmony export */   K7: () => (/* binding */ checkManifest),
/* harmony export */   MZ: () => (/* binding */ serializeManifest),
/* harmony export */   Ng: () => (/* binding */ parseManifest)
/* harmony export */ });
/* unused harmony export MANIFEST_FORMAT_VERSION */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);

const MANIFEST_FORMAT_VERSION = 1;
/** Every stored file of a backup: its object, then a parallel dump's parts. */
function storedFiles(manifest) {
    const { key, rawBytes, storedBytes, sha256 } = manifest.object;
    const file = manifest.object.format === 'pg_dump-directory' ? 'toc.dat' : key.slice(key.lastIndexOf('/') + 1);
    return [{ file, key, rawBytes, storedBytes, sha256 }, ...(manifest.parts ?? [])];
}
function serializeManifest(manifest) {
    return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
}
/** What a damaged manifest stops, and what to do about it. */
const DAMAGED_MANIFEST_EFFECT = 'until it is dealt with, backups filed under its name are not rotated and fail freshness checks (other names go on). ' +
    "Inspect it; restore it from the storage's versioning (S3 object versions, a file system snapshot) if you can, otherwise remove it and its object.";
/** Parses a manifest and checks the fields restore and rotation rely on; `where` names it in errors. */
function parseManifest(text, where) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('INTEGRITY_FAILED', `The manifest ${where} is not valid JSON`, {
            hint: `It was cut short or altered after it was written, and this backup cannot be trusted; ${DAMAGED_MANIFEST_EFFECT}`,
        });
    }
    return checkManifest(value, where);
}
/**
 * What the catalog requires of a manifest, checked on a parsed one (parseManifest) and, before it is written, on the
 * backup's own: a run never writes a manifest the catalog would call damaged. Numbers must be finite, as JSON has no
 * other kind (NaN would be written as null).
 */
function checkManifest(value, where) {
    const m = value;
    const problems = [];
    if (m.formatVersion !== MANIFEST_FORMAT_VERSION)
        problems.push(`formatVersion ${String(m.formatVersion)} is not ${MANIFEST_FORMAT_VERSION}`);
    if (typeof m.backupId !== 'string')
        problems.push('backupId is missing');
    if (typeof m.object?.key !== 'string')
        problems.push('object.key is missing');
    if (!/^[0-9a-f]{64}$/.test(m.object?.sha256 ?? ''))
        problems.push('object.sha256 is not a SHA-256');
    if (!Number.isFinite(m.object?.storedBytes))
        problems.push('object.storedBytes is missing');
    if (m.object?.format === 'pg_dump-directory' && !Array.isArray(m.parts))
        problems.push('parts is missing');
    for (const part of Array.isArray(m.parts) ? m.parts : []) {
        // Parts become file names on restore: a name with a path in it would write outside the archive's directory.
        if (typeof part?.file !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(part.file) || part.file.startsWith('.'))
            problems.push(`part ${JSON.stringify(part?.file)} is not a file name`);
        else if (typeof part.key !== 'string' || !/^[0-9a-f]{64}$/.test(part.sha256 ?? ''))
            problems.push(`part ${part.file} has no key or SHA-256`);
        else if (!Number.isFinite(part.storedBytes))
            problems.push(`part ${part.file} has no storedBytes`);
    }
    // Rotation orders backups by startedAt: an unreadable time must not make a backup "newest" or "oldest".
    if (!isUtcTimestamp(m.startedAt))
        problems.push('startedAt is not an ISO 8601 UTC time');
    if (problems.length > 0) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('INTEGRITY_FAILED', `The manifest ${where} is not a dbops manifest: ${problems.join('; ')}`, {
            hint: `It may come from a newer dbops (use a version that reads it) or have been edited; ${DAMAGED_MANIFEST_EFFECT}`,
        });
    }
    return m;
}
function isUtcTimestamp(value) {
    return (typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value) &&
        !Number.isNaN(Date.parse(value)));
}
//# sourceMappingURL=manifest.js.map

/***/ }),

/***/ 40816:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Qq: () => (/* binding */ parseVerificationKey),
/* harmony export */   mD: () => (/* binding */ writeVerificationRecord)
/* harmony export */ });
/* unused harmony export verificationKey */
/* harmony import */ var _storage_put_record_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(56054);

const RECORD = /^(.*)\/([^/]+)\.verified-(\d{8}T\d{6}Z)\.json$/;
function verificationKey(name, backupId, at) {
    const stamp = at
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}Z$/, 'Z');
    return `${name}/${backupId}.verified-${stamp}.json`;
}
/** Parses a record key into (name, backup id, time); undefined for other keys. */
function parseVerificationKey(key) {
    const m = RECORD.exec(key);
    if (!m)
        return undefined;
    const s = m[3];
    const verifiedAt = new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`);
    return { name: m[1], backupId: m[2], verifiedAt };
}
async function writeVerificationRecord(storage, name, record) {
    const key = verificationKey(name, record.backupId, new Date(record.verifiedAt));
    await (0,_storage_put_record_js__WEBPACK_IMPORTED_MODULE_0__/* .putRecord */ .j)(storage, key, Buffer.from(`${JSON.stringify(record, null, 2)}\n`), {
        contentType: 'application/json',
    });
    return key;
}
//# sourceMappingURL=verification.js.map

/***/ }),

/***/ 56054:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   j: () => (/* binding */ putRecord)
/* harmony export */ });
/* harmony import */ var node_stream_consumers__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(38321);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57706);


/**
 * Puts a small file that other runs read (a manifest, a verification record, a history entry) and reads it back
 * whole: it is stored exactly as sent, or this fails and nothing remains under the key. A storage can report success
 * for less than it was given (a nearly full disk, an S3-compatible server that rewrites bodies), and a record cut
 * short is only found when the next run trips over it.
 */
async function putRecord(storage, key, content, options = {}) {
    await storage.put(key, content, options);
    let stored;
    try {
        stored = await (0,node_stream_consumers__WEBPACK_IMPORTED_MODULE_0__.buffer)(await storage.get(key, options.signal ? { signal: options.signal } : {}));
    }
    catch (error) {
        await storage.delete(key).catch(() => undefined);
        throw error;
    }
    if (!stored.equals(content)) {
        await storage.delete(key).catch(() => undefined);
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .DbopsError */ .zJ('STORAGE_FAILED', `${storage.locate(key)} did not store what was written: ${stored.length} bytes read back, ${content.length} sent${stored.length === content.length ? ' (different content)' : ''}`, {
            hint: 'It was removed. The storage accepted the write but kept something else: check for a full disk or quota, or an S3-compatible server that alters uploads (try s3-checksum WHEN_REQUIRED).',
        });
    }
}
//# sourceMappingURL=put-record.js.map

/***/ })

};
