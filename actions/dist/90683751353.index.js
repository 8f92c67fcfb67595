export const id = 860;
export const ids = [860,948];
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

/***/ 94938:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   T: () => (/* binding */ ErasureStopped)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);

/**
 * An erasure that stopped after deleting some of the subject's rows: possible only where it is not one transaction
 * (MongoDB). `done` is what it erased, per table, for the receipt of the stopped run (invariant: every deletion has
 * one).
 */
class ErasureStopped extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ {
    done;
    constructor(code, message, options, done) {
        super(code, message, options);
        this.done = done;
    }
}
//# sourceMappingURL=erasure-stopped.js.map

/***/ }),

/***/ 85080:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W: () => (/* binding */ SUBJECT_EXPORT_FORMAT),
/* harmony export */   f: () => (/* binding */ exportSubject)
/* harmony export */ });
/* harmony import */ var _databases_postgres_data_retention_catalog_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(78053);
/* harmony import */ var _databases_postgres_subject_rows_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(21018);
/* harmony import */ var _subject_scope_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48464);



const SUBJECT_EXPORT_FORMAT = 'dbops.subject-export/1';
async function exportSubject(client, policy, table, id, statementTimeoutMs = 60_000) {
    // Fail closed, before the transaction (the check runs its own): a hold source that cannot be read stops the export.
    await (0,_databases_postgres_data_retention_catalog_js__WEBPACK_IMPORTED_MODULE_0__/* .checkPolicyCatalog */ .O)(client, { ...policy, data: [] });
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
        await client.query("SELECT set_config('TimeZone', 'UTC', true), set_config('statement_timeout', $1, true)", [
            `${statementTimeoutMs}ms`,
        ]);
        const { graph } = await (0,_subject_scope_js__WEBPACK_IMPORTED_MODULE_1__/* .subjectScope */ .V)(client, policy, table, id);
        const exportedAt = new Date().toISOString();
        const tables = [];
        const parts = [];
        for (const [i, node] of graph.nodes.entries()) {
            const sql = (0,_databases_postgres_subject_rows_js__WEBPACK_IMPORTED_MODULE_2__/* .exportRowsSql */ .Cd)(graph.nodes, i, id);
            const { rows } = await client.query(sql.text, sql.values);
            const parent = node.parent === undefined ? undefined : graph.nodes[node.parent];
            const entry = {
                table: node.table,
                ...(node.via && parent ? { constraint: node.via.constraint, references: parent.table } : {}),
                rows: rows.length,
            };
            tables.push(entry);
            const head = JSON.stringify({ ...entry, rows: undefined }).slice(0, -1);
            const body = rows.map((r) => `\n      ${r.row}`).join(',');
            parts.push(`    ${head}, "rows": [${body}${rows.length > 0 ? '\n    ' : ''}]}`);
        }
        const subject = JSON.stringify({ table: graph.nodes[0].table, id });
        const notFollowed = graph.skipped.map(({ table, constraint, references }) => ({ table, constraint, references }));
        const document = `{
  "format": ${JSON.stringify(SUBJECT_EXPORT_FORMAT)},
  "subject": ${subject},
  "exportedAt": ${JSON.stringify(exportedAt)},
  "tables": [
${parts.join(',\n')}
  ],
  "notFollowed": ${JSON.stringify(notFollowed)}
}
`;
        return { table: graph.nodes[0].table, id, exportedAt, tables, notFollowed, document };
    }
    finally {
        await client.query('ROLLBACK').catch(() => undefined);
    }
}
//# sourceMappingURL=subject-export.js.map

/***/ }),

/***/ 66409:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   k: () => (/* binding */ heldError)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);
/** The refusal both engines give a data subject (or a dependant) under legal hold. */

/** A subject under legal hold: refused, naming the table (and what the hold covers) but no value besides the id. */
function heldError(table, id, detail) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('CHECK_FAILED', `Subject ${id} of ${table} is under legal hold${detail ? ` (${detail})` : ''}: nothing was exported or erased`, {
        input: 'id',
        hint: "A row of the policy's holds names it. Lift the hold first, once the legal reason for it has ended.",
    });
}
//# sourceMappingURL=subject-held.js.map

/***/ }),

/***/ 34846:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   r: () => (/* binding */ subjectKeysHash)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/**
 * `keysSha256` of a subject erasure's receipt, on both engines: HMAC-SHA256 keyed with the database's tombstone salt
 * (tombstones.ts) over the keys, each as text followed by "\n", sorted. A plain SHA-256 of the subject's own entry (one
 * key) would let anyone holding the receipts confirm "was 42 erased?" by hashing candidate ids; keyed, only whoever
 * also holds the database or a backup of it (where the salt lives, never in a receipt) can recompute it.
 */

function subjectKeysHash(salt, keys) {
    const hmac = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHmac)('sha256', salt);
    for (const key of [...keys].sort())
        hmac.update(`${key}\n`);
    return hmac.digest('hex');
}
//# sourceMappingURL=subject-keys.js.map

/***/ }),

/***/ 75683:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   u: () => (/* binding */ refuseUnderMinimums)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(57706);
/* harmony import */ var _period_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1148);
/* harmony import */ var _policy_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(49231);
/**
 * Compliance minimums and erasure requests. A minimum protects a table's rows for at least its keep-at-least, and no
 * rule on the table may keep them for less (read-policy.ts). A subject erasure waits for no period (the request is
 * its reason), and the rows of a dependant table have no age dbops knows (a minimum names only the table): so an
 * erase that would delete rows of a table (or collection) a minimum names is refused, before anything is deleted
 * and in a dry run too. What to do instead is the owner's decision: `then: anonymize` (it changes only the subject's
 * own row), or a minimum the law does not apply to erasure requests taken out of the policy.
 */



/**
 * Throws CHECK_FAILED (input `policy`) when the erase of subject `id` of `subject` would delete rows under a minimum;
 * `noun`: what the engine's tables hold (rows, documents); `protects`: whether a minimum names a table, by default by
 * its literal name (MongoDB's database.collection). PostgreSQL passes the names resolved as the purge resolves them.
 */
function refuseUnderMinimums(policy, subject, id, deleting, noun = 'rows', protects = (minimum, d) => (0,_policy_js__WEBPACK_IMPORTED_MODULE_0__/* .sameTable */ .lY)(d.name, minimum.table)) {
    const protectedRows = deleting.flatMap((d) => {
        const minimum = policy.minimums.find((m) => d.rows > 0 && protects(m, d));
        return minimum ? [{ ...d, minimum }] : [];
    });
    if (protectedRows.length === 0)
        return;
    const listed = protectedRows
        .map(({ table, rows, minimum }) => `${rows} in ${table} (minimum for ${(0,_policy_js__WEBPACK_IMPORTED_MODULE_0__/* .qualifiedNameText */ .JK)(minimum.table)} on line ${minimum.line}: keep-at-least ${(0,_period_js__WEBPACK_IMPORTED_MODULE_1__/* .formatPeriod */ .dH)(minimum.keepAtLeast)})`)
        .join('; ');
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .DbopsError */ .zJ('CHECK_FAILED', `Subject ${id} of ${subject}: the erase would delete ${noun} that a compliance minimum protects (${listed}): nothing was erased`, {
        input: 'policy',
        hint: "A minimum is a floor no deletion may undercut, and an erasure has no age to check a dependant's rows against. Anonymize the subject instead (then: anonymize), or, where the law does not keep such rows from an erasure request, take the minimum out of the policy.",
    });
}
//# sourceMappingURL=subject-minimums.js.map

/***/ }),

/***/ 48464:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   V: () => (/* binding */ subjectScope)
/* harmony export */ });
/* harmony import */ var _databases_postgres_data_retention_target_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(84381);
/* harmony import */ var _databases_postgres_subject_graph_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(61535);
/* harmony import */ var _databases_postgres_subject_rows_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(21018);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(57706);
/* harmony import */ var _policy_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(49231);
/* harmony import */ var _subject_held_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(66409);






/**
 * Throws INVALID_INPUT naming `table` or `id`, or CHECK_FAILED for a held subject. Runs inside the caller's
 * transaction; the caller has checked the holds readable first (checkPolicyCatalog ends a transaction it runs in).
 */
async function subjectScope(client, policy, table, id) {
    const root = await (0,_databases_postgres_subject_graph_js__WEBPACK_IMPORTED_MODULE_0__/* .subjectTable */ .HZ)(client, table);
    const check = (0,_databases_postgres_subject_rows_js__WEBPACK_IMPORTED_MODULE_1__/* .idCheckSql */ .gr)(root, id);
    try {
        await client.query('SAVEPOINT dbops_id_check');
        await client.query(check.text, check.values);
        await client.query('RELEASE SAVEPOINT dbops_id_check');
    }
    catch {
        await client.query('ROLLBACK TO SAVEPOINT dbops_id_check');
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)('id', `'${id}' is not a value of ${root.table}'s primary key (${root.primaryKey.map((k) => `${k.name} ${k.type}`).join(', ')})`, root.primaryKey.length === 1 ? `a ${root.primaryKey[0].type} value` : 'the key as row text, e.g. (42,7)');
    }
    const holdSources = [];
    for (const hold of (0,_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .sqlHolds */ .lZ)(policy.holds))
        holdSources.push(hold.kind === 'table'
            ? ((await (0,_databases_postgres_data_retention_target_js__WEBPACK_IMPORTED_MODULE_4__/* .resolveTable */ .NC)(client, (0,_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .qualifiedNameText */ .JK)(hold.table))) ?? (0,_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .qualifiedNameText */ .JK)(hold.table))
            : `(${hold.query})`);
    const graph = await (0,_databases_postgres_subject_graph_js__WEBPACK_IMPORTED_MODULE_0__/* .subjectGraph */ .Tp)(client, root);
    const own = (0,_databases_postgres_subject_rows_js__WEBPACK_IMPORTED_MODULE_1__/* .countRowsSql */ .X0)(graph.nodes, 0, id, holdSources);
    const { rows } = await client.query(own.text, own.values);
    if (rows[0].rows === 0)
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)('id', `'${id}' matches no row of ${root.table}`, `the primary key of an existing row of ${root.table}`);
    if (rows[0].held > 0)
        throw (0,_subject_held_js__WEBPACK_IMPORTED_MODULE_5__/* .heldError */ .k)(root.table, id);
    return { id, graph, holdSources };
}
//# sourceMappingURL=subject-scope.js.map

/***/ }),

/***/ 87525:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   r: () => (/* binding */ FULL_SCOPE)
/* harmony export */ });
const FULL_SCOPE = { schemas: [], excludeSchemas: [], tables: [], excludeTables: [] };
//# sourceMappingURL=dump-scope.js.map

/***/ }),

/***/ 44889:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  mongoEngine: () => (/* binding */ mongoEngine),
  withMongoRetentionSession: () => (/* reexport */ withMongoRetentionSession)
});

// EXTERNAL MODULE: ./node_modules/mongodb/lib/index.js
var lib = __webpack_require__(84294);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var lib_errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/databases/mongodb/target.js
var mongodb_target = __webpack_require__(57648);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/connection.js



/** How long to look for a server that answers before giving up (the driver retries within it). */
const SERVER_SELECTION_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * The driver's settings for a target. The password stays inside the driver (no child process, no argv), and the
 * URL is never printed: errors name the input instead (invariant 5).
 */
function clientOptions(target) {
    return {
        appName: 'dbops',
        serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
        connectTimeoutMS: CONNECT_TIMEOUT_MS,
        // One bounded retry of a read the network cut (the driver's own rule); a dump cursor is not retried.
        retryReads: true,
        ...(target.tlsCa ? { tls: true, ca: target.tlsCa } : {}),
    };
}
/**
 * Runs `use` with a connected client, closed afterwards. A cancel closes the client, which ends its cursors and
 * commands on the server side.
 */
async function withMongoClient(target, context, use) {
    const session = await openMongoClient(target, context);
    try {
        return await use(session.client);
    }
    finally {
        await session.close();
    }
}
/**
 * A connected client for a session that outlives one call (restore-test's scratch server); the caller closes it.
 * Until then a cancel closes it, as withMongoClient's does.
 */
async function openMongoClient(target, context) {
    if (context.signal?.aborted)
        throw (0,lib_errors/* cancelled */.KW)();
    const client = new lib.MongoClient(target.url, clientOptions(target));
    const onAbort = () => void client.close(true).catch(() => undefined);
    context.signal?.addEventListener('abort', onAbort, { once: true });
    const close = async () => {
        context.signal?.removeEventListener('abort', onAbort);
        await client.close().catch(() => undefined);
    };
    try {
        await client.connect();
        // connect() only finds a server; a command proves the credentials and the database name.
        await client.db(target.database).command({ ping: 1 });
    }
    catch (error) {
        await close();
        if (context.signal?.aborted)
            throw (0,lib_errors/* cancelled */.KW)();
        throw connectionError(target, error);
    }
    return { client, close };
}
/** A failure to connect as the error users should see: the input named, the URL and password never echoed. */
function connectionError(target, error) {
    const input = target.urlInput ?? 'database-url';
    const where = (0,mongodb_target/* describeMongoTarget */.l)(target);
    const detail = scrub(target, error instanceof Error ? error.message : String(error));
    if (isAuthFailure(error)) {
        return new lib_errors/* DbopsError */.zJ('CONNECTION_FAILED', `MongoDB refused the credentials of ${where} (${input}): ${detail}`, {
            input,
            cause: error,
            hint: `Check the user and password in ${input} (percent-encode special characters) and its authSource.`,
        });
    }
    return new lib_errors/* DbopsError */.zJ('CONNECTION_FAILED', `Could not connect to MongoDB at ${where} (${input}): ${detail}`, {
        input,
        cause: error,
        hint: `Check the host and port in ${input}, that the server runs and accepts connections from here, and TLS settings.`,
    });
}
function isAuthFailure(error) {
    if (error instanceof lib.MongoServerError && (error.code === 18 || error.codeName === 'AuthenticationFailed'))
        return true;
    return error instanceof Error && /auth(entication)? failed/i.test(error.message);
}
/** A message with every form of the target's password and URL taken out (the driver never prints them; be sure). */
function scrub(target, message) {
    let out = message.split(target.url).join('<database-url>');
    if (target.password) {
        for (const form of new Set([target.password, encodeURIComponent(target.password)])) {
            out = out.split(form).join('***');
        }
    }
    return out;
}
/** The server's version, as buildInfo reports it, and its major number. */
async function serverVersion(client) {
    const info = await client.db('admin').command({ buildInfo: 1 });
    const text = String(info.version ?? '');
    return { text, major: Number.parseInt(text, 10) || 0 };
}
async function readTopology(client) {
    const hello = await client.db('admin').command({ hello: 1 });
    if (hello.msg === 'isdbgrid')
        return { kind: 'sharded' };
    if (typeof hello.setName === 'string')
        return { kind: 'replica-set', replicaSet: hello.setName };
    return { kind: 'standalone' };
}
//# sourceMappingURL=connection.js.map
// EXTERNAL MODULE: ./packages/core/lib/version.js
var lib_version = __webpack_require__(81757);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/archive/format.js
/**
 * The mongodump archive format (`mongodump --archive`), as mongo-tools' common/archive writes and reads it
 * (spec.md there):
 *
 *   archive   = magic, header doc, *collection-metadata doc, terminator, *(segment | eof)
 *   segment   = namespace header {db, collection, EOF: false, CRC: 0}, +document, terminator
 *   eof       = namespace header {db, collection, EOF: true, CRC: <CRC-64 of the namespace's documents>},
 *               terminator
 *
 * Every number is little-endian; a terminator is four 0xff bytes where a BSON length would be.
 */

/** 0x8199e26d, the first four bytes of every archive (stored little-endian: 6d e2 99 81). */
const MAGIC_NUMBER = 0x8199e26d;
const TERMINATOR = 0xffffffff;
const TERMINATOR_BYTES = Buffer.from([0xff, 0xff, 0xff, 0xff]);
/** The only archive format version mongo-tools has written. */
const FORMAT_VERSION = '0.1';
/** mongo-tools' db.MaxBSONSize: its parser rejects any block larger than this. */
const MAX_BSON_SIZE = 16 * 1024 * 1024;
/** An empty BSON document: a length and a trailing NUL. */
const MIN_BSON_SIZE = 5;
function encodeHeader(header) {
    return lib.BSON.serialize({
        concurrent_collections: new lib.BSON.Int32(header.concurrentCollections),
        version: header.formatVersion,
        server_version: header.serverVersion,
        tool_version: header.toolVersion,
    });
}
function encodePreludeEntry(entry) {
    // Go reads `size` into an int: int32 when it fits, as Go's driver writes it, int64 otherwise.
    const size = entry.size <= 0x7fffffff ? new lib.BSON.Int32(entry.size) : lib.BSON.Long.fromNumber(entry.size);
    const { db, collection, metadata, type } = entry;
    return lib.BSON.serialize({ db, collection, metadata, size, type });
}
/**
 * A namespace header. mongorestore decodes it strictly: exactly these four fields, CRC as an int64 holding the
 * unsigned CRC's bits.
 */
function encodeNamespaceHeader(db, collection, eof, crc) {
    return lib.BSON.serialize({ db, collection, EOF: eof, CRC: lib.BSON.Long.fromBigInt(BigInt.asIntN(64, crc)) });
}
/** Reads a namespace header, or says what is wrong with it. */
function decodeNamespaceHeader(bytes) {
    const doc = decode(bytes);
    if (typeof doc === 'string')
        return doc;
    const { db, collection, EOF: eof, CRC: crc } = doc;
    if (typeof db !== 'string' || typeof collection !== 'string' || typeof eof !== 'boolean') {
        return 'a namespace header lacks db, collection or EOF';
    }
    if (typeof crc !== 'bigint')
        return `the namespace header of ${db}.${collection} has no int64 CRC`;
    return { db, collection, eof, crc: BigInt.asUintN(64, crc) };
}
function decodeHeader(bytes) {
    const doc = decode(bytes);
    if (typeof doc === 'string')
        return doc;
    const { concurrent_collections: concurrent, version, server_version: server, tool_version: tool } = doc;
    if (typeof version !== 'string')
        return 'the archive header has no format version';
    return {
        concurrentCollections: typeof concurrent === 'number' ? concurrent : Number(concurrent ?? 1),
        formatVersion: version,
        serverVersion: typeof server === 'string' ? server : '',
        toolVersion: typeof tool === 'string' ? tool : '',
    };
}
function decodePreludeEntry(bytes) {
    const doc = decode(bytes);
    if (typeof doc === 'string')
        return doc;
    const { db, collection, metadata, size, type } = doc;
    if (typeof db !== 'string' || typeof collection !== 'string')
        return 'a prelude entry lacks db or collection';
    return {
        db,
        collection,
        metadata: typeof metadata === 'string' ? metadata : '',
        size: typeof size === 'number' || typeof size === 'bigint' ? Number(size) : 0,
        type: typeof type === 'string' ? type : '',
    };
}
function decode(bytes) {
    try {
        return lib.BSON.deserialize(bytes, { useBigInt64: true });
    }
    catch (error) {
        return `a header is not valid BSON (${error.message})`;
    }
}
/**
 * The namespace mongodump --oplog writes the captured oplog under: database '' and collection 'oplog', listed last
 * in the prelude with empty metadata and type, its data after every collection's (mongorestore stops restoring
 * collections when it reaches it, and replays it with --oplogReplay).
 */
const OPLOG_NAMESPACE = { db: '', collection: 'oplog' };
function isOplogNamespace(ns) {
    return ns.db === OPLOG_NAMESPACE.db && ns.collection === OPLOG_NAMESPACE.collection;
}
//# sourceMappingURL=format.js.map
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: ./packages/core/lib/pipeline/compression.js
var compression = __webpack_require__(64678);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/archive/crc64.js
/**
 * The CRC-64 that mongodump writes into each namespace's EOF header and mongorestore checks: Go's
 * `crc64.New(crc64.MakeTable(crc64.ECMA))`, known elsewhere as CRC-64/XZ (ECMA-182 polynomial, reflected, initial
 * value and final XOR all ones; check value 0x995dc9bbdf1939fa for "123456789").
 *
 * Hand-written because no npm package does this one at streaming speed: js-crc has the model but works byte by
 * byte on generic multi-word state (40 MB/s here, against 550 MB/s for this), crc64-ecma182.js copies every buffer
 * into a WebAssembly heap and keeps its state as a decimal string, and @aws-sdk/crc64-nvme uses another
 * polynomial. Every document byte of a backup passes through here, so this is slicing-by-8 over two 32-bit halves
 * (BigInt per byte would be far slower).
 */
/** The ECMA-182 polynomial, bit-reversed (Go's crc64.ECMA), as two 32-bit halves. */
const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;
// TABLE_*[k * 256 + i]: the CRC of byte i followed by k zero bytes, high and low halves.
const TABLE_HI = new Uint32Array(8 * 256);
const TABLE_LO = new Uint32Array(8 * 256);
for (let i = 0; i < 256; i++) {
    let hi = 0;
    let lo = i;
    for (let bit = 0; bit < 8; bit++) {
        const carry = lo & 1;
        lo = ((lo >>> 1) | (hi << 31)) >>> 0;
        hi = hi >>> 1;
        if (carry) {
            hi = (hi ^ POLY_HI) >>> 0;
            lo = (lo ^ POLY_LO) >>> 0;
        }
    }
    TABLE_HI[i] = hi;
    TABLE_LO[i] = lo;
}
for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
        const prevHi = TABLE_HI[(k - 1) * 256 + i];
        const prevLo = TABLE_LO[(k - 1) * 256 + i];
        const index = prevLo & 0xff;
        TABLE_HI[k * 256 + i] = (TABLE_HI[index] ^ (prevHi >>> 8)) >>> 0;
        TABLE_LO[k * 256 + i] = (TABLE_LO[index] ^ ((prevLo >>> 8) | (prevHi << 24))) >>> 0;
    }
}
/** A running CRC-64/XZ over any number of `update` calls, as Go's hash.Hash64 accumulates it. */
class Crc64 {
    // The register, kept inverted between updates (Go inverts on entry and exit of every update; the two cancel).
    hi = 0xffffffff;
    lo = 0xffffffff;
    update(bytes) {
        let hi = this.hi;
        let lo = this.lo;
        let i = 0;
        const end8 = bytes.length - (bytes.length % 8);
        for (; i < end8; i += 8) {
            lo ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
            hi ^= bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
            const newHi = TABLE_HI[7 * 256 + (lo & 0xff)] ^
                TABLE_HI[6 * 256 + ((lo >>> 8) & 0xff)] ^
                TABLE_HI[5 * 256 + ((lo >>> 16) & 0xff)] ^
                TABLE_HI[4 * 256 + (lo >>> 24)] ^
                TABLE_HI[3 * 256 + (hi & 0xff)] ^
                TABLE_HI[2 * 256 + ((hi >>> 8) & 0xff)] ^
                TABLE_HI[256 + ((hi >>> 16) & 0xff)] ^
                TABLE_HI[hi >>> 24];
            const newLo = TABLE_LO[7 * 256 + (lo & 0xff)] ^
                TABLE_LO[6 * 256 + ((lo >>> 8) & 0xff)] ^
                TABLE_LO[5 * 256 + ((lo >>> 16) & 0xff)] ^
                TABLE_LO[4 * 256 + (lo >>> 24)] ^
                TABLE_LO[3 * 256 + (hi & 0xff)] ^
                TABLE_LO[2 * 256 + ((hi >>> 8) & 0xff)] ^
                TABLE_LO[256 + ((hi >>> 16) & 0xff)] ^
                TABLE_LO[hi >>> 24];
            hi = newHi;
            lo = newLo;
        }
        for (; i < bytes.length; i++) {
            const index = (lo ^ bytes[i]) & 0xff;
            lo = TABLE_LO[index] ^ ((lo >>> 8) | (hi << 24));
            hi = TABLE_HI[index] ^ (hi >>> 8);
        }
        this.hi = hi >>> 0;
        this.lo = lo >>> 0;
        return this;
    }
    /** The CRC of everything so far, as an unsigned 64-bit value (the archive stores its bits as a BSON int64). */
    digest() {
        return (BigInt(~this.hi >>> 0) << 32n) | BigInt(~this.lo >>> 0);
    }
}
function crc64(bytes) {
    return new Crc64().update(bytes).digest();
}
//# sourceMappingURL=crc64.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/archive/metadata.js
/**
 * A collection's `metadata.json`, the string each prelude entry carries: what mongodump writes and mongorestore
 * reads to recreate the collection (options), its indexes and, with --preserveUUID, its UUID.
 */

/**
 * mongodump's form, field for field: {options, indexes, uuid, collectionName, type} in canonical Extended JSON v2,
 * options and uuid left out when empty.
 */
function metadataJson(collection, metadata) {
    const doc = {};
    if (Object.keys(metadata.options).length > 0)
        doc.options = metadata.options;
    doc.indexes = metadata.indexes;
    if (metadata.uuid)
        doc.uuid = metadata.uuid;
    doc.collectionName = collection;
    if (metadata.type)
        doc.type = metadata.type;
    return lib.BSON.EJSON.stringify(doc, { relaxed: false });
}
/** Reads a metadata.json back, keeping every BSON type; an empty string (no metadata) gives undefined. */
function parseMetadataJson(json) {
    if (json === '')
        return undefined;
    const doc = lib.BSON.EJSON.parse(json, { relaxed: false });
    return {
        options: doc.options ?? {},
        indexes: doc.indexes ?? [],
        ...(typeof doc.uuid === 'string' && doc.uuid ? { uuid: doc.uuid } : {}),
        type: typeof doc.type === 'string' ? doc.type : '',
    };
}
/** The UUID form mongodump writes: the 16 bytes of listCollections' info.uuid as lowercase hex. */
function uuidHex(uuid) {
    const bytes = uuid instanceof lib.BSON.Binary ? uuid.buffer.subarray(0, uuid.position) : uuid;
    return Buffer.from(bytes).toString('hex');
}
//# sourceMappingURL=metadata.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/archive/reader.js
/**
 * Reads a mongodump archive (format.ts) as it streams: the prelude, every block, every document's frame and every
 * namespace's CRC-64, with clear errors for a damaged or truncated archive. Memory stays flat with the archive's
 * size: at most one document (16 MB) and the chunk being read are held.
 *
 * ArchiveParser is fed chunks synchronously (a tap on a stream); readArchive() reads a whole byte stream.
 */





/** A push parser: write() each chunk as it arrives, end() when the stream ends. Errors are DbopsErrors. */
class ArchiveParser {
    events;
    chunks = [];
    buffered = 0;
    /** Absolute offset of the first buffered byte, for error messages. */
    offset = 0;
    state = 'magic';
    header;
    entries = [];
    namespaces = new Map();
    current;
    /** Set once the oplog's data has begun: no collection's block may follow (mongorestore would not read it). */
    oplogStarted = false;
    oplogTimes = new OplogOrder();
    constructor(events = {}) {
        this.events = events;
    }
    /** Bytes held between write() calls: never more than one unfinished document (16 MB) and the last chunk. */
    get heldBytes() {
        return this.buffered;
    }
    write(chunk) {
        if (chunk.length === 0)
            return;
        if (this.state === 'done')
            throw this.corrupt(this.offset + this.buffered, 'bytes follow the end of the archive');
        this.chunks.push(chunk);
        this.buffered += chunk.length;
        while (this.step())
            ;
    }
    /** The stream has ended: the archive must be complete. Returns what it held. */
    end() {
        const at = this.offset + this.buffered;
        if (this.buffered > 0) {
            throw this.truncated(at, `it ends inside a ${this.state === 'magic' ? 'magic number' : 'block'}`);
        }
        if (this.state !== 'block') {
            const where = {
                magic: 'before its magic number',
                header: 'before its header',
                prelude: 'inside its prelude',
                body: `inside the documents of ${this.current ? reader_name(this.current) : 'a namespace'}`,
                'eof-body': 'before the terminator of an EOF block',
                block: '',
                done: '',
            }[this.state];
            throw this.truncated(at, `it ends ${where}`);
        }
        const open = [...this.namespaces.values()].filter((ns) => !ns.ended);
        const unfinished = [...open.map(reader_name), ...this.missingEof()];
        if (unfinished.length > 0) {
            const more = unfinished.length > 5 ? ', …' : '';
            throw this.truncated(at, `no EOF block for ${unfinished.slice(0, 5).join(', ')}${more}`);
        }
        this.state = 'done';
        const all = [...this.namespaces.values()].map(({ crcState: _, ended: __, ...ns }) => ns);
        const oplog = all.find(isOplogNamespace);
        return {
            header: this.header,
            namespaces: all.filter((ns) => !isOplogNamespace(ns)),
            ...(oplog ? { oplog: { ...oplog, ...this.oplogTimes.range() } } : {}),
            bytes: at,
        };
    }
    /** Prelude namespaces with no EOF block. A time series' data may sit under system.buckets.<name>. */
    missingEof() {
        return this.entries
            .filter((entry) => {
            const ended = (collection) => this.namespaces.get(key(entry.db, collection))?.ended === true;
            return (!ended(entry.collection) && !(entry.type === 'timeseries' && ended(`system.buckets.${entry.collection}`)));
        })
            .map((entry) => `${entry.db}.${entry.collection}`);
    }
    /** Consumes one unit (magic, header or a document) if it is all buffered; false when more bytes are needed. */
    step() {
        if (this.state === 'magic') {
            if (this.buffered < 4)
                return false;
            const at = this.offset;
            if (this.take(4).readUInt32LE(0) !== MAGIC_NUMBER) {
                throw this.corrupt(at, 'it does not start with the mongodump archive magic number');
            }
            this.state = 'header';
            return true;
        }
        if (this.buffered < 4)
            return false;
        const at = this.offset;
        const length = this.peekUint32();
        if (length === TERMINATOR) {
            this.take(4);
            this.terminator(at);
            return true;
        }
        if (length < MIN_BSON_SIZE || length > MAX_BSON_SIZE) {
            throw this.corrupt(at, `${length} is neither a BSON document length nor a terminator`);
        }
        if (this.buffered < length)
            return false;
        const doc = this.take(length);
        if (doc[length - 1] !== 0)
            throw this.corrupt(at, `the ${length}-byte document there does not end with a NUL byte`);
        this.document(at, doc);
        return true;
    }
    terminator(at) {
        switch (this.state) {
            case 'prelude':
                this.state = 'block';
                this.events.prelude?.(this.header, this.entries);
                return;
            case 'body':
                this.state = 'block';
                return;
            case 'eof-body':
                this.state = 'block';
                return;
            case 'header':
                throw this.corrupt(at, 'a terminator stands where the header should be');
            default:
                throw this.corrupt(at, 'two terminators in a row (a block without a header)');
        }
    }
    document(at, doc) {
        switch (this.state) {
            case 'header': {
                const header = decodeHeader(doc);
                if (typeof header === 'string')
                    throw this.corrupt(at, header);
                this.header = header;
                this.state = 'prelude';
                return;
            }
            case 'prelude': {
                const entry = decodePreludeEntry(doc);
                if (typeof entry === 'string')
                    throw this.corrupt(at, entry);
                this.entries.push(entry);
                this.namespace(entry.db, entry.collection);
                return;
            }
            case 'block':
                this.blockHeader(at, doc);
                return;
            case 'body': {
                const ns = this.current;
                if (isOplogNamespace(ns)) {
                    const problem = this.oplogTimes.add(doc);
                    if (problem)
                        throw this.corrupt(at, `oplog entry ${ns.documents + 1}: ${problem}`);
                }
                ns.crcState.update(doc);
                ns.documents++;
                ns.bytes += doc.length;
                this.events.document?.(ns.db, ns.collection, doc);
                return;
            }
            default:
                throw this.corrupt(at, `a document follows the EOF block of ${reader_name(this.current)}`);
        }
    }
    blockHeader(at, doc) {
        const header = decodeNamespaceHeader(doc);
        if (typeof header === 'string')
            throw this.corrupt(at, header);
        const ns = this.namespace(header.db, header.collection);
        if (ns.ended)
            throw this.corrupt(at, `${reader_name(ns)} has data after its EOF block`);
        if (isOplogNamespace(ns))
            this.oplogStarted = true;
        else if (this.oplogStarted) {
            throw this.corrupt(at, `${reader_name(ns)} has data after the oplog's (mongorestore stops reading collections there)`);
        }
        this.current = ns;
        if (!header.eof) {
            this.state = 'body';
            return;
        }
        ns.crc = ns.crcState.digest();
        if (ns.crc !== header.crc) {
            throw new lib_errors/* DbopsError */.zJ('INTEGRITY_FAILED', `The mongodump archive failed its CRC check for ${reader_name(ns)}: its ${ns.documents} documents give ` +
                `${hex(ns.crc)}, its EOF block at byte ${at} says ${hex(header.crc)}`, { hint: DAMAGED_HINT });
        }
        ns.ended = true;
        this.state = 'eof-body';
        const { crcState: _, ended: __, ...summary } = ns;
        this.events.namespaceEnd?.(summary);
    }
    namespace(db, collection) {
        const id = key(db, collection);
        let ns = this.namespaces.get(id);
        if (!ns) {
            const entry = this.entries.find((e) => e.db === db && e.collection === collection);
            ns = {
                db,
                collection,
                type: entry?.type ?? '',
                metadata: entry ? parseMetadata(entry, this.offset) : undefined,
                preludeSize: entry?.size ?? 0,
                documents: 0,
                bytes: 0,
                crc: 0n,
                crcState: new Crc64(),
                ended: false,
            };
            this.namespaces.set(id, ns);
        }
        return ns;
    }
    peekUint32() {
        const first = this.chunks[0];
        if (first.length >= 4)
            return Buffer.from(first.buffer, first.byteOffset, 4).readUInt32LE(0);
        return this.take(4, true).readUInt32LE(0);
    }
    /** The next n buffered bytes (n <= buffered), without copying when they lie in one chunk. */
    take(n, peek = false) {
        const first = this.chunks[0];
        let out;
        if (first.length >= n) {
            out = Buffer.from(first.buffer, first.byteOffset, n);
            if (!peek) {
                if (first.length === n)
                    this.chunks.shift();
                else
                    this.chunks[0] = first.subarray(n);
            }
        }
        else {
            out = Buffer.allocUnsafe(n);
            let filled = 0;
            let index = 0;
            while (filled < n) {
                const chunk = this.chunks[index];
                const part = Math.min(chunk.length, n - filled);
                out.set(chunk.subarray(0, part), filled);
                filled += part;
                if (peek)
                    index++;
                else if (part === chunk.length)
                    this.chunks.shift();
                else
                    this.chunks[0] = chunk.subarray(part);
            }
        }
        if (!peek) {
            this.buffered -= n;
            this.offset += n;
        }
        return out;
    }
    corrupt(at, problem) {
        const message = `The mongodump archive is damaged at byte ${at}: ${problem}`;
        return new lib_errors/* DbopsError */.zJ('INTEGRITY_FAILED', message, { hint: DAMAGED_HINT });
    }
    truncated(at, problem) {
        const message = `The mongodump archive is truncated at byte ${at}: ${problem}`;
        return new lib_errors/* DbopsError */.zJ('INTEGRITY_FAILED', message, { hint: DAMAGED_HINT });
    }
}
/** Reads a whole archive from a byte stream, checking it end to end. */
async function readArchive(source, events = {}) {
    const parser = new ArchiveParser(events);
    for await (const chunk of source)
        parser.write(chunk);
    return parser.end();
}
const DAMAGED_HINT = 'The archive was changed or cut short after it was written; restore another backup.';
function parseMetadata(entry, at) {
    try {
        return parseMetadataJson(entry.metadata);
    }
    catch (error) {
        throw new lib_errors/* DbopsError */.zJ('INTEGRITY_FAILED', `The mongodump archive is damaged: the prelude's metadata for ${entry.db}.${entry.collection} ` +
            `(before byte ${at}) is not Extended JSON (${error.message})`, { hint: DAMAGED_HINT });
    }
}
function key(db, collection) {
    return `${db}\u0000${collection}`;
}
function reader_name(ns) {
    return isOplogNamespace(ns) ? 'the oplog' : `${ns.db}.${ns.collection}`;
}
/** Checks that each oplog document is an entry (op, ns, a BSON timestamp ts) and that their times never go back. */
class OplogOrder {
    first;
    last;
    /** Adds an entry; returns what is wrong with it, if anything. */
    add(doc) {
        let entry;
        try {
            entry = lib.BSON.deserialize(doc, { promoteValues: false });
        }
        catch (error) {
            return `not valid BSON (${error.message})`;
        }
        const { ts, op, ns } = entry;
        if (!(ts instanceof lib.BSON.Timestamp))
            return 'no BSON timestamp ts';
        if (typeof op !== 'string' || typeof ns !== 'string')
            return 'no op or ns';
        const time = { t: ts.t, i: ts.i };
        if (this.last && (time.t < this.last.t || (time.t === this.last.t && time.i < this.last.i))) {
            return `its ts ${time.t}:${time.i} is older than the entry before (${this.last.t}:${this.last.i})`;
        }
        this.first ??= time;
        this.last = time;
        return undefined;
    }
    range() {
        return this.first && this.last ? { first: this.first, last: this.last } : {};
    }
}
function hex(crc) {
    return `0x${crc.toString(16).padStart(16, '0')}`;
}
//# sourceMappingURL=reader.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/archive/writer.js
/**
 * Writes a mongodump archive (format.ts) from collections' metadata and their documents as raw BSON, so that
 * `mongorestore --archive` restores it (invariant 4). Documents pass through as the bytes the server sent: no
 * decode and re-encode. Collections are written one after another, each as one segment and its EOF block.
 */




