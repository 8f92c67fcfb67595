export const id = 1095710937725;
export const ids = [1095710937725];
export const modules = {

/***/ 77995:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ RunArchives)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57706);
/* harmony import */ var _archive_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(85947);
/**
 * One purge run's archives, for PostgreSQL's purge and MongoDB's alike: each archive-to location opened once, the
 * run's id that names its objects apart from any other run's (a rerun's duplicate of a batch never overwrites), and
 * the encryption checked before a rule's first batch.
 */


class RunArchives {
    setup;
    runId = (0,_archive_js__WEBPACK_IMPORTED_MODULE_0__/* .archiveRunId */ .xn)(new Date());
    storages = new Map();
    constructor(setup) {
        this.setup = setup;
    }
    /** The rule's storage and encryption; throws, before the rule's first batch, when either is missing. */
    async forRule(rule, location) {
        const encryption = (0,_archive_js__WEBPACK_IMPORTED_MODULE_0__/* .checkArchiveEncryption */ .av)(this.setup?.encryption, rule);
        return { storage: await this.open(location, rule), encryption };
    }
    open(location, rule) {
        let storage = this.storages.get(location);
        if (!storage) {
            const open = this.setup?.open;
            if (!open)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .DbopsError */ .zJ('INVALID_INPUT', `Rule '${rule}' archives to ${location}, but no archive storage was set up`, { hint: 'Pass PurgeOptions.archive (the retention-purge operation does).' });
            storage = open(location);
            this.storages.set(location, storage);
        }
        return storage;
    }
}
//# sourceMappingURL=archive-run.js.map

/***/ }),

/***/ 85947:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Vt: () => (/* binding */ archiveBatch),
/* harmony export */   av: () => (/* binding */ checkArchiveEncryption),
/* harmony export */   xn: () => (/* binding */ archiveRunId)
/* harmony export */ });
/* unused harmony export ARCHIVE_MANIFEST_FORMAT */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57075);
/* harmony import */ var node_stream_consumers__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(38321);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(46466);
/* harmony import */ var _crypto_age_index_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(16459);
/* harmony import */ var _crypto_age_index_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(75578);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(57706);
/* harmony import */ var _pipeline_compression_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(64678);
/* harmony import */ var _storage_put_record_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(56054);
/**
 * Archive before delete (issue 16 parts 4 and 8): a batch's rows, as JSON Lines (one `to_jsonb` row per line) or,
 * for MongoDB, as the documents' raw BSON concatenated (the .bson format mongorestore and bsondump read), compressed
 * with zstd and encrypted with age exactly like a backup, stored, read back and checked by SHA-256, and described by
 * a small manifest, all before the batch's delete. The caller deletes (commits) only once archiveBatch returns;
 * a crash in between leaves the rows in the table and an archive object that no receipt names (the next run archives
 * the rows again under a new name: duplicates are possible, loss is not). docs/retention.md shows the load-back.
 */








const ARCHIVE_MANIFEST_FORMAT = 'dbops.retention-archive/1';
/** Refuses a run that would archive in the clear: archives hold exactly the personal data being purged. */
function checkArchiveEncryption(encryption, rule) {
    if (!encryption || (encryption.recipients.length === 0 && !encryption.passphrase))
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .invalidInput */ .aY)('encrypt-to', `is required: rule '${rule}' archives its rows (archive-to) and archives are always encrypted`, 'one or more age1... recipients (public keys), or encrypt-passphrase');
    return encryption;
}
/** Names one run's archives apart from any other run's: a rerun's duplicate of a batch never overwrites. */
function archiveRunId(startedAt) {
    return `${startedAt
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z')}-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(3).toString('hex')}`;
}
const LEVEL = _pipeline_compression_js__WEBPACK_IMPORTED_MODULE_5__/* .LEVELS */ .A_.zstd.default;
async function archiveBatch(storage, encryption, runId, batch, signal) {
    const content = batch.content ?? 'jsonl';
    const attempt = (batch.attempt ?? 1) > 1 ? `-${batch.attempt}` : '';
    const part = batch.cascade ? `.c${batch.cascade.part}-${safeSegment(batch.table)}` : '';
    const key = `${safeSegment(batch.rule)}/${runId}/${String(batch.batch).padStart(6, '0')}${attempt}${part}.${content}.zst.age`;
    const body = await seal(batch.content === 'bson' ? batch.rows : batch.rows.map((row) => `${row}\n`), encryption, signal);
    const sha256 = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(body).digest('hex');
    const options = { contentType: 'application/octet-stream', ...(signal ? { signal } : {}) };
    await storage.put(key, body, options);
    await verifyStored(storage, key, body.length, sha256, signal);
    const manifest = {
        format: ARCHIVE_MANIFEST_FORMAT,
        rule: batch.rule,
        table: batch.table,
        keyRange: batch.keyRange,
        ...(batch.cascade ? { via: batch.cascade.via } : {}),
        rows: batch.rows.length,
        bytes: body.length,
        sha256,
        createdAt: new Date().toISOString(),
        content,
        compression: { algorithm: 'zstd', level: LEVEL },
        encryption: encryption.passphrase
            ? { method: 'age', passphrase: true }
            : { method: 'age', recipients: encryption.recipients.map(_crypto_age_index_js__WEBPACK_IMPORTED_MODULE_6__/* .recipientFingerprint */ .AF) },
    };
    const manifestKey = `${key}.manifest.json`;
    await (0,_storage_put_record_js__WEBPACK_IMPORTED_MODULE_7__/* .putRecord */ .j)(storage, manifestKey, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), {
        contentType: 'application/json',
        ...(signal ? { signal } : {}),
    });
    return {
        location: storage.locate(key),
        manifest: storage.locate(manifestKey),
        rows: batch.rows.length,
        bytes: body.length,
        sha256,
        ...(batch.cascade ? { cascaded: batch.table } : {}),
    };
}
/**
 * Rows → zstd → age, in memory: a batch is bounded by batch-size, and the rows cascaded with it by max-cascade-rows
 * (data-retention-batch.ts), and its put is then one plain write.
 */
async function seal(chunks, encryption, signal) {
    const compressor = (0,_pipeline_compression_js__WEBPACK_IMPORTED_MODULE_5__/* .createCompressor */ ._S)('zstd', LEVEL, signal ? { signal } : {});
    const encryptor = (0,_crypto_age_index_js__WEBPACK_IMPORTED_MODULE_8__/* .createAgeEncryptStream */ .x)({
        recipients: encryption.recipients,
        ...(encryption.passphrase ? { passphrase: encryption.passphrase } : {}),
    });
    const sealed = [];
    await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_3__.pipeline)(node_stream__WEBPACK_IMPORTED_MODULE_1__.Readable.from(chunks), compressor, encryptor, async (source) => {
        for await (const chunk of source)
            sealed.push(chunk);
    }, signal ? { signal } : {});
    return Buffer.concat(sealed);
}
/** Reads the object back whole: a storage that kept something else must not let the rows be deleted. */
async function verifyStored(storage, key, bytes, sha256, signal) {
    let stored;
    try {
        stored = await (0,node_stream_consumers__WEBPACK_IMPORTED_MODULE_2__.buffer)(await storage.get(key, signal ? { signal } : {}));
    }
    catch (error) {
        await storage.delete(key).catch(() => undefined);
        throw error;
    }
    const actual = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(stored).digest('hex');
    if (stored.length !== bytes || actual !== sha256) {
        await storage.delete(key).catch(() => undefined);
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .DbopsError */ .zJ('VERIFY_FAILED', `The archive ${storage.locate(key)} does not match what was sent (${stored.length} bytes, sha256 ${actual.slice(0, 12)}…; expected ${bytes} bytes, ${sha256.slice(0, 12)}…)`, {
            hint: 'It was removed and the batch was not deleted. Check the archive storage (full disk, quota, a server that alters uploads).',
        });
    }
}
/** A rule name as one key segment: rule names are the policy's own, but a key must not climb out of its folder. */
function safeSegment(name) {
    return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'rule';
}
//# sourceMappingURL=archive.js.map

/***/ }),

/***/ 37823:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ ruleCutoffs)
/* harmony export */ });
/* harmony import */ var _period_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1148);
/**
 * A rule's cutoffs, frozen once per run from one `now`: the rule's own (rows older than it have expired) and the
 * effective one after the compliance minimums on its table (rows older than it may go). The policy reader already
 * refuses a rule shorter than a minimum; a policy built in code is not read, so the purge applies the floor again
 * rather than trust that it was checked. Years are calendar years back from `now` (period.ts), never 365 days.
 */

