export const id = 788102218379;
export const ids = [788102218379];
export const modules = {

/***/ 83977:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   K: () => (/* binding */ policyCommit),
/* harmony export */   N: () => (/* binding */ policyCommitText)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31421);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(57975);
/**
 * The git commit a policy file was applied from, for receipts: the SHA-256 says what text ran, the commit says where
 * that text is reviewed and who changed it. Read from the file's own repository (git -C its folder), so a policy
 * outside the working directory's repository is still found; absent when there is no repository or no git.
 */



const run = (0,node_util__WEBPACK_IMPORTED_MODULE_2__.promisify)(node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFile);
/**
 * The commit of the policy file at `path`; undefined when it is not in a git checkout or git cannot be run. In a
 * shallow clone (actions/checkout's default) the last change may lie before the fetched history: the commit is then
 * the oldest one fetched, which still holds exactly this file.
 */
async function policyCommit(path) {
    const file = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(path);
    const git = async (...args) => (await run('git', ['-C', (0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(file), ...args, '--', (0,node_path__WEBPACK_IMPORTED_MODULE_1__.basename)(file)], { maxBuffer: 1024 * 1024 })).stdout;
    try {
        const [log, status] = await Promise.all([git('log', '-1', '--format=%H'), git('status', '--porcelain')]);
        const sha = log.trim();
        return {
            ...(sha ? { sha } : {}),
            uncommittedChanges: status.trim() !== '' || !sha,
        };
    }
    catch {
        return undefined; // not a repository, no git, or a repository git refuses to read (another owner's)
    }
}
/** As summaries and retention-verify show it: `3f2a9c1b7d0e`, `3f2a9c1b7d0e with uncommitted changes`. */
function policyCommitText(commit) {
    if (!commit)
        return 'none (not in a git checkout)';
    if (!commit.sha)
        return 'not committed';
    return `${commit.sha.slice(0, 12)}${commit.uncommittedChanges ? ' with uncommitted changes' : ''}`;
}
//# sourceMappingURL=policy-commit.js.map

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

/***/ 94122:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  retentionVerifyDefinition: () => (/* binding */ retentionVerifyDefinition)
});

// EXTERNAL MODULE: ./packages/core/lib/data-retention/receipt-chain.js
var receipt_chain = __webpack_require__(59589);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/storage/open-storage.js
var open_storage = __webpack_require__(31191);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/verify-archives.js
/**
 * The archives a receipt names, checked where they are (issue 16 part 5): each object must still exist with the size
 * and SHA-256 the receipt recorded (read back whole, not trusted from the storage's listing), and its manifest must
 * exist, since loading the rows back needs it. Covers batch archives and those of partitions dropped whole.
 */



