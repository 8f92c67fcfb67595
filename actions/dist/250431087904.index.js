export const id = 250431087904;
export const ids = [250431087904];
export const modules = {

/***/ 35728:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  backupDefinition: () => (/* binding */ backupDefinition)
});

// EXTERNAL MODULE: ./packages/core/lib/operations/backup.js + 2 modules
var backup = __webpack_require__(83238);
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
// EXTERNAL MODULE: ./packages/core/lib/report/result.js
var report_result = __webpack_require__(97343);
;// CONCATENATED MODULE: ./packages/core/lib/report/backup-summary.js


const PRODUCTS = { postgresql: 'PostgreSQL', mongodb: 'MongoDB' };
/** A backup's result: what a person checks after a nightly run, in one table. */
function backupSummary(result) {
    const m = result.manifest;
    const ratio = result.sizeBytes > 0 ? (result.rawBytes / result.sizeBytes).toFixed(2) : 'n/a';
    const encryption = m.object.encryption.method === 'none'
        ? '⚠️ none: anyone who can read the storage can read this backup (set encrypt-to)'
        : 'passphrase' in m.object.encryption
            ? 'age (passphrase)'
            : `age, ${m.object.encryption.recipients.length} recipient(s)`;
    const exact = m.tables.filter((t) => t.rows !== undefined).length;
    const { compression } = m.object;
    const verified = m.verification;
    const rows = [
        ['Database', `${m.database} (${PRODUCTS[m.engine]} ${m.serverVersion}, ${m.dumpTool.name} ${m.dumpTool.version})`],
        ['Backup id', (0,report_result/* code */.aY)(m.backupId)],
        ['Stored at', (0,report_result/* code */.aY)(result.location)],
        [
            'Size',
            `${(0,format/* formatBytes */.z3)(result.sizeBytes)} stored, ${(0,format/* formatBytes */.z3)(result.rawBytes)} dumped ` +
                `(ratio ${ratio}, ${compression.algorithm} level ${compression.level})`,
        ],
        ['Encryption', encryption],
        ['Duration', `${(0,format/* formatSeconds */.Xo)(result.durationSeconds)} (${(0,format/* formatRate */.CE)(result.rawBytes, result.durationSeconds)})`],
        m.mongodb
            ? ['Collections', `${m.mongodb.collections.length} (consistency: ${mongoConsistency(m.mongodb)})`]
            : ['Tables', `${m.tables.length} (${exact} with exact row counts)`],
        [
            'Verification',
            `✅ archive lists data for ${verified.tableDataEntries} ${m.mongodb ? 'collections' : 'tables'} (expected ` +
                `${verified.expectedTables}); stored SHA-256 re-read and matched`,
        ],
        ['SHA-256', (0,report_result/* code */.aY)(result.sha256)],
    ];
    const dropped = m.mongodb?.collections.filter((c) => c.droppedDuringBackup) ?? [];
    const title = ['Backup of ', (0,report_result/* code */.aY)(m.database), ' complete'];
    if (dropped.length === 0)
        return { status: 'ok', title, blocks: [{ kind: 'facts', rows }] };
    // Complete, but not quite what was there when it began: say which collections went away meanwhile.
    const note = [
        'Dropped during the backup (the archive keeps what was read before the drop): ',
        ...dropped.flatMap((c, i) => [...(i > 0 ? [', '] : []), (0,report_result/* code */.aY)(c.name), ` (${c.documents} documents)`]),
    ];
    return {
        status: 'warning',
        title,
        blocks: [
            { kind: 'facts', rows },
            { kind: 'note', text: note },
        ],
    };
}
/** The action's outputs: the same result, as the strings a workflow's later steps read. */
function backupOutputs(result) {
    return {
        'backup-id': result.backupId,
        location: result.location,
        manifest: result.manifestLocation,
        size: String(result.sizeBytes),
        sha256: result.sha256,
        'duration-seconds': result.durationSeconds.toFixed(1),
        ...(result.rotation && 'deletedIds' in result.rotation
            ? { 'deleted-ids': result.rotation.deletedIds.join(',') }
            : {}),
    };
}
/** "per-collection", or "point-in-time as of 2026-12-06T23:01:24Z, 12 oplog entries from 1796598081:3 to 1796598084:43". */
function mongoConsistency(section) {
    const { consistency, oplog } = section;
    if (consistency !== 'point-in-time' || !oplog)
        return consistency;
    const time = (ts) => `${ts.t}:${ts.i}`;
    const asOf = new Date(oplog.end.t * 1000).toISOString().replace('.000Z', 'Z');
    return `point-in-time as of ${asOf}, ${oplog.entries} oplog ${oplog.entries === 1 ? 'entry' : 'entries'} from ${time(oplog.start)} to ${time(oplog.end)}`;
}
//# sourceMappingURL=backup-summary.js.map
// EXTERNAL MODULE: ./packages/core/lib/report/rotation-summary.js
var rotation_summary = __webpack_require__(20857);
// EXTERNAL MODULE: ./packages/core/lib/definitions/connection-inputs.js
var connection_inputs = __webpack_require__(47518);
// EXTERNAL MODULE: ./packages/core/lib/definitions/dump-inputs.js + 1 modules
var dump_inputs = __webpack_require__(89857);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/dump-jobs-input.js
/** backup's parallel dump (docs/parallel-backups.md). */
const DUMP_JOBS_INPUT = {
    name: 'jobs',
    description: "Parallel dump jobs, 1-64. Above 1, pg_dump's directory format with -j: each table is written to TMPDIR, then stored as a part of the backup (docs/parallel-backups.md). 1 (the default) streams one archive.",
    type: 'integer',
    min: 1,
    max: 64,
};
function readDumpJobs(reader) {
    const jobs = reader.integer('jobs');
    return jobs === undefined ? {} : { jobs };
}
//# sourceMappingURL=dump-jobs-input.js.map
// EXTERNAL MODULE: ./packages/core/lib/definitions/encryption-inputs.js
var encryption_inputs = __webpack_require__(43277);
// EXTERNAL MODULE: ./packages/core/lib/definitions/operation-context.js
var operation_context = __webpack_require__(28339);
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-backup-name.js
var read_backup_name = __webpack_require__(42441);
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-inputs.js + 1 modules
var read_inputs = __webpack_require__(98521);
// EXTERNAL MODULE: ./packages/core/lib/definitions/retention-inputs.js
var retention_inputs = __webpack_require__(55638);
// EXTERNAL MODULE: ./packages/core/lib/definitions/storage-inputs.js
var storage_inputs = __webpack_require__(13103);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/backup.js