/**
 * `appliesTo` says whether a minimum names the rule's table (the caller resolves names through the catalog, so
 * `audit_logs` and `public.audit_logs` are the same table).
 */
function ruleCutoffs(keep, minimums, appliesTo, now) {
    const cutoff = (0,_period_js__WEBPACK_IMPORTED_MODULE_0__/* .periodStart */ .Ep)(now, keep);
    const floors = minimums.filter(appliesTo).map((m) => (0,_period_js__WEBPACK_IMPORTED_MODULE_0__/* .periodStart */ .Ep)(now, m.keepAtLeast).getTime());
    if (floors.length === 0)
        return { cutoff, effectiveCutoff: cutoff };
    const floor = new Date(Math.min(...floors));
    return {
        cutoff,
        effectiveCutoff: floor < cutoff ? floor : cutoff,
        minimumSeconds: (now.getTime() - floor.getTime()) / 1000,
    };
}
//# sourceMappingURL=cutoffs.js.map

/***/ }),

/***/ 81182:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  k: () => (/* binding */ dropExpiredPartitions),
  n: () => (/* binding */ planPartitions)
});

// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/data-retention-predicate.js
var data_retention_predicate = __webpack_require__(49467);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/server-errors.js
var server_errors = __webpack_require__(46579);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/data-retention-partitions.js



/** The comment a partition carries between its detach and its drop (the prefix finds it again). */
const MARKER_PREFIX = 'dbops-retention detaching: ';
async function partitionLayout(client, target, cutoff) {
    const { rows: keys } = await client.query(`SELECT pt.partstrat AS strategy, pt.partnatts AS columns, a.attname AS column,
            format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_partitioned_table pt
       LEFT JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
      WHERE pt.partrelid = to_regclass($1)`, [target.table]);
    const key = keys[0];
    const none = (unsuitable) => ({ unsuitable, partitions: [], hasDefault: false });
    if (!key)
        return none('not a partitioned table');
    if (key.strategy !== 'r' || key.columns !== 1 || key.column !== target.timeColumn)
        return none(`not range-partitioned by ${target.timeColumn} alone`);
    const { rows } = await client.query(`SELECT c.oid::regclass::text AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, c.relkind,
            greatest(c.reltuples, 0)::float8 AS rows, pg_total_relation_size(c.oid)::float8 AS bytes
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1) ORDER BY c.relname`, [target.table]);
    const partitions = [];
    for (const row of rows) {
        const isDefault = row.bound === 'DEFAULT';
        partitions.push({
            name: row.name,
            bound: row.bound,
            isDefault,
            leaf: row.relkind === 'r',
            position: isDefault ? 'default' : await position(client, row.bound, key.type, target.timeType, cutoff),
            estimatedRows: row.rows,
            bytes: row.bytes,
        });
    }
    return { partitions, hasDefault: partitions.some((p) => p.isDefault) };
}
/**
 * Compares the bounds as the column's own type with the cutoff as the batches do (cutoffValue: for a timestamp or
 * date, the older of its UTC and session readings), so a partition is dropped whole only when every row in it would go.
 */
async function position(client, bound, type, timeType, cutoff) {
    const match = /^FOR VALUES FROM \((.*)\) TO \((.*)\)$/.exec(bound);
    if (!match)
        return 'straddles'; // not a range bound we understand: never dropped whole
    const [from, to] = [literal(match[1]), literal(match[2])];
    const { rows } = await client.query(`SELECT coalesce($1::text::${type} <= ${(0,data_retention_predicate/* cutoffValue */.FE)(timeType, '$3')}, false) AS before,
            coalesce($2::text::${type} >= ${(0,data_retention_predicate/* cutoffValue */.FE)(timeType, '$3')}, false) AS after`, [to ?? null, from ?? null, cutoff.toISOString()]);
    // MAXVALUE as upper bound is never before; MINVALUE as lower bound is never after (both NULL here).
    return rows[0].before ? 'before' : rows[0].after ? 'after' : 'straddles';
}
/** A bound value as printed (`'2026-01-01 00:00:00+00'`) unquoted; undefined for MINVALUE / MAXVALUE. */
function literal(text) {
    const quoted = /^'((?:[^']|'')*)'(?:::[\w ]+)?$/.exec(text.trim());
    return quoted ? quoted[1].replaceAll("''", "'") : undefined;
}
/**
 * True when a legal hold names any row of the partition (read at statement time, as batches read them). When no
 * hold names the table at all, the partition is not read: that is what keeps a drop's time apart from its size.
 */
async function partitionHasHold(client, target, partition) {
    if (target.holdSources.length === 0)
        return false;
    const names = target.holdSources.map((source) => `EXISTS (SELECT 1 FROM ${source} AS h WHERE h.subject_table::text = ANY($1::text[]))`);
    const any = await client.query(`SELECT ${names.join(' OR ')} AS any`, [target.holdNames]);
    if (!any.rows[0].any)
        return false;
    const params = new data_retention_predicate/* SqlParams */.xy();
    const held = (0,data_retention_predicate/* heldExpression */.sB)(target, params);
    const { rows } = await client.query(`SELECT EXISTS (SELECT 1 FROM ${partition} AS t WHERE ${held}) AS held`, params.values);
    return rows[0].held;
}
/**
 * Detaches a partition, marked first. CONCURRENTLY (PostgreSQL 14+, no default partition) runs outside any
 * transaction and blocks neither readers nor writers; otherwise a plain DETACH in a short transaction whose
 * lock_timeout bounds the wait for its ACCESS EXCLUSIVE lock on the parent.
 */
async function detachPartition(client, parent, partition, options) {
    const { rows } = await client.query('SELECT obj_description(to_regclass($1), $2) AS comment', [partition.name, 'pg_class']);
    const marker = { parent, bound: partition.bound, comment: rows[0]?.comment ?? null };
    const limits = [`${options.lockTimeoutMs}ms`, `${options.statementTimeoutMs}ms`];
    // COMMENT ON takes a lock on the partition too: bounded by lock_timeout like the detach, never an unbounded wait.
    await inTransaction(client, limits, () => client.query(`COMMENT ON TABLE ${partition.name} IS ${quoteLiteral(MARKER_PREFIX + JSON.stringify(marker))}`));
    if (options.concurrently) {
        const previous = await client.query("SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement");
        await client.query("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)", limits);
        try {
            await client.query(`ALTER TABLE ${parent} DETACH PARTITION ${partition.name} CONCURRENTLY`);
        }
        finally {
            const p = previous.rows[0];
            await client.query("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)", [
                p.lock,
                p.statement,
            ]);
        }
        return;
    }
    await inTransaction(client, limits, () => client.query(`ALTER TABLE ${parent} DETACH PARTITION ${partition.name}`));
}
/**
 * In one transaction holding the detached table's ACCESS EXCLUSIVE lock: `check` (counts rows, looks at holds; it
 * may throw to keep the table), then DROP TABLE. Returns check's value once the drop committed. No statement
 * timeout: the lock is on a table no one else uses any more, and counting a large month may take a while.
 */
async function dropDetached(client, table, limits, check) {
    return inTransaction(client, [`${limits.lockTimeoutMs}ms`, '0'], async () => {
        await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
        const value = await check();
        await client.query(`DROP TABLE ${table}`);
        return value;
    });
}
async function countRows(client, table) {
    const { rows } = await client.query(`SELECT count(*)::float8 AS n FROM ${table}`);
    return rows[0].n;
}
/**
 * Undoes a detach that did not end in a drop (a hold appeared, a check failed, or an earlier run died): every table
 * marked as detaching from `parent` is attached again with its bound and its comment restored; a detach that
 * CONCURRENTLY left pending is finalized first. Returns the names put back.
 */
