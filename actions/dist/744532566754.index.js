export const id = 744532566754;
export const ids = [744532566754];
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

/***/ 7367:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   subjectEraseDefinition: () => (/* binding */ subjectEraseDefinition)
/* harmony export */ });
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(50429);
/* harmony import */ var _report_subject_summary_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(25129);
/* harmony import */ var _connection_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(47518);
/* harmony import */ var _read_inputs_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(98521);
/* harmony import */ var _storage_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(13103);
/* harmony import */ var _subject_inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(26988);






const inputs = [
    ..._subject_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .SUBJECT_INPUTS */ .j,
    {
        name: 'dry-run',
        description: 'Only count what would be erased or anonymized. Set to false (or pass --apply) to change data.',
        default: 'true',
        type: 'boolean',
    },
    { name: 'apply', description: 'The same as dry-run false.', type: 'boolean' },
    {
        name: 'receipts-to',
        description: "retention-purge's receipts-to (a directory or s3://bucket/prefix): the erasure's receipt is appended to that hash chain. The receipts table dbops_retention_receipts always gets a copy.",
        type: 'string',
    },
    {
        name: 'lock-timeout',
        description: "lock_timeout of the erasure's one transaction (PostgreSQL): a lock held longer stops it with nothing changed. Default: the policy's.",
        type: 'duration',
    },
    ..._storage_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .S3_INPUTS */ .Z,
    ...(0,_connection_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .connectionInputs */ .eu)(),
];
/** `dbops subject erase` (also `subject-erase`): the policy's then (erase or anonymize) for one subject, with a receipt. */
const subjectEraseDefinition = {
    name: 'subject-erase',
    description: "GDPR erasure: applies the then of the table's soft-delete rule (erase: the subject and its dependants; anonymize: the listed columns), on PostgreSQL in one transaction, with a receipt and tombstones; a dry run unless --apply.",
    cliOnly: true,
    subcommand: ['subject', 'erase'],
    inputs,
    outputs: [
        { name: 'rows', description: 'Rows erased or anonymized (in a dry run, that would be).' },
        { name: 'receipt', description: "The receipt's location, when receipts-to was given and this was not a dry run." },
    ],
    async run(raw, context) {
        const reader = new _read_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .InputReader */ .i(inputs, raw, context.env);
        const dryRun = reader.boolean('dry-run') && !(reader.given('apply') !== undefined && reader.boolean('apply'));
        const receiptsTo = reader.optional('receipts-to');
        const lockTimeout = reader.optional('lock-timeout');
        const { subjectErase } = await Promise.resolve(/* import() eager */).then(__webpack_require__.bind(__webpack_require__, 90294)); // on use: libpg-query slows start-up
        const result = await subjectErase({
            policyPath: reader.required('policy', 'the path of a YAML retention policy'),
            target: await (0,_connection_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .readConnection */ .dC)(reader),
            table: reader.required('table', 'a table name, e.g. public.users'),
            id: reader.required('id', "the subject's primary key, e.g. 42"),
            dryRun,
            ...(receiptsTo ? { receiptsTo } : {}),
            ...(lockTimeout ? { lockTimeoutMs: (0,_duration_js__WEBPACK_IMPORTED_MODULE_4__/* .parseTimeoutMs */ .DS)(lockTimeout, 'lock-timeout', '2s') } : {}),
            s3: (0,_storage_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .readS3Options */ .R)(reader),
            ...(context.artifacts ? { artifacts: context.artifacts } : {}),
            secrets: context.secrets,
            log: context.log,
            signal: context.signal,
        });
        const changed = result.tables.filter((t) => t.action === 'delete' || t.action === 'anonymize');
        return {
            outputs: {
                rows: String(changed.reduce((n, t) => n + t.rows, 0)),
                receipt: result.receipt?.location ?? '',
            },
            results: [(0,_report_subject_summary_js__WEBPACK_IMPORTED_MODULE_5__/* .subjectEraseSummary */ .b)(result)],
            json: result,
        };
    },
};
//# sourceMappingURL=subject-erase.js.map