const inputs = [
    ...(0,connection_inputs/* connectionInputs */.eu)(),
    connection_inputs/* PG_BIN_DIR_INPUT */.LN,
    {
        name: 'to',
        description: 'Where backups go: s3://bucket/prefix or a local directory.',
        type: 'string',
        required: true,
        env: ['DBOPS_TO'],
    },
    {
        name: 'name',
        description: 'Catalog name the backup is filed under (<to>/<name>/<backup-id>...). Defaults to the database name.',
        type: 'string',
    },
    ...dump_inputs/* COMPRESSION_INPUTS */.zO,
    ...encryption_inputs/* ENCRYPTION_INPUTS */.O,
    ...dump_inputs/* DUMP_SCOPE_INPUTS */.Gs,
    DUMP_JOBS_INPUT,
    ...storage_inputs/* S3_INPUTS */.Z,
    {
        name: 'artifact-retention-days',
        description: 'With to: artifact://NAME, days GitHub keeps the backup artifact (1-90; rotation for artifacts).',
        type: 'integer',
        min: 1,
        max: 90,
    },
    ...retention_inputs/* RETENTION_INPUTS */.v,
];
const backupDefinition = {
    name: 'backup',
    description: 'Back up a PostgreSQL or MongoDB database: pg_dump, or a mongodump-format archive, streamed through zstd and age encryption to S3 or a directory, verified, with a manifest.',
    inputs,
    outputs: [
        { name: 'backup-id', description: 'Id of the new backup (sortable, unique).' },
        { name: 'location', description: 'Full location of the backup object.' },
        { name: 'manifest', description: 'Full location of the manifest.' },
        { name: 'size', description: 'Stored size in bytes.' },
        { name: 'sha256', description: 'SHA-256 of the stored object.' },
        { name: 'duration-seconds', description: 'How long the backup took.' },
        { name: 'deleted-ids', description: 'Backups deleted by rotation after this backup (when a keep rule is set).' },
    ],
    async run(raw, context) {
        const reader = new read_inputs/* InputReader */.i(inputs, raw, context.env);
        const target = { ...(await (0,connection_inputs/* readConnection */.dC)(reader)), ...(0,dump_inputs/* readStatementTimeout */.Tr)(reader) };
        const retention = (0,retention_inputs/* readRetentionPolicy */.x)(reader);
        const result = await (0,backup/* backup */.R)({
            ...(retention.any ? { rotation: { policy: retention.policy, graceSeconds: retention.graceSeconds } } : {}),
            target,
            to: reader.required('to', 's3://bucket/prefix or a directory path'),
            s3: (0,storage_inputs/* readS3Options */.R)(reader),
            ...(reader.integer('artifact-retention-days')
                ? { artifactRetentionDays: reader.integer('artifact-retention-days') }
                : {}),
            ...(0,read_backup_name/* readBackupName */.y)(reader),
            ...(0,encryption_inputs/* readEncryption */._)(reader, context.secrets),
            ...(0,dump_inputs/* readDumpOptions */.dX)(reader),
            ...readDumpJobs(reader),
            ...(0,operation_context/* operationContext */.L)(context),
        });
        return {
            outputs: backupOutputs(result),
            results: [backupSummary(result), ...(0,rotation_summary/* backupRotationSummaries */.vO)(result.rotation)],
            json: result.manifest,
        };
    },
};
//# sourceMappingURL=backup.js.map