class ArchiveWriter {
    collections;
    options;
    /** Filled in as the archive is written; complete once chunks() has finished. */
    namespaces = [];
    chunkBytes;
    constructor(collections, options) {
        this.collections = collections;
        this.options = options;
        this.chunkBytes = options.chunkBytes ?? 1024 * 1024;
    }
    /** The archive's bytes, in chunks of about chunkBytes; documents are read only as the consumer asks for more. */
    async *chunks() {
        const out = new ChunkBuilder(this.chunkBytes);
        yield* out.add(this.prelude());
        for (const source of this.collections) {
            const { db, collection } = source;
            const written = { db, collection, documents: 0, bytes: 0, crc: 0n };
            const crc = new Crc64();
            for await (const document of source.documents?.() ?? []) {
                checkDocument(document, source);
                if (written.documents === 0)
                    yield* out.add(encodeNamespaceHeader(source.db, source.collection, false, 0n));
                crc.update(document);
                written.documents++;
                written.bytes += document.length;
                yield* out.add(document);
            }
            if (written.documents > 0)
                yield* out.add(TERMINATOR_BYTES);
            written.crc = crc.digest();
            yield* out.add(encodeNamespaceHeader(source.db, source.collection, true, written.crc));
            yield* out.add(TERMINATOR_BYTES);
            this.namespaces.push(written);
        }
        yield* out.flush();
    }
    prelude() {
        const magic = Buffer.alloc(4);
        magic.writeUInt32LE(MAGIC_NUMBER);
        const header = encodeHeader({
            concurrentCollections: 1,
            formatVersion: FORMAT_VERSION,
            serverVersion: this.options.serverVersion,
            toolVersion: this.options.toolVersion,
        });
        const entries = this.collections.map((source) => encodePreludeEntry({
            db: source.db,
            collection: source.collection,
            metadata: source.metadata ? metadataJson(source.collection, source.metadata) : '',
            size: source.size ?? 0,
            type: source.metadata?.type ?? '',
        }));
        return Buffer.concat([magic, header, ...entries, TERMINATOR_BYTES]);
    }
}
/** A document mongorestore would reject (or misread as a terminator) is a bug upstream: fail before writing it. */
function checkDocument(document, source) {
    const length = document.length >= 4 ? Buffer.from(document.buffer, document.byteOffset, 4).readInt32LE(0) : -1;
    const problem = length !== document.length
        ? `its length prefix says ${length} bytes, but it has ${document.length}`
        : length < MIN_BSON_SIZE
            ? 'it is shorter than an empty document'
            : length > MAX_BSON_SIZE
                ? `it has ${length} bytes, over mongorestore's limit of ${MAX_BSON_SIZE}`
                : document[length - 1] !== 0
                    ? 'it does not end with a NUL byte'
                    : undefined;
    if (problem) {
        const where = `${source.db}.${source.collection}`;
        throw new lib_errors/* DbopsError */.zJ('DUMP_FAILED', `A document of ${where} is not one BSON document: ${problem}`, {
            hint: "Documents must be read in the driver's raw mode, one buffer per document.",
        });
    }
}
/** Gathers small pieces into chunks of about `size` bytes. */
class ChunkBuilder {
    size;
    pieces = [];
    length = 0;
    constructor(size) {
        this.size = size;
    }
    *add(piece) {
        this.pieces.push(piece);
        this.length += piece.length;
        if (this.length >= this.size)
            yield* this.flush();
    }
    *flush() {
        if (this.length === 0)
            return;
        const chunk = Buffer.concat(this.pieces, this.length);
        this.pieces = [];
        this.length = 0;
        yield chunk;
    }
}
//# sourceMappingURL=writer.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/inventory.js



/** db.collection in a backup of several databases; the bare name in one of the URL's database, as always. */
function qualifiedName(c) {
    return c.database === undefined ? c.name : `${c.database}.${c.name}`;
}
/** The namespaces a dump never covers: the server's own (system.profile, system.views, system.js...). */
function isSystemCollection(name) {
    return name.startsWith('system.');
}
/**
 * Whether the scope selects a collection of that name: not a system collection, matched by a `tables` pattern
 * (when there are any) and by no `exclude-tables` one. Also a collection created after the inventory (its oplog
 * entries belong to a point-in-time archive).
 */
function scopeSelects(scope) {
    refuseDatabasePatterns(scope);
    const include = scope.tables.map(globPattern);
    const exclude = scope.excludeTables.map(globPattern);
    return (name) => !isSystemCollection(name) &&
        (include.length === 0 || include.some((p) => p.test(name))) &&
        !exclude.some((p) => p.test(name));
}
/**
 * scopeSelects for a collection of a named database: in a backup of several databases the table patterns match
 * db.collection (a system collection never); else the collection's name alone.
 */
function scopeSelectsIn(scope, severalDatabases) {
    const selectsName = scopeSelects(scope);
    return severalDatabases
        ? (database, name) => !isSystemCollection(name) && selectsName(`${database}.${name}`)
        : (_database, name) => selectsName(name);
}
/**
 * The collections and views of `db` that the scope selects, in name order, with their metadata, counts and sizes.
 * Scope: `tables`/`exclude-tables` are collection name patterns (`*` any run of characters, `?` one; a dot is a
 * dot, since collection names hold dots). A dump covers the URL's one database, so database patterns are refused.
 */
async function readInventory(db, scope, { severalDatabases = false } = {}) {
    const selectsIn = scopeSelectsIn(scope, severalDatabases);
    const selects = (name) => selectsIn(db.databaseName, name);
    const infos = await db.listCollections({}, { nameOnly: false, promoteValues: false }).toArray();
    const selected = infos
        .filter((info) => selects(info.name))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const collections = [];
    for (const info of selected) {
        const type = typeof info.type === 'string' ? info.type : 'collection';
        if (type === 'timeseries') {
            throw new lib_errors/* DbopsError */.zJ('DUMP_FAILED', `${db.databaseName}.${info.name} is a time series collection`, {
                hint: 'dbops does not back up MongoDB time series collections yet; leave it out with exclude-tables.',
            });
        }
        const uuid = info.info?.uuid;
        const isView = type === 'view';
        const indexes = isView ? [] : await listIndexes(db, info.name);
        // Dropped between listCollections and now: as if dropped before the backup began, it is not part of it.
        if (indexes === undefined)
            continue;
        collections.push({
            name: info.name,
            ...(severalDatabases ? { database: db.databaseName } : {}),
            metadata: {
                options: info.options ?? {},
                indexes,
                ...(uuid ? { uuid: uuidHex(uuid) } : {}),
                type,
            },
            documents: isView ? 0 : await db.collection(info.name).countDocuments({}),
            bytes: isView ? 0 : await collectionBytes(db, info.name),
        });
    }
    return collections;
}
/** The collection's index specifications (BSON types kept); undefined when it no longer exists. */
async function listIndexes(db, name) {
    try {
        return await db.collection(name).listIndexes({ promoteValues: false }).toArray();
    }
    catch (error) {
        if (error instanceof lib.MongoServerError && error.code === NAMESPACE_NOT_FOUND)
            return undefined;
        throw error;
    }
}
const NAMESPACE_NOT_FOUND = 26;
/**
 * Whether the collection the inventory described is still there: the same name and, where the server gives
 * collection UUIDs, the same UUID (a collection dropped and created again under its name is another collection).
 */
async function stillExists(db, collection) {
    const [info] = await db
        .listCollections({ name: collection.name }, { nameOnly: false, promoteValues: false })
        .toArray();
    if (!info)
        return false;
    const uuid = info.info?.uuid;
    return !collection.metadata.uuid || !uuid || uuidHex(uuid) === collection.metadata.uuid;
}
/** collStats' size (the documents' BSON bytes); 0 where the server does not answer it. */
async function collectionBytes(db, name) {
    try {
        const stats = await db.command({ collStats: name });
        const size = Number(stats.size ?? 0);
        return Number.isFinite(size) && size > 0 ? size : 0;
    }
    catch {
        return 0;
    }
}
function refuseDatabasePatterns(scope) {
    const [input, patterns] = scope.schemas.length > 0 ? ['schemas', scope.schemas] : ['exclude-schemas', scope.excludeSchemas];
    if (patterns.length === 0)
        return;
    throw (0,lib_errors/* invalidInput */.aY)(input, 'does not apply to MongoDB: a MongoDB backup covers the one database its URL names', 'no schemas for a mongodb:// URL; choose collections with tables and exclude-tables (patterns such as events.*)');
}
/** A collection name pattern as an anchored expression: `*` any run of characters, `?` one, all else literal. */
function globPattern(pattern) {
    const body = [...pattern]
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('');
    return new RegExp(`^${body}$`, 'su');
}
//# sourceMappingURL=inventory.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/dump-stream.js








/**
 * The mongodump archive of `collections`, written from raw BSON (the driver's raw mode: the server's bytes, never
 * decoded and re-encoded), with the archive reader tapped on the stream: every chunk that goes on to compression
 * has been parsed and its namespaces' CRC-64s checked. Collections are read one after another, one cursor at a
 * time, only as fast as storage takes the bytes, so memory stays flat (at most one 16 MB document and a chunk).
 */
function startMongoDumpStream(options) {
    const { db, signal } = options;
    const dropped = [];
    const readStarted = new Map();
    const onDropped = (collection) => {
        dropped.push(collection);
        options.onDropped?.(collection);
    };
    const writer = new ArchiveWriter([
        ...options.collections.map((c) => ({
            db: c.database ?? db.databaseName,
            collection: c.name,
            metadata: c.metadata,
            size: c.bytes,
            ...(c.metadata.type === 'view' ? {} : { documents: () => rawDocuments(options, c, onDropped, readStarted) }),
        })),
        ...(options.oplog ? [{ ...OPLOG_NAMESPACE, documents: options.oplog }] : []),
    ], { serverVersion: options.serverVersion, toolVersion: options.toolVersion });
    const parser = new ArchiveParser();
    let settle;
    const archive = new Promise((resolve, reject) => (settle = { resolve, reject }));
    // Awaited once the stream has ended; handled now so that an early failure is not reported as unhandled meanwhile.
    archive.catch(() => undefined);
    const rawBytes = archive.then((contents) => contents.bytes);
    rawBytes.catch(() => undefined);
    async function* tapped() {
        try {
            for await (const chunk of writer.chunks()) {
                if (signal.aborted)
                    throw signal.reason;
                parser.write(chunk);
                yield chunk;
            }
            settle.resolve(parser.end());
        }
        catch (error) {
            settle.reject(error);
            throw error;
        }
    }
    const compressor = (0,compression/* createCompressor */._S)(options.compression, options.level, { signal });
    return {
        // Two ~1 MiB chunks ahead of the consumer, not Readable.from's default sixteen: memory stays small.
        source: external_node_stream_.Readable.from(tapped(), { highWaterMark: 2 }),
        stages: compressor ? [compressor] : [],
        rawBytes,
        archive,
        written: writer.namespaces,
        dropped,
        readStarted,
    };
}
const BATCH_DOCUMENTS = 1000;
/** What one batch of a cursor may hold, by the collection's average document: the driver holds a whole batch. */
const BATCH_BYTES = 4 * 1024 * 1024;
/**
 * A cursor's batch size for `collection`: at most 1000 documents and about 4 MiB. MongoDB caps a batch at 16 MB
 * itself; FerretDB does not (it sends 101 documents of any size in a first batch, then as many as batchSize asks
 * for), and the driver holds a whole batch (a 1000-document batch of 64 KiB documents is 64 MB, twice over while
 * the reply is split into documents), so without this a collection of large documents made memory grow with it.
 */
function batchSizeFor(collection) {
    if (collection.documents <= 0 || collection.bytes <= 0)
        return BATCH_DOCUMENTS;
    const average = collection.bytes / collection.documents;
    return Math.max(1, Math.min(BATCH_DOCUMENTS, Math.floor(BATCH_BYTES / average)));
}
/**
 * A collection's documents as the server sent them, natural order, one cursor closed when the writer moves on.
 * A collection dropped before its turn reads as empty (a find on a missing collection is no error), and one dropped
 * while it is read ends its cursor with a server error (MongoDB: QueryPlanKilled; FerretDB: CursorNotFound); either
 * way the collection is no longer there once the cursor has ended. Then the archive keeps what was read, and the
 * drop is reported rather than failing the backup: a temporary collection that goes away must not cost the night's
 * backup. Any other failure fails it.
 */
async function* rawDocuments(options, collection, onDropped, readStarted) {
    // Before the cursor opens: a document deleted before this time cannot be in what it reads.
    const name = qualifiedName(collection);
    readStarted.set(name, new Date());
    const db = collection.database !== undefined && options.dbNamed ? options.dbNamed(collection.database) : options.db;
    const cursor = db.collection(collection.name).find({}, { raw: true, batchSize: batchSizeFor(collection) });
    let documents = 0;
    let failure;
    try {
        for await (const document of cursor) {
            documents++;
            yield document;
        }
    }
    catch (error) {
        // A cancel, the network or the server gone: nothing to ask the server, the read failed.
        if (options.signal.aborted || !(error instanceof lib.MongoServerError))
            throw options.explain(error, name);
        failure = error;
    }
    finally {
        await cursor.close().catch(() => undefined);
    }
    const exists = await stillExists(db, collection).catch((error) => {
        throw options.explain(failure ?? error, name);
    });
    if (!exists)
        return onDropped({ collection: name, documents });
    if (failure !== undefined)
        throw options.explain(failure, name);
}
/** The archive's documents per collection disagree with what the writer sent: the stream was altered on its way. */
function writerReaderMismatch(db, written, read) {
    return new lib_errors/* DbopsError */.zJ('VERIFY_FAILED', `The archive holds ${read.documents} documents of ${db}.${written.collection}, but ${written.documents} were written`, { hint: 'The archive was altered between the writer and storage; nothing was recorded as a backup.' });
}
//# sourceMappingURL=dump-stream.js.map
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/fingerprint.js



/**
 * A MongoDB database's fingerprint, in the manifest's shape (one SHA-256 per kind of object and one over all), so
 * that a restore can compare like with like. MongoDB's objects map onto the parts as:
 *
 * - tables: each collection's name (db.collection in a backup of several databases), type and options (capped,
 *   size, max, collation, time series, clustered);
 * - indexes: each collection's index specifications, without the index version `v` and the legacy `ns`, which a
 *   restore lets the server choose;
 * - constraints: each collection's validator, validationLevel and validationAction;
 * - views: each view's viewOn and pipeline;
 * - the other parts (columns, functions, types...) have no MongoDB counterpart: the hash of an empty list.
 *
 * Descriptions are canonical Extended JSON with keys in a fixed order, so the hash is stable across servers and
 * driver versions; UUIDs are left out (a restore gives new ones unless told to keep them).
 */