/***/ }),

/***/ 26988:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   j: () => (/* binding */ SUBJECT_INPUTS)
/* harmony export */ });
/** The inputs both subject commands share: the policy (holds, and erase's rule) and which subject. */
const SUBJECT_INPUTS = [
    {
        name: 'policy',
        description: "The data-retention policy file (docs/retention.md): its legal holds are checked first (a held subject is refused), and subject-erase applies the then of the table's soft-delete rule.",
        type: 'string',
        required: true,
    },
    {
        name: 'table',
        description: "The subject's table, e.g. users or public.users (it needs a primary key); on MongoDB its collection, e.g. users or app.users.",
        type: 'string',
        required: true,
    },
    {
        name: 'id',
        description: "The subject's primary key, e.g. 42; a composite key as row text, e.g. (42,7). On MongoDB its _id: 42 (the number or the string) or an ObjectId's 24 hex digits.",
        type: 'string',
        required: true,
    },
];
//# sourceMappingURL=subject-inputs.js.map

/***/ }),

/***/ 90294:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  subjectErase: () => (/* binding */ subjectErase)
});

// EXTERNAL MODULE: ./packages/core/lib/data-retention/erasure-stopped.js
var erasure_stopped = __webpack_require__(94938);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/chain-lock.js
var chain_lock = __webpack_require__(31374);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/policy-commit.js
var policy_commit = __webpack_require__(83977);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/read-policy.js
var read_policy = __webpack_require__(51040);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/receipt.js
var receipt = __webpack_require__(1905);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/receipt-chain.js
var receipt_chain = __webpack_require__(59589);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/receipt-table.js
var receipt_table = __webpack_require__(72096);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/data-retention-target.js
var data_retention_target = __webpack_require__(84381);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/lock-wait.js
var lock_wait = __webpack_require__(62725);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/server-errors.js
var server_errors = __webpack_require__(46579);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/subject-graph.js
var subject_graph = __webpack_require__(61535);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/subject-rows.js
var subject_rows = __webpack_require__(21018);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/data-retention-catalog.js
var data_retention_catalog = __webpack_require__(78053);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/policy.js
var data_retention_policy = __webpack_require__(49231);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/subject-held.js
var subject_held = __webpack_require__(66409);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/subject-minimums.js
var subject_minimums = __webpack_require__(75683);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/subject-scope.js
var subject_scope = __webpack_require__(48464);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/subject-keys.js
var subject_keys = __webpack_require__(34846);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/tombstones.js
var data_retention_tombstones = __webpack_require__(42837);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/subject-erase.js