async function reattachDetached(client, parent, lockTimeoutMs, only) {
    const { rows } = await client.query(`SELECT c.oid::regclass::text AS name, d.description AS comment, c.relispartition AS attached,
            -- inhdetachpending read through jsonb: the column is new in PostgreSQL 14 (NULL before)
            (SELECT bool_or((to_jsonb(i) ->> 'inhdetachpending')::boolean) FROM pg_inherits i WHERE i.inhrelid = c.oid) AS pending
       FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
      WHERE d.description LIKE $1 AND c.relkind = 'r'`, [`${MARKER_PREFIX}%`]);
    const back = [];
    for (const row of rows) {
        if (only !== undefined && row.name !== only)
            continue;
        const marker = parseMarker(row.comment);
        if (marker?.parent !== parent)
            continue;
        // The bound is spliced into ATTACH PARTITION: anyone who may comment on the table could write it.
        if (!isPrintedRangeBound(marker.bound))
            throw new errors/* DbopsError */.zJ('CHECK_FAILED', `${row.name} carries a dbops detach marker for ${parent} whose bound is not a range bound as PostgreSQL prints it (${JSON.stringify(marker.bound.slice(0, 200))}): it was not attached again`, {
                hint: `Attach ${row.name} to ${parent} by hand (ALTER TABLE ${parent} ATTACH PARTITION ${row.name} FOR VALUES FROM (...) TO (...)) and remove its comment; a marker's bound has the form FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00')`,
            });
        await inTransaction(client, [`${lockTimeoutMs}ms`, '0'], async () => {
            if (row.pending)
                await client.query(`ALTER TABLE ${parent} DETACH PARTITION ${row.name} FINALIZE`);
            if (!row.attached || row.pending)
                await client.query(`ALTER TABLE ${parent} ATTACH PARTITION ${row.name} ${marker.bound}`);
            await client.query(`COMMENT ON TABLE ${row.name} IS ${marker.comment === null ? 'NULL' : quoteLiteral(marker.comment)}`);
        });
        back.push(row.name);
    }
    return back;
}
/**
 * One value of a range bound as pg_get_expr prints it: a quoted literal, a number, MINVALUE or MAXVALUE. No
 * backslash in a literal: with standard_conforming_strings off one would escape the closing quote.
 */
const BOUND_VALUE = String.raw `(?:'(?:[^'\\]|'')*'(?:::[A-Za-z_][\w ]*)?|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|MINVALUE|MAXVALUE|true|false)`;
const BOUND_VALUES = `\\(${BOUND_VALUE}(?:, ${BOUND_VALUE})*\\)`;
const RANGE_BOUND = new RegExp(`^FOR VALUES FROM ${BOUND_VALUES} TO ${BOUND_VALUES}$`);
/** Whether `bound` is a range partition bound in the form PostgreSQL prints, and nothing else (no expression). */
function isPrintedRangeBound(bound) {
    return RANGE_BOUND.test(bound);
}
/** A marker comment's content, or undefined when the comment only looks like one. */
function parseMarker(comment) {
    try {
        const marker = JSON.parse(comment.slice(MARKER_PREFIX.length));
        return typeof marker.parent === 'string' && typeof marker.bound === 'string' ? marker : undefined;
    }
    catch {
        return undefined;
    }
}
/** Whether this server can DETACH CONCURRENTLY (PostgreSQL 14 and later). */
async function canDetachConcurrently(client) {
    const { rows } = await client.query("SELECT current_setting('server_version_num')::int AS version");
    return rows[0].version >= 140000;
}
/** Keys of a partition in key order, after `afterKey`, with each row as JSON text: what the archive writes. */
async function partitionChunk(client, target, table, size, afterKey) {
    const params = new data_retention_predicate/* SqlParams */.xy();
    const keys = target.primaryKey.map((k) => `t.${(0,server_errors/* sqlName */.iA)(k.name)}`);
    const after = afterKey
        ? `WHERE (${keys.join(', ')}) > (${target.primaryKey.map((k, i) => `${params.add(afterKey[i])}::${k.type}`).join(', ')})`
        : '';
    const keyText = keys.length === 1 ? `${keys[0]}::text` : `ROW(${keys.join(', ')})::text`;
    const { rows } = await client.query(`SELECT ${keys.map((k, i) => `${k}::text AS key_${i}`).join(', ')}, ${keyText} AS key, to_jsonb(t)::text AS row
       FROM ${table} AS t ${after} ORDER BY ${keys.join(', ')} LIMIT ${params.add(size)}`, params.values);
    const last = rows.at(-1);
    return {
        rows: rows.map((r) => r.row),
        keys: rows.map((r) => r.key),
        ...(last ? { lastKey: target.primaryKey.map((_, i) => last[`key_${i}`]) } : {}),
    };
}
async function inTransaction(client, limits, body) {
    await client.query('BEGIN');
    try {
        await client.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", limits);
        const value = await body();
        await client.query('COMMIT');
        return value;
    }
    catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
    }
}
function quoteLiteral(text) {
    return `'${text.replaceAll("'", "''")}'`;
}
//# sourceMappingURL=data-retention-partitions.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/lock-wait.js
var lock_wait = __webpack_require__(62725);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/partitions.js



/** Undefined for rules whose table is not partitioned, and for soft-delete rules (their column is not the key). */
async function planPartitions(client, target) {
    if (!target.partitioned || target.kind !== 'age')
        return undefined;
    const layout = await partitionLayout(client, target, target.effectiveCutoff);
    const detach = !layout.hasDefault && (await canDetachConcurrently(client)) ? 'concurrently' : 'with-lock-timeout';
    const plan = { detach, drop: [], rows: [] };
    if (layout.unsuitable)
        return { ...plan, unsuitable: layout.unsuitable };
    const blocker = target.where !== undefined
        ? "the rule's where filter keeps some of its rows"
        : target.dependants.length > 0
            ? `other tables reference ${target.table} (${target.dependants.map((d) => d.table).join(', ')})`
            : undefined;
    for (const p of layout.partitions) {
        if (p.position === 'after')
            continue; // nothing in it has expired
        const reason = await byRowsReason(client, target, p, blocker);
        if (reason)
            plan.rows.push({ name: p.name, bounds: p.bound, reason });
        else
            plan.drop.push({ name: p.name, bounds: p.bound, estimatedRows: p.estimatedRows, bytes: p.bytes });
    }
    return plan;
}
async function byRowsReason(client, target, p, blocker) {
    if (p.position === 'default')
        return 'the default partition: only its expired rows go';
    if (p.position === 'straddles')
        return 'it straddles the cutoff: only its expired rows go';
    if (!p.leaf)
        return 'it is partitioned itself';
    if (blocker)
        return blocker;
    if (await partitionHasHold(client, target, p.name))
        return 'a legal hold names rows in it';
    return undefined;
}
/**
 * Drops the partitions the plan would drop, one at a time: marked, detached, then in one transaction under the
 * detached table's lock the holds checked again (a hold added since the plan still protects), its rows archived and
 * counted, and the table dropped. A partition whose drop fails is attached again and left to the batches.
 *
 * Fills `result` as it goes rather than returning it: when a later step throws (attaching a partition back fails),
 * the partitions already dropped are gone for good and the caller's receipt must still name them.
 */
async function dropExpiredPartitions(client, target, setup, result) {
    result.reattached.push(...(await reattachDetached(client, target.table, setup.lockTimeoutMs)));
    for (const name of result.reattached)
        setup.log.warn(`Rule '${target.rule}': ${name} was detached by an interrupted run; attached again`);
    const plan = await planPartitions(client, target);
    result.byRows.push(...(plan?.rows ?? []));
    for (const p of plan?.drop ?? []) {
        if (setup.stopped())
            break;
        try {
            await detachPartition(client, target.table, { name: p.name, bound: p.bounds }, {
                concurrently: plan.detach === 'concurrently',
                lockTimeoutMs: setup.lockTimeoutMs,
                statementTimeoutMs: setup.statementTimeoutMs,
            });
        }
        catch (error) {
            // Nothing changed but the marker (a pending CONCURRENTLY detach is finished and undone by the next run).
            await reattachDetached(client, target.table, setup.lockTimeoutMs, p.name).catch(() => undefined);
            result.byRows.push({ name: p.name, bounds: p.bounds, reason: `its detach failed (${reasonOf(error)})` });
            continue;
        }
        try {
            const dropped = await dropDetached(client, p.name, setup, () => archiveAndCount(client, target, p, setup));
            result.dropped.push(dropped);
            setup.log.info(`Rule '${target.rule}': partition ${p.name} (${dropped.rows} rows) detached and dropped`);
        }
        catch (error) {
            await reattachDetached(client, target.table, setup.lockTimeoutMs, p.name);
            result.byRows.push({ name: p.name, bounds: p.bounds, reason: `not dropped (${reasonOf(error)})` });
        }
    }
}
class HoldAppeared extends Error {
}
async function archiveAndCount(client, target, p, setup) {
    if (await partitionHasHold(client, target, p.name))
        throw new HoldAppeared('a legal hold names rows in it');
    const archives = [];
    if (!setup.archive)
        return { name: p.name, bounds: p.bounds, rows: await countRows(client, p.name), archives };
    let rows = 0;
    let afterKey;
    for (let chunk = 1;; chunk++) {
        const next = await partitionChunk(client, target, p.name, setup.batchSize, afterKey);
        if (next.rows.length === 0)
            break;
        archives.push(await setup.archive(p.name, chunk, next.rows, next.keys));
        rows += next.rows.length;
        if (next.rows.length < setup.batchSize)
            break;
        afterKey = next.lastKey;
    }
    return { name: p.name, bounds: p.bounds, rows, archives };
}
function reasonOf(error) {
    if (error instanceof HoldAppeared)
        return error.message;
    if ((0,lock_wait/* isLockTimeout */.Td)(error))
        return 'lock-timeout reached';
    return (0,errors/* asDbopsError */.lS)(error).message;
}
//# sourceMappingURL=partitions.js.map