function mongoFingerprint(collections) {
    const rows = {
        tables: [],
        columns: [],
        indexes: [],
        constraints: [],
        functions: [],
        triggers: [],
        types: [],
        sequences: [],
        views: [],
        policies: [],
        extensions: [],
    };
    for (const c of [...collections].sort((a, b) => compare(qualifiedName(a), qualifiedName(b)))) {
        const name = qualifiedName(c);
        const { validator, validationLevel, validationAction, viewOn, pipeline, ...options } = c.metadata.options;
        rows.tables.push(canonical([name, c.metadata.type, options]));
        if (validator !== undefined)
            rows.constraints.push(canonical([name, validator, validationLevel, validationAction]));
        if (viewOn !== undefined)
            rows.views.push(canonical([name, viewOn, pipeline ?? []]));
        const indexes = c.metadata.indexes
            .map(({ v: _, ns: __, ...spec }) => canonical([name, sortKeys(spec)]))
            .sort(compare);
        rows.indexes.push(...indexes);
    }
    const parts = Object.fromEntries(Object.entries(rows).map(([part, lines]) => [part, sha256(lines.join('\n'))]));
    const digest = sha256(Object.entries(parts)
        .map(([part, hash]) => `${part}:${hash}`)
        .join('\n'));
    return { digest, parts };
}
/** A document's top-level keys in code-point order; index `key` fields keep their order (it is the index). */
function sortKeys(doc) {
    return Object.fromEntries(Object.keys(doc)
        .sort(compare)
        .map((k) => [k, doc[k]]));
}
function canonical(value) {
    return lib.BSON.EJSON.stringify(value, { relaxed: false });
}
function compare(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
function sha256(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
}
//# sourceMappingURL=fingerprint.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/oplog-selection.js
/**
 * Which oplog entries belong in an archive of one database or several, as `mongodump --oplog` would write them had
 * it dumped only those (mongodump itself takes --oplog only for whole-server dumps): the writes to the backed-up
 * collections, the commands on them (`<db>.$cmd`, naming one of them, or dropDatabase), and the transactions
 * (`admin.$cmd` applyOps) holding any of them, their other namespaces left out. mongodump's own refusals
 * (oplogDocumentValidator in mongodump/oplog_dump.go) hold too: a rename or an import during the dump fails it.
 */


/** Decoding that keeps every BSON type (an Int32 stays one when a rewritten entry is encoded again). */
const DECODE = { promoteValues: false, promoteBuffers: false, bsonRegExp: true };
function oplogTime(ts) {
    if (!(ts instanceof lib.BSON.Timestamp))
        throw new Error('an oplog entry has no BSON timestamp ts');
    return { t: ts.t, i: ts.i };
}
function toTimestamp(time) {
    return new lib.BSON.Timestamp({ t: time.t, i: time.i });
}
/** Orders two oplog times: negative, zero or positive. */
function compareOplogTimes(a, b) {
    return a.t !== b.t ? a.t - b.t : a.i - b.i;
}
function formatOplogTime(time) {
    return `${time.t}:${time.i}`;
}
/** An oplog namespace's database: the part before the first dot (a database name has none). */
function namespaceDatabase(ns) {
    const dot = ns.indexOf('.');
    return dot < 0 ? ns : ns.slice(0, dot);
}
/** Commands whose first field names a collection of the database (`{drop: "orders"}`). */
const COLLECTION_COMMANDS = new Set([
    'create',
    'drop',
    'collMod',
    'createIndexes',
    'commitIndexBuild',
    'startIndexBuild',
    'abortIndexBuild',
    'dropIndexes',
    'deleteIndex',
    'deleteIndexes',
    'dropIndex',
    'convertToCapped',
    'emptycapped',
]);
/** Transaction control entries: kept when their transaction touched the scope (buffered on restore). */
const TRANSACTION_COMMANDS = new Set(['commitTransaction', 'abortTransaction']);
/**
 * Decides on one decoded oplog entry. `transactions` remembers the transactions (lsid + txnNumber) that had an
 * operation in scope, so that their commit or abort is kept as well. Throws what mongodump refuses.
 */
function selectOplogEntry(entry, scope, transactions) {
    const ns = typeof entry.ns === 'string' ? entry.ns : '';
    const op = entry.op;
    const o = (entry.o ?? {});
    refuseUnreplayable(ns, o, scope);
    if (op === 'c' && ns === 'admin.$cmd') {
        const txn = transactionKey(entry);
        if (Array.isArray(o.applyOps)) {
            const inner = o.applyOps.filter((nested) => inScope(nested, scope));
            // A large transaction is several entries, all partialTxn but the last, which commits it (or, prepared, waits
            // for commitTransaction). Once an earlier part had operations in scope, its last entry is kept even with none
            // (an empty applyOps): without it those parts wait for a commit that never comes, and are never applied.
            const ends = txn !== undefined && transactions.has(txn) && o.partialTxn !== true;
            if (inner.length === 0 && !ends)
                return { kind: 'drop' };
            if (txn)
                transactions.add(txn);
            if (inner.length === o.applyOps.length)
                return { kind: 'keep' };
            return { kind: 'rewrite', entry: { ...entry, o: { ...o, applyOps: inner } } };
        }
        const command = Object.keys(o)[0] ?? '';
        if (TRANSACTION_COMMANDS.has(command) && txn && transactions.has(txn))
            return { kind: 'keep' };
        return { kind: 'drop' };
    }
    return inScope(entry, scope) ? { kind: 'keep' } : { kind: 'drop' };
}
/** A CRUD entry on one of the scope's collections, or a command of its database that concerns them. */
function inScope(entry, scope) {
    const ns = typeof entry.ns === 'string' ? entry.ns : '';
    const database = namespaceDatabase(ns);
    if (database === ns || !scope.databases.includes(database))
        return false;
    const collection = ns.slice(database.length + 1);
    if (entry.op === 'n')
        return false;
    if (entry.op !== 'c')
        return scope.selects(database, collection);
    if (collection !== '$cmd')
        return false;
    const o = (entry.o ?? {});
    const command = Object.keys(o)[0] ?? '';
    if (command === 'dropDatabase')
        return true;
    if (command === 'applyOps' && Array.isArray(o.applyOps)) {
        return o.applyOps.some((nested) => inScope(nested, scope));
    }
    return COLLECTION_COMMANDS.has(command) && scope.selects(database, String(o[command]));
}
function transactionKey(entry) {
    if (entry.lsid === undefined || entry.txnNumber === undefined)
        return undefined;
    return lib.BSON.EJSON.stringify({ lsid: entry.lsid, txnNumber: entry.txnNumber }, { relaxed: false });
}
/**
 * mongodump's oplogDocumentValidator: entries it will not write, since mongorestore could not replay them. mongodump
 * captures a whole server; here only the scope's collections matter: a rename or an import of another collection
 * is not in the archive (inScope drops it), so it fails the backup only when its source or destination is selected.
 */
function refuseUnreplayable(ns, o, scope) {
    const refuse = (what) => new lib_errors/* DbopsError */.zJ('DUMP_FAILED', `Cannot capture the oplog: ${what} during the backup`, {
        hint: 'Run the backup again when no backed-up collection is renamed or imported, or set consistency: per-collection.',
    });
    if (ns === 'admin.system.version')
        throw refuse('admin.system.version was modified');
    if (o.renameCollection !== undefined) {
        const from = String(o.renameCollection);
        if (selected(from, scope) || selected(String(o.to ?? ''), scope))
            throw refuse(`a collection was renamed (${from} to ${String(o.to)})`);
    }
    if (o.importCollection !== undefined && selected(`${namespaceDatabase(ns)}.${String(o.importCollection)}`, scope))
        throw refuse(`a collection was imported (${namespaceDatabase(ns)}.${String(o.importCollection)})`);
    if (Array.isArray(o.applyOps)) {
        for (const nested of o.applyOps) {
            refuseUnreplayable(String(nested.ns ?? ''), (nested.o ?? {}), scope);
        }
    }
}
/** Whether the backup selects the collection a full namespace (database.collection) names. */
function selected(namespace, scope) {
    const database = namespaceDatabase(namespace);
    if (database === namespace || !scope.databases.includes(database))
        return false;
    return scope.selects(database, namespace.slice(database.length + 1));
}
//# sourceMappingURL=oplog-selection.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/oplog-catalog.js

/** The _id index a collection is created with when its create command names none. */
const DEFAULT_ID_INDEX = { v: 2, key: { _id: 1 }, name: '_id_' };
/** create's fields that are not the collection's options (listCollections does not list them). */
const NOT_OPTIONS = new Set(['create', 'idIndex', 'writeConcern', 'comment', '$db']);
/** collMod's fields that change the collection's options as listCollections shows them. */
const COLLMOD_OPTIONS = [
    'validator',
    'validationLevel',
    'validationAction',
    'expireAfterSeconds',
    'changeStreamPreAndPostImages',
];
const DROP_INDEX_COMMANDS = new Set(['dropIndexes', 'deleteIndex', 'deleteIndexes', 'dropIndex']);
class OplogCatalog {
    entries;
    /**
     * Each command applied, in order, for people: "createIndexes orders (status_1)"; with a `database` to name,
     * "createIndexes shop.orders (status_1)" (a backup of several databases, whose catalogs share the list).
     */
    commands;
    database;
    constructor(dumped, options = {}) {
        this.commands = options.commands ?? [];
        this.database = options.database;
        // Copies: a command changes the catalog, never the dumped metadata it started from.
        this.entries = new Map([...dumped].map(([name, meta]) => [
            name,
            { ...meta, options: { ...meta.options }, indexes: meta.indexes.map((spec) => ({ ...spec })) },
        ]));
    }
    /** The collections and views now, by name. */
    get collections() {
        return this.entries;
    }
    /**
     * Applies one command (an oplog entry's `o`, on the database's `$cmd`) to the catalog, and returns what the
     * server must still run during the replay: the command itself, the command without its index part (collMod), or
     * undefined for an index command, whose index is built after the replay from the catalog.
     */
    apply(o) {
        const command = Object.keys(o)[0] ?? '';
        const name = String(o[command]);
        switch (command) {
            case 'create':
                this.create(name, o);
                this.commands.push(`create ${this.named(name)}`);
                return o;
            case 'drop':
                this.entries.delete(name);
                this.commands.push(`drop ${this.named(name)}`);
                return o;
            case 'dropDatabase':
                this.entries.clear();
                this.commands.push(this.database === undefined ? 'dropDatabase' : `dropDatabase ${this.database}`);
                return o;
            case 'createIndexes':
            case 'commitIndexBuild': {
                const specs = command === 'createIndexes' ? [indexSpec(o)] : (o.indexes ?? []);
                const entry = this.entries.get(name);
                for (const spec of specs) {
                    if (entry && !entry.indexes.some((i) => i.name === spec.name))
                        entry.indexes.push(spec);
                }
                this.commands.push(`${command} ${this.named(name)} (${specs.map((s) => String(s.name)).join(', ')})`);
                return undefined;
            }
            case 'collMod':
                return this.collMod(name, o);
            default:
                if (DROP_INDEX_COMMANDS.has(command)) {
                    const dropped = this.dropIndexes(name, o.index);
                    this.commands.push(`${command} ${this.named(name)} (${dropped.join(', ') || String(o.index)})`);
                    return undefined;
                }
                // convertToCapped, emptycapped: no index or option the checks compare changes in a way dbops follows.
                this.commands.push(`${command} ${this.named(name)}`);
                return o;
        }
    }
    named(collection) {
        return this.database === undefined ? collection : `${this.database}.${collection}`;
    }
    create(name, o) {
        const options = Object.fromEntries(Object.entries(o).filter(([field]) => !NOT_OPTIONS.has(field)));
        const view = options.viewOn !== undefined;
        this.entries.set(name, {
            options,
            indexes: view ? [] : [o.idIndex ?? DEFAULT_ID_INDEX],
            type: view ? 'view' : 'collection',
        });
    }
    /** The names of the indexes dropped: by name, by key pattern, or all but _id_ ('*'). */
    dropIndexes(collection, index) {
        const entry = this.entries.get(collection);
        if (!entry)
            return [];
        const names = Array.isArray(index) ? index.map(String) : undefined;
        const matches = (spec) => {
            if (spec.name === '_id_')
                return false;
            if (index === '*')
                return true;
            if (names)
                return names.includes(String(spec.name));
            if (typeof index === 'string')
                return spec.name === index;
            return sameKey(spec.key, index);
        };
        const dropped = entry.indexes.filter(matches).map((spec) => String(spec.name));
        entry.indexes = entry.indexes.filter((spec) => !matches(spec));
        return dropped;
    }
    /** Option changes (validator...) go to the server; an index's (expireAfterSeconds, hidden) to its spec here. */
    collMod(name, o) {
        const entry = this.entries.get(name);
        const { index, ...rest } = o;
        if (entry) {
            for (const field of COLLMOD_OPTIONS)
                if (rest[field] !== undefined)
                    entry.options[field] = rest[field];
            if (index !== undefined) {
                const change = index;
                const spec = entry.indexes.find((i) => change.name !== undefined
                    ? i.name === change.name
                    : sameKey(i.key, change.keyPattern));
                if (spec) {
                    for (const field of ['expireAfterSeconds', 'hidden']) {
                        if (change[field] === undefined)
                            continue;
                        if (field === 'hidden' && change.hidden === false)
                            delete spec.hidden;
                        else
                            spec[field] = change[field];
                    }
                }
            }
        }
        const changed = [...COLLMOD_OPTIONS.filter((field) => rest[field] !== undefined), ...(index ? ['index'] : [])];
        this.commands.push(`collMod ${this.named(name)}${changed.length > 0 ? ` (${changed.join(', ')})` : ''}`);
        // Only the collection's own changes are left for the server, if any.
        return Object.keys(rest).length > 1 ? rest : undefined;
    }
}
/** createIndexes' oplog form is the index specification itself, with the collection's name in front. */
function indexSpec(o) {
    return Object.fromEntries(Object.entries(o).filter(([field]) => field !== 'createIndexes'));
}
function sameKey(a, b) {
    if (!a || !b)
        return false;
    const left = Object.entries(a);
    const right = Object.entries(b);
    // Int32, Double or number alike: an index kind is compared by its value.
    const kind = (value) => String(value.valueOf());
    return (left.length === right.length &&
        left.every(([field, value], i) => right[i][0] === field && kind(right[i][1]) === kind(value)));
}
/**
 * The catalogs of the databases an oplog is replayed into, one each, keyed by the database its operations name
 * (`<db>.$cmd`): a backup of several databases has one per database, sharing one list of commands. `label` names a
 * database in the commands (undefined: a backup of one database, its collections named alone).
 */
class OplogCatalogs {
    label;
    commands = [];
    catalogs = new Map();
    constructor(label = () => undefined) {
        this.label = label;
    }
    /** Starts a database's catalog from its collections as dumped. */
    add(database, dumped) {
        const name = this.label(database);
        this.catalogs.set(database, new OplogCatalog(dumped, { commands: this.commands, ...(name !== undefined ? { database: name } : {}) }));
    }
    /** Applies a command on `<database>.$cmd` to its database's catalog (OplogCatalog.apply). */
    apply(ns, o) {
        const database = namespaceDatabase(ns);
        if (!this.catalogs.has(database))
            this.add(database, []);
        return this.catalogs.get(database).apply(o);
    }
    /** Each database's catalog, by the name its operations use. */
    get databases() {
        return this.catalogs;
    }
}
//# sourceMappingURL=oplog-catalog.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/oplog-capture.js
/**
 * The oplog around a dump, as `mongodump --oplog` reads it (mongodump/oplog_dump.go): the newest entry's time
 * before the first collection is read (or the start of the oldest transaction still open), the newest after the
 * last, and the entries in between, checked before and after for a roll-over (the oplog is a capped collection: an
 * entry the dump needs may be overwritten while it runs).
 */



const OPLOG = 'oplog.rs';
const UNAUTHORIZED = 13;
/**
 * Where the capture starts, or why the server has no oplog dbops can read: a standalone server, a mongos (each
 * shard has its own), an oplog the user may not read (needs read on `local`), or an empty one.
 */
async function oplogStart(client, topology) {
    if (topology.kind === 'standalone')
        return { unavailable: 'the server is not a replica set member: it has no oplog' };
    if (topology.kind === 'sharded') {
        return { unavailable: 'the server is a mongos: each shard has its own oplog (back up the shards)' };
    }
    try {
        const newest = await edgeEntry(client, -1);
        if (!newest)
            return { unavailable: 'its oplog (local.oplog.rs) is empty' };
        const open = await oldestOpenTransaction(client);
        return { start: open && compareOplogTimes(open, newest) < 0 ? open : newest };
    }
    catch (error) {
        if (error instanceof lib.MongoServerError && error.code === UNAUTHORIZED) {
            return {
                unavailable: 'the user may not read local.oplog.rs (grant read on the local database, e.g. the backup role)',
            };
        }
        throw error;
    }
}
/** The oldest (1) or newest (-1) oplog entry's time, in natural order as mongodump reads it. */
async function edgeEntry(client, direction) {
    const [entry] = await client
        .db('local')
        .collection(OPLOG)
        .find({}, { sort: { $natural: direction }, limit: 1, projection: { ts: 1 } })
        .toArray();
    return entry ? oplogTime(entry.ts) : undefined;
}
/**
 * The start of the oldest transaction still in progress or prepared (config.transactions): its first entries are
 * older than the newest entry, and replaying its commit needs them (mongodump's getOplogCopyStartTime).
 */
async function oldestOpenTransaction(client) {
    const open = await client
        .db('config')
        .collection('transactions')
        .findOne({ state: { $in: ['prepared', 'inProgress'] } }, { sort: { startOpTime: 1 } })
        .catch((error) => {
        // Not a replica set member's collection, or not readable: no open transaction dbops could know of.
        if (error instanceof lib.MongoServerError)
            return null;
        throw error;
    });
    const ts = open?.startOpTime?.ts;
    return ts instanceof lib.BSON.Timestamp ? oplogTime(ts) : undefined;
}
/** The newest entry's time now: the capture's end. */
async function oplogEnd(client) {
    const newest = await edgeEntry(client, -1);
    if (!newest)
        throw new lib_errors/* DbopsError */.zJ('DUMP_FAILED', 'The oplog (local.oplog.rs) became empty during the backup');
    return newest;
}
/**
 * Fails when the oplog no longer holds `start` (its oldest entry is newer): entries the archive needs were
 * overwritten while the dump ran, so no point-in-time archive can be written (mongodump: "oplog overflow").
 */
async function checkNoRollOver(client, start) {
    const oldest = await edgeEntry(client, 1);
    if (oldest && compareOplogTimes(oldest, start) <= 0)
        return;
    throw new lib_errors/* DbopsError */.zJ('DUMP_FAILED', `The oplog rolled over during the backup: its oldest entry (${oldest ? formatOplogTime(oldest) : 'none'}) is newer than the dump's start (${formatOplogTime(start)}), so writes made during the dump are lost to it`, {
        hint: 'Enlarge the oplog (replSetResizeOplog) or make the dump faster (fewer collections per backup, a quieter hour); consistency: per-collection backs up without the oplog.',
    });
}
/**
 * The entries from `start` to `end` (both included, as mongodump) that the scope needs, as raw BSON in oplog
 * order: the server's bytes, or a transaction rewritten to hold only the scope's operations. `observe` sees each
 * one decoded, as the archive holds it.
 */
async function* oplogEntries(client, range, scope, observe = () => undefined) {
    const escaped = scope.databases.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const cursor = client
        .db('local')
        .collection(OPLOG)
        .find({
        ts: { $gte: toTimestamp(range.start), $lte: toTimestamp(range.end) },
        // The databases' namespaces and the transactions (admin.$cmd); selectOplogEntry decides on each.
        ns: { $regex: `^(?:(?:${escaped.join('|')})\\.|admin\\.\\$cmd$)` },
    }, { raw: true });
    const transactions = new Set();
    try {
        for await (const raw of cursor) {
            const entry = lib.BSON.deserialize(raw, DECODE);
            const selection = selectOplogEntry(entry, scope, transactions);
            if (selection.kind === 'drop')
                continue;
            observe(selection.kind === 'keep' ? entry : selection.entry);
            yield selection.kind === 'keep' ? raw : lib.BSON.serialize(selection.entry);
        }
    }
    finally {
        await cursor.close().catch(() => undefined);
    }
}
//# sourceMappingURL=oplog-capture.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/oplog-replay.js
/**
 * Turns an archive's oplog entries, in order, into the operations to apply to the restored database, as
 * mongorestore --oplogReplay does (mongorestore/oplog.go): no-ops and index-build bookkeeping skipped, transactions
 * buffered until their commit and unwrapped, UUIDs (`ui`) dropped (the restored collections have new ones), every
 * namespace of an archive's database rewritten to the target database it maps to (the ns of a write, of a command on
 * `<db>.$cmd`, of each operation inside applyOps; a command's collection is named without its database). Entries of
 * a database not mapped are skipped (a whole-server mongodump's oplog, or the other databases of a backup of several
 * when one is restored), and what mongorestore would refuse fails, naming the entry.
 */



const IGNORED_OPS = new Set(['n', 'cd', 'ci', 'cu', 'km']);
const IGNORED_COMMANDS = new Set(['startIndexBuild', 'abortIndexBuild', 'setMultikeyMetadata', 'dropIdent']);
/** The commands mongorestore replays (its knownCommands, but those handled as transactions). */
const KNOWN_COMMANDS = new Set([
    'dropDatabase',
    'create',
    'convertToCapped',
    'emptycapped',
    'drop',
    'createIndexes',
    'commitIndexBuild',
    'deleteIndex',
    'deleteIndexes',
    'dropIndex',
    'dropIndexes',
    'collMod',
]);
class OplogReplayPlan {
    databases;
    /** Entries of other databases and no-ops, skipped. */
    skipped = 0;
    /** The transactions waiting for their last entry or their commit: their operations so far, and whether prepared. */
    transactions = new Map();
    /** `databases`: each archive database replayed, and the target database it goes into. */
    constructor(databases) {
        this.databases = databases;
    }
    /** The operations one entry stands for, in order (none until a transaction commits). */
    plan(entry) {
        const op = String(entry.op ?? '');
        const ns = String(entry.ns ?? '');
        const o = (entry.o ?? {});
        if (IGNORED_OPS.has(op))
            return this.skip();
        if (op === 'c' && Array.isArray(o.applyOps))
            return this.applyOps(entry, o);
        if (op === 'c' && ns === 'admin.$cmd')
            return this.transactionControl(entry, o);
        const to = this.databases.get(namespaceDatabase(ns));
        if (to === undefined || !ns.includes('.'))
            return this.skip();
        if (op === 'c') {
            const command = Object.keys(o)[0] ?? '';
            if (IGNORED_COMMANDS.has(command))
                return [];
            if (!KNOWN_COMMANDS.has(command))
                throw unreplayable(entry, `the command ${command || '(none)'}`);
        }
        else if (op !== 'i' && op !== 'u' && op !== 'd') {
            throw unreplayable(entry, `the operation kind ${op || '(none)'}`);
        }
        const rewritten = { op: op, ns: `${to}${ns.slice(ns.indexOf('.'))}`, o };
        if (entry.o2 !== undefined)
            rewritten.o2 = entry.o2;
        return [rewritten];
    }
    /** Transactions still open at the end: not applied. */
    get openTransactions() {
        return this.transactions.size;
    }
    /**
     * Of those, the large ones whose last entry never came: the capture keeps a transaction's entries together (the
     * server writes them at its commit, at once), so the archive lost a commit, and with it writes that happened.
     */
    get unfinishedTransactions() {
        return [...this.transactions.values()].filter((t) => !t.prepared).length;
    }
    skip() {
        this.skipped++;
        return [];
    }
    /**
     * applyOps: a transaction's operations. A part of a large one (`partialTxn`) or a prepared one waits for its
     * last part or its commit; otherwise its operations apply now, with any parts buffered before.
     */
    applyOps(entry, o) {
        const nested = o.applyOps.flatMap((inner) => this.plan(inner));
        const key = oplog_replay_transactionKey(entry);
        if (key === undefined)
            return nested;
        const buffered = [...(this.transactions.get(key)?.ops ?? []), ...nested];
        if (o.partialTxn === true || o.prepare === true) {
            // Prepared: committed (or not) by a later commitTransaction, which may come after the dump's end.
            this.transactions.set(key, { ops: buffered, prepared: o.prepare === true });
            return [];
        }
        this.transactions.delete(key);
        return buffered;
    }
    transactionControl(entry, o) {
        const command = Object.keys(o)[0] ?? '';
        const key = oplog_replay_transactionKey(entry);
        if (key === undefined || (command !== 'commitTransaction' && command !== 'abortTransaction'))
            return this.skip();
        const buffered = this.transactions.get(key)?.ops ?? [];
        this.transactions.delete(key);
        return command === 'commitTransaction' ? buffered : [];
    }
}
function oplog_replay_transactionKey(entry) {
    if (entry.lsid === undefined || entry.txnNumber === undefined)
        return undefined;
    return lib.BSON.EJSON.stringify({ lsid: entry.lsid, txnNumber: entry.txnNumber }, { relaxed: false });
}
function unreplayable(entry, what) {
    const ts = entry.ts instanceof lib.BSON.Timestamp ? ` at ${entry.ts.t}:${entry.ts.i}` : '';
    return new lib_errors/* DbopsError */.zJ('RESTORE_FAILED', `Cannot replay the oplog entry${ts} on ${String(entry.ns ?? '')}: ${what} cannot be replayed`, { hint: 'Restore with mongorestore --archive --oplogReplay, or restore a per-collection backup.' });
}
//# sourceMappingURL=oplog-replay.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/database-selection.js


/** The server's own databases, which mongodump without --db leaves out too. */
const SYSTEM_DATABASES = new Set(['admin', 'local', 'config']);
const PATTERN_FORM = 'database name patterns, comma-separated: * any run of characters, ? one (e.g. shop,billing or app_*)';
/** Whether the backup covers several databases: `databases` or `exclude-databases` was given. */
function isMultiDatabase(scope) {
    return (scope.databases?.length ?? 0) > 0 || (scope.excludeDatabases?.length ?? 0) > 0;
}
/**
 * The user databases the scope selects, in name order: those a `databases` pattern matches (all, with none) and no
 * `exclude-databases` one does; admin, local and config never. A `databases` pattern that matches no database is
 * refused (a typo would otherwise leave a database out without a word), as is naming a system database.
 */
async function selectDatabases(client, scope) {
    const include = scope.databases ?? [];
    const exclude = scope.excludeDatabases ?? [];
    const system = include.find((p) => SYSTEM_DATABASES.has(p));
    if (system) {
        throw (0,lib_errors/* invalidInput */.aY)('databases', `names ${system}, a database of the server itself, which a backup never covers (as mongodump)`, `user databases only; ${PATTERN_FORM}`);
    }
    const listed = await client.db('admin').admin().listDatabases({ nameOnly: true, authorizedDatabases: true });
    const names = listed.databases
        .map((d) => d.name)
        .filter((name) => !SYSTEM_DATABASES.has(name))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const found = names.length > 0 ? names.slice(0, 10).join(', ') + (names.length > 10 ? ', …' : '') : 'none';
    for (const pattern of include) {
        const re = globPattern(pattern);
        if (!names.some((n) => re.test(n))) {
            throw (0,lib_errors/* invalidInput */.aY)('databases', `has ${pattern}, which matches no database of the server (its user databases: ${found})`, PATTERN_FORM);
        }
    }
    const includes = include.map(globPattern);
    const excludes = exclude.map(globPattern);
    const selected = names.filter((n) => (includes.length === 0 || includes.some((p) => p.test(n))) && !excludes.some((p) => p.test(n)));
    if (selected.length === 0) {
        throw (0,lib_errors/* invalidInput */.aY)(exclude.length > 0 ? 'exclude-databases' : 'databases', `leaves no database to back up (the server's user databases: ${found})`, PATTERN_FORM);
    }
    return selected;
}
//# sourceMappingURL=database-selection.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/dump-source.js














/**
 * The backup's view of a MongoDB database (or of several: databases, exclude-databases). Each collection is read
 * by its own cursor, one after another. On a replica set member whose oplog can be read, the dump is point-in-time
 * (consistency auto or point-in-time): the oplog's newest entry is noted before the inventory, and the entries of
 * the backed-up databases written until the last collection was read are appended as the archive's oplog
 * namespace, as `mongodump --oplog` does; a restore replays them. Elsewhere
 * (a standalone, FerretDB without an oplog, consistency per-collection) the archive is consistent per collection.
 * The manifest says which.
 */
async function withMongoDumpSource(target, settings, context, use) {
    return withMongoClient(target, context, async (client) => {
        const db = client.db(target.database);
        const several = isMultiDatabase(settings.scope);
        const { version, topology, start, databases, collections } = await (async () => {
            const version = await serverVersion(client);
            const topology = await readTopology(client);
            const databases = several ? await selectDatabases(client, settings.scope) : undefined;
            // Before the inventory, as mongodump: a collection changed after this is replayed from the oplog.
            const start = await captureStart(client, topology, settings.consistency ?? 'auto', target, context);
            if (databases) {
                const collections = [];
                for (const name of databases) {
                    collections.push(...(await readInventory(client.db(name), settings.scope, { severalDatabases: true })));
                }
                return { version, topology, start, databases, collections };
            }
            return { version, topology, start, databases, collections: await readInventory(db, settings.scope) };
        })().catch((error) => {
            throw readError(target, target.database, error);
        });
        if (collections.length === 0)
            throw nothingToDump(target, settings, databases);
        context.log.info(`MongoDB ${version.text} (${topology.kind}) at ${(0,mongodb_target/* describeMongoTarget */.l)(target)}: ` +
            `${collections.length} collections and views to dump` +
            (databases ? ` from ${databases.length} databases (${databases.join(', ')})` : '') +
            ', each on its own' +
            (start
                ? `, with the oplog from ${formatOplogTime(start)} (point-in-time consistency)`
                : ' (per-collection consistency)'));
        const identity = topology.replicaSet ? { systemIdentifier: `replicaSet:${topology.replicaSet}` } : {};
        const origin = {
            source: { host: target.host, port: target.port, ...identity },
            serverVersion: version.text,
            dumpTool: { name: 'dbops', version: lib_version/* DBOPS_VERSION */.m },
        };
        const dataBytes = collections.reduce((sum, c) => sum + c.bytes, 0);
        return use({
            server: { product: 'MongoDB', version: version.text, major: version.major, ...identity },
            // The documents' BSON size is the archive's size but for headers; room to spare for sizes collStats lacks.
            sizeHint: 2 * dataBytes + 1024 * 1024,
            async startDump({ compression, level, signal }) {
                // The backup's databases, and the collections its scope selects in each (created during the dump too).
                const scope = {
                    databases: databases ?? [target.database],
                    selects: scopeSelectsIn(settings.scope, several),
                };
                let captured;
                const oplog = start
                    ? async function* () {
                        try {
                            const end = await oplogEnd(client);
                            await checkNoRollOver(client, start);
                            let entries = 0;
                            const byDatabase = new Map((databases ?? []).map((name) => [name, 0]));
                            // The commands among the entries change the catalog a replay restores: followed as a restore will.
                            const catalogs = new OplogCatalogs((name) => (several ? name : undefined));
                            for (const name of databases ?? [target.database]) {
                                catalogs.add(name, collections
                                    .filter((c) => (c.database ?? target.database) === name)
                                    .map((c) => [c.name, c.metadata]));
                            }
                            const plan = new OplogReplayPlan(new Map(scope.databases.map((name) => [name, name])));
                            const observe = (entry) => {
                                for (const name of entryDatabases(entry)) {
                                    if (byDatabase.has(name))
                                        byDatabase.set(name, byDatabase.get(name) + 1);
                                }
                                for (const op of plan.plan(entry))
                                    if (op.op === 'c')
                                        catalogs.apply(op.ns, op.o);
                            };
                            for await (const entry of oplogEntries(client, { start, end }, scope, observe)) {
                                entries++;
                                yield entry;
                            }
                            // Again after the read, as mongodump: the oplog may have rolled over while it was read.
                            await checkNoRollOver(client, start);
                            captured = {
                                start,
                                end,
                                entries,
                                ...(several ? { entriesByDatabase: Object.fromEntries(byDatabase) } : {}),
                                ...catalogAtEnd(catalogs, several),
                            };
                            context.log.info(`Captured ${entries} oplog entries of ${scope.databases.join(', ')} from ${formatOplogTime(start)} to ${formatOplogTime(end)}`);
                        }
                        catch (error) {
                            throw readError(target, 'local.oplog.rs', error);
                        }
                    }
                    : undefined;
                const dump = startMongoDumpStream({
                    db,
                    dbNamed: (name) => client.db(name),
                    collections,
                    serverVersion: version.text,
                    toolVersion: `dbops ${lib_version/* DBOPS_VERSION */.m}`,
                    compression,
                    level,
                    signal,
                    explain: (error, collection) => readError(target, several ? collection : `${target.database}.${collection}`, error),
                    onDropped: ({ collection, documents }) => context.log.warn(`${several ? collection : `${target.database}.${collection}`} was dropped during the backup: the archive keeps the ` +
                        `${documents} documents read before the drop, and the manifest marks it droppedDuringBackup`),
                    ...(oplog ? { oplog } : {}),
                });
                return {
                    source: dump.source,
                    stages: dump.stages,
                    rawBytes: dump.rawBytes,
                    verify: async () => dumpRecord(databases ?? target.database, origin, topology, await dump.archive, dump, collections, settings, captured),
                    dispose: async () => undefined,
                };
            },
            explainFailure: async (error) => error instanceof lib_errors/* DbopsError */.zJ ? error : readError(target, target.database, error),
            release: async () => undefined,
        });
    });
}
/**
 * A database with no collections is almost always a wrong database name (MongoDB creates databases on first
 * write, so any name "exists"); a scope that selects none is a wrong pattern. Either way there is nothing to back up.
 */
function nothingToDump(target, settings, databases) {
    const input = target.urlInput ?? 'database-url';
    const where = databases ? `the databases ${databases.join(', ')}` : target.database;
    if (settings.scope.tables.length > 0 || settings.scope.excludeTables.length > 0) {
        return new lib_errors/* DbopsError */.zJ('DUMP_FAILED', `The tables and exclude-tables patterns select no collection of ${where}`, {
            input: 'tables',
            hint: databases
                ? 'With databases, patterns match whole db.collection names: * any run of characters, ? one (e.g. shop.orders, *.events).'
                : 'Patterns match whole collection names: * any run of characters, ? one (e.g. events.*).',
        });
    }
    if (databases) {
        return new lib_errors/* DbopsError */.zJ('DUMP_FAILED', `The databases ${databases.join(', ')} have no collections: nothing to back up`, {
            input: 'databases',
            hint: 'Check the databases and exclude-databases patterns.',
        });
    }
    return new lib_errors/* DbopsError */.zJ('DUMP_FAILED', `The database ${target.database} at ${(0,mongodb_target/* describeMongoTarget */.l)(target)} has no collections: nothing to back up`, { input, hint: `Check the database name in ${input} (the path after the host: .../DATABASE).` });
}
/** A driver error while dumping, named for people; the URL and password never in it. */
function readError(target, what, error) {
    if (error instanceof lib_errors/* DbopsError */.zJ || !(error instanceof lib.MongoError))
        return error;
    return new lib_errors/* DbopsError */.zJ('DUMP_FAILED', `Reading ${what} from ${(0,mongodb_target/* describeMongoTarget */.l)(target)} failed: ${scrub(target, error.message)}`, { cause: error, hint: 'The server went away or refused the read; nothing was recorded as a backup.' });
}
/**
 * Checks the archive the reader parsed against the inventory and the writer (every collection present with its
 * EOF block, the same documents on both sides of the stream; an empty dump of a non-empty database fails), and
 * returns what the manifest records of it.
 */
function dumpRecord(database, origin, topology, archive, { written, dropped, readStarted, }, collections, settings, oplog) {
    const several = Array.isArray(database);
    // Keyed as the inventory's qualifiedName: db.collection in a backup of several databases.
    const byName = new Map(archive.namespaces.map((ns) => [several ? `${ns.db}.${ns.collection}` : ns.collection, ns]));
    checkOplog(archive, written, oplog);
    const droppedNames = new Set(dropped.map((d) => d.collection));
    const missing = collections.filter((c) => !byName.has(qualifiedName(c)));
    if (missing.length > 0) {
        const names = missing.slice(0, 5).map(qualifiedName);
        throw new lib_errors/* DbopsError */.zJ('VERIFY_FAILED', `The archive lacks ${missing.length} of ${collections.length} collections (${names.join(', ')}${missing.length > 5 ? ', …' : ''})`, { hint: 'The dump is incomplete; nothing was recorded as a backup.' });
    }
    for (const w of written.filter((w) => !isOplogNamespace(w))) {
        const read = byName.get(several ? `${w.db}.${w.collection}` : w.collection);
        if (read.documents !== w.documents || read.crc !== w.crc)
            throw writerReaderMismatch(read.db, w, read);
    }
    const kept = collections.filter((c) => c.metadata.type !== 'view' && !droppedNames.has(qualifiedName(c)));
    if (droppedNames.size > 0 && kept.length === 0) {
        // Not one temporary collection gone, but all of them: the database itself was dropped (or emptied) meanwhile.
        throw new lib_errors/* DbopsError */.zJ('DUMP_FAILED', `Every collection of ${several ? database.join(', ') : database} was dropped during the backup (${[...droppedNames].slice(0, 5).join(', ')}${droppedNames.size > 5 ? ', …' : ''})`, { hint: 'The database was dropped or replaced while it was read; nothing was recorded as a backup.' });
    }
    const before = kept.reduce((sum, c) => sum + c.documents, 0);
    const dumped = archive.namespaces.reduce((sum, ns) => sum + ns.documents, 0);
    if (before > 0 && dumped === 0) {
        throw new lib_errors/* DbopsError */.zJ('VERIFY_FAILED', `The archive holds no documents, but the database had ${before} in ${kept.filter((c) => c.documents > 0).length} collections`, {
            hint: "The dump is empty; nothing was recorded as a backup. Check the user's read privileges and the include/exclude filters.",
        });
    }
    const manifestCollections = collections.map((c) => {
        const key = qualifiedName(c);
        const ns = byName.get(key);
        const options = lib.BSON.EJSON.serialize(c.metadata.options, { relaxed: true });
        return {
            name: c.name,
            ...(c.database !== undefined ? { database: c.database } : {}),
            type: c.metadata.type === 'view' ? 'view' : 'collection',
            documents: ns.documents,
            bytes: ns.bytes,
            documentsBefore: c.documents,
            ...(readStarted.has(key) ? { readStartedAt: readStarted.get(key).toISOString() } : {}),
            indexes: c.metadata.indexes.map(indexSummary),
            ...(Object.keys(options).length > 0 ? { options } : {}),
            ...(droppedNames.has(key) ? { droppedDuringBackup: true } : {}),
        };
    });
    const views = collections.filter((c) => c.metadata.type === 'view').length;
    return {
        origin,
        format: 'mongodump-archive',
        contents: {
            toc: {
                entries: archive.namespaces.length + (archive.oplog ? 1 : 0),
                byType: { collection: collections.length - views, view: views },
            },
            // Collections in the manifest's tables (schema: the database): catalog, rotation and reports read them.
            tables: manifestCollections
                .filter((c) => c.type === 'collection')
                .map((c) => ({
                schema: c.database ?? database,
                name: c.name,
                rows: c.documents,
                rowEstimate: c.documentsBefore,
                bytes: c.bytes,
            })),
            exactCountMaxBytes: settings.exactCountMaxBytes,
            schemaFingerprint: mongoFingerprint(collections),
            mongodb: {
                topology: topology.kind,
                ...(topology.replicaSet ? { replicaSet: topology.replicaSet } : {}),
                ...(several ? { databases: database } : {}),
                ...(oplog ? { consistency: 'point-in-time', oplog } : { consistency: 'per-collection' }),
                archiveFormatVersion: archive.header.formatVersion || FORMAT_VERSION,
                collections: manifestCollections,
            },
        },
        verification: {
            archiveListed: true,
            tableDataEntries: archive.namespaces.filter((ns) => ns.documents > 0).length,
            expectedTables: collections.length - views,
        },
    };
}
/**
 * The oplog's capture agrees on both sides of the stream: what the writer wrote and the reader checked (CRC,
 * entries in order) as the archive's oplog namespace, and the count the capture ended with.
 */
function checkOplog(archive, written, oplog) {
    const wrote = written.find(isOplogNamespace);
    if (!oplog && !wrote && !archive.oplog)
        return;
    const read = archive.oplog;
    if (!oplog || !wrote || !read || read.documents !== wrote.documents || read.crc !== wrote.crc) {
        throw new lib_errors/* DbopsError */.zJ('VERIFY_FAILED', `The archive's oplog does not match the capture: ${read?.documents ?? 'no'} entries read, ${wrote?.documents ?? 'none'} written, ${oplog?.entries ?? 'no'} captured`, { hint: 'The archive was altered between the writer and storage; nothing was recorded as a backup.' });
    }
}
/** The databases an archived entry touches: its namespace's, or those of the operations inside its applyOps. */
function entryDatabases(entry) {
    const o = (entry.o ?? {});
    if (entry.op === 'c' && Array.isArray(o.applyOps)) {
        return new Set(o.applyOps.flatMap((inner) => [...entryDatabases(inner)]));
    }
    return new Set([namespaceDatabase(String(entry.ns ?? ''))]);
}
/**
 * Where the oplog capture starts, or undefined for a per-collection dump: `auto` captures when the oplog can be
 * read (else says why not), `point-in-time` fails where it cannot.
 */
async function captureStart(client, topology, consistency, target, context) {
    if (consistency === 'per-collection')
        return undefined;
    const probe = await oplogStart(client, topology);
    if ('start' in probe)
        return probe.start;
    if (consistency === 'point-in-time') {
        throw new lib_errors/* DbopsError */.zJ('INVALID_INPUT', `consistency is point-in-time, but ${(0,mongodb_target/* describeMongoTarget */.l)(target)} cannot give one: ${probe.unavailable}`, {
            input: 'consistency',
            hint: 'point-in-time needs a replica set member whose oplog (local.oplog.rs) the user can read; set consistency to auto or per-collection to back up per collection.',
        });
    }
    context.log.info(`Consistency: per-collection, since ${probe.unavailable}`);
    return undefined;
}
/**
 * What the manifest records of the oplog's commands: each, and the catalog they leave (its collections' indexes
 * and its fingerprint), which a restore's checks compare with. Nothing when the oplog holds no command.
 */
function catalogAtEnd(catalogs, several) {
    if (catalogs.commands.length === 0)
        return {};
    const collections = [...catalogs.databases]
        .flatMap(([database, catalog]) => [...catalog.collections].map(([name, metadata]) => ({
        name,
        ...(several ? { database } : {}),
        metadata,
        documents: 0,
        bytes: 0,
    })))
        .sort((a, b) => (qualifiedName(a) < qualifiedName(b) ? -1 : qualifiedName(a) > qualifiedName(b) ? 1 : 0));
    return {
        commands: [...catalogs.commands],
        atEnd: {
            collections: collections.map((c) => ({
                name: c.name,
                ...(c.database !== undefined ? { database: c.database } : {}),
                type: c.metadata.type === 'view' ? 'view' : 'collection',
                indexes: c.metadata.indexes.map(indexSummary),
            })),
            schemaFingerprint: mongoFingerprint(collections),
        },
    };
}
/** An index as the manifest lists it: name, key and uniqueness. */
function indexSummary(spec) {
    const key = Object.fromEntries(Object.entries(spec.key ?? {}).map(([field, kind]) => [
        field,
        typeof kind === 'string' ? kind : kind instanceof lib.BSON.Long ? kind.toNumber() : Number(kind),
    ]));
    return { name: String(spec.name), key, ...(spec.unique === true ? { unique: true } : {}) };
}
//# sourceMappingURL=dump-source.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/server.js

/**
 * The server a client reached, as the operations describe it. A replica set's name stands for PostgreSQL's system
 * identifier (as the backup's manifest records it), so restore-test knows the set a backup came from; a standalone
 * server has none, and is recognised by host and port.
 */
async function describeMongoServer(client) {
    const version = await serverVersion(client);
    const topology = await readTopology(client);
    const identity = topology.replicaSet ? { systemIdentifier: `replicaSet:${topology.replicaSet}` } : {};
    return { product: 'MongoDB', version: version.text, major: version.major, ...identity };
}
//# sourceMappingURL=server.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/health-session.js



/**
 * Server error codes that mean the server lacks a command or stage, not that it failed: the check is skipped
 * (FerretDB answers several of MongoDB's monitoring commands so; docs/mongodb.md lists which).
 */
const NOT_SUPPORTED = new Set([
    59, // CommandNotFound: replSetGetStatus on FerretDB
    115, // CommandNotSupported
    238, // NotImplemented: $indexStats on FerretDB
    76, // NoReplicationEnabled: replSetGetStatus on a standalone mongod
]);
const health_session_UNAUTHORIZED = 13;
const TIME_LIMIT = 50; // MaxTimeMSExpired
/**
 * monitor-report's session on MongoDB: one client, each check's commands bounded by maxTimeMS. Commands are reads
 * only (serverStatus, dbStats, collStats, $currentOp, $indexStats, replSetGetStatus, the oplog's ends): nothing a
 * check sends can write, so no read-only transaction is needed.
 */
function withMongoHealthSession(target, context, use) {
    return withMongoClient(target, context, async (client) => {
        const server = await describeMongoServer(client);
        const hello = await client.db('admin').command({ hello: 1 });
        const standby = hello.isWritablePrimary !== true && hello.secondary === true;
        return use({
            // Whether the role sees other users' operations is known only per check ($currentOp allUsers fails).
            server: { ...server, standby, seesAllSessions: true },
            inCheckTransaction: async () => {
                throw new Error('MongoDB has no SQL: its checks run through inCheckCommands');
            },
            inCheckCommands: (timeoutMs, run) => run(healthCommands(client, target.database, timeoutMs)),
            explainCheckFailure,
        });
    });
}
function healthCommands(client, database, timeoutMs) {
    const maxTimeMS = Math.max(1, Math.round(timeoutMs));
    return {
        database,
        command: async (db, command) => plain(await client.db(db).command({ ...command, maxTimeMS })),
        aggregate: async (db, collection, pipeline) => {
            const target = collection === undefined ? client.db(db) : client.db(db).collection(collection);
            return (await target.aggregate(pipeline, { maxTimeMS }).toArray()).map(plain);
        },
        naturalEnd: async (db, collection, order) => {
            const found = await client
                .db(db)
                .collection(collection)
                .find({}, { sort: { $natural: order }, limit: 1, maxTimeMS })
                .toArray();
            return found[0] ? plain(found[0]) : undefined;
        },
    };
}
function plain(document) {
    return document;
}
function explainCheckFailure(error, timeoutMs) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof lib.MongoServerError) {
        const code = Number(error.code);
        if (NOT_SUPPORTED.has(code))
            return { status: 'skipped', reason: `the server does not support it (${error.codeName ?? code}: ${message})` };
        if (code === health_session_UNAUTHORIZED)
            return {
                status: 'unknown',
                reason: `this user lacks a privilege (${message}); grant it the clusterMonitor role`,
            };
        if (code === TIME_LIMIT)
            return {
                status: 'unknown',
                reason: `a command took longer than ${Math.round(timeoutMs)} ms and was stopped (raise statement-timeout)`,
            };
    }
    return { status: 'unknown', reason: `the check failed: ${message}` };
}
//# sourceMappingURL=health-session.js.map
// EXTERNAL MODULE: ./packages/core/lib/maintenance/step-figures.js
var step_figures = __webpack_require__(53059);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/lease.js
/**
 * dbops's leases in a MongoDB database. MongoDB has no advisory lock, so a run that must be the only one at work on
 * something (a retention rule's collection, an index being rebuilt) holds a lease: a document in the database's
 * `dbops_leases` collection, `_id` what it covers (e.g. "retention:events"), with who holds it (a run id, host and
 * process), since when and until when. A live lease of another run is respected; one that has lapsed (its run was
 * killed: the lease ends by itself) or whose holder was a process of this machine that is gone is taken over. The
 * times are the holders' clocks, which must agree to within the margin each user allows.
 */




const LEASE_COLLECTION = 'dbops_leases';
const DUPLICATE_KEY = 11000;
const lease_UNAUTHORIZED = 13;
/** Takes the lease `key` for run `holder` until `until`, or says who holds it. */
async function takeLease(db, key, holder, until, maxTimeMS) {
    const leases = db.collection(LEASE_COLLECTION);
    const since = new Date();
    const mine = { holder, host: (0,external_node_os_.hostname)(), pid: process.pid, ...namespaced(), since, until };
    try {
        // Matches a lease that has lapsed, this run's own, or a dead process's of this machine; else the upsert inserts
        // `key` again, which the unique _id refuses while another run's lease lives.
        const current = await leases.findOne({ _id: key }, { maxTimeMS });
        await leases.updateOne({ _id: key, $or: [{ until: { $lte: since } }, { holder }, ...deadHolder(current)] }, { $set: mine }, { upsert: true, maxTimeMS });
    }
    catch (error) {
        if (error instanceof lib.MongoServerError && error.code === lease_UNAUTHORIZED)
            throw new lib_errors/* DbopsError */.zJ('PERMISSION_DENIED', `This user may not write dbops's leases (${db.databaseName}.${LEASE_COLLECTION}: ${error.message}), which mark what a run is working on`, {
                cause: error,
                hint: `Grant it find, insert, update and remove on ${db.databaseName}.${LEASE_COLLECTION} (readWrite).`,
            });
        if (!(error instanceof lib.MongoServerError && error.code === DUPLICATE_KEY))
            throw error;
        const held = await leases.findOne({ _id: key }, { maxTimeMS });
        // Given back between the two reads: the next run takes it; this one leaves the work rather than loop.
        return { heldBy: held ?? { holder: 'a run that has just ended', host: '?', pid: 0, since, until: since } };
    }
    return {
        lease: {
            async extend(to) {
                const { matchedCount } = await leases.updateOne({ _id: key, holder }, { $set: { until: to } }, { maxTimeMS });
                if (matchedCount === 0)
                    throw new lib_errors/* DbopsError */.zJ('CONFLICT', `The lease of run ${holder} on ${db.databaseName} (${key}) lapsed and another run has taken it over`, {
                        hint: "The work took longer than the lease, or this machine's clock is behind: this run stops; the other run goes on with it.",
                    });
            },
            async release() {
                await leases.deleteOne({ _id: key, holder }, { maxTimeMS });
            },
        },
    };
}
/** The live leases whose key starts with `prefix`, by key. */
async function readLeases(db, prefix, now, maxTimeMS) {
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const docs = await db
        .collection(LEASE_COLLECTION)
        .find({ _id: { $regex: `^${escaped}` }, until: { $gt: now } }, { maxTimeMS })
        .toArray();
    return new Map(docs.map(({ _id, ...held }) => [_id, held]));
}
/** "run R on host (pid N) since T, until U", for the messages of runs that leave the work to it. */
function describeHolder(held) {
    return `run ${held.holder} on ${held.host} (pid ${held.pid}) since ${held.since.toISOString()}, until ${held.until.toISOString()} unless it renews it`;
}
/**
 * The lease as a filter, when a process of this machine (same name and process namespace) held it and is gone: it
 * can be taken over now. A lease that names no namespace (another system, or dbops before it recorded one) lapses.
 */
