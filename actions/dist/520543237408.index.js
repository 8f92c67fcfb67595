export const id = 520543237408;
export const ids = [520543237408];
export const modules = {

/***/ 31374:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ lockReceiptChain)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);

/** Takes the chain's lock for this session; CONFLICT, before anything is deleted, when another run holds it. */
async function lockReceiptChain(client, chain) {
    const { rows } = await client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [`dbops receipt chain ${chain}`]);
    if (!rows[0]?.locked)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('CONFLICT', `Another run of policy '${chain}' (a retention-purge or a subject erase) is at work on this database: nothing was deleted`, {
            hint: 'Runs of one policy append to one receipt chain, one at a time: run again once the other has finished (its lock ends with its session).',
        });
}
//# sourceMappingURL=chain-lock.js.map

/***/ }),

/***/ 59589:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H9: () => (/* binding */ chainName),
/* harmony export */   OH: () => (/* binding */ receiptKey),
/* harmony export */   So: () => (/* binding */ recordAfterHead),
/* harmony export */   dP: () => (/* binding */ appendAfterHead),
/* harmony export */   q: () => (/* binding */ readChainHead),
/* harmony export */   uf: () => (/* binding */ verifyReceiptChains)
/* harmony export */ });
/* unused harmony export appendReceipt */
/* harmony import */ var node_stream_consumers__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(38321);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57706);
/* harmony import */ var _storage_put_record_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(56054);
/* harmony import */ var _receipt_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1905);
/**
 * The receipt chains in a storage (the retention-purge action's receipts-to): one folder per policy, one object per
 * receipt named by its sequence number (`retention/00000001.json`), each linked to the one before by its hash. Objects
 * are never overwritten (the storage refuses an existing key), so two runs racing for the same link cannot both win;
 * the loser links after the winner (appendAfterHead).
 */




const KEY = /^([a-z0-9][a-z0-9._-]*)\/(\d{8})\.json$/;
function receiptKey(policy, sequence) {
    return `${policy}/${String(sequence).padStart(8, '0')}.json`;
}
/** A chain's name from its policy file's name: `.github/dbops/retention.yml` → `retention`. */
function chainName(policyPath) {
    const base = policyPath
        .split(/[\\/]/)
        .pop()
        .replace(/\.ya?ml$/i, '');
    return (base
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[^a-z0-9]+/, '') || 'policy');
}
/** The last receipt of a chain, checked on its own (a tampered head is refused before anything is deleted). */
async function readChainHead(storage, policy) {
    const keys = (await storage.list(`${policy}/`)).map((o) => o.key).filter((k) => KEY.test(k));
    const last = keys.sort().at(-1);
    if (!last)
        return undefined;
    const { receipt, problem } = await readReceipt(storage, last);
    if (problem || !receipt)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .DbopsError */ .zJ('INTEGRITY_FAILED', `The last receipt ${storage.locate(last)} ${problem}`, {
            hint: 'Nothing was purged. Run `dbops retention-verify --receipts <location>` to see the whole chain; a broken chain needs a person, not a new link.',
        });
    return { sequence: receipt.sequence, sha256: receipt.sha256 };
}
/** Stores a chained receipt under its sequence number; returns where it is. */
async function appendReceipt(storage, receipt) {
    const key = receiptKey(receipt.policy, receipt.sequence);
    await (0,_storage_put_record_js__WEBPACK_IMPORTED_MODULE_2__/* .putRecord */ .j)(storage, key, Buffer.from(`${JSON.stringify(receipt, null, 2)}\n`), {
        contentType: 'application/json',
    });
    return storage.locate(key);
}
/** How often a run re-reads the head after losing a link to another run before it gives up. */
const APPEND_ATTEMPTS = 5;
/**
 * Chains a receipt after `head` and stores it; when another run took that link meanwhile (the chain lock holds per
 * database, so runs of one policy against two databases, or PostgreSQL and MongoDB, share the chain without it),
 * reads the new head and links after that instead. What a run deleted is never left without its receipt because
 * another run appended first.
 */
async function appendAfterHead(storage, policy, head, link) {
    const { receipt, recorded } = await recordAfterHead(head, link, (receipt) => appendReceipt(storage, receipt), () => readChainHead(storage, policy));
    return { receipt, location: recorded };
}
/**
 * Chains a receipt after `head` and records it where `record` says, the chain's home refusing a second receipt of
 * one sequence with ALREADY_EXISTS (storage: the object exists; MongoDB's receipts collection: its unique index);
 * after such a refusal, links after the head `readHead` gives now. Two runs that read the same head never fork it.
 */
async function recordAfterHead(head, link, record, readHead) {
    for (let attempt = 1;; attempt++) {
        const receipt = link(head);
        try {
            return { receipt, recorded: await record(receipt) };
        }
        catch (error) {
            if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .DbopsError */ .zJ && error.code === 'ALREADY_EXISTS') || attempt === APPEND_ATTEMPTS)
                throw error;
            head = await readHead();
        }
    }
}
/**
 * Checks every chain in the storage: each receipt's own hash, each link, and that no sequence number is missing.
 * `onReceipt` sees each intact receipt (up to a chain's first broken link), e.g. to check the archives it names.
 */
async function verifyReceiptChains(storage, onReceipt) {
    const byPolicy = new Map();
    for (const { key } of await storage.list('')) {
        const match = KEY.exec(key);
        if (match)
            byPolicy.set(match[1], [...(byPolicy.get(match[1]) ?? []), key]);
    }
    const checks = [];
    for (const [policy, keys] of [...byPolicy].sort(([a], [b]) => a.localeCompare(b))) {
        const check = { policy, receipts: keys.length };
        let previous = null;
        for (const [i, key] of keys.sort().entries()) {
            const sequence = i + 1;
            const problem = await linkProblem(storage, key, policy, sequence, previous);
            if (typeof problem === 'string') {
                check.broken = { key, location: storage.locate(key), sequence, problem };
                break;
            }
            previous = problem.sha256;
            await onReceipt?.(problem, key);
            if (sequence === keys.length)
                check.lastPolicy = lastPolicy(problem);
        }
        checks.push(check);
    }
    return checks;
}
/** Picked field by field, and only in the shape dbops writes: a chain forged from its first link is still JSON. */
function lastPolicy(receipt) {
    const commit = receipt.policyCommit;
    const wellFormed = typeof commit?.uncommittedChanges === 'boolean' && (commit.sha === undefined || typeof commit.sha === 'string');
    return {
        sequence: receipt.sequence,
        finishedAt: String(receipt.finishedAt),
        policySha256: String(receipt.policySha256),
        ...(wellFormed
            ? {
                policyCommit: {
                    ...(commit.sha === undefined ? {} : { sha: commit.sha }),
                    uncommittedChanges: commit.uncommittedChanges,
                },
            }
            : {}),
    };
}
async function linkProblem(storage, key, policy, sequence, previous) {
    if (key !== receiptKey(policy, sequence))
        return `is where receipt ${sequence} should be: a receipt is missing`;
    const { receipt, problem } = await readReceipt(storage, key);
    if (!receipt)
        return problem;
    if (receipt.policy !== policy || receipt.sequence !== sequence)
        return `says it is receipt ${receipt.sequence} of '${receipt.policy}', but is stored as receipt ${sequence} of '${policy}'`;
    if (receipt.previousSha256 !== previous)
        return `links to ${receipt.previousSha256 ?? 'nothing'}, but the receipt before it has SHA-256 ${previous ?? '(none: it is the first)'}`;
    return receipt;
}
async function readReceipt(storage, key) {
    let parsed;
    try {
        parsed = JSON.parse((await (0,node_stream_consumers__WEBPACK_IMPORTED_MODULE_0__.buffer)(await storage.get(key))).toString('utf8'));
    }
    catch (error) {
        if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .DbopsError */ .zJ)
            throw error;
        return { problem: 'is not valid JSON: it was altered or cut short' };
    }
    if (parsed?.format !== _receipt_js__WEBPACK_IMPORTED_MODULE_3__/* .RECEIPT_FORMAT */ .Nf || typeof parsed.sha256 !== 'string')
        return { problem: `is not a ${_receipt_js__WEBPACK_IMPORTED_MODULE_3__/* .RECEIPT_FORMAT */ .Nf} receipt` };
    const actual = (0,_receipt_js__WEBPACK_IMPORTED_MODULE_3__/* .receiptSha256 */ .as)(parsed);
    if (actual !== parsed.sha256)
        return { problem: `was altered: its content hashes to ${actual}, but it records ${parsed.sha256}` };
    return { receipt: parsed };
}
//# sourceMappingURL=receipt-chain.js.map

/***/ }),

/***/ 72096:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   e: () => (/* binding */ recordReceiptRow),
/* harmony export */   m: () => (/* binding */ RECEIPT_TABLE)
/* harmony export */ });
/* harmony import */ var _create_missing_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(60188);

const RECEIPT_TABLE = 'public.dbops_retention_receipts';
async function recordReceiptRow(client, receipt) {
    await (0,_create_missing_js__WEBPACK_IMPORTED_MODULE_0__/* .createTableWhenMissing */ .b)(client, RECEIPT_TABLE, `CREATE TABLE IF NOT EXISTS ${RECEIPT_TABLE} (
    policy text NOT NULL,
    sequence integer NOT NULL,
    sha256 text NOT NULL,
    previous_sha256 text,
    receipt jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sha256))`);
    await client.query(`INSERT INTO ${RECEIPT_TABLE} (policy, sequence, sha256, previous_sha256, receipt) VALUES ($1, $2, $3, $4, $5)`, [receipt.policy, receipt.sequence, receipt.sha256, receipt.previousSha256, JSON.stringify(receipt)]);
}
//# sourceMappingURL=receipt-table.js.map

/***/ }),

/***/ 1905:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Nf: () => (/* binding */ RECEIPT_FORMAT),
/* harmony export */   YC: () => (/* binding */ chainReceipt),
/* harmony export */   as: () => (/* binding */ receiptSha256),
/* harmony export */   ny: () => (/* binding */ retentionReceipt),
/* harmony export */   oH: () => (/* binding */ receiptPolicyCommit),
/* harmony export */   s1: () => (/* binding */ policySha256)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/**
 * The receipt of a purge: what was deleted or anonymized per rule (counts, cutoffs, batches, a hash of the keys),
 * under which policy (the file's SHA-256 and, from a git checkout, its commit) and when. It holds no row data, no
 * keys and nothing secret: table and rule names, instants and numbers only; a failure is recorded by its code alone,
 * since a server's message can quote values. The caller stores it (next to the archives, in a table dbops owns: issue 16's later parts).
 */