/***/ }),

/***/ 74913:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  AY: () => (/* binding */ DEFAULT_COUNT_LIMIT),
  B3: () => (/* binding */ DEFAULT_PLAN_STATEMENT_TIMEOUT_MS),
  SA: () => (/* binding */ planRetention)
});

// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/data-retention-predicate.js
var data_retention_predicate = __webpack_require__(49467);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/data-retention-count.js

async function countRule(client, target, limit) {
    const count = (0,data_retention_predicate/* countSql */.eA)(target, limit);
    const { rows } = await client.query(count.text, count.values);
    const estimate = (0,data_retention_predicate/* estimateSql */.J4)(target);
    const plan = await client.query(estimate.text, estimate.values);
    const r = rows[0];
    return {
        expired: r.expired,
        protectedByHold: r.held,
        protectedByMinimum: r.young,
        toPurge: r.expired - r.kept,
        exact: r.expired <= limit,
        estimatedExpired: plan.rows[0]['QUERY PLAN'][0].Plan['Plan Rows'],
    };
}
//# sourceMappingURL=data-retention-count.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/server-errors.js
var server_errors = __webpack_require__(46579);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/partitions.js + 1 modules
var data_retention_partitions = __webpack_require__(81182);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/targets.js + 1 modules
var data_retention_targets = __webpack_require__(6310);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/plan.js




/** Rows counted exactly per rule before the counts become lower bounds (and the estimate is what to read). */
const DEFAULT_COUNT_LIMIT = 1_000_000;
/** A plan's statements are bounded too: a count that runs away is stopped, not waited for. */
const DEFAULT_PLAN_STATEMENT_TIMEOUT_MS = 60_000;
async function planRetention(client, policy, now, options = {}) {
    const countLimit = options.countLimit ?? DEFAULT_COUNT_LIMIT;
    const { targets, skipped } = await (0,data_retention_targets/* resolveRuleTargets */.B)(client, policy, now, options.rules);
    const rules = [];
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
        await client.query("SELECT set_config('statement_timeout', $1, true)", [
            `${options.statementTimeoutMs ?? DEFAULT_PLAN_STATEMENT_TIMEOUT_MS}ms`,
        ]);
        for (const target of targets) {
            let rows;
            try {
                rows = await countRule(client, target, countLimit);
            }
            catch (error) {
                throw (0,server_errors/* translateServerError */.YF)(error, { relation: target.table }) ?? error;
            }
            const plan = {
                rule: target.rule,
                kind: target.kind,
                action: target.action,
                table: target.table,
                partitioned: target.partitioned,
                timeColumn: target.timeColumn,
                cutoff: target.cutoff.toISOString(),
                effectiveCutoff: target.effectiveCutoff.toISOString(),
                rows,
                dependants: target.dependants,
            };
            if (target.minimumSeconds !== undefined)
                plan.minimumSeconds = target.minimumSeconds;
            if (target.bytesPerRow !== undefined)
                plan.estimatedBytes = Math.round(rows.toPurge * target.bytesPerRow);
            const partitions = await (0,data_retention_partitions/* planPartitions */.n)(client, target);
            if (partitions)
                plan.partitions = partitions;
            rules.push(plan);
        }
    }
    finally {
        await client.query('ROLLBACK').catch(() => undefined);
    }
    return { now: now.toISOString(), countLimit, rules, skipped, policy };
}
//# sourceMappingURL=plan.js.map

/***/ }),

/***/ 78358:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  p_: () => (/* binding */ DEFAULT_PURGE_STATEMENT_TIMEOUT_MS),
  yV: () => (/* binding */ purgeRetention)
});

// UNUSED EXPORTS: DEFAULT_LOCK_RETRIES

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(58500);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/data-retention-predicate.js
var data_retention_predicate = __webpack_require__(49467);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/data-retention-batch.js


async function runBatch(client, target, limits, afterKey, beforeCommit) {
    await client.query('BEGIN');
    try {
        await client.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", [
            `${limits.lockTimeoutMs}ms`,
            `${limits.statementTimeoutMs}ms`,
        ]);
        const { only, cascaded, shrunkTo } = beforeCommit && target.archiveCascades
            ? await readCascades(client, target, target.archiveCascades, limits, afterKey)
            : { only: undefined, cascaded: [] };
        const sql = (0,data_retention_predicate/* batchSql */.$h)(target, shrunkTo ?? limits.size, afterKey, beforeCommit !== undefined, only);
        const { rows } = await client.query(sql.text, sql.values);
        if (beforeCommit && rows.length > 0)
            await beforeCommit(rows.map((r) => r.archived), rows.map((r) => r.key), cascaded);
        await commit(client);
        const last = rows.at(-1);
        const outcome = { rows: rows.length, keys: rows.map((r) => r.key) };
        if (last)
            outcome.lastKey = target.primaryKey.map((_, i) => last[`key_${i}`]);
        if (shrunkTo !== undefined)
            outcome.shrunkTo = shrunkTo;
        return outcome;
    }
    catch (error) {
        await client.query('ROLLBACK').catch(() => undefined); // the connection may be gone; the server rolls back then
        throw error;
    }
}
/**
 * Before the DELETE of a rule whose deletes cascade and are archived: the batch's rows locked (lockBatchSql); then
 * their cascade counted, path by path, up to the bound (maxCascadeRows) and, while over it, the batch cut to the first
 * half of its keys, down to one row (whose cascade alone over the bound refuses the rule: nothing of it deleted); then
 * along each path, shorter first, the rows the DELETE will cascade into, read and locked. Returns the keys kept (the
 * DELETE takes exactly these), the rows per path and, when cut, how many keys were kept. The rows cut off stay locked
 * until the batch ends, unchanged. A count is of rows not yet locked: one inserted meanwhile into a deeper table
 * (whose parent is not locked yet) is read all the same, so the bound can be passed by such rows, never by more.
 */
async function readCascades(client, target, paths, limits, afterKey) {
    const lock = (0,data_retention_predicate/* lockBatchSql */._3)(target, limits.size, afterKey);
    const { rows: locked } = await client.query(lock.text, lock.values);
    const cascaded = [];
    const keysOf = (rows) => target.primaryKey.map((_, i) => rows.map((r) => r[`key_${i}`]));
    if (locked.length === 0)
        return { only: keysOf(locked), cascaded };
    const max = limits.maxCascadeRows;
    let kept = locked;
    for (;;) {
        const reached = await cascadeCount(client, target, paths, keysOf(kept), max + 1);
        if (reached <= max)
            break;
        if (kept.length === 1)
            throw tooManyCascaded(target, kept[0], max);
        kept = kept.slice(0, Math.ceil(kept.length / 2));
    }
    const only = keysOf(kept);
    for (const path of paths) {
        const sql = (0,data_retention_predicate/* cascadeRowsSql */.ac)(target, path, only);
        const { rows } = await client.query(sql.text, sql.values);
        cascaded.push({
            table: path.steps.at(-1).table,
            via: path.steps.map((s) => s.constraint),
            rows: rows.map((r) => r.row),
        });
    }
    return kept.length < locked.length ? { only, cascaded, shrunkTo: kept.length } : { only, cascaded };
}
/** The rows the keys' cascade reaches along all paths together, counted up to `limit` (then `limit`). */
async function cascadeCount(client, target, paths, keys, limit) {
    let total = 0;
    for (const path of paths) {
        const sql = (0,data_retention_predicate/* cascadeCountSql */.qq)(target, path, keys, limit - total);
        const { rows } = await client.query(sql.text, sql.values);
        total += rows[0].n;
        if (total >= limit)
            return limit;
    }
    return total;
}
/**
 * A rule's row that cascades into more than max-cascade-rows: the rule is refused (its batch rolled back, nothing of it
 * changed), the run goes on with the next rule, as for other per-rule refusals.
 */