function deadHolder(lease) {
    const ours = namespaced().pidNamespace;
    if (!lease || lease.host !== (0,external_node_os_.hostname)() || lease.pidNamespace === undefined || lease.pidNamespace !== ours)
        return [];
    if (lease.pid === process.pid || processExists(lease.pid))
        return [];
    // The filter names the dead holder: if another run takes the lease over first, this one no longer matches.
    return [{ holder: lease.holder, host: lease.host, pid: lease.pid, pidNamespace: lease.pidNamespace }];
}
/** This process's ID namespace, where the system has them (Linux); read once. */
let pidNamespace;
function namespaced() {
    if (pidNamespace)
        return pidNamespace;
    try {
        pidNamespace = { pidNamespace: (0,external_node_fs_.readlinkSync)('/proc/self/ns/pid') };
    }
    catch {
        pidNamespace = {};
    }
    return pidNamespace;
}
function processExists(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        // EPERM: it exists, under another user.
        return error.code !== 'ESRCH';
    }
}
//# sourceMappingURL=lease.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/maintenance-lease.js
// The mark a MongoDB index rebuild (or the cleanup of its stand-in) holds while it works: a lease (lease.ts) in the
// maintained database, one per index ("index:[collection,index]"), with an expiry. MongoDB has no advisory lock, and
// currentOp shows a command only while it runs: between the rebuild's four commands (the stand-in built, the
// original not dropped yet) nothing is in progress, yet the stand-in is in use; currentOp also lists other users'
// operations only with the inprog privilege, and FerretDB answers it with an empty list. The lease covers the whole
// rebuild. Its expiry is the step's deadline (every command of the step runs under maxTimeMS no later than it, so
// the server has stopped them by then) plus a margin for clocks: a run killed mid-rebuild leaves a lease that
// lapses by itself, and the next run after it cleans the stand-in up.
//
// The lease also carries the original index's spec, recorded before the rebuild drops it: a stand-in cannot carry
// a TTL (expireAfterSeconds is for single-field indexes), so after a kill between the drop and the build the next
// run builds the index again from the recorded spec, not from the stand-in alone (maintenance-leftovers.ts). A
// lease with a recorded spec that ends in a failure is left lapsed, not removed, so that the spec stays for it.
//
// The spec is stored as an Extended JSON string (canonical; read back relaxed, numbers as the driver gave them to
// listIndexes' reader), not as a document: an index on a nested field has a key such as "profile.email", which FerretDB refuses
// in a stored document, and MongoDB before 5.0 refuses the $-prefixed operators of a partialFilterExpression.



/** Clocks of two runners (the lease's times are the holder's) may differ by this much. */
const CLOCK_MARGIN_MS = 5 * 60_000;
const PREFIX = 'index:';
/** A lease's key, and its key in indexLeases' answer. */
const leaseKey = (collection, index) => `${PREFIX}${JSON.stringify([collection, index])}`;
/** Another run holds the index's lease: it is working on the index (or was killed less than the expiry ago). */
class IndexBusy extends Error {
    object;
    index;
    lease;
    constructor(object, index, lease) {
        super(`${object} index ${JSON.stringify(index)}: ${leaseHeld(lease)}; left alone`);
        this.object = object;
        this.index = index;
        this.lease = lease;
    }
}
/** The sentence a busy index is reported with. */
const leaseHeld = (lease) => `a maintenance run in progress (${lease.host} pid ${lease.pid}, since ${lease.since.toISOString()}) holds dbops's lease on it until ${lease.until.toISOString()}`;
/** The index leases not expired at `now`, by collection and index (leaseKey). */
function indexLeases(db, now, maxTimeMS) {
    return readLeases(db, PREFIX, now, maxTimeMS);
}
/**
 * A failure after which none of the step's commands runs any more on the server: it answered (the error, or what
 * it wraps, is the server's), or the step found the index not as planned before it changed anything.
 */
class IndexStepRefused extends Error {
}
/**
 * Runs `work` holding the lease on `index` of `collection` until `timeoutMs` from now (plus the clocks' margin);
 * refuses (IndexBusy) when another run holds it. A lapsed lease (its run killed) is taken over. The lease is
 * given back when `work` ends, or fails with the server's answer (then left lapsed when it holds a recorded spec).
 */
async function withIndexLease(db, collection, index, object, timeoutMs, work) {
    const until = new Date(Date.now() + timeoutMs + CLOCK_MARGIN_MS);
    const maxTimeMS = Math.max(1, Math.round(timeoutMs));
    const key = leaseKey(collection, index);
    const holder = (0,external_node_crypto_.randomUUID)();
    const taken = await takeLease(db, key, holder, until, maxTimeMS);
    if ('heldBy' in taken)
        throw new IndexBusy(object, index, taken.heldBy);
    const leases = db.collection(LEASE_COLLECTION);
    let recorded = false;
    const record = {
        async recordSpec(spec) {
            await leases.updateOne({ _id: key, holder }, { $set: { spec: lib.BSON.EJSON.stringify(spec, { relaxed: false }) } }, { maxTimeMS });
            recorded = true;
        },
    };
    // Either way it is no longer held; else it lapses at `until`.
    const release = () => taken.lease.release().catch(() => undefined);
    const lapse = () => taken.lease.extend(new Date(0)).catch(() => undefined);
    let result;
    try {
        result = await work(record);
    }
    catch (error) {
        // Otherwise (connection lost, run cancelled) an index build may still be running there: the lease stays until
        // it lapses.
        if (answered(error))
            await (recorded ? lapse() : release());
        throw error;
    }
    await release();
    return result;
}
const answered = (error) => error instanceof lib.MongoServerError ||
    error.cause instanceof lib.MongoServerError ||
    error instanceof IndexStepRefused;
/** The index specs interrupted rebuilds recorded in their leases, lapsed or not, by lease key (leaseKey). */
async function recordedIndexSpecs(db, maxTimeMS) {
    const docs = await db
        .collection(LEASE_COLLECTION)
        .find({ _id: { $regex: `^${PREFIX}` }, spec: { $exists: true } }, { projection: { spec: 1 }, maxTimeMS })
        .toArray();
    return new Map(docs.map((d) => [d._id, specOf(d.spec)]));
}
/** A recorded spec: an EJSON string, or a document as runs before the string form recorded it. */
const specOf = (spec) => typeof spec === 'string' ? lib.BSON.EJSON.parse(spec) : spec;
//# sourceMappingURL=maintenance-lease.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/maintenance-indexes.js


/** The trailing key field of the stand-in and the suffix of its name. */
const STAND_IN_FIELD = '__dbops_rebuild';
const standInName = (index) => `${index}${STAND_IN_FIELD}`;
/** The collection's index specs, as listIndexes gives them; none when it was dropped since it was listed. */
async function listIndexSpecs(db, collection, maxTimeMS) {
    return db
        .collection(collection)
        .listIndexes({ maxTimeMS })
        .toArray()
        .catch((error) => {
        if (error.code === 26)
            return []; // NamespaceNotFound
        throw error;
    });
}
const plainKey = (key) => Object.values(key).every((v) => v === 1 || v === -1);
/**
 * Whether an index is a rebuild's stand-in: its name is another's plus the suffix AND its key ends with the trailing
 * field (an ascending/descending key before it). A user's index whose name merely ends the same way is not one.
 */
function isStandIn(spec) {
    const name = String(spec.name);
    const fields = Object.entries(spec.key);
    const last = fields.at(-1);
    return (name.length > STAND_IN_FIELD.length &&
        name.endsWith(STAND_IN_FIELD) &&
        fields.length >= 2 &&
        last?.[0] === STAND_IN_FIELD &&
        last[1] === 1 &&
        plainKey(Object.fromEntries(fields.slice(0, -1))) &&
        fields.slice(0, -1).every(([field]) => field !== STAND_IN_FIELD));
}
/**
 * A collection's indexes that a rebuild can handle: ascending/descending keys only (text, 2dsphere, hashed… have key
 * rules a stand-in could break), never `_id_` (it cannot be dropped: compact rebuilds it), never a name that ends
 * with the stand-in's suffix (a stand-in left over is maintenance-leftovers.ts' job; a user's index so named is left
 * as it is).
 */
function readIndexes(specs, stats) {
    const out = [];
    for (const spec of specs) {
        const name = String(spec.name);
        if (name === '_id_' || name.endsWith(STAND_IN_FIELD) || !plainKey(spec.key))
            continue;
        out.push({ name, spec, ...indexFigures(stats, name) });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
/** An index's size and WiredTiger's reusable bytes in its file (0 where the server does not say) from collStats. */
function indexFigures(stats, name) {
    const reuse = stats.indexDetails?.[name]?.['block-manager']?.['file bytes available for reuse'];
    return { bytes: Number(stats.indexSizes?.[name] ?? 0), freeBytes: Number(reuse ?? 0) };
}
/** The collection's rebuild-index steps: free space ≥ index-bloat-percent of the index, index ≥ min-index-size. */
function planIndexRebuilds(database, collection, indexes, settings, server) {
    const steps = [];
    for (const index of indexes) {
        const freeRatio = index.freeBytes / Math.max(index.bytes, index.freeBytes, 1);
        if (freeRatio < settings.minIndexFreeRatio || index.bytes < settings.minIndexBytes)
            continue;
        const unsafe = index.spec.unique === true && !server.uniqueStandIn;
        steps.push({
            kind: 'rebuild-index',
            object: `${database}.${collection}`,
            index: index.name,
            statement: rebuildStatements(collection, index.spec).join('; '),
            mode: unsafe ? 'report' : 'apply',
            why: `index ${JSON.stringify(index.name)}: ${(0,step_figures.mb)(index.freeBytes)} of its file is free for reuse (${(0,step_figures/* pct */.Oe)(freeRatio)}, ≥ ${(0,step_figures/* pct */.Oe)(settings.minIndexFreeRatio)}; index ${(0,step_figures.mb)(index.bytes)}, ≥ ${(0,step_figures.mb)(settings.minIndexBytes)})` +
                (unsafe
                    ? '; not applied: this server (FerretDB) does not keep a unique stand-in unique, so duplicates could get in while the index is rebuilt'
                    : ''),
            figures: { indexBytes: index.bytes, freeBytes: index.freeBytes },
            lock: 'each build holds an exclusive lock on the collection only at its start and end (MongoDB 4.2 and later); a stand-in with the same leading key serves queries and keeps uniqueness while the index is rebuilt',
            // Two builds: the stand-in and the index again.
            estimatedSeconds: (0,step_figures/* seconds */.YA)(2 * index.bytes, step_figures/* REINDEX_BYTES_PER_S */.Ot),
            expectedGain: `up to ${(0,step_figures.mb)(index.freeBytes)} given back to the file system; a compact index`,
        });
    }
    return steps;
}
/** The spec createIndexes takes back: listIndexes' answer without what the server sets itself. */
function buildSpec(spec) {
    const { v: _v, ns: _ns, ...rest } = spec;
    return rest;
}
/** The stand-in: the same key plus the trailing field, the same options; no TTL (only single-field indexes have it). */
function standInSpec(spec) {
    const { expireAfterSeconds: _ttl, ...rest } = buildSpec(spec);
    return { ...rest, key: { ...spec.key, [STAND_IN_FIELD]: 1 }, name: standInName(String(spec.name)) };
}
/** The four commands, in order, as a person would type them. */
function rebuildCommands(collection, spec) {
    const name = String(spec.name);
    return [
        { createIndexes: collection, indexes: [standInSpec(spec)] },
        { dropIndexes: collection, index: name },
        { createIndexes: collection, indexes: [buildSpec(spec)] },
        { dropIndexes: collection, index: standInName(name) },
    ];
}
function rebuildStatements(collection, spec) {
    return rebuildCommands(collection, spec).map((c) => `db.runCommand(${JSON.stringify(c)})`);
}
class IndexGone extends IndexStepRefused {
    constructor(object, index) {
        super(`${object} index ${JSON.stringify(index)} no longer exists (dropped after the plan was made)`);
    }
}
/**
 * Rebuilds `index` of `collection` from its current spec, each command under what is left of `timeoutMs`, holding
 * the index's lease (maintenance-lease.ts) throughout: IndexBusy when another run holds it. When a command after the
 * original's drop fails, the error says the stand-in is still there in its place.
 */
function rebuildIndex(db, collection, index, object, timeoutMs) {
    return withIndexLease(db, collection, index, object, timeoutMs, (lease) => rebuild(db, collection, index, object, timeoutMs, lease));
}
async function rebuild(db, collection, index, object, timeoutMs, lease) {
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(1, Math.round(deadline - Date.now()));
    const specs = await db
        .collection(collection)
        .listIndexes({ maxTimeMS: left() })
        .toArray();
    const spec = specs.find((s) => s.name === index);
    if (!spec)
        throw new IndexGone(object, index);
    // For the run after this one, should this one be killed once the original is dropped (its TTL, if any).
    await lease.recordSpec(buildSpec(spec));
    const commands = rebuildCommands(collection, spec);
    for (const [i, command] of commands.entries()) {
        try {
            await db.command({ ...command, maxTimeMS: left() });
        }
        catch (error) {
            if (i === 0)
                throw error; // nothing changed yet
            const [name, standIn] = [JSON.stringify(index), JSON.stringify(standInName(index))];
            // What stands after each command's failure; the next run's plan cleans up (maintenance-leftovers.ts).
            const state = [
                '',
                `the stand-in ${standIn} is left beside ${name}: the next run drops it`,
                `the stand-in ${standIn} is in place of ${name}: the next run builds ${name} again from it`,
                `the index was rebuilt but its stand-in ${standIn} is left: the next run drops it`,
            ][i];
            throw new Error(`${error.message} (${state})`, { cause: error });
        }
    }
}
//# sourceMappingURL=maintenance-indexes.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/maintenance-leftovers.js




/** A collection's stand-ins, from its index specs and collStats. */
function standInsOf(specs, stats) {
    return specs.filter(isStandIn).map((spec) => {
        const name = String(spec.name);
        const original = name.slice(0, -STAND_IN_FIELD.length);
        const originalSpec = specs.find((s) => s.name === original);
        return { name, original, spec, bytes: indexFigures(stats, name).bytes, ...(originalSpec ? { originalSpec } : {}) };
    });
}
/** The original's spec again from its stand-in: the key without the trailing field, the same options, its name. */
function originalFrom(standIn, original) {
    const { [STAND_IN_FIELD]: _trailing, ...key } = standIn.key;
    return { ...buildSpec(standIn), key, name: original };
}
const maintenance_leftovers_sameKey = (a, b) => JSON.stringify(a.key) === JSON.stringify(originalFrom(b, '').key);
/** The spec the killed rebuild recorded for the stand-in's original, when it is that index's (name and key). */
function recordedFor(s, recorded) {
    return recorded && recorded.name === s.original && maintenance_leftovers_sameKey(recorded, s.spec) ? buildSpec(recorded) : undefined;
}
function commands(collection, s, recorded) {
    const drop = { dropIndexes: collection, index: s.name };
    if (s.originalSpec)
        return [drop];
    return [{ createIndexes: collection, indexes: [recorded ?? originalFrom(s.spec, s.original)] }, drop];
}
function leftoverSteps(database, collection, standIns, leases) {
    return standIns.map((s) => {
        const which = `stand-in ${JSON.stringify(s.name)} of index ${JSON.stringify(s.original)}`;
        const recorded = 'specs' in leases ? recordedFor(s, leases.specs.get(leaseKey(collection, s.original))) : undefined;
        const base = {
            kind: 'drop-rebuild-leftover',
            object: `${database}.${collection}`,
            index: s.name,
            statement: commands(collection, s, recorded)
                .map((c) => `db.runCommand(${JSON.stringify(c)})`)
                .join('; '),
            figures: { indexBytes: s.bytes },
            lock: s.originalSpec
                ? 'dropIndexes: an exclusive lock on the collection, briefly'
                : 'the build holds an exclusive lock on the collection only at its start and end (MongoDB 4.2 and later), the stand-in serving queries meanwhile; dropIndexes briefly',
            estimatedSeconds: s.originalSpec ? 1 : (0,step_figures/* seconds */.YA)(s.bytes, step_figures/* REINDEX_BYTES_PER_S */.Ot),
            expectedGain: `${(0,step_figures.mb)(s.bytes)} freed and one index fewer to maintain on every write`,
        };
        const held = 'held' in leases ? leases.held.get(leaseKey(collection, s.original)) : undefined;
        if (held)
            return {
                ...base,
                mode: 'report',
                why: `${which}: ${leaseHeld(held)}: it is rebuilding the index now; left alone. If that run is gone, a run after ${held.until.toISOString()} cleans up`,
                expectedGain: 'none while the rebuild works',
            };
        if ('unreadable' in leases)
            return {
                ...base,
                mode: 'report',
                why: `${which}, but dbops's leases (${database}.${LEASE_COLLECTION}) could not be read (${leases.unreadable}), so whether a run is rebuilding the index now is unknown; left alone: grant this user find, insert, update and remove on that collection (readWrite)`,
            };
        if (s.originalSpec && !maintenance_leftovers_sameKey(s.originalSpec, s.spec))
            return {
                ...base,
                mode: 'report',
                why: `${which} left by an interrupted rebuild, but ${JSON.stringify(s.original)} now has another key (${JSON.stringify(s.originalSpec.key)}): the stand-in may serve queries it does not; decide by hand`,
            };
        if (s.originalSpec)
            return {
                ...base,
                mode: 'apply',
                why: `${which} left by an interrupted rebuild (killed or crashed before it dropped the stand-in), ${JSON.stringify(s.original)} in place: every write maintains both (${(0,step_figures.mb)(s.bytes)})`,
            };
        const single = Object.keys(s.spec.key).length === 2;
        const missing = `${which} left by an interrupted rebuild (killed or crashed after it dropped the index, before it built it again): ${JSON.stringify(s.original)} is missing and queries use the stand-in; the index is built again`;
        return {
            ...base,
            mode: 'apply',
            why: recorded
                ? `${missing} from the spec that rebuild recorded in dbops's lease (its options${recorded.expireAfterSeconds === undefined ? '' : ', expireAfterSeconds included'}), before the stand-in is dropped`
                : `${missing} from the stand-in's key without ${JSON.stringify(STAND_IN_FIELD)}, with the same options, before the stand-in is dropped` +
                    (single
                        ? ' (a TTL cannot be read back from a stand-in and the rebuild recorded no spec: if the index had expireAfterSeconds, set it again with collMod)'
                        : ''),
        };
    });
}
/**
 * Applies a leftover step under the index's lease (IndexBusy when a run holds it): lists the indexes again and
 * drops the stand-in, first building the original from it when it is missing. Returns what was done, in a sentence.
 */
function cleanUpStandIn(db, collection, name, object, timeoutMs) {
    const original = name.slice(0, -STAND_IN_FIELD.length);
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(1, Math.round(deadline - Date.now()));
    return withIndexLease(db, collection, original, object, timeoutMs, async (lease) => {
        const specs = await listIndexSpecs(db, collection, left());
        const [s] = standInsOf(specs.filter((spec) => spec.name === name || spec.name === original), {});
        if (!s)
            return `nothing was left any more: ${JSON.stringify(name)} is gone`;
        if (s.originalSpec && !maintenance_leftovers_sameKey(s.originalSpec, s.spec))
            throw new StandInChanged(`${object} index ${JSON.stringify(original)} now has another key; the stand-in is kept`);
        const recorded = recordedFor(s, (await recordedIndexSpecs(db, left())).get(leaseKey(collection, original)));
        // Kept for the run after this one, should this one fail before the index is built again.
        if (recorded && !s.originalSpec)
            await lease.recordSpec(recorded);
        const [first, second] = commands(collection, s, recorded);
        const step = async (command, state) => {
            try {
                await db.command({ ...command, maxTimeMS: left() });
            }
            catch (error) {
                throw new Error(`${error.message} (${state})`, { cause: error });
            }
        };
        if (!second) {
            await step(first, `the stand-in ${JSON.stringify(name)} is left`);
            return `dropped the stand-in ${JSON.stringify(name)}; ${JSON.stringify(original)} stands`;
        }
        await step(first, `${JSON.stringify(original)} is still missing; its stand-in ${JSON.stringify(name)} is kept and serves its queries`);
        await step(second, `${JSON.stringify(original)} was built again; its stand-in ${JSON.stringify(name)} is left: the next run drops it`);
        const from = recorded ? 'the spec its rebuild recorded' : 'its stand-in';
        return `built ${JSON.stringify(original)} again from ${from}, then dropped the stand-in ${JSON.stringify(name)}`;
    });
}
/** The original got another key between the plan and the step: a person decides. */
class StandInChanged extends IndexStepRefused {
}
//# sourceMappingURL=maintenance-leftovers.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/maintenance-plan.js




// Rough throughputs, for an order of magnitude: validate reads every document and index entry, full also the storage
// engine's structures; compact rewrites the collection.
const VALIDATE_BYTES_PER_S = 100 * 1024 * 1024;
const VALIDATE_FULL_BYTES_PER_S = 30 * 1024 * 1024;
const COMPACT_BYTES_PER_S = 30 * 1024 * 1024;
/**
 * The database's collections (not views, not system.*, not dbops's leases) and their storage figures, each command
 * under maxTimeMS.
 */
async function collectionStorage(db, maxTimeMS) {
    const listed = await db.listCollections({}, { nameOnly: false, maxTimeMS }).toArray();
    const names = listed
        .filter((c) => (c.type ?? 'collection') === 'collection' && !c.name.startsWith('system.') && c.name !== LEASE_COLLECTION)
        .map((c) => c.name)
        .sort();
    const out = [];
    for (const name of names) {
        const stats = await readStats(db, name, maxTimeMS);
        if (!stats)
            continue;
        const specs = await listIndexSpecs(db, name, maxTimeMS);
        out.push({ ...storageOf(name, stats), indexes: readIndexes(specs, stats), standIns: standInsOf(specs, stats) });
    }
    return out;
}
/** One collection's figures; undefined when it does not exist (dropped since it was listed). */
async function readStorage(db, name, maxTimeMS) {
    const stats = await readStats(db, name, maxTimeMS);
    return stats && { ...storageOf(name, stats), indexes: [], standIns: [] };
}
/** collStats' answer; undefined when the collection does not exist. */
async function readStats(db, name, maxTimeMS) {
    let stats;
    try {
        stats = await db.command({ collStats: name, maxTimeMS });
    }
    catch (error) {
        if (error.code === 26)
            return undefined; // NamespaceNotFound
        throw error;
    }
    if (stats.ok !== 1 || (stats.storageSize === undefined && stats.count === undefined))
        return undefined;
    return stats;
}
function storageOf(name, stats) {
    const reuse = stats.wiredTiger?.['block-manager']?.['file bytes available for reuse'];
    return {
        name,
        storageBytes: Number(stats.storageSize ?? 0),
        freeBytes: Number(stats.freeStorageSize ?? reuse ?? 0),
        indexBytes: Number(stats.totalIndexSize ?? 0),
        documents: Number(stats.count ?? 0),
    };
}
/**
 * The steps for the collections of `database`: first what interrupted rebuilds left (maintenance-leftovers.ts), then
 * in name order each collection's validate, then its compact, or else its index rebuilds. On a replica set primary
 * compact is only reported (MongoDB refuses it there without force: true, through 8.0), so the index rebuilds are
 * planned beside it: otherwise a primary's bloated indexes would never be rebuilt.
 */
function planCollections(database, collections, settings, server, leases) {
    const steps = collections.flatMap((c) => leftoverSteps(database, c.name, c.standIns, leases));
    for (const c of collections) {
        const object = `${database}.${c.name}`;
        const name = JSON.stringify(c.name);
        const bytes = c.storageBytes + c.indexBytes;
        const figures = {
            storageBytes: c.storageBytes,
            freeBytes: c.freeBytes,
            indexBytes: c.indexBytes,
            documents: c.documents,
        };
        const validate = validateMode(name, settings.validateFull, server);
        steps.push({
            kind: 'validate-collection',
            object,
            ...validate,
            why: `checks ${c.documents} documents and their indexes (${(0,step_figures.mb)(bytes)})${settings.validateFull ? ', and the storage engine’s structures (validate-full)' : ''}` +
                (validate.mode === 'report' ? `; ${VALIDATE_NOT_ON_PRIMARY}` : ''),
            figures,
            estimatedSeconds: (0,step_figures/* seconds */.YA)(bytes, settings.validateFull ? VALIDATE_FULL_BYTES_PER_S : VALIDATE_BYTES_PER_S),
            expectedGain: 'finds corrupt documents or index entries before a backup or a read does',
        });
        // FerretDB reports free space beside the storage, not within it: the ratio is of the larger.
        const freeRatio = c.freeBytes / Math.max(c.storageBytes, c.freeBytes, 1);
        if (freeRatio < settings.minFreeRatio || c.storageBytes < settings.minStorageBytes || c.freeBytes === 0) {
            steps.push(...planIndexRebuilds(database, c.name, c.indexes, settings, server));
            continue;
        }
        steps.push({
            kind: 'compact-collection',
            object,
            statement: `db.runCommand({ compact: ${name} })`,
            mode: server.replicaSetPrimary ? 'report' : 'apply',
            why: `${(0,step_figures.mb)(c.freeBytes)} of its storage is free for reuse (${(0,step_figures/* pct */.Oe)(freeRatio)}, ≥ ${(0,step_figures/* pct */.Oe)(settings.minFreeRatio)}; storage ${(0,step_figures.mb)(c.storageBytes)})` +
                (server.replicaSetPrimary ? `; ${COMPACT_NOT_ON_PRIMARY}` : ''),
            figures,
            lock: 'MongoDB 4.4 and later: reads and writes continue, DDL on the collection waits; earlier versions block the database',
            estimatedSeconds: (0,step_figures/* seconds */.YA)(bytes, COMPACT_BYTES_PER_S),
            expectedGain: `up to ${(0,step_figures.mb)(c.freeBytes)} given back to the file system`,
        });
        if (server.replicaSetPrimary)
            steps.push(...planIndexRebuilds(database, c.name, c.indexes, settings, server));
    }
    return steps;
}
const COMPACT_NOT_ON_PRIMARY = 'not applied: this server is a replica set primary, where MongoDB refuses compact without force: true; run it on each secondary (then on this one once it has stepped down), or with force: true in a quiet hour';
const VALIDATE_NOT_ON_PRIMARY = 'not applied: this server is a replica set primary, where this validate would hold an exclusive lock on the collection (background validation needs MongoDB 4.4 and cannot be full); run it on a secondary, or in a window when the collection may wait';
/**
 * validate's statement, mode and lock. A plain validate takes an exclusive lock on the collection: on a primary that
 * stops the application's reads and writes of it, so there it runs with background: true (MongoDB 4.4 and later,
 * not with full: it checks a checkpoint's snapshot under intent locks), or is only reported where that is not
 * possible. Elsewhere (a secondary, a standalone server, FerretDB) it runs as before.
 */
function validateMode(name, full, server) {
    const [major, minor] = server.version;
    const background = server.replicaSetPrimary && !full && (major > 4 || (major === 4 && minor >= 4));
    return {
        statement: `db.runCommand({ validate: ${name}${full ? ', full: true' : ''}${background ? ', background: true' : ''} })`,
        mode: server.replicaSetPrimary && !background ? 'report' : 'apply',
        lock: background
            ? 'intent locks only: reads and writes of the collection go on (background validation checks the last checkpoint)'
            : 'an exclusive lock on the collection while it runs: its reads and writes wait',
    };
}
//# sourceMappingURL=maintenance-plan.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/maintenance-session.js
// maintenance's session on MongoDB: the plan from each collection's storage figures and what interrupted rebuilds
// left, and each step's one command (validate or compact; an index rebuild is four, a leftover's cleanup one or two)
// under maxTimeMS, with the collection's figures before and after.







/** Codes that mean the server lacks the command (FerretDB lacks several), not that it failed. */
const maintenance_session_NOT_SUPPORTED = new Set([59, 115, 238]); // CommandNotFound, CommandNotSupported, NotImplemented
const maintenance_session_NAMESPACE_NOT_FOUND = 26;
const maintenance_session_TIME_LIMIT = 50; // MaxTimeMSExpired
const maintenance_session_UNAUTHORIZED = 13;
function withMongoMaintenanceSession(target, context, use) {
    return withMongoClient(target, context, async (client) => use(maintenanceSession(client, target.database, await describeMongoServer(client))));
}
const ms = (timeoutMs) => Math.max(1, Math.round(timeoutMs));
function maintenanceSession(client, database, server) {
    const db = client.db(database);
    return {
        server,
        plan: async (settings, timeoutMs) => {
            const facts = await serverFacts(ms(timeoutMs));
            const collections = await collectionStorage(db, ms(timeoutMs));
            return planCollections(database, collections, settings, facts, await leasesOf(ms(timeoutMs)));
        },
        runStep: async (step, timeoutMs) => {
            const collection = collectionOf(step, database);
            const maxTimeMS = ms(timeoutMs);
            const before = await readStorage(db, collection, maxTimeMS);
            if (!before)
                throw new CollectionGone(step.object);
            if (step.kind === 'rebuild-index')
                return runRebuild(step, collection, maxTimeMS);
            if (step.kind === 'drop-rebuild-leftover')
                return { result: await cleanUpStandIn(db, collection, step.index, step.object, maxTimeMS) };
            const command = step.kind === 'compact-collection'
                ? { compact: collection, maxTimeMS }
                : {
                    validate: collection,
                    ...(step.statement.includes('full: true') ? { full: true } : {}),
                    ...(step.statement.includes('background: true') ? { background: true } : {}),
                    maxTimeMS,
                };
            const answer = await db.command(command).catch((error) => {
                // Dropped between the figures and the command.
                throw error.code === maintenance_session_NAMESPACE_NOT_FOUND ? new CollectionGone(step.object) : error;
            });
            if (step.kind === 'validate-collection' && answer.valid === false)
                throw new Error(`validate found the collection not valid: ${JSON.stringify(answer.errors ?? [])}`);
            const after = await readStorage(db, collection, maxTimeMS);
            const figures = (s) => ({ bytes: s.storageBytes, freeBytes: s.freeBytes });
            return { before: figures(before), ...(after ? { after: figures(after) } : {}), result: describe(step, answer) };
        },
        explainStepFailure,
    };
    /** What the plan needs to know of the server (maintenance-plan.ts). */
    async function serverFacts(maxTimeMS) {
        const admin = client.db('admin');
        const info = await admin.command({ buildInfo: 1, maxTimeMS });
        const hello = await admin.command({ hello: 1, maxTimeMS });
        // FerretDB says so in buildInfo; its unique stand-in does not refuse duplicates (maintenance-indexes.ts), and it
        // has no replication (with --repl-set-name it keeps an oplog, but has no secondaries and no elections).
        const ferretdb = info.ferretdbVersion !== undefined;
        const [major = 0, minor = 0] = Array.isArray(info.versionArray)
            ? info.versionArray.map(Number)
            : String(info.version ?? '')
                .split('.')
                .map(Number);
        return {
            uniqueStandIn: !ferretdb,
            replicaSetPrimary: !ferretdb && typeof hello.setName === 'string' && hello.isWritablePrimary === true,
            version: [major, minor],
        };
    }
    /** The unexpired leases and recorded specs, or why they could not be read (a user without find on the collection). */
    async function leasesOf(maxTimeMS) {
        try {
            return { held: await indexLeases(db, new Date(), maxTimeMS), specs: await recordedIndexSpecs(db, maxTimeMS) };
        }
        catch (error) {
            if (error instanceof lib.MongoServerError && Number(error.code) === maintenance_session_UNAUTHORIZED)
                return { unreadable: error.message };
            throw error;
        }
    }
    /** An index rebuild, with the index's size and free bytes before and after. */
    async function runRebuild(step, collection, maxTimeMS) {
        const index = step.index;
        const figures = async () => indexFigures(await db.command({ collStats: collection, maxTimeMS }), index);
        const before = await figures();
        await rebuildIndex(db, collection, index, step.object, maxTimeMS).catch((error) => {
            throw error.code === maintenance_session_NAMESPACE_NOT_FOUND ? new CollectionGone(step.object) : error;
        });
        const after = await figures();
        return { before, after, result: `index ${JSON.stringify(index)} rebuilt: ${before.bytes} → ${after.bytes} bytes` };
    }
}
/** The collection a step is about: its object is database.collection. */
function collectionOf(step, database) {
    return step.object.slice(database.length + 1);
}
class CollectionGone extends Error {
    constructor(object) {
        super(`${object} no longer exists (dropped after the plan was made)`);
    }
}
/** What the server answered, in a sentence: validate's verdict, compact's bytes freed. */
function describe(step, answer) {
    if (step.kind === 'compact-collection')
        return `the server reports ${Number(answer.bytesFreed ?? 0)} bytes freed`;
    const errors = Array.isArray(answer.errors) ? answer.errors.length : 0;
    const warnings = Array.isArray(answer.warnings) ? answer.warnings.length : 0;
    return `${answer.valid === true ? 'valid' : 'NOT valid'}: ${Number(answer.nrecords ?? 0)} records, ${errors} errors, ${warnings} warnings`;
}
function explainStepFailure(error, timeoutMs) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof CollectionGone ||
        error instanceof IndexGone ||
        error instanceof IndexBusy ||
        error instanceof StandInChanged)
        return { status: 'skipped', reason: message };
    if (error instanceof lib.MongoServerError) {
        const code = Number(error.code);
        if (maintenance_session_NOT_SUPPORTED.has(code))
            return {
                status: 'skipped',
                reason: `skipped: the server does not support it (${error.codeName ?? code}: ${message})`,
            };
        if (code === maintenance_session_TIME_LIMIT)
            return {
                status: 'failed',
                reason: `stopped by maxTimeMS (${Math.round(timeoutMs)} ms: statement-timeout, or what was left of the window or max-runtime)`,
            };
        if (code === maintenance_session_UNAUTHORIZED)
            return {
                status: 'failed',
                reason: `failed: this user lacks a privilege (${message}); grant it the dbAdmin role`,
            };
    }
    return { status: 'failed', reason: `failed: ${message}` };
}
//# sourceMappingURL=maintenance-session.js.map
// EXTERNAL MODULE: ./packages/core/lib/restore/tombstone-verdict.js
var tombstone_verdict = __webpack_require__(33787);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/tombstones.js
var tombstones = __webpack_require__(42837);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/cutoffs.js
var data_retention_cutoffs = __webpack_require__(37823);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/policy.js
var data_retention_policy = __webpack_require__(49231);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/targets.js + 1 modules
var data_retention_targets = __webpack_require__(6310);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/data-retention-target.js