const RECEIPT_FORMAT = 'dbops.retention-receipt/1';
function receiptArchive(a) {
    return { location: a.location, manifest: a.manifest, rows: a.rows, bytes: a.bytes, sha256: a.sha256 };
}
/** The SHA-256 of the policy file's text, as it was read. */
function policySha256(text) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(text, 'utf8').digest('hex');
}
/** The receipt's policyCommit field, picked field by field like the rest; none without a commit. */
function receiptPolicyCommit(commit) {
    if (!commit)
        return {};
    return {
        policyCommit: { ...(commit.sha ? { sha: commit.sha } : {}), uncommittedChanges: commit.uncommittedChanges },
    };
}
/** Picks fields one by one: nothing a later field of PurgeResult adds can slip into a receipt unreviewed. */
function retentionReceipt(result, policyHash, commit) {
    const receipt = {
        format: RECEIPT_FORMAT,
        policySha256: policyHash,
        ...receiptPolicyCommit(commit),
        startedAt: result.startedAt,
        finishedAt: result.finishedAt,
        now: result.now,
        outcome: result.outcome,
        rules: result.rules.map((r) => ({
            rule: r.rule,
            table: r.table,
            action: r.action,
            cutoff: r.cutoff,
            effectiveCutoff: r.effectiveCutoff,
            rows: r.rows,
            batches: r.batches,
            durationMs: r.durationMs,
            complete: r.complete,
            keysSha256: r.keysSha256,
            ...(r.archives.length > 0
                ? {
                    archives: r.archives.map((a) => ({
                        location: a.location,
                        manifest: a.manifest,
                        rows: a.rows,
                        bytes: a.bytes,
                        sha256: a.sha256,
                    })),
                }
                : {}),
            ...(r.partitions && r.partitions.dropped.length > 0
                ? {
                    partitionsDropped: r.partitions.dropped.map((p) => ({
                        name: p.name,
                        bounds: p.bounds,
                        rows: p.rows,
                        ...(p.archives.length > 0 ? { archives: p.archives.map(receiptArchive) } : {}),
                    })),
                }
                : {}),
        })),
    };
    if (result.error)
        receipt.errorCode = result.error.code;
    return receipt;
}
function chainReceipt(receipt, policy, head) {
    const linked = { ...receipt, policy, sequence: (head?.sequence ?? 0) + 1, previousSha256: head?.sha256 ?? null };
    return { ...linked, sha256: receiptSha256(linked) };
}
/** The SHA-256 of a receipt's canonical JSON (keys sorted at every level), without its own `sha256`. */
function receiptSha256(receipt) {
    const { sha256: _own, ...rest } = receipt;
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}
function canonicalJson(value) {
    if (Array.isArray(value))
        return `[${value.map(canonicalJson).join(',')}]`;
    if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value).filter(([, v]) => v !== undefined);
        entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    return JSON.stringify(value);
}
//# sourceMappingURL=receipt.js.map

/***/ }),

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

/***/ 43277:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O: () => (/* binding */ ENCRYPTION_INPUTS),
/* harmony export */   _: () => (/* binding */ readEncryption)
/* harmony export */ });
/* harmony import */ var _crypto_age_index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(16459);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);


/** How a backup is encrypted: age recipients or a passphrase. */
const ENCRYPTION_INPUTS = [
    {
        name: 'encrypt-to',
        description: 'age recipients (age1..., comma- or newline-separated). Only public keys: the runner cannot decrypt.',
        type: 'list',
        env: ['DBOPS_ENCRYPT_TO'],
    },
    {
        name: 'encrypt-passphrase',
        description: 'Encrypt with an age passphrase instead of recipients.',
        type: 'string',
        secret: true,
        env: ['DBOPS_ENCRYPT_PASSPHRASE'],
    },
];
/** encrypt-to or encrypt-passphrase, checked: only public keys, and never both. */
function readEncryption(reader, secrets) {
    const recipients = reader.list('encrypt-to').map((text) => {
        if (/^AGE-SECRET-KEY-/i.test(text)) {
            // A secret key pasted where the public key belongs: mask it and refuse it.
            secrets.add(text);
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)('encrypt-to', 'holds an age secret key, not a recipient', 'the public key (age1...) printed by `age-keygen -y`; keep the secret key out of the backup job');
        }
        return (0,_crypto_age_index_js__WEBPACK_IMPORTED_MODULE_1__/* .parseRecipient */ .Fx)(text, 'encrypt-to');
    });
    const passphrase = reader.optional('encrypt-passphrase');
    if (recipients.length > 0 && passphrase) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)('encrypt-passphrase', 'cannot be combined with encrypt-to', "either recipients or a passphrase: age's passphrase recipient must be a file's only recipient");
    }
    return { recipients, ...(passphrase ? { passphrase } : {}) };
}
//# sourceMappingURL=encryption-inputs.js.map

/***/ }),

/***/ 27538:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  h3: () => (/* binding */ PR_COMMENT_INPUTS),
  VC: () => (/* binding */ PR_COMMENT_KEY),
  hz: () => (/* binding */ commentOnFailure),
  rh: () => (/* binding */ commentOnPullRequest),
  Yk: () => (/* binding */ migrateCommentKey),
  S$: () => (/* binding */ postSummaryComment)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./packages/core/lib/notify/github-api.js
var github_api = __webpack_require__(91593);
;// CONCATENATED MODULE: ./packages/core/lib/notify/github-pr-comment.js


/** GitHub refuses a comment over 65,536 characters (422): the body is cut below it, with room for the marker. */
const MAX_COMMENT_BODY = 60_000;
/**
 * A body that fits in a comment: a longer one is cut at a line, the code block or folded section it was cut in
 * closed, and a line sends the reader to the job summary, which has it all.
 */
