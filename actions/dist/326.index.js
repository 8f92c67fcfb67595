export const id = 326;
export const ids = [326];
export const modules = {

/***/ 72096:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   e: () => (/* binding */ recordReceiptRow),
/* harmony export */   m: () => (/* binding */ RECEIPT_TABLE)
/* harmony export */ });
const RECEIPT_TABLE = 'public.dbops_retention_receipts';
async function recordReceiptRow(client, receipt) {
    await client.query(`CREATE TABLE IF NOT EXISTS ${RECEIPT_TABLE} (
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

/***/ 32326:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  dataRetention: () => (/* binding */ dataRetention)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: external "node:stream/consumers"
var consumers_ = __webpack_require__(38321);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(46466);
// EXTERNAL MODULE: ./packages/core/lib/crypto/age/index.js + 9 modules
var age = __webpack_require__(21701);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/pipeline/compression.js
var compression = __webpack_require__(64678);
// EXTERNAL MODULE: ./packages/core/lib/storage/put-record.js
var put_record = __webpack_require__(56054);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/archive.js
/**
 * Archive before delete (issue 16 part 4): a batch's rows, as JSON Lines (one `to_jsonb` row per line), compressed
 * with zstd and encrypted with age exactly like a backup, stored, read back and checked by SHA-256, and described by
 * a small manifest, all before the batch's transaction commits. The caller commits only once archiveBatch returns;
 * a crash in between leaves the rows in the table and an archive object that no receipt names (the next run archives
 * the rows again under a new name: duplicates are possible, loss is not). docs/retention.md shows the load-back.
 */








const ARCHIVE_MANIFEST_FORMAT = 'dbops.retention-archive/1';
/** Refuses a run that would archive in the clear: archives hold exactly the personal data being purged. */
function checkArchiveEncryption(encryption, rule) {
    if (!encryption || (encryption.recipients.length === 0 && !encryption.passphrase))
        throw (0,errors/* invalidInput */.aY)('encrypt-to', `is required: rule '${rule}' archives its rows (archive-to) and archives are always encrypted`, 'one or more age1... recipients (public keys), or encrypt-passphrase');
    return encryption;
}
/** Names one run's archives apart from any other run's: a rerun's duplicate of a batch never overwrites. */
function archiveRunId(startedAt) {
    return `${startedAt
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z')}-${(0,external_node_crypto_.randomBytes)(3).toString('hex')}`;
}
const LEVEL = compression/* LEVELS */.A_.zstd.default;
async function archiveBatch(storage, encryption, runId, batch, signal) {
    const key = `${safeSegment(batch.rule)}/${runId}/${String(batch.batch).padStart(6, '0')}.jsonl.zst.age`;
    const body = await sealRows(batch.rows, encryption, signal);
    const sha256 = (0,external_node_crypto_.createHash)('sha256').update(body).digest('hex');
    const options = { contentType: 'application/octet-stream', ...(signal ? { signal } : {}) };
    await storage.put(key, body, options);
    await verifyStored(storage, key, body.length, sha256, signal);
    const manifest = {
        format: ARCHIVE_MANIFEST_FORMAT,
        rule: batch.rule,
        table: batch.table,
        keyRange: batch.keyRange,
        rows: batch.rows.length,
        bytes: body.length,
        sha256,
        createdAt: new Date().toISOString(),
        content: 'jsonl',
        compression: { algorithm: 'zstd', level: LEVEL },
        encryption: encryption.passphrase
            ? { method: 'age', passphrase: true }
            : { method: 'age', recipients: encryption.recipients.map(age/* recipientFingerprint */.AF) },
    };
    const manifestKey = `${key}.manifest.json`;
    await (0,put_record/* putRecord */.j)(storage, manifestKey, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), {
        contentType: 'application/json',
        ...(signal ? { signal } : {}),
    });
    return {
        location: storage.locate(key),
        manifest: storage.locate(manifestKey),
        rows: batch.rows.length,
        bytes: body.length,
        sha256,
    };
}
/** JSON Lines → zstd → age, in memory: a batch is bounded by the batch size, and its put is then one plain write. */
async function sealRows(rows, encryption, signal) {
    const compressor = (0,compression/* createCompressor */._S)('zstd', LEVEL, signal ? { signal } : {});
    const encryptor = (0,age/* createAgeEncryptStream */.x)({
        recipients: encryption.recipients,
        ...(encryption.passphrase ? { passphrase: encryption.passphrase } : {}),
    });
    const chunks = [];
    await (0,promises_.pipeline)(external_node_stream_.Readable.from(rows.map((row) => `${row}\n`)), compressor, encryptor, async (source) => {
        for await (const chunk of source)
            chunks.push(chunk);
    }, signal ? { signal } : {});
    return Buffer.concat(chunks);
}
/** Reads the object back whole: a storage that kept something else must not let the rows be deleted. */
async function verifyStored(storage, key, bytes, sha256, signal) {
    let stored;
    try {
        stored = await (0,consumers_.buffer)(await storage.get(key, signal ? { signal } : {}));
    }
    catch (error) {
        await storage.delete(key).catch(() => undefined);
        throw error;
    }
    const actual = (0,external_node_crypto_.createHash)('sha256').update(stored).digest('hex');
    if (stored.length !== bytes || actual !== sha256) {
        await storage.delete(key).catch(() => undefined);
        throw new errors/* DbopsError */.zJ('VERIFY_FAILED', `The archive ${storage.locate(key)} does not match what was sent (${stored.length} bytes, sha256 ${actual.slice(0, 12)}…; expected ${bytes} bytes, ${sha256.slice(0, 12)}…)`, {
            hint: 'It was removed and the batch was not deleted. Check the archive storage (full disk, quota, a server that alters uploads).',
        });
    }
}
/** A rule name as one key segment: rule names are the policy's own, but a key must not climb out of its folder. */
function safeSegment(name) {
    return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'rule';
}
//# sourceMappingURL=archive.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/server-errors.js
var server_errors = __webpack_require__(46579);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/data-retention-predicate.js

/** Collects parameter values and hands out their placeholders ($1, $2, ...). */
class SqlParams {
    values = [];
    add(value) {
        this.values.push(value);
        return `$${this.values.length}`;
    }
}
/**
 * A row's key as one text, as a hold's subject_id gives it and as receipts hash it: the key's text for a one-column
 * key (`42`), the row's text for a composite one (`(42,"2026-01-01 00:00:00")`).
 */
function keyText(target, alias) {
    const columns = target.primaryKey.map((k) => `${alias}.${(0,server_errors/* sqlName */.iA)(k.name)}`);
    return columns.length === 1 ? `${columns[0]}::text` : `ROW(${columns.join(', ')})::text`;
}
/** True when a legal hold names the row; `false` when the policy has no holds. Holds are read at statement time. */
function heldExpression(target, params) {
    if (target.holdSources.length === 0)
        return 'false';
    const names = params.add(target.holdNames);
    const key = keyText(target, 't');
    return `(${target.holdSources
        .map((source) => `EXISTS (SELECT 1 FROM ${source} AS h WHERE h.subject_table::text = ANY(${names}::text[]) AND h.subject_id::text = ${key})`)
        .join(' OR ')})`;
}
/**
 * Rows past `cutoff` by the rule's time column (NULL never is: a soft delete not yet made), within its `where`, and
 * for anonymize rules not already anonymized (every listed column already holds its replacement), so a second run
 * neither counts nor rewrites them.
 */
function expiredPredicate(target, params, cutoff) {
    // An instant, not a Date: node-postgres would send a Date as local time, which a timestamp column reads without
    // its offset. Columns without a time zone are compared in the session's TimeZone.
    const parts = [`t.${(0,server_errors/* sqlName */.iA)(target.timeColumn)} < ${params.add(cutoff.toISOString())}::timestamptz`];
    if (target.where !== undefined)
        parts.push(`(${target.where})`);
    if (target.anonymize)
        parts.push(`NOT ${anonymizedExpression(target.anonymize, params)}`);
    return parts.join(' AND ');
}
function anonymizedExpression(columns, params) {
    return `(${Object.entries(columns)
        .map(([column, value]) => `t.${(0,server_errors/* sqlName */.iA)(column)} IS NOT DISTINCT FROM ${params.add(value)}`)
        .join(' AND ')})`;
}
/** Rows a compliance minimum still protects: younger than the floor though past the rule's own cutoff. */
function underMinimumExpression(target, params) {
    if (target.effectiveCutoff.getTime() >= target.cutoff.getTime())
        return 'false';
    return `t.${(0,server_errors/* sqlName */.iA)(target.timeColumn)} >= ${params.add(target.effectiveCutoff.toISOString())}::timestamptz`;
}
/**
 * Counts for a plan over at most `limit` + 1 expired rows: past the limit the counts are lower bounds, and the
 * scan stops there however large the table (see docs/retention.md, "Plan").
 */
function countSql(target, limit) {
    const params = new SqlParams();
    const held = heldExpression(target, params);
    const young = underMinimumExpression(target, params);
    const expired = expiredPredicate(target, params, target.cutoff);
    const text = `SELECT count(*)::float8 AS expired,
       count(*) FILTER (WHERE s.held)::float8 AS held,
       count(*) FILTER (WHERE s.young)::float8 AS young,
       count(*) FILTER (WHERE s.held OR s.young)::float8 AS kept
  FROM (SELECT ${held} AS held, ${young} AS young FROM ${target.table} AS t
         WHERE ${expired} LIMIT ${params.add(limit + 1)}) AS s`;
    return { text, values: params.values };
}
/** The planner's estimate of the expired rows, for tables too large to count. */
function estimateSql(target) {
    const params = new SqlParams();
    const text = `EXPLAIN (FORMAT JSON) SELECT 1 FROM ${target.table} AS t WHERE ${expiredPredicate(target, params, target.cutoff)}`;
    return { text, values: params.values };
}
/**
 * One batch: up to `size` rows past the effective cutoff, not held, after `afterKey` in key order, locked (rows
 * another session has locked are skipped, not waited for), then deleted or anonymized. Returns the keys it changed
 * in key order, each column as text (the next batch starts after the last) and as one text (for the receipt hash);
 * with `archive`, also each row as locked, as JSON text (`archived`), so what is archived is exactly what changed.
 */
function batchSql(target, size, afterKey, archive = false) {
    const params = new SqlParams();
    const keys = target.primaryKey.map((k) => (0,server_errors/* sqlName */.iA)(k.name));
    // The row as it was when locked (before an anonymize rewrote it), for the archive: jsonb's text is one line.
    const archived = archive ? ', to_jsonb(t) AS dbops_archived_row' : '';
    const conditions = [
        expiredPredicate(target, params, target.effectiveCutoff),
        `NOT ${heldExpression(target, params)}`,
    ];
    if (afterKey) {
        const after = target.primaryKey.map((k, i) => `${params.add(afterKey[i])}::${k.type}`);
        conditions.push(`(${keys.map((k) => `t.${k}`).join(', ')}) > (${after.join(', ')})`);
    }
    const match = `(${keys.map((k) => `d.${k}`).join(', ')}) = (${keys.map((k) => `b.${k}`).join(', ')})`;
    const change = target.anonymize
        ? `UPDATE ${target.table} AS d SET ${Object.entries(target.anonymize)
            .map(([column, value]) => `${(0,server_errors/* sqlName */.iA)(column)} = ${params.add(value)}`)
            .join(', ')} FROM batch AS b WHERE ${match}`
        : `DELETE FROM ${target.table} AS d USING batch AS b WHERE ${match}`;
    const text = `WITH batch AS (
  SELECT ${keys.map((k) => `t.${k}`).join(', ')}${archived} FROM ${target.table} AS t
   WHERE ${conditions.join('\n     AND ')}
   ORDER BY ${keys.map((k) => `t.${k}`).join(', ')} LIMIT ${params.add(size)} FOR UPDATE OF t SKIP LOCKED
), done AS (
  ${change}
  RETURNING ${keys.map((k) => `d.${k}`).join(', ')}${archive ? ', b.dbops_archived_row' : ''}
)
SELECT ${keys.map((k, i) => `done.${k}::text AS key_${i}`).join(', ')}, ${keyText(target, 'done')} AS key${archive ? ', done.dbops_archived_row::text AS archived' : ''}
  FROM done ORDER BY ${keys.map((k) => `done.${k}`).join(', ')}`;
    return { text, values: params.values };
}
//# sourceMappingURL=data-retention-predicate.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/data-retention-count.js

async function countRule(client, target, limit) {
    const count = countSql(target, limit);
    const { rows } = await client.query(count.text, count.values);
    const estimate = estimateSql(target);
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
            position: isDefault ? 'default' : await position(client, row.bound, key.type, cutoff),
            estimatedRows: row.rows,
            bytes: row.bytes,
        });
    }
    return { partitions, hasDefault: partitions.some((p) => p.isDefault) };
}
/** Compares the bounds as the column's own type with the cutoff, in SQL: timestamp, timestamptz and date alike. */
async function position(client, bound, type, cutoff) {
    const match = /^FOR VALUES FROM \((.*)\) TO \((.*)\)$/.exec(bound);
    if (!match)
        return 'straddles'; // not a range bound we understand: never dropped whole
    const [from, to] = [literal(match[1]), literal(match[2])];
    const { rows } = await client.query(`SELECT coalesce($1::text::${type} <= $3::timestamptz, false) AS before,
            coalesce($2::text::${type} >= $3::timestamptz, false) AS after`, [to ?? null, from ?? null, cutoff.toISOString()]);
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
    const params = new SqlParams();
    const held = heldExpression(target, params);
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
    await client.query(`COMMENT ON TABLE ${partition.name} IS ${quoteLiteral(MARKER_PREFIX + JSON.stringify(marker))}`);
    const limits = [`${options.lockTimeoutMs}ms`, `${options.statementTimeoutMs}ms`];
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
    const params = new SqlParams();
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
 */
async function dropExpiredPartitions(client, target, setup) {
    const reattached = await reattachDetached(client, target.table, setup.lockTimeoutMs);
    for (const name of reattached)
        setup.log.warn(`Rule '${target.rule}': ${name} was detached by an interrupted run; attached again`);
    const plan = await planPartitions(client, target);
    const result = { dropped: [], byRows: [...(plan?.rows ?? [])], reattached };
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
    return result;
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
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/data-retention-catalog.js
var data_retention_catalog = __webpack_require__(78053);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/data-retention-target.js
var data_retention_target = __webpack_require__(84381);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/cutoffs.js
/**
 * `appliesTo` says whether a minimum names the rule's table (the caller resolves names through the catalog, so
 * `audit_logs` and `public.audit_logs` are the same table).
 */
function ruleCutoffs(keepSeconds, minimums, appliesTo, now) {
    const cutoff = new Date(now.getTime() - keepSeconds * 1000);
    const floors = minimums.filter(appliesTo).map((m) => m.keepAtLeastSeconds);
    if (floors.length === 0)
        return { cutoff, effectiveCutoff: cutoff };
    const minimumSeconds = Math.max(...floors);
    const floor = new Date(now.getTime() - minimumSeconds * 1000);
    return { cutoff, effectiveCutoff: floor < cutoff ? floor : cutoff, minimumSeconds };
}
//# sourceMappingURL=cutoffs.js.map
// EXTERNAL MODULE: ./packages/core/lib/data-retention/policy.js
var data_retention_policy = __webpack_require__(49231);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/targets.js





/** `rules`: only these rule names (each must exist); all PostgreSQL rules when left out. */
async function resolveRuleTargets(client, policy, now, rules) {
    for (const name of rules ?? [])
        if (!policy.data.some((r) => r.name === name))
            throw (0,errors/* invalidInput */.aY)('rules', `names '${name}', which is not a rule of the policy`, `rule names of the policy: ${policy.data.map((r) => r.name).join(', ') || '(none)'}`);
    const chosen = policy.data.filter((r) => !rules || rules.includes(r.name));
    const catalog = await (0,data_retention_catalog/* checkPolicyCatalog */.O)(client, { ...policy, data: chosen });
    const holdSources = [];
    for (const hold of policy.holds)
        holdSources.push(hold.kind === 'table'
            ? ((await (0,data_retention_target/* resolveTable */.NC)(client, (0,data_retention_policy/* qualifiedNameText */.JK)(hold.table))) ?? (0,data_retention_policy/* qualifiedNameText */.JK)(hold.table))
            : `(${hold.query})`);
    const minimumTables = new Map();
    for (const m of policy.minimums)
        minimumTables.set(m, await (0,data_retention_target/* resolveTable */.NC)(client, (0,data_retention_policy/* qualifiedNameText */.JK)(m.table)));
    const targets = [];
    const skipped = [];
    for (const rule of chosen) {
        if (rule.kind === 'collection') {
            skipped.push({ rule: rule.name, reason: 'a MongoDB collection: purged by the MongoDB engine' });
            continue;
        }
        const facts = catalog.rules.find((r) => r.rule === rule.name);
        const shape = await (0,data_retention_target/* tableShape */.e2)(client, facts.table, facts.primaryKey);
        const keep = rule.kind === 'age' ? rule.keepSeconds : rule.graceSeconds;
        const cutoffs = ruleCutoffs(keep, policy.minimums, (minimum) => minimumTables.get(minimum) === shape.table, now);
        targets.push({
            rule: rule.name,
            kind: rule.kind,
            action: actionOf(rule),
            table: shape.table,
            partitioned: facts.partitioned,
            holdNames: shape.holdNames,
            primaryKey: shape.primaryKey,
            timeColumn: rule.kind === 'age' ? rule.by : rule.softDelete,
            ...(rule.where === undefined ? {} : { where: rule.where }),
            ...(rule.archiveTo === undefined ? {} : { archiveTo: rule.archiveTo }),
            ...(rule.kind === 'soft-delete' && rule.afterGrace.action === 'anonymize'
                ? { anonymize: rule.afterGrace.columns }
                : {}),
            holdSources,
            ...cutoffs,
            ...(shape.bytesPerRow === undefined ? {} : { bytesPerRow: shape.bytesPerRow }),
            dependants: await (0,data_retention_target/* dependants */.pW)(client, shape.table),
        });
    }
    return { targets, skipped };
}
function actionOf(rule) {
    return rule.kind === 'soft-delete' && rule.afterGrace.action === 'anonymize' ? 'anonymize' : 'delete';
}
//# sourceMappingURL=targets.js.map
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/plan.js




/** Rows counted exactly per rule before the counts become lower bounds (and the estimate is what to read). */
const DEFAULT_COUNT_LIMIT = 1_000_000;
/** A plan's statements are bounded too: a count that runs away is stopped, not waited for. */
const DEFAULT_PLAN_STATEMENT_TIMEOUT_MS = 60_000;
async function planRetention(client, policy, now, options = {}) {
    const countLimit = options.countLimit ?? DEFAULT_COUNT_LIMIT;
    const { targets, skipped } = await resolveRuleTargets(client, policy, now, options.rules);
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
            const partitions = await planPartitions(client, target);
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
// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(58500);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/data-retention-batch.js

async function runBatch(client, target, limits, afterKey, beforeCommit) {
    const sql = batchSql(target, limits.size, afterKey, beforeCommit !== undefined);
    await client.query('BEGIN');
    try {
        await client.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", [
            `${limits.lockTimeoutMs}ms`,
            `${limits.statementTimeoutMs}ms`,
        ]);
        const { rows } = await client.query(sql.text, sql.values);
        if (beforeCommit && rows.length > 0)
            await beforeCommit(rows.map((r) => r.archived), rows.map((r) => r.key));
        await client.query('COMMIT');
        const last = rows.at(-1);
        const outcome = { rows: rows.length, keys: rows.map((r) => r.key) };
        if (last)
            outcome.lastKey = target.primaryKey.map((_, i) => last[`key_${i}`]);
        return outcome;
    }
    catch (error) {
        await client.query('ROLLBACK').catch(() => undefined); // the connection may be gone; the server rolls back then
        throw error;
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
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/data-retention-lag.js
async function replicationLagMs(client) {
    const { rows } = await client.query('SELECT max(extract(epoch FROM replay_lag))::float8 * 1000 AS lag FROM pg_stat_replication');
    return rows[0]?.lag ?? 0;
}
//# sourceMappingURL=data-retention-lag.js.map
// EXTERNAL MODULE: ./packages/core/lib/log.js
var log = __webpack_require__(69579);
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/throttle.js
function pauseAfterBatch(pacing, batchMs) {
    return Math.round(pacing.sleepMs + pacing.sleepCoefficient * Math.max(0, batchMs));
}
/** True when another batch (and the pause before it) would start after the budget is spent. */
function budgetSpent(pacing, elapsedMs, pauseMs) {
    return elapsedMs + pauseMs >= pacing.maxRuntimeMs;
}
//# sourceMappingURL=throttle.js.map
// EXTERNAL MODULE: ./packages/core/lib/data-retention/tombstones.js
var tombstones = __webpack_require__(42837);
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
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/vacuum.js



async function vacuumPurged(client, rules, lockTimeoutMs, log) {
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
;// CONCATENATED MODULE: ./packages/core/lib/data-retention/purge.js
/**
 * The purge: each rule's rows past its effective cutoff, not held, deleted (or anonymized) in keyset batches on the
 * primary key, each batch one short transaction under lock_timeout and statement_timeout. Between batches it paces
 * itself (throttle.ts), waits while standbys lag, and stops cleanly when aborted or out of time: every batch is
 * committed or rolled back whole, and the result says exactly what committed so a receipt can record it. Legal
 * holds are part of every batch's statement, so a hold added after the plan still protects its rows. A rule with
 * archive-to archives each batch (archive.ts) inside its transaction, before it commits: no archive, no delete.
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
    const rules = options.rules ?? plan?.rules.map((r) => r.rule);
    const startedAt = new Date();
    const started = performance.now();
    const resolved = await resolveRuleTargets(client, policy, now, rules);
    const run = new PurgeRun(client, policy, options, started);
    await run.purge(resolved.targets);
    const vacuum = options.vacuum === false || run.outcome === 'aborted'
        ? undefined
        : await vacuumPurged(client, run.results, run.lockTimeoutMs, options.log ?? log/* silentLogger */.qq);
    return {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        now: now.toISOString(),
        outcome: run.outcome,
        ...(run.error ? { error: run.error } : {}),
        rules: run.results,
        skipped: resolved.skipped,
        lagWaitMs: Math.round(run.lagWaitMs),
        ...(vacuum ? { vacuum } : {}),
    };
}
class PurgeRun {
    client;
    options;
    started;
    outcome = 'complete';
    error;
    results = [];
    lagWaitMs = 0;
    pacing;
    size;
    lockTimeoutMs;
    lockRetries;
    maxLagMs;
    log;
    storages = new Map();
    runId = archiveRunId(new Date());
    constructor(client, policy, options, started) {
        this.client = client;
        this.options = options;
        this.started = started;
        this.size = options.batchSize ?? policy.defaults.batchSize;
        this.pacing = {
            sleepMs: options.sleepMs ?? 0,
            sleepCoefficient: options.sleepCoefficient ?? 0.5,
            maxRuntimeMs: options.maxRuntimeMs ?? policy.defaults.maxRuntimeMs,
        };
        this.lockTimeoutMs = options.lockTimeoutMs ?? policy.defaults.lockTimeoutMs;
        this.lockRetries = options.lockRetries ?? DEFAULT_LOCK_RETRIES;
        this.maxLagMs = options.maxReplicationLagMs ?? policy.defaults.maxReplicationLagMs;
        this.log = options.log ?? log/* silentLogger */.qq;
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
            const encryption = checkArchiveEncryption(this.options.archive?.encryption, target.rule);
            const storage = await this.openArchive(location, target.rule);
            archive = async (partition, chunk, rows, keys) => {
                const segment = partition.replace(/[^A-Za-z0-9_-]+/g, '-');
                const batch = { rule: target.rule, table: target.table, batch: chunk, rows };
                const keyRange = { first: keys[0], last: keys.at(-1) };
                const record = await archiveBatch(storage, encryption, `${this.runId}-${segment}`, { ...batch, keyRange }, this.options.signal);
                this.log.info(`Rule '${target.rule}': ${rows.length} rows of ${partition} archived to ${record.location}`);
                await this.options.afterArchive?.(record);
                return record;
            };
        }
        result.partitions = await dropExpiredPartitions(this.client, target, {
            lockTimeoutMs: this.lockTimeoutMs,
            statementTimeoutMs: this.options.statementTimeoutMs ?? DEFAULT_PURGE_STATEMENT_TIMEOUT_MS,
            batchSize: this.size,
            ...(archive ? { archive } : {}),
            stopped: () => this.stopped() || budgetSpent(this.pacing, performance.now() - this.started, 0),
            log: this.log,
        });
        for (const dropped of result.partitions.dropped)
            result.rows += dropped.rows;
    }
    /** Runs one rule's batches; false when the run must stop (outcome and error set). */
    async purgeRule(target, result, hash) {
        let afterKey;
        for (;;) {
            if (!(await this.waitForStandbys()))
                return false;
            const batchStart = performance.now();
            let outcome;
            const archived = [];
            try {
                const archive = await this.archiveStep(target, result, archived);
                outcome = await this.batchWithRetries(target, afterKey, (0,tombstones/* withTombstones */.Zg)(this.client, target, archive));
            }
            catch (error) {
                this.outcome = 'failed';
                this.error = await this.batchError(error, target, result);
                return false;
            }
            const batchMs = performance.now() - batchStart;
            if (outcome.rows > 0) {
                result.rows += outcome.rows;
                result.batches++;
                result.archives.push(...archived); // committed: only now does the receipt name it
                for (const key of outcome.keys)
                    hash.update(`${key}\n`);
                await this.options.onBatch?.({
                    rule: target.rule,
                    table: target.table,
                    batch: result.batches,
                    rows: outcome.rows,
                    ruleRows: result.rows,
                    durationMs: Math.round(batchMs),
                });
            }
            if (outcome.rows < this.size) {
                result.complete = true;
                return true;
            }
            afterKey = outcome.lastKey;
            if (!(await this.pause(pauseAfterBatch(this.pacing, batchMs))))
                return false;
        }
    }
    /**
     * The step that archives a batch inside its transaction, or undefined when the rule does not archive. `archived`
     * gets the batch's archive once stored; a retried batch (lock timeout) archives anew, and only the last counts.
     */
    async archiveStep(target, result, archived) {
        const location = target.archiveTo;
        if (location === undefined)
            return undefined;
        const encryption = checkArchiveEncryption(this.options.archive?.encryption, target.rule);
        const storage = await this.openArchive(location, target.rule);
        return async (rows, keys) => {
            const record = await archiveBatch(storage, encryption, this.runId, {
                rule: target.rule,
                table: target.table,
                batch: result.batches + 1,
                rows,
                keyRange: { first: keys[0], last: keys.at(-1) },
            }, this.options.signal);
            archived.splice(0, archived.length, record);
            this.log.info(`Rule '${target.rule}': ${rows.length} rows archived to ${record.location}`);
            await this.options.afterArchive?.(record);
        };
    }
    openArchive(location, rule) {
        let storage = this.storages.get(location);
        if (!storage) {
            const open = this.options.archive?.open;
            if (!open)
                throw new errors/* DbopsError */.zJ('INVALID_INPUT', `Rule '${rule}' archives to ${location}, but no archive storage was set up`, {
                    hint: 'Pass PurgeOptions.archive (the retention-purge operation does).',
                });
            storage = open(location);
            this.storages.set(location, storage);
        }
        return storage;
    }
    async batchWithRetries(target, afterKey, beforeCommit) {
        const limits = {
            size: this.size,
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
    async waitForStandbys() {
        for (;;) {
            if (this.stopped())
                return false;
            const lag = await replicationLagMs(this.client);
            if (lag <= this.maxLagMs)
                return true;
            const wait = this.options.lagCheckIntervalMs ?? 1000;
            this.log.info(`A standby lags ${Math.round(lag)} ms behind (at most ${this.maxLagMs}); waiting`);
            const before = performance.now();
            const goOn = await this.pause(wait);
            this.lagWaitMs += performance.now() - before;
            if (!goOn)
                return false;
        }
    }
    /** Sleeps between batches unless that would spend the budget or the run is aborted; false to stop. */
    async pause(ms) {
        if (this.stopped())
            return false;
        if (budgetSpent(this.pacing, performance.now() - this.started, ms)) {
            this.outcome = 'time-budget';
            return false;
        }
        if (ms <= 0)
            return true;
        try {
            await (0,external_node_timers_promises_.setTimeout)(ms, undefined, this.options.signal ? { signal: this.options.signal } : undefined);
        }
        catch {
            // aborted while sleeping: stopped() records it
        }
        return !this.stopped();
    }
    stopped() {
        if (this.options.signal?.aborted) {
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
// EXTERNAL MODULE: ./packages/core/lib/data-retention/read-policy.js
var read_policy = __webpack_require__(51040);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/receipt.js
var data_retention_receipt = __webpack_require__(1905);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/receipt-chain.js
var receipt_chain = __webpack_require__(59589);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/receipt-table.js
var receipt_table = __webpack_require__(72096);
// EXTERNAL MODULE: ./packages/core/lib/databases/index.js + 15 modules
var databases = __webpack_require__(25033);
// EXTERNAL MODULE: ./packages/core/lib/files/read-input-file.js
var read_input_file = __webpack_require__(83211);
// EXTERNAL MODULE: ./packages/core/lib/storage/index.js + 2 modules
var lib_storage = __webpack_require__(21224);
// EXTERNAL MODULE: ./packages/core/lib/operations/rotate.js
var rotate = __webpack_require__(74045);
;// CONCATENATED MODULE: ./packages/core/lib/operations/data-retention.js












/**
 * retention-purge with a policy: reads the policy, plans every PostgreSQL rule against the live database and, unless
 * this is a dry run, purges at the plan's cutoffs and appends a hash-chained receipt of what committed to receipts-to
 * (and to a table dbops owns). The receipt chain's head is read before anything is deleted: a purge whose receipt
 * could not be chained is never started.
 */
async function dataRetention(options) {
    const { log, target, dryRun } = options;
    options.secrets.add(target.password);
    const text = await (0,read_input_file/* readInputFile */.j)(options.policyPath, 'policy', 'the path of a YAML retention policy');
    const policy = await (0,read_policy/* parsePolicy */.ON)(text, options.policyPath);
    if (options.archiveEncryption?.passphrase)
        options.secrets.add(options.archiveEncryption.passphrase);
    // Refused before anything is read from the database: an archiving rule with nothing to encrypt to.
    const archiving = policy.data.find((rule) => rule.archiveTo !== undefined && rule.kind !== 'collection');
    if (archiving && !dryRun)
        checkArchiveEncryption(options.archiveEncryption, archiving.name);
    const hash = (0,data_retention_receipt/* policySha256 */.s1)(text);
    const chain = (0,receipt_chain/* chainName */.H9)(options.policyPath);
    const receipts = dryRun ? undefined : await openReceipts(options);
    const head = receipts ? await (0,receipt_chain/* readChainHead */.q)(receipts, chain) : undefined;
    const engine = (0,databases/* sqlEngineFor */.mO)(target, 'retention-purge with a policy');
    const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
    const result = await engine.withSqlSession(target, context, async (client) => {
        const plan = await planRetention(client, policy, options.now ?? new Date());
        const base = { dryRun, policyPath: options.policyPath, policySha256: hash, plan };
        if (!receipts)
            return base;
        const purge = await purgeRetention(client, plan, {
            log,
            ...(options.signal ? { signal: options.signal } : {}),
            archive: {
                open: (location) => openArchive(location, options),
                ...(options.archiveEncryption ? { encryption: options.archiveEncryption } : {}),
            },
        });
        const chained = (0,data_retention_receipt/* chainReceipt */.YC)((0,data_retention_receipt/* retentionReceipt */.ny)(purge, hash), chain, head);
        const location = await (0,receipt_chain/* appendReceipt */.bI)(receipts, chained);
        log.info(`Receipt ${chained.sequence} of '${chain}' stored at ${location}`);
        const table = await recordInTable(client, chained, log);
        const receipt = { location, sequence: chained.sequence, sha256: chained.sha256, ...(table ? { table } : {}) };
        return { ...base, purge, receipt, ...(purge.error ? { failure: purge.error } : {}) };
    });
    if (!policy.backups)
        return result;
    return { ...result, ...(await rotateBackups(policy.backups, options, result.failure)) };
}
async function openReceipts(options) {
    const storage = await (0,lib_storage/* openStorage */.Gz)(options.receiptsTo, {
        inputName: 'receipts-to',
        ...(options.s3 ? { s3: options.s3 } : {}),
        ...(options.artifacts ? { artifacts: options.artifacts } : {}),
    });
    await storage.preflight();
    return storage;
}
/** A rule's archive-to, checked usable before its first batch (a batch whose archive cannot be written is kept). */
async function openArchive(location, options) {
    const storage = await (0,lib_storage/* openStorage */.Gz)(location, {
        inputName: 'archive-to',
        ...(options.s3 ? { s3: options.s3 } : {}),
        ...(options.artifacts ? { artifacts: options.artifacts } : {}),
    });
    await storage.preflight();
    return storage;
}
/** The table copy is a convenience: a role that may delete but not create a table still gets its purge and receipt. */
async function recordInTable(client, receipt, log) {
    try {
        await (0,receipt_table/* recordReceiptRow */.e)(client, receipt);
        return receipt_table/* RECEIPT_TABLE */.m;
    }
    catch (error) {
        log.warn(`The receipt was not recorded in ${receipt_table/* RECEIPT_TABLE */.m} (${(0,errors/* asDbopsError */.lS)(error).message}); it is stored in receipts-to`);
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
        ...(backups.keepWithinSeconds ? { withinSeconds: backups.keepWithinSeconds } : {}),
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

/***/ })

};