/** `rules`: only these rule names (each must exist); all rules when left out (PostgreSQL's are skipped). */
async function resolveCollectionTargets(client, policy, now, rules) {
    const chosen = (0,data_retention_targets/* chooseRules */.D)(policy, rules);
    const skipped = chosen
        .filter((rule) => rule.kind !== 'collection')
        .map((rule) => ({ rule: rule.name, reason: 'a PostgreSQL table: purged with a postgres:// database-url' }));
    const collectionRules = chosen.filter((rule) => rule.kind === 'collection');
    if (collectionRules.length === 0)
        return { targets: [], skipped };
    const holdSources = await checkHolds(client, policy);
    const problems = [];
    for (const rule of collectionRules)
        await checkRule(client, rule, problems);
    if (problems.length > 0)
        throw new lib_errors/* DbopsError */.zJ('INVALID_INPUT', `The policy does not match the database:\n${problems.join('\n')}`, {
            input: 'policy',
            hint: 'Fix the rule (collection or by) to name what the database has, or create it first.',
        });
    const targets = collectionRules.map((rule) => {
        const { database, name } = rule.collection;
        const cutoffs = (0,data_retention_cutoffs/* ruleCutoffs */.F)((0,data_retention_policy/* rulePeriod */.GL)(rule).period, policy.minimums, (m) => m.table.schema === database && m.table.name === name, now);
        return {
            rule: rule.name,
            line: rule.line,
            collection: rule.collection,
            namespace: (0,data_retention_policy/* collectionText */.EK)(rule.collection),
            ...ruleFields(rule),
            ...(rule.archiveTo === undefined ? {} : { archiveTo: rule.archiveTo }),
            holdSources,
            holdNames: holdNames(rule.collection),
            ...cutoffs,
        };
    });
    return { targets, skipped };
}
/** The names a hold's subject_table may give a collection: database.collection, or the name alone. */
function holdNames(collection) {
    return [(0,data_retention_policy/* collectionText */.EK)(collection), collection.name];
}
/** What a rule's kind decides: its time field, and what happens to its documents. */
function ruleFields(rule) {
    if (!('softDelete' in rule))
        return { by: rule.by, kind: 'age', action: 'delete' };
    const then = rule.afterGrace;
    return then.action === 'erase'
        ? { by: rule.softDelete, kind: 'soft-delete', action: 'delete' }
        : { by: rule.softDelete, kind: 'soft-delete', action: 'anonymize', anonymize: then.columns };
}
/**
 * Collections this database has, up to `limit` names, for messages: those a rule or a subject may mean, not dbops's
 * own (receipts, tombstones, salt, leases).
 */