function commentBody(markdown, runUrl) {
    if (markdown.length <= MAX_COMMENT_BODY)
        return markdown;
    const kept = markdown.slice(0, markdown.lastIndexOf('\n', MAX_COMMENT_BODY - 500) + 1 || MAX_COMMENT_BODY - 500);
    const fences = (kept.match(/^```/gm) ?? []).length;
    const open = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
    const run = runUrl ? `the job summary of [the workflow run](${runUrl})` : "the workflow run's job summary";
    return [
        kept.trimEnd(),
        ...(fences % 2 === 1 ? ['```'] : []),
        ...Array.from({ length: Math.max(0, open) }, () => '</details>'),
        '',
        `**The summary is cut here: it is longer than a pull-request comment can be. See ${run} for all of it.**`,
    ].join('\n');
}
/** The hidden marker that identifies the sticky comment for `key`. */
function commentMarker(key) {
    return `<!-- dbops:${key} -->`;
}
/**
 * Keeps one sticky comment per key on a pull request: created on the first run, its body replaced on later runs (no
 * comment per run). Our comment is found by its hidden marker among the pull request's comments.
 */
async function syncPullRequestComment(options) {
    const { repo, send } = (0,github_api/* githubApi */.M)(options);
    const marker = commentMarker(options.key);
    const body = `${marker}\n${commentBody(options.body, options.runUrl)}`;
    const mine = await authoredByUs(send, `${options.apiUrl.replace(/\/+$/, '')}/user`);
    const existing = await findComment(send, `${repo}/issues/${options.pullRequest}/comments`, marker, mine);
    if (existing) {
        await send('PATCH', `${repo}/issues/comments/${existing.id}`, { body });
        options.log.info(`Updated the comment on pull request #${options.pullRequest}`);
        return { action: 'updated', id: existing.id };
    }
    const created = (await send('POST', `${repo}/issues/${options.pullRequest}/comments`, { body }));
    options.log.info(`Commented on pull request #${options.pullRequest}`);
    return { action: 'created', id: created.id };
}
/**
 * Whether a comment is ours: written by a bot (the GITHUB_TOKEN's github-actions[bot], a GitHub App) or by the
 * token's own user (a personal access token). Anyone can write the marker into a comment of their own; replacing
 * its body would put our summary under their name, or leave ours unposted. The token's user is asked once, when a
 * comment by a person carries the marker; an installation token cannot ask (403) and owns bot comments only.
 */
function authoredByUs(send, userUrl) {
    let login;
    return async (comment) => {
        if (comment.user?.type === 'Bot')
            return true;
        login ??= send('GET', userUrl).then((user) => user?.login, () => undefined);
        const own = await login;
        return own !== undefined && comment.user?.login === own;
    };
}
/** Pages through the comments (100 a page, oldest first) for the first one of ours carrying the marker. */
async function findComment(send, url, marker, ours) {
    for (let page = 1; page <= 30; page++) {
        const comments = (await send('GET', `${url}?per_page=100&page=${page}`));
        for (const comment of comments)
            if ((comment.body ?? '').includes(marker) && (await ours(comment)))
                return comment;
        if (comments.length < 100)
            return undefined;
    }
    return undefined;
}
/**
 * The pull request this run is for: GITHUB_REF is refs/pull/<n>/merge (or /head) on pull_request events; otherwise
 * the event payload (GITHUB_EVENT_PATH) may name it (pull_request_target, issue_comment on a pull request).
 */
function pullRequestNumber(env, ref = env.GITHUB_REF) {
    const fromRef = /^refs\/pull\/(\d+)\/(?:merge|head)$/.exec(ref ?? '');
    if (fromRef)
        return Number(fromRef[1]);
    if (!env.GITHUB_EVENT_PATH)
        return undefined;
    try {
        const event = JSON.parse((0,external_node_fs_.readFileSync)(env.GITHUB_EVENT_PATH, 'utf8'));
        const n = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
        return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
    }
    catch {
        return undefined;
    }
}
//# sourceMappingURL=github-pr-comment.js.map
// EXTERNAL MODULE: ./packages/core/lib/report/render-summary.js
var render_summary = __webpack_require__(39323);
// EXTERNAL MODULE: ./packages/core/lib/report/result.js
var result = __webpack_require__(97343);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/migrate-pr-comment.js





/** The sticky pull-request comment with the run's summary. */
const PR_COMMENT_INPUTS = [
    {
        name: 'comment-on-pr',
        description: "Keep one comment on the pull request with this run's summary (status, lint findings, rehearsal timings, schema diff), updated in place on later runs. migrate-deploy keeps one per mode and job (alert-key, else the database), so matrix jobs keep theirs, and a run that fails shows its error there. Only a comment written by a bot or the token's user is updated; a summary too long for a comment is cut, pointing to the job summary. Outside a pull request: a warning.",
        type: 'boolean',
        default: 'false',
    },
    {
        name: 'github-token',
        description: 'Token for comment-on-pr (needs pull-requests: write).',
        type: 'string',
        secret: true,
        actionDefault: '${{ github.token }}',
        env: ['GITHUB_TOKEN'],
    },
];
const PR_COMMENT_KEY = 'migrate-deploy';
/**
 * The comment's key: one per mode and job, so the jobs of a matrix (one database each, or deploy beside check) keep
 * a comment each rather than overwriting one another's. The job is its alert-key when it has one, else the database
 * (its host, port and name hashed: a hidden marker is still readable in a public repository's comments).
 */
function migrateCommentKey(mode, alertKey, target) {
    const job = alertKey && /^[A-Za-z0-9._-]+$/.test(alertKey)
        ? alertKey
        : target
            ? (0,external_node_crypto_.createHash)('sha256')
                .update(`${target.engine}://${target.host}:${target.port}/${target.database}`)
                .digest('hex')
                .slice(0, 12)
            : undefined;
    return `${PR_COMMENT_KEY}:${mode}${job ? `:${job}` : ''}`;
}
/**
 * Posts or updates the comment; the caller has read comment-on-pr (true) before the run. Never fails the run: a
 * comment that cannot be posted (no pull request, no token, an API error) is a warning; the deploy's own outcome stands.
 */
async function commentOnPullRequest(reader, report, context, key) {
    await postSummaryComment(reader, context, key, async () => report.results ?? []);
}
/**
 * A run that threw (the backup before the deploy failed, the deploy lock timed out, the server was gone) has no
 * summary: the comment says it failed and why, or it would go on showing an earlier run's "passed".
 */
async function commentOnFailure(reader, error, context, key) {
    const failure = (0,errors/* asDbopsError */.lS)(error);
    await postSummaryComment(reader, context, key, async () => [
        {
            status: 'failure',
            title: 'migrate-deploy failed',
            blocks: [
                { kind: 'note', text: [(0,result/* code */.aY)(failure.code), `: ${failure.message}`] },
                ...(failure.hint ? [{ kind: 'note', text: `Fix: ${failure.hint}` }] : []),
            ],
        },
    ]);
}
/**
 * The sticky comment under `key` (one per action, so actions on the same pull request leave each other's alone),
 * with the summary of `results`, read only once the pull request and token are known. Problems are warnings.
 */
async function postSummaryComment(reader, context, key, results) {
    const warn = (why) => context.log.warn(`comment-on-pr: ${why}; no comment was posted.`);
    const repository = context.github?.repository ?? context.env.GITHUB_REPOSITORY;
    const pullRequest = pullRequestNumber(context.env, context.github?.ref ?? context.env.GITHUB_REF);
    if (!repository || !pullRequest)
        return warn('this run is not for a pull request (GITHUB_REF is not refs/pull/<n>/merge)');
    const token = reader.optional('github-token');
    if (!token)
        return warn('github-token is empty (github-token: ${{ github.token }}, permissions: pull-requests: write)');
    try {
        const body = context.secrets.redact((0,render_summary/* renderSummary */.B)(await results()));
        const runUrl = context.github?.runUrl;
        await syncPullRequestComment({
            apiUrl: context.env.GITHUB_API_URL ?? 'https://api.github.com',
            token,
            repository,
            pullRequest,
            key,
            body,
            ...(runUrl ? { runUrl } : {}),
            log: context.log,
            signal: context.signal,
        });
    }
    catch (error) {
        warn(context.secrets.redact(error.message));
    }
}
//# sourceMappingURL=migrate-pr-comment.js.map

/***/ }),

/***/ 60783:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   s: () => (/* binding */ readBackupSource)
/* harmony export */ });
/* harmony import */ var _backup_source_inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(47864);
/* harmony import */ var _storage_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(13103);


/** from with its storage settings, and the name / database filters (as far as the action defines them). */
function readBackupSource(reader, context) {
    const { from, name, database } = (0,_backup_source_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .readBackupFilter */ .tK)(reader);
    return {
        source: { from, s3: (0,_storage_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .readS3Options */ .R)(reader), ...(context.artifacts ? { artifacts: context.artifacts } : {}) },
        filter: { ...(name ? { name } : {}), ...(database ? { database } : {}) },
    };
}
//# sourceMappingURL=read-backup-source.js.map

/***/ }),

/***/ 55638:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   v: () => (/* binding */ RETENTION_INPUTS),
/* harmony export */   x: () => (/* binding */ readRetentionPolicy)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57706);
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(50429);
/* harmony import */ var _retention_policy_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(51200);



/** restic-style keep rules, shared by backup (rotation after a backup) and retention-purge. */
const RETENTION_INPUTS = [
    { name: 'keep-last', description: 'Keep the n newest backups.', type: 'integer', min: 0 },
    {
        name: 'keep-hourly',
        description: 'Keep the newest backup of each of the last n hours that have one.',
        type: 'integer',
        min: 0,
    },
    {
        name: 'keep-daily',
        description: 'Keep the newest backup of each of the last n days that have one (UTC).',
        type: 'integer',
        min: 0,
    },
    {
        name: 'keep-weekly',
        description: 'Keep the newest backup of each of the last n ISO weeks that have one.',
        type: 'integer',
        min: 0,
    },
    {
        name: 'keep-monthly',
        description: 'Keep the newest backup of each of the last n months that have one.',
        type: 'integer',
        min: 0,
    },
    {
        name: 'keep-yearly',
        description: 'Keep the newest backup of each of the last n years that have one.',
        type: 'integer',
        min: 0,
    },
    {
        name: 'keep-within',
        description: 'Keep every backup taken within this long before the newest one, e.g. 3d.',
        type: 'duration',
    },
    {
        name: 'keep-min-verified',
        description: 'Delete a backup only while at least this many newer backups that passed a restore test are kept.',
        default: '0',
        type: 'integer',
        min: 0,
    },
    {
        name: 'grace-period',
        description: 'Objects without a manifest younger than this may still be uploading and are left alone; older ones are deleted as leftovers, as are uploads a killed run left unfinished (temp files, S3 multipart uploads). Make it longer than a backup takes: an S3 multipart object is dated when its upload began.',
        default: '24h',
        type: 'duration',
    },
];
const COUNT_RULES = ['keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly'];
function readRetentionPolicy(reader) {
    const counts = COUNT_RULES.map((rule) => reader.integer(rule) ?? 0);
    const within = reader.optional('keep-within');
    const minVerified = reader.integer('keep-min-verified') ?? 0;
    const [last, hourly, daily, weekly, monthly, yearly] = counts;
    const policy = {
        last,
        hourly,
        daily,
        weekly,
        monthly,
        yearly,
        minVerified,
        ...(within ? { withinSeconds: (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E9)(within, 'keep-within') } : {}),
    };
    if (policy.withinSeconds !== undefined && policy.withinSeconds <= 0)
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)('keep-within', `'${within}' keeps nothing`, 'a positive duration, e.g. 3d');
    const graceSeconds = (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E9)(reader.optional('grace-period'), 'grace-period');
    // An object without a manifest may be a backup still verifying its upload: never treat it as abandoned too soon.
    if (graceSeconds < 3600)
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)('grace-period', 'is shorter than an hour', 'a duration of 1h or more, e.g. 24h');
    return { policy, graceSeconds, any: (0,_retention_policy_js__WEBPACK_IMPORTED_MODULE_2__/* .hasKeepRule */ .k)(policy) };
}
//# sourceMappingURL=retention-inputs.js.map

/***/ }),

/***/ 67047:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  retentionPurgeDefinition: () => (/* binding */ retentionPurgeDefinition)
});

// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/operations/rotate.js + 1 modules
var rotate = __webpack_require__(10131);
// EXTERNAL MODULE: ./packages/core/lib/report/rotation-summary.js
var rotation_summary = __webpack_require__(20857);
// EXTERNAL MODULE: ./packages/core/lib/definitions/backup-source-inputs.js
var backup_source_inputs = __webpack_require__(47864);
// EXTERNAL MODULE: ./packages/core/lib/definitions/connection-inputs.js
var connection_inputs = __webpack_require__(47518);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/policy-commit.js
var policy_commit = __webpack_require__(83977);
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
// EXTERNAL MODULE: ./packages/core/lib/report/result.js
var report_result = __webpack_require__(97343);
;// CONCATENATED MODULE: ./packages/core/lib/report/data-retention-summary.js