async function eraseSubject(client, policy, options) {
    const startedAt = new Date().toISOString();
    const { id, dryRun } = options;
    // Before the transaction (the catalog check runs its own): the rule's table and columns, and the holds readable.
    const rule = await ruleFor(client, policy, (await (0,subject_graph/* subjectTable */.HZ)(client, options.table)).table);
    await (0,data_retention_catalog/* checkPolicyCatalog */.O)(client, { ...policy, data: [rule] });
    await client.query(dryRun ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
    try {
        await client.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true), set_config('TimeZone', 'UTC', true)", [`${options.lockTimeoutMs ?? policy.defaults.lockTimeoutMs}ms`, `${options.statementTimeoutMs ?? 60_000}ms`]);
        const scope = await (0,subject_scope/* subjectScope */.V)(client, policy, options.table, id);
        const root = scope.graph.nodes[0];
        const then = rule.afterGrace;
        let tables;
        let tombstones = 0;
        if (then.action === 'anonymize') {
            const rows = dryRun ? [{ key: '' }] : await anonymizeRow(client, scope, then.columns);
            const keysSha256 = dryRun ? '' : keysHash(await (0,data_retention_tombstones/* ensureTombstoneTables */.Bl)(client), rows);
            tables = [{ table: root.table, action: 'anonymize', rows: rows.length, keysSha256 }];
        }
        else {
            const plan = await planErase(client, scope);
            const nodes = scope.graph.nodes;
            // Minimums named as the purge resolves them (search_path), so the erase honours every minimum the purge does.
            const minimumTables = await (0,data_retention_target/* resolveMinimumTables */.En)(client, policy.minimums);
            (0,subject_minimums/* refuseUnderMinimums */.u)(policy, root.table, id, plan.order.map((i, at) => ({
                name: { schema: nodes[i].schema, name: nodes[i].name },
                table: nodes[i].table,
                rows: plan.tables[at].rows,
            })), 'rows', (minimum, erased) => minimumTables.get(minimum) === erased.table);
            tables = plan.tables;
            if (!dryRun)
                tombstones = await applyErase(client, scope, plan, options.onBatch);
        }
        await client.query(dryRun ? 'ROLLBACK' : 'COMMIT');
        // Committed: only now may a backup no longer hold the erased rows (tombstones.ts). The erasure stands if this
        // fails: its tombstones then read as not yet completed (a backup holding the rows is not flagged) until the next
        // erasure completes them.
        if (tombstones > 0)
            await (0,data_retention_tombstones/* completeTombstones */.K9)(client).catch(() => undefined);
        const action = then.action;
        return {
            rule: rule.name,
            id,
            action,
            table: root.table,
            dryRun,
            startedAt,
            finishedAt: new Date().toISOString(),
            tables,
            tombstones,
        };
    }
    catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw eraseError(error, options);
    }
}
/** What an erase deletes (and detaches), counted; refused when a legal hold names any row it would delete. */
async function planErase(client, { graph, holdSources, id }) {
    const order = erasable(graph.nodes);
    const tables = [];
    for (const i of order) {
        const count = (0,subject_rows/* countRowsSql */.X0)(graph.nodes, i, id, holdSources);
        const { rows } = await client.query(count.text, count.values);
        if (rows[0].held > 0)
            throw (0,subject_held/* heldError */.k)(graph.nodes[0].table, id, `${rows[0].held} of its dependant rows in ${graph.nodes[i].table} are held`);
        tables.push({ ...described(graph.nodes, i, 'delete'), rows: rows[0].rows, keysSha256: '' });
    }
    // Rows that only point at erased rows through ON DELETE SET NULL / SET DEFAULT: detached by PostgreSQL, kept.
    for (const [i, node] of graph.nodes.entries())
        if (isDetached(graph.nodes, i) && order.includes(node.parent)) {
            const count = (0,subject_rows/* countRowsSql */.X0)(graph.nodes, i, id, []);
            const { rows } = await client.query(count.text, count.values);
            const action = node.via.onDelete;
            tables.push({ ...described(graph.nodes, i, action), rows: rows[0].rows, keysSha256: '' });
        }
    tables.push(...(await cycleEdges(client, graph, id, order)));
    return { order, tables };
}
/**
 * The foreign keys back into a table already on the path (subject-graph.ts does not follow them) still act when
 * their node's rows are deleted, on rows that are not the subject's (the user a deleted user referred, replies to a
 * deleted comment). ON DELETE CASCADE would delete them unseen: no hold check, no minimum, no receipt, no tombstone,
 * and deleted rows may cascade further. So the erase is refused when any row hangs on such a key, other than rows
 * the erase deletes itself by then (a subject's reply to its own comment). Walking the key instead would erase
 * other subjects, which no one asked for. SET NULL / SET DEFAULT only detach those rows, as they do below the
 * subject's tables (`erasable`): they are listed as detached. NO ACTION / RESTRICT would fail the delete: refused
 * up front, so that a dry run says so too.
 */