async function collectionNames(client, database, limit = 10) {
    const names = (await client.db(database).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    return names
        .filter((name) => !name.startsWith('dbops_retention_') && name !== LEASE_COLLECTION)
        .sort()
        .slice(0, limit);
}
async function collectionExists(client, collection) {
    const found = await client
        .db(collection.database)
        .listCollections({ name: collection.name }, { nameOnly: true })
        .toArray();
    return found.length > 0;
}
/**
 * The collection must exist, and a `by` that no document has is refused as the typo it most likely is (a field
 * only some documents lack is fine: the plan counts those). Field names of a sample document help find the right
 * one; never values.
 */
async function checkRule(client, rule, problems) {
    const at = `line ${rule.line}: rule '${rule.name}'`;
    const namespace = (0,data_retention_policy/* collectionText */.EK)(rule.collection);
    if (!(await collectionExists(client, rule.collection))) {
        const names = await collectionNames(client, rule.collection.database);
        problems.push(`${at}: collection ${namespace} does not exist (${names.length > 0 ? `collections of ${rule.collection.database}: ${names.join(', ')}` : `database ${rule.collection.database} has no collections`})`);
        return;
    }
    // A soft-delete field is missing from every document until the first one is deleted: only `by` is checked.
    if ('softDelete' in rule)
        return;
    const collection = client.db(rule.collection.database).collection(rule.collection.name);
    const sample = await collection.findOne({});
    if (!sample)
        return; // empty: nothing to check the field against, nothing to purge
    if ((await collection.findOne({ [rule.by]: { $exists: true } }, { projection: { _id: 1 } })) !== null)
        return;
    problems.push(`${at}: no document of ${namespace} has the field '${rule.by}' (fields of one document: ${Object.keys(sample).slice(0, 12).join(', ')})`);
}
/**
 * Fail closed: the policy's hold collections must exist. A policy whose holds are all PostgreSQL tables or
 * queries is refused rather than run without holds: MongoDB cannot read them, and documents they mean to protect
 * would go.
 */
async function checkHolds(client, policy) {
    const sources = [];
    for (const hold of policy.holds)
        if (hold.kind === 'collection')
            sources.push(hold);
    const sql = (0,data_retention_policy/* sqlHolds */.lZ)(policy.holds);
    if (sources.length === 0 && sql.length > 0)
        throw new lib_errors/* DbopsError */.zJ('CHECK_FAILED', `Policy line ${sql[0].line}: the legal holds are PostgreSQL tables or queries, which a MongoDB run cannot read; nothing is purged while holds cannot be read`, {
            input: 'policy',
            hint: 'Add a hold collection for MongoDB documents, e.g. holds: - collection: compliance.legal_holds (documents { subject_table: "events", subject_id: "<_id>" }).',
        });
    for (const source of sources)
        if (!(await collectionExists(client, source.collection)))
            throw holdError(source, 'does not exist');
    return sources;
}
function holdError(source, problem, cause) {
    return new lib_errors/* DbopsError */.zJ('CHECK_FAILED', `Policy line ${source.line}: the hold collection ${(0,data_retention_policy/* collectionText */.EK)(source.collection)} ${problem}; nothing is purged while holds cannot be read`, {
        input: 'policy',
        hint: 'holds: - collection: database.collection, readable by this user, with documents { subject_table, subject_id }',
        ...(cause === undefined ? {} : { cause }),
    });
}
//# sourceMappingURL=data-retention-target.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/data-retention-filter.js
/**
 * The filters that pick a MongoDB rule's documents, shared by the plan's counts and the purge's batches so both
 * select the same documents, and the legal holds they leave out. Only a BSON date older than the cutoff expires:
 * a missing field, a null or a date stored as a string never does (MongoDB compares across types, so `$lt` alone
 * would not say that; `$type` does).
 */



function expiredFilter(target, before) {
    const expired = { [target.by]: { $type: 'date', $lt: before } };
    // An anonymized document stays, soft-deleted: it is done once every listed field holds its replacement.
    return target.anonymize ? { $and: [expired, { $nor: [anonymizedFilter(target.anonymize)] }] } : expired;
}
/** Documents whose listed fields all hold their replacements (`null`: the field is null or missing). */
function anonymizedFilter(fields) {
    return { $and: Object.entries(fields).map(([field, value]) => ({ [field]: value })) };
}
/** Documents whose `by` is missing or not a date: never expired, counted so the plan shows them. */
function withoutTimeFilter(target) {
    return { [target.by]: { $not: { $type: 'date' } } };
}
/** Expired, past a compliance minimum's floor too: what a purge may delete, before holds. */
function purgeableFilter(target, held) {
    const parts = [expiredFilter(target, target.effectiveCutoff)];
    if (held.length > 0)
        parts.push({ _id: { $nin: held } });
    return { $and: parts };
}
/** Documents with one of these `_id`s (of any BSON type, which the driver's ObjectId-only typing does not say). */
function idIn(ids) {
    return { _id: { $in: ids } };
}
/**
 * The `_id`s legal holds name for the target's collection, each in every form it may have been written in (a
 * hold's subject_id is often text: '42' matches the number 42 and the string, a 24-digit hex an ObjectId too).
 * Read again for every batch, so a hold added during the run protects; a hold collection gone or unreadable fails
 * the run (fail closed).
 */
async function readHeldIds(client, target, maxTimeMS) {
    const ids = [];
    for (const source of target.holdSources) {
        const { database, name } = source.collection;
        try {
            if (!(await collectionExists(client, source.collection)))
                throw holdError(source, 'does not exist');
            const holds = client
                .db(database)
                .collection(name)
                .find({ subject_table: { $in: target.holdNames } }, { projection: { _id: 0, subject_id: 1 }, maxTimeMS });
            for await (const hold of holds)
                ids.push(...idForms(hold.subject_id));
        }
        catch (error) {
            if (error instanceof lib_errors/* DbopsError */.zJ)
                throw error;
            throw holdError(source, `cannot be read (${error.message})`, error);
        }
    }
    return ids;
}
/** Every form an id given as text or a value may have been stored in: '42' is also 42, a 24-digit hex an ObjectId. */
function idForms(id) {
    if (typeof id === 'string') {
        const forms = [id];
        if (/^[0-9a-f]{24}$/i.test(id))
            forms.push(new lib.ObjectId(id));
        if (/^-?\d{1,15}$/.test(id))
            forms.push(Number(id));
        return forms;
    }
    if (typeof id === 'number')
        return [id, String(id)];
    if (id instanceof lib.ObjectId)
        return [id, id.toHexString()];
    return id === undefined || id === null ? [] : [id];
}
/**
 * An `_id` as one text, as a hold's subject_id gives it and as receipts hash it: hex, the string, the number. Loose on
 * purpose (42 and '42' give one text, as a hold names both): never use it to tell documents apart (idKey does).
 */
function keyText(id) {
    if (id instanceof lib.ObjectId)
        return id.toHexString();
    if (typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint')
        return String(id);
    return lib.BSON.EJSON.stringify(id, { relaxed: false });
}
/**
 * An `_id` as one text that tells every two distinct `_id`s apart: its canonical Extended JSON, as the driver gives
 * it (42 is `{"$numberInt":"42"}`, '42' is `"42"`, an ObjectId `{"$oid":…}`). Numbers are as the driver promotes
 * them, so an int32, an int64 and a double of one value (one `_id` to MongoDB) give one text; -0 is 0, as there.
 */
function idKey(id) {
    return lib.BSON.EJSON.stringify((Object.is(id, -0) ? 0 : id), { relaxed: false });
}
//# sourceMappingURL=data-retention-filter.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/data-retention-tombstones.js
/**
 * Tombstones of documents a MongoDB soft-delete rule erased (`then: erase`) or `subject erase` deleted, as
 * PostgreSQL's (data-retention/tombstones.ts): each erased `_id` kept as SHA-256 of
 * `ejson \n salt \n database.collection \n key`, the key the `_id`'s canonical Extended JSON (idKey: the number 42
 * and the string '42' are two keys), never the `_id` itself, with the time of the erasure. They live in the rule's
 * own database, so a backup of it carries them: the collection `dbops_retention_tombstones` (`_id` the hash, which
 * already names the collection; `database`, `collection`, `key_form: 'ejson'`, `erased_at`, `completed_at`,
 * `erased_by`), the salt in `dbops_retention_salt` (one document, random per database).
 *
 * Tombstones written before `key_form` (dbops until this form) hash `salt \n database.collection \n text`, the text
 * as holds write an `_id` (keyText: 42 and '42' alike). They stay where they are and are still matched, by that form
 * (legacyHash): a document matching one may be either of two `_id`s that share a text, as it always was. The two
 * forms cannot give one hash: only the new one starts with `ejson`, never a salt's hex.
 *
 * MongoDB has no transaction to write them in with the delete. They are written before it (`erased_at`,
 * `completed_at: null`), taken back for the documents the delete left (changed or put under a hold meanwhile), and
 * completed once the delete has returned (`completed_at`): never an erased document without its tombstone. A backup
 * that read the collection before `completed_at` may hold the document rightly (restore-test's check compares the
 * two: tombstone-check.ts), so the time that counts is the completion, not `erased_at`. A crash in between leaves
 * tombstones with `completed_at: null`; the next run of the rule finishes them (`finishUnfinished`) before its
 * batches. Tombstones written before dbops recorded completions have no `completed_at` at all: they count as
 * completed at `erased_at`, as they always did.
 */




const TOMBSTONE_COLLECTION = 'dbops_retention_tombstones';
const SALT_COLLECTION = 'dbops_retention_salt';
/** The database's salt, created (random, once) when it has none. */
async function ensureSalt(client, database, maxTimeMS) {
    const salts = client.db(database).collection(SALT_COLLECTION);
    await salts.updateOne({ _id: 'salt' }, { $setOnInsert: { salt: (0,external_node_crypto_.randomBytes)(32).toString('hex') } }, { upsert: true, maxTimeMS });
    const found = await salts.findOne({ _id: 'salt' }, { maxTimeMS });
    // A document without its salt would hash every tombstone and receipt with no key: refuse before anything changes.
    if (typeof found?.salt !== 'string' || found.salt === '')
        throw new lib_errors/* DbopsError */.zJ('INTEGRITY_FAILED', `${database}.${SALT_COLLECTION} holds a 'salt' document without a salt`, {
            hint: 'Put back the salt from a backup of the database; without it tombstones no longer match what they record.',
        });
    return found.salt;
}
/** The hash input form of tombstones written now; absent from older ones (legacyHash). */
const KEY_FORM = 'ejson';
/** A tombstone's `_id`: the salted hash of the `_id`'s canonical Extended JSON. */
function tombstoneId(salt, { database, name }, id) {
    return (0,external_node_crypto_.createHash)('sha256')
        .update(`${KEY_FORM}\n${salt}\n${database}.${name}\n${idKey(id)}`, 'utf8')
        .digest('hex');
}
/** The `_id` of a tombstone written before `key_form`, for the same document (shared by 42 and '42'). */
function legacyHash(salt, { database, name }, id) {
    return (0,tombstones/* tombstoneHash */.cX)(salt, database, name, keyText(id));
}
/** A soft-delete rule's tombstones (`erased_by: retention-purge:<rule>`). */
async function collectionTombstones(client, target, maxTimeMS) {
    const { completeGone, ...writer } = await tombstoneWriter(client, target.collection, `retention-purge:${target.rule}`, maxTimeMS);
    return {
        ...writer,
        async finishUnfinished(readHeld) {
            const { completed, present } = await completeGone();
            if (present.length === 0)
                return { completed, takenBack: 0 };
            const collection = client.db(target.collection.database).collection(target.collection.name);
            const expired = new Set((await collection
                .find({ $and: [idIn(present), purgeableFilter(target, await readHeld())] }, { projection: { _id: 1 }, maxTimeMS })
                .toArray()).map((d) => idKey(d._id)));
            const kept = present.filter((id) => !expired.has(idKey(id)));
            await writer.takeBack(kept);
            return { completed, takenBack: kept.length };
        },
    };
}
/** Tombstones of `collection`'s documents, written as `erasedBy` (`subject-erase`, `retention-purge:<rule>`). */
async function tombstoneWriter(client, { database, name }, erasedBy, maxTimeMS) {
    const salt = await ensureSalt(client, database, maxTimeMS);
    const tombstones = client.db(database).collection(TOMBSTONE_COLLECTION);
    const hash = (id) => tombstoneId(salt, { database, name }, id);
    return {
        async record(ids) {
            if (ids.length === 0)
                return [];
            const erasedAt = new Date();
            const hashes = [...new Set(ids.map(hash))];
            // An earlier erasure of the same `_id` that completed is kept aside: should this delete leave the document,
            // takeBack puts it back rather than lose it.
            const earlier = new Map((await tombstones.find({ _id: { $in: hashes } }, { maxTimeMS }).toArray())
                .filter((t) => t.completed_at !== null)
                .map((t) => [t._id, previousOf(t)]));
            // A key erased again keeps its latest time, as PostgreSQL's.
            const writes = hashes.map((h) => ({
                updateOne: {
                    filter: { _id: h },
                    update: {
                        $set: {
                            database,
                            collection: name,
                            key_form: KEY_FORM,
                            erased_at: erasedAt,
                            completed_at: null,
                            erased_by: erasedBy,
                            ...(earlier.has(h) ? { previous: earlier.get(h) } : {}),
                        },
                    },
                    upsert: true,
                },
            }));
            await tombstones.bulkWrite(writes, { ordered: false, maxTimeMS });
            return ids.map(hash);
        },
        async takeBack(ids) {
            if (ids.length === 0)
                return;
            const hashes = [...ids.map(hash), ...ids.map((id) => legacyHash(salt, { database, name }, id))];
            const unfinished = { _id: { $in: hashes }, completed_at: { $type: 'null' } };
            const restore = (await tombstones.find(unfinished, { maxTimeMS }).toArray()).filter((t) => t.previous);
            if (restore.length > 0)
                await tombstones.bulkWrite(restore.map((t) => ({
                    updateOne: { filter: { _id: t._id, completed_at: { $type: 'null' } }, update: restored(t.previous) },
                })), { ordered: false, maxTimeMS });
            await tombstones.deleteMany({ ...unfinished, previous: { $exists: false } }, { maxTimeMS });
        },
        async complete(ids) {
            if (ids.length === 0)
                return;
            await tombstones.updateMany({ _id: { $in: ids.map(hash) } }, { $set: { completed_at: new Date() }, $unset: { previous: '' } }, { maxTimeMS });
        },
        async completeGone() {
            // Only an explicit null: older tombstones have no completed_at at all, and their deletes are long done.
            const unfinished = await tombstones
                .find({ database, collection: name, completed_at: { $type: 'null' } }, { projection: { _id: 1, key_form: 1 }, maxTimeMS })
                .toArray();
            if (unfinished.length === 0)
                return { completed: 0, present: [] };
            const hashes = new Set(unfinished.map((t) => t._id));
            // An older-form one (a crash before this form) is matched by its own hash, which two documents may share.
            const legacy = unfinished.some((t) => t.key_form === undefined);
            const stillThere = new Set();
            const present = [];
            for await (const { _id } of client
                .db(database)
                .collection(name)
                .find({}, { projection: { _id: 1 }, maxTimeMS })) {
                const own = [hash(_id), ...(legacy ? [legacyHash(salt, { database, name }, _id)] : [])].filter((h) => hashes.has(h));
                if (own.length === 0)
                    continue;
                for (const h of own)
                    stillThere.add(h);
                present.push(_id);
            }
            // The others have no document any more: their delete ran.
            const gone = [...hashes].filter((h) => !stillThere.has(h));
            if (gone.length > 0)
                await tombstones.updateMany({ _id: { $in: gone } }, { $set: { completed_at: new Date() }, $unset: { previous: '' } }, { maxTimeMS });
            return { completed: gone.length, present };
        },
    };
}
/** The fields of a completed erasure, kept while the same `_id` is erased again. */
function previousOf(t) {
    return {
        erased_at: t.erased_at,
        erased_by: t.erased_by,
        ...(t.completed_at === undefined ? {} : { completed_at: t.completed_at }),
        ...(t.key_form === undefined ? {} : { key_form: t.key_form }),
    };
}
/** The update that puts a kept erasure back as it was: what it lacked (an older tombstone's) is removed again. */
function restored(previous) {
    const absent = ['completed_at', 'key_form'].filter((field) => previous[field] === undefined);
    return {
        $set: previous,
        $unset: Object.fromEntries([['previous', ''], ...absent.map((field) => [field, ''])]),
    };
}
//# sourceMappingURL=data-retention-tombstones.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/tombstone-check.js



/**
 * tombstones-from: the tombstones of each of `databases` on the server, each collection's with its database's salt
 * (every database has its own: data-retention-tombstones.ts). A backup of several databases is checked against all
 * of them whichever one the URL names. Undefined when none has tombstones.
 */
async function readServerTombstones(client, databases) {
    const sets = [];
    for (const name of databases) {
        const set = await readMongoTombstones(client.db(name));
        if (set)
            sets.push(set);
    }
    if (sets.length === 0)
        return undefined;
    return {
        salt: sets[0].salt,
        tables: sets.flatMap((set) => set.tables.map((table) => ({ ...table, salt: set.salt }))),
    };
}
/** The database's tombstones, grouped per collection as PostgreSQL's per table; undefined when it has none. */
async function readMongoTombstones(db) {
    const salt = (await db.collection(SALT_COLLECTION).findOne({ _id: 'salt' }))?.salt;
    if (salt === undefined)
        return undefined;
    const tables = new Map();
    for await (const stone of db.collection(TOMBSTONE_COLLECTION).find({}, { sort: { _id: 1 } })) {
        const key = `${stone.database}.${stone.collection}`;
        const table = tables.get(key) ?? {
            schema: stone.database,
            name: stone.collection,
            hashes: [],
            erasedAt: [],
            completedAt: [],
        };
        tables.set(key, table);
        table.hashes.push(stone._id);
        if (stone.key_form === undefined)
            table.legacyKeys = true;
        table.erasedAt.push(stone.erased_at.toISOString());
        table.completedAt.push(completedAt(stone));
    }
    return { salt, tables: [...tables.values()] };
}
/**
 * `tombstones`: given by the caller (tombstones-from); without them, each restored copy's own. Undefined when there
 * is nothing to replay. In a backup of several databases each copy is matched with the tombstones of its database.
 */
async function checkMongoTombstones(copies, manifest, tombstones) {
    const source = tombstones ? 'tombstones-from' : "the backup's own tombstone collection";
    const readFrom = consistencyPoints(manifest);
    const reappeared = [];
    const held = [];
    let total = tombstones ? countHashes(tombstones) : 0;
    let found = tombstones !== undefined;
    for (const { db, from } of copies) {
        const own = tombstones ? undefined : await readMongoTombstones(db);
        const set = tombstones ?? own;
        if (!set)
            continue;
        found = true;
        if (own)
            total += countHashes(own);
        const present = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
        for (const table of set.tables) {
            if (from !== undefined && table.schema !== from)
                continue; // another database's
            if (!present.has(table.name))
                continue; // not in this backup: none of its documents can be back
            const backupTime = readFrom(table.name, from);
            // Completion time per hash; NaN (never before anything) while the erasure had not completed.
            const completedAt = new Map(table.hashes.map((h, i) => {
                const at = table.completedAt ? table.completedAt[i] : table.erasedAt[i];
                return [h, at == null ? Number.NaN : Date.parse(at)];
            }));
            let before = 0;
            let after = 0;
            const salt = table.salt ?? set.salt;
            const original = { database: table.schema, name: table.name };
            for await (const { _id } of db.collection(table.name).find({}, { projection: { _id: 1 } })) {
                // A document erased again since an older-form tombstone has one of today's too, the later erasure's.
                const at = completedAt.get(tombstoneId(salt, original, _id)) ??
                    (table.legacyKeys ? completedAt.get(legacyHash(salt, original, _id)) : undefined);
                if (at === undefined)
                    continue;
                if (at < backupTime)
                    before++;
                else
                    after++;
            }
            if (before > 0)
                reappeared.push(`${table.schema}.${table.name}: ${before}`);
            if (after > 0)
                held.push(`${table.schema}.${table.name}: ${after}`);
        }
    }
    if (!found)
        return undefined;
    return (0,tombstone_verdict/* tombstoneVerdict */.N)({ total, source, reappeared, held }, { one: 'document', many: 'documents' });
}
function countHashes(set) {
    return set.tables.reduce((n, t) => n + t.hashes.length, 0);
}
/**
 * When the tombstone's erasure completed (ISO 8601), or null while it had not. A tombstone written before dbops
 * recorded completions (no `completed_at` at all) counts as completed when it was written, as it always did.
 */
function completedAt(stone) {
    if (stone.completed_at === undefined)
        return stone.erased_at.toISOString();
    return stone.completed_at?.toISOString() ?? null;
}
/**
 * For each collection, the time from which the backup can no longer hold a document deleted before it (ms since the
 * epoch): the oplog's end for a point-in-time backup (the start of that second: an entry within it may be past the
 * end); otherwise when the backup began reading the collection, or the backup's start for a manifest that does not
 * say (earlier than any collection's read: a document deleted in between is then not flagged, never flagged wrongly).
 */
function consistencyPoints(manifest) {
    const section = manifest.mongodb;
    const started = Date.parse(manifest.startedAt);
    if (section?.consistency === 'point-in-time' && section.oplog) {
        const end = section.oplog.end.t * 1000;
        return () => end;
    }
    const readStarted = new Map((section?.collections ?? []).flatMap((c) => c.readStartedAt ? [[qualifiedName(c), Date.parse(c.readStartedAt)]] : []));
    return (collection, database) => readStarted.get(qualifiedName({ name: collection, database })) ?? started;
}
//# sourceMappingURL=tombstone-check.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/dump-scope.js
var dump_scope = __webpack_require__(87525);
// EXTERNAL MODULE: ./packages/core/lib/restore/pipeline-checks.js
var pipeline_checks = __webpack_require__(38948);
// EXTERNAL MODULE: ./node_modules/bson/lib/bson.node.mjs
var bson_node = __webpack_require__(93276);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/pipeline-checks.js

/**
 * Runs each check's pipeline with a time limit; it passes when it returns exactly the expected documents, in order.
 * A pipeline the server refuses fails its check with the server's message. A check on a collection the restored
 * database does not have fails unrun: aggregating a missing collection returns no documents, which a check
 * expecting none (no orphans, no negative totals) would take for a pass.
 */
async function runPipelineChecks(db, checks, timeoutMs = 60_000) {
    const results = [];
    for (const check of checks) {
        try {
            const [found] = await db.listCollections({ name: check.collection }, { nameOnly: true }).toArray();
            if (!found) {
                results.push({
                    name: check.name,
                    passed: false,
                    detail: `not run: the restored database has no collection or view ${check.collection}`,
                });
                continue;
            }
            const documents = await db
                .collection(check.collection)
                .aggregate(check.pipeline, { maxTimeMS: timeoutMs })
                .toArray();
            const got = comparable(documents);
            const passed = got === comparable(check.expect);
            results.push({
                name: check.name,
                passed,
                detail: passed ? `returned the ${documents.length} expected documents` : `returned ${clip(got)}`,
            });
        }
        catch (error) {
            results.push({ name: check.name, passed: false, detail: `failed: ${error.message}` });
        }
    }
    return results;
}
/**
 * Relaxed Extended JSON with each document's fields in name order: an int 3 and a double 3.0 read the same, and
 * the expected documents may list their fields in any order (arrays keep theirs).
 */
function comparable(documents) {
    return JSON.stringify(sortFields(bson_node/* EJSON */.On.serialize(documents, { relaxed: true })));
}
function sortFields(value) {
    if (Array.isArray(value))
        return value.map(sortFields);
    if (value === null || typeof value !== 'object')
        return value;
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortFields(v)]));
}
function clip(text) {
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
//# sourceMappingURL=pipeline-checks.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/restore-checks.js







function expectedCatalog(manifest, { afterReplay = false, databases }) {
    const restored = (c) => databases === undefined || (c.database !== undefined && databases.includes(c.database));
    const atEnd = afterReplay ? manifest.mongodb?.oplog?.atEnd : undefined;
    if (atEnd) {
        const commands = manifest.mongodb?.oplog?.commands?.length ?? 0;
        const as = `as the oplog's ${commands} ${commands === 1 ? 'command leaves' : 'commands leave'} them`;
        // A backup of several databases: the catalog of every database, of which those restored are compared.
        const collections = atEnd.collections.filter(restored);
        return { collections, fingerprint: atEnd.schemaFingerprint, as, dumped: false };
    }
    // After an oplog replay, a collection dropped during the dump is gone again, as it was at the dump's end.
    const collections = (manifest.mongodb?.collections ?? []).filter((c) => !(afterReplay && c.droppedDuringBackup) && restored(c));
    return { collections, fingerprint: manifest.schemaFingerprint, as: 'in the backup', dumped: true };
}
/**
 * Every collection and view of the manifest is there, each collection with the documents the archive held. In a
 * backup of several databases, `restored` names each collection's database as the backup does, and so do the details.
 */
function checkCollections(restored, manifest, options = {}) {
    const expected = expectedCatalog(manifest, options).collections;
    const byName = new Map(restored.map((c) => [qualifiedName(c), c]));
    const missing = expected.filter((c) => !byName.has(qualifiedName(c))).map(qualifiedName);
    const counts = [];
    let rows = 0;
    let counted = 0;
    for (const c of expected) {
        const here = byName.get(qualifiedName(c));
        if (!here || c.type === 'view')
            continue;
        counted++;
        rows += here.documents;
        if (c.documents === undefined)
            continue;
        // The manifest counts what the dump wrote, a document read twice twice; the copy holds it once.
        const twice = options.duplicateIds?.get(qualifiedName(c)) ?? 0;
        if (here.documents !== c.documents - twice) {
            const skipped = twice > 0 ? ` (${twice} of them a second copy of an _id, skipped)` : '';
            counts.push(`${qualifiedName(c)}: ${here.documents} documents, backup had ${c.documents}${skipped}`);
        }
    }
    const checks = [
        {
            name: 'collections present',
            passed: missing.length === 0,
            detail: missing.length === 0
                ? `${expected.length} of ${expected.length} collections and views`
                : `${missing.length} missing: ${preview(missing)}`,
        },
    ];
    // After a replay the counts are those at the dump's end: the restorer checked the manifest's before it.
    if (counted > 0 && !options.afterReplay) {
        checks.push({
            name: 'document counts (exact)',
            passed: counts.length === 0,
            detail: counts.length === 0
                ? `${counted} collections match the archive's counts${twiceNote(options.duplicateIds)}`
                : preview(counts),
        });
    }
    return { checks, rows };
}
/** " (less 3 documents the archive held twice)", or nothing. */
function twiceNote(duplicateIds) {
    const total = [...(duplicateIds?.values() ?? [])].reduce((sum, n) => sum + n, 0);
    return total === 0 ? '' : ` (less ${total} ${total === 1 ? 'document' : 'documents'} the archive held twice)`;
}
/** Each collection has the indexes the manifest lists (name, key, uniqueness), and no other. */
function checkIndexes(restored, manifest, options = {}) {
    const expected = expectedCatalog(manifest, options);
    const byName = new Map(restored.map((c) => [qualifiedName(c), c]));
    const differ = [];
    let total = 0;
    for (const c of expected.collections) {
        const here = byName.get(qualifiedName(c));
        if (!here)
            continue;
        total += c.indexes.length;
        const want = listed(c.indexes);
        const have = listed(here.metadata.indexes.map(indexSummary));
        if (want !== have)
            differ.push(`${qualifiedName(c)}: ${have} (${expected.dumped ? 'backup' : "at the dump's end"}: ${want})`);
    }
    return {
        name: 'indexes',
        passed: differ.length === 0,
        detail: differ.length === 0 ? `${total} indexes ${expected.as}` : preview(differ),
    };
}
/** The restored database's fingerprint equals the one recorded at backup time, part by part. */
function checkFingerprint(restored, manifest, options = {}) {
    const expected = expectedCatalog(manifest, options);
    const fingerprint = mongoFingerprint(restored);
    const recorded = expected.fingerprint;
    const differences = Object.keys(recorded.parts).filter((part) => recorded.parts[part] !== fingerprint.parts[part]);
    const after = expected.dumped ? '' : ` ${expected.as}`;
    if (differences.length === 0)
        return { name: 'schema fingerprint', passed: true, detail: `equal${after} (${fingerprint.digest.slice(0, 12)})` };
    return { name: 'schema fingerprint', passed: false, detail: `differs in ${differences.join(', ')}${after}` };
}
/**
 * The user's checks: pipeline checks (pipeline-checks.ts) run; a SQL check (restore/checks.ts), which MongoDB
 * cannot run, is reported failed rather than passed unrun. In a backup of several databases a check names its
 * collection as database.collection, the database as the backup names it.
 */
async function runUserChecks(copies, checks) {
    const results = [];
    for (const check of checks) {
        if (!(0,pipeline_checks.isPipelineCheck)(check)) {
            results.push({
                name: check.name,
                passed: false,
                detail: 'not run: a SQL check, which a MongoDB database cannot run (write MongoDB checks as pipelines)',
            });
            continue;
        }
        const copy = copies.length === 1 && copies[0].from === undefined ? copies[0] : copyOf(copies, check.collection);
        if (!copy) {
            const names = copies.map((c) => c.from).join(', ');
            results.push({
                name: check.name,
                passed: false,
                detail: `not run: its collection ${check.collection} names none of the databases restored (${names}); write it as DATABASE.COLLECTION`,
            });
            continue;
        }
        const collection = copy.from === undefined ? check.collection : check.collection.slice(copy.from.length + 1);
        results.push(...(await runPipelineChecks(copy.db, [{ ...check, collection }])));
    }
    return results;
}
/** The copy whose database begins `collection` (database.collection): the longest such name, as names hold dots. */
function copyOf(copies, collection) {
    return copies
        .filter((c) => c.from !== undefined && collection.startsWith(`${c.from}.`))
        .sort((a, b) => b.from.length - a.from.length)[0];
}
/** All of the above on a restored database. */
function checkRestoredDatabase(db, manifest, userChecks, 
/** Erased documents to look for; without them, the copy's own tombstones when it has them. */
tombstones) {
    return checkRestoredCopies([{ db }], manifest, userChecks, tombstones);
}
/**
 * All of the above on the restored databases of a backup: its one, or those of a backup of several, each
 * collection compared with the manifest's of its database. The fingerprint covers all of a backup's databases:
 * compared when all were restored.
 */
async function checkRestoredCopies(copies, manifest, userChecks, tombstones, duplicateIds) {
    const restored = [];
    for (const { db, from } of copies) {
        const inventory = await readInventory(db, dump_scope/* FULL_SCOPE */.r, { severalDatabases: from !== undefined });
        restored.push(...(from === undefined ? inventory : inventory.map((c) => ({ ...c, database: from }))));
    }
    const databases = copies.flatMap((c) => (c.from === undefined ? [] : [c.from]));
    const scope = {
        afterReplay: replaysOplog(manifest, databases.length > 0 ? databases : undefined),
        ...(databases.length > 0 ? { databases } : {}),
        ...(duplicateIds ? { duplicateIds } : {}),
    };
    const whole = databases.length === (manifest.mongodb?.databases?.length ?? 0);
    const collections = checkCollections(restored, manifest, scope);
    const erased = await checkMongoTombstones(copies, manifest, tombstones);
    return {
        checks: [
            ...collections.checks,
            checkIndexes(restored, manifest, scope),
            ...(whole ? [checkFingerprint(restored, manifest, scope)] : []),
            ...(erased ? [erased] : []),
            ...(await runUserChecks(copies, userChecks)),
        ],
        rows: collections.rows,
    };
}
/**
 * A point-in-time backup whose archive holds oplog entries (of the `databases` restored, in a backup of several
 * that counts them per database): its restore replays them (archive-loader.ts).
 */
function replaysOplog(manifest, databases) {
    const oplog = manifest.mongodb?.consistency === 'point-in-time' ? manifest.mongodb.oplog : undefined;
    if (!oplog)
        return false;
    const byDatabase = oplog.entriesByDatabase;
    if (!byDatabase || !databases)
        return oplog.entries > 0;
    return databases.some((name) => (byDatabase[name] ?? 0) > 0);
}
function listed(indexes) {
    return JSON.stringify(indexes
        .map((i) => ({ name: i.name, key: i.key, ...(i.unique ? { unique: true } : {}) }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
}
function preview(items) {
    return items.slice(0, 5).join('; ') + (items.length > 5 ? `; … ${items.length - 5} more` : '');
}
//# sourceMappingURL=restore-checks.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/restore-databases.js

// Where the databases of a backup of several (databases, exclude-databases) are restored: restore-test gives each
// a scratch name of its own, restore either all under their own names or one chosen into the URL's database.
/** The longest database name every server takes (MongoDB: 63 bytes; FerretDB the same). */
const MAX_NAME = 63;
/** What every server takes in a database name (FerretDB: ASCII letters, digits, _ and - only). */
const PORTABLE_NAME = /^[A-Za-z0-9_-]+$/;
/**
 * The scratch database of each of the backup's databases: `<scratch>_<database>`, recognisable and, since the
 * scratch name is unique, colliding with nothing; `<scratch>-<n>` (a hyphen, which no `_` name has) when that
 * would be too long, or the database's name has characters not every server takes in a name (MongoDB takes
 * `café`, FerretDB does not).
 */
function scratchDatabases(scratch, databases) {
    return databases.map((from, i) => {
        const named = `${scratch}_${from}`;
        const fits = Buffer.byteLength(named) <= MAX_NAME && PORTABLE_NAME.test(from);
        return { from, to: fits ? named : `${scratch}-${i + 1}` };
    });
}
/** The databases a restore goes into: the target's mapping, or the backup's one database into the URL's. */
function restoredDatabases(target) {
    return target.databases ?? [{ from: target.database, to: target.database }];
}
/**
 * restore's target for `manifest` with the user's choice (source-database, all-databases): a backup of several
 * databases needs one of them, a backup of one database neither. Refused with the input, what is wrong and the form.
 */
function chooseRestoreDatabases(target, manifest, choice) {
    const databases = manifest.mongodb?.databases;
    const { sourceDatabase, allDatabases } = choice;
    if (!databases) {
        if (sourceDatabase === undefined && !allDatabases)
            return target;
        throw (0,lib_errors/* invalidInput */.aY)(sourceDatabase !== undefined ? 'source-database' : 'all-databases', `applies to a backup of several databases, and backup ${manifest.backupId} is of one (${manifest.database})`, `no source-database or all-databases: the backup is restored into the database target-url names`);
    }
    const held = `${databases.length} databases (${databases.join(', ')})`;
    const form = `source-database: one of ${databases.join(', ')} (restored into the database target-url names), ` +
        `or all-databases: true (each restored under its own name)`;
    if (sourceDatabase !== undefined && allDatabases) {
        throw (0,lib_errors/* invalidInput */.aY)('all-databases', 'is given together with source-database: restore one database or all', form);
    }
    if (allDatabases)
        return { ...target, databases: databases.map((from) => ({ from, to: from })) };
    if (sourceDatabase === undefined) {
        throw (0,lib_errors/* invalidInput */.aY)('source-database', `is needed: backup ${manifest.backupId} holds ${held}, and target-url names one database (${target.database})`, form);
    }
    if (!databases.includes(sourceDatabase)) {
        throw (0,lib_errors/* invalidInput */.aY)('source-database', `is ${sourceDatabase}, which backup ${manifest.backupId} does not hold (it holds ${held})`, form);
    }
    return { ...target, databases: [{ from: sourceDatabase, to: target.database }] };
}
//# sourceMappingURL=restore-databases.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/restore-target.js




/** The collections and views of a database that a restore would collide with: all but the server's own. */
async function userCollections(db) {
    const infos = await db.listCollections({}, { nameOnly: true }).toArray();
    return infos.map((info) => info.name).filter((name) => !name.startsWith('system.'));
}
/**
 * dbops restore's session on the target database, or on each database a backup of several is restored into
 * (restore-databases.ts). Any collection or view in them needs clean (invariant 6); clean drops them one by one
 * (MongoDB has no transaction over drops: a cancel may leave some), and the safety backup taken before (of each
 * such database) is the way back. Any server fits a backup: a MongoDB database has no encoding or locale of its own.
 */
async function withMongoRestoreTarget(target, context, use) {
    return withMongoClient(target, context, (client) => {
        const dbs = restoredDatabases(target).map(({ to }) => client.db(to));
        const holding = async () => {
            const found = [];
            for (const db of dbs)
                found.push({ db, collections: await userCollections(db) });
            return found.filter((d) => d.collections.length > 0);
        };
        return use({
            server: () => describeMongoServer(client),
            userObjects: async () => (await holding()).reduce((n, d) => n + d.collections.length, 0),
            checkFits: async () => undefined,
            async clear() {
                for (const { db, collections } of await holding()) {
                    for (const name of collections)
                        await db.collection(name).drop();
                }
            },
            ...(target.databases
                ? {
                    safetyScope: async () => ({ ...dump_scope/* FULL_SCOPE */.r, databases: (await holding()).map((d) => d.db.databaseName) }),
                }
                : {}),
        });
    });
}
//# sourceMappingURL=restore-target.js.map
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/oplog-apply.js
/**
 * Applies replay operations (oplog-replay.ts) to the restored database. Where the server has applyOps, each goes
 * through it, one at a time, as mongorestore --oplogReplay does: the server's own oplog application, idempotent
 * (an insert of a document the dump already read becomes an upsert). Where it has none (FerretDB), inserts,
 * deletes and `$v: 1` updates go through ordinary writes with the same effect, and the commands create, drop and
 * collMod through the same commands; anything else fails, naming it. Index commands never arrive here: the
 * catalog (oplog-catalog.ts) takes them, and the indexes are built after the replay.
 */


const COMMAND_NOT_FOUND = 59;
/** applyOps when the server has it (an empty applyOps answers ok), else ordinary writes. */
async function oplogApplier(db) {
    try {
        await db.admin().command({ applyOps: [] });
        return applyOpsApplier(db);
    }
    catch (error) {
        if (error instanceof lib.MongoServerError && error.code === COMMAND_NOT_FOUND)
            return writesApplier(db);
        throw replayFailed(db, 'applyOps', error);
    }
}
function applyOpsApplier(db) {
    return {
        method: 'applyOps',
        async apply(op) {
            try {
                await db.admin().command({ applyOps: [op], bypassDocumentValidation: true });
            }
            catch (error) {
                throw replayFailed(db, oplog_apply_describe(op), error);
            }
        },
    };
}
function writesApplier(db) {
    return {
        method: 'writes',
        async apply(op) {
            const collection = db.collection(op.ns.slice(db.databaseName.length + 1));
            try {
                if (op.op === 'i') {
                    // An upsert, as the server's own oplog application: the dump may have read the document already.
                    await collection.replaceOne({ _id: op.o._id }, op.o, { upsert: true, bypassDocumentValidation: true });
                    return;
                }
                if (op.op === 'd') {
                    await collection.deleteOne(op.o);
                    return;
                }
                if (op.op === 'u' && op.o2 !== undefined && isV1Update(op.o)) {
                    const { $v: _, ...update } = op.o;
                    await collection.updateOne(op.o2, update, { bypassDocumentValidation: true });
                    return;
                }
                if (op.op === 'c' && WRITABLE_COMMANDS.has(Object.keys(op.o)[0] ?? ''))
                    return await runCommand(db, op.o);
            }
            catch (error) {
                throw replayFailed(db, oplog_apply_describe(op), error);
            }
            const kind = op.op === 'u' ? `an update with $v: ${String(op.o.$v ?? '(none)')}` : `the command ${oplog_apply_describe(op)}`;
            throw new lib_errors/* DbopsError */.zJ('RESTORE_FAILED', `Cannot replay the oplog into ${db.databaseName}: the server has no applyOps, and ${kind} cannot be replayed with ordinary writes (only inserts, deletes, $v: 1 updates and the commands create, drop, createIndexes, dropIndexes and collMod can)`, {
                hint: 'Restore into a MongoDB server (it has applyOps), or restore a per-collection backup (consistency: ' +
                    'per-collection); of a backup of several databases, those whose entries hold no such operation restore ' +
                    'one by one with source-database.',
            });
        },
    };
}
/** The commands the writes path runs as they are: a collection's name and options are all they carry. */
const WRITABLE_COMMANDS = new Set(['create', 'drop', 'collMod']);
const oplog_apply_NAMESPACE_NOT_FOUND = 26;
const NAMESPACE_EXISTS = 48;
/**
 * create without idIndex (the server makes the _id index; FerretDB refuses the field). A drop of a collection that
 * is not there, or a create of one that is (created after the oplog's start but before the inventory, so the
 * archive has it), is done: replaying is idempotent, as the server's own oplog application.
 */
async function runCommand(db, o) {
    const { idIndex: _, ...command } = o;
    try {
        await db.command(command);
    }
    catch (error) {
        const code = error instanceof lib.MongoServerError ? error.code : undefined;
        if ((o.drop !== undefined && code === oplog_apply_NAMESPACE_NOT_FOUND) || (o.create !== undefined && code === NAMESPACE_EXISTS))
            return;
        throw error;
    }
}
/** A `$v: 1` update (or an older one without `$v`): only $set and $unset, which updateOne applies alike. */
function isV1Update(o) {
    const version = o.$v === undefined ? 1 : Number(o.$v);
    const operators = Object.keys(o).filter((field) => field !== '$v');
    return version === 1 && operators.length > 0 && operators.every((field) => field === '$set' || field === '$unset');
}
function oplog_apply_describe(op) {
    if (op.op === 'c')
        return `${Object.keys(op.o)[0] ?? '(none)'} on ${op.ns}`;
    return `${{ i: 'insert', u: 'update', d: 'delete' }[op.op]} on ${op.ns}`;
}
function replayFailed(db, what, error) {
    return new lib_errors/* DbopsError */.zJ('RESTORE_FAILED', `Replaying the oplog into ${db.databaseName} failed at ${what}: ${error.message}`, { cause: error, hint: 'The restore stopped at this oplog entry; the database holds the entries before it.' });
}
//# sourceMappingURL=oplog-apply.js.map
// EXTERNAL MODULE: ./node_modules/mongodb/lib/cmap/commands.js
var cmap_commands = __webpack_require__(21806);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/raw-insert.js
// The driver's OP_MSG document sequence (kind 1 section): documents that go on the wire as the bytes given. The
// public API serializes JavaScript objects, which would reorder integer-like keys and lose duplicate ones; the
// archive's bytes must reach the server unchanged. Internal to the driver (declared in raw-insert-driver.d.ts), so
// a driver upgrade that moves it fails the build or mongo-restore.test.ts, never a restore silently.


/** The server's duplicate key error. */
const raw_insert_DUPLICATE_KEY = 11000;
/**
 * Inserts documents given as raw BSON into `collection` as one insert command. Validation is bypassed: the documents
 * are what the collection held, which a validator added later may not accept. A document whose _id is already there
 * is skipped and counted, as mongorestore does: a dump reads a collection in natural order without a snapshot, so a
 * document deleted and inserted again with the same _id while it is read can be in the archive twice (the first
 * copy stays). Unordered, so the rest of the batch still goes in; any other write error fails the restore.
 */
async function insertRawDocuments(db, collection, documents) {
    if (documents.length === 0)
        return { inserted: 0, duplicateIds: 0 };
    const sequence = new cmap_commands.DocumentSequence('documents');
    for (const bson of documents)
        sequence.push({}, bson);
    const reply = await db.command({
        insert: collection,
        documents: sequence,
        ordered: false,
        bypassDocumentValidation: true,
    });
    const errors = reply.writeErrors ?? [];
    const inserted = Number(reply.n ?? 0);
    const failed = errors.filter((e) => !isDuplicateId(e));
    const duplicateIds = errors.length - failed.length;
    if (failed.length > 0 || inserted + duplicateIds !== documents.length) {
        const first = failed[0];
        throw new lib_errors/* DbopsError */.zJ('RESTORE_FAILED', `Inserting into ${db.databaseName}.${collection} failed: ${inserted} of ${documents.length} documents of a batch inserted${first ? ` (document ${first.index}: ${first.errmsg})` : ''}`, { hint: 'Restore into an empty database (the server refused a document the backup holds).' });
    }
    return { inserted, duplicateIds };
}
/**
 * A duplicate key error on the _id index. The restore builds every other index once the data is in, so _id's is
 * the only unique one while documents are inserted; where the server names the key (MongoDB: keyPattern, and the
 * index in its message) it is checked all the same. FerretDB names neither ("E11000 duplicate key error collection: db.c").
 */
function isDuplicateId(error) {
    if (error.code !== raw_insert_DUPLICATE_KEY)
        return false;
    if (error.keyPattern)
        return Object.keys(error.keyPattern).join() === '_id';
    const index = / index: (\S+)/.exec(error.errmsg ?? '')?.[1];
    return index === undefined || index === '_id_';
}
//# sourceMappingURL=raw-insert.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/archive-loader.js











const archive_loader_COMMAND_NOT_FOUND = 59;
/** A batch is sent once it holds this many bytes or documents: well under the server's 48 MB message limit. */
const archive_loader_BATCH_BYTES = 8 * 1024 * 1024;
const archive_loader_BATCH_DOCUMENTS = 1000;
/**
 * Loads a mongodump archive file into `db`, whatever database its namespaces name (restore under another name,
 * as mongorestore --nsFrom/--nsTo), or each of its databases into the one `options.databases` gives: the archive is
 * read twice, first to check it end to end (every CRC, nothing truncated) so a damaged one restores nothing, then to
 * create each collection and view with its options, insert its documents as the archive's raw bytes, and build its
 * indexes once the data is in (faster, as mongorestore). With `preserveUuids`, each collection gets the UUID the
 * archive's metadata gives it (mongorestore --preserveUUID).
 */
async function loadArchive(path, db, options = {}) {
    const { signal } = options;
    const contents = await readArchive((0,external_node_fs_.createReadStream)(path));
    const into = options.databases ? (archiveDb) => options.databases.get(archiveDb) : () => db;
    if (!options.databases)
        refuseSeveralDatabases(contents);
    if (signal?.aborted)
        throw (0,lib_errors/* cancelled */.KW)();
    const parser = new PendingParser((archiveDb) => into(archiveDb) !== undefined);
    let collections = 0;
    /** Each target database's collections and their metadata (their indexes are built last). */
    const metadata = new Map();
    let documents = 0;
    const duplicateIds = new Map();
    const insert = async (batch) => {
        const { inserted, duplicateIds: skipped } = await insertRawDocuments(into(batch.db), batch.collection, batch.documents);
        documents += inserted;
        if (skipped === 0)
            return;
        const name = options.databases ? `${batch.db}.${batch.collection}` : batch.collection;
        duplicateIds.set(name, (duplicateIds.get(name) ?? 0) + skipped);
    };
    const { beforeOplog, ...rest } = options;
    const replay = contents.oplog
        ? new OplogReplay(replayedDatabases(db, contents, options), metadata, {
            ...rest,
            ...(beforeOplog ? { beforeOplog: () => beforeOplog(duplicateIds) } : {}),
        })
        : undefined;
    for await (const chunk of (0,external_node_fs_.createReadStream)(path)) {
        if (signal?.aborted)
            throw (0,lib_errors/* cancelled */.KW)();
        parser.write(chunk);
        for (const entry of parser.takePrelude()) {
            const target = into(entry.db);
            if (isOplogNamespace(entry) || !target)
                continue;
            const meta = parseMetadataJson(entry.metadata);
            if (meta)
                metadataOf(metadata, target).set(entry.collection, meta);
            await createCollection(target, entry.collection, meta, options.preserveUuids === true);
            collections++;
        }
        for (const batch of parser.takeBatches()) {
            if (signal?.aborted)
                throw (0,lib_errors/* cancelled */.KW)();
            await insert(batch);
        }
        // The oplog comes after every collection's data (the reader makes sure): replayed once they are all in.
        for (const entry of parser.takeOplog())
            await replay.apply(entry);
    }
    for (const batch of parser.end())
        await insert(batch);
    for (const entry of parser.takeOplog())
        await replay.apply(entry);
    // Indexes after the replay, as mongorestore: the copy is only consistent once the oplog has been applied. Those
    // of the catalog as the replay's commands left it: not a dropped collection's (building them would create it
    // again), nor a dropped index, but an index created during the dump.
    const indexed = replay?.catalogs() ?? metadata;
    for (const [target, catalog] of indexed) {
        for (const [collection, meta] of catalog) {
            if (signal?.aborted)
                throw (0,lib_errors/* cancelled */.KW)();
            await createIndexes(target, collection, meta.indexes);
        }
    }
    const oplog = await replay?.finish();
    return { collections, documents, duplicateIds, ...(oplog ? { oplog } : {}) };
}
function metadataOf(metadata, db) {
    const of = metadata.get(db) ?? new Map();
    metadata.set(db, of);
    return of;
}
/**
 * Where an archive's oplog is replayed: each archive database loaded, into its target (a backup of several: those
 * `databases` maps, so a restore of one replays only its entries); else the archive's one database into `db`.
 */
function replayedDatabases(db, contents, options) {
    if (options.databases)
        return new Map(options.databases);
    return new Map([[contents.namespaces[0]?.db ?? db.databaseName, db]]);
}
/**
 * Replays a point-in-time archive's oplog, entry by entry, each archive database's entries into the database it is
 * loaded into (namespaces rewritten, inside applyOps too). Commands go through that database's catalog first
 * (oplog-catalog.ts): index commands change only the indexes built after the replay.
 */
class OplogReplay {
    databases;
    metadata;
    options;
    plan;
    /** The target databases by name, and the appliers of those that were written to. */
    targets;
    appliers = new Map();
    /** The catalogs the replay's commands change, from the archive's metadata (all read by the first entry). */
    catalog;
    entries = 0;
    applied = 0;
    constructor(databases, metadata, options) {
        this.databases = databases;
        this.metadata = metadata;
        this.options = options;
        this.plan = new OplogReplayPlan(new Map([...databases].map(([from, to]) => [from, to.databaseName])));
        this.targets = new Map([...databases.values()].map((to) => [to.databaseName, to]));
    }
    async apply(raw) {
        if (this.options.signal?.aborted)
            throw (0,lib_errors/* cancelled */.KW)();
        if (!this.catalog) {
            await this.options.beforeOplog?.();
            // Commands name a backup of several databases' collections as the backup does (db.collection).
            const from = new Map([...this.databases].map(([name, to]) => [to.databaseName, name]));
            this.catalog = new OplogCatalogs((target) => (this.options.databases ? from.get(target) : undefined));
            for (const to of this.targets.values())
                this.catalog.add(to.databaseName, this.metadata.get(to) ?? []);
            // How the oplog is applied is known (and reported) from the first entry, whatever it holds.
            const [first] = this.targets.keys();
            if (first !== undefined)
                await this.applier(`${first}.$cmd`);
        }
        this.entries++;
        for (const op of this.plan.plan(lib.BSON.deserialize(raw, DECODE))) {
            const o = op.op === 'c' ? this.catalog.apply(op.ns, op.o) : op.o;
            if (o !== undefined)
                await (await this.applier(op.ns)).apply({ ...op, o });
            this.applied++;
        }
    }
    /** The applier of the target database `ns` names (the plan rewrote it to one of the targets). */
    async applier(ns) {
        const name = namespaceDatabase(ns);
        let applier = this.appliers.get(name);
        if (!applier) {
            applier = await oplogApplier(this.targets.get(name));
            this.appliers.set(name, applier);
        }
        return applier;
    }
    /** Each target database's collections as the replay's commands left them; undefined before any entry. */
    catalogs() {
        if (!this.catalog)
            return undefined;
        return new Map([...this.catalog.databases].map(([name, catalog]) => [this.targets.get(name), catalog.collections]));
    }
    async finish() {
        const method = [...this.appliers.values()][0]?.method;
        const unfinished = this.plan.unfinishedTransactions;
        const prepared = this.plan.openTransactions - unfinished;
        return {
            entries: this.entries,
            applied: this.applied,
            skipped: this.plan.skipped,
            ...(method ? { method } : {}),
            commands: this.catalog?.commands ?? [],
            ...(unfinished > 0 ? { unfinishedTransactions: unfinished } : {}),
            ...(prepared > 0 ? { preparedTransactions: prepared } : {}),
        };
    }
}
/** The archive parser with its events queued, to be acted on (awaited) between chunks. */
class PendingParser {
    wanted;
    prelude = [];
    oplog = [];
    full = [];
    /** Open batches by db and collection. */
    open = new Map();
    /** `wanted`: whether a database's documents are loaded (the others are not kept). */
    constructor(wanted) {
        this.wanted = wanted;
    }
    parser = new ArchiveParser({
        prelude: (_header, entries) => {
            this.prelude = [...entries];
        },
        document: (db, collection, bson) => {
            // The parser's bytes are valid only during the call.
            if (isOplogNamespace({ db, collection }))
                return void this.oplog.push(Buffer.from(bson));
            if (!this.wanted(db))
                return;
            const key = `${db}.${collection}`;
            let batch = this.open.get(key);
            if (!batch) {
                batch = { db, collection, documents: [], bytes: 0 };
                this.open.set(key, batch);
            }
            // The parser's bytes are valid only during the call.
            batch.documents.push(Buffer.from(bson));
            batch.bytes += bson.length;
            if (batch.bytes >= archive_loader_BATCH_BYTES || batch.documents.length >= archive_loader_BATCH_DOCUMENTS) {
                this.full.push(batch);
                this.open.delete(key);
            }
        },
        namespaceEnd: (ns) => {
            if (isOplogNamespace(ns))
                return;
            const key = `${ns.db}.${ns.collection}`;
            const batch = this.open.get(key);
            if (batch)
                this.full.push(batch);
            this.open.delete(key);
        },
    });
    write(chunk) {
        this.parser.write(chunk);
    }
    takePrelude() {
        const entries = this.prelude;
        this.prelude = [];
        return entries;
    }
    /** The oplog entries parsed so far, in order. */
    takeOplog() {
        const entries = this.oplog;
        this.oplog = [];
        return entries;
    }
    takeBatches() {
        return this.full.splice(0);
    }
    end() {
        this.parser.end();
        return [...this.takeBatches(), ...this.open.values()];
    }
}
/**
 * An archive loaded into one database holds one (a backup of several goes through `databases`); a whole-server
 * mongodump would mix several into one.
 */
function refuseSeveralDatabases(contents) {
    const databases = [...new Set(contents.namespaces.map((ns) => ns.db))];
    if (databases.length <= 1)
        return;
    throw new lib_errors/* DbopsError */.zJ('RESTORE_FAILED', `The archive holds ${databases.length} databases (${databases.slice(0, 5).join(', ')}); dbops restores one`, { hint: 'Restore it with mongorestore --archive --nsInclude=DATABASE.* instead.' });
}
/**
 * Creates a collection or view with the options it had (capped, validator, collation, viewOn and pipeline...),
 * before its documents arrive. The server gives it a new UUID, unless `preserveUuid`: then the one of the archive
 * (a view has none), through the only command that takes one, applyOps (as mongorestore --preserveUUID does).
 */
async function createCollection(db, name, meta, preserveUuid) {
    if (name.startsWith('system.'))
        return;
    const create = { create: name, ...(meta?.options ?? {}) };
    try {
        if (preserveUuid && meta?.uuid) {
            const ui = new lib.BSON.UUID(meta.uuid);
            await db.admin().command({ applyOps: [{ op: 'c', ns: `${db.databaseName}.$cmd`, ui, o: create }] });
        }
        else {
            await db.command(create);
        }
    }
    catch (error) {
        if (preserveUuid && error instanceof lib.MongoServerError && error.code === archive_loader_COMMAND_NOT_FOUND) {
            throw new lib_errors/* DbopsError */.zJ('RESTORE_FAILED', `Creating ${db.databaseName}.${name} with its UUID failed: the server has no applyOps, which preserve-uuids needs`, {
                cause: error,
                input: 'preserve-uuids',
                hint: 'Restore without preserve-uuids: the collections then get new UUIDs.',
            });
        }
        throw new lib_errors/* DbopsError */.zJ('RESTORE_FAILED', `Creating ${db.databaseName}.${name} failed: ${error.message}`, {
            cause: error,
            hint: preserveUuid
                ? 'preserve-uuids needs the applyOps privilege (the restore role) and UUIDs that no collection of the server has (its source, still there?); without it the collections get new UUIDs.'
                : 'Restore into an empty database on a server that has what the collection uses (views, collations, validators).',
        });
    }
}
/**
 * The indexes of a collection as listIndexes described them at backup time, but _id_ (the server makes it) and
 * the fields the server chooses itself: `ns` (gone since MongoDB 4.4) and the index version `v` (FerretDB refuses
 * both; a current server builds v2, which reads every v1 key).
 */
async function createIndexes(db, collection, specs) {
    const indexes = specs.filter((spec) => spec.name !== '_id_').map(({ ns: _, v: __, ...spec }) => spec);
    if (indexes.length === 0)
        return;
    try {
        await db.command({ createIndexes: collection, indexes });
    }
    catch (error) {
        throw new lib_errors/* DbopsError */.zJ('RESTORE_FAILED', `Creating the indexes of ${db.databaseName}.${collection} failed: ${error.message}`, { cause: error, hint: 'The target server may lack an index kind the source had (text, 2dsphere, TTL...).' });
    }
}
//# sourceMappingURL=archive-loader.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/restorer.js










/**
 * The restorer of MongoDB backups: dbops itself, with the driver (archive-loader.ts). mongorestore is not needed,
 * and the archive's documents reach the server as the bytes that were dumped. A backup of several databases loads
 * each into the database the target maps it to (restore-databases.ts).
 */
function mongoRestorer(manifest) {
    if (manifest.object.format !== 'mongodump-archive') {
        throw new lib_errors/* DbopsError */.zJ('INVALID_INPUT', `Backup ${manifest.backupId} is a ${manifest.object.format} archive, which the MongoDB engine cannot read`, { hint: 'Restore a backup made by dbops from a mongodb:// URL.' });
    }
    return {
        program: 'dbops (in-process)',
        version: lib_version/* DBOPS_VERSION */.m,
        async restore(archivePath, target, options) {
            const into = (0,mongodb_target/* asMongoTarget */.I)(target);
            const started = Date.now();
            const checks = [];
            const databases = severalDatabases(manifest, into);
            const loaded = await withMongoClient(into, options, (client) => {
                const db = client.db(into.database);
                return loadArchive(archivePath, db, {
                    ...(databases ? { databases: new Map(databases.map(({ from, to }) => [from, client.db(to)])) } : {}),
                    ...(options.signal ? { signal: options.signal } : {}),
                    preserveUuids: options.preserveUuids === true,
                    // The manifest's counts are the collections as the dump read them: they hold before the replay, not after.
                    beforeOplog: async (duplicateIds) => {
                        checks.push(await countsBeforeReplay(client, into, databases, manifest, duplicateIds));
                    },
                });
            });
            options.log.info(`Loaded ${loaded.collections} collections and views, ${loaded.documents} documents into ${(0,mongodb_target/* describeMongoTarget */.l)(into)} in ${(0,format/* formatSeconds */.Xo)((Date.now() - started) / 1000)}`);
            const twice = readTwice(loaded.duplicateIds);
            if (twice) {
                options.log.warn(`Documents the archive holds twice: ${twice.detail}`);
                checks.unshift(twice);
            }
            const outcome = { checks, duplicateIds: loaded.duplicateIds };
            if (!loaded.oplog)
                return outcome;
            const { entries, applied, skipped, method, commands } = loaded.oplog;
            const { unfinishedTransactions = 0, preparedTransactions = 0 } = loaded.oplog;
            const range = manifest.mongodb?.oplog
                ? ` (${formatOplogTime(manifest.mongodb.oplog.start)} to ${formatOplogTime(manifest.mongodb.oplog.end)})`
                : '';
            const how = { applyOps: ' with applyOps', writes: ' with ordinary writes (the server has no applyOps)' };
            const skippedNote = skipped > 0 ? `, ${skipped} of other databases or no-ops skipped` : '';
            // The commands are named: they changed collections or indexes, which the checks after this compare with.
            const commandsNote = commands.length > 0 ? `; commands replayed: ${commands.join(', ')}` : '';
            const preparedNote = preparedTransactions > 0
                ? `; ${preparedTransactions} prepared transactions not committed by the dump's end left out, as then`
                : '';
            // A large transaction's parts without its last entry: committed writes the copy lacks. Restored, but failed.
            const unfinishedNote = unfinishedTransactions > 0
                ? `; ${unfinishedTransactions} large transactions not applied: the archive lacks their last entry, so the copy misses writes they committed`
                : '';
            const detail = `${entries} entries${range} replayed${method ? how[method] : ''}: ${applied} operations applied${skippedNote}${commandsNote}${preparedNote}${unfinishedNote}`;
            options.log.info(`Oplog: ${detail}`);
            checks.push({ name: 'oplog replayed', passed: unfinishedTransactions === 0, detail });
            return outcome;
        },
    };
}
/**
 * The databases of a backup of several and where each goes: the target says (restore-databases.ts, restore-test's
 * scratch server or restore's choice); undefined for a backup of one database.
 */
function severalDatabases(manifest, into) {
    if (!manifest.mongodb?.databases)
        return undefined;
    if (!into.databases) {
        throw new lib_errors/* DbopsError */.zJ('INTERNAL', `Backup ${manifest.backupId} holds several databases, and the target maps none`, {
            hint: 'This is a bug in dbops; please report it.',
        });
    }
    return into.databases;
}
/**
 * The document counts of a point-in-time restore, taken after the collections are loaded and before the oplog is
 * replayed: then each collection holds what the archive holds, and the manifest's counts apply.
 */
async function countsBeforeReplay(client, into, databases, manifest, duplicateIds) {
    const restored = [];
    // A backup of several databases: each restored one's collections named as the backup names them (db.collection).
    for (const { from, to } of databases ?? [{ from: undefined, to: into.database }]) {
        const inventory = await readInventory(client.db(to), dump_scope/* FULL_SCOPE */.r, { severalDatabases: from !== undefined });
        restored.push(...inventory.map((c) => (from === undefined ? c : { ...c, database: from })));
    }
    const scope = { ...(databases ? { databases: databases.map((d) => d.from) } : {}), duplicateIds };
    const counts = checkCollections(restored, manifest, scope).checks.find((c) => c.name === 'document counts (exact)');
    return {
        name: 'document counts before oplog replay (exact)',
        passed: counts?.passed ?? true,
        detail: counts?.detail ?? 'no collections with documents',
    };
}
/**
 * The documents the archive held twice, skipped (archive-loader.ts): a document deleted and inserted again with
 * the same _id while the dump read its collection. Reported, not failed: mongorestore skips them too.
 */
function readTwice(duplicateIds) {
    if (duplicateIds.size === 0)
        return undefined;
    const each = [...duplicateIds].map(([collection, n]) => `${collection}: ${n}`);
    const total = [...duplicateIds.values()].reduce((sum, n) => sum + n, 0);
    return {
        name: 'documents held twice',
        passed: true,
        detail: `${total} skipped, their _id already restored (the dump read them twice; the first copy is kept): ${each.slice(0, 5).join(', ')}${each.length > 5 ? `, … ${each.length - 5} more` : ''}`,
    };
}
//# sourceMappingURL=restorer.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/scratch-server.js






/**
 * A unique, recognisable name for restore-test's throwaway database: dbops_restore_test_<backup time>_<random>,
 * in the characters every server takes in a database name (FerretDB: ASCII letters, digits, _ and -).
 */
function scratchDatabaseName(backupId) {
    const time = backupId
        .slice(0, 15)
        .toLowerCase()
        .replace(/[^a-z0-9_-]/g, '');
    return `dbops_restore_test_${time}_${(0,external_node_crypto_.randomBytes)(3).toString('hex')}`;
}
/**
 * restore-test's session on the target server. MongoDB creates a database on its first write, so "creating" one
 * is refusing a name that exists and returning a target for it; the target keeps the URL (and so its
 * authentication database) and changes only the database the session works in. A backup of several databases gets
 * a scratch database for each (restore-databases.ts), all refused when one exists and all dropped with the scratch.
 */
async function openMongoScratchServer(target, context) {
    const session = await openMongoClient(target, context);
    /** The scratch databases of each scratch name (several for a backup of several databases). */
    const created = new Map();
    try {
        const server = await describeMongoServer(session.client);
        return {
            server,
            scratchName: scratchDatabaseName,
            async createDatabase(name, manifest) {
                const several = manifest.mongodb?.databases;
                const databases = several ? scratchDatabases(name, several) : undefined;
                const names = databases?.map((d) => d.to) ?? [name];
                const existing = await existingDatabases(session.client);
                const taken = names.find((n) => existing.has(n));
                if (taken) {
                    throw new lib_errors/* DbopsError */.zJ('UNSAFE_TARGET', `The scratch database ${taken} already exists on ${(0,mongodb_target/* describeMongoTarget */.l)(target)}`, { input: 'target-url', hint: 'Run restore-test again: the next scratch name differs.' });
                }
                created.set(name, names);
                if (databases) {
                    context.log.info(`Scratch databases of the backup's ${databases.length}: ${databases.map((d) => `${d.from} → ${d.to}`).join(', ')}`);
                }
                const into = { ...target, database: name, ...(databases ? { databases } : {}) };
                return into;
            },
            dropDatabase: async (name) => {
                for (const db of created.get(name) ?? [name])
                    await session.client.db(db).dropDatabase();
            },
            close: session.close,
        };
    }
    catch (error) {
        await session.close();
        throw error;
    }
}
async function existingDatabases(client) {
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    return new Set(databases.map((d) => d.name));
}
//# sourceMappingURL=scratch-server.js.map
// EXTERNAL MODULE: ./packages/core/lib/data-retention/plan.js + 1 modules
var plan = __webpack_require__(74913);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/data-retention-count.js

async function countCollectionRule(client, target, held, limit, maxTimeMS) {
    const collection = client.db(target.collection.database).collection(target.collection.name);
    const count = (filter) => collection.countDocuments(filter, { limit: limit + 1, maxTimeMS });
    const expired = expiredFilter(target, target.cutoff);
    const heldFilter = held.length > 0 ? idIn(held) : undefined;
    const youngFilter = target.effectiveCutoff.getTime() < target.cutoff.getTime()
        ? { [target.by]: { $gte: target.effectiveCutoff } }
        : undefined;
    const expiredCount = await count(expired);
    const heldCount = heldFilter && expiredCount > 0 ? await count({ $and: [expired, heldFilter] }) : 0;
    const youngCount = youngFilter && expiredCount > 0 ? await count({ $and: [expired, youngFilter] }) : 0;
    const kept = heldCount > 0 && youngCount > 0
        ? await count({ $and: [expired, { $or: [heldFilter, youngFilter] }] })
        : heldCount + youngCount;
    return {
        expired: expiredCount,
        protectedByHold: heldCount,
        protectedByMinimum: youngCount,
        toPurge: expiredCount - kept,
        exact: expiredCount <= limit,
        // No planner to ask: the count is the estimate.
        estimatedExpired: expiredCount,
        // Age rules only: a document with no soft-delete date is simply not deleted.
        ...(target.kind === 'age' ? { withoutTime: await count(withoutTimeFilter(target)) } : {}),
    };
}
//# sourceMappingURL=data-retention-count.js.map
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(58500);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/archive.js
var archive = __webpack_require__(85947);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/archive-run.js
var archive_run = __webpack_require__(77995);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/purge.js + 2 modules
var purge = __webpack_require__(78358);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/throttle.js
var throttle = __webpack_require__(36645);
// EXTERNAL MODULE: ./packages/core/lib/log.js
var lib_log = __webpack_require__(69579);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/data-retention-batch.js
/**
 * One purge batch on a MongoDB collection: the `_id`s of up to `size` expired, unheld documents, oldest `by`
 * first, then one deleteMany of those `_id`s that checks the cutoff and the holds (read again) once more, so a
 * document updated or put under a hold between the two survives. MongoDB has no transaction to roll back a batch in; the delete
 * is one statement, and the result says exactly which documents went. A rule that archives picks the whole
 * documents in the driver's raw mode (each one's BSON as the server sent it) and archives them before the delete:
 * an archive that fails throws before anything is deleted. A soft-delete rule with `then: anonymize` sends one
 * updateMany ($set of its fields) with the same filter instead of the delete; one with `then: erase` writes the
 * picked keys' tombstones before the delete and takes back those of documents it left. Which documents went is told
 * by idKey, never by the looser key text: `_id`s 42 and '42' in one batch are two documents.
 */


async function runCollectionBatch(client, target, 
/** The held `_id`s, read for the pick and again just before the delete (a hold added meanwhile protects too). */
readHeld, size, maxTimeMS, 
/** Runs between picking and deleting: for tests of a document changed in between; nothing else should use it. */
beforeDelete, 
/** Stores the picked documents (raw BSON, `by` order) and their keys; the delete waits for it. */
archive, 
/** A soft-delete rule that erases: the picked keys' tombstones, written before the delete. */
tombstones) {
    const collection = client.db(target.collection.database).collection(target.collection.name);
    const picked = await collection
        .find(purgeableFilter(target, await readHeld()), {
        ...(archive ? { raw: true } : { projection: { _id: 1 } }),
        sort: { [target.by]: 1, _id: 1 },
        limit: size,
        maxTimeMS,
    })
        .toArray();
    if (picked.length === 0)
        return { found: 0, rows: 0, keys: [] };
    // Raw documents are decoded for their _id only; the archive gets the bytes as they came.
    const raw = archive ? picked : undefined;
    const ids = raw ? raw.map((document) => lib.BSON.deserialize(document)._id) : picked.map((d) => d._id);
    if (archive && raw)
        await archive(raw, ids.map(keyText));
    await beforeDelete?.(ids);
    const filter = { $and: [idIn(ids), purgeableFilter(target, await readHeld())] };
    if (target.anonymize) {
        const { modifiedCount } = await collection.updateMany(filter, { $set: target.anonymize }, { maxTimeMS });
        if (modifiedCount === ids.length)
            return { found: ids.length, rows: modifiedCount, keys: ids.map(keyText) };
        // Which of them were anonymized: the others were changed meanwhile (or held) and stay as they are.
        const done = await collection
            .find({ $and: [idIn(ids), anonymizedFilter(target.anonymize)] }, { projection: { _id: 1 }, maxTimeMS })
            .toArray();
        const changed = new Set(done.map((d) => idKey(d._id)));
        return {
            found: ids.length,
            rows: modifiedCount,
            keys: ids.filter((id) => changed.has(idKey(id))).map(keyText),
        };
    }
    await tombstones?.record(ids);
    const { deletedCount } = await collection.deleteMany(filter, { maxTimeMS });
    if (deletedCount === ids.length) {
        // Only now is the erasure done: a backup that read the collection before this may rightly hold them.
        await tombstones?.complete(ids);
        return { found: ids.length, rows: deletedCount, keys: ids.map(keyText) };
    }
    // Which of them went: those still there were changed meanwhile (or held) and stay, without a tombstone.
    const left = await collection.find(idIn(ids), { projection: { _id: 1 }, maxTimeMS }).toArray();
    const stayed = new Set(left.map((d) => idKey(d._id)));
    await tombstones?.takeBack(left.map((d) => d._id));
    const deleted = ids.filter((id) => !stayed.has(idKey(id)));
    await tombstones?.complete(deleted);
    return { found: ids.length, rows: deletedCount, keys: deleted.map(keyText) };
}
//# sourceMappingURL=data-retention-batch.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/mongodb/oplog-window.js
var oplog_window = __webpack_require__(50895);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/data-retention-oplog.js
/** The oplog window as a MongoDB purge with `min-oplog-window` reads it, through its own client (oplog-window.ts). */



const data_retention_oplog_UNAUTHORIZED = 13;
/**
 * The oplog window as a purge sees it, through its own client. A server that is not a replica set member (no
 * `setName` in hello: a standalone mongod, FerretDB without --repl-set-name) has no oplog. A role that may not read
 * local.oplog.rs gets an error naming the privilege: a bound the policy set is never silently skipped.
 */
async function purgeOplogReading(client, maxTimeMS) {
    const hello = await client.db('admin').command({ hello: 1, maxTimeMS });
    if (typeof hello.setName !== 'string')
        return { kind: 'standalone' };
    const oplog = client.db('local').collection('oplog.rs');
    try {
        const window = await (0,oplog_window/* readOplogWindow */.u)(async (order) => {
            const found = await oplog
                .find({}, { sort: { $natural: order }, limit: 1, projection: { ts: 1 }, maxTimeMS })
                .toArray();
            return found[0];
        });
        return window ? { kind: 'window', ...window } : { kind: 'empty' };
    }
    catch (error) {
        if (error instanceof lib.MongoServerError && error.code === data_retention_oplog_UNAUTHORIZED)
            throw new lib_errors/* DbopsError */.zJ('PERMISSION_DENIED', `min-oplog-window is set, but this user may not read local.oplog.rs`, {
                cause: error,
                hint: "grant the user the clusterMonitor role, or remove min-oplog-window from the policy's defaults",
            });
        throw error;
    }
}
//# sourceMappingURL=data-retention-oplog.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/replication-lag.js
/**
 * The replication lag a MongoDB purge waits on (as PostgreSQL's, data-retention-lag.ts): how far the furthest
 * secondary's last applied operation is behind the primary's, from replSetGetStatus. Deletes fill the oplog that
 * secondaries replay; a purge that outruns them delays reads there and, past the oplog window, forces a resync.
 * A standalone server (FerretDB, a mongod without --replSet) has no secondaries: 0; hello says so without any
 * privilege. On a replica set member, a role without the clusterMonitor privilege cannot read the status: that is an
 * error naming the role (as the oplog window's, data-retention-oplog.ts), never a lag of 0 that would let the purge
 * outrun its secondaries unseen.
 */


const NO_REPLICA_SET = new Set([
    59, // CommandNotFound: FerretDB (with --repl-set-name too)
    76, // NoReplicationEnabled: a standalone mongod
]);
const replication_lag_UNAUTHORIZED = 13;
async function secondaryLagMs(client) {
    const admin = client.db('admin');
    if (typeof (await admin.command({ hello: 1 })).setName !== 'string')
        return 0;
    try {
        return largestSecondaryLagMs(await admin.command({ replSetGetStatus: 1 }));
    }
    catch (error) {
        if (!(error instanceof lib.MongoServerError) || typeof error.code !== 'number')
            throw error;
        if (NO_REPLICA_SET.has(error.code))
            return 0;
        if (error.code === replication_lag_UNAUTHORIZED)
            throw new lib_errors/* DbopsError */.zJ('PERMISSION_DENIED', 'the purge waits on replication lag, but this user may not read it', {
                cause: error,
                hint: 'grant the user the clusterMonitor role (replSetGetStatus)',
            });
        throw error;
    }
}
/** The largest lag among SECONDARY members behind the PRIMARY, in ms; 0 without a primary or secondaries. */
function largestSecondaryLagMs(status) {
    const members = (status.members ?? []);
    const primary = members.find((m) => m.stateStr === 'PRIMARY')?.optimeDate;
    if (!(primary instanceof Date))
        return 0;
    let lag = 0;
    for (const member of members)
        if (member.stateStr === 'SECONDARY' && member.optimeDate instanceof Date)
            lag = Math.max(lag, primary.getTime() - member.optimeDate.getTime());
    return lag;
}
//# sourceMappingURL=replication-lag.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/data-retention-purge.js
/**
 * The purge of a plan's MongoDB rules: per rule, batches of expired, unheld documents deleted by `_id`
 * (data-retention-batch.ts), paced like PostgreSQL's purge (data-retention/throttle.ts: a pause proportional to
 * each batch, the max-runtime budget, the abort signal), holds read again before every batch. A rule with archive-to
 * archives each batch's documents (raw BSON, zstd, age: data-retention/archive.ts, as PostgreSQL's rows) and checks
 * the stored object before the batch's delete: no archive, no delete. A crash between the two leaves the documents,
 * and the next run archives them again. After the first batch it never throws: the result says what was deleted,
 * with outcome 'failed' and the error, so a receipt records it.
 */
















/**
 * One purge at a time per collection. Two runs at once (a schedule overlapping a manual run) would pick the same
 * documents: both would archive them, and the run whose delete finds them gone would count them in its receipt as
 * its own. PostgreSQL needs no such guard (its delete locks the rows and returns the ones it removed); a MongoDB
 * delete returns only a count. So a rule's run holds a lease on its collection (lease.ts), renewed before every
 * batch for PURGE_LEASE_MS (longer than any one batch: each command has its maxTimeMS, an archive upload its retries).
 */
const PURGE_LEASE_MS = 15 * 60_000;
const purgeLeaseKey = (collection) => `retention:${collection}`;
const leaseEnd = () => new Date(Date.now() + PURGE_LEASE_MS);
async function purgeCollections(client, plan, options) {
    const startedAt = new Date();
    const started = performance.now();
    const { targets, skipped } = await resolveCollectionTargets(client, plan.policy, new Date(plan.now), plan.rules.map((r) => r.rule));
    const archives = new archive_run/* RunArchives */.L(options.archive);
    const policy = plan.policy;
    const pacing = {
        sleepMs: options.sleepMs ?? policy.defaults.sleepMs,
        sleepCoefficient: options.sleepCoefficient ?? policy.defaults.sleepCoefficient,
        maxRuntimeMs: options.maxRuntimeMs ?? policy.defaults.maxRuntimeMs,
    };
    const size = options.batchSize ?? policy.defaults.batchSize;
    const maxTimeMS = options.statementTimeoutMs ?? purge/* DEFAULT_PURGE_STATEMENT_TIMEOUT_MS */.p_;
    const log = options.log ?? lib_log/* silentLogger */.qq;
    let outcome = 'complete';
    let error;
    const stopped = () => {
        if (options.signal?.aborted)
            outcome = 'aborted';
        return options.signal?.aborted === true;
    };
    /** Sleeps unless that would spend the budget or the run is aborted; false to stop. */
    const pause = async (ms) => {
        if (stopped())
            return false;
        if ((0,throttle/* budgetSpent */.m)(pacing, performance.now() - started, ms)) {
            outcome = 'time-budget';
            return false;
        }
        if (ms > 0)
            await (0,promises_.setTimeout)(ms, undefined, options.signal ? { signal: options.signal } : undefined).catch(() => undefined);
        return !stopped();
    };
    const maxLagMs = options.maxReplicationLagMs ?? policy.defaults.maxReplicationLagMs;
    let minOplogWindowMs = options.minOplogWindowMs ?? policy.defaults.minOplogWindowMs;
    const warnings = [];
    // A server with no oplog has no window to keep: the bound cannot apply, and the run says so rather than pass it by.
    if (minOplogWindowMs !== undefined && (await purgeOplogReading(client, maxTimeMS)).kind === 'standalone') {
        const warning = `min-oplog-window (${(0,format/* formatSeconds */.Xo)(minOplogWindowMs / 1000)}) does not apply: the server is not a replica set member, so it has no oplog; the purge went on without that bound`;
        log.warn(warning);
        warnings.push(warning);
        minOplogWindowMs = undefined;
    }
    const waits = { lag: 0, oplog: 0 };
    let waitingFor;
    /** Why the server has no room for a batch now (and which wait it counts to), or undefined when it has. */
    const pressure = async () => {
        const lag = await secondaryLagMs(client);
        if (lag > maxLagMs)
            return {
                wait: 'lag',
                reason: `A secondary lags ${Math.round(lag)} ms behind (max-replication-lag ${maxLagMs} ms)`,
            };
        if (minOplogWindowMs === undefined)
            return undefined;
        const oplog = await purgeOplogReading(client, maxTimeMS);
        const seconds = oplog.kind === 'window' ? oplog.seconds : 0;
        if (seconds * 1000 >= minOplogWindowMs)
            return undefined;
        return {
            wait: 'oplog',
            reason: oplog.kind === 'window'
                ? `The oplog window is ${(0,format/* formatSeconds */.Xo)(seconds)} (min-oplog-window ${(0,format/* formatSeconds */.Xo)(minOplogWindowMs / 1000)})`
                : `The oplog (local.oplog.rs) has no entries, so no window (min-oplog-window ${(0,format/* formatSeconds */.Xo)(minOplogWindowMs / 1000)})`,
        };
    };
    /** Before each batch: waits while a secondary lags or the oplog window is short; false to stop. */
    const waitForRoom = async () => {
        for (;;) {
            if (stopped())
                return false;
            const short = await pressure();
            if (!short) {
                waitingFor = undefined;
                return true;
            }
            if (waitingFor !== short.reason)
                log.info(`${short.reason}; waiting`);
            waitingFor = short.reason;
            const before = performance.now();
            const goOn = await pause(options.lagCheckIntervalMs ?? 1000);
            waits[short.wait] += performance.now() - before;
            if (!goOn)
                return false;
        }
    };
    /** The rule's archiving step, or undefined when it does not archive; throws before its first batch when unusable. */
    const archiveStep = async (target, stored) => {
        if (target.archiveTo === undefined)
            return undefined;
        const { storage, encryption } = await archives.forRule(target.rule, target.archiveTo);
        return async (documents, keys, batch) => {
            const record = await (0,archive/* archiveBatch */.Vt)(storage, encryption, archives.runId, {
                rule: target.rule,
                table: target.namespace,
                batch,
                content: 'bson',
                rows: documents,
                keyRange: { first: keys[0], last: keys.at(-1) },
            }, options.signal);
            stored(record);
            log.info(`Rule '${target.rule}': ${documents.length} documents archived to ${record.location}`);
            await options.afterArchive?.(record);
        };
    };
    // Every rule has its entry, a rule the run did not reach with nothing deleted, as PostgreSQL's purge has.
    const results = targets.map((target) => ({
        rule: target.rule,
        table: target.namespace,
        action: target.action,
        cutoff: target.cutoff.toISOString(),
        effectiveCutoff: target.effectiveCutoff.toISOString(),
        rows: 0,
        batches: 0,
        durationMs: 0,
        complete: false,
        keysSha256: (0,external_node_crypto_.createHash)('sha256').digest('hex'),
        archives: [],
    }));
    for (const [i, target] of targets.entries()) {
        if (i > 0 && !(await pause(0)))
            break;
        const result = results[i];
        const hash = (0,external_node_crypto_.createHash)('sha256');
        const ruleStart = performance.now();
        // The current batch's archive, once stored: named by the receipt when the batch deleted documents.
        let archived;
        let lease;
        try {
            // One run at a time per collection (PURGE_LEASE_MS): another run's rule is left to it.
            const db = client.db(target.collection.database);
            const key = purgeLeaseKey(target.collection.name);
            const taken = await takeLease(db, key, archives.runId, leaseEnd(), maxTimeMS);
            if ('heldBy' in taken) {
                const warning = `Rule '${target.rule}' left to another run: ${target.namespace} is being purged by ${describeHolder(taken.heldBy)}`;
                log.warn(warning);
                warnings.push(warning);
                continue;
            }
            lease = taken.lease;
            const archive = await archiveStep(target, (record) => (archived = record));
            // Erased soft-deleted documents leave tombstones (age rules' expired documents are no one's erasure).
            const tombstones = target.kind === 'soft-delete' && target.action === 'delete'
                ? await collectionTombstones(client, target, maxTimeMS)
                : undefined;
            if (tombstones) {
                // A run that stopped between tombstone and delete (or delete and completion) is finished first.
                const finished = await tombstones.finishUnfinished(() => readHeldIds(client, target, maxTimeMS));
                if (finished.completed + finished.takenBack > 0)
                    log.info(`Rule '${target.rule}': an earlier run stopped mid-erasure; ${finished.completed} tombstones completed (their documents are gone), ${finished.takenBack} taken back (their documents are no longer expired)`);
            }
            for (;;) {
                if (!(await waitForRoom()))
                    break;
                await lease.extend(leaseEnd());
                const batchStart = performance.now();
                const batch = await runCollectionBatch(client, target, () => readHeldIds(client, target, maxTimeMS), size, maxTimeMS, undefined, archive && ((documents, keys) => archive(documents, keys, result.batches + 1)), tombstones);
                const batchMs = performance.now() - batchStart;
                const record = archived;
                archived = undefined;
                if (batch.rows > 0) {
                    result.rows += batch.rows;
                    result.batches++;
                    if (record)
                        result.archives.push(record);
                    for (const key of batch.keys)
                        hash.update(`${key}\n`);
                    await options.onBatch?.({
                        rule: target.rule,
                        table: target.namespace,
                        batch: result.batches,
                        rows: batch.rows,
                        ruleRows: result.rows,
                        durationMs: Math.round(batchMs),
                    });
                }
                // Fewer than a batch: the rule is done. None of a full batch deleted: every one changed meanwhile; stop
                // rather than pick them again.
                if (batch.found < size || batch.rows === 0) {
                    result.complete = batch.found < size;
                    break;
                }
                if (!(await pause((0,throttle/* pauseAfterBatch */.l)(pacing, batchMs))))
                    break;
            }
        }
        catch (cause) {
            // A delete that failed may still have run on the server: the receipt names its archive all the same.
            if (archived)
                result.archives.push(archived);
            // A cancel closes the client under a running command: that is an abort, not a failure.
            if (stopped())
                break;
            outcome = 'failed';
            const failure = (0,lib_errors/* asDbopsError */.lS)(cause);
            error = new lib_errors/* DbopsError */.zJ(failure.code, `Rule '${target.rule}' on ${target.namespace}: ${failure.message}; ${result.rows} documents in ${result.batches} batches stay ${target.action === 'anonymize' ? 'anonymized' : 'deleted'}`, { cause, ...(failure.hint ? { hint: failure.hint } : {}), ...(failure.input ? { input: failure.input } : {}) });
        }
        finally {
            result.keysSha256 = hash.digest('hex');
            result.durationMs = Math.round(performance.now() - ruleStart);
            // A client closed by a cancel cannot release it: the lease then ends by itself (PURGE_LEASE_MS).
            await lease?.release().catch(() => undefined);
        }
        if (outcome !== 'complete')
            break;
        log.info(`Rule '${target.rule}': ${result.rows} documents ${target.action === 'anonymize' ? 'anonymized in' : 'deleted from'} ${target.namespace} in ${result.batches} batches`);
    }
    return {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        now: plan.now,
        outcome,
        ...(error ? { error } : {}),
        rules: results,
        skipped,
        lagWaitMs: Math.round(waits.lag),
        ...(minOplogWindowMs === undefined ? {} : { oplogWaitMs: Math.round(waits.oplog) }),
        ...(waitingFor ? { stoppedWaitingFor: waitingFor } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
    };
}
//# sourceMappingURL=data-retention-purge.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/data-retention-receipts.js
/**
 * The receipts' second home on MongoDB, as PostgreSQL's dbops_retention_receipts table is there: a collection dbops
 * owns in the database-url's database, one document per receipt keyed by its SHA-256, so the proof of a deletion
 * sits next to the data it concerns. The storage copy (receipts-to) is the chain retention-verify checks. Without
 * receipts-to this collection is the chain: a unique index on `chainSlot` refuses a second receipt of one sequence
 * (two runs that read the same head), and the later run links after the other (recordAfterHead). Only those home
 * inserts claim a slot of their sequence: a copy (retention-purge's, or an erase's with receipts-to) carries the
 * storage chain's sequence, which an erase without receipts-to may have used here too, so a copy's slot is its own
 * SHA-256. FerretDB has no partial or sparse indexes, hence one field every document carries rather than a partial
 * index on `{policy, sequence}`.
 */


const RECEIPT_COLLECTION = 'dbops_retention_receipts';
const data_retention_receipts_DUPLICATE_KEY = 11000;
const CHAIN_INDEX = 'dbops_chain_slot';
/**
 * Returns where the receipt went: database.collection. `home`: this collection is the chain (no receipts-to), and a
 * second receipt of the sequence is refused with ALREADY_EXISTS; otherwise it is a copy and never clashes by sequence.
 */
async function recordReceiptDocument(client, database, receipt, home = false) {
    const where = `${database}.${RECEIPT_COLLECTION}`;
    if (home)
        await ensureChainIndex(client, database);
    try {
        await client
            .db(database)
            .collection(RECEIPT_COLLECTION)
            .insertOne({
            _id: receipt.sha256,
            policy: receipt.policy,
            sequence: receipt.sequence,
            previousSha256: receipt.previousSha256,
            chainSlot: home ? homeSlot(receipt.policy, receipt.sequence) : `copy:${receipt.sha256}`,
            receipt,
            recordedAt: new Date(),
        });
    }
    catch (error) {
        if (!(error instanceof lib.MongoServerError && error.code === data_retention_receipts_DUPLICATE_KEY))
            throw error;
        throw new lib_errors/* DbopsError */.zJ('ALREADY_EXISTS', `${where} already holds receipt ${receipt.sequence} of '${receipt.policy}': another run recorded after the same head`, { cause: error, hint: 'Link the receipt after the chain head as it is now.' });
    }
    return where;
}
function homeSlot(policy, sequence) {
    return `home:${sequence}:${policy}`;
}
/**
 * The unique index that keeps the chain from forking; created before an erasure without receipts-to starts
 * (receiptCollectionHead), so a collection that already holds a fork of home receipts stops it before anything is
 * deleted. Documents written before slots existed become copies: they may share a sequence with a purge's copy.
 */
async function ensureChainIndex(client, database) {
    const receipts = client.db(database).collection(RECEIPT_COLLECTION);
    const unslotted = await receipts.find({ chainSlot: { $exists: false } }, { projection: { _id: 1 } }).toArray();
    for (const { _id } of unslotted)
        await receipts.updateOne({ _id }, { $set: { chainSlot: `copy:${_id}` } });
    try {
        await receipts.createIndex({ chainSlot: 1 }, { unique: true, name: CHAIN_INDEX });
    }
    catch (error) {
        // Told by looking, not by the code: FerretDB fails such an index with its own.
        const [fork] = await receipts
            .aggregate([
            { $match: { chainSlot: { $regex: '^home:' } } },
            { $group: { _id: '$chainSlot', n: { $sum: 1 } } },
            { $match: { n: { $gt: 1 } } },
            { $limit: 1 },
        ])
            .toArray();
        if (!fork)
            throw error;
        const [, sequence, policy] = /^home:(\d+):(.*)$/s.exec(fork._id) ?? [];
        throw new lib_errors/* DbopsError */.zJ('INTEGRITY_FAILED', `${database}.${RECEIPT_COLLECTION} holds two receipts of one sequence of a chain (two runs linked after the same head before dbops prevented it): receipt ${sequence} of '${policy}'`, {
            cause: error,
            hint: 'Nothing was changed. A forked chain needs a person, not a new link: find the two receipts of one policy and sequence, keep both as records elsewhere, and leave one chain in the collection.',
        });
    }
}
/** The chain's last link as the receipts collection holds it, for a run without receipts-to; undefined when none. */
async function receiptCollectionHead(client, database, policy) {
    await ensureChainIndex(client, database);
    const [last] = await client
        .db(database)
        .collection(RECEIPT_COLLECTION)
        .find({ policy }, { sort: { sequence: -1 }, limit: 1, projection: { _id: 1, sequence: 1 } })
        .toArray();
    return last ? { sequence: last.sequence, sha256: last._id } : undefined;
}
//# sourceMappingURL=data-retention-receipts.js.map
// EXTERNAL MODULE: ./packages/core/lib/data-retention/erasure-stopped.js
var erasure_stopped = __webpack_require__(94938);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/subject-held.js
var subject_held = __webpack_require__(66409);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/subject-minimums.js
var subject_minimums = __webpack_require__(75683);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/subject-keys.js
var subject_keys = __webpack_require__(34846);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/subject-budget.js
/**
 * The cap on what one subject's export or erase holds in memory on MongoDB (docs/retention.md, "MongoDB subjects"):
 * the `_id`s of its documents at every level, about 100 bytes each (the export holds the documents too). The
 * deepest-first erase and its receipt's hash over the sorted keys need them all, so rather than let a subject with
 * millions of nested documents exhaust the runner's memory, the walk counts each document as it reads it and stops
 * at the first one over the rule's `max-subject-documents`. The erase and the export walk every level before they
 * delete or write anything, so a refused subject is left whole and nothing is exported.
 */


class SubjectBudget {
    scope;
    id;
    held = 0;
    /** Documents counted per collection, for the message. */
    counted = new Map();
    constructor(scope, id) {
        this.scope = scope;
        this.id = id;
    }
    /** The rule's limit: the subject's own rule's, whichever collections its documents are in. */
    get max() {
        return this.scope.rule?.maxSubjectDocuments ?? data_retention_policy/* DEFAULT_MAX_SUBJECT_DOCUMENTS */.hA;
    }
    /** Counts one document of `node` read into memory; throws CHECK_FAILED (naming the rule) once there are too many. */
    take(node) {
        this.held++;
        this.counted.set(node.namespace, (this.counted.get(node.namespace) ?? 0) + 1);
        if (this.held > this.max)
            throw this.tooMany();
    }
    tooMany() {
        const rule = this.scope.rule;
        const name = rule ? `rule '${rule.name}'` : 'a rule';
        const where = [...this.counted].map(([namespace, n]) => `${n} in ${namespace}`).join(', ');
        return new lib_errors/* DbopsError */.zJ('CHECK_FAILED', `Subject ${this.id} of ${this.scope.subject.namespace} has more documents than ${name} allows (max-subject-documents: ${this.max}): ${this.held} found before counting stopped (${where})`, {
            input: 'policy',
            hint: `Their _ids are held in memory, about 100 bytes each: on a runner with the memory for it, raise max-subject-documents on ${name}${rule ? ` (policy line ${rule.line})` : ''}, e.g. max-subject-documents: ${Math.min(this.max * 10, data_retention_policy/* MAX_SUBJECT_DOCUMENTS_LIMIT */.Dg)} (at most ${data_retention_policy/* MAX_SUBJECT_DOCUMENTS_LIMIT */.Dg}).`,
        });
    }
}
//# sourceMappingURL=subject-budget.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/subject-levels.js

/** Parent `_id`s per query (up to three forms each in its `$in`), and `_id`s per delete. */
const ID_BATCH = 1000;
/** The filters of a node's documents, one per batch of its parent's `_id`s (the subject's own: its `_id`). */
function* levelFilters(scope, node, parentIds) {
    if (node.field === undefined) {
        yield { _id: scope._id };
        return;
    }
    // The stored value itself (a UUID, a 16-digit number, a date are not brought back from their text) and the
    // forms a reference may hold it in.
    for (const batch of batches(parentIds))
        yield { [node.field]: { $in: batch.flatMap((id) => idForms(id)) } };
}
/**
 * The `_id`s of a node's documents that match a filter, in `_id` order; `seen` (idKey: 42 and '42' are two) skips
 * those already taken and gets the new ones. Each is counted against `budget` as it arrives, so a subject with too many stops the read.
 */
async function pickIds(client, node, filter, maxTimeMS, budget, seen = new Set()) {
    const ids = [];
    const cursor = client
        .db(node.collection.database)
        .collection(node.collection.name)
        .find(filter, { projection: { _id: 1 }, sort: { _id: 1 }, maxTimeMS });
    for await (const { _id } of cursor) {
        const key = idKey(_id);
        if (seen.has(key))
            continue;
        budget.take(node);
        seen.add(key);
        ids.push(_id);
    }
    return ids;
}
/** The `_id`s of a node's documents, each once (an array field may reference parents of two batches). */
async function nodeIds(client, scope, node, parentIds, maxTimeMS, budget) {
    const seen = new Set();
    const ids = [];
    // One push each: a spread of a million arguments would overflow the stack.
    for (const filter of levelFilters(scope, node, parentIds))
        for (const id of await pickIds(client, node, filter, maxTimeMS, budget, seen))
            ids.push(id);
    return ids;
}
/** Every node's `_id`s (same positions as `scope.nodes`), breadth first from the subject's document. */
async function treeIds(client, scope, maxTimeMS, budget) {
    const ids = [];
    for (const node of scope.nodes)
        ids.push(await nodeIds(client, scope, node, node.parent === undefined ? [] : ids[node.parent], maxTimeMS, budget));
    return ids;
}
/**
 * The `_id`s of the documents of node i's ancestors as they are now (node index → `_id`s), read again from the subject
 * down: an erase asks before each pass over a node, so a parent document written since the count (a new order) has
 * its dependants taken too, and a hold placed since on any of them stops it. The subject's own is its `_id`, whether
 * its document is still there or not: documents written for it after it was deleted are found too.
 */
async function lineageNow(client, scope, i, maxTimeMS, budget) {
    const path = [];
    for (let at = scope.nodes[i].parent; at !== undefined; at = scope.nodes[at].parent)
        path.unshift(at);
    const lineage = new Map();
    for (const at of path) {
        const node = scope.nodes[at];
        lineage.set(at, node.parent === undefined
            ? [scope._id]
            : await nodeIds(client, scope, node, lineage.get(node.parent), maxTimeMS, budget));
    }
    return lineage;
}
/** A list cut into ID_BATCH-long pieces. */
function batches(list) {
    const out = [];
    for (let at = 0; at < list.length; at += ID_BATCH)
        out.push(list.slice(at, at + ID_BATCH));
    return out;
}
//# sourceMappingURL=subject-levels.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/subject-tree.js



/** More nodes than a person's documents should be spread over: beyond it, the policy's graph is refused. */
const MAX_SUBJECT_COLLECTIONS = 200;
/** The soft-delete rule of a collection, if the policy has one: its `dependants` and its `then`. */
function softDeleteRuleOf(policy, collection) {
    return policy.data.find((r) => r.kind === 'collection' &&
        'softDelete' in r &&
        r.collection.database === collection.database &&
        r.collection.name === collection.name);
}
/** Throws INVALID_INPUT naming `policy` for a declared collection that does not exist, or a graph too large. */
async function subjectTree(client, policy, root) {
    const nodes = [{ collection: root, namespace: (0,data_retention_policy/* collectionText */.EK)(root), depth: 0 }];
    const notFollowed = [];
    const checked = new Set();
    const rootRule = softDeleteRuleOf(policy, root);
    for (let i = 0; i < nodes.length; i++) {
        const parent = nodes[i];
        const rule = softDeleteRuleOf(policy, parent.collection);
        for (const dependant of rule?.dependants ?? []) {
            const namespace = (0,data_retention_policy/* collectionText */.EK)(dependant.collection);
            if (onPath(nodes, i, namespace)) {
                notFollowed.push({ table: namespace, field: dependant.field, references: parent.namespace });
                continue;
            }
            if (!checked.has(namespace)) {
                if (!(await collectionExists(client, dependant.collection)))
                    throw new lib_errors/* DbopsError */.zJ('INVALID_INPUT', `Policy line ${dependant.line}: rule '${rule.name}' declares the dependant collection ${namespace}, which does not exist`, {
                        input: 'policy',
                        hint: 'dependants: - { collection: database.collection, field: the field holding the subject _id }, naming a collection the database has',
                    });
                checked.add(namespace);
            }
            if (nodes.length >= MAX_SUBJECT_COLLECTIONS)
                throw new lib_errors/* DbopsError */.zJ('INVALID_INPUT', `Policy line ${rootRule.line}: the dependants of rule '${rootRule.name}' (${nodes[0].namespace}), followed through their collections' rules, lead to more than ${MAX_SUBJECT_COLLECTIONS} collections (counted once per path)`, {
                    input: 'policy',
                    hint: "Declare fewer dependants along the paths from this collection (each rule lists the collections holding its own documents' _id).",
                });
            nodes.push({
                collection: dependant.collection,
                namespace,
                field: dependant.field,
                parent: i,
                depth: parent.depth + 1,
            });
        }
    }
    return { nodes, notFollowed };
}
/** Whether `namespace` is node i or one of its ancestors: following it again would loop. */
function onPath(nodes, i, namespace) {
    for (let at = i; at !== undefined; at = nodes[at].parent)
        if (nodes[at].namespace === namespace)
            return true;
    return false;
}
//# sourceMappingURL=subject-tree.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/subject-scope.js






const TABLE_FORM = "a collection of the database-url's database, or database.collection, e.g. users or app.users";
/** Throws INVALID_INPUT naming `table`, `id` or `policy`, CHECK_FAILED for a held subject or unreadable holds. */
async function mongoSubjectScope(client, database, policy, table, id, maxTimeMS) {
    const collection = subjectCollection(table, database);
    const namespace = (0,data_retention_policy/* collectionText */.EK)(collection);
    if (!(await collectionExists(client, collection))) {
        const names = await collectionNames(client, collection.database);
        throw (0,lib_errors/* invalidInput */.aY)('table', `names '${table}', which is not a collection of database ${collection.database} (${names.length > 0 ? `collections: ${names.join(', ')}` : 'it has no collections'})`, TABLE_FORM);
    }
    // Fail closed before any document is read: hold collections that are not there stop the run.
    const holdSources = await checkHolds(client, policy);
    const held = (of) => readHeldIds(client, { holdSources, holdNames: holdNames(of) }, maxTimeMS);
    const found = await client
        .db(collection.database)
        .collection(collection.name)
        .find({ _id: { $in: idForms(id) } }, { projection: { _id: 1 }, limit: 2, maxTimeMS })
        .toArray();
    const idForm = `the _id of one document of ${namespace}: an ObjectId's 24 hex digits, a string or a number`;
    if (found.length === 0)
        throw (0,lib_errors/* invalidInput */.aY)('id', `'${id}' matches no document of ${namespace}`, idForm);
    if (found.length > 1)
        throw (0,lib_errors/* invalidInput */.aY)('id', `'${id}' matches ${found.length} documents of ${namespace} (an _id stored both as text and as a number or ObjectId)`, `${idForm}; the two documents have to be told apart by hand`);
    const _id = found[0]._id;
    if (heldKeys(await held(collection)).has(keyText(_id)))
        throw (0,subject_held/* heldError */.k)(namespace, id);
    const rule = softDeleteRuleOf(policy, collection);
    const tree = await subjectTree(client, policy, collection);
    return {
        subject: tree.nodes[0],
        _id,
        ...(rule ? { rule } : {}),
        ...tree,
        held,
    };
}
/** `--table`: database.collection, or a collection of the URL's database (the first dot splits, as in policies). */
function subjectCollection(table, database) {
    const qualified = /^([^./\s"$]+)\.([^\s$]+)$/.exec(table);
    if (qualified)
        return { database: qualified[1], name: qualified[2] };
    if (/^[^\s$.][^\s$]*$/.test(table))
        return { database, name: table };
    throw (0,lib_errors/* invalidInput */.aY)('table', `is '${table}', which is not a collection name`, TABLE_FORM);
}
/** Held `_id`s as key text (42 and '42' alike), to test documents against. */
function heldKeys(held) {
    return new Set(held.map(keyText));
}
//# sourceMappingURL=subject-scope.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/subject-erase.js
/**
 * GDPR erasure of one subject on MongoDB, as the policy's soft-delete rule for its collection says (`then`): erase
 * deletes the documents of its declared dependants, theirs in turn, deepest first (subject-tree.ts), then the
 * subject's own document; anonymize sets the rule's fields of the subject's document only. Refused, with nothing
 * changed, when a legal hold names the subject or a document the erase would delete, or when the holds cannot be
 * read. A dry run only counts.
 *
 * MongoDB has no transaction across collections without a replica set, so the erase is not all-or-nothing. It is
 * ordered so that every state a crash can leave is safe and the next run finishes it: the subject's document goes
 * last among what was found before it (until then the subject can be named again, and a second run erases what is
 * left), and the dependants are passed over once more from its `_id` after it, for what was written meanwhile; each
 * delete is preceded
 * by its documents' tombstones (`completed_at: null`) and followed by their completion, as retention-purge's
 * batches are (data-retention-tombstones.ts); an applied run first completes the unfinished tombstones of documents
 * already gone in every collection it erases from. Each collection is erased under retention-purge's lease on it
 * (lease.ts): a purge of that collection at the same moment could claim the same documents in its receipt.
 */














/** Passes over the dependants: more means documents of the subject keep being written meanwhile. */
const MAX_PASSES = 5;
async function eraseMongoSubject(client, database, policy, options) {
    const startedAt = new Date().toISOString();
    const { id, dryRun } = options;
    const maxTimeMS = options.statementTimeoutMs ?? 60_000;
    const scope = await mongoSubjectScope(client, database, policy, options.table, id, maxTimeMS);
    const { subject, rule } = scope;
    if (!rule) {
        const covered = policy.data.flatMap((r) => r.kind === 'collection' && 'softDelete' in r ? [(0,data_retention_policy/* collectionText */.EK)(r.collection)] : []);
        throw (0,lib_errors/* invalidInput */.aY)('table', `names ${subject.namespace}, which no soft-delete rule of the policy covers`, `a collection with a soft-delete rule (collection, soft-delete, grace, then: erase or anonymize)${covered.length ? `: ${covered.join(', ')}` : ''}`);
    }
    const result = (tables, tombstones) => ({
        rule: rule.name,
        id,
        action: rule.afterGrace.action,
        table: subject.namespace,
        dryRun,
        startedAt,
        finishedAt: new Date().toISOString(),
        tables,
        tombstones,
    });
    const then = rule.afterGrace;
    if (then.action === 'anonymize') {
        if (dryRun)
            return result([{ table: subject.namespace, action: 'anonymize', rows: 1, keysSha256: '' }], 0);
        // The salt the receipt's hash needs, before the document changes: a salt that cannot be made fails the run with
        // nothing anonymized, not an anonymized subject without a receipt.
        const salt = await ensureSalt(client, subject.collection.database, maxTimeMS);
        // Held meanwhile: checked again just before the update, which also leaves a held document alone.
        const held = await scope.held(subject.collection);
        if (heldKeys(held).has(keyText(scope._id)))
            throw (0,subject_held/* heldError */.k)(subject.namespace, id);
        const { matchedCount } = await client
            .db(subject.collection.database)
            .collection(subject.collection.name)
            .updateOne({ $and: [{ _id: scope._id }, { _id: { $nin: held } }] }, { $set: then.columns }, { maxTimeMS });
        const keys = matchedCount > 0 ? [keyText(scope._id)] : [];
        return result([{ table: subject.namespace, action: 'anonymize', rows: matchedCount, keysSha256: (0,subject_keys/* subjectKeysHash */.r)(salt, keys) }], 0);
    }
    // Every node counted (no more than the rule allows) and checked against the holds before anything is deleted.
    const ids = await treeIds(client, scope, maxTimeMS, new SubjectBudget(scope, id));
    const order = eraseOrder(scope);
    const tables = [];
    for (const i of order) {
        const of = scope.nodes[i];
        const keys = heldKeys(await scope.held(of.collection));
        const held = ids[i].filter((k) => keys.has(keyText(k))).length;
        if (held > 0)
            throw (0,subject_held/* heldError */.k)(subject.namespace, id, `${held} of its dependant documents in ${of.namespace} are held`);
        const parent = of.parent === undefined ? undefined : scope.nodes[of.parent];
        tables.push({
            table: of.namespace,
            ...(parent ? { field: of.field, references: parent.namespace } : {}),
            action: 'delete',
            rows: ids[i].length,
            keysSha256: '',
        });
    }
    (0,subject_minimums/* refuseUnderMinimums */.u)(policy, subject.namespace, id, order.map((i, at) => ({
        name: { schema: scope.nodes[i].collection.database, name: scope.nodes[i].collection.name },
        table: scope.nodes[i].namespace,
        rows: tables[at].rows,
    })), 'documents');
    if (dryRun)
        return result(tables, 0);
    // Kept batch by batch, so that a failure says (and its receipt records) what was erased, in the collection it
    // stopped in too.
    const progress = { subjectErased: false, erased: order.map(() => []) };
    const holder = `subject-erase-${(0,external_node_crypto_.randomUUID)()}`;
    const writers = new Map();
    /** Each database's tombstone salt, which keys the receipt's hashes (subject-keys.ts). */
    const salts = new Map();
    const keysHash = (at, ids) => {
        const { database: of } = scope.nodes[order[at]].collection;
        return (0,subject_keys/* subjectKeysHash */.r)(salts.get(of), ids.map(keyText));
    };
    /** One pass over the node at position `at` of the order, under its lease; returns how many documents it erased. */
    const eraseNode = async (at) => {
        const i = order[at];
        const of = scope.nodes[i];
        const db = client.db(of.collection.database);
        const until = new Date(Date.now() + PURGE_LEASE_MS);
        const taken = await takeLease(db, purgeLeaseKey(of.collection.name), holder, until, maxTimeMS);
        if ('heldBy' in taken)
            throw new lib_errors/* DbopsError */.zJ('CONFLICT', `${of.namespace} is being purged by ${describeHolder(taken.heldBy)}`, {
                hint: 'Erase again once that retention-purge has finished (its lease ends with it).',
            });
        try {
            let writer = writers.get(i);
            if (!writer) {
                writer = await tombstoneWriter(client, of.collection, 'subject-erase', maxTimeMS);
                salts.set(of.collection.database, await ensureSalt(client, of.collection.database, maxTimeMS));
                // An earlier erasure that stopped between a delete and its completion is finished first.
                await writer.completeGone();
                writers.set(i, writer);
            }
            // Renewed before every batch, as a purge's: a large collection may take longer than one lease.
            const renew = () => taken.lease.extend(new Date(Date.now() + PURGE_LEASE_MS));
            const erased = await eraseDocuments(client, scope, id, i, writer, renew, maxTimeMS, options.onBatch, (gone) => {
                for (const one of gone)
                    progress.erased[at].push(one);
                if (of.parent === undefined && gone.length > 0)
                    progress.subjectErased = true;
            });
            return erased.length;
        }
        finally {
            await taken.lease.release().catch(() => undefined);
        }
    };
    const dependants = order.flatMap((_, at) => (at === order.length - 1 ? [] : [at]));
    try {
        // The dependants are passed over again until a pass finds none: a document written for the subject into a
        // collection after its turn (an order once the orders were done) is taken by the next pass. Then the subject's
        // document; then the dependants again, from its `_id`, until a pass finds none: what was written for it up to
        // its delete goes too.
        for (let pass = 1;; pass++) {
            let found = 0;
            const writing = [];
            for (const at of dependants) {
                const n = await eraseNode(at);
                found += n;
                if (n > 0)
                    writing.push(scope.nodes[order[at]].namespace);
            }
            if (found > 0 && pass >= MAX_PASSES)
                throw new lib_errors/* DbopsError */.zJ('CHECK_FAILED', `documents of ${writing.join(', ')} that belong to the subject kept being written during the erasure (${MAX_PASSES} passes)`, { hint: 'Stop what writes them (the application still serves the subject), then erase again.' });
            if (found > 0)
                continue;
            if (progress.subjectErased)
                break;
            await eraseNode(order.length - 1);
            // Deleted meanwhile by someone else: its documents were not this erasure's to take.
            if (!progress.subjectErased)
                break;
        }
    }
    catch (cause) {
        const failure = (0,lib_errors/* asDbopsError */.lS)(cause);
        const next = progress.subjectErased
            ? "The subject's document is gone, so there is nothing left to run the erase again on; its tombstones record what was erased."
            : 'MongoDB has no transaction across collections here: run the erase again to finish it once the cause is gone.';
        // What was erased, per collection, for the receipt of a stopped erasure.
        const done = progress.erased.flatMap((ids, at) => ids.length === 0 ? [] : [{ ...tables[at], rows: ids.length, keysSha256: keysHash(at, ids) }]);
        throw new erasure_stopped/* ErasureStopped */.T(failure.code, `Erasing subject ${id} of ${subject.namespace}: ${failure.message}; ${progress.erased.flat().length} documents were erased before it (each with its tombstone), the subject's document ${progress.subjectErased ? 'among them' : 'was not'}`, {
            cause,
            hint: `${failure.hint ? `${failure.hint} ` : ''}${next}`,
            ...(failure.input ? { input: failure.input } : {}),
        }, result(done, progress.erased.reduce((n, ids) => n + distinct(ids), 0)));
    }
    for (const [at, ids] of progress.erased.entries()) {
        tables[at].rows = ids.length;
        tables[at].keysSha256 = keysHash(at, ids);
    }
    return result(tables, progress.erased.reduce((n, ids) => n + distinct(ids), 0));
}
/**
 * The nodes in the order they are erased: deepest first, so a document is deleted only after every document that
 * references it (a dependant's dependants before it), and the subject's own document last. Within a level, the
 * policy's order.
 */
function eraseOrder(scope) {
    return scope.nodes.map((_, i) => i).sort((a, b) => scope.nodes[b].depth - scope.nodes[a].depth || a - b);
}
/**
 * Deletes a node's documents of the subject as they are now, each after its tombstone, ID_BATCH at a time; returns
 * the deleted `_id`s (also given to `erased` batch by batch). A delete matches a document only while it still
 * references the batch's parents. Before every batch the holds are read again: a hold added since the count on one of
 * the batch's documents keeps it and stops the erasure after the batch; one on the subject or on a document above
 * these (an order of the items) stops it before the batch, nothing of it deleted, as PostgreSQL refuses the whole
 * erasure.
 */
async function eraseDocuments(client, scope, id, i, writer, renew, maxTimeMS, onBatch, erased) {
    const of = scope.nodes[i];
    const collection = client.db(of.collection.database).collection(of.collection.name);
    const deleted = [];
    // Read again under the same limit: documents written since the count cannot take the memory either.
    const budget = new SubjectBudget(scope, id);
    const lineage = await lineageNow(client, scope, i, maxTimeMS, budget);
    const parentIds = of.parent === undefined ? [] : lineage.get(of.parent);
    for (const filter of levelFilters(scope, of, parentIds)) {
        const picked = await pickIds(client, of, filter, maxTimeMS, budget);
        for (const ids of batches(picked)) {
            await renew();
            // Read before every delete, as a purge's batches do: a hold placed during a long erasure is honoured, and
            // a hold source that can no longer be read stops it.
            await refuseHeldAbove(scope, id, lineage);
            const held = await scope.held(of.collection);
            const nowHeld = heldKeys(held);
            await writer.record(ids);
            await collection.deleteMany({ $and: [idIn(ids), filter, { _id: { $nin: held } }] }, {
                maxTimeMS,
            });
            const leftIds = (await collection.find(idIn(ids), { projection: { _id: 1 }, maxTimeMS }).toArray()).map((d) => d._id);
            // Told apart by idKey: of `_id`s 42 and '42', one may go while the other stays.
            const left = new Set(leftIds.map(idKey));
            await writer.takeBack(leftIds);
            const gone = ids.filter((k) => !left.has(idKey(k)));
            erased(gone);
            await writer.complete(gone);
            deleted.push(...gone);
            await onBatch?.({ table: of.namespace, rows: gone.length });
            const kept = ids.filter((k) => left.has(idKey(k)) && nowHeld.has(keyText(k))).length;
            if (kept > 0)
                throw new lib_errors/* DbopsError */.zJ('CHECK_FAILED', `${kept} documents in ${of.namespace} were put under legal hold during the erasure and kept`, {
                    input: 'id',
                    hint: "A row of the policy's holds names them. Lift the hold first, once its reason has ended.",
                });
        }
    }
    return deleted;
}
/**
 * Stops the erasure when a hold now names the subject or a document above the batch's (`lineage`: each ancestor
 * node's documents of the subject): deleting the dependants of a held document would erase what the hold keeps.
 */
async function refuseHeldAbove(scope, id, lineage) {
    for (const [at, ids] of lineage) {
        const node = scope.nodes[at];
        const keys = heldKeys(await scope.held(node.collection));
        const held = ids.filter((k) => keys.has(keyText(k))).length;
        if (held === 0)
            continue;
        throw new lib_errors/* DbopsError */.zJ('CHECK_FAILED', node.parent === undefined
            ? `subject ${id} of ${node.namespace} was put under legal hold during the erasure`
            : `${held} documents in ${node.namespace} that the subject's remaining documents depend on were put under legal hold during the erasure`, {
            input: 'id',
            hint: "A row of the policy's holds names them; nothing they hold was erased. Lift the hold first, once its reason has ended.",
        });
    }
}
/** How many documents (tombstones) these `_id`s are: 42 and '42' are two. */
function distinct(ids) {
    return new Set(ids.map(idKey)).size;
}
//# sourceMappingURL=subject-erase.js.map
// EXTERNAL MODULE: ./packages/core/lib/data-retention/subject-export.js
var subject_export = __webpack_require__(85080);
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/subject-export.js
/**
 * GDPR export (right of access) on MongoDB: the subject's document and its declared dependants' documents, to any
 * depth (subject-tree.ts), as one JSON document in PostgreSQL's format (data-retention/subject-export.ts). Each
 * document is canonical Extended JSON, from the BSON as the server sent it, so every type survives: an int32 as
 * `{"$numberInt": "1"}`, a long, a double, a Decimal128, a date, an ObjectId, binary data. On a replica set or a
 * sharded cluster every collection is read in one snapshot session (one point in time); a standalone server (and
 * FerretDB) has no snapshot reads, so each collection is read as it is when its turn comes (`snapshot: false`).
 */






async function exportMongoSubject(client, database, policy, table, id, maxTimeMS = 60_000) {
    const scope = await mongoSubjectScope(client, database, policy, table, id, maxTimeMS);
    const snapshot = await snapshotReads(client, maxTimeMS);
    const session = snapshot ? client.startSession({ snapshot: true }) : undefined;
    try {
        const exportedAt = new Date().toISOString();
        const tables = [];
        const parts = [];
        // Breadth first: a node's documents are read once its parent's `_id`s are known.
        const ids = [];
        // The document is written only once every node is read: a subject over the limit exports nothing.
        const budget = new SubjectBudget(scope, id);
        for (const of of scope.nodes) {
            const parent = of.parent === undefined ? undefined : scope.nodes[of.parent];
            const filters = levelFilters(scope, of, of.parent === undefined ? [] : ids[of.parent]);
            const read = await readDocuments(client, of, filters, maxTimeMS, session, budget);
            ids.push(read.ids);
            const rows = read.rows;
            const entry = {
                table: of.namespace,
                ...(parent ? { field: of.field, references: parent.namespace } : {}),
                rows: rows.length,
            };
            tables.push(entry);
            const head = JSON.stringify({ ...entry, rows: undefined }).slice(0, -1);
            const body = rows.map((row) => `\n      ${row}`).join(',');
            parts.push(`    ${head}, "rows": [${body}${rows.length > 0 ? '\n    ' : ''}]}`);
        }
        const subject = JSON.stringify({ table: scope.subject.namespace, id });
        const document = `{
  "format": ${JSON.stringify(subject_export/* SUBJECT_EXPORT_FORMAT */.W)},
  "subject": ${subject},
  "exportedAt": ${JSON.stringify(exportedAt)},
  "snapshot": ${snapshot},
  "tables": [
${parts.join(',\n')}
  ],
  "notFollowed": ${JSON.stringify(scope.notFollowed)}
}
`;
        return {
            table: scope.subject.namespace,
            id,
            exportedAt,
            tables,
            notFollowed: scope.notFollowed,
            snapshot,
            document,
        };
    }
    finally {
        await session?.endSession();
    }
}
/**
 * A node's documents, one query per filter (per batch of its parent's `_id`s), in `_id` order within each; each as
 * canonical Extended JSON of its BSON as sent, and once (an array field may reference parents of two batches);
 * each counted against the rule's limit as it arrives.
 */
async function readDocuments(client, of, filters, maxTimeMS, session, budget) {
    const rows = [];
    const ids = [];
    const seen = new Set();
    for (const filter of filters) {
        const cursor = client
            .db(of.collection.database)
            .collection(of.collection.name)
            .find(filter, { raw: true, sort: { _id: 1 }, maxTimeMS, ...(session ? { session } : {}) });
        for await (const raw of cursor) {
            // The `_id` as the driver gives it elsewhere (an int32 as a number), to key it and find its dependants by;
            // keyed with its type, so the documents with `_id` 42 and '42' are both exported.
            const { _id } = lib.BSON.deserialize(raw);
            const key = idKey(_id);
            if (seen.has(key))
                continue;
            budget.take(of);
            seen.add(key);
            ids.push(_id);
            // Not promoted: an int32 stays an Int32, a long a Long, so the canonical form names each type.
            const document = lib.BSON.deserialize(raw, { promoteValues: false });
            rows.push(lib.BSON.EJSON.stringify(document, { relaxed: false }));
        }
    }
    return { rows, ids };
}
/**
 * Whether the server reads at a snapshot: replica set members and mongos do; a standalone server does not, nor does
 * FerretDB, even run with a replica set name (it accepts a snapshot session and ignores it: buildInfo names it).
 */
async function snapshotReads(client, maxTimeMS) {
    const admin = client.db('admin');
    const hello = await admin.command({ hello: 1, maxTimeMS });
    if (typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid')
        return false;
    const info = await admin.command({ buildInfo: 1, maxTimeMS });
    return info.ferretdbVersion === undefined;
}
//# sourceMappingURL=subject-export.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/data-retention-session.js









function withMongoRetentionSession(target, context, use) {
    return withMongoClient(target, context, (client) => use(retentionSession(client, target.database)));
}
function retentionSession(client, database) {
    return {
        plan: async (policy, now, options) => {
            const countLimit = options.countLimit ?? plan/* DEFAULT_COUNT_LIMIT */.AY;
            const maxTimeMS = options.statementTimeoutMs ?? plan/* DEFAULT_PLAN_STATEMENT_TIMEOUT_MS */.B3;
            const { targets, skipped } = await resolveCollectionTargets(client, policy, now, options.rules);
            const rules = [];
            for (const target of targets) {
                const held = await readHeldIds(client, target, maxTimeMS);
                rules.push({
                    rule: target.rule,
                    kind: 'collection',
                    action: target.action,
                    table: target.namespace,
                    partitioned: false,
                    timeColumn: target.by,
                    cutoff: target.cutoff.toISOString(),
                    effectiveCutoff: target.effectiveCutoff.toISOString(),
                    ...(target.minimumSeconds === undefined ? {} : { minimumSeconds: target.minimumSeconds }),
                    rows: await countCollectionRule(client, target, held, countLimit, maxTimeMS),
                    dependants: [],
                });
            }
            return { now: now.toISOString(), countLimit, rules, skipped, policy };
        },
        purge: (plan, options) => purgeCollections(client, plan, options),
        recordReceipt: (receipt, home) => recordReceiptDocument(client, database, receipt, home),
        receiptHead: (chain) => receiptCollectionHead(client, database, chain),
        exportSubject: (policy, table, id) => exportMongoSubject(client, database, policy, table, id),
        eraseSubject: (policy, options) => eraseMongoSubject(client, database, policy, options),
    };
}
//# sourceMappingURL=data-retention-session.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/mongodb/engine.js











// retention-purge's session, loaded with the engine (one lazily loaded chunk for MongoDB in the bundle).

/**
 * MongoDB behind the engine interface (docs/architecture.md, docs/mongodb.md). Backup writes a mongodump-format
 * archive from raw BSON, verified while it streams; restore and restore-test load it back with the driver, the
 * documents as the bytes dumped. monitor-report runs its checks
 * as read-only server commands (monitor/mongodb-checks/). retention-purge's session
 * (data-retention-session.ts) is exported beside the engine; databases/index.ts opens it.
 */
const mongoEngine = {
    name: 'mongodb',
    describe: (target) => (0,mongodb_target/* describeMongoTarget */.l)((0,mongodb_target/* asMongoTarget */.I)(target)),
    withDumpSource: (target, settings, context, use) => withMongoDumpSource((0,mongodb_target/* asMongoTarget */.I)(target), settings, context, use),
    openScratchServer: (target, context) => openMongoScratchServer((0,mongodb_target/* asMongoTarget */.I)(target), context),
    withRestoreTarget: (target, context, use) => withMongoRestoreTarget((0,mongodb_target/* asMongoTarget */.I)(target), context, use),
    // No client program: the restorer is dbops itself, for any server version.
    findRestorer: async (_server, manifest) => mongoRestorer(manifest),
    restoreTarget: async (target, manifest, choice) => chooseRestoreDatabases((0,mongodb_target/* asMongoTarget */.I)(target), manifest, choice),
    checkRestored: (into, manifest, userChecks, context, tombstones, restored) => {
        const target = (0,mongodb_target/* asMongoTarget */.I)(into);
        return withMongoClient(target, context, (client) => {
            const copies = target.databases
                ? target.databases.map(({ from, to }) => ({ db: client.db(to), from }))
                : [{ db: client.db(target.database) }];
            return checkRestoredCopies(copies, manifest, userChecks, tombstones, restored?.duplicateIds);
        });
    },
    readTombstones: (target, manifest, context) => {
        const mongo = (0,mongodb_target/* asMongoTarget */.I)(target);
        return withMongoClient(mongo, context, (client) => readServerTombstones(client, manifest.mongodb?.databases ?? [mongo.database]));
    },
    withHealthSession: (target, context, use) => withMongoHealthSession((0,mongodb_target/* asMongoTarget */.I)(target), context, use),
    withMaintenanceSession: (target, context, use) => withMongoMaintenanceSession((0,mongodb_target/* asMongoTarget */.I)(target), context, use),
};
//# sourceMappingURL=engine.js.map

/***/ }),

/***/ 50895:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   u: () => (/* binding */ readOplogWindow)
/* harmony export */ });
/* unused harmony export timestampSeconds */
/**
 * The oplog window: the time between the oldest and the newest entry of local.oplog.rs. A secondary that falls
 * further behind than it, or a point-in-time backup whose last oplog position is older than the oldest entry, can
 * no longer catch up. monitor-report's oplog-window check reports it, and a purge with `min-oplog-window` waits while
 * it is shorter (deletes write the oplog: on a full, capped oplog each one pushes the oldest entries out).
 * One reading for both, over whatever reads an end of the oplog in natural (insertion) order; no driver import here,
 * so the monitor's check list does not load the driver (data-retention-oplog.ts reads it for a purge).
 */
/** The window between the oplog's ends; undefined when the oplog has no entries. */
async function readOplogWindow(end) {
    const first = await end(1);
    const last = await end(-1);
    if (!first || !last)
        return undefined;
    const from = timestampSeconds(first.ts);
    const to = timestampSeconds(last.ts);
    return { seconds: Math.max(0, to - from), first: new Date(from * 1000), last: new Date(to * 1000) };
}
/** A BSON Timestamp's seconds (its high 32 bits). */
function timestampSeconds(ts) {
    const t = ts;
    return t?.getHighBits?.() ?? t?.t ?? 0;
}
//# sourceMappingURL=oplog-window.js.map

/***/ }),

/***/ 21018:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B4: () => (/* binding */ deleteRowsSql),
/* harmony export */   Cd: () => (/* binding */ exportRowsSql),
/* harmony export */   Qq: () => (/* binding */ hangingRowsSql),
/* harmony export */   X0: () => (/* binding */ countRowsSql),
/* harmony export */   gr: () => (/* binding */ idCheckSql),
/* harmony export */   zX: () => (/* binding */ anonymizeRowSql)
/* harmony export */ });
/* unused harmony export holdNames */
/* harmony import */ var _subject_graph_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(61535);
/* harmony import */ var _data_retention_predicate_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(49467);
/* harmony import */ var _server_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(46579);
/**
 * The statements of a subject operation over one node of its graph (subject-graph.ts): its rows as JSON for the
 * export, how many of them a legal hold names, and the erase's DELETE or the anonymize's UPDATE. Every value is a
 * parameter; names come quoted from the catalog.
 */