class TooManyCascaded extends errors/* DbopsError */.zJ {
}
function tooManyCascaded(target, row, max) {
    const key = target.primaryKey.map((k, i) => `${k.name} = ${row[`key_${i}`]}`).join(', ');
    return new TooManyCascaded('CHECK_FAILED', `the row ${key} alone cascades (ON DELETE CASCADE) into more than max-cascade-rows (${max}) rows, which archive-to would have to hold in one batch`, {
        input: 'policy',
        hint: 'Purge the dependent tables first with rules of their own listed before this one (their rows then go in batches of their own), or raise defaults.max-cascade-rows in the policy if the runner has the memory for that many rows.',
    });
}
/**
 * COMMIT, where a commit that waited for synchronous standbys and was cancelled or had its session ended (an abort
 * ends it: connection.ts) counts as done: the server has committed it locally and says so in a WARNING (57014 on a
 * cancel, 57P01 on termination) before the error. Counted as rolled back, its rows would be gone from the table and
 * missing from the receipt. Known by the notice's code, not its (translated) text.
 */
async function commit(client) {
    let committedLocally = false;
    const onNotice = (notice) => {
        if (notice.code === '57014' || notice.code === '57P01')
            committedLocally = true;
    };
    client.on('notice', onNotice);
    try {
        await client.query('COMMIT');
    }
    catch (error) {
        if (!committedLocally)
            throw error;
    }
    finally {
        client.off('notice', onNotice);
    }
}
/**
 * Sessions holding a lock on the table that a batch waited for, for the error: who and what kind of lock, never
 * their SQL text (it can hold personal data or passwords).
 */
async function describeTableLockers(client, table) {
    const { rows } = await client.query(`SELECT DISTINCT a.pid, l.mode, a.application_name AS application, a.usename, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'relation' AND l.granted AND l.relation = to_regclass($1) AND a.pid <> pg_backend_pid()
        AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
      ORDER BY a.pid LIMIT 3`, [table]);
    return rows
        .map((r) => `session ${r.pid} holds ${r.mode} (application '${r.application}', user '${r.usename}', ${r.state})`)
        .join('; ');
}
//# sourceMappingURL=data-retention-batch.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/data-retention-pressure.js
async function readPurgePressure(client) {
    const { rows } = await client.query(`SELECT (SELECT max(extract(epoch FROM replay_lag))::float8 * 1000 FROM pg_stat_replication) AS lag,
            s.slot_name AS slot, s.retained,
            (SELECT count(*)::int FROM pg_stat_activity
              WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()) AS active
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (
         SELECT slot_name, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 AS retained
           FROM pg_replication_slots
          WHERE restart_lsn IS NOT NULL AND NOT pg_is_in_recovery()
          ORDER BY 2 DESC LIMIT 1) AS s ON true`);
    const row = rows[0];
    return {
        lagMs: row.lag ?? 0,
        ...(row.slot === null || row.retained === null ? {} : { slot: { name: row.slot, retainedBytes: row.retained } }),
        activeSessions: row.active,
    };
}
//# sourceMappingURL=data-retention-pressure.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/lock-wait.js
var lock_wait = __webpack_require__(62725);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/server-errors.js
var server_errors = __webpack_require__(46579);
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
// EXTERNAL MODULE: ./packages/core/lib/log.js
var log = __webpack_require__(69579);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/archive.js
var data_retention_archive = __webpack_require__(85947);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/archive-run.js
var archive_run = __webpack_require__(77995);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/partitions.js + 1 modules
var data_retention_partitions = __webpack_require__(81182);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/targets.js + 1 modules
var targets = __webpack_require__(6310);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/throttle.js
var throttle = __webpack_require__(36645);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/tombstones.js
var tombstones = __webpack_require__(42837);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/purge.js
/**
 * The purge: each rule's rows past its effective cutoff, not held, deleted (or anonymized) in keyset batches on the
 * primary key, each batch one short transaction under lock_timeout and statement_timeout. Between batches it paces
 * itself (throttle.ts), waits while standbys lag, and stops cleanly when aborted or out of time: every batch is
 * committed or rolled back whole, and the result says exactly what committed so a receipt can record it. Legal
 * holds are part of every batch's statement, so a hold added after the plan still protects its rows. A rule with
 * archive-to archives each batch (archive.ts), and the rows its DELETE cascades into, inside its transaction, before
 * it commits: no archive, no delete.
 */















const DEFAULT_PURGE_STATEMENT_TIMEOUT_MS = 30_000;
const DEFAULT_LOCK_RETRIES = 2;
/**
 * Purges a plan (at its cutoffs, for its rules) or a policy. Throws, having changed nothing, when the policy does
 * not match the database or a hold cannot be read; after the first batch it never throws for a batch: it returns
 * what committed, with outcome 'failed' and the error, so the caller can record a receipt before failing the run.
 */