async function cycleEdges(client, graph, id, order) {
    const detached = [];
    const nodes = graph.nodes;
    for (const edge of graph.skipped) {
        const at = order.indexOf(edge.parent);
        const action = edge.via.onDelete;
        if (at < 0)
            continue;
        // A cascade reaches (and NO ACTION / RESTRICT refuse) the rows still there when the edge's node is deleted; a
        // detach, those the erase leaves.
        const blocks = action === 'no action' || action === 'restrict';
        const deletedWith = (action === 'cascade' || blocks ? order.slice(0, at + 1) : order).filter((j) => nodes[j].table === edge.table);
        const count = (0,subject_rows/* hangingRowsSql */.Qq)(nodes, edge, id, deletedWith);
        const rows = (await client.query(count.text, count.values)).rows[0].rows;
        if (rows === 0)
            continue;
        // Known before anything is deleted, so a dry run says it too: the DELETE itself would fail on them.
        if (blocks)
            throw new errors/* DbopsError */.zJ('CHECK_FAILED', `Erasing subject ${id} of ${nodes[0].table}: ${rows} row(s) of ${edge.table} that the erase does not delete first reference its rows in ${edge.references} through ${edge.constraint}, which is ON DELETE ${action.toUpperCase()}: the erase would fail on them; nothing was erased`, {
                hint: `Erase the subjects those rows belong to first, or make ${edge.constraint} ON DELETE SET NULL to detach them.`,
            });
        if (action === 'cascade')
            throw new errors/* DbopsError */.zJ('CHECK_FAILED', `Erasing subject ${id} of ${nodes[0].table}: ${rows} row(s) of ${edge.table} that the erase does not delete first reference its rows in ${edge.references} through ${edge.constraint}, which is ON DELETE CASCADE: PostgreSQL would delete them (and what cascades from them) unchecked by legal holds and minimums and missing from the receipt; nothing was erased`, {
                hint: `Make ${edge.constraint} ON DELETE RESTRICT or NO ACTION, or SET NULL to detach those rows; or erase the subjects those rows belong to first.`,
            });
        detached.push({
            table: edge.table,
            constraint: edge.constraint,
            references: edge.references,
            action,
            rows,
            keysSha256: '',
        });
    }
    return detached;
}
/**
 * Anonymizes the subject's row. The UPDATE itself leaves a held row alone (subject-rows.ts), so a hold committed
 * after subjectScope checked it still protects; the row it then kept refuses the erase, rolled back, as a DELETE's.
 */