/***/ }),

/***/ 89857:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  zO: () => (/* binding */ COMPRESSION_INPUTS),
  Gs: () => (/* binding */ DUMP_SCOPE_INPUTS),
  R_: () => (/* binding */ readCompression),
  dX: () => (/* binding */ readDumpOptions),
  Tr: () => (/* binding */ readStatementTimeout)
});

;// CONCATENATED MODULE: ./packages/core/lib/databases/engine.js

/** How consistent a MongoDB dump is asked to be (the consistency input); PostgreSQL's is always one snapshot. */
const DUMP_CONSISTENCIES = ['auto', 'point-in-time', 'per-collection'];
//# sourceMappingURL=engine.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/dump.js
var dump = __webpack_require__(7222);
// EXTERNAL MODULE: ./packages/core/lib/duration.js
var duration = __webpack_require__(50429);
// EXTERNAL MODULE: ./packages/core/lib/pipeline/compression.js
var pipeline_compression = __webpack_require__(64678);
// EXTERNAL MODULE: ./packages/core/lib/size.js
var size = __webpack_require__(50404);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/dump-inputs.js





/** How the dump is compressed. */
const COMPRESSION_INPUTS = [
    { name: 'compression', description: 'zstd, gzip or none.', type: 'enum', values: pipeline_compression/* COMPRESSIONS */._7, default: 'zstd' },
    {
        name: 'compression-level',
        description: 'zstd 1-19 (default 3), gzip 1-9 (default 6).',
        type: 'integer',
        min: 1,
        max: 19,
    },
];
/** What the dump holds and how long it may wait: pg_dump's scope, extra flags and dbops's own limits. */
const DUMP_SCOPE_INPUTS = [
    { name: 'schemas', description: 'Only these schemas (pg_dump -n patterns, comma-separated).', type: 'list' },
    { name: 'exclude-schemas', description: 'Leave out these schemas (pg_dump -N patterns).', type: 'list' },
    {
        name: 'tables',
        description: `Only these tables (pg_dump -t patterns, e.g. public.orders, audit.*; unquoted A-Z fold to lower case, other letters are kept). A partitioned table brings its partitions (with pg_dump before 16, which must be given each one, at most ${dump/* MAX_PARTITIONS_NAMED */.FX} of them across tables and exclude-tables: beyond that, name them by a pattern, e.g. public.events*).`,
        type: 'list',
    },
    {
        name: 'exclude-tables',
        description: "Leave out these tables (pg_dump -T patterns); a partitioned table's partitions are left out with it (see tables for pg_dump before 16).",
        type: 'list',
    },
    {
        name: 'databases',
        description: "MongoDB: back up these databases into one archive (name patterns: * any run of characters, ? one; e.g. shop,billing or app_*) instead of the URL's one database. admin, local and config are never backed up. tables/exclude-tables then match db.collection.",
        type: 'list',
    },
    {
        name: 'exclude-databases',
        description: 'MongoDB: leave out these databases (name patterns); alone, it backs up every user database but these.',
        type: 'list',
    },
    {
        name: 'pg-dump-args',
        description: 'Extra pg_dump flags, e.g. "--no-owner --exclude-table-data=audit_log".',
        type: 'string',
    },
    {
        name: 'lock-wait-timeout',
        description: "How long the backup waits for a table lock before it fails naming the sessions in the way, e.g. 30m. Only an exclusive lock blocks it (a migration's ALTER TABLE, VACUUM FULL, a transaction left open); unbounded, such a wait can last for ever. 0s waits without limit.",
        default: '10m',
        type: 'duration',
    },
    {
        name: 'statement-timeout',
        description: "Limit for each of dbops's own queries (row counts, schema fingerprint), e.g. 10m; pg_dump itself is not limited.",
        type: 'duration',
    },
    {
        name: 'exact-count-max-size',
        description: 'Tables up to this size (as of their last VACUUM or ANALYZE) get exact row counts in the manifest (others the planner estimate).',
        default: '64MB',
        type: 'size',
    },
    {
        name: 'consistency',
        description: "MongoDB: point-in-time captures the oplog written during the dump into the archive (as mongodump --oplog; a restore replays it), so the backup is the database as it was at the dump's end, collections and indexes created or dropped meanwhile included; it needs a replica set member whose oplog the user can read. per-collection reads each collection on its own. auto: point-in-time when the oplog can be read, else per-collection (the log says why). PostgreSQL backups are always one snapshot and ignore it.",
        type: 'enum',
        values: DUMP_CONSISTENCIES,
        default: 'auto',
    },
];
function readCompression(reader) {
    const compression = (0,pipeline_compression/* parseCompression */.Gd)(reader.optional('compression'));
    return { compression, compressionLevel: (0,pipeline_compression/* parseLevel */.QA)(reader.optional('compression-level'), compression) };
}
/** The dump's options from COMPRESSION_INPUTS, DUMP_SCOPE_INPUTS and pg-bin-dir. */
function readDumpOptions(reader) {
    return {
        ...readCompression(reader),
        scope: {
            schemas: reader.list('schemas'),
            excludeSchemas: reader.list('exclude-schemas'),
            tables: reader.list('tables'),
            excludeTables: reader.list('exclude-tables'),
            databases: reader.list('databases'),
            excludeDatabases: reader.list('exclude-databases'),
        },
        pgDumpArgs: (0,dump/* parsePgDumpArgs */.gA)(reader.optional('pg-dump-args')),
        ...(reader.optional('pg-bin-dir') ? { pgBinDir: reader.optional('pg-bin-dir') } : {}),
        exactCountMaxBytes: (0,size/* parseSize */.DB)(reader.optional('exact-count-max-size'), 'exact-count-max-size'),
        lockWaitTimeoutMs: (0,duration/* parseTimeoutMs */.DS)(reader.optional('lock-wait-timeout'), 'lock-wait-timeout', '30m; or 0s to wait without limit'),
        consistency: reader.oneOf('consistency'),
    };
}
/** statement-timeout, which applies to dbops's own queries on the connection. */
function readStatementTimeout(reader) {
    const value = reader.optional('statement-timeout');
    return value ? { statementTimeoutMs: (0,duration/* parseTimeoutMs */.DS)(value, 'statement-timeout', '10m') } : {};
}
//# sourceMappingURL=dump-inputs.js.map

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