/** retention-purge with a policy: the data plan (or what was purged) per rule, then the backups: rotation. */
function dataRetentionSummaries(result) {
    return [dataSummary(result), ...(result.rotation ? (0,rotation_summary/* rotateSummaries */.ur)(result.rotation) : [])];
}
function dataSummary(result) {
    const { plan, purge } = result;
    const purged = new Map((purge?.rules ?? []).map((r) => [r.rule, r]));
    const blocks = [
        {
            kind: 'table',
            columns: [
                'Rule',
                'Table',
                'Cutoff',
                'Expired',
                'Held',
                'Under a minimum',
                purge ? 'Purged' : 'To purge',
                'Batches',
                'FK dependants',
            ],
            rows: plan.rules.map((rule) => ruleRow(rule, purged.get(rule.rule), !purge)),
        },
    ];
    const notes = [];
    if (plan.rules.some((r) => !r.rows.exact))
        notes.push(`Counts marked ≥ are lower bounds: more than ${plan.countLimit} rows expired.`);
    for (const s of plan.skipped)
        notes.push([(0,report_result/* code */.aY)(s.rule), `: not purged, ${s.reason}`]);
    notes.push(...archiveNotes(result));
    for (const rule of plan.rules)
        if (rule.rows.withoutTime)
            notes.push([
                (0,report_result/* code */.aY)(rule.rule),
                `: ${rule.rows.withoutTime} documents have no date in ${rule.timeColumn} (missing, null or another type) and never expire`,
            ]);
    notes.push(...partitionNotes(result));
    notes.push(...vacuumNotes(result));
    if (result.receipt)
        notes.push([
            'Receipt ',
            String(result.receipt.sequence),
            ' stored at ',
            (0,report_result/* code */.aY)(result.receipt.location),
            ` (SHA-256 ${result.receipt.sha256})`,
            ...(result.receipt.table ? [' and in ', (0,report_result/* code */.aY)(result.receipt.table)] : []),
        ]);
    for (const warning of purge?.warnings ?? [])
        notes.push([(0,report_result/* strong */.ko)('Warning: '), warning]);
    if (purge?.error)
        notes.push([(0,report_result/* strong */.ko)('Stopped: '), purge.error.message]);
    if (purge && purge.outcome === 'time-budget')
        notes.push(purge.stoppedWaitingFor
            ? `The run reached max-runtime while waiting: ${purge.stoppedWaitingFor}. The next run continues where this one stopped.`
            : 'The run reached max-runtime between batches; the next run continues where this one stopped.');
    for (const text of notes)
        blocks.push({ kind: 'note', text });
    blocks.push({
        kind: 'facts',
        rows: [
            ['Policy', [(0,report_result/* code */.aY)(result.policyPath), ` (SHA-256 ${result.policySha256.slice(0, 12)}…)`]],
            ['Policy commit', (0,policy_commit/* policyCommitText */.N)(result.policyCommit)],
            ['Cutoffs taken at', plan.now],
        ],
    });
    const total = purge
        ? purge.rules.reduce((sum, r) => sum + r.rows, 0)
        : plan.rules.reduce((sum, r) => sum + r.rows.toPurge, 0);
    const title = purge
        ? ['Data retention: ', (0,report_result/* strong */.ko)(`${total} rows purged`), ` in ${plan.rules.length} rules (${purge.outcome})`]
        : [
            'Data retention plan (dry run: nothing was deleted): ',
            (0,report_result/* strong */.ko)(`${total} rows would be purged`),
            ` in ${plan.rules.length} rules`,
        ];
    const status = result.failure
        ? 'failure'
        : purge && (purge.outcome !== 'complete' || purge.warnings?.length)
            ? 'warning'
            : 'info';
    return { status, title, blocks };
}
/** Per rule with archive-to: where its batches go, or went (only committed batches' archives count). */
function archiveNotes(result) {
    const planned = new Set(result.plan.rules.map((r) => r.rule));
    return result.plan.policy.data
        .filter((rule) => rule.archiveTo !== undefined && planned.has(rule.name))
        .map((rule) => {
        const purged = result.purge?.rules.find((r) => r.rule === rule.name);
        if (!purged)
            return [(0,report_result/* code */.aY)(rule.name), ': each batch is archived to ', (0,report_result/* code */.aY)(rule.archiveTo), ' before it is deleted'];
        // The rule's own rows apart from those ON DELETE CASCADE took with them: the rule's figure is its table's.
        const sum = (cascaded) => purged.archives.filter((a) => (a.cascaded !== undefined) === cascaded).reduce((n, a) => n + a.rows, 0);
        const cascaded = sum(true);
        const withThem = cascaded > 0 ? ` and ${cascaded} rows ON DELETE CASCADE deleted with them` : '';
        return [
            (0,report_result/* code */.aY)(rule.name),
            `: ${purged.archives.length} archive objects (${sum(false)} rows${withThem}, encrypted, checksums verified and in the receipt) in `,
            (0,report_result/* code */.aY)(rule.archiveTo),
        ];
    });
}
/** Age rules on partitioned tables: partitions dropped whole (or to be), and those whose expired rows go in batches. */
function partitionNotes(result) {
    const notes = [];
    for (const rule of result.plan.rules) {
        const planned = rule.partitions;
        if (!planned)
            continue;
        const purged = result.purge?.rules.find((r) => r.rule === rule.rule)?.partitions;
        if (planned.unsuitable) {
            notes.push([(0,report_result/* code */.aY)(rule.rule), `: no partition is dropped whole (${rule.table} is ${planned.unsuitable})`]);
            continue;
        }
        if (purged) {
            const rows = purged.dropped.reduce((sum, p) => sum + p.rows, 0);
            notes.push([
                (0,report_result/* code */.aY)(rule.rule),
                `: ${purged.dropped.length} partitions detached and dropped (${rows} rows)`,
                ...(purged.dropped.length > 0 ? [': ', purged.dropped.map((p) => p.name).join(', ')] : []),
            ]);
            if (purged.reattached.length > 0)
                notes.push([(0,report_result/* code */.aY)(rule.rule), ': attached again after an interrupted run: ', purged.reattached.join(', ')]);
        }
        else {
            const detach = planned.detach === 'concurrently' ? 'CONCURRENTLY' : 'under lock-timeout';
            const drops = planned.drop.map((p) => `${p.name} (~${p.estimatedRows} rows, ${(0,format/* formatBytes */.z3)(p.bytes)})`);
            notes.push([
                (0,report_result/* code */.aY)(rule.rule),
                `: ${planned.drop.length} partitions would be detached (${detach}) and dropped whole`,
                ...(drops.length > 0 ? [': ', drops.join(', ')] : []),
            ]);
        }
        for (const p of purged?.byRows ?? planned.rows)
            notes.push([(0,report_result/* code */.aY)(rule.rule), ': ', (0,report_result/* code */.aY)(p.name), ` deleted by rows: ${p.reason}`]);
    }
    return notes;
}
/** VACUUM (ANALYZE) after the purge: a table that could not get its lock is named, the purge itself stands. */
function vacuumNotes(result) {
    const vacuum = result.purge?.vacuum ?? [];
    const done = vacuum.filter((v) => v.outcome === 'vacuumed').map((v) => v.table);
    const notes = done.length > 0 ? [`VACUUM (ANALYZE) ran on ${done.join(', ')}.`] : [];
    for (const v of vacuum.filter((x) => x.outcome === 'skipped'))
        notes.push([(0,report_result/* strong */.ko)('VACUUM (ANALYZE) skipped: '), (0,report_result/* code */.aY)(v.table), `: ${v.reason}; autovacuum will get to it`]);
    return notes;
}
function ruleRow(rule, purged, dryRun) {
    const n = (value) => `${rule.rows.exact ? '' : '≥ '}${value}`;
    const verb = rule.action === 'delete' ? '' : ' (anonymize)';
    const bytes = rule.estimatedBytes === undefined ? '' : `, ~${(0,format/* formatBytes */.z3)(rule.estimatedBytes)}`;
    const done = dryRun || !purged
        ? `${n(rule.rows.toPurge)}${verb}${bytes}`
        : `${purged.rows}${verb}${purged.complete ? '' : ' (not finished)'}`;
    const minimum = rule.minimumSeconds === undefined ? '' : ` (minimum, effective ${rule.effectiveCutoff.slice(0, 10)})`;
    return [
        (0,report_result/* code */.aY)(rule.rule),
        (0,report_result/* code */.aY)(rule.table),
        `${rule.cutoff.slice(0, 19)}Z${minimum}`,
        n(rule.rows.expired),
        n(rule.rows.protectedByHold),
        n(rule.rows.protectedByMinimum),
        done,
        dryRun || !purged ? '—' : String(purged.batches),
        rule.dependants.map((d) => `${d.table} (${d.onDelete})`).join(', ') || '—',
    ];
}
/** The action's outputs with a policy (the rotation's, when the policy has a backups: section, as without one). */
function dataRetentionOutputs(result) {
    const rows = result.purge
        ? result.purge.rules.reduce((sum, r) => sum + r.rows, 0)
        : result.plan.rules.reduce((sum, r) => sum + r.rows.toPurge, 0);
    const rotation = result.rotation;
    return {
        'dry-run': String(result.dryRun),
        'rows-purged': String(rows),
        rules: result.plan.rules.map((r) => r.rule).join(','),
        outcome: result.purge ? result.purge.outcome : 'planned',
        receipt: result.receipt?.location ?? '',
        ...(rotation
            ? {
                'deleted-count': String(rotation.deletedIds.length),
                'kept-count': String(rotation.plans.flatMap((p) => p.backups).filter((b) => b.keep).length),
                'deleted-ids': rotation.deletedIds.join(','),
            }
            : {}),
    };
}
//# sourceMappingURL=data-retention-summary.js.map
// EXTERNAL MODULE: ./packages/core/lib/definitions/encryption-inputs.js
var encryption_inputs = __webpack_require__(43277);
// EXTERNAL MODULE: ./packages/core/lib/definitions/retention-inputs.js
var retention_inputs = __webpack_require__(55638);
// EXTERNAL MODULE: ./packages/core/lib/definitions/storage-inputs.js
var storage_inputs = __webpack_require__(13103);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/data-retention-inputs.js