async function anonymizeRow(client, { graph, holdSources, id }, columns) {
    const rows = await changed(client, (0,subject_rows/* anonymizeRowSql */.zX)(graph.nodes, id, columns, holdSources));
    if (rows.length > 0)
        return rows;
    // The row is still there (subjectScope found it), so the UPDATE's hold condition kept it: the hold may be gone
    // again, or (a hold query) not be seen by this SELECT, so the row's presence decides, not a second hold check.
    const count = (0,subject_rows/* countRowsSql */.X0)(graph.nodes, 0, id, holdSources);
    const left = (await client.query(count.text, count.values)).rows[0];
    if (left.rows > 0)
        throw (0,subject_held/* heldError */.k)(graph.nodes[0].table, id, 'a legal hold placed during the erase names it');
    return rows;
}
/** Deletes the plan's nodes in its order, each deleted key a tombstone; returns how many tombstones. */
async function applyErase(client, { graph, holdSources, id }, plan, onBatch) {
    let tombstones = 0;
    const salt = await (0,data_retention_tombstones/* ensureTombstoneTables */.Bl)(client);
    for (const [at, i] of plan.order.entries()) {
        const rows = await changed(client, (0,subject_rows/* deleteRowsSql */.B4)(graph.nodes, i, id, holdSources));
        // The plan's hold check ran in earlier statements: a hold committed since kept its rows out of the DELETE. Any
        // such row left behind fails the erase (rolled back whole): an erase is never half done around a hold.
        const count = (0,subject_rows/* countRowsSql */.X0)(graph.nodes, i, id, holdSources);
        const left = (await client.query(count.text, count.values)).rows[0];
        if (left.held > 0)
            throw (0,subject_held/* heldError */.k)(graph.nodes[0].table, id, `a legal hold placed during the erase names ${left.held} of its rows in ${graph.nodes[i].table}`);
        plan.tables[at].rows = rows.length;
        plan.tables[at].keysSha256 = keysHash(salt, rows);
        const keys = rows.map((r) => r.key).filter((k) => k !== null);
        await (0,data_retention_tombstones/* recordTombstones */.K6)(client, graph.nodes[i].table, keys, 'subject-erase');
        tombstones += new Set(keys).size;
        await onBatch?.({ table: graph.nodes[i].table, rows: rows.length });
    }
    return tombstones;
}
/** The soft-delete rule whose table is the subject's: its `then` is what erasing a subject means there. */
async function ruleFor(client, policy, table) {
    const rules = policy.data.filter((r) => r.kind === 'soft-delete');
    const covering = [];
    for (const rule of rules)
        if ((await (0,data_retention_target/* resolveTable */.NC)(client, (0,data_retention_policy/* qualifiedNameText */.JK)(rule.table))) === table)
            covering.push(rule);
    // Split by `where` for purges, the rules may say different things of one subject: which applies is not guessed.
    if (covering.length > 1)
        throw (0,errors/* invalidInput */.aY)('policy', `has ${covering.length} soft-delete rules on ${table} (${covering.map((r) => `'${r.name}' on line ${r.line}`).join(', ')}), so which one's then applies to a subject is ambiguous`, `one soft-delete rule on ${table} for subject erase`);
    if (covering[0])
        return covering[0];
    throw (0,errors/* invalidInput */.aY)('table', `names ${table}, which no soft-delete rule of the policy covers`, `a table with a soft-delete rule (soft-delete, grace, then: erase or anonymize)${rules.length ? `: ${rules.map((r) => (0,data_retention_policy/* qualifiedNameText */.JK)(r.table)).join(', ')}` : ''}`);
}
/**
 * The nodes an erase deletes, deepest first: every node reached only through foreign keys that would block or
 * cascade the delete. Below an ON DELETE SET NULL / SET DEFAULT key the rows are not the subject's: PostgreSQL
 * detaches them and they stay.
 */
function erasable(nodes) {
    const chosen = nodes.map((_, i) => i).filter((i) => !isDetachedPath(nodes, i));
    return chosen.sort((a, b) => nodes[b].depth - nodes[a].depth || b - a);
}
function isDetached(nodes, i) {
    const onDelete = nodes[i].via?.onDelete;
    return onDelete === 'set null' || onDelete === 'set default';
}
function isDetachedPath(nodes, i) {
    for (let at = i; at !== undefined; at = nodes[at].parent)
        if (isDetached(nodes, at))
            return true;
    return false;
}
function described(nodes, i, action) {
    const node = nodes[i];
    const parent = node.parent === undefined ? undefined : nodes[node.parent];
    return {
        table: node.table,
        ...(node.via && parent ? { constraint: node.via.constraint, references: parent.table } : {}),
        action,
    };
}
async function changed(client, sql) {
    return (await client.query(sql.text, sql.values)).rows;
}
/** The receipt's hash of the changed rows' keys, keyed with the tombstones' salt (subject-keys.ts). */
function keysHash(salt, rows) {
    return (0,subject_keys/* subjectKeysHash */.r)(salt, rows.map((r) => r.key ?? ''));
}
function eraseError(error, options) {
    if (error instanceof errors/* DbopsError */.zJ)
        return error;
    const at = `Erasing subject ${options.id} of ${options.table}`;
    if ((0,lock_wait/* isLockTimeout */.Td)(error))
        return new errors/* DbopsError */.zJ('TIMEOUT', `${at}: a row or table was locked longer than lock-timeout; nothing was erased`, {
            input: 'lock-timeout',
            cause: error,
            hint: 'Another session holds a lock on one of the tables; run again once it is released, or raise lock-timeout.',
        });
    if (error.code === '23503')
        return new errors/* DbopsError */.zJ('CHECK_FAILED', `${at}: ${error.message}; nothing was erased`, {
            cause: error,
            hint: 'A row outside the followed foreign keys (a cycle back into a table already erased) still references the subject: delete or detach it first.',
        });
    const translated = (0,server_errors/* translateServerError */.YF)(error) ?? (0,errors/* asDbopsError */.lS)(error);
    return new errors/* DbopsError */.zJ(translated.code, `${at}: ${translated.message}; nothing was erased`, {
        cause: error,
        ...(translated.hint ? { hint: translated.hint } : {}),
    });
}
//# sourceMappingURL=subject-erase.js.map
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/subject-receipt.js