/***/ 28339:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ operationContext)
/* harmony export */ });
/** What every operation takes from the adapter's run context: logging, cancellation, secrets, environment. */
function operationContext(context) {
    return {
        log: context.log,
        secrets: context.secrets,
        env: context.env,
        signal: context.signal,
        ...(context.github ? { github: context.github } : {}),
        ...(context.artifacts ? { artifacts: context.artifacts } : {}),
    };
}
//# sourceMappingURL=operation-context.js.map

/***/ }),

/***/ 42441:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   y: () => (/* binding */ readBackupName)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57706);
/* harmony import */ var _manifest_layout_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8273);


/**
 * The catalog name a backup is filed under, from `input` (backup's name, migrate-deploy's backup-name); pre-restore/
 * belongs to the safety backups that restore takes, which rotation keeps apart.
 */
function readBackupName(reader, input = 'name') {
    const text = reader.optional(input);
    if (text === undefined)
        return {};
    const name = (0,_manifest_layout_js__WEBPACK_IMPORTED_MODULE_0__/* .parseBackupName */ .Df)(text, input);
    if ((0,_manifest_layout_js__WEBPACK_IMPORTED_MODULE_0__/* .isSafetyBackupName */ .yd)(name)) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `'${name}' is in pre-restore/, where restores file their safety backups`, 'another name, e.g. prod/app; pre-restore/<name> is only for dbops restore');
    }
    return { name };
}
//# sourceMappingURL=read-backup-name.js.map

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