async function purgeRetention(client, source, options = {}) {
    const plan = 'policy' in source ? source : undefined;
    const policy = plan ? plan.policy : source;
    const now = plan ? new Date(plan.now) : (options.now ?? new Date());
    // A plan's rules, and those it skipped: they are skipped again, and a refused one fails the run again.
    const rules = options.rules ?? (plan ? [...plan.rules, ...plan.skipped].map((r) => r.rule) : undefined);
    const startedAt = new Date();
    const started = performance.now();
    const resolved = await (0,targets/* resolveRuleTargets */.B)(client, policy, now, rules);
    const run = new PurgeRun(client, policy, options, started);
    await run.purge(resolved.targets);
    // A rule refused when resolved (its cascades cannot be checked for holds) fails the run once the others have run.
    if (run.outcome === 'complete' && resolved.refused[0]) {
        run.outcome = 'failed';
        run.error = resolved.refused[0];
    }
    return {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        now: now.toISOString(),
        outcome: run.outcome,
        ...(run.error ? { error: run.error } : {}),
        rules: run.results,
        skipped: resolved.skipped,
        lagWaitMs: Math.round(run.waits.lag),
        ...(run.maxSlotWalBytes === undefined ? {} : { slotWalWaitMs: Math.round(run.waits.slotWal) }),
        ...(run.maxActiveSessions === undefined ? {} : { loadWaitMs: Math.round(run.waits.load) }),
        ...(run.waitingFor ? { stoppedWaitingFor: run.waitingFor } : {}),
    };
}
class PurgeRun {
    client;
    options;
    started;
    outcome = 'complete';
    error;
    results = [];
    /** Milliseconds waited, per bound. */
    waits = { lag: 0, slotWal: 0, load: 0 };
    /** Why the run is waiting right now (set while it waits; left set when the wait ended the run). */
    waitingFor;
    maxSlotWalBytes;
    maxActiveSessions;
    pacing;
    size;
    maxCascadeRows;
    lockTimeoutMs;
    lockRetries;
    maxLagMs;
    log;
    archives;
    constructor(client, policy, options, started) {
        this.client = client;
        this.options = options;
        this.started = started;
        this.size = options.batchSize ?? policy.defaults.batchSize;
        this.maxCascadeRows = options.maxCascadeRows ?? policy.defaults.maxCascadeRows;
        this.pacing = {
            sleepMs: options.sleepMs ?? policy.defaults.sleepMs,
            sleepCoefficient: options.sleepCoefficient ?? policy.defaults.sleepCoefficient,
            maxRuntimeMs: options.maxRuntimeMs ?? policy.defaults.maxRuntimeMs,
        };
        this.lockTimeoutMs = options.lockTimeoutMs ?? policy.defaults.lockTimeoutMs;
        this.lockRetries = options.lockRetries ?? DEFAULT_LOCK_RETRIES;
        this.maxLagMs = options.maxReplicationLagMs ?? policy.defaults.maxReplicationLagMs;
        this.maxSlotWalBytes = options.maxSlotWalBytes ?? policy.defaults.maxSlotWalBytes;
        this.maxActiveSessions = options.maxActiveSessions ?? policy.defaults.maxActiveSessions;
        this.log = options.log ?? log/* silentLogger */.qq;
        this.archives = new archive_run/* RunArchives */.L(options.archive);
    }
    async purge(targets) {
        const results = targets.map((t) => ({
            result: {
                rule: t.rule,
                table: t.table,
                action: t.action,
                cutoff: t.cutoff.toISOString(),
                effectiveCutoff: t.effectiveCutoff.toISOString(),
                rows: 0,
                batches: 0,
                durationMs: 0,
                complete: false,
                keysSha256: '',
                archives: [],
            },
            hash: (0,external_node_crypto_.createHash)('sha256'),
        }));
        this.results.push(...results.map((r) => r.result));
        try {
            for (const [i, target] of targets.entries()) {
                const { result, hash } = results[i];
                // Between rules as between batches: the budget and the abort signal may end the run here.
                if (i > 0 && !(await this.pause(0)))
                    return;
                const ruleStart = performance.now();
                try {
                    await this.dropPartitions(target, result);
                    if (!(await this.purgeRule(target, result, hash)))
                        return;
                }
                catch (error) {
                    // Not a batch (those are handled in purgeRule): the lag query, or the caller's onBatch. Still no throw.
                    this.outcome = 'failed';
                    const cause = (0,server_errors/* translateServerError */.YF)(error) ?? (0,errors/* asDbopsError */.lS)(error);
                    this.error = new errors/* DbopsError */.zJ(cause.code, `Rule '${target.rule}' on ${target.table}: ${cause.message}; ${result.rows} rows in ${result.batches} committed batches stay ${target.action === 'delete' ? 'deleted' : 'anonymized'}`, { cause: error, ...(cause.hint ? { hint: cause.hint } : {}) });
                    return;
                }
                finally {
                    result.durationMs = Math.round(performance.now() - ruleStart);
                }
                this.log.info(`Rule '${target.rule}': ${result.rows} rows ${target.action === 'delete' ? 'deleted' : 'anonymized'} from ${target.table} in ${result.batches} batches`);
            }
        }
        finally {
            for (const { result, hash } of results)
                result.keysSha256 = hash.digest('hex');
        }
    }
    /** Age rules on partitioned tables: expired partitions go whole first (partitions.ts); batches do the rest. */
    async dropPartitions(target, result) {
        if (!target.partitioned || target.kind !== 'age')
            return;
        const location = target.archiveTo;
        let archive;
        if (location !== undefined) {
            const { storage, encryption } = await this.archives.forRule(target.rule, location);
            archive = async (partition, chunk, rows, keys) => {
                const segment = partition.replace(/[^A-Za-z0-9_-]+/g, '-');
                const batch = { rule: target.rule, table: target.table, batch: chunk, rows };
                const keyRange = { first: keys[0], last: keys.at(-1) };
                const record = await (0,data_retention_archive/* archiveBatch */.Vt)(storage, encryption, `${this.archives.runId}-${segment}`, { ...batch, keyRange }, this.options.signal);
                this.log.info(`Rule '${target.rule}': ${rows.length} rows of ${partition} archived to ${record.location}`);
                await this.options.afterArchive?.(record);
                return record;
            };
        }
        const partitions = { dropped: [], byRows: [], reattached: [] };
        result.partitions = partitions;
        const setup = {
            lockTimeoutMs: this.lockTimeoutMs,
            statementTimeoutMs: this.options.statementTimeoutMs ?? DEFAULT_PURGE_STATEMENT_TIMEOUT_MS,
            batchSize: this.size,
            ...(archive ? { archive } : {}),
            stopped: () => this.stopped() || (0,throttle/* budgetSpent */.m)(this.pacing, performance.now() - this.started, 0),
            log: this.log,
        };
        try {
            await (0,data_retention_partitions/* dropExpiredPartitions */.k)(this.client, target, setup, partitions);
        }
        finally {
            // Also when a later partition failed: the ones dropped before it are in the receipt.
            for (const dropped of partitions.dropped)
                result.rows += dropped.rows;
        }
    }
    /** Runs one rule's batches; false when the run must stop (outcome and error set). */
    async purgeRule(target, result, hash) {
        let afterKey;
        // Fewer than batch-size once a batch's cascade was over max-cascade-rows: kept for the rule's later batches.
        let size = this.size;
        for (;;) {
            if (!(await this.waitForHeadroom()))
                return false;
            const batchStart = performance.now();
            let outcome;
            const archived = [];
            try {
                const archive = await this.archiveStep(target, result, archived);
                outcome = await this.batchWithRetries(target, size, afterKey, (0,tombstones/* withTombstones */.Zg)(this.client, target, archive));
            }
            catch (error) {
                this.outcome = 'failed';
                const failure = await this.batchError(error, target, result);
                // A rule refused for its cascades: the rows it left are this rule's alone, the next rules still run.
                if (error instanceof TooManyCascaded) {
                    this.error ??= failure;
                    return true;
                }
                this.error = failure;
                return false;
            }
            const batchMs = performance.now() - batchStart;
            if (outcome.rows > 0) {
                result.rows += outcome.rows;
                result.batches++;
                result.archives.push(...archived); // committed: only now does the receipt name it
                for (const key of outcome.keys)
                    hash.update(`${key}\n`);
                // Committed: only now may a backup no longer hold the batch's rows. Should this fail, the batch stays counted
                // and its tombstones are completed by the next erasure.
                if ((0,tombstones/* erases */.Y_)(target)) {
                    try {
                        await (0,tombstones/* completeTombstones */.K9)(this.client);
                    }
                    catch (error) {
                        this.outcome = 'failed';
                        this.error = await this.batchError(error, target, result);
                        return false;
                    }
                }
                await this.options.onBatch?.({
                    rule: target.rule,
                    table: target.table,
                    batch: result.batches,
                    rows: outcome.rows,
                    ruleRows: result.rows,
                    durationMs: Math.round(batchMs),
                });
            }
            if (outcome.shrunkTo !== undefined && outcome.shrunkTo < size) {
                size = outcome.shrunkTo;
                this.log.info(`Rule '${target.rule}': batches of ${size} rows from now on (their ON DELETE CASCADE reaches more than max-cascade-rows, ${this.maxCascadeRows}, rows otherwise)`);
            }
            if (outcome.rows < (outcome.shrunkTo ?? size)) {
                result.complete = true;
                return true;
            }
            afterKey = outcome.lastKey;
            if (!(await this.pause((0,throttle/* pauseAfterBatch */.l)(this.pacing, batchMs))))
                return false;
        }
    }
    /**
     * The step that archives a batch inside its transaction, or undefined when the rule does not archive. `archived`
     * gets the batch's archive once stored; a retried batch (lock timeout) archives anew under its attempt's own name,
     * and only the committed attempt's archive counts: an earlier attempt's object stays, named by no receipt.
     */
    async archiveStep(target, result, archived) {
        const location = target.archiveTo;
        if (location === undefined)
            return undefined;
        const { storage, encryption } = await this.archives.forRule(target.rule, location);
        let attempt = 0;
        return async (rows, keys, cascaded) => {
            attempt++;
            const batch = {
                rule: target.rule,
                batch: result.batches + 1,
                attempt,
                keyRange: { first: keys[0], last: keys.at(-1) },
            };
            const records = [];
            archived.splice(0, archived.length);
            const record = await (0,data_retention_archive/* archiveBatch */.Vt)(storage, encryption, this.archives.runId, { ...batch, table: target.table, rows }, this.options.signal);
            records.push(record);
            this.log.info(`Rule '${target.rule}': ${rows.length} rows archived to ${record.location}`);
            // The rows the DELETE cascaded into, per path: archived before the commit as the rule's own (invariant 7).
            for (const [i, path] of cascaded.entries()) {
                if (path.rows.length === 0)
                    continue;
                const cascade = { part: i + 1, via: path.via };
                const part = await (0,data_retention_archive/* archiveBatch */.Vt)(storage, encryption, this.archives.runId, { ...batch, table: path.table, rows: path.rows, cascade }, this.options.signal);
                records.push(part);
                this.log.info(`Rule '${target.rule}': ${path.rows.length} rows of ${path.table} deleted with them (ON DELETE CASCADE) archived to ${part.location}`);
            }
            archived.push(...records);
            for (const each of records)
                await this.options.afterArchive?.(each);
        };
    }
    async batchWithRetries(target, size, afterKey, beforeCommit) {
        const limits = {
            size,
            maxCascadeRows: this.maxCascadeRows,
            lockTimeoutMs: this.lockTimeoutMs,
            statementTimeoutMs: this.options.statementTimeoutMs ?? DEFAULT_PURGE_STATEMENT_TIMEOUT_MS,
        };
        for (let attempt = 0;; attempt++) {
            try {
                return await runBatch(this.client, target, limits, afterKey, beforeCommit);
            }
            catch (error) {
                if (!(0,lock_wait/* isLockTimeout */.Td)(error) || attempt >= this.lockRetries)
                    throw error;
                const delay = (this.options.lockRetryDelayMs ?? 1000) * 2 ** attempt;
                this.log.warn(`Rule '${target.rule}': ${target.table} is locked; trying the batch again in ${delay} ms`);
                if (!(await this.pause(delay)))
                    throw error;
            }
        }
    }
    /** Waits while a standby lags more than allowed; false when the run must stop meanwhile. */
    /**
     * Before each batch: waits while a standby lags, a slot holds back WAL or the server is busy beyond the policy's
     * bounds (checked in that order, one query), so a purge never adds to a replica's lag or a full WAL disk. False
     * when the run must stop (the budget ran out or it was aborted while waiting; waitingFor then says why).
     */
    async waitForHeadroom() {
        for (;;) {
            if (this.stopped())
                return false;
            const over = this.overBound(await readPurgePressure(this.client));
            if (!over) {
                this.waitingFor = undefined;
                return true;
            }
            if (over.reason !== this.waitingFor)
                this.log.info(`${over.reason}; waiting`);
            this.waitingFor = over.reason;
            const before = performance.now();
            const goOn = await this.pause(this.options.lagCheckIntervalMs ?? 1000);
            this.waits[over.bound] += performance.now() - before;
            if (!goOn)
                return false;
        }
    }
    /** The first bound the server is past, and a sentence naming it; undefined when there is room. */
    overBound(pressure) {
        if (pressure.lagMs > this.maxLagMs)
            return {
                bound: 'lag',
                reason: `A standby lags ${Math.round(pressure.lagMs)} ms behind (max-replication-lag ${this.maxLagMs} ms)`,
            };
        const slot = pressure.slot;
        if (this.maxSlotWalBytes !== undefined && slot && slot.retainedBytes > this.maxSlotWalBytes)
            return {
                bound: 'slotWal',
                reason: `Replication slot '${slot.name}' holds back ${(0,format/* formatBytes */.z3)(slot.retainedBytes)} of WAL (max-slot-wal ${(0,format/* formatBytes */.z3)(this.maxSlotWalBytes)})`,
            };
        if (this.maxActiveSessions !== undefined && pressure.activeSessions > this.maxActiveSessions)
            return {
                bound: 'load',
                reason: `${pressure.activeSessions} other sessions are running a statement (max-active-sessions ${this.maxActiveSessions})`,
            };
        return undefined;
    }
    /** Sleeps between batches unless that would spend the budget or the run is aborted; false to stop. */
    async pause(ms) {
        if (this.stopped())
            return false;
        if ((0,throttle/* budgetSpent */.m)(this.pacing, performance.now() - this.started, ms)) {
            // A rule refused before (its cascades) keeps the run failed.
            if (this.outcome === 'complete')
                this.outcome = 'time-budget';
            return false;
        }
        if (ms <= 0)
            return true;
        try {
            await (0,promises_.setTimeout)(ms, undefined, this.options.signal ? { signal: this.options.signal } : undefined);
        }
        catch {
            // aborted while sleeping: stopped() records it
        }
        return !this.stopped();
    }
    stopped() {
        if (this.options.signal?.aborted) {
            if (this.outcome === 'complete')
                this.outcome = 'aborted';
            return true;
        }
        return false;
    }
    /** The batch's error, naming the rule and table and saying what stays committed. */
    async batchError(error, target, result) {
        const at = `Rule '${target.rule}' on ${target.table}`;
        const kept = `${result.rows} rows in ${result.batches} committed batches stay ${target.action === 'delete' ? 'deleted' : 'anonymized'}; the failed batch was rolled back whole`;
        if ((0,lock_wait/* isLockTimeout */.Td)(error)) {
            const lockers = await describeTableLockers(this.client, target.table).catch(() => '');
            return new errors/* DbopsError */.zJ('TIMEOUT', `${at}: a batch waited longer than lock-timeout (${this.lockTimeoutMs} ms) for a lock on ${target.table}, ${1 + this.lockRetries} times; ${kept}`, {
                input: 'lock-timeout',
                cause: error,
                hint: `${lockers ? `${lockers}. ` : 'Another session holds a lock on the table. '}Run again once it is released (the next run continues where this one stopped), end that session, or raise lock-timeout.`,
            });
        }
        if (error.code === '23503')
            // The server's message names the constraint and the referencing table, not the key (that is in its detail).
            return new errors/* DbopsError */.zJ('CHECK_FAILED', `${at}: ${error.message}; ${kept}`, {
                cause: error,
                hint: `Rows of ${target.table} are still referenced by another table's foreign key (the plan lists them as dependants). Purge the dependants first (a rule on that table, listed before this one), or make the foreign key ON DELETE CASCADE or SET NULL; dbops never cascades by itself.`,
            });
        const translated = (0,server_errors/* translateServerError */.YF)(error, { relation: target.table }) ?? (0,errors/* asDbopsError */.lS)(error);
        return new errors/* DbopsError */.zJ(translated.code, `${at}: ${translated.message}; ${kept}`, {
            cause: error,
            ...(translated.hint ? { hint: translated.hint } : {}),
            ...(translated.input ? { input: translated.input } : {}),
        });
    }
}
//# sourceMappingURL=purge.js.map