/** `stoppedBy`: the error code of an erasure that stopped midway (outcome `failed`, what it erased before). */
function subjectReceipt(result, policyHash, commit, stoppedBy) {
    return {
        format: receipt/* RECEIPT_FORMAT */.Nf,
        operation: 'subject-erase',
        policySha256: policyHash,
        ...(0,receipt/* receiptPolicyCommit */.oH)(commit),
        startedAt: result.startedAt,
        finishedAt: result.finishedAt,
        now: result.startedAt,
        outcome: stoppedBy ? 'failed' : 'complete',
        ...(stoppedBy ? { errorCode: stoppedBy } : {}),
        rules: result.tables
            .filter((t) => t.action === 'delete' || t.action === 'anonymize')
            .map((t) => ({
            rule: result.rule,
            table: t.table,
            action: t.action === 'anonymize' ? 'anonymize' : 'delete',
            cutoff: result.startedAt,
            effectiveCutoff: result.startedAt,
            rows: t.rows,
            batches: 1,
            durationMs: Date.parse(result.finishedAt) - Date.parse(result.startedAt),
            complete: !stoppedBy,
            keysSha256: t.keysSha256,
        })),
    };
}
/**
 * The chain's last link as the receipts table holds it, for a run without receipts-to; undefined when the table or
 * the chain does not exist yet.
 */
async function receiptTableHead(client, policy) {
    const { rows: exists } = await client.query('SELECT to_regclass($1)::text AS t', [
        receipt_table/* RECEIPT_TABLE */.m,
    ]);
    if (!exists[0]?.t)
        return undefined;
    const { rows } = await client.query(`SELECT sequence, sha256 FROM ${receipt_table/* RECEIPT_TABLE */.m} WHERE policy = $1 ORDER BY sequence DESC LIMIT 1`, [policy]);
    return rows[0];
}
//# sourceMappingURL=subject-receipt.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/index.js + 20 modules
var databases = __webpack_require__(93556);
// EXTERNAL MODULE: ./packages/core/lib/files/read-input-file.js
var read_input_file = __webpack_require__(83211);
// EXTERNAL MODULE: ./packages/core/lib/storage/open-storage.js
var open_storage = __webpack_require__(31191);
;// CONCATENATED MODULE: ./packages/core/lib/operations/subject-erase.js












/**
 * `dbops subject erase`: applies the policy's `then` to one subject (docs/retention.md, "Data subjects"). The
 * receipt chain's head is read before anything changes: an erasure whose receipt cannot be chained never starts.
 */