/***/ 50404:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DB: () => (/* binding */ parseSize),
/* harmony export */   F$: () => (/* binding */ SIZE_FORM),
/* harmony export */   ik: () => (/* binding */ readSize)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);

/**
 * The one size grammar of dbops, for inputs and the monitor's thresholds file alike: a number and an optional unit,
 * case-insensitive. Units are binary, as PostgreSQL's pg_size_pretty counts them: kB, KB, K and KiB all mean 1024
 * bytes, MB 1024², and so on up to PB. A bare number is bytes.
 */
const UNIT_BYTES = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
/** The valid form, as error messages and the docs state it. */
const SIZE_FORM = 'a number of bytes with an optional unit kB, MB, GB, TB or PB (binary; KiB, MiB... too), e.g. 512kB, 64MB or 1.5GiB';
/** Parses sizes such as 64MB, 1.5GiB, 500k, or plain bytes, for the input `input`. */
function parseSize(text, input) {
    const bytes = readSize(text);
    if (bytes === undefined)
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(input, `'${text}' is not a size`, SIZE_FORM);
    // Compared with sizes in PostgreSQL's bigint: beyond 2^53 it would be Infinity or inexact. 8 PiB is plenty.
    if (!(bytes <= Number.MAX_SAFE_INTEGER))
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)(input, `'${text}' is larger than dbops takes`, 'a size up to 8PB, e.g. 64MB or 1GiB');
    return bytes;
}
/** The grammar itself, in whole bytes; undefined when the text is not a size. */
function readSize(text) {
    const match = /^(\d+(?:\.\d+)?)\s*(?:([kmgtp])(?:i?b)?|b)?$/.exec(text.trim().toLowerCase());
    if (!match)
        return undefined;
    return Math.round(Number(match[1]) * UNIT_BYTES[match[2] ?? '']);
}
//# sourceMappingURL=size.js.map

/***/ })

};