/***/ }),

/***/ 6310:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  D: () => (/* binding */ chooseRules),
  B: () => (/* binding */ resolveRuleTargets)
});

;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/data-retention-cascades.js
/** More paths than a schema's cascades should need: each is one EXISTS per expired row, so beyond it, refused. */
const MAX_CASCADE_PATHS = 64;
/**
 * Every path of ON DELETE CASCADE keys from `table`, each table at most once on a path (tables reached two ways get
 * a path each). `cycle` names the first cascade that leads back into a table on its path (a self-reference such as
 * threaded comments): how deep such a cascade goes depends on the rows, which a fixed set of joins cannot follow.
 */
async function cascadePaths(client, table, withoutKey = false) {
    const edges = new Map();
    const edgesOf = async (from) => {
        let found = edges.get(from);
        if (!found) {
            found = await cascadeEdges(client, from);
            edges.set(from, found);
        }
        return found;
    };
    const paths = [];
    const walk = async (tables, steps) => {
        for (const edge of await edgesOf(tables.at(-1))) {
            const route = [...steps, edge];
            if (tables.includes(edge.table))
                return [table, ...route.map((s) => `${s.table} (${s.constraint})`)].join(' → ');
            if (edge.key.length > 0 || withoutKey)
                paths.push({
                    steps: route,
                    holdNames: [...new Set([edge.name, `${edge.schema}.${edge.name}`])],
                    primaryKey: edge.key,
                });
            if (paths.length > MAX_CASCADE_PATHS)
                return undefined;
            const cycle = await walk([...tables, edge.table], route);
            if (cycle)
                return cycle;
        }
        return undefined;
    };
    const cycle = await walk([table], []);
    if (cycle)
        return { paths, cycle };
    return paths.length > MAX_CASCADE_PATHS ? { paths, tooMany: true } : { paths };
}
async function cascadeEdges(client, table) {
    const { rows } = await client.query(`SELECT c.conname AS constraint, c.conrelid::regclass::text AS table, n.nspname AS schema, r.relname AS name,
            array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(att, i)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att ORDER BY k.i) AS columns,
            array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(att, i)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att ORDER BY k.i) AS references,
            coalesce((SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod))
                                      ORDER BY k.i)
                        FROM pg_index x CROSS JOIN unnest(x.indkey) WITH ORDINALITY AS k(att, i)
                        JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.att
                       WHERE x.indrelid = c.conrelid AND x.indisprimary), '[]') AS key
       FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
      WHERE c.contype = 'f' AND c.confdeltype = 'c' AND c.confrelid = to_regclass($1) AND c.conparentid = 0
      ORDER BY 2, 1`, [table]);
    return rows;
}
//# sourceMappingURL=data-retention-cascades.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/data-retention-catalog.js
var data_retention_catalog = __webpack_require__(78053);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/data-retention-target.js
var data_retention_target = __webpack_require__(84381);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/cutoffs.js
var data_retention_cutoffs = __webpack_require__(37823);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/policy.js
var data_retention_policy = __webpack_require__(49231);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/targets.js