async function subjectErase(options) {
    const { target, log, dryRun } = options;
    options.secrets.add(target.password);
    const text = await (0,read_input_file/* readInputFile */.j)(options.policyPath, 'policy', 'the path of a YAML retention policy');
    const policy = await (0,read_policy/* parsePolicy */.ON)(text, options.policyPath);
    const hash = (0,receipt/* policySha256 */.s1)(text);
    const commit = await (0,policy_commit/* policyCommit */.K)(options.policyPath);
    const policyFacts = { policySha256: hash, ...(commit ? { policyCommit: commit } : {}) };
    const chain = (0,receipt_chain/* chainName */.H9)(options.policyPath);
    const receipts = dryRun || options.receiptsTo === undefined
        ? undefined
        : await (0,open_storage/* openStorage */.G)(options.receiptsTo, {
            inputName: 'receipts-to',
            ...(options.s3 ? { s3: options.s3 } : {}),
            ...(options.artifacts ? { artifacts: options.artifacts } : {}),
        });
    await receipts?.preflight();
    // Read before anything changes: a chain that cannot be continued stops the erasure here.
    if (receipts)
        await (0,receipt_chain/* readChainHead */.q)(receipts, chain);
    const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
    const eraseOptions = {
        table: options.table,
        id: options.id,
        dryRun,
        ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
    };
    /** The erasure and its receipt, the same steps on either engine; `store` is where the engine keeps its copy. */
    const eraseAndRecord = async (store) => {
        // Read again now that this run holds the chain (chain-lock.ts). Nothing holds it on MongoDB: there the receipt
        // is linked after whichever run recorded first (record below).
        const head = receipts ? await (0,receipt_chain/* readChainHead */.q)(receipts, chain) : dryRun ? undefined : await store.head();
        let result;
        try {
            result = await store.erase();
        }
        catch (error) {
            // Stopped midway (MongoDB): what it erased gets its receipt too, then the run fails as it would.
            if (error instanceof erasure_stopped/* ErasureStopped */.T && !dryRun && error.done.tables.length > 0)
                await record(store, head, error.done, error.code).catch((recording) => log.warn(`The receipt of what the stopped erasure deleted was not recorded: ${recording.message}`));
            throw error;
        }
        if (dryRun)
            return { ...result, ...policyFacts };
        return { ...result, ...policyFacts, receipt: await record(store, head, result) };
    };
    /** Chains the erasure's receipt and stores it (receipts-to, and the database's copy). */
    const record = async (store, head, result, stoppedBy) => {
        const unchained = subjectReceipt(result, hash, commit, stoppedBy);
        let chained = (0,receipt/* chainReceipt */.YC)(unchained, chain, head);
        let location;
        if (receipts)
            ({ receipt: chained, location } = await (0,receipt_chain/* appendAfterHead */.dP)(receipts, chain, head, (at) => (0,receipt/* chainReceipt */.YC)(unchained, chain, at)));
        let table;
        try {
            if (location)
                table = await store.record(chained);
            // The database's copy is the chain: a run that recorded after the same head first is linked after.
            else
                ({ receipt: chained, recorded: table } = await (0,receipt_chain/* recordAfterHead */.So)(head, (at) => (0,receipt/* chainReceipt */.YC)(unchained, chain, at), (receipt) => store.record(receipt, true), () => store.head()));
        }
        catch (error) {
            if (!location)
                throw error; // the database copy is the only one: the erasure must not go unrecorded silently
            log.warn(`The receipt was not recorded in ${store.name} (${error.message}); it is stored in receipts-to`);
        }
        log.info(`Receipt ${chained.sequence} of '${chain}' recorded${location ? ` at ${location}` : ''}`);
        return {
            sequence: chained.sequence,
            sha256: chained.sha256,
            ...(location ? { location } : {}),
            ...(table ? { table } : {}),
        };
    };
    const document = (0,databases/* documentRetentionFor */.vR)(target);
    if (document)
        return document(target, context, (session) => eraseAndRecord({
            name: "the database's receipts collection",
            head: () => session.receiptHead(chain),
            erase: () => session.eraseSubject(policy, eraseOptions),
            record: (receipt, home) => session.recordReceipt(receipt, home),
        }));
    return (0,databases/* sqlEngineFor */.mO)(target, 'subject erase').withSqlSession(target, context, async (client) => {
        if (!dryRun)
            await (0,chain_lock/* lockReceiptChain */.H)(client, chain);
        return eraseAndRecord({
            name: receipt_table/* RECEIPT_TABLE */.m,
            head: () => receiptTableHead(client, chain),
            erase: () => eraseSubject(client, policy, eraseOptions),
            record: async (receipt) => {
                await (0,receipt_table/* recordReceiptRow */.e)(client, receipt);
                return receipt_table/* RECEIPT_TABLE */.m;
            },
        });
    });
}
//# sourceMappingURL=subject-erase.js.map