/** retention-purge's data-retention inputs: the policy file and where the receipts of a real run go. */
const DATA_RETENTION_INPUTS = [
    {
        name: 'policy',
        description: 'A data-retention policy file (e.g. .github/dbops/retention.yml, docs/retention.md): purges expired rows (or MongoDB documents) of database-url and rotates its backups: section. Without it, backups in from are rotated by the keep-* inputs.',
        type: 'string',
    },
    {
        name: 'receipts-to',
        description: 'With policy and dry-run false (required then): a directory or s3://bucket/prefix where each run appends a hash-chained receipt of what it purged (dbops retention-verify checks the chain).',
        type: 'string',
    },
    // Rules with archive-to archive each batch encrypted like a backup: these say to whom.
    ...encryption_inputs/* ENCRYPTION_INPUTS */.O.map((input) => ({
        ...input,
        description: input.name === 'encrypt-to'
            ? 'With policy: age recipients (age1..., comma- or newline-separated) that archives of rules with archive-to are encrypted to (required then, or encrypt-passphrase). Only public keys.'
            : 'With policy: encrypt archives of rules with archive-to with an age passphrase instead of encrypt-to.',
    })),
];
const DATA_RETENTION_OUTPUTS = [
    { name: 'rows-purged', description: 'With policy: rows deleted or anonymized (in a dry run, that would be).' },
    {
        name: 'rules',
        description: "With policy: the rules planned (database-url's engine: PostgreSQL tables or MongoDB collections), comma-separated.",
    },
    { name: 'outcome', description: 'With policy: planned (dry run), complete, time-budget, aborted or failed.' },
    { name: 'receipt', description: "With policy and dry-run false: the receipt's location." },
];
const KEEP_INPUTS = retention_inputs/* RETENTION_INPUTS */.v.map((i) => i.name).filter((n) => n.startsWith('keep-'));
/** The retention-purge run with a policy; the caller has seen `policy` given. */
async function runDataRetention(reader, context, dryRun) {
    const keep = KEEP_INPUTS.find((name) => reader.given(name) !== undefined);
    if (keep)
        throw (0,errors/* invalidInput */.aY)(keep, 'is given together with policy', 'either policy (its backups: section holds the keep rules) or the keep-* inputs with from, not both');
    if (!reader.optional('database-url') && !reader.given('host'))
        throw (0,errors/* invalidInput */.aY)('database-url', 'is required with policy: the policy purges rows of a database', 'a URL such as postgres://USER:PASSWORD@HOST:5432/DATABASE (or DATABASE_URL in the environment)');
    const receiptsTo = reader.optional('receipts-to');
    if (!dryRun && !receiptsTo)
        throw (0,errors/* invalidInput */.aY)('receipts-to', 'is required when dry-run is false: every purge leaves a receipt', 'a directory or s3://bucket/prefix for the receipt chain');
    const { dataRetention } = await Promise.resolve(/* import() eager */).then(__webpack_require__.bind(__webpack_require__, 46116)); // on use: libpg-query slows start-up
    const result = await dataRetention({
        policyPath: reader.optional('policy'),
        target: await (0,connection_inputs/* readConnection */.dC)(reader),
        dryRun,
        ...(receiptsTo ? { receiptsTo } : {}),
        s3: (0,storage_inputs/* readS3Options */.R)(reader),
        ...(context.artifacts ? { artifacts: context.artifacts } : {}),
        backupGraceSeconds: (0,retention_inputs/* readRetentionPolicy */.x)(reader).graceSeconds,
        archiveEncryption: (0,encryption_inputs/* readEncryption */._)(reader, context.secrets),
        secrets: context.secrets,
        log: context.log,
        signal: context.signal,
    });
    return {
        outputs: dataRetentionOutputs(result),
        results: dataRetentionSummaries(result),
        json: {
            dryRun,
            policySha256: result.policySha256,
            ...(result.policyCommit ? { policyCommit: result.policyCommit } : {}),
            plan: { ...result.plan, policy: undefined },
            ...(result.purge ? { purge: { ...result.purge, error: result.purge.error?.message } } : {}),
            ...(result.receipt ? { receipt: result.receipt } : {}),
            ...(result.rotation
                ? { rotation: { plans: result.rotation.plans, deletedIds: result.rotation.deletedIds } }
                : {}),
        },
        ...(result.failure ? { failure: result.failure } : {}),
    };
}
//# sourceMappingURL=data-retention-inputs.js.map
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-backup-source.js
var read_backup_source = __webpack_require__(60783);
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-inputs.js + 1 modules
var read_inputs = __webpack_require__(98521);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/policy-at-commit.js
/**
 * The policy file as a pull request's base commit had it, read from the checkout's own history with `git show`, so a
 * dry run on a pull request can say what the change shortens. The base commit is in the checkout only when it was
 * fetched (actions/checkout with fetch-depth: 0, or a fetch of the base): otherwise the caller says so.
 */