/** `rules`: only these rule names (each must exist); all PostgreSQL rules when left out. */
async function resolveRuleTargets(client, policy, now, rules) {
    const chosen = chooseRules(policy, rules);
    const catalog = await (0,data_retention_catalog/* checkPolicyCatalog */.O)(client, { ...policy, data: chosen });
    const holdSources = [];
    for (const hold of (0,data_retention_policy/* sqlHolds */.lZ)(policy.holds))
        holdSources.push(hold.kind === 'table'
            ? ((await (0,data_retention_target/* resolveTable */.NC)(client, (0,data_retention_policy/* qualifiedNameText */.JK)(hold.table))) ?? (0,data_retention_policy/* qualifiedNameText */.JK)(hold.table))
            : `(${hold.query})`);
    const minimumTables = await (0,data_retention_target/* resolveMinimumTables */.En)(client, policy.minimums);
    const targets = [];
    const skipped = [];
    const refused = [];
    for (const rule of chosen) {
        if (rule.kind === 'collection') {
            skipped.push({ rule: rule.name, reason: 'a MongoDB collection: purged with a mongodb:// database-url' });
            continue;
        }
        const facts = catalog.rules.find((r) => r.rule === rule.name);
        const shape = await (0,data_retention_target/* tableShape */.e2)(client, facts.table, facts.primaryKey);
        const deletes = actionOf(rule) === 'delete';
        if (deletes)
            await refuseCascadeIntoMinimum(client, rule, shape.table, minimumTables);
        const archived = deletes ? await archivedCascades(client, rule, shape.table) : [];
        if (archived instanceof errors/* DbopsError */.zJ) {
            skipped.push({ rule: rule.name, reason: `refused: ${archived.message}` });
            refused.push(archived);
            continue;
        }
        let cascades = [];
        if (deletes && holdSources.length > 0) {
            const held = await heldCascades(client, rule, shape.table);
            if (held instanceof errors/* DbopsError */.zJ) {
                skipped.push({ rule: rule.name, reason: `refused: ${held.message}` });
                refused.push(held);
                continue;
            }
            cascades = held;
        }
        const referencing = await (0,data_retention_target/* dependants */.pW)(client, shape.table);
        const keep = rule.kind === 'age' ? rule.keep : rule.grace;
        const cutoffs = (0,data_retention_cutoffs/* ruleCutoffs */.F)(keep, policy.minimums, (minimum) => minimumTables.get(minimum) === shape.table, now);
        targets.push({
            rule: rule.name,
            kind: rule.kind,
            action: actionOf(rule),
            table: shape.table,
            partitioned: facts.partitioned,
            holdNames: shape.holdNames,
            primaryKey: shape.primaryKey,
            timeColumn: rule.kind === 'age' ? rule.by : rule.softDelete,
            timeType: facts.timeType,
            ...(rule.where === undefined ? {} : { where: rule.where }),
            ...(rule.archiveTo === undefined ? {} : { archiveTo: rule.archiveTo }),
            ...(rule.kind === 'soft-delete' && rule.afterGrace.action === 'anonymize'
                ? { anonymize: rule.afterGrace.columns }
                : {}),
            holdSources,
            ...(cascades.length > 0 ? { cascades } : {}),
            ...(archived.length > 0 ? { archiveCascades: archived } : {}),
            ...cutoffs,
            ...(shape.bytesPerRow === undefined ? {} : { bytesPerRow: shape.bytesPerRow }),
            dependants: referencing,
        });
    }
    return { targets, skipped, refused };
}
/**
 * A rule that deletes rows of a table whose rows another table's foreign keys delete with them (ON DELETE CASCADE,
 * at any depth) would delete rows of that table too: refused (CHECK_FAILED, input `policy`) when a minimum names
 * one of them, since a cascade knows no floor. dbops never cascades by itself (purge.ts); this is PostgreSQL's.
 */
async function refuseCascadeIntoMinimum(client, rule, table, minimumTables) {
    const seen = new Set([table]);
    const path = new Map([[table, table]]);
    for (const at of seen) {
        for (const dependant of await (0,data_retention_target/* dependants */.pW)(client, at)) {
            if (dependant.onDelete !== 'cascade' || seen.has(dependant.table))
                continue;
            seen.add(dependant.table);
            const via = `${path.get(at)} → ${dependant.table} (${dependant.constraint})`;
            path.set(dependant.table, via);
            const minimum = [...minimumTables].find(([, resolved]) => resolved === dependant.table)?.[0];
            if (minimum)
                throw new errors/* DbopsError */.zJ('CHECK_FAILED', `Rule '${rule.name}' (line ${rule.line}) deletes rows of ${table}, and ON DELETE CASCADE deletes rows of ${dependant.table} with them (${via}), which a compliance minimum protects (line ${minimum.line}): nothing was deleted`, {
                    input: 'policy',
                    hint: `Make that foreign key ON DELETE RESTRICT or SET NULL (a purge then keeps referenced rows, or detaches them), or purge ${dependant.table} by a rule of its own, which the minimum holds back.`,
                });
        }
    }
}
/**
 * A delete rule with archive-to: every ON DELETE CASCADE path from its table (at any depth, tables without a key
 * included), whose rows each batch locks and archives with its own before its DELETE (invariant 7: the rows
 * PostgreSQL deletes with the batch's are archived too). A cascade back into a table on its own path reaches a depth
 * the rows decide, and more than MAX_CASCADE_PATHS paths cost too much per batch: refused (the CHECK_FAILED returned).
 */
async function archivedCascades(client, rule, table) {
    if (rule.archiveTo === undefined)
        return [];
    const { paths, cycle, tooMany } = await cascadePaths(client, table, true);
    if (!cycle && !tooMany)
        return paths;
    return new errors/* DbopsError */.zJ('CHECK_FAILED', cycle
        ? `Rule '${rule.name}' (line ${rule.line}) archives the rows it deletes from ${table}, and ON DELETE CASCADE deletes rows with them along a cycle (${cycle}), to a depth the archive cannot follow: nothing of it was deleted`
        : `Rule '${rule.name}' (line ${rule.line}) archives the rows it deletes from ${table}, and ON DELETE CASCADE reaches more than ${MAX_CASCADE_PATHS} paths of tables with them, too many to archive along: nothing of it was deleted`, {
        input: 'policy',
        hint: 'Make those foreign keys ON DELETE RESTRICT or SET NULL and archive and purge the dependent tables by rules of their own first, or remove archive-to from this rule if the cascaded rows need no archive.',
    });
}
/**
 * The cascade paths a delete rule's batches check holds along (data-retention-predicate.ts): a row is kept back, and
 * counted held, when its delete would cascade into a held row at any depth. Checked in every batch's statement, not
 * refused up front by the tables holds name now: holds come and go during a run. A cascade back into a table on its
 * own path (a self-reference) reaches a depth the rows decide, which fixed joins cannot check: that rule is refused
 * (the CHECK_FAILED returned) while the policy has holds, as is one with more paths than MAX_CASCADE_PATHS.
 */
async function heldCascades(client, rule, table) {
    const { paths, cycle, tooMany } = await cascadePaths(client, table);
    if (!cycle && !tooMany)
        return paths;
    return new errors/* DbopsError */.zJ('CHECK_FAILED', cycle
        ? `Rule '${rule.name}' (line ${rule.line}) deletes rows of ${table}, and ON DELETE CASCADE deletes rows with them along a cycle (${cycle}), to a depth legal holds cannot be checked at: nothing of it was deleted`
        : `Rule '${rule.name}' (line ${rule.line}) deletes rows of ${table}, and ON DELETE CASCADE reaches more than ${MAX_CASCADE_PATHS} paths of tables with them, too many to check legal holds along: nothing of it was deleted`, {
        input: 'policy',
        hint: 'Make those foreign keys ON DELETE RESTRICT or SET NULL (a purge then keeps referenced rows, or detaches them), or purge the dependent tables by rules of their own first.',
    });
}
/** The policy's rules named in `rules` (each must exist), or all of them; for every engine. */
function chooseRules(policy, rules) {
    for (const name of rules ?? [])
        if (!policy.data.some((r) => r.name === name))
            throw (0,errors/* invalidInput */.aY)('rules', `names '${name}', which is not a rule of the policy`, `rule names of the policy: ${policy.data.map((r) => r.name).join(', ') || '(none)'}`);
    return policy.data.filter((r) => !rules || rules.includes(r.name));
}
function actionOf(rule) {
    return rule.kind === 'soft-delete' && rule.afterGrace.action === 'anonymize' ? 'anonymize' : 'delete';
}
//# sourceMappingURL=targets.js.map

/***/ }),

/***/ 36645:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   l: () => (/* binding */ pauseAfterBatch),
/* harmony export */   m: () => (/* binding */ budgetSpent)
/* harmony export */ });
function pauseAfterBatch(pacing, batchMs) {
    return Math.round(pacing.sleepMs + pacing.sleepCoefficient * Math.max(0, batchMs));
}
/** True when another batch (and the pause before it) would start after the budget is spent. */
function budgetSpent(pacing, elapsedMs, pauseMs) {
    return elapsedMs + pauseMs >= pacing.maxRuntimeMs;
}
//# sourceMappingURL=throttle.js.map

/***/ })

};