/** Checks archive objects receipt by receipt; opens each archive folder once. */
class ArchiveChecker {
    options;
    problems = [];
    checked = 0;
    storages = new Map();
    constructor(options) {
        this.options = options;
    }
    async checkReceipt(receipt, key) {
        for (const rule of receipt.rules ?? []) {
            for (const archive of rule.archives ?? [])
                await this.check(archive, { receipt: key, rule: rule.rule });
            for (const partition of rule.partitionsDropped ?? [])
                for (const archive of partition.archives ?? [])
                    await this.check(archive, { receipt: key, rule: rule.rule, partition: partition.name });
        }
    }
    async check(archive, entry) {
        this.checked++;
        const problem = await this.problemOf(archive).catch((error) => {
            if (error instanceof errors/* DbopsError */.zJ)
                return `could not be read: ${error.message}`;
            throw error;
        });
        if (problem)
            this.problems.push({ ...entry, location: archive.location, problem });
    }
    async problemOf(archive) {
        const object = await this.locate(archive.location);
        if (typeof object === 'string')
            return object;
        const { storage, key } = object;
        if (!(await storage.stat(key)))
            return 'is missing';
        const hash = (0,external_node_crypto_.createHash)('sha256');
        let size = 0;
        for await (const chunk of await storage.get(key)) {
            hash.update(chunk);
            size += chunk.length;
        }
        const sha256 = hash.digest('hex');
        if (size !== archive.bytes)
            return `has ${size} bytes, but the receipt records ${archive.bytes}`;
        if (sha256 !== archive.sha256)
            return `has SHA-256 ${sha256}, but the receipt records ${archive.sha256}: a checksum mismatch`;
        const manifest = await this.locate(archive.manifest);
        if (typeof manifest === 'string' || !(await manifest.storage.stat(manifest.key)))
            return `is intact, but its manifest ${archive.manifest} is missing`;
        return undefined;
    }
    /** A location (`s3://bucket/prefix/key`, `/dir/key`) as its folder's storage and the key in it. */
    async locate(location) {
        const slash = location.lastIndexOf('/');
        if (slash <= 0 || slash === location.length - 1)
            return 'is not a location an archive can be read from';
        const folder = location.slice(0, slash);
        let storage = this.storages.get(folder);
        if (!storage) {
            storage = (0,open_storage/* openStorage */.G)(folder, {
                inputName: 'receipts',
                ...(this.options.s3 ? { s3: this.options.s3 } : {}),
                ...(this.options.artifacts ? { artifacts: this.options.artifacts } : {}),
            });
            this.storages.set(folder, storage);
        }
        try {
            return { storage: await storage, key: location.slice(slash + 1) };
        }
        catch (error) {
            if (error instanceof errors/* DbopsError */.zJ)
                return `cannot be reached: ${error.message}`;
            throw error;
        }
    }
}
/** The run's failure for archive problems: the first one named, the count of the rest. */
function archiveFailure(problems) {
    const first = problems[0];
    const where = first.partition ? `rule '${first.rule}', partition ${first.partition}` : `rule '${first.rule}'`;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more archive problems)` : '';
    return new errors/* DbopsError */.zJ('INTEGRITY_FAILED', `Archive ${first.location} named by receipt ${first.receipt} (${where}) ${first.problem}${more}`, {
        hint: 'The rows it held were deleted on the strength of that archive. Restore the object from the storage’s versioning or replication, or find out who changed it.',
    });
}
//# sourceMappingURL=verify-archives.js.map
;// CONCATENATED MODULE: ./packages/core/lib/operations/retention-verify.js




/**
 * retention-verify: every receipt chain in a location, each receipt's own hash and each link to the one before, and
 * every archive object the receipts name, read back against its recorded size and SHA-256.
 */
async function retentionVerify(options) {
    const storage = await (0,open_storage/* openStorage */.G)(options.receipts, {
        inputName: 'receipts',
        existing: true,
        ...(options.s3 ? { s3: options.s3 } : {}),
        ...(options.artifacts ? { artifacts: options.artifacts } : {}),
    });
    const archives = new ArchiveChecker({
        ...(options.s3 ? { s3: options.s3 } : {}),
        ...(options.artifacts ? { artifacts: options.artifacts } : {}),
    });
    const chains = await (0,receipt_chain/* verifyReceiptChains */.uf)(storage, (receipt, key) => archives.checkReceipt(receipt, key));
    const result = {
        location: storage.display,
        chains,
        archivesChecked: archives.checked,
        archiveProblems: archives.problems,
    };
    const broken = chains.find((c) => c.broken);
    if (broken?.broken)
        result.failure = new errors/* DbopsError */.zJ('INTEGRITY_FAILED', `Receipt ${broken.broken.sequence} of '${broken.policy}' (${broken.broken.location}) ${broken.broken.problem}`, {
            hint: 'The chain proves nothing from this receipt on. Compare it with the copy in the dbops_retention_receipts table of the purged database, and find out who changed the storage.',
        });
    else if (archives.problems.length > 0)
        result.failure = archiveFailure(archives.problems);
    else if (chains.length === 0)
        result.failure = new errors/* DbopsError */.zJ('INTEGRITY_FAILED', `${storage.display} holds no retention receipts`, {
            hint: 'Pass the receipts-to location of a retention-purge run with dry-run false.',
        });
    return result;
}
//# sourceMappingURL=retention-verify.js.map
// EXTERNAL MODULE: ./packages/core/lib/data-retention/policy-commit.js
var policy_commit = __webpack_require__(83977);
// EXTERNAL MODULE: ./packages/core/lib/report/result.js
var report_result = __webpack_require__(97343);
;// CONCATENATED MODULE: ./packages/core/lib/report/retention-verify-summary.js


/** Each receipt chain: how many receipts, intact or where it breaks; then each archive that failed its check. */
function retentionVerifySummary(result) {
    const broken = result.chains.some((c) => c.broken);
    const total = result.chains.reduce((sum, c) => sum + c.receipts, 0);
    const archives = result.archiveProblems;
    const archived = archives.length > 0
        ? `, but ${archives.length} of ${result.archivesChecked} archives fail their check`
        : `, ${result.archivesChecked} archives present with their checksums`;
    return {
        status: result.failure ? 'failure' : 'ok',
        title: [
            'Retention receipts in ',
            (0,report_result/* code */.aY)(result.location),
            broken ? ': the chain is broken' : `: ${total} receipts, every link intact${archived}`,
        ],
        blocks: [
            {
                kind: 'table',
                columns: ['Policy', 'Receipts', 'Chain', 'Last policy applied'],
                rows: result.chains.map((c) => [
                    (0,report_result/* code */.aY)(c.policy),
                    String(c.receipts),
                    c.broken
                        ? [`broken at receipt ${c.broken.sequence} `, (0,report_result/* code */.aY)(c.broken.key), `: ${c.broken.problem}`]
                        : 'intact',
                    c.lastPolicy ? lastPolicyText(c.lastPolicy) : '—',
                ]),
            },
            ...(archives.length > 0
                ? [
                    {
                        kind: 'table',
                        columns: ['Receipt', 'Rule', 'Archive', 'Problem'],
                        rows: archives.map((a) => [
                            (0,report_result/* code */.aY)(a.receipt),
                            a.partition ? [(0,report_result/* code */.aY)(a.rule), ' partition ', (0,report_result/* code */.aY)(a.partition)] : (0,report_result/* code */.aY)(a.rule),
                            (0,report_result/* code */.aY)(a.location),
                            a.problem,
                        ]),
                    },
                ]
                : []),
        ],
    };
}
/** Commit and SHA-256 of the policy the last receipt was made under; receipts older than policyCommit name none. */
function lastPolicyText(last) {
    const commit = last.policyCommit ? `commit ${(0,policy_commit/* policyCommitText */.N)(last.policyCommit)}` : 'no commit recorded';
    return [
        `${commit}, SHA-256 `,
        (0,report_result/* code */.aY)(last.policySha256.slice(0, 12)),
        ` (receipt ${last.sequence}, ${last.finishedAt})`,
    ];
}
//# sourceMappingURL=retention-verify-summary.js.map
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-inputs.js + 1 modules
var read_inputs = __webpack_require__(98521);
// EXTERNAL MODULE: ./packages/core/lib/definitions/storage-inputs.js
var storage_inputs = __webpack_require__(13103);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/retention-verify.js




const inputs = [
    {
        name: 'receipts',
        description: 'Where retention-purge stored its receipts (its receipts-to): a directory or s3://bucket/prefix.',
        type: 'string',
        required: true,
    },
    ...storage_inputs/* S3_INPUTS */.Z,
];
/** `dbops retention-verify`: checks the receipt chains a data-retention purge wrote and the archives they name; exit 1 on a break. */
const retentionVerifyDefinition = {
    name: 'retention-verify',
    description: "Check data-retention receipts: each receipt's own SHA-256, its link to the one before, and every archive object it names (read back: size and SHA-256); names the first tampered entry and each failing archive.",
    cliOnly: true,
    inputs,
    outputs: [
        { name: 'receipts', description: 'How many receipts were checked.' },
        { name: 'broken', description: 'The first broken receipt, if any.' },
        { name: 'archives', description: 'How many archive objects the receipts name were read back and checked.' },
        { name: 'archive-problems', description: 'How many of them are missing or differ from their receipt.' },
    ],
    async run(raw, context) {
        const reader = new read_inputs/* InputReader */.i(inputs, raw, context.env);
        const result = await retentionVerify({
            receipts: reader.required('receipts', 'a directory or s3://bucket/prefix'),
            s3: (0,storage_inputs/* readS3Options */.R)(reader),
            ...(context.artifacts ? { artifacts: context.artifacts } : {}),
        });
        const broken = result.chains.find((c) => c.broken)?.broken;
        return {
            outputs: {
                receipts: String(result.chains.reduce((sum, c) => sum + c.receipts, 0)),
                broken: broken?.location ?? '',
                archives: String(result.archivesChecked),
                'archive-problems': String(result.archiveProblems.length),
            },
            results: [retentionVerifySummary(result)],
            json: {
                location: result.location,
                chains: result.chains,
                archivesChecked: result.archivesChecked,
                archiveProblems: result.archiveProblems,
            },
            ...(result.failure ? { failure: result.failure } : {}),
        };
    },
};
//# sourceMappingURL=retention-verify.js.map

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