const run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
/** The base commit of the pull request this run is for, from the event payload (pull_request.base.sha). */
function pullRequestBaseSha(env) {
    if (!env.GITHUB_EVENT_PATH)
        return undefined;
    try {
        const event = JSON.parse((0,external_node_fs_.readFileSync)(env.GITHUB_EVENT_PATH, 'utf8'));
        const sha = event.pull_request?.base?.sha;
        return typeof sha === 'string' && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * The file's text at `sha`; `{ absent }` when git cannot give it (the commit is not in the checkout, the file did not
 * exist there, no git): the reason, for a note in the comment. The path is resolved from the file's own folder.
 */
async function fileAtCommit(path, sha) {
    const file = (0,external_node_path_.resolve)(path);
    const git = (...args) => run('git', ['-C', (0,external_node_path_.dirname)(file), ...args], { maxBuffer: 16 * 1024 * 1024 });
    try {
        await git('cat-file', '-e', `${sha}^{commit}`);
    }
    catch {
        return {
            absent: `the base commit ${sha.slice(0, 12)} is not in the checkout (actions/checkout with fetch-depth: 0 fetches it)`,
        };
    }
    try {
        return { text: (await git('show', `${sha}:./${(0,external_node_path_.basename)(file)}`)).stdout };
    }
    catch {
        return { absent: `it did not exist at ${sha.slice(0, 12)}` };
    }
}
//# sourceMappingURL=policy-at-commit.js.map
// EXTERNAL MODULE: ./packages/core/lib/data-retention/period.js
var data_retention_period = __webpack_require__(1148);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/policy.js
var policy = __webpack_require__(49231);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/policy-changes.js
/**
 * What a pull request's policy change loosens (issue 16 part 2), so a reviewer sees that data or backups would go
 * sooner or a compliance floor would drop: each rule whose `keep` or `grace` is shorter at the head than at the base,
 * each other change of a rule that can purge more or keep less (its kind, time column, table, `where`, `then`,
 * `archive-to`), each legal hold removed, each keep-* of the `backups:` section that is lower (or gone), and each
 * minimum that is lower or removed. Rules are matched by what they purge first (a rule renamed, or a rule's name moved
 * onto another table, must not hide that a table's data goes sooner), then by name; minimums by their table. What is
 * new at the head (a rule, a `backups:` section, a minimum, a hold) loosens nothing, and neither does a removed rule
 * or `backups:` section: it deletes nothing.
 */


/** Everything the head loosens against the base. */
function policyLoosening(base, head) {
    return {
        shortened: shortenedPeriods(base, head),
        changed: changedRuleSettings(base, head),
        holds: removedHolds(base.holds, head.holds),
        backups: loweredBackupKeeps(base.backups, head.backups),
        minimums: loweredMinimums(base.minimums, head.minimums),
    };
}
/**
 * The base's rule a head rule continues: one over the same table or collection (the same name among those first,
 * then the same `where`, then the first), else the one of the same name (moved to another table).
 */
function baseRuleOf(rule, base) {
    const same = base.data.filter((r) => target(r) === target(rule));
    if (same.length === 0)
        return base.data.find((r) => r.name === rule.name);
    return same.find((r) => r.name === rule.name) ?? same.find((r) => r.where === rule.where) ?? same[0];
}
function shortenedPeriods(base, head) {
    const shortened = [];
    for (const rule of head.data) {
        const before = baseRuleOf(rule, base);
        if (!before)
            continue;
        const now = (0,policy/* rulePeriod */.GL)(rule);
        const was = (0,policy/* rulePeriod */.GL)(before);
        // A changed kind (grace against keep) is listed by changedRuleSettings: the two periods count from different times.
        if (now.key !== was.key || (0,data_retention_period/* periodAtLeast */["if"])(now.period, was.period))
            continue;
        shortened.push({
            rule: rule.name,
            ...(before.name !== rule.name ? { baseRule: before.name } : {}),
            target: target(rule),
            period: now.key,
            base: was.period,
            head: now.period,
            line: rule.line,
        });
    }
    return shortened;
}
/**
 * Each rule's settings besides its period that changed so that it may purge more, sooner, or without a copy: its kind
 * (age against soft delete), time column, table, a `where` removed or rewritten (one added only narrows), `then`
 * from anonymize to erase, and `archive-to` removed or moved.
 */
function changedRuleSettings(base, head) {
    const changed = [];
    for (const rule of head.data) {
        const before = baseRuleOf(rule, base);
        if (!before)
            continue;
        const add = (setting, was, now) => changed.push({
            rule: rule.name,
            ...(before.name !== rule.name ? { baseRule: before.name } : {}),
            target: target(rule),
            setting,
            base: was ?? NONE,
            head: now ?? NONE,
            line: rule.line,
        });
        if (target(before) !== target(rule))
            add('table', target(before), target(rule));
        const [was, now] = [ruleKind(before), ruleKind(rule)];
        if (was.kind !== now.kind)
            add('kind', was.text, now.text);
        else if (was.column !== now.column)
            add(now.kind === 'age' ? 'by' : 'soft-delete', was.column, now.column);
        if (before.where !== undefined && before.where !== rule.where)
            add('where', before.where, rule.where);
        const [thenWas, thenNow] = [thenOf(before), thenOf(rule)];
        if (was.kind === now.kind && thenWas === 'anonymize' && thenNow === 'erase')
            add('then', thenWas, thenNow);
        if (before.archiveTo !== undefined && before.archiveTo !== rule.archiveTo)
            add('archive-to', before.archiveTo, rule.archiveTo);
    }
    return changed;
}
const NONE = '(none)';
function ruleKind(rule) {
    const { key, period } = (0,policy/* rulePeriod */.GL)(rule);
    if ('softDelete' in rule)
        return {
            kind: 'soft-delete',
            column: rule.softDelete,
            text: `soft-delete ${rule.softDelete}, grace ${(0,data_retention_period/* formatPeriod */.dH)(period)}, then ${thenOf(rule)}`,
        };
    const by = rule.by;
    return { kind: 'age', column: by, text: `age by ${by}, ${key} ${(0,data_retention_period/* formatPeriod */.dH)(period)}` };
}
function thenOf(rule) {
    return 'afterGrace' in rule ? rule.afterGrace.action : undefined;
}
/** The base's legal holds that the head does not have (compared as written, the table's schema filled in). */
function removedHolds(base, head) {
    const kept = new Set(head.map(holdText));
    return base.filter((hold) => !kept.has(holdText(hold))).map((hold) => ({ hold: holdText(hold), line: hold.line }));
}
function holdText(hold) {
    if (hold.kind === 'table')
        return `table: ${tableText(hold.table)}`;
    if (hold.kind === 'query')
        return `query: ${hold.query.replace(/\s+/g, ' ').trim()}`;
    return `collection: ${hold.collection.database}.${hold.collection.name}`;
}
/**
 * The keep-* settings that keep less at the head. A setting that is not given keeps nothing by itself (as the
 * rotation reads it: rotateBackups in operations/data-retention.ts), so removing one lowers it to nothing. Compared
 * whatever `from` says: it is the policy's one rotation, and a changed `from` is shown next to what was lowered.
 */
function loweredBackupKeeps(base, head) {
    if (!base || !head)
        return [];
    const lowered = [];
    for (const [field, setting] of Object.entries(policy/* BACKUP_KEEP_KEYS */.kS)) {
        const before = base[field];
        const after = head[field];
        if (before === undefined || keepsAtLeast(after ?? 0, before))
            continue;
        lowered.push({
            target: head.from,
            ...(base.from !== head.from ? { baseTarget: base.from } : {}),
            setting,
            base: before,
            ...(after === undefined ? {} : { head: after }),
            line: head.lines[field] ?? head.line,
        });
    }
    return lowered;
}
/** The minimums lower at the head, per table (a table's floor is its highest minimum), or gone from it. */
function loweredMinimums(base, head) {
    const floors = (minimums) => {
        const byTable = new Map();
        for (const m of minimums) {
            const known = byTable.get(tableText(m.table));
            if (!known || !(0,data_retention_period/* periodAtLeast */["if"])(known.keepAtLeast, m.keepAtLeast))
                byTable.set(tableText(m.table), m);
        }
        return byTable;
    };
    const after = floors(head);
    const lowered = [];
    for (const [table, before] of floors(base)) {
        const now = after.get(table);
        if (now && (0,data_retention_period/* periodAtLeast */["if"])(now.keepAtLeast, before.keepAtLeast))
            continue;
        lowered.push(now
            ? { target: table, base: before.keepAtLeast, head: now.keepAtLeast, line: now.line }
            : { target: table, base: before.keepAtLeast, line: before.line, atBase: true });
    }
    return lowered;
}
/** A count against a count, or (keep-within) a period against a period; a removed keep-within (0) keeps less. */
function keepsAtLeast(after, before) {
    if (typeof after === 'number' || typeof before === 'number')
        return typeof after === typeof before && Number(after) >= Number(before);
    return (0,data_retention_period/* periodAtLeast */["if"])(after, before);
}
function target(rule) {
    if (rule.kind === 'collection')
        return `${rule.collection.database}.${rule.collection.name}`;
    return tableText(rule.table);
}
function tableText(table) {
    return `${table.schema ?? 'public'}.${table.name}`;
}
//# sourceMappingURL=policy-changes.js.map
// EXTERNAL MODULE: ./packages/core/lib/data-retention/read-policy.js
var read_policy = __webpack_require__(51040);
;// CONCATENATED MODULE: ./packages/core/lib/report/retention-policy-changes-summary.js


/**
 * For the pull request comment: what the change loosens, one table for all of it (rules' keep or grace, their other
 * settings to review, removed legal holds, the backups: section's keep-* settings, minimums), or why that is unknown.
 */
function policyChangesSummary(base, change) {
    if ('unknown' in change)
        return {
            status: 'warning',
            title: 'Shortened periods: not compared',
            blocks: [{ kind: 'note', text: `The policy at the base could not be read: ${change.unknown}.` }],
        };
    const { shortened, changed, holds, backups, minimums } = change;
    const counts = [];
    const effects = [];
    if (shortened.length > 0) {
        counts.push(`${shortened.length} retention periods shortened`);
        effects.push('data would go sooner');
    }
    if (changed.length > 0) {
        counts.push(`${changed.length} rule settings changed`);
        effects.push('review what those rules would purge');
    }
    if (holds.length > 0) {
        counts.push(`${holds.length} legal holds removed`);
        effects.push('rows they held could be purged');
    }
    if (backups.length > 0) {
        counts.push(`${backups.length} backup keep settings lowered`);
        effects.push('backups would be deleted sooner');
    }
    if (minimums.length > 0) {
        counts.push(`${minimums.length} minimums lowered or removed`);
        effects.push('a compliance floor drops');
    }
    if (counts.length === 0)
        return {
            status: 'ok',
            title: ['No retention period is shortened and no backup keep setting or minimum lowered against ', (0,report_result/* code */.aY)(base)],
            blocks: [],
        };
    const rows = [
        ...shortened.map((s) => [
            s.baseRule ? [(0,report_result/* code */.aY)(s.rule), ' (was ', (0,report_result/* code */.aY)(s.baseRule), ')'] : (0,report_result/* code */.aY)(s.rule),
            (0,report_result/* code */.aY)(s.target),
            s.period,
            (0,data_retention_period/* formatPeriod */.dH)(s.base),
            (0,data_retention_period/* formatPeriod */.dH)(s.head),
            String(s.line),
        ]),
        ...changed.map((c) => [
            c.baseRule ? [(0,report_result/* code */.aY)(c.rule), ' (was ', (0,report_result/* code */.aY)(c.baseRule), ')'] : (0,report_result/* code */.aY)(c.rule),
            (0,report_result/* code */.aY)(c.target),
            c.setting,
            (0,report_result/* code */.aY)(c.base),
            (0,report_result/* code */.aY)(c.head),
            String(c.line),
        ]),
        ...holds.map((h) => [(0,report_result/* code */.aY)('holds'), (0,report_result/* code */.aY)(h.hold), 'hold', 'present', 'removed', `${h.line} at the base`]),
        ...backups.map((b) => {
            const value = (v) => (typeof v === 'number' ? String(v) : (0,data_retention_period/* formatPeriod */.dH)(v));
            return [
                (0,report_result/* code */.aY)('backups'),
                b.baseTarget ? [(0,report_result/* code */.aY)(b.target), ' (was ', (0,report_result/* code */.aY)(b.baseTarget), ')'] : (0,report_result/* code */.aY)(b.target),
                b.setting,
                value(b.base),
                b.head === undefined ? 'removed' : value(b.head),
                String(b.line),
            ];
        }),
        ...minimums.map((m) => [
            (0,report_result/* code */.aY)('minimums'),
            (0,report_result/* code */.aY)(m.target),
            'keep-at-least',
            (0,data_retention_period/* formatPeriod */.dH)(m.base),
            m.head === undefined ? 'removed' : (0,data_retention_period/* formatPeriod */.dH)(m.head),
            m.atBase ? `${m.line} at the base` : String(m.line),
        ]),
    ];
    return {
        status: 'warning',
        title: [`${counts.join(', ')} against `, (0,report_result/* code */.aY)(base), `: ${effects.join(', ')}`],
        blocks: [{ kind: 'table', columns: ['Rule', 'Target', 'Setting', 'Base', 'This change', 'Line'], rows }],
    };
}
//# sourceMappingURL=retention-policy-changes-summary.js.map
// EXTERNAL MODULE: ./packages/core/lib/definitions/migrate-pr-comment.js + 1 modules
var migrate_pr_comment = __webpack_require__(27538);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/retention-pr-comment.js





/** comment-on-pr for retention-purge: the same sticky comment mechanism as migrate-deploy's, under its own marker. */
const RETENTION_PR_COMMENT_INPUTS = migrate_pr_comment/* PR_COMMENT_INPUTS */.h3.filter(
// retention-purge has its github-token already (for artifact:// backups); the comment uses the same one.
(input) => input.name === 'comment-on-pr').map((input) => ({
    ...input,
    description: "With policy and a dry run: keep one comment on the pull request with the plan and what the change loosens against the policy at the pull request's base commit (each rule whose keep or grace is shorter, each backups: keep-* setting that is lower, each minimum lowered or removed), updated in place on later runs; github-token needs pull-requests: write. Outside a pull request: a warning.",
}));
/** Its own marker: the migrate-deploy comment on the same pull request is left alone. */
const RETENTION_PR_COMMENT_KEY = 'retention-purge';
/**
 * Posts or updates the plan comment; the caller has read comment-on-pr (true) before the run. Never fails the run:
 * problems are warnings.
 */
async function commentRetentionPlan(reader, report, context, dryRun) {
    const warn = (why) => context.log.warn(`comment-on-pr: ${why}; no comment was posted.`);
    if (!dryRun)
        return warn('only a dry run posts its plan');
    await (0,migrate_pr_comment/* postSummaryComment */.S$)(reader, context, RETENTION_PR_COMMENT_KEY, async () => [
        await policyChanges(reader.optional('policy'), context.env),
        ...(report.results ?? []),
    ]);
}
/** The head's policy against the base's: what it loosens, or why they could not be compared. */
async function policyChanges(policyPath, env) {
    const base = pullRequestBaseSha(env);
    if (!base)
        return policyChangesSummary('', { unknown: 'the event payload names no pull_request.base.sha' });
    const label = `${policyPath} at ${base.slice(0, 12)}`;
    const before = await fileAtCommit(policyPath, base);
    if ('absent' in before)
        return policyChangesSummary(label, { unknown: before.absent });
    try {
        const [baseText, head] = await Promise.all([(0,read_policy/* parsePolicy */.ON)(before.text, label), (0,read_policy/* readPolicyFile */.BK)(policyPath)]);
        return policyChangesSummary(label, policyLoosening(baseText, head));
    }
    catch (error) {
        return policyChangesSummary(label, { unknown: error.message });
    }
}
//# sourceMappingURL=retention-pr-comment.js.map
;// CONCATENATED MODULE: ./packages/core/lib/definitions/retention-purge.js










const inputs = [
    // from is required for rotation by keep-* inputs only; a policy names its backups in its backups: section.
    ...(0,backup_source_inputs/* backupSourceInputs */.vW)(backup_source_inputs/* NAME_FILTER_INPUT */.Ac).map((i) => i.name === 'from' ? { ...i, required: false, description: `${i.description} Required without policy.` } : i),
    ...retention_inputs/* RETENTION_INPUTS */.v,
    {
        name: 'dry-run',
        description: 'Only show what would be deleted, with reasons. Set to false to delete.',
        default: 'true',
        type: 'boolean',
    },
    ...DATA_RETENTION_INPUTS,
    ...RETENTION_PR_COMMENT_INPUTS,
    ...(0,connection_inputs/* connectionInputs */.eu)(),
];
const retentionPurgeDefinition = {
    name: 'retention-purge',
    aliases: ['rotate'],
    description: 'Enforce a data-retention policy (expired rows purged in gentle batches, hash-chained receipts) or rotate backups with restic-style keep rules; a dry run unless dry-run: false.',
    inputs,
    outputs: [
        { name: 'deleted-count', description: 'Backups deleted (or that would be, in a dry run).' },
        { name: 'kept-count', description: 'Backups kept.' },
        { name: 'deleted-ids', description: 'Ids of the deleted backups, comma-separated.' },
        { name: 'dry-run', description: 'Whether this was a dry run.' },
        ...DATA_RETENTION_OUTPUTS,
    ],
    async run(raw, context) {
        const reader = new read_inputs/* InputReader */.i(inputs, raw, context.env);
        const dryRun = reader.boolean('dry-run');
        // Checked before anything is purged: an invalid value found after it would lose the report of what was deleted.
        const comment = reader.boolean('comment-on-pr');
        if (reader.optional('policy')) {
            const report = await runDataRetention(reader, context, dryRun);
            if (comment)
                await commentRetentionPlan(reader, report, context, dryRun);
            return report;
        }
        const { source, filter } = (0,read_backup_source/* readBackupSource */.s)(reader, context);
        const { policy, graceSeconds, any } = (0,retention_inputs/* readRetentionPolicy */.x)(reader);
        if (!any) {
            throw (0,errors/* invalidInput */.aY)('keep-daily', 'and every other keep rule keep nothing (unset or 0)', 'at least one of ' +
                'keep-last, keep-hourly, keep-daily, keep-weekly, keep-monthly, keep-yearly (a count of 1 or more) or keep-within, or a policy file');
        }
        const name = filter.name ? { name: filter.name } : {};
        const result = await (0,rotate/* rotate */.e)({ source, ...name, policy, graceSeconds, dryRun, log: context.log });
        const { plans, skipped, deletedIds } = result;
        return {
            outputs: {
                'deleted-count': String(deletedIds.length),
                'kept-count': String(plans.flatMap((p) => p.backups).filter((b) => b.keep).length),
                'deleted-ids': deletedIds.join(','),
                'dry-run': String(dryRun),
            },
            results: (0,rotation_summary/* rotateSummaries */.ur)(result),
            json: {
                dryRun,
                plans,
                ...(skipped.length > 0 ? { skipped: skipped.map((s) => ({ name: s.name, error: s.error.message })) } : {}),
            },
            ...(result.failure ? { failure: result.failure } : {}),
        };
    },
};
//# sourceMappingURL=retention-purge.js.map

/***/ }),