/***/ }),

/***/ 25129:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ subjectExportSummary),
/* harmony export */   b: () => (/* binding */ subjectEraseSummary)
/* harmony export */ });
/* harmony import */ var _data_retention_policy_commit_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83977);
/* harmony import */ var _result_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(97343);


/** Which tables the export took rows from, and how each references the subject. Never a value. */
function subjectExportSummary(result) {
    const rows = result.tables.reduce((n, t) => n + t.rows, 0);
    const notes = result.notFollowed.map((s) => [
        (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(s.table),
        ` (${s.constraint ?? s.field}) references `,
        (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(s.references),
        ' again: a cycle, not followed',
    ]);
    if (result.snapshot === false)
        notes.push('Read without a snapshot (the server is not a replica set): each collection as it was when its turn came.');
    return {
        status: 'ok',
        title: [
            'Subject ',
            (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.id),
            ' of ',
            (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.table),
            `: ${rows} rows in ${result.tables.length} tables exported`,
            ...(result.file ? [' to ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.file)] : []),
        ],
        blocks: [
            {
                kind: 'table',
                columns: ['Table', 'References the subject by', 'Rows'],
                rows: result.tables.map((t) => [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(t.table), referencedBy(t), String(t.rows)]),
            },
            ...(notes.length > 0 ? [{ kind: 'list', items: notes }] : []),
        ],
    };
}
/** What the erasure changed (or would), per table, and where its receipt went. */
function subjectEraseSummary(result) {
    const changed = result.tables.filter((t) => t.action === 'delete' || t.action === 'anonymize');
    const rows = changed.reduce((n, t) => n + t.rows, 0);
    const verb = result.action === 'erase' ? 'erased' : 'anonymized';
    const notes = [];
    if (result.dryRun)
        notes.push('A dry run: nothing was changed. Pass --apply (or --dry-run false) to change data.');
    if (result.tombstones > 0)
        notes.push(`${result.tombstones} tombstones (salted key hashes) recorded: restore-test finds these rows if a restore brings them back.`);
    if (result.receipt) {
        const { location, table } = result.receipt;
        const where = [];
        if (location)
            where.push([' at ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(location)]);
        if (table)
            where.push([location ? ' and in ' : ' in ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(table)]);
        notes.push([
            `Receipt ${result.receipt.sequence} (`,
            (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.receipt.sha256.slice(0, 12)),
            ') recorded',
            ...where.flat(),
            ...(result.policyCommit ? [`, policy commit ${(0,_data_retention_policy_commit_js__WEBPACK_IMPORTED_MODULE_1__/* .policyCommitText */ .N)(result.policyCommit)}`] : []),
        ]);
    }
    return {
        status: 'ok',
        title: [
            'Subject ',
            (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.id),
            ' of ',
            (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.table),
            result.dryRun ? `: ${rows} rows would be ${verb}` : `: ${rows} rows ${verb}`,
            ' (rule ',
            (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.rule),
            ')',
        ],
        blocks: [
            {
                kind: 'table',
                columns: ['Table', 'References the subject by', 'Action', 'Rows'],
                rows: result.tables.map((t) => [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(t.table), referencedBy(t), t.action, String(t.rows)]),
            },
            ...(notes.length > 0 ? [{ kind: 'list', items: notes }] : []),
        ],
    };
}
/** How a table's rows reference the subject: a foreign key, or (MongoDB) the field holding its `_id`. */
function referencedBy(t) {
    const by = t.constraint ?? t.field;
    return by === undefined ? '(the subject)' : [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(by), ' → ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(t.references)];
}
//# sourceMappingURL=subject-summary.js.map

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