/**
 * A column as the export writes it, for what JSON cannot hold as it is: bytea as `{"$binary": base64}` and numeric
 * as its exact text. Everything else is row_to_json's own form (timestamps ISO 8601, in the session's time zone).
 */
function exportColumn(column, alias) {
    const value = `${alias}.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(column.name)}`;
    const name = (0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(column.name);
    if (column.base === 'bytea')
        return `CASE WHEN ${value} IS NULL THEN NULL ELSE json_build_object('$binary', translate(encode(${value}, 'base64'), E'\\n', '')) END AS ${name}`;
    if (column.base === 'numeric')
        return `${value}::text AS ${name}`;
    return `${value} AS ${name}`;
}
/** Node i's rows, each as one JSON text in column order (exact: never parsed by JavaScript), in key order. */
function exportRowsSql(nodes, i, id) {
    const params = new _subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .Params */ .XS();
    const n = nodes[i];
    const order = n.primaryKey.length > 0 ? ` ORDER BY ${n.primaryKey.map((k) => `s.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(k.name)}`).join(', ')}` : '';
    const text = `SELECT row_to_json(x)::text AS row FROM (
  SELECT ${n.columns.map((c) => exportColumn(c, 's')).join(', ')} FROM (${(0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .selectionSql */ .Rt)(nodes, i, params, id)}) AS s${order}
) AS x`;
    return { text, values: params.values };
}
/** Node i's rows, and how many of them a legal hold names (`holdSources` are FROM items, as in targets.ts). */
function countRowsSql(nodes, i, id, holdSources) {
    const params = new _subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .Params */ .XS();
    const n = nodes[i];
    const selection = (0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .selectionSql */ .Rt)(nodes, i, params, id);
    const held = heldExpression(n, holdSources, params, 's');
    return {
        text: `SELECT count(*)::float8 AS rows, count(*) FILTER (WHERE ${held})::float8 AS held FROM (${selection}) AS s`,
        values: params.values,
    };
}
/**
 * How many rows of a skipped (cycle) edge's table reference the rows of the node it leads back from, other than rows
 * the erase deletes itself through the nodes `deletedWith` (so a cascade or detach along the edge cannot reach them).
 */