/***/ 91593:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ githubApi)
/* harmony export */ });
/* harmony import */ var _http_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(23427);

/**
 * GitHub's REST API for one repository, with the token and the API version every call carries; errors name the
 * call by its path (never the token).
 */
function githubApi(options) {
    const api = options.apiUrl.replace(/\/+$/, '');
    const send = (method, url, body) => (0,_http_js__WEBPACK_IMPORTED_MODULE_0__/* .requestJson */ .SS)(method, url, body, `GitHub API ${method} ${url.slice(api.length)}`, {
        ...options,
        headers: {
            authorization: `Bearer ${options.token}`,
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
        },
    });
    return { repo: `${api}/repos/${options.repository}`, send };
}
//# sourceMappingURL=github-api.js.map

/***/ }),

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

/***/ 46116:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  dataRetention: () => (/* binding */ dataRetention)
});

// EXTERNAL MODULE: ./packages/core/lib/data-retention/archive.js
var archive = __webpack_require__(85947);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/chain-lock.js
var chain_lock = __webpack_require__(31374);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/plan.js + 1 modules
var plan = __webpack_require__(74913);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/policy-commit.js
var policy_commit = __webpack_require__(83977);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/purge.js + 2 modules
var purge = __webpack_require__(78358);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/read-policy.js
var read_policy = __webpack_require__(51040);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/receipt.js
var data_retention_receipt = __webpack_require__(1905);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/receipt-chain.js
var receipt_chain = __webpack_require__(59589);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/receipt-table.js
var receipt_table = __webpack_require__(72096);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/data-retention-vacuum.js
async function vacuumAnalyze(client, table, lockTimeoutMs) {
    const { rows } = await client.query("SELECT current_setting('lock_timeout') AS lock");
    await client.query("SELECT set_config('lock_timeout', $1, false)", [`${lockTimeoutMs}ms`]);
    try {
        await client.query(`VACUUM (ANALYZE) ${table}`);
    }
    finally {
        await client.query("SELECT set_config('lock_timeout', $1, false)", [rows[0].lock]);
    }
}
//# sourceMappingURL=data-retention-vacuum.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/lock-wait.js
var lock_wait = __webpack_require__(62725);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/vacuum.js



async function vacuumPurged(client, purge, lockTimeoutMs, log) {
    if (purge.outcome === 'aborted')
        return undefined;
    const { rules } = purge;
    // Batches leave dead rows; dropped partitions left none. On a partitioned table only the partitions the batches
    // went through are vacuumed, not every month the parent has.
    const tables = [
        ...new Set(rules
            .filter((r) => r.batches > 0)
            .flatMap((r) => r.partitions && r.partitions.byRows.length > 0 ? r.partitions.byRows.map((p) => p.name) : [r.table])),
    ];
    const outcomes = [];
    for (const table of tables) {
        const start = performance.now();
        try {
            await vacuumAnalyze(client, table, lockTimeoutMs);
            outcomes.push({ table, outcome: 'vacuumed', durationMs: Math.round(performance.now() - start) });
        }
        catch (error) {
            const reason = (0,lock_wait/* isLockTimeout */.Td)(error)
                ? `another session held a conflicting lock for longer than lock-timeout (${lockTimeoutMs} ms)`
                : (0,errors/* asDbopsError */.lS)(error).message;
            log.warn(`VACUUM (ANALYZE) ${table} skipped: ${reason}`);
            outcomes.push({ table, outcome: 'skipped', durationMs: Math.round(performance.now() - start), reason });
        }
    }
    return outcomes;
}
//# sourceMappingURL=vacuum.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/index.js + 20 modules
var databases = __webpack_require__(93556);
// EXTERNAL MODULE: ./packages/core/lib/files/read-input-file.js
var read_input_file = __webpack_require__(83211);
// EXTERNAL MODULE: ./packages/core/lib/storage/open-storage.js
var open_storage = __webpack_require__(31191);
// EXTERNAL MODULE: ./packages/core/lib/operations/rotate.js + 1 modules
var rotate = __webpack_require__(10131);
;// CONCATENATED MODULE: ./packages/core/lib/operations/data-retention.js















/**
 * retention-purge with a policy: reads the policy, plans every rule of the database-url's engine (PostgreSQL tables or
 * MongoDB collections; the others are listed as skipped) against the live database and, unless
 * this is a dry run, purges at the plan's cutoffs and appends a hash-chained receipt of what committed to receipts-to
 * (and, on PostgreSQL, to a table dbops owns). The receipt chain's head is read before anything is deleted: a purge whose receipt
 * could not be chained is never started.
 */
async function dataRetention(options) {
    const { log, target, dryRun } = options;
    options.secrets.add(target.password);
    const text = await (0,read_input_file/* readInputFile */.j)(options.policyPath, 'policy', 'the path of a YAML retention policy');
    const policy = await (0,read_policy/* parsePolicy */.ON)(text, options.policyPath);
    if (options.archiveEncryption?.passphrase)
        options.secrets.add(options.archiveEncryption.passphrase);
    // The engine the database-url names: MongoDB purges the collection rules, PostgreSQL the table rules.
    const document = (0,databases/* documentRetentionFor */.vR)(target);
    // Refused before anything is read from the database: an archiving rule of this engine with nothing to encrypt to.
    const archiving = policy.data.find((rule) => rule.archiveTo !== undefined && (rule.kind === 'collection') === (document !== undefined));
    if (archiving && !dryRun)
        (0,archive/* checkArchiveEncryption */.av)(options.archiveEncryption, archiving.name);
    const hash = (0,data_retention_receipt/* policySha256 */.s1)(text);
    const commit = await (0,policy_commit/* policyCommit */.K)(options.policyPath);
    const chain = (0,receipt_chain/* chainName */.H9)(options.policyPath);
    const receipts = dryRun ? undefined : await openReceipts(options);
    // Read before anything is deleted: a chain that cannot be continued (unreadable, tampered) stops the run here.
    if (receipts)
        await (0,receipt_chain/* readChainHead */.q)(receipts, chain);
    const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
    const now = options.now ?? new Date();
    /** Plan, then (not in a dry run) purge and chain the receipt; the same steps whichever engine runs them. */
    const planAndPurge = async (plan, purgeWith, keepCopy, tidyUp) => {
        const base = {
            dryRun,
            policyPath: options.policyPath,
            policySha256: hash,
            ...(commit ? { policyCommit: commit } : {}),
            plan,
        };
        if (!receipts)
            return base;
        // Read again now that this run holds the chain (chain-lock.ts): a run that finished meanwhile appended a link.
        const current = await (0,receipt_chain/* readChainHead */.q)(receipts, chain);
        const purge = await purgeWith(plan);
        const unchained = (0,data_retention_receipt/* retentionReceipt */.ny)(purge, hash, commit);
        let stored;
        try {
            stored = await (0,receipt_chain/* appendAfterHead */.dP)(receipts, chain, current, (head) => (0,data_retention_receipt/* chainReceipt */.YC)(unchained, chain, head));
        }
        catch (error) {
            throw await receiptNotStored(error, (0,data_retention_receipt/* chainReceipt */.YC)(unchained, chain, current), purge, receipts, keepCopy, log);
        }
        const { receipt: chained, location } = stored;
        log.info(`Receipt ${chained.sequence} of '${chain}' stored at ${location}`);
        const table = await keepCopy?.(chained);
        const receipt = { location, sequence: chained.sequence, sha256: chained.sha256, ...(table ? { table } : {}) };
        // Only now that the receipt is stored: VACUUM may wait on locks, and the rows are gone either way.
        const vacuum = await tidyUp?.(purge);
        return {
            ...base,
            purge: { ...purge, ...(vacuum ? { vacuum } : {}) },
            receipt,
            ...(purge.error ? { failure: purge.error } : {}),
        };
    };
    const archiveSetup = {
        open: (location) => openArchive(location, options),
        ...(options.archiveEncryption ? { encryption: options.archiveEncryption } : {}),
    };
    const result = document
        ? await document(target, context, async (session) => planAndPurge(await session.plan(policy, now, {}), (plan) => session.purge(plan, { ...context, archive: archiveSetup }), (receipt) => recordCopy(() => session.recordReceipt(receipt), "the database's receipts collection", log)))
        : await (0,databases/* sqlEngineFor */.mO)(target, 'retention-purge with a policy').withSqlSession(target, context, async (client) => {
            if (!dryRun)
                await (0,chain_lock/* lockReceiptChain */.H)(client, chain);
            return planAndPurge(await (0,plan/* planRetention */.SA)(client, policy, now), (plan) => (0,purge/* purgeRetention */.yV)(client, plan, { ...context, archive: archiveSetup }), (receipt) => recordCopy(async () => {
                await (0,receipt_table/* recordReceiptRow */.e)(client, receipt);
                return receipt_table/* RECEIPT_TABLE */.m;
            }, receipt_table/* RECEIPT_TABLE */.m, log), (purge) => vacuumPurged(client, purge, policy.defaults.lockTimeoutMs, log));
        });
    if (!policy.backups)
        return result;
    return { ...result, ...(await rotateBackups(policy.backups, options, result.failure)) };
}
async function openReceipts(options) {
    const storage = await (0,open_storage/* openStorage */.G)(options.receiptsTo, {
        inputName: 'receipts-to',
        ...(options.s3 ? { s3: options.s3 } : {}),
        ...(options.artifacts ? { artifacts: options.artifacts } : {}),
    });
    await storage.preflight();
    return storage;
}
/** A rule's archive-to, checked usable before its first batch (a batch whose archive cannot be written is kept). */
async function openArchive(location, options) {
    const storage = await (0,open_storage/* openStorage */.G)(location, {
        inputName: 'archive-to',
        ...(options.s3 ? { s3: options.s3 } : {}),
        ...(options.artifacts ? { artifacts: options.artifacts } : {}),
    });
    await storage.preflight();
    return storage;
}
/**
 * The receipt could not be stored in receipts-to, but the purge has run: its rows are gone and must not be left
 * without any receipt. The chained receipt (linked after the head read before the purge) is kept in the database
 * copy and its hash logged, and the error says what was deleted and where the receipt is, so it can be stored by hand.
 */