function hangingRowsSql(nodes, edge, id, deletedWith) {
    const params = new _subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .Params */ .XS();
    // The edge as a node of its own (the table is on the path, so a node has its columns), below the node it leaves.
    const own = nodes.find((n) => n.table === edge.table);
    const graph = [...nodes, { ...own, depth: nodes[edge.parent].depth + 1, parent: edge.parent, via: edge.via }];
    const conditions = [(0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .matchCondition */ .nc)(graph, graph.length - 1, params, id, 's')];
    for (const j of deletedWith)
        conditions.push(`NOT coalesce(${(0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .matchCondition */ .nc)(nodes, j, params, id, 's')}, false)`);
    return {
        text: `SELECT count(*)::float8 AS rows FROM ${edge.table} AS s WHERE ${conditions.join(' AND ')}`,
        values: params.values,
    };
}
/** The names a hold's subject_table may give a table: `name` and `schema.name`. */
function holdNames(n) {
    return [...new Set([n.name, `${n.schema}.${n.name}`])];
}
/**
 * The purge's hold match (data-retention-predicate.ts): subject operations run in UTC, so a timestamptz key matches
 * as UTC writes it and as the session's default zone does.
 */
function heldExpression(n, holdSources, params, alias) {
    return (0,_data_retention_predicate_js__WEBPACK_IMPORTED_MODULE_2__/* .heldMatch */ .Hg)({ primaryKey: n.primaryKey, holdNames: holdNames(n), holdSources }, alias, params, 'default');
}
/**
 * Deletes node i's rows (its dependants must be gone already) that no legal hold names: a hold committed after the
 * erase counted its rows still keeps them (the caller checks none is left behind). Returns each deleted row's key text
 * (NULL for a table without a primary key: it is matched by its foreign key, not its own key).
 */
function deleteRowsSql(nodes, i, id, holdSources) {
    const params = new _subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .Params */ .XS();
    const n = nodes[i];
    const key = n.primaryKey.length > 0 ? (0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .keyExpression */ .Gp)(n.primaryKey, 'd') : 'NULL::text';
    const match = (0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .matchCondition */ .nc)(nodes, i, params, id, 'd');
    const text = `DELETE FROM ${n.table} AS d WHERE ${match} AND NOT ${heldExpression(n, holdSources, params, 'd')}
 RETURNING ${key} AS key`;
    return { text, values: params.values };
}
/**
 * Replaces the listed columns of the subject's row (node 0) unless a legal hold names it; returns its key text. The
 * hold is part of the statement, as the erase's DELETE: a hold committed after the subject was checked still keeps
 * the row (the caller then finds nothing returned and refuses).
 */
function anonymizeRowSql(nodes, id, columns, holdSources) {
    const params = new _subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .Params */ .XS();
    const set = Object.entries(columns)
        .map(([column, value]) => `${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(column)} = ${params.add(value)}`)
        .join(', ');
    const match = (0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .matchCondition */ .nc)(nodes, 0, params, id, 'd');
    const text = `UPDATE ${nodes[0].table} AS d SET ${set} WHERE ${match} AND NOT ${heldExpression(nodes[0], holdSources, params, 'd')}
 RETURNING ${(0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .keyExpression */ .Gp)(nodes[0].primaryKey, 'd')} AS key`;
    return { text, values: params.values };
}
/** Checks an id against the subject's key type; the server's error when it does not convert. */
function idCheckSql(root, id) {
    if (root.primaryKey.length === 1)
        return { text: `SELECT $1::${root.primaryKey[0].type} AS id`, values: [id] };
    return { text: 'SELECT $1::text AS id', values: [id] };
}
//# sourceMappingURL=subject-rows.js.map

/***/ }),

/***/ 53059:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LX: () => (/* binding */ qualified),
/* harmony export */   Oe: () => (/* binding */ pct),
/* harmony export */   Ot: () => (/* binding */ REINDEX_BYTES_PER_S),
/* harmony export */   Pr: () => (/* binding */ REWRITE_BYTES_PER_S),
/* harmony export */   WS: () => (/* binding */ VACUUM_BYTES_PER_S),
/* harmony export */   YA: () => (/* binding */ seconds),
/* harmony export */   mb: () => (/* binding */ mb),
/* harmony export */   r2: () => (/* binding */ SHARE_UPDATE_EXCLUSIVE)
/* harmony export */ });
/* harmony import */ var _databases_postgres_inventory_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(96443);
// How steps state their figures and estimates: one place, so every step reads alike.

// Rough throughputs on ordinary disks, for an order of magnitude, not a promise.
const VACUUM_BYTES_PER_S = 100 * 1024 * 1024;
const REINDEX_BYTES_PER_S = 30 * 1024 * 1024;
/** A full rewrite: the table copied, then every index built again. */
const REWRITE_BYTES_PER_S = 40 * 1024 * 1024;
const SHARE_UPDATE_EXCLUSIVE = 'SHARE UPDATE EXCLUSIVE on the table (reads and writes continue; DDL waits)';
const seconds = (bytes, rate) => Math.max(1, Math.ceil(bytes / rate));
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const pct = (ratio) => `${(ratio * 100).toFixed(0)}%`;
const qualified = (schema, name) => `${(0,_databases_postgres_inventory_js__WEBPACK_IMPORTED_MODULE_0__/* .quoteIdent */ .v4)(schema)}.${(0,_databases_postgres_inventory_js__WEBPACK_IMPORTED_MODULE_0__/* .quoteIdent */ .v4)(name)}`;
//# sourceMappingURL=step-figures.js.map

/***/ }),

/***/ 38948:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   isPipelineCheck: () => (/* binding */ isPipelineCheck),
/* harmony export */   parsePipelineChecks: () => (/* binding */ parsePipelineChecks)
/* harmony export */ });
/* harmony import */ var bson__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(93276);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57706);


const FORM = 'a JSON array of {"name", "collection", "pipeline": [stages...], "expect": [documents...]}, e.g. ' +
    '[{"name": "paid orders", "collection": "orders", "pipeline": [{"$match": {"status": "paid"}}, {"$count": "n"}], "expect": [{"n": 1200}]}]';
/** Stages that write: a check reads the restored database and changes nothing. */
const WRITING_STAGES = new Set(['$out', '$merge']);
/** Parses a JSON checks file's text; refuses a malformed check, or one that writes, before anything restores. */
function parsePipelineChecks(text, input = 'checks') {
    let parsed;
    try {
        parsed = bson__WEBPACK_IMPORTED_MODULE_0__/* .EJSON */ .On.parse(text, { relaxed: true });
    }
    catch (error) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `is not valid JSON (${error.message})`, FORM);
    }
    if (!Array.isArray(parsed))
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `is a JSON ${parsed === null ? 'null' : typeof parsed}, not an array of checks`, FORM);
    if (parsed.length === 0)
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, 'holds no checks', FORM);
    return parsed.map((raw, i) => {
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has check number ${i + 1} that is not an object`, FORM);
        const check = raw;
        const label = typeof check.name === 'string' && check.name ? `'${check.name}'` : `number ${i + 1}`;
        if (typeof check.name !== 'string' || !check.name)
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has check ${label} without a name`, FORM);
        if (typeof check.collection !== 'string' || !check.collection)
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has check ${label} without a collection`, FORM);
        if (!Array.isArray(check.pipeline) || check.pipeline.some((s) => typeof s !== 'object' || s === null))
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has check ${label} whose pipeline is not an array of stages`, FORM);
        const writing = check.pipeline.flatMap((stage) => Object.keys(stage)).find((k) => WRITING_STAGES.has(k));
        if (writing)
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has check ${label} with a ${writing} stage, which writes`, FORM);
        if (!Array.isArray(check.expect))
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has check ${label} whose expect is not an array of documents`, FORM);
        return { name: check.name, collection: check.collection, pipeline: check.pipeline, expect: check.expect };
    });
}
/** Whether a user's check is a pipeline check (the SQL ones have `sql`). */
function isPipelineCheck(check) {
    return 'pipeline' in check && 'collection' in check;
}
//# sourceMappingURL=pipeline-checks.js.map

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