async function receiptNotStored(error, receipt, purge, receipts, keepCopy, log) {
    const cause = (0,errors/* asDbopsError */.lS)(error);
    const rows = purge.rules.reduce((sum, rule) => sum + rule.rows, 0);
    const key = (0,receipt_chain/* receiptKey */.OH)(receipt.policy, receipt.sequence);
    const table = await keepCopy?.(receipt);
    const where = table
        ? `it is kept in ${table} (sha256 ${receipt.sha256})`
        : `it was stored nowhere; its sha256 is ${receipt.sha256}`;
    log.error(`Receipt ${receipt.sequence} of '${receipt.policy}' (sha256 ${receipt.sha256}) was not stored in receipts-to: ${where}`);
    const stopped = purge.error ? `; the purge had also stopped: ${purge.error.message}` : '';
    return new errors/* DbopsError */.zJ(cause.code, `${rows} rows were deleted or anonymized (${purge.rules.map((r) => `${r.rule}: ${r.rows}`).join(', ') || 'no rules'}), but their receipt could not be stored in receipts-to (${cause.message}): ${where}${stopped}`, {
        cause: error,
        hint: table
            ? `Store it as ${receipts.locate(key)} before the next run (the chain continues from it): SELECT receipt FROM ${table} WHERE sha256 = '${receipt.sha256}', written as JSON. ${cause.hint ?? ''}`.trim()
            : `The run's log holds the receipt's hash; the archives and the plan show what was deleted. ${cause.hint ?? ''}`.trim(),
    });
}
/**
 * The database copy (a table or collection dbops owns) is a convenience: a role that may delete but not create one
 * still gets its purge and receipt.
 */
async function recordCopy(record, where, log) {
    try {
        return await record();
    }
    catch (error) {
        log.warn(`The receipt was not recorded in ${where} (${(0,errors/* asDbopsError */.lS)(error).message})`);
        return undefined;
    }
}
/** The policy's backups: section, rotated exactly as the keep-* inputs would (the same operation). */
async function rotateBackups(backups, options, failure) {
    const policy = {
        ...(backups.keepLast ? { last: backups.keepLast } : {}),
        ...(backups.keepHourly ? { hourly: backups.keepHourly } : {}),
        ...(backups.keepDaily ? { daily: backups.keepDaily } : {}),
        ...(backups.keepWeekly ? { weekly: backups.keepWeekly } : {}),
        ...(backups.keepMonthly ? { monthly: backups.keepMonthly } : {}),
        ...(backups.keepYearly ? { yearly: backups.keepYearly } : {}),
        ...(backups.keepWithin?.years ? { withinYears: backups.keepWithin.years } : {}),
        ...(backups.keepWithin?.seconds ? { withinSeconds: backups.keepWithin.seconds } : {}),
        minVerified: backups.keepMinVerified ?? 0,
    };
    const rotation = await (0,rotate/* rotate */.e)({
        source: {
            from: backups.from,
            ...(options.s3 ? { s3: options.s3 } : {}),
            ...(options.artifacts ? { artifacts: options.artifacts } : {}),
        },
        policy,
        graceSeconds: options.backupGraceSeconds,
        dryRun: options.dryRun,
        log: options.log,
    });
    const first = failure ?? rotation.failure;
    return { rotation, ...(first ? { failure: first } : {}) };
}
//# sourceMappingURL=data-retention.js.map

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

/***/ 20857:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ur: () => (/* binding */ rotateSummaries),
/* harmony export */   vO: () => (/* binding */ backupRotationSummaries)
/* harmony export */ });
/* unused harmony export rotationSummary */
/* harmony import */ var _format_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(65118);
/* harmony import */ var _result_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(97343);


/** The rotation plan as a table: every backup, kept or deleted, with the rules that keep it. */
function rotationSummary(plan, dryRun, now) {
    const deleting = plan.backups.filter((b) => !b.keep);
    const freed = deleting.reduce((sum, b) => sum + b.bytes, 0);
    const verb = dryRun ? 'would delete' : 'deleted';
    const verified = (at) => (at ? `✅ ${at.toISOString().slice(0, 16)}Z` : '—');
    const blocks = [
        {
            kind: 'table',
            columns: ['Backup id', 'Age', 'Verified', 'Action', 'Kept by'],
            rows: plan.backups.map((b) => [
                (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(b.id),
                age(b.time, now),
                verified(b.verifiedAt),
                b.keep ? 'keep' : (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .strong */ .ko)(dryRun ? 'delete' : 'deleted'),
                b.reasons.join(', '),
            ]),
        },
    ];
    const sources = [...new Set(plan.backups.map((b) => b.source))];
    if (sources.length > 1) {
        const text = `These backups come from ${sources.length} sources, each rotated on its own: ${sources.join('; ')}.`;
        blocks.push({ kind: 'note', text });
    }
    const list = (title, items) => {
        if (items.length > 0)
            blocks.push({ kind: 'note', text: title }, { kind: 'list', items });
    };
    const setAside = (reason) => plan.backups.filter((b) => b.setAside?.reason === reason);
    list('Damaged backups (kept, and never counted as a backup to keep others for):', setAside('damaged').map((b) => [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(b.id), `: ${b.setAside.detail}; it cannot be restored`]));
    list('Backups dated in the future (kept, and never counted: the others are rotated by their own dates):', setAside('future-dated').map((b) => [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(b.id), `: ${b.setAside.detail}`]));
    const fate = (what, done, wait) => ` (${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatSeconds */ .Xo)(what.ageSeconds)} old): ${what.action === 'delete' ? done : wait}`;
    list('Objects without a manifest (incomplete backups):', plan.leftovers.map((l) => [
        (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(l.backupId),
        fate(l, dryRun ? 'would be deleted' : 'deleted', 'left alone: it may still be uploading'),
    ]));
    list('Uploads a killed run left unfinished (never backups; they only take space):', plan.unfinished.map((u) => [
        (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(u.upload.key),
        fate(u, dryRun ? 'would be discarded' : 'discarded', 'left alone: it may still be writing'),
    ]));
    const dry = dryRun ? ' (dry run: nothing deleted)' : '';
    const what = `${dry}: ${verb} ${deleting.length} of ${plan.backups.length} backups, ${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatBytes */ .z3)(freed)}`;
    return { status: 'info', title: ['Rotation of ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(plan.name), what], blocks };
}
function age(time, now) {
    const seconds = (now.getTime() - time.getTime()) / 1000;
    return seconds < 0 ? `${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatSeconds */ .Xo)(-seconds)} in the future` : (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatSeconds */ .Xo)(seconds);
}
/** A rotation's results: each name's plan, then each name skipped for a damaged manifest. */
function rotateSummaries(result) {
    return [
        ...result.plans.map((p) => rotationSummary(p, result.dryRun, result.now)),
        ...result.skipped.map(skippedSummary),
    ];
}
function skippedSummary({ name, error }) {
    const blocks = [{ kind: 'note', text: error.message }];
    if (error.hint)
        blocks.push({ kind: 'note', text: error.hint });
    return { status: 'failure', title: [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(name), ' not rotated: nothing of it was deleted'], blocks };
}
/** The rotation a backup ran after itself: its results, or a warning that it failed (the backup stands). */
function backupRotationSummaries(rotation) {
    if (!rotation)
        return [];
    if ('error' in rotation) {
        return [{ status: 'warning', title: `Rotation failed: ${rotation.error.message}`, blocks: [] }];
    }
    return rotateSummaries(rotation);
}
//# sourceMappingURL=rotation-summary.js.map

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

/***/ })

};
