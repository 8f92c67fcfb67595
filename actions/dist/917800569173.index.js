export const id = 917800569173;
export const ids = [917800569173];
export const modules = {

/***/ 87525:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   r: () => (/* binding */ FULL_SCOPE)
/* harmony export */ });
const FULL_SCOPE = { schemas: [], excludeSchemas: [], tables: [], excludeTables: [] };
//# sourceMappingURL=dump-scope.js.map

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

/***/ 74936:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   q: () => (/* binding */ MIGRATION_CHECK_INPUTS),
/* harmony export */   u: () => (/* binding */ readCheckSettings)
/* harmony export */ });
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(50429);
/* harmony import */ var _backup_source_inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(47864);
/* harmony import */ var _databases_postgres_target_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3848);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(57706);
/* harmony import */ var _connection_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(47518);
/* harmony import */ var _storage_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(13103);






/** check mode's own inputs: the scratch server, the backup a copy comes from, and the rehearsal's thresholds. */
const MIGRATION_CHECK_INPUTS = [
    {
        name: 'target-url',
        description: "check mode: a disposable PostgreSQL server (a service container) where a scratch database is made and the pending migrations are rehearsed. Never the database-url database. The URL says everything (sslmode and sslrootcert as its parameters): host, port, dbname, user, password and sslmode are production's inputs and do not apply to it.",
        type: 'url',
        schemes: ['postgres', 'postgresql'],
        secret: true,
        env: ['DBOPS_TARGET_URL'],
    },
    {
        name: 'rehearse-from',
        description: 'check mode: where the backups are (s3://bucket/prefix or a directory); the newest is restored into the scratch database. Without it, the migrations build the schema in an empty one.',
        type: 'string',
    },
    ..._backup_source_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .DECRYPTION_INPUTS */ .Ur,
    {
        name: 'max-lock-time',
        description: 'check mode: fail when a migration holds a lock that blocks writes longer than this, e.g. 5s.',
        type: 'duration',
    },
    {
        name: 'max-duration',
        description: 'check mode: fail when a migration runs longer than this, e.g. 2m.',
        type: 'duration',
    },
];
/**
 * check mode's settings from MIGRATION_CHECK_INPUTS, and production's connection inputs (database-url or host,
 * dbname...) only to refuse it as the target.
 */
async function readCheckSettings(reader, context) {
    const from = reader.optional('rehearse-from');
    const maxLock = reader.optional('max-lock-time');
    const maxDuration = reader.optional('max-duration');
    return {
        target: readScratchServer(reader),
        ...(namesProduction(reader) ? { production: await (0,_connection_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .readConnection */ .dC)(reader) } : {}),
        ...(from
            ? {
                rehearseFrom: {
                    from,
                    s3: (0,_storage_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .readS3Options */ .R)(reader),
                    decryption: (0,_backup_source_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .readDecryption */ .cV)(reader, context.secrets),
                    ...(context.artifacts ? { artifacts: context.artifacts } : {}),
                },
            }
            : {}),
        ...(maxLock ? { maxLockTimeMs: (0,_duration_js__WEBPACK_IMPORTED_MODULE_3__/* .parseTimeoutMs */ .DS)(maxLock, 'max-lock-time', '5s') } : {}),
        ...(maxDuration ? { maxDurationMs: (0,_duration_js__WEBPACK_IMPORTED_MODULE_3__/* .parseTimeoutMs */ .DS)(maxDuration, 'max-duration', '2m') } : {}),
    };
}
/**
 * target-url alone: host, port, dbname, user, password and sslmode are production's inputs (database-url's parts), so
 * they must not override target-url's; nor may the job's PGSERVICE or PGPASSWORD (production's, in a pipeline that
 * also deploys) fill in what target-url leaves out. A password file (~/.pgpass) still applies: it is keyed by server.
 */
function readScratchServer(reader) {
    const url = reader.optional('target-url');
    if (!url) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .invalidInput */ .aY)('target-url', 'is required in check mode', 'the URL of a disposable PostgreSQL server, e.g. postgres://postgres:postgres@localhost:5432/postgres (a service container)');
    }
    const { PGSERVICE: _service, ...env } = reader.env;
    const connectTimeout = reader.given('connect-timeout') ? reader.integer('connect-timeout') : undefined;
    return (0,_databases_postgres_target_js__WEBPACK_IMPORTED_MODULE_5__/* .parsePgTarget */ .E5)({ url, env, ...(connectTimeout ? { connectTimeoutSeconds: connectTimeout } : {}) }, 'target-url');
}
/** Production is named by database-url or by its separate parts (as readConnection reads them). */
function namesProduction(reader) {
    return Boolean(reader.optional('database-url') || reader.given('host') || reader.given('dbname'));
}
//# sourceMappingURL=migrate-check-inputs.js.map

/***/ }),

/***/ 69445:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  jI: () => (/* binding */ MIGRATE_OUTPUTS),
  LF: () => (/* binding */ MIGRATION_DEPLOY_INPUTS),
  t3: () => (/* binding */ MIGRATION_SOURCE_INPUTS),
  fQ: () => (/* binding */ runMigrate)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./packages/core/lib/databases/dump-scope.js
var dump_scope = __webpack_require__(87525);
// EXTERNAL MODULE: ./packages/core/lib/duration.js
var duration = __webpack_require__(50429);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
;// CONCATENATED MODULE: ./packages/core/lib/migrations/lint/tables.js
function tableRef(rangeVar) {
    if (!rangeVar?.relname)
        return undefined;
    return { ...(rangeVar.schemaname ? { schema: rangeVar.schemaname } : {}), name: rangeVar.relname };
}
/** The name as SQL, quoted where needed: for messages and for to_regclass. */
function tableSql(table) {
    const quote = (name) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
    return table.schema ? `${quote(table.schema)}.${quote(table.name)}` : quote(table.name);
}
/**
 * Tables created by the migrations linted so far: locking or rewriting them costs nothing, no one uses them yet.
 * An unqualified name matches any schema (search_path is not known without a database).
 */
class NewTables {
    names = new Set();
    add(table) {
        this.names.add(`${table.schema ?? ''}.${table.name}`);
    }
    has(table) {
        if (this.names.has(`${table.schema ?? ''}.${table.name}`))
            return true;
        if (table.schema === undefined)
            return [...this.names].some((key) => key.endsWith(`.${table.name}`));
        return this.names.has(`.${table.name}`);
    }
}
//# sourceMappingURL=tables.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/lint/check-statements.js

// Functions whose value differs per row: a default calling one must be computed for every existing row.
const VOLATILE_FUNCTIONS = new Set([
    'random',
    'random_normal',
    'gen_random_uuid',
    'uuidv4',
    'uuidv7',
    'uuid_generate_v1',
    'uuid_generate_v1mc',
    'uuid_generate_v4',
    'clock_timestamp',
    'timeofday',
    'nextval',
]);
const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);
function checkStatements(statements, context) {
    const found = [];
    let explicitTransaction = false;
    let lockTimeoutSet = context.lockTimeoutGiven;
    // A script of several statements sent at once runs as one implicit transaction (Prisma's migration.sql).
    const alwaysInTransaction = context.transactionMode === 'per-file' || (context.transactionMode === 'implicit-script' && statements.length > 1);
    statements.forEach((statement, index) => {
        const [type, node] = Object.entries(statement.node)[0] ?? [];
        if (!type || !node)
            return;
        const at = (offset) => (offset !== undefined && offset >= 0 ? offset : statement.firstToken);
        const add = (rule, detail, extra = {}) => found.push({ rule, statement: index, offset: statement.firstToken, detail, ...extra });
        const existing = (table) => !!table && !context.newTables.has(table);
        let locked;
        if (type === 'TransactionStmt') {
            if (['TRANS_STMT_BEGIN', 'TRANS_STMT_START'].includes(node.kind))
                explicitTransaction = true;
            if (['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK'].includes(node.kind))
                explicitTransaction = false;
        }
        if (type === 'VariableSetStmt' && node.name === 'lock_timeout')
            lockTimeoutSet = true;
        if (type === 'SelectStmt' && setsLockTimeout(node))
            lockTimeoutSet = true;
        if (type === 'CreateStmt' || type === 'CreateTableAsStmt') {
            const table = tableRef(node.relation ?? node.into?.rel);
            if (table)
                context.newTables.add(table);
        }
        if (concurrent(type, node) && (alwaysInTransaction || explicitTransaction)) {
            add('concurrently-in-transaction', explicitTransaction
                ? 'CONCURRENTLY after BEGIN.'
                : context.transactionMode === 'per-file'
                    ? 'The tool runs each migration file in a transaction.'
                    : 'The tool sends this file as one script of several statements, which PostgreSQL runs as one transaction.');
        }
        if (type === 'IndexStmt') {
            const table = tableRef(node.relation);
            if (existing(table) && !node.concurrent) {
                locked = table;
                add('create-index-non-concurrently', `CREATE INDEX on ${tableSql(table)}.`, {
                    table,
                    fix: concurrentIndex(context.text(statement.firstToken, statement.end)),
                });
            }
        }
        if (type === 'AlterTableStmt' && (node.objtype ?? 'OBJECT_TABLE') === 'OBJECT_TABLE') {
            const table = tableRef(node.relation);
            if (existing(table)) {
                locked = table;
                for (const { AlterTableCmd: cmd } of (node.cmds ?? [])) {
                    if (cmd)
                        checkAlterTableCommand(cmd, table, (rule, detail, extra) => add(rule, detail, { table, ...extra, offset: at(extra?.offset) }));
                }
            }
        }
        if (type === 'RenameStmt') {
            const table = tableRef(node.relation);
            if (existing(table) && node.renameType === 'OBJECT_COLUMN') {
                locked = table;
                add('rename-column', `Column ${node.subname} of ${tableSql(table)} renamed to ${node.newname}.`, { table });
            }
            if (existing(table) && node.renameType === 'OBJECT_TABLE') {
                locked = table;
                add('rename-table', `Table ${tableSql(table)} renamed to ${node.newname}.`, { table });
            }
        }
        if (type === 'DropStmt' && node.removeType === 'OBJECT_TABLE') {
            for (const table of (node.objects ?? []).map(qualifiedName)) {
                if (!existing(table))
                    continue;
                locked ??= table;
                add('drop-table', `Table ${tableSql(table)} dropped.`, { table });
            }
        }
        if (type === 'VacuumStmt' && (node.options ?? []).some((o) => o.DefElem?.defname === 'full')) {
            for (const rel of (node.rels ?? [])) {
                const table = tableRef(rel.VacuumRelation?.relation);
                if (!existing(table))
                    continue;
                locked ??= table;
                add('vacuum-full', `VACUUM FULL of ${tableSql(table)}.`, { table });
            }
            if (!node.rels?.length)
                add('vacuum-full', 'VACUUM FULL of every table in the database.');
        }
        if (type === 'ClusterStmt') {
            const table = tableRef(node.relation);
            if (existing(table)) {
                locked = table;
                add('cluster', `CLUSTER of ${tableSql(table)}.`, { table });
            }
            if (!node.relation)
                add('cluster', 'CLUSTER of every previously clustered table in the database.');
        }
        if (locked && !lockTimeoutSet) {
            add('missing-lock-timeout', `The first statement that locks an existing table (${tableSql(locked)}) runs without lock_timeout.`, { table: locked });
            lockTimeoutSet = true; // once per file
        }
    });
    return found;
}
function checkAlterTableCommand(cmd, table, add) {
    const name = tableSql(table);
    switch (cmd.subtype) {
        case 'AT_AddColumn': {
            const column = cmd.def?.ColumnDef ?? {};
            const constraints = (column.constraints ?? []).map((c) => c.Constraint ?? {});
            const type = (column.typeName?.names ?? []).map((n) => n.String?.sval).at(-1);
            const volatile = constraints.find((c) => c.contype === 'CONSTR_DEFAULT' && callsVolatile(c.raw_expr));
            const rewriting = volatile
                ? `its default calls ${callsVolatile(volatile.raw_expr)}()`
                : SERIAL_TYPES.has(type)
                    ? `it is ${type}, whose default is nextval()`
                    : constraints.some((c) => c.contype === 'CONSTR_IDENTITY')
                        ? 'it is an identity column'
                        : constraints.some((c) => c.contype === 'CONSTR_GENERATED' && c.generated_kind !== 'v')
                            ? 'it is a stored generated column'
                            : undefined;
            if (rewriting) {
                add('add-column-volatile-default', `Column ${column.colname} added to ${name}: ${rewriting}.`, {
                    offset: column.location,
                });
            }
            const key = constraints.find((c) => c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY');
            if (key)
                add('add-unique-constraint', `Column ${column.colname} added to ${name} with ${keyword(key)}.`, {
                    offset: key.location,
                });
            const check = constraints.find((c) => c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN');
            if (check) {
                add('constraint-without-not-valid', `Column ${column.colname} added to ${name} with ${keyword(check)}.`, {
                    offset: check.location,
                    fix: 'Add the column first, then the constraint with ALTER TABLE ... ADD CONSTRAINT ... NOT VALID, ' +
                        'then VALIDATE it.',
                });
            }
            return;
        }
        case 'AT_SetNotNull':
            add('set-not-null', `Column ${cmd.name} of ${name} set NOT NULL.`, {
                fix: `ALTER TABLE ${name} ADD CONSTRAINT ${cmd.name}_not_null CHECK (${cmd.name} IS NOT NULL) NOT VALID; then ` +
                    `ALTER TABLE ${name} VALIDATE CONSTRAINT ${cmd.name}_not_null; then ALTER TABLE ${name} ALTER COLUMN ` +
                    `${cmd.name} SET NOT NULL; ALTER TABLE ${name} DROP CONSTRAINT ${cmd.name}_not_null;`,
            });
            return;
        case 'AT_AlterColumnType':
            add('alter-column-type', `Column ${cmd.name} of ${name} changes type.`, { offset: cmd.def?.ColumnDef?.location });
            return;
        case 'AT_DropColumn':
            add('drop-column', `Column ${cmd.name} dropped from ${name}.`);
            return;
        case 'AT_AddConstraint': {
            const constraint = cmd.def?.Constraint ?? {};
            const validated = constraint.contype === 'CONSTR_FOREIGN'
                ? !constraint.skip_validation
                : constraint.contype === 'CONSTR_CHECK' && constraint.initially_valid === true;
            if (validated) {
                const label = constraint.conname ?? keyword(constraint);
                add('constraint-without-not-valid', `${keyword(constraint)} ${label} added to ${name} without NOT VALID.`, {
                    offset: constraint.location,
                    ...(constraint.conname
                        ? {
                            fix: `ADD CONSTRAINT ${constraint.conname} ... NOT VALID; then, in a later migration: ` +
                                `ALTER TABLE ${name} VALIDATE CONSTRAINT ${constraint.conname};`,
                        }
                        : {}),
                });
            }
            if ((constraint.contype === 'CONSTR_UNIQUE' || constraint.contype === 'CONSTR_PRIMARY') &&
                !constraint.indexname) {
                add('add-unique-constraint', `${keyword(constraint)} added to ${name}.`, { offset: constraint.location });
            }
            return;
        }
    }
}
function keyword(constraint) {
    const words = {
        CONSTR_UNIQUE: 'UNIQUE',
        CONSTR_PRIMARY: 'PRIMARY KEY',
        CONSTR_CHECK: 'CHECK',
        CONSTR_FOREIGN: 'FOREIGN KEY',
    };
    return words[constraint.contype] ?? constraint.contype;
}
/** The name of a volatile function the expression calls, if any. */
function callsVolatile(expression) {
    let found;
    visit(expression, (node) => {
        const call = node.FuncCall;
        const name = call?.funcname?.map((n) => n.String?.sval).at(-1);
        if (name && VOLATILE_FUNCTIONS.has(name))
            found ??= name;
    });
    return found;
}
function setsLockTimeout(select) {
    let found = false;
    visit(select, (node) => {
        const call = node.FuncCall;
        const name = call?.funcname?.map((n) => n.String?.sval).at(-1);
        if (name === 'set_config' && call.args?.[0]?.A_Const?.sval?.sval === 'lock_timeout')
            found = true;
    });
    return found;
}
function visit(value, each) {
    if (Array.isArray(value))
        for (const item of value)
            visit(item, each);
    else if (value && typeof value === 'object') {
        each(value);
        for (const child of Object.values(value))
            visit(child, each);
    }
}
function concurrent(type, node) {
    if (type === 'IndexStmt' || type === 'DropStmt')
        return node.concurrent === true;
    if (type === 'ReindexStmt')
        return (node.params ?? []).some((p) => p.DefElem?.defname === 'concurrently');
    if (type === 'AlterTableStmt')
        return (node.cmds ?? []).some((c) => c.AlterTableCmd?.def?.PartitionCmd?.concurrent);
    return false;
}
function qualifiedName(object) {
    const parts = (object.List?.items ?? []).map((item) => item.String?.sval);
    const name = parts.at(-1) ?? '';
    return parts.length > 1 ? { schema: parts.at(-2), name } : { name };
}
/** The statement as written, with CONCURRENTLY added. */
function concurrentIndex(statement) {
    const rewritten = statement.trim().replace(/^(create\s+(?:unique\s+)?index)\b/i, '$1 CONCURRENTLY');
    const terminated = rewritten.endsWith(';') ? rewritten : `${rewritten};`;
    return `${terminated} -- in a migration of its own, outside any transaction`;
}
//# sourceMappingURL=check-statements.js.map
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(73136);
// EXTERNAL MODULE: ./packages/core/lib/pipeline/child-process.js
var child_process = __webpack_require__(55550);
;// CONCATENATED MODULE: ./packages/core/lib/migrations/lint/parse-files.js
/**
 * Migration files through PostgreSQL's parser, in a process of their own.
 *
 * Why a process: libpg-query's WebAssembly parser is huge, and after a few parses V8 recompiles its functions with
 * its optimizing compiler in the background. On Node 24 (the actions' runtime) that cost a 500-migration deploy 2.8 s
 * of CPU and 550 MB of memory (peak RSS 714 MB) for code a deploy hardly runs again. No V8 flag set at run time
 * stops it on Node 24 (v8.setFlagsFromString of the tiering flags has no effect there) and worker threads refuse V8
 * flags, so the parser runs in a child Node started with `--liftoff-only` (V8's baseline wasm compiler only).
 */



const PARSER_PROCESS_FILE = 'sql-parser-process.js';
/** Each text parsed, in order. One process per call; none for no texts. */
async function parseFiles(texts, signal) {
    if (texts.length === 0)
        return [];
    const parser = (0,child_process/* spawnProcess */.Nu)(process.execPath, ['--liftoff-only', parserProcessScript()], {
        ...(signal ? { signal } : {}),
        onFailure: (exit) => new Error(`The SQL parser process (${PARSER_PROCESS_FILE}) ${exit.signal ? `was killed by ${exit.signal}` : `exited ${exit.code}`}` +
            (exit.stderr ? `: ${exit.stderr}` : '')),
    });
    // A parser that died before reading its input fails below with its exit and stderr, not with this pipe's EPIPE.
    parser.stdin.on('error', () => undefined);
    parser.stdin.end(JSON.stringify(texts));
    const chunks = [];
    for await (const chunk of parser.output())
        chunks.push(chunk);
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
/**
 * The parser process's script lies beside this module: in packages/core/lib once compiled, and in a bundle's folder,
 * where scripts/ncc-bundle.mjs builds it. Tests run this module from its TypeScript source and use the compiled one.
 */
function parserProcessScript() {
    const here = (0,external_node_url_.fileURLToPath)(import.meta.url);
    if (!here.endsWith('.ts'))
        return (0,external_node_path_.join)((0,external_node_path_.dirname)(here), PARSER_PROCESS_FILE);
    const src = here.lastIndexOf(`${external_node_path_.sep}src${external_node_path_.sep}`);
    return (0,external_node_path_.join)((0,external_node_path_.dirname)(`${here.slice(0, src)}${external_node_path_.sep}lib${external_node_path_.sep}${here.slice(src + 5)}`), PARSER_PROCESS_FILE);
}
//# sourceMappingURL=parse-files.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/lint/positions.js
/** Line and column (1-based, in characters) of a byte offset or character offset in a file's text. */
class SourcePositions {
    text;
    bytes;
    lineStarts = [0];
    constructor(text) {
        this.text = text;
        this.bytes = Buffer.from(text, 'utf8');
        for (let i = 0; i < this.bytes.length; i++)
            if (this.bytes[i] === 0x0a)
                this.lineStarts.push(i + 1);
    }
    /** The parse tree's locations are byte offsets into the UTF-8 text. */
    atByte(offset) {
        let low = 0;
        let high = this.lineStarts.length - 1;
        while (low < high) {
            const mid = (low + high + 1) >> 1;
            if (this.lineStarts[mid] <= offset)
                low = mid;
            else
                high = mid - 1;
        }
        const lineStart = this.lineStarts[low];
        const column = this.bytes.subarray(lineStart, Math.max(lineStart, offset)).toString('utf8').length + 1;
        return { line: low + 1, column };
    }
    /** The server's error cursor counts characters. */
    atCharacter(offset) {
        return this.atByte(Buffer.byteLength(this.text.slice(0, offset)));
    }
    /** The text of a byte range. */
    slice(start, end) {
        return this.bytes.subarray(start, end).toString('utf8');
    }
}
//# sourceMappingURL=positions.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/lint/rules.js
const LINT_RULES = {
    'create-index-non-concurrently': {
        severity: 'warning',
        sizeSensitive: true,
        reason: 'CREATE INDEX without CONCURRENTLY blocks every write to the table (SHARE lock) until the index is built.',
        fix: 'CREATE INDEX CONCURRENTLY, alone in a migration of its own (it cannot run inside a transaction).',
    },
    'concurrently-in-transaction': {
        severity: 'error',
        sizeSensitive: false,
        reason: 'CONCURRENTLY cannot run inside a transaction block, and this migration runs in one: it fails every time.',
        fix: 'Move the statement into a migration of its own, with nothing else in the file and no BEGIN.',
    },
    'add-column-volatile-default': {
        severity: 'warning',
        sizeSensitive: true,
        reason: 'A column added with a volatile default (or a serial, identity or stored generated column) rewrites the ' +
            'whole table under an ACCESS EXCLUSIVE lock: no reads or writes until it is done.',
        fix: 'Add the column without a default (or with a constant one), set the default with ALTER COLUMN ... SET DEFAULT, ' +
            'and fill existing rows in batches.',
    },
    'set-not-null': {
        severity: 'warning',
        sizeSensitive: true,
        reason: 'SET NOT NULL reads the whole table to check it under an ACCESS EXCLUSIVE lock.',
        fix: 'ADD CONSTRAINT <name> CHECK (<column> IS NOT NULL) NOT VALID; then VALIDATE CONSTRAINT <name> in a later ' +
            'migration; then SET NOT NULL (PostgreSQL 12+ uses the valid constraint and skips the scan) and drop the check.',
    },
    'alter-column-type': {
        severity: 'warning',
        sizeSensitive: true,
        reason: "Changing a column's type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (unless the " +
            'types are binary-compatible, such as varchar(n) to text).',
        fix: 'Add a column of the new type, fill it in batches (and keep it in step with a trigger), switch the ' +
            'application to it, then drop the old column.',
    },
    'constraint-without-not-valid': {
        severity: 'warning',
        sizeSensitive: true,
        reason: 'A foreign key or CHECK constraint added without NOT VALID is checked against every row while the table ' +
            'is locked against writes (a foreign key also locks the table it references).',
        fix: 'ADD CONSTRAINT ... NOT VALID (new rows are checked at once), then ALTER TABLE ... VALIDATE CONSTRAINT in a ' +
            'later migration, which does not block writes.',
    },
    'add-unique-constraint': {
        severity: 'warning',
        sizeSensitive: true,
        reason: 'Adding a UNIQUE or PRIMARY KEY constraint builds its index under an ACCESS EXCLUSIVE lock.',
        fix: 'CREATE UNIQUE INDEX CONCURRENTLY <index> ON <table> (...) in a migration of its own, then ' +
            'ALTER TABLE <table> ADD CONSTRAINT <name> UNIQUE USING INDEX <index> (PRIMARY KEY USING INDEX for a key).',
    },
    'drop-column': {
        severity: 'warning',
        sizeSensitive: false,
        reason: 'The running application may still read or write this column: its queries fail from the moment the ' +
            'migration commits, before the new code is deployed.',
        fix: 'Deploy code that no longer uses the column first, then drop it in a later release.',
    },
    'drop-table': {
        severity: 'warning',
        sizeSensitive: false,
        reason: 'The running application may still use this table, and its data is gone: only a backup brings it back.',
        fix: 'Deploy code that no longer uses the table first, keep a backup, then drop it in a later release.',
    },
    'rename-column': {
        severity: 'warning',
        sizeSensitive: false,
        reason: 'The running application still uses the old name: its queries fail until the new code is deployed.',
        fix: 'Add the new column, write both and backfill, switch reads, then drop the old one (expand and contract).',
    },
    'rename-table': {
        severity: 'warning',
        sizeSensitive: false,
        reason: 'The running application still uses the old name: its queries fail until the new code is deployed.',
        fix: 'Rename the table and create a view with the old name in the same migration; drop the view once no code ' +
            'uses it.',
    },
    'vacuum-full': {
        severity: 'warning',
        sizeSensitive: true,
        reason: 'VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock, and cannot run inside a transaction.',
        fix: 'Use pg_repack or pg_squeeze, which rewrite the table without the long lock, or run it in a maintenance ' +
            'window.',
    },
    cluster: {
        severity: 'warning',
        sizeSensitive: true,
        reason: 'CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock.',
        fix: 'Use pg_repack --order-by, or run it in a maintenance window.',
    },
    'missing-lock-timeout': {
        severity: 'warning',
        sizeSensitive: false,
        reason: 'Without lock_timeout, a statement waiting for its lock (behind a long query) blocks every query queued ' +
            'behind it: a short lock becomes an outage.',
        fix: "Start the migration with SET lock_timeout = '5s'; (or give dbops lock-timeout), and retry it if it times " +
            'out.',
    },
    'parse-error': {
        severity: 'error',
        sizeSensitive: false,
        reason: 'PostgreSQL cannot parse this migration: it fails when it runs.',
        fix: 'Fix the syntax at this line.',
    },
    'invalid-suppression': {
        severity: 'error',
        sizeSensitive: false,
        reason: 'A lint suppression must name a rule and give a reason.',
        fix: 'Write it as: -- dbops-lint-disable <rule> reason: <why this is safe here>',
    },
};
function isLintRuleId(name) {
    return Object.hasOwn(LINT_RULES, name);
}
//# sourceMappingURL=rules.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/lint/suppressions.js

const SUPPRESSION = /^(?:--|\/\*)\s*dbops-lint-disable\b\s*([\w-]*)\s*(?:reason\s*:\s*(.*?))?\s*(?:\*\/)?$/is;
function readSuppressions(comments, statements, positions) {
    const suppressions = [];
    const invalid = [];
    for (const comment of comments) {
        const match = SUPPRESSION.exec(comment.text.trim());
        if (!match)
            continue;
        const [, rule = '', reason = ''] = match;
        if (!isLintRuleId(rule)) {
            invalid.push({ offset: comment.start, problem: rule ? `names no lint rule: ${rule}` : 'names no rule' });
        }
        else if (!reason.trim()) {
            invalid.push({ offset: comment.start, problem: `of ${rule} gives no reason` });
        }
        else {
            const statement = rule === 'missing-lock-timeout' ? undefined : statementOf(comment, statements, positions);
            suppressions.push({ rule, reason: reason.trim(), statement });
        }
    }
    return { suppressions, invalid };
}
function isSuppressed(suppressions, rule, statement) {
    return suppressions.some((s) => s.rule === rule && (s.statement === undefined || s.statement === statement));
}
/** The statement the comment is inside or stands before, unless it trails a statement on that statement's last line. */
function statementOf(comment, statements, positions) {
    const inside = statements.findIndex((s) => comment.start >= s.start && comment.start < s.end);
    if (inside !== -1)
        return inside;
    const found = statements.findIndex((s) => s.start > comment.start);
    const next = found === -1 ? statements.length : found;
    const before = statements[next - 1];
    if (before && positions.atByte(before.end).line === positions.atByte(comment.start).line)
        return next - 1;
    return next;
}
//# sourceMappingURL=suppressions.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/lint/lint.js
/**
 * Lint of migrations with PostgreSQL's own grammar: what would lock or rewrite a table that is in use, what fails
 * for sure (CONCURRENTLY in a transaction, a syntax error), each with the reason and the safe rewrite. With a live
 * database, a lock or rewrite of a small table is only noted (info), of a big one an error.
 */







const DEFAULT_BIG_TABLE = { bytes: 100 * 1024 * 1024, rows: 1_000_000 };
/** Lints migrations in the order they will run (tables created by earlier ones count as new in later ones). */
async function lintMigrations(migrations, options) {
    const parsed = await parseFiles(migrations.map((m) => m.sql));
    const newTables = new NewTables();
    const pending = [];
    migrations.forEach((migration, i) => {
        for (const found of lintFile(migration, parsed[i], options, newTables))
            pending.push(found);
    });
    const tables = pending.flatMap((p) => (p.table && LINT_RULES[p.finding.rule].sizeSensitive ? [p.table] : []));
    const sizes = options.tableSizes && tables.length > 0 ? await options.tableSizes(tables) : undefined;
    return pending.map(({ finding, table }) => {
        if (!sizes || !table || !LINT_RULES[finding.rule].sizeSensitive)
            return finding;
        return withTableSize(finding, sizes.get(tableSql(table)), options.bigTable ?? DEFAULT_BIG_TABLE);
    });
}
function lintFile(migration, parsed, options, newTables) {
    const positions = new SourcePositions(migration.sql);
    const base = { migration: migration.name, file: migration.file };
    const at = (place) => ({ line: place.line, column: place.column });
    if (parsed.error) {
        const place = parsed.error.offset !== undefined ? at(positions.atCharacter(parsed.error.offset)) : { line: 1 };
        const rule = LINT_RULES['parse-error'];
        return [
            {
                finding: {
                    rule: 'parse-error',
                    severity: rule.severity,
                    ...base,
                    ...place,
                    reason: `${parsed.error.message}. ${rule.reason}`,
                    fix: rule.fix,
                },
            },
        ];
    }
    const { suppressions, invalid } = readSuppressions(parsed.comments, parsed.statements, positions);
    const candidates = checkStatements(parsed.statements, {
        transactionMode: options.transactionMode,
        newTables,
        lockTimeoutGiven: options.lockTimeoutGiven ?? false,
        text: (start, end) => positions.slice(start, end),
    });
    const results = candidates
        .filter((c) => !isSuppressed(suppressions, c.rule, c.statement))
        .map((c) => ({
        finding: toFinding(c, base, at(positions.atByte(c.offset))),
        ...(c.table ? { table: c.table } : {}),
    }));
    for (const problem of invalid) {
        const rule = LINT_RULES['invalid-suppression'];
        results.push({
            finding: {
                rule: 'invalid-suppression',
                severity: rule.severity,
                ...base,
                ...at(positions.atByte(problem.offset)),
                reason: `This suppression ${problem.problem}. ${rule.reason}`,
                fix: rule.fix,
            },
        });
    }
    return results.sort((a, b) => a.finding.line - b.finding.line || (a.finding.column ?? 0) - (b.finding.column ?? 0));
}
function toFinding(candidate, base, place) {
    const rule = LINT_RULES[candidate.rule];
    return {
        rule: candidate.rule,
        severity: rule.severity,
        ...base,
        ...place,
        ...(candidate.table ? { table: tableSql(candidate.table) } : {}),
        reason: `${candidate.detail} ${rule.reason}`,
        fix: candidate.fix ?? rule.fix,
    };
}
const BIG = 'big enough for this to be an outage';
const SMALL = 'small enough for this to be brief';
/** A size-sensitive finding's severity from its table: info when small, error when big. */
function withTableSize(finding, size, big) {
    if (!size)
        return { ...finding, reason: `${finding.reason} (The table is not in the database yet, so its size is unknown.)` };
    const isBig = size.bytes >= big.bytes || (size.rows ?? 0) >= big.rows;
    const rows = size.rows === undefined ? 'never analyzed' : `~${size.rows.toLocaleString('en-US')} rows`;
    const described = `${finding.table} is ${(0,format/* formatBytes */.z3)(size.bytes)} (${rows})`;
    return {
        ...finding,
        severity: isBig ? 'error' : 'info',
        tableSize: size,
        reason: `${finding.reason} ${described}: ${isBig ? BIG : SMALL}.`,
    };
}
//# sourceMappingURL=lint.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/index.js + 20 modules
var databases = __webpack_require__(93556);
;// CONCATENATED MODULE: ./packages/core/lib/migrations/applied-diff.js
function appliedDiff(before, after) {
    const appliedBefore = new Set(before.applied);
    const failedBefore = new Set(before.failed);
    const applied = [];
    const failed = [];
    for (const entry of after.migrations) {
        const newlyApplied = (entry.state === 'applied' || entry.state === 'edited-after-applied') && !appliedBefore.has(entry.name);
        if (newlyApplied) {
            applied.push({
                name: entry.name,
                ...(entry.durationMs !== undefined ? { durationMs: entry.durationMs } : {}),
                ...(entry.startedAt ? { startedAt: entry.startedAt } : {}),
                ...(entry.finishedAt ? { finishedAt: entry.finishedAt } : {}),
            });
        }
        // A failure recorded again after the run is new too when its attempt started after the one seen before.
        if (entry.state === 'failed' && (!failedBefore.has(entry.name) || restarted(before, entry.name, entry.startedAt)))
            failed.push({ name: entry.name, ...(entry.logs ? { logs: entry.logs } : {}) });
    }
    return { applied, failed, stillPending: after.pending };
}
function restarted(before, name, startedAt) {
    const earlier = before.migrations.find((m) => m.name === name)?.startedAt;
    return Boolean(earlier && startedAt && startedAt.getTime() > earlier.getTime());
}
//# sourceMappingURL=applied-diff.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/blockers.js
/**
 * What stops a deploy before anything runs, each with the steps and exact commands that clear it. A deploy with a
 * blocker would fail anyway (Prisma's P3009), or would run on a database the repository does not describe.
 */

function migrationBlockers(status, options = {}) {
    const blockers = [];
    for (const entry of status.migrations) {
        if (entry.state === 'failed')
            blockers.push(failed(status, entry, options));
        if (entry.state === 'edited-after-applied')
            blockers.push(edited(status, entry, options));
        if (entry.state === 'missing-from-repository')
            blockers.push(missing(status, entry, options));
    }
    return blockers;
}
function failed(_status, entry, options) {
    const prisma = options.prismaCommand ?? 'npx prisma';
    const rolledBack = `${prisma} migrate resolve --rolled-back "${entry.name}"`;
    const applied = `${prisma} migrate resolve --applied "${entry.name}"`;
    const error = entry.logs ? `: ${databaseError(entry.logs)}` : '';
    return {
        kind: 'failed',
        migration: entry.name,
        message: `Migration ${entry.name} failed${when(entry.startedAt)}${error}; ` +
            'no migration can be deployed until it is resolved (P3009)',
        steps: [
            `Find out what ${entry.name} left in the database: PostgreSQL runs a migration.sql without COMMIT or ` +
                'CONCURRENTLY as one transaction, so a failed one normally left nothing.',
            `If nothing of it remains (or you undid it): fix ${fileOf(entry, options)}, run \`${rolledBack}\`, ` +
                'then deploy again; the deploy runs it anew.',
            `If you finished it by hand, so the database now has everything it does: run \`${applied}\`.`,
        ],
        commands: [rolledBack, applied],
    };
}
function edited(status, entry, options) {
    const file = fileOf(entry, options);
    const history = `git log --follow -p -- ${shellWord(file)}`;
    return {
        kind: 'edited-after-applied',
        migration: entry.name,
        message: `${file} was changed after migration ${entry.name} was applied${when(entry.finishedAt)}: ` +
            'the database holds what the earlier version did, and the change would never run',
        steps: [
            `Put back the version that was applied (find it with \`${history}\`, ` +
                `restore it with \`git checkout <commit> -- ${shellWord(file)}\`).`,
            status.tool === 'prisma'
                ? `Move the change into a new migration (\`${options.prismaCommand ?? 'npx prisma'} migrate dev ` +
                    '--create-only`), so it is deployed like any other.'
                : 'Move the change into a new migration, so it is deployed like any other.',
        ],
        commands: [history],
    };
}
function missing(status, entry, options) {
    const folder = options.projectDir ? (0,external_node_path_.relative)(options.projectDir, status.folder) || '.' : status.folder;
    const history = `git log --all --stat -- ${shellWord(`${folder}/${entry.name}*`)}`;
    const table = status.tracking.table;
    const column = status.tool === 'prisma' ? 'migration_name' : 'name';
    const forget = table ? `DELETE FROM ${table} WHERE ${column} = ${sqlString(entry.name)};` : undefined;
    return {
        kind: 'missing-from-repository',
        migration: entry.name,
        message: `The database has migration ${entry.name} applied${when(entry.finishedAt)}, but the repository has no such ` +
            'migration: this checkout is behind the database, or the migration was renamed or deleted',
        steps: [
            `Deploy from a checkout that has ${entry.name} (merge the branch that added it); ` +
                `\`${history}\` shows where it went.`,
            'If it was renamed, give it back its applied name.',
            ...(forget
                ? [
                    'Only if its changes now live in another migration (a squash or a new baseline): ' +
                        `remove its record with \`${forget}\`.`,
                ]
                : []),
        ],
        commands: [history, ...(forget ? [forget] : [])],
    };
}
/** The database error in Prisma's log of a failed migration (the first line that names one). */
function databaseError(logs) {
    const lines = logs
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    return lines.find((line) => /ERROR:|Database error|db error/i.test(line)) ?? lines[0] ?? '';
}
function fileOf(entry, options) {
    if (!entry.file)
        return entry.name;
    return options.projectDir ? (0,external_node_path_.relative)(options.projectDir, entry.file) : entry.file;
}
function when(date) {
    return date ? ` (${date.toISOString()})` : '';
}
function sqlString(value) {
    return `'${value.replace(/'/g, "''")}'`;
}
function shellWord(value) {
    return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
//# sourceMappingURL=blockers.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/libpq-env.js
var libpq_env = __webpack_require__(20820);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/target.js + 1 modules
var postgres_target = __webpack_require__(3848);
;// CONCATENATED MODULE: ./packages/core/lib/migrations/command-environment.js


/**
 * `applicationName` names the command's sessions (PGAPPNAME for libpq tools and node-postgres, application_name in
 * the URL for the rest), so that a cancel can find the statements they left running (cancel-command-queries.ts).
 */
async function commandEnvironment(target, base, applicationName) {
    const pg = (0,postgres_target/* asPgTarget */.v5)(target);
    const libpq = await (0,libpq_env/* libpqEnvironment */.S)(pg, withoutActionInputs(base));
    if (base.PGOPTIONS)
        libpq.env.PGOPTIONS = base.PGOPTIONS;
    // prefer is libpq's default, and node-postgres (the Prisma adapter, node-pg-migrate) reads an explicit prefer as
    // require: a server without TLS would refuse the tool that dbops itself reached.
    if (libpq.env.PGSSLMODE === 'prefer')
        delete libpq.env.PGSSLMODE;
    if (applicationName)
        libpq.env.PGAPPNAME = applicationName;
    const databaseUrl = connectionUrl(pg, libpq.env.PGSSLROOTCERT, applicationName);
    return { env: libpq.env, databaseUrl, dispose: libpq.dispose };
}
/** GitHub hands an action its inputs as INPUT_<NAME> variables; a run step never sees them, nor should the command. */
function withoutActionInputs(env) {
    return Object.fromEntries(Object.entries(env).filter(([key]) => !key.toUpperCase().startsWith('INPUT_')));
}
/**
 * postgresql://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=...&application_name=...&schema=...]; a socket directory goes
 * in the host parameter.
 */
function connectionUrl(target, sslRootCertFile, applicationName) {
    const user = encodeURIComponent(target.user);
    const password = target.password ? `:${encodeURIComponent(target.password)}` : '';
    const socket = target.host.startsWith('/');
    const host = socket
        ? ''
        : target.host.includes(':')
            ? `[${target.host}]:${target.port}`
            : `${target.host}:${target.port}`;
    // As in the environment: prefer, libpq's default, is left out.
    const parameters = new URLSearchParams(target.sslMode === 'prefer' ? {} : { sslmode: target.sslMode });
    if (socket) {
        parameters.set('host', target.host);
        parameters.set('port', String(target.port));
    }
    if (sslRootCertFile)
        parameters.set('sslrootcert', sslRootCertFile);
    if (applicationName)
        parameters.set('application_name', applicationName);
    // Prisma's parameters the user gave (schema: where Prisma migrates); only those, since psql refuses unknown ones.
    for (const [name, value] of Object.entries(target.prismaParameters ?? {}))
        parameters.set(name, value);
    const query = parameters.size > 0 ? `?${parameters}` : '';
    return `postgresql://${user}${password}@${host}/${encodeURIComponent(target.database)}${query}`;
}
/** The URL of another database on the target's server (a rehearsal's scratch database). */
function databaseUrlOn(target, database) {
    return connectionUrl((0,postgres_target/* withDatabase */.kR)((0,postgres_target/* asPgTarget */.v5)(target), database));
}
//# sourceMappingURL=command-environment.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/command-line.js
/**
 * The command that applies a tool's migrations, when the user names none.
 */

const DEFAULT_COMMANDS = {
    prisma: 'npx prisma migrate deploy',
    'node-pg-migrate': 'npx node-pg-migrate up',
    // A folder of SQL files is applied by whatever the project uses; dbops cannot guess it.
    sql: undefined,
};
/** The user's command, or the tool's own deploy command; a plain SQL folder needs one said. */
function migrationCommand(tool, command) {
    const given = command?.trim();
    if (given)
        return given;
    const fallback = DEFAULT_COMMANDS[tool];
    if (fallback)
        return fallback;
    throw (0,errors/* invalidInput */.aY)('command', 'is required for a folder of plain SQL migrations (dbops does not know which tool applies them)', 'the shell command that applies them, e.g. `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f migrations/next.sql`');
}
//# sourceMappingURL=command-line.js.map
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./packages/core/lib/migrations/cancel-command-queries.js
/**
 * Stopping the migration command does not stop its SQL: PostgreSQL notices a vanished client only when it next talks
 * to it, so a `SELECT pg_sleep(600)` or a long `CREATE INDEX` the command had sent runs on, holding its locks, until it
 * ends. The command's sessions carry an application_name of their own (commandEnvironment), by which a cancel finds
 * them: each running statement gets pg_cancel_backend (its transaction is rolled back and the orphaned backend exits
 * as soon as it tries to answer), and whatever is still there after a short grace gets pg_terminate_backend.
 */

/** How long cancelled statements have to end before their backends are terminated. */
const CANCEL_GRACE_MS = 3000;
const POLL_MS = 100;
/** A name unique to one run, under PostgreSQL's 63-byte limit: dbops-migrate-<12 hex digits>. */
function commandApplicationName() {
    return `dbops-migrate-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`;
}
/**
 * Cancels what the command's sessions (named `applicationName`) still run, then terminates those still busy after
 * `graceMs` (an idle orphan exits on its own once its socket closes). The command has exited by then, so none of its
 * sessions has an owner any more. Never touches the calling session.
 */
async function cancelCommandQueries(client, applicationName, graceMs = CANCEL_GRACE_MS) {
    // The functions sit in the select list, evaluated for the matching rows only (a WHERE may be evaluated in any order).
    const { rows: cancelledRows } = await client.query(`SELECT pid, pg_cancel_backend(pid) AS sent FROM pg_stat_activity
      WHERE application_name = $1 AND pid <> pg_backend_pid() AND state <> 'idle'`, [applicationName]);
    const deadline = Date.now() + graceMs;
    let left = await commandBackends(client, applicationName);
    while (left > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        left = await commandBackends(client, applicationName);
    }
    const { rows: terminatedRows } = left > 0
        ? await client.query(`SELECT pid, pg_terminate_backend(pid) AS sent FROM pg_stat_activity
            WHERE application_name = $1 AND pid <> pg_backend_pid() AND state <> 'idle'`, [applicationName])
        : { rows: [] };
    const pids = (rows) => rows.filter((r) => r.sent).map((r) => r.pid);
    return { cancelled: pids(cancelledRows), terminated: pids(terminatedRows) };
}
/** The command's backends still running a statement or holding a transaction open. */
async function commandBackends(client, applicationName) {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE application_name = $1 AND pid <> pg_backend_pid() AND state <> 'idle'`, [applicationName]);
    return rows[0].n;
}
//# sourceMappingURL=cancel-command-queries.js.map
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(58500);
;// CONCATENATED MODULE: ./packages/core/lib/migrations/deploy-lock.js
/**
 * One deploy at a time per database: a session-level advisory lock of dbops's own, held on a dedicated connection for
 * the whole deploy, so two pipelines (or a pipeline and a terminal) never run migrations at once. A session-level lock
 * outlives transactions and is released by PostgreSQL itself if the connection dies, so a crashed run cannot leave
 * the database locked.
 */




/** The lock's name; its key is derived from it so the key is documented, not a magic number. */
const DEPLOY_LOCK_NAME = 'dbops:migrate-deploy';
/**
 * The advisory lock key: the first 8 bytes of sha256("dbops:migrate-deploy") as a signed 64-bit integer, as text for
 * node-postgres. Any other dbops version computes the same key, so they exclude each other too.
 */
const DEPLOY_LOCK_KEY = (0,external_node_crypto_.createHash)('sha256').update(DEPLOY_LOCK_NAME).digest().readBigInt64BE(0).toString();
const DEPLOY_LOCK_INPUT = 'deploy-lock-timeout';
const deploy_lock_POLL_MS = 500;
/**
 * Takes the lock on `client`'s session, waiting up to `timeoutMs` for a holder to let go. `client` must stay open
 * (and must not be a pooled connection handed to others) until release.
 */
async function acquireDeployLock(client, options) {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
        if (options.signal?.aborted)
            throw (0,errors/* cancelled */.KW)('No migration was run.');
        const { rows } = await client.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
            DEPLOY_LOCK_KEY,
        ]);
        if (rows[0]?.locked)
            return lockOn(client);
        const left = deadline - Date.now();
        if (left <= 0)
            throw await lockTakenError(client, options.timeoutMs);
        try {
            await (0,promises_.setTimeout)(Math.min(options.pollMs ?? deploy_lock_POLL_MS, left), undefined, { signal: options.signal });
        }
        catch {
            throw (0,errors/* cancelled */.KW)('No migration was run.');
        }
    }
}
/** Runs `work` while holding the lock, and releases it whether `work` succeeds or fails. */
async function withDeployLock(client, options, work) {
    const lock = await acquireDeployLock(client, options);
    try {
        return await work();
    }
    finally {
        await lock.release();
    }
}
function lockOn(client) {
    let released = false;
    return {
        async release() {
            if (released)
                return true;
            released = true;
            try {
                const { rows } = await client.query('SELECT pg_advisory_unlock($1::bigint) AS unlocked', [DEPLOY_LOCK_KEY]);
                return rows[0]?.unlocked === true;
            }
            catch {
                // The connection is gone, and PostgreSQL released the lock with the session.
                return true;
            }
        },
    };
}
/**
 * Why a release that PostgreSQL refused matters: the session that unlocked is not the one that locked. Behind a pooler
 * in transaction mode each statement may run on another server connection, so the lock never excluded anything, and
 * the server connection that took it holds it still (until the pooler closes it), stopping the next deploys.
 */
function lockNotHeld() {
    return (`The deploy lock (advisory lock ${DEPLOY_LOCK_KEY}) was not held by this session when released: ` +
        'pg_advisory_unlock returned false. database-url most likely goes through a pooler in transaction mode ' +
        '(PgBouncer pool_mode = transaction, port 6543 on Supabase), where lock and unlock ran on different server ' +
        'connections: this deploy was not protected from another one, and the lock may still be held by a pooled ' +
        'connection, making the next deploys wait. Point database-url at the server directly or at a session-mode pool.');
}
/** Who holds the deploy lock (none when it was released meanwhile). Never the SQL text, which can hold secrets. */
async function deployLockHolder(client) {
    // pg_locks shows a bigint advisory key as classid (high 32 bits) and objid (low 32 bits), objsubid 1.
    const { rows } = await client.query(`SELECT a.pid, a.application_name AS application, a.usename, host(a.client_addr) AS client, a.backend_start, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = (($1::bigint >> 32) & 4294967295)::oid
        AND l.objid = ($1::bigint & 4294967295)::oid
      LIMIT 1`, [DEPLOY_LOCK_KEY]);
    const row = rows[0];
    if (!row)
        return undefined;
    return {
        pid: row.pid,
        applicationName: row.application,
        user: row.usename,
        ...(row.client ? { clientAddress: row.client } : {}),
        sessionStart: row.backend_start,
        state: row.state,
    };
}
async function lockTakenError(client, timeoutMs) {
    const holder = await deployLockHolder(client);
    const who = holder
        ? `session ${holder.pid} (application '${holder.applicationName}', user '${holder.user}', client ` +
            `${holder.clientAddress ?? 'local socket'}, connected since ${holder.sessionStart.toISOString()}, ${holder.state})`
        : 'a session that released it just now';
    return new errors/* DbopsError */.zJ('CONFLICT', `Another deploy holds the migration lock of this database (advisory lock ${DEPLOY_LOCK_KEY}, ` +
        `"${DEPLOY_LOCK_NAME}"): waited ${(0,format/* formatSeconds */.Xo)(timeoutMs / 1000)} for ${who}`, {
        input: DEPLOY_LOCK_INPUT,
        hint: 'Let the other deploy finish and run again, or raise deploy-lock-timeout. If that session is stuck, end it ' +
            `with SELECT pg_terminate_backend(${holder?.pid ?? '<pid>'}); its lock goes with it. No migration was run.`,
    });
}
//# sourceMappingURL=deploy-lock.js.map
// EXTERNAL MODULE: external "node:fs/promises"
var external_node_fs_promises_ = __webpack_require__(51455);
;// CONCATENATED MODULE: ./packages/core/lib/migrations/checksum.js

function sha256Hex(data) {
    return (0,external_node_crypto_.createHash)('sha256').update(data).digest('hex');
}
/** The form early Prisma 2 releases recorded: each byte in hex without its leading zero. */
function unpaddedSha256Hex(text) {
    return [...(0,external_node_crypto_.createHash)('sha256').update(text).digest()].map((byte) => byte.toString(16)).join('');
}
/**
 * Prisma's comparison of migration.sql with a recorded checksum: the sha256 of the file's bytes (`sha256`), also
 * accepted after its line endings were converted (a checkout with core.autocrlf must not look like an edit), and in
 * the unpadded form of early Prisma 2 rows.
 */
function prismaChecksumMatches(sha256, text, checksum) {
    if (sha256 === checksum)
        return true;
    const lf = text.replace(/\r\n/g, '\n');
    const forms = [text, lf, lf.replace(/\n/g, '\r\n')];
    return forms.some((form) => sha256Hex(form) === checksum || unpaddedSha256Hex(form) === checksum);
}
//# sourceMappingURL=checksum.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/folder.js
/** Reading a migrations folder: its entries and files, with errors that say which folder and why. */



async function isDirectory(path) {
    return (await (0,external_node_fs_promises_.stat)(path).catch(() => undefined))?.isDirectory() ?? false;
}
async function isFile(path) {
    return (await (0,external_node_fs_promises_.stat)(path).catch(() => undefined))?.isFile() ?? false;
}
async function folderEntries(folder) {
    try {
        return await (0,external_node_fs_promises_.readdir)(folder, { withFileTypes: true });
    }
    catch (error) {
        if (error.code === 'ENOENT')
            throw noMigrationsFolder(folder);
        throw error;
    }
}
function noMigrationsFolder(folder, foundFrom) {
    return new errors/* DbopsError */.zJ('INVALID_INPUT', `No migrations folder at ${folder}${foundFrom ? ` (from ${foundFrom})` : ''}`, {
        hint: 'Point dbops at the folder that holds the migrations, or create the first migration with your tool.',
    });
}
/** A file's text and the sha256 of its bytes. */
async function readMigrationFile(file) {
    const bytes = await (0,external_node_fs_promises_.readFile)(file);
    return { text: bytes.toString('utf8'), sha256: sha256Hex(bytes) };
}
/** Names in the order tools sort them: by code point, as Prisma and node-pg-migrate do. */
function byName(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
//# sourceMappingURL=folder.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/table-record.js
/** The table's name for to_regclass and queries: "schema"."table", quoted. */
function qualifiedTable(schema, table) {
    return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}
function quoteIdent(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
/** The rows of `select` over the table, or [] when the table does not exist. */
async function readTableRows(client, table, select) {
    const found = await client.query('SELECT to_regclass($1) IS NOT NULL AS exists', [table]);
    if (!found.rows[0]?.exists)
        return [];
    return (await client.query(select)).rows;
}
//# sourceMappingURL=table-record.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/node-pg-migrate-source.js
/**
 * node-pg-migrate's layout: one file per migration, <number>_<name>.{js,cjs,mjs,ts,sql}, run in the order of the
 * number, each in a transaction of its own; its `pgmigrations` table records the name (file name without extension)
 * and when it ran. It keeps no checksum and no failed attempts: a migration that fails is rolled back with its row.
 */



const MIGRATION_FILE = /^(\d+)[_-].*\.(js|cjs|mjs|ts|cts|mts|sql)$/;
const DOWN_MARKER = /^\s*--\s*down migration\b/im;
function isNodePgMigrateFile(name) {
    return MIGRATION_FILE.test(name);
}
class NodePgMigrateSource {
    folder;
    tool = 'node-pg-migrate';
    transactionMode = 'per-file';
    tracking;
    /** `schema` and `table` are node-pg-migrate's --migrations-schema and --migrations-table. */
    constructor(folder, options = {}) {
        this.folder = folder;
        this.tracking = { table: qualifiedTable(options.schema ?? 'public', options.table ?? 'pgmigrations') };
    }
    async list() {
        const files = (await folderEntries(this.folder))
            .filter((e) => e.isFile() && isNodePgMigrateFile(e.name))
            .map((e) => e.name)
            .sort(byNumberThenName);
        const migrations = [];
        for (const name of files) {
            const file = (0,external_node_path_.join)(this.folder, name);
            const { text, sha256 } = await readMigrationFile(file);
            const sql = (0,external_node_path_.extname)(name) === '.sql' ? upSection(text) : undefined;
            migrations.push({
                name: name.slice(0, -(0,external_node_path_.extname)(name).length),
                file,
                sha256,
                ...(sql === undefined ? {} : { sql }),
            });
        }
        return migrations;
    }
    async readApplied(client) {
        const table = this.tracking.table;
        const rows = await readTableRows(client, table, `SELECT name, run_on FROM ${table} ORDER BY id`);
        return rows.map((row) => ({ name: row.name, finishedAt: row.run_on }));
    }
    matchesChecksum() {
        return true;
    }
}
/** The part of a SQL migration that `up` runs: everything before `-- Down Migration` (line numbers unchanged). */
function upSection(text) {
    const down = DOWN_MARKER.exec(text);
    return down ? text.slice(0, down.index) : text;
}
function byNumberThenName(a, b) {
    const difference = Number(MIGRATION_FILE.exec(a)?.[1]) - Number(MIGRATION_FILE.exec(b)?.[1]);
    return difference !== 0 ? difference : a < b ? -1 : a > b ? 1 : 0;
}
//# sourceMappingURL=node-pg-migrate-source.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/prisma-project.js
/**
 * Where a Prisma project keeps its migrations, found the way the Prisma CLI finds them, but by reading files instead
 * of running them: prisma.config.ts (`migrations.path`, else next to its `schema`), package.json's `prisma.schema`,
 * then the default schema locations. The migrations folder sits next to the schema (inside it for a schema folder).
 */



const CONFIG_FILES = [
    'prisma.config.ts',
    'prisma.config.mts',
    'prisma.config.cts',
    'prisma.config.js',
    'prisma.config.mjs',
    'prisma.config.cjs',
    (0,external_node_path_.join)('.config', 'prisma.ts'),
];
const DEFAULT_SCHEMAS = [(0,external_node_path_.join)('prisma', 'schema.prisma'), (0,external_node_path_.join)('prisma', 'schema'), 'schema.prisma'];
/** The project's migrations folder, or undefined when `dir` shows no sign of a Prisma project. */
async function findPrismaProject(dir) {
    for (const name of CONFIG_FILES) {
        const file = (0,external_node_path_.join)(dir, name);
        if (await isFile(file)) {
            const found = fromConfig(await (0,external_node_fs_promises_.readFile)(file, 'utf8'));
            // A config file resolves its paths against the project (where the CLI runs), not its own folder.
            if (found.migrations)
                return { migrations: (0,external_node_path_.resolve)(dir, found.migrations), foundFrom: file };
            if (found.schema)
                return { migrations: await besideSchema((0,external_node_path_.resolve)(dir, found.schema)), foundFrom: file };
        }
    }
    const packageFile = (0,external_node_path_.join)(dir, 'package.json');
    if (await isFile(packageFile)) {
        const schema = JSON.parse(await (0,external_node_fs_promises_.readFile)(packageFile, 'utf8')).prisma
            ?.schema;
        if (typeof schema === 'string')
            return { migrations: await besideSchema((0,external_node_path_.resolve)(dir, schema)), foundFrom: packageFile };
    }
    for (const name of DEFAULT_SCHEMAS) {
        const schema = (0,external_node_path_.join)(dir, name);
        if ((await isFile(schema)) || (await isDirectory(schema)))
            return { migrations: await besideSchema(schema), foundFrom: schema };
    }
    return undefined;
}
/**
 * The literal `migrations: { path: '...' }` and `schema: '...'` of a config file. A path computed at run time cannot
 * be read without running the file; then the defaults apply and an explicit migrations path is the way out.
 */
function fromConfig(text) {
    const code = text.replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$/gm, '$1');
    const migrations = /\bmigrations\s*:\s*\{[^}]*?\bpath\s*:\s*(['"`])([^'"`$]+)\1/.exec(code)?.[2];
    const schema = /\bschema\s*:\s*(['"`])([^'"`$]+)\1/.exec(code)?.[2];
    return { ...(migrations ? { migrations } : {}), ...(schema ? { schema } : {}) };
}
async function besideSchema(schema) {
    return (await isDirectory(schema)) ? (0,external_node_path_.join)(schema, 'migrations') : (0,external_node_path_.join)((0,external_node_path_.dirname)(schema), 'migrations');
}
//# sourceMappingURL=prisma-project.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/prisma-source.js
/**
 * Prisma Migrate's layout: <folder>/<timestamp>_<name>/migration.sql, migration_lock.toml naming the provider, and the
 * `_prisma_migrations` table (in the schema of the connection URL's `schema` parameter, "public" by default).
 */






const PRISMA_LOCK_FILE = 'migration_lock.toml';
class PrismaSource {
    folder;
    tool = 'prisma';
    transactionMode = 'implicit-script';
    tracking;
    constructor(folder, schema = 'public') {
        this.folder = folder;
        this.tracking = { table: qualifiedTable(schema, '_prisma_migrations') };
    }
    async list() {
        await checkProvider(this.folder);
        const migrations = [];
        const names = (await folderEntries(this.folder))
            .filter((e) => e.isDirectory())
            .map((e) => e.name)
            .sort(byName);
        for (const name of names) {
            const file = (0,external_node_path_.join)(this.folder, name, 'migration.sql');
            // Prisma skips folders without migration.sql too (an editor's leftovers, a README folder).
            if (!(await isFile(file)))
                continue;
            const { text, sha256 } = await readMigrationFile(file);
            migrations.push({ name, file, sha256, sql: text });
        }
        return migrations;
    }
    async readApplied(client) {
        const rows = await readTableRows(client, this.tracking.table, `SELECT migration_name, checksum, started_at, finished_at, rolled_back_at, logs FROM ${this.tracking.table}
        ORDER BY started_at, migration_name`);
        return rows.map((row) => ({
            name: row.migration_name,
            checksum: row.checksum,
            startedAt: row.started_at,
            finishedAt: row.finished_at,
            rolledBackAt: row.rolled_back_at,
            logs: row.logs,
        }));
    }
    matchesChecksum(migration, record) {
        if (record.checksum === undefined)
            return true;
        return prismaChecksumMatches(migration.sha256, migration.sql ?? '', record.checksum);
    }
}
/** migration_lock.toml must name postgresql: migrations written for another database would not run here. */
async function checkProvider(folder) {
    const lockFile = (0,external_node_path_.join)(folder, PRISMA_LOCK_FILE);
    let text;
    try {
        text = await (0,external_node_fs_promises_.readFile)(lockFile, 'utf8');
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return; // Prisma writes it, but does not require it
        throw error;
    }
    const { parse: parseToml } = await Promise.resolve(/* import() eager */).then(__webpack_require__.bind(__webpack_require__, 3292)); // on use: only Prisma repositories need it
    let provider;
    try {
        provider = parseToml(text).provider;
    }
    catch (error) {
        throw new errors/* DbopsError */.zJ('INVALID_INPUT', `${lockFile} is not valid TOML: ${error.message}`, {
            hint: 'Prisma writes this file as `provider = "postgresql"`; restore it from version control.',
        });
    }
    if (provider !== 'postgresql' && provider !== 'postgres') {
        throw new errors/* DbopsError */.zJ('INVALID_INPUT', `${lockFile} names provider ${JSON.stringify(provider)}, not postgresql`, {
            hint: 'These migrations were written for another database; dbops runs Prisma migrations on PostgreSQL only.',
        });
    }
}
//# sourceMappingURL=prisma-source.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/sql-folder-source.js
/**
 * A plain folder of .sql files, applied in name order by a command dbops does not know: there is no table to read,
 * so status cannot tell applied from pending, but the files can still be linted, and backed up around.
 */


class SqlFolderSource {
    folder;
    tool = 'sql';
    transactionMode = 'none';
    tracking = {
        reason: 'a plain folder of SQL files keeps no record in the database, so applied and pending cannot be told apart',
    };
    constructor(folder) {
        this.folder = folder;
    }
    async list() {
        const files = (await folderEntries(this.folder)).filter((e) => e.isFile() && e.name.endsWith('.sql'));
        const migrations = [];
        for (const name of files.map((e) => e.name).sort(byName)) {
            const file = (0,external_node_path_.join)(this.folder, name);
            const { text, sha256 } = await readMigrationFile(file);
            migrations.push({ name: name.slice(0, -'.sql'.length), file, sha256, sql: text });
        }
        return migrations;
    }
    async readApplied() {
        return undefined;
    }
    matchesChecksum() {
        return true;
    }
}
//# sourceMappingURL=sql-folder-source.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/find-source.js
/**
 * Which migration tool a project uses and where its folder is: said explicitly (`tool`, `path`), or recognised from
 * the project (a Prisma project, a node-pg-migrate dependency) or from the folder's own layout.
 */








// node-pg-migrate's SQL migrations mark their sections; plain SQL files have no reason to.
const UP_MARKER = /^\s*--\s*up migration\b/im;
async function findMigrationSource(options) {
    const projectDir = (0,external_node_path_.resolve)(options.projectDir);
    if (options.path !== undefined) {
        const folder = (0,external_node_path_.resolve)(projectDir, options.path);
        if (!(await isDirectory(folder)))
            throw noMigrationsFolder(folder);
        const tool = options.tool ?? (await recogniseLayout(folder));
        return sourceFor(tool, folder, tool === 'prisma' ? (options.schema ?? options.prismaSchema) : options.schema);
    }
    if (options.tool === undefined || options.tool === 'prisma') {
        const prisma = await findPrismaProject(projectDir);
        if (prisma) {
            if (!(await isDirectory(prisma.migrations)))
                throw noMigrationsFolder(prisma.migrations, prisma.foundFrom);
            return new PrismaSource(prisma.migrations, options.schema ?? options.prismaSchema);
        }
    }
    if (options.tool === 'node-pg-migrate' ||
        (options.tool === undefined && (await dependsOnNodePgMigrate(projectDir)))) {
        const folder = (0,external_node_path_.join)(projectDir, 'migrations'); // node-pg-migrate's default --migrations-dir
        if (!(await isDirectory(folder)))
            throw noMigrationsFolder(folder);
        return new NodePgMigrateSource(folder, { ...(options.schema ? { schema: options.schema } : {}) });
    }
    throw new errors/* DbopsError */.zJ('INVALID_INPUT', `No migrations found in ${projectDir}`, {
        hint: 'dbops looks for a Prisma project (prisma.config.ts, package.json "prisma.schema", prisma/schema.prisma) ' +
            "and node-pg-migrate's migrations/ folder; give the migrations folder explicitly otherwise.",
    });
}
function sourceFor(tool, folder, schema) {
    switch (tool) {
        case 'prisma':
            return new PrismaSource(folder, schema);
        case 'node-pg-migrate':
            return new NodePgMigrateSource(folder, { ...(schema ? { schema } : {}) });
        case 'sql':
            return new SqlFolderSource(folder);
    }
}
/** The tool whose layout a folder has: Prisma's migration.sql folders, node-pg-migrate's numbered files, or SQL. */
async function recogniseLayout(folder) {
    const entries = await folderEntries(folder);
    if (entries.some((e) => e.isFile() && e.name === PRISMA_LOCK_FILE))
        return 'prisma';
    for (const entry of entries) {
        if (entry.isDirectory() && (await isFile((0,external_node_path_.join)(folder, entry.name, 'migration.sql'))))
            return 'prisma';
    }
    const files = entries.filter((e) => e.isFile()).map((e) => e.name);
    if (files.some((name) => isNodePgMigrateFile(name) && !name.endsWith('.sql')))
        return 'node-pg-migrate';
    for (const name of files.filter(isNodePgMigrateFile)) {
        if (UP_MARKER.test(await (0,external_node_fs_promises_.readFile)((0,external_node_path_.join)(folder, name), 'utf8')))
            return 'node-pg-migrate';
    }
    if (files.some((name) => name.endsWith('.sql')))
        return 'sql';
    throw new errors/* DbopsError */.zJ('INVALID_INPUT', `${folder} has no layout dbops knows`, {
        hint: "Expected Prisma's <name>/migration.sql folders, node-pg-migrate's <number>_<name>.js|ts|sql files, " +
            'or .sql files; name the tool explicitly if it is one of these.',
    });
}
async function dependsOnNodePgMigrate(projectDir) {
    const packageFile = (0,external_node_path_.join)(projectDir, 'package.json');
    if (!(await isFile(packageFile)))
        return false;
    const manifest = JSON.parse(await (0,external_node_fs_promises_.readFile)(packageFile, 'utf8'));
    return ['dependencies', 'devDependencies'].some((field) => manifest[field]?.['node-pg-migrate'] !== undefined);
}
//# sourceMappingURL=find-source.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/prisma-url.js

function prismaParameters(target) {
    return target?.engine === 'postgresql' ? (0,postgres_target/* asPgTarget */.v5)(target).prismaParameters : undefined;
}
/** The URL's `schema` parameter: where Prisma migrates and keeps `_prisma_migrations`. */
function prismaSchemaOf(target) {
    return prismaParameters(target)?.schema || undefined;
}
/** `target` with Prisma's `schema` set (the command's DATABASE_URL carries it), its other Prisma parameters kept. */
function withPrismaSchema(target, schema) {
    if (!schema)
        return target;
    return { ...target, prismaParameters: { ...prismaParameters(target), schema } };
}
/**
 * Prisma's pgbouncer=true says the URL goes through a pooler, most likely in transaction mode, where the deploy
 * lock's lock and unlock may run on different server sessions (deploy-lock.ts lockNotHeld).
 */
function pgbouncerWarning(target) {
    if (prismaParameters(target)?.pgbouncer !== 'true')
        return undefined;
    return ('database-url says pgbouncer=true: the deploy lock needs a session-mode connection (lock and unlock on one ' +
        'server session). Point database-url at the server directly (Prisma: directUrl) or at a session-mode pool.');
}
//# sourceMappingURL=prisma-url.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/lint/table-sizes.js

/** Resolves names as the migration will (the session's search_path). */
function catalogTableSizes(client) {
    return async (tables) => {
        const names = [...new Set(tables.map(tableSql))];
        const sizes = new Map();
        if (names.length === 0)
            return sizes;
        // reltuples is -1 until the table is first analyzed (PostgreSQL 14+; 0 before, read as an estimate of none). A
        // partitioned table (relkind p) has no storage of its own: size 0, reltuples -1. Its partitions hold its rows, so
        // it is as big as its leaves together (what a rewrite or scan of it goes through).
        const { rows } = await client.query(`SELECT q.name,
              CASE WHEN c.relkind = 'p'
                   THEN (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0)
                           FROM pg_partition_tree(c.oid) t WHERE t.isleaf)
                   ELSE pg_total_relation_size(c.oid) END AS bytes,
              CASE WHEN c.relkind = 'p'
                   THEN (SELECT sum(l.reltuples) FILTER (WHERE l.reltuples >= 0)
                           FROM pg_partition_tree(c.oid) t JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf)
                   ELSE c.reltuples END AS reltuples
         FROM unnest($1::text[]) AS q(name) JOIN pg_class c ON c.oid = to_regclass(q.name)`, [names]);
        for (const row of rows) {
            sizes.set(row.name, {
                bytes: Number(row.bytes),
                ...(row.reltuples !== null && row.reltuples >= 0 ? { rows: Math.round(row.reltuples) } : {}),
            });
        }
        return sizes;
    };
}
//# sourceMappingURL=table-sizes.js.map
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:readline"
var external_node_readline_ = __webpack_require__(80481);
;// CONCATENATED MODULE: ./packages/core/lib/migrations/run-command.js
/**
 * Runs the user's migration command (`npx prisma migrate deploy`, `npx node-pg-migrate up`, a psql script) through
 * /bin/sh in the project folder. The target reaches it in DATABASE_URL, never argv (argv is visible in `ps`), and
 * PGOPTIONS carries lock_timeout so every statement of a libpq or node-postgres tool is bounded: a migration queued
 * behind a long transaction fails fast instead of blocking every query queued behind it. What the command prints
 * passes through the secret register before anyone sees it, since tools echo their URL in errors.
 */



/** How long the command's process group has to exit after SIGTERM before it is killed. */
const COMMAND_KILL_GRACE_MS = 10_000;
/** The value of PGOPTIONS for the command: the inherited options, then dbops's timeouts (the last -c wins). */
function migrationPgOptions(inherited, lockTimeoutMs, statementTimeoutMs = 0) {
    const ours = [
        ...(lockTimeoutMs > 0 ? [`-c lock_timeout=${Math.round(lockTimeoutMs)}`] : []),
        ...(statementTimeoutMs > 0 ? [`-c statement_timeout=${Math.round(statementTimeoutMs)}`] : []),
    ];
    return [inherited?.trim(), ...ours].filter(Boolean).join(' ');
}
/**
 * Runs the command and resolves with its exit once it exited 0. A non-zero exit, a signal or an abort rejects with an
 * error naming the command and its last lines. On abort the whole process group is stopped: `sh -c "npx prisma ..."`
 * has grandchildren that a signal to the shell alone would leave running against the database.
 */
async function runMigrationCommand(options) {
    const { secrets } = options;
    secrets.add(options.databaseUrl);
    const inherited = options.env ?? process.env;
    const env = {
        ...inherited,
        DATABASE_URL: options.databaseUrl,
        PGOPTIONS: migrationPgOptions(inherited.PGOPTIONS, options.lockTimeoutMs, options.statementTimeoutMs),
    };
    const keep = options.tailLines ?? 40;
    const lastLines = [];
    const started = Date.now();
    // detached: the child leads a process group of its own, which a kill of -pid reaches as a whole.
    const child = (0,external_node_child_process_.spawn)('/bin/sh', ['-c', options.command], {
        cwd: options.cwd,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lineClosed = [];
    for (const stream of ['stdout', 'stderr']) {
        const lines = (0,external_node_readline_.createInterface)({ input: child[stream], crlfDelay: Infinity });
        lines.on('line', (raw) => {
            const line = secrets.redact(raw);
            lastLines.push(line);
            if (lastLines.length > keep)
                lastLines.shift();
            options.onLine?.(line, stream);
        });
        lineClosed.push(new Promise((resolve) => lines.once('close', () => resolve())));
    }
    let stopped = false;
    const stop = () => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
            return;
        stopped = true;
        killGroup(child.pid, 'SIGTERM');
        const kill = setTimeout(() => killGroup(child.pid, 'SIGKILL'), COMMAND_KILL_GRACE_MS);
        kill.unref();
        child.once('exit', () => clearTimeout(kill));
    };
    if (options.signal?.aborted)
        stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    const [code, signal] = await new Promise((resolve, reject) => {
        child.once('error', (error) => 
        // spawn reports a missing working directory as if /bin/sh were missing: name the folder too.
        reject(new errors/* DbopsError */.zJ('INVALID_INPUT', `The migration command could not be started in ${options.cwd}: ${error.message}`, {
            hint: 'The project folder must exist and /bin/sh must be installed.',
        })));
        child.once('exit', (c, s) => resolve([c, s]));
    }).finally(() => options.signal?.removeEventListener('abort', stop));
    await Promise.all(lineClosed);
    const durationMs = Date.now() - started;
    if (code === 0 && !stopped)
        return { exitCode: 0, durationMs, lastLines };
    throw commandFailed(options.command, secrets, code, signal, stopped, lastLines);
}
function killGroup(pid, signal) {
    try {
        process.kill(-pid, signal);
    }
    catch {
        // The group has exited already.
    }
}
function commandFailed(command, secrets, code, signal, stopped, lastLines) {
    const shown = secrets.redact(command);
    const output = lastLines.length > 0 ? `; its last output:\n${lastLines.join('\n')}` : '; it printed nothing';
    if (stopped) {
        return new errors/* DbopsError */.zJ('CANCELLED', `The migration command \`${shown}\` was stopped by a cancel${output}`, {
            hint: 'A migration may have been interrupted halfway: check the migration status before running again ' +
                '(on PostgreSQL a migration without COMMIT or CONCURRENTLY is rolled back as a whole).',
        });
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    return new errors/* DbopsError */.zJ('CHECK_FAILED', `The migration command \`${shown}\` ${how}${output}`, {
        input: 'command',
        hint: 'Read the output above for the migration and the database error. A "canceling statement due to lock ' +
            'timeout" means another session held a lock the migration needed: run again when it is done, or raise ' +
            'lock-timeout.',
    });
}
//# sourceMappingURL=run-command.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/schema-snapshot.js
/**
 * The schema of a live database at one moment, read once before and once after a migration run: every object the
 * backup's fingerprint covers (databases/postgres/fingerprint.ts: tables, columns, indexes, constraints, functions,
 * triggers, types, sequences, views, policies, extensions), each as its name, its definition where it has one, and a
 * hash of its whole description computed by the server. The hashes say whether anything changed (the snapshot's
 * digest) and what (schema-diff.ts) without shipping and re-encoding every description: at 5,000 tables the full
 * descriptions cost more in this process (decoding, JSON, GC) than reading them costs the server.
 *
 * The digest compares two snapshots of this module only; it is not the backup manifest's fingerprint.
 */

const USER_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp_%' and n.nspname not like 'pg_toast_temp_%'`;
const NOT_EXTENSION_MEMBER = (oid, catalog) => `not exists (select 1 from pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;
const KEY = (catalog, oid) => `'${catalog}'::regclass::oid || ':' || ${oid}`;
const RELATION = (oid) => KEY('pg_class', oid);
/** A comment joined rather than read with obj_description/col_description: those run a query per row. */
const COMMENT = (alias, oid, sub) => `left join pg_description ${alias} on ${alias}.objoid = ${oid} and ${alias}.classoid = 'pg_class'::regclass and ${alias}.objsubid = ${sub}`;
const PARTS = {
    tables: {
        key: RELATION('c.oid'),
        values: [
            'n.nspname',
            'c.relname',
            'c.relkind',
            'c.relpersistence',
            'c.relrowsecurity',
            `coalesce(pg_get_partkeydef(c.oid), '')`,
            `coalesce(pg_get_expr(c.relpartbound, c.oid), '')`,
            `coalesce(ds.description, '')`,
        ],
        identity: 2,
        from: `from pg_class c join pg_namespace n on n.oid = c.relnamespace ${COMMENT('ds', 'c.oid', '0')}
          where c.relkind in ('r', 'p', 'f') and ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
    },
    columns: {
        key: RELATION('c.oid'),
        values: [
            'n.nspname',
            'c.relname',
            'a.attname',
            'format_type(a.atttypid, a.atttypmod)',
            'a.attnotnull',
            'a.attgenerated',
            `coalesce(pg_get_expr(ad.adbin, ad.adrelid), '')`,
            'a.attidentity',
            `coalesce(ds.description, '')`,
        ],
        identity: 3,
        definition: 3,
        from: `from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
          left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum ${COMMENT('ds', 'c.oid', 'a.attnum')}
          where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'f', 'v', 'm') and ${USER_SCHEMAS}
            and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
    },
    indexes: {
        key: RELATION('i.indrelid'),
        values: ['n.nspname', 'c.relname', 'pg_get_indexdef(i.indexrelid)'],
        identity: 2,
        definition: 2,
        from: `from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
          where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('i.indrelid', 'pg_class')}`,
    },
    constraints: {
        key: RELATION('c.oid'),
        values: ['n.nspname', 'c.relname', 'co.conname', 'co.contype', 'pg_get_constraintdef(co.oid)'],
        identity: 3,
        definition: 4,
        from: `from pg_constraint co join pg_class c on c.oid = co.conrelid join pg_namespace n on n.oid = c.relnamespace
          where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
    },
    functions: {
        key: KEY('pg_proc', 'p.oid'),
        values: [
            'n.nspname',
            'p.proname',
            'pg_get_function_identity_arguments(p.oid)',
            'pg_get_function_result(p.oid)',
            `md5(coalesce(p.prosrc, ''))`,
            'p.prokind',
            'p.provolatile',
        ],
        identity: 3,
        from: `from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('p.oid', 'pg_proc')}`,
    },
    triggers: {
        key: RELATION('c.oid'),
        values: ['n.nspname', 'c.relname', 't.tgname', 'pg_get_triggerdef(t.oid)', 't.tgenabled'],
        identity: 3,
        definition: 3,
        from: `from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
          where not t.tgisinternal and ${USER_SCHEMAS}`,
    },
    types: {
        key: KEY('pg_type', 't.oid'),
        values: [
            'n.nspname',
            't.typname',
            't.typtype',
            'format_type(t.typbasetype, t.typtypmod)',
            't.typnotnull',
            `coalesce((select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), '')`,
            `coalesce((select string_agg(pg_get_constraintdef(co.oid), ',' order by co.conname) from pg_constraint co where co.contypid = t.oid), '')`,
        ],
        identity: 2,
        from: `from pg_type t join pg_namespace n on n.oid = t.typnamespace
          where t.typtype in ('e', 'd', 'c', 'r') and ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('t.oid', 'pg_type')}
            and (t.typtype <> 'c' or exists (select 1 from pg_class c where c.oid = t.typrelid and c.relkind = 'c'))`,
    },
    sequences: {
        key: RELATION('c.oid'),
        values: [
            'n.nspname',
            'c.relname',
            'format_type(s.seqtypid, null)',
            's.seqstart',
            's.seqincrement',
            's.seqmax',
            's.seqmin',
            's.seqcycle',
        ],
        identity: 2,
        from: `from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
          where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
    },
    views: {
        key: RELATION('c.oid'),
        values: ['n.nspname', 'c.relname', 'c.relkind', 'pg_get_viewdef(c.oid)'],
        identity: 2,
        definition: 3,
        from: `from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('v', 'm') and ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
    },
    policies: {
        key: RELATION('c.oid'),
        values: [
            'p.schemaname',
            'p.tablename',
            'p.policyname',
            'p.permissive',
            'p.roles::text',
            'p.cmd',
            `coalesce(p.qual, '')`,
            `coalesce(p.with_check, '')`,
        ],
        identity: 3,
        from: `from pg_policies p join pg_namespace n on n.nspname = p.schemaname join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename`,
    },
    extensions: { key: KEY('pg_extension', 'e.oid'), values: ['e.extname'], identity: 1, from: 'from pg_extension e' },
};
const SCHEMA_PARTS = Object.keys(PARTS);
/**
 * The snapshot's query over `parts`, one round trip: rows of (part, key, name, definition, hash). The inner query
 * computes each value once (offset 0 keeps the planner from inlining it twice: pg_get_indexdef is the costly one),
 * the outer one names the object and hashes its row of values; the key (OIDs) is not hashed, so an object dropped
 * and created again the same is unchanged.
 */
function snapshotSql(parts) {
    return parts
        .map((part) => {
        const { key, values, identity, definition, from } = PARTS[part];
        const v = values.map((_, i) => `v${i}`);
        const name = part === 'functions' ? `v0 || '.' || v1 || '(' || v2 || ')'` : v.slice(0, identity).join(` || '.' || `);
        const described = values.map((value, i) => `${value} as v${i}`).join(', ');
        const defined = definition === undefined ? 'null' : `v${definition}::text`;
        return `select '${part}', k, (${name})::text, ${defined}, md5(row(${v.join(', ')})::text)
    from (select ${key} as k, ${described} ${from} offset 0) q`;
    })
        .join('\nunion all\n');
}
/**
 * The parts in two halves of about the same cost for the server (columns and tables; indexes, whose definitions are
 * the costliest, and constraints), read at once on two sessions when the caller has a second one.
 */
const HALVES = [
    snapshotSql(['tables', 'columns', 'functions', 'types', 'sequences', 'extensions']),
    snapshotSql(['indexes', 'constraints', 'triggers', 'views', 'policies']),
];
const WHOLE = snapshotSql(SCHEMA_PARTS);
/**
 * Reads the snapshot on `client`, or on `client` and `alongside` at once (half the parts each: the server reads
 * them on two cores). `alongside` must be connected to the same database.
 */
async function takeSchemaSnapshot(client, alongside) {
    const takenAt = new Date();
    const read = (on, text) => on.query({ text, rowMode: 'array' }).then((result) => result.rows);
    const results = alongside
        ? await Promise.all([read(client, HALVES[0]), read(alongside, HALVES[1])])
        : [await read(client, WHOLE)];
    const catalog = Object.fromEntries(SCHEMA_PARTS.map((part) => [part, []]));
    for (const rows of results) {
        for (const [part, key, name, definition, hash] of rows) {
            catalog[part].push(definition === null ? { key, name, hash } : { key, name, definition, hash });
        }
    }
    return { fingerprint: digestOf(catalog), catalog, takenAt };
}
/** Whether a part describes its objects' definitions (schema-diff shows them). */
function hasDefinition(part) {
    return PARTS[part].definition !== undefined;
}
function digestOf(catalog) {
    const parts = {};
    // Sorted here rather than in SQL: collation-dependent ORDER BY could differ between two servers.
    for (const part of SCHEMA_PARTS)
        parts[part] = sha256(catalog[part]
            .map((row) => row.hash)
            .sort()
            .join('\n'));
    return { digest: sha256(SCHEMA_PARTS.map((part) => `${part}:${parts[part]}`).join('\n')), parts };
}
function sha256(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
}
//# sourceMappingURL=schema-snapshot.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/schema-diff.js
/**
 * What changed in a schema between two snapshots of it (takeSchemaSnapshot): tables, columns, indexes,
 * constraints and the rest added, changed or removed (an object is changed when its hash is). The snapshot's digest
 * says whether anything changed; this says what.
 * Objects are matched by name (schema, table, object), not OID, so a table dropped and created again is "changed"
 * only if it differs. The columns, indexes, constraints, triggers and policies of a table added or removed as a
 * whole are not listed again.
 */

/** Per part: the kind of object it lists; child: part of a table, not listed again with a table added or removed. */
const KINDS = {
    tables: { kind: 'table' },
    columns: { kind: 'column', child: true },
    indexes: { kind: 'index', child: true },
    constraints: { kind: 'constraint', child: true },
    functions: { kind: 'function' },
    triggers: { kind: 'trigger', child: true },
    types: { kind: 'type' },
    sequences: { kind: 'sequence' },
    views: { kind: 'view' },
    policies: { kind: 'policy', child: true },
    extensions: { kind: 'extension' },
};
function schemaDiff(before, after) {
    const changes = [];
    // A part whose digest is the same has the same objects: at 5,000 tables, most of the work is not done.
    const changed = SCHEMA_PARTS.filter((part) => before.fingerprint.parts[part] !== after.fingerprint.parts[part]);
    const tablesBefore = new Set(changed.includes('tables') ? before.catalog.tables.map((row) => row.name) : []);
    const tablesAfter = new Set(changed.includes('tables') ? after.catalog.tables.map((row) => row.name) : []);
    const tableKeys = (catalog, names) => new Set(catalog.tables.filter((row) => names.has(row.name)).map((row) => row.key));
    // The archive key of a table's children is the table's own: a child of a table added or removed whole is skipped.
    const addedTables = tableKeys(after.catalog, new Set([...tablesAfter].filter((t) => !tablesBefore.has(t))));
    const removedTables = tableKeys(before.catalog, new Set([...tablesBefore].filter((t) => !tablesAfter.has(t))));
    for (const part of changed) {
        const { kind, child } = KINDS[part];
        const was = new Map(before.catalog[part].map((row) => [row.name, row]));
        const now = new Map(after.catalog[part].map((row) => [row.name, row]));
        const defined = (row) => (hasDefinition(part) ? { definition: row.definition ?? '' } : {});
        for (const [name, row] of now) {
            const old = was.get(name);
            if (!old) {
                if (!(child && addedTables.has(row.key)))
                    changes.push({ change: 'added', kind, name, ...defined(row) });
            }
            else if (old.hash !== row.hash) {
                changes.push({ change: 'changed', kind, name, ...defined(row) });
            }
        }
        for (const [name, row] of was) {
            if (!now.has(name) && !(child && removedTables.has(row.key)))
                changes.push({ change: 'removed', kind, name, ...defined(row) });
        }
    }
    return changes;
}
/**
 * The changes without the migration tool's own table, its columns and its serial's sequence (pgmigrations_id_seq):
 * the first run creates them, and they are no migration's change.
 */
function withoutTrackingTable(changes, table) {
    if (!table)
        return changes;
    const name = table.replace(/"/g, '');
    return changes.filter((c) => c.name !== name && !c.name.startsWith(`${name}.`) && c.name !== `${name}_id_seq`);
}
/** One line for a change: "added column public.orders.status (text)". */
function describeSchemaChange(change) {
    const definition = change.definition && change.kind === 'column' ? ` (${change.definition})` : '';
    const index = change.definition && change.kind !== 'column' ? `: ${change.definition}` : '';
    return `${change.change} ${change.kind} ${change.name}${definition}${index}`;
}
//# sourceMappingURL=schema-diff.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/failure/database-error.js
/**
 * The database error of a failed migration, read from what the tool left: Prisma's `_prisma_migrations.logs`
 * (the native engine writes the SQLSTATE, PostgreSQL's error fields and a "Position:" excerpt of migration.sql; the
 * WebAssembly engine only "Error querying the database: ERROR: ...") or the command's output (psql prints
 * `psql:<file>:<line>: ERROR:  ...`, node-postgres tools print the message and sometimes the fields).
 */
/** What PostgreSQL calls a few failures a migration meets, by SQLSTATE, and the same recognised from the message. */
const KNOWN = [
    { sqlstate: '55P03', message: /lock timeout|could not obtain lock/i },
    { sqlstate: '57014', message: /canceling statement due to statement timeout/i },
    { sqlstate: '22012', message: /^division by zero/i },
    { sqlstate: '40P01', message: /^deadlock detected/i },
    { sqlstate: '42P01', message: /^relation ".*" does not exist/i },
    { sqlstate: '42P07', message: /^relation ".*" already exists/i },
    { sqlstate: '42701', message: /^column ".*" of relation ".*" already exists/i },
    { sqlstate: '42703', message: /^column ".*" (of relation ".*" )?does not exist/i },
    { sqlstate: '42601', message: /^syntax error/i },
    { sqlstate: '23505', message: /^duplicate key value violates unique constraint/i },
    { sqlstate: '23502', message: /violates not-null constraint/i },
    { sqlstate: '25001', message: /cannot run inside a transaction block/i },
];
/** The SQLSTATE a message implies, for tools that print only the message. */
function impliedSqlstate(message) {
    return KNOWN.find((k) => k.message.test(message))?.sqlstate;
}
// biome-ignore lint/suspicious/noControlCharactersInRegex: Prisma colours its "Position:" excerpt.
const ANSI = /\x1b\[[0-9;]*m/g;
function parseDatabaseError(text, from) {
    const clean = text.replace(ANSI, '').replace(/\r/g, '');
    const debug = /DbError \{(.*)\}\s*$/m.exec(clean)?.[1];
    const lines = clean.split('\n');
    // PostgreSQL's own prefix (psql, Prisma), or node-postgres's DatabaseError as Node prints it ("error: ...", its
    // stack, then its fields: severity: 'ERROR', code: '42703', position: '81').
    const printed = /^\s*severity: '(ERROR|FATAL)',?$/m.test(clean)
        ? lines.findIndex((line) => /^error: /.test(line))
        : -1;
    const errorAt = printed !== -1 ? printed : lines.findIndex((line) => /(^|\s|:)(ERROR|FATAL):\s/.test(line));
    if (errorAt === -1 && !debug)
        return adapterError(lines, from);
    const psql = errorAt === -1 ? undefined : /^psql:(.+?):(\d+): ERROR:/.exec(lines[errorAt]);
    const fromDebug = (field) => /^"((?:[^"\\]|\\.)*)"$/.exec(debugField(debug, field) ?? '')?.[1]?.replace(/\\(.)/g, '$1');
    const prefix = printed !== -1 ? /^error:\s+/ : /^.*?(ERROR|FATAL):\s+/;
    const message = fromDebug('message') ?? lines[errorAt].replace(prefix, '').trim();
    const field = (name) => {
        const line = lines.slice(errorAt + 1).find((l) => new RegExp(`^\\s*${name}:\\s`).test(l));
        return line?.replace(new RegExp(`^\\s*${name}:\\s+`), '').trim();
    };
    const sqlstate = /SqlState\(E?([0-9A-Z]{5})\)/.exec(debug ?? '')?.[1] ??
        /Database error code: ([0-9A-Z]{5})\b/.exec(clean)?.[1] ??
        /\bERROR:\s+([0-9A-Z]{5}):/.exec(clean)?.[1] ??
        /\bcode: '([0-9A-Z]{5})'/.exec(clean)?.[1] ??
        impliedSqlstate(message);
    const position = /position: Some\(Original\((\d+)\)\)/.exec(debug ?? '')?.[1] ?? /\bposition: '(\d+)'/.exec(clean)?.[1];
    const toolLine = prismaExcerptLine(lines) ?? (psql ? Number(psql[2]) : undefined);
    const printedField = (name) => printed === -1 ? undefined : new RegExp(`^\\s*${name}: '(.*)',?$`, 'm').exec(clean)?.[1];
    const detail = fromDebug('detail') ?? field('DETAIL') ?? printedField('detail');
    const hint = fromDebug('hint') ?? field('HINT') ?? printedField('hint');
    return {
        message: message.replace(/^[0-9A-Z]{5}:\s+/, ''),
        ...(sqlstate ? { sqlstate } : {}),
        ...(detail ? { detail } : {}),
        ...(hint ? { hint } : {}),
        ...(position ? { position: Number(position) } : {}),
        ...(toolLine ? { toolLine } : {}),
        ...(psql ? { toolFile: psql[1] } : {}),
        from,
    };
}
/**
 * Prisma's driver adapters (the WebAssembly engine's route) turn some PostgreSQL errors into their own words on the
 * line after "external connector error": "Unique constraint failed: (note)", "Error accessing result set, column not
 * found: nocol". The SQLSTATE is implied from those words.
 */
function adapterError(lines, from) {
    const at = lines.findIndex((line) => /^(Error: )?external connector error$/i.test(line.trim()));
    const message = at === -1 ? undefined : lines[at + 1]?.trim();
    if (!message || /^\d+: /.test(message))
        return undefined;
    const sqlstate = ADAPTER_KNOWN.find((k) => k.message.test(message))?.sqlstate;
    return { message, ...(sqlstate ? { sqlstate } : {}), from };
}
const ADAPTER_KNOWN = [
    { sqlstate: '23505', message: /^Unique constraint failed/i },
    { sqlstate: '23503', message: /^Foreign key constraint failed/i },
    { sqlstate: '23502', message: /^Null constraint violation/i },
    { sqlstate: '42703', message: /column not found/i },
    { sqlstate: '42P01', message: /^The table .* does not exist/i },
];
/** A field of Rust's Debug form of tokio-postgres's DbError: `detail: Some("...")`, `message: "..."`. */
function debugField(debug, name) {
    if (!debug)
        return undefined;
    const found = new RegExp(`\\b${name}: (?:Some\\()?("(?:[^"\\\\]|\\\\.)*")`).exec(debug);
    return found?.[1];
}
/**
 * Prisma's native engine follows the error with "Position:" and up to six numbered lines of migration.sql, the last
 * being the line of the error.
 */
function prismaExcerptLine(lines) {
    const at = lines.findIndex((line) => line.trim() === 'Position:');
    if (at === -1)
        return undefined;
    let last;
    for (const line of lines.slice(at + 1)) {
        const numbered = /^\s*(\d+)(\s|$)/.exec(line);
        if (!numbered)
            break;
        last = Number(numbered[1]);
    }
    return last;
}
//# sourceMappingURL=database-error.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/failure/sql-statements.js
/**
 * A migration file cut into its top-level statements by a small lexer that knows where `;` does not end one: inside
 * '...' and E'...' strings, "quoted identifiers", -- and nested block comments, and $tag$ bodies. It needs no
 * parser, so it also works on a file PostgreSQL rejected. (`BEGIN ATOMIC ... END` bodies are not recognised.)
 */
function splitSqlStatements(sql) {
    const masked = maskSql(sql);
    const statements = [];
    let from = 0;
    const close = (to) => {
        const lead = /\S/.exec(masked.code.slice(from, to));
        if (lead) {
            const start = from + lead.index;
            const end = start + masked.code.slice(start, to).trimEnd().length;
            statements.push({ start, end, text: sql.slice(start, end), code: masked.code.slice(start, end) });
        }
        from = to + 1;
    };
    for (const at of masked.semicolons)
        close(at);
    close(sql.length);
    return statements;
}
/** The statement that holds an offset, or else the one after it (an offset in the blanks between two). */
function statementAt(statements, offset) {
    return statements.find((s) => offset < s.end || (offset === s.end && offset === s.start)) ?? statements.at(-1);
}
function maskSql(sql) {
    const out = sql.split('');
    const semicolons = [];
    const blank = (from, to) => {
        for (let k = from; k < to; k++)
            if (out[k] !== '\n')
                out[k] = ' ';
    };
    let i = 0;
    while (i < sql.length) {
        const c = sql[i];
        const next = sql[i + 1];
        if (c === '-' && next === '-') {
            const stop = sql.indexOf('\n', i);
            const to = stop === -1 ? sql.length : stop;
            blank(i, to);
            i = to;
        }
        else if (c === '/' && next === '*') {
            let depth = 1;
            let k = i + 2;
            while (k < sql.length && depth > 0) {
                const pair = sql.slice(k, k + 2);
                depth += pair === '/*' ? 1 : pair === '*/' ? -1 : 0;
                k += pair === '/*' || pair === '*/' ? 2 : 1;
            }
            blank(i, k);
            i = k;
        }
        else if (c === "'") {
            const escapes = /[eE]/.test(sql[i - 1] ?? '') && !/[\w$]/.test(sql[i - 2] ?? '');
            let k = i + 1;
            while (k < sql.length) {
                if (escapes && sql[k] === '\\')
                    k += 2;
                else if (sql[k] === "'" && sql[k + 1] === "'")
                    k += 2;
                else if (sql[k] === "'")
                    break;
                else
                    k += 1;
            }
            blank(i + 1, Math.min(k, sql.length));
            i = k + 1;
        }
        else if (c === '"') {
            let k = i + 1;
            while (k < sql.length && !(sql[k] === '"' && sql[k + 1] !== '"'))
                k += sql[k] === '"' ? 2 : 1;
            i = k + 1;
        }
        else if (c === '$' && !/[\w$]/.test(sql[i - 1] ?? '')) {
            const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i));
            if (tag) {
                const stop = sql.indexOf(tag[0], i + tag[0].length);
                i = stop === -1 ? sql.length : stop + tag[0].length;
            }
            else
                i += 1;
        }
        else {
            if (c === ';')
                semicolons.push(i);
            i += 1;
        }
    }
    return { code: out.join(''), semicolons };
}
//# sourceMappingURL=sql-statements.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/failure/error-location.js

function locateError(sql, error, options = {}) {
    const statements = splitSqlStatements(sql);
    if (statements.length === 0)
        return undefined;
    if (error.position !== undefined && error.toolFile === undefined) {
        const offset = characterOffset(sql, (options.scriptOffset ?? 0) + error.position - 1);
        if (offset !== undefined)
            return located(sql, statements, offset, 'position', true);
    }
    if (error.toolLine !== undefined) {
        const offset = lineStart(sql, error.toolLine);
        if (offset !== undefined) {
            const statement = statementOnLine(sql, statements, error.toolLine, error.toolFile !== undefined);
            if (statement)
                return { ...describe(sql, statement), line: error.toolLine, basis: 'tool-line' };
        }
    }
    const named = namedInMessage(statements, error.message);
    if (named)
        return located(sql, statements, named, 'named-in-message', true);
    const candidate = onlyCandidate(statements, error);
    if (candidate)
        return located(sql, statements, candidate.start, 'only-candidate', false);
    return undefined;
}
/** Line and column (1-based, in characters) of an offset into the string. */
function lineAndColumn(sql, offset) {
    const before = sql.slice(0, offset);
    const lineStartAt = before.lastIndexOf('\n') + 1;
    return { line: before.split('\n').length, column: [...sql.slice(lineStartAt, offset)].length + 1 };
}
function located(sql, statements, offset, basis, withColumn) {
    const statement = statementAt(statements, offset);
    const at = lineAndColumn(sql, offset);
    return { ...describe(sql, statement), line: at.line, ...(withColumn ? { column: at.column } : {}), basis };
}
function describe(sql, statement) {
    const text = statement.text.length > 200 ? `${statement.text.slice(0, 199)}…` : statement.text;
    return { statement: text, statementLine: lineAndColumn(sql, statement.start).line };
}
/** The UTF-16 offset of the n-th character (code point), counted from 0. */
function characterOffset(sql, characters) {
    if (characters < 0)
        return undefined;
    let offset = 0;
    for (let n = 0; n < characters; n++) {
        if (offset >= sql.length)
            return undefined;
        offset += (sql.codePointAt(offset) ?? 0) > 0xffff ? 2 : 1;
    }
    return offset < sql.length ? offset : undefined;
}
function lineStart(sql, line) {
    let offset = 0;
    for (let n = 1; n < line; n++) {
        const next = sql.indexOf('\n', offset);
        if (next === -1)
            return undefined;
        offset = next + 1;
    }
    return offset;
}
/**
 * The statement on a line. psql counts the line it had read when it sent the statement, the one with its `;`, so
 * for psql the statement that ends on the line wins over one that starts there.
 */
function statementOnLine(sql, statements, line, endsThere) {
    const lines = statements.map((s) => ({
        s,
        first: lineAndColumn(sql, s.start).line,
        last: lineAndColumn(sql, s.end).line,
    }));
    if (endsThere) {
        const ending = lines.filter((l) => l.last <= line).at(-1);
        if (ending)
            return ending.s;
    }
    return (lines.find((l) => l.first <= line && line <= l.last) ?? lines.find((l) => l.first > line))?.s;
}
/**
 * The one statement that names what the message quotes: `syntax error at or near "SELEC"` (the word itself),
 * `relation "audit" already exists` (the name, as written or quoted). Several statements naming it: no answer.
 */
function namedInMessage(statements, message) {
    const quoted = [...message.matchAll(/"((?:[^"]|"")+)"/g)].map((m) => m[1]);
    const word = quoted[0];
    if (!word)
        return undefined;
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = /^\w+$/.test(word)
        ? new RegExp(`(^|[^\\w$])"?(${escaped})"?(?![\\w$])`, 'i')
        : new RegExp(`()(${escaped})`);
    const hits = statements
        .map((s) => ({ s, hit: pattern.exec(s.code) }))
        .filter((h) => h.hit !== null);
    if (hits.length !== 1) {
        // A syntax error is reported at the first place the word appears where it cannot stand: ambiguous otherwise.
        return undefined;
    }
    const { s, hit } = hits[0];
    return s.start + hit.index + hit[1].length + (s.code[hit.index + hit[1].length] === '"' ? 1 : 0);
}
/** Statements that can raise the error, when only one can. */
function onlyCandidate(statements, error) {
    if (statements.length === 1)
        return statements[0];
    const can = CANDIDATES[error.sqlstate ?? ''];
    if (!can)
        return undefined;
    const created = new Set();
    const candidates = [];
    for (const statement of statements) {
        if (can(statement, created))
            candidates.push(statement);
        const table = /^\s*create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([^\s(]+)/i.exec(statement.code);
        if (table)
            created.add(bareName(table[1]));
    }
    return candidates.length === 1 ? candidates[0] : undefined;
}
const CANDIDATES = {
    // A division outside strings and comments (a `/` that opens no comment: those are blanked already).
    '22012': (s) => /[^/*]\/[^/*]/.test(s.code),
    // RAISE EXCEPTION in a DO block (a function that raises is found by its call only when named in the message).
    P0001: (s) => /\braise\b/i.test(s.code),
    // A statement that locks a table the file did not create itself.
    '55P03': (s, created) => tablesOf(s).some((table) => !created.has(bareName(table))),
};
/** The tables a statement locks, as written: what a lock timeout can have waited for. */
function tablesOf(statement) {
    const name = '((?:"(?:[^"]|"")+"|[\\w$]+)(?:\\.(?:"(?:[^"]|"")+"|[\\w$]+))?)';
    const patterns = [
        new RegExp(`^\\s*alter\\s+table\\s+(?:if\\s+exists\\s+)?(?:only\\s+)?${name}`, 'i'),
        new RegExp(`^\\s*lock\\s+(?:table\\s+)?(?:only\\s+)?${name}`, 'i'),
        new RegExp(`^\\s*create\\s+(?:unique\\s+)?index\\s+.*?\\bon\\s+(?:only\\s+)?${name}`, 'is'),
        new RegExp(`^\\s*(?:drop|truncate)\\s+table\\s+(?:if\\s+exists\\s+)?${name}`, 'i'),
        new RegExp(`^\\s*(?:insert\\s+into|update|delete\\s+from)\\s+(?:only\\s+)?${name}`, 'i'),
        new RegExp(`\\breferences\\s+${name}`, 'gi'),
    ];
    const tables = [];
    for (const pattern of patterns) {
        for (const match of statement.code.matchAll(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)))
            tables.push(match[1]);
    }
    return [...new Set(tables)];
}
/** A table name as written, without quotes and schema, lower-cased unless quoted: for comparing two mentions. */
function bareName(written) {
    const last = written.match(/"(?:[^"]|"")+"|[^."]+/g)?.at(-1) ?? written;
    return last.startsWith('"') ? last.slice(1, -1).replace(/""/g, '"') : last.toLowerCase();
}
//# sourceMappingURL=error-location.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/failure/recovery.js
/**
 * The ways out of a failed migration, each with its exact commands, in the project's own command style, and the
 * restore of the pre-deploy backup with what it would lose. Nothing here runs anything: restoring is never automatic.
 */

/**
 * `npx prisma migrate deploy --schema db/schema.prisma` → `npx prisma` and ` --schema db/schema.prisma`. An explicit
 * `prismaCommand` (e.g. `pnpm exec prisma`) wins; a deploy command that does not say `migrate deploy`
 * (`npm run db:deploy`) needs one.
 */
function prismaCommandOf(command, prismaCommand) {
    if (prismaCommand?.trim())
        return { prefix: prismaCommand.trim(), flags: '' };
    const found = /^(.*\S)\s+migrate\s+deploy(\s.*)?$/s.exec(command.trim());
    if (!found) {
        throw (0,errors/* invalidInput */.aY)('command', `(\`${command}\`) does not say \`migrate deploy\`, so how to run \`prisma migrate resolve\` is not known`, "Prisma's own deploy command, as the project runs the CLI: e.g. `npx prisma migrate deploy` or " +
            '`pnpm exec prisma migrate deploy --schema db/schema.prisma` (a script such as `npm run db:deploy` hides it).');
    }
    return { prefix: found[1], flags: (found[2] ?? '').trimEnd() };
}
function prismaResolveCommand(prisma, mark, name) {
    return `${prisma.prefix} migrate resolve --${mark} "${name}"${prisma.flags}`;
}
function recoveryRoutes(context) {
    const fix = `Fix ${context.file}${context.where ? ` (${context.where})` : ''}.`;
    const undo = context.nothingLeft
        ? []
        : [
            `Undo what it left (or check: it is not proven that nothing remains): ${context.left.length > 0 ? context.left.join('; ') : 'rows written before the failure'}.`,
        ];
    const deploy = `Deploy again: \`${context.command}\`.`;
    if (context.tool === 'prisma') {
        const prisma = context.prisma ?? { prefix: 'npx prisma', flags: '' };
        const rolledBack = prismaResolveCommand(prisma, 'rolled-back', context.migration);
        const applied = prismaResolveCommand(prisma, 'applied', context.migration);
        return [
            {
                title: 'Fix the migration and deploy it again',
                when: context.nothingLeft
                    ? 'Nothing of it was applied: this is the usual way.'
                    : 'After undoing what it left, so that it can run again from the start.',
                steps: [
                    ...undo,
                    fix,
                    `Mark the failed attempt rolled back: \`${rolledBack}\` (resolve-failed: rolled-back does this when nothing of it was applied).`,
                    deploy,
                ],
                commands: [rolledBack, context.command],
            },
            {
                title: 'Finish it by hand and mark it applied',
                when: 'When you complete what the migration does yourself, so the database has all of it.',
                steps: [
                    `Run the rest of ${context.file} yourself${context.nothingLeft ? ' (all of it: nothing was applied)' : ''}.`,
                    `Mark it applied: \`${applied}\`; the next deploy goes on with the migrations after it.`,
                ],
                commands: [applied],
            },
        ];
    }
    const rerun = {
        title: 'Fix the migration and run it again',
        when: context.nothingLeft
            ? `Nothing of it was applied${context.tool === 'node-pg-migrate' ? ' and node-pg-migrate recorded nothing' : ''}: this is the usual way.`
            : 'After undoing what it left, so that it can run again from the start.',
        steps: [...undo, fix, deploy],
        commands: [context.command],
    };
    if (context.tool === 'node-pg-migrate' && context.table) {
        const record = `INSERT INTO ${context.table} (name, run_on) VALUES ('${context.migration.replace(/'/g, "''")}', now());`;
        return [
            rerun,
            {
                title: 'Finish it by hand and record it',
                when: 'When you complete what the migration does yourself.',
                steps: [`Run the rest of ${context.file} yourself.`, `Record it as run: \`${record}\`.`],
                commands: [record],
            },
        ];
    }
    return [rerun];
}
function restoreAdvice(backup) {
    // The restore's own inputs: decrypt-with for an identity; decrypt-passphrase through its environment variable, so
    // the passphrase stays out of the command line.
    const identity = backup.encryption === 'recipients' ? ' --decrypt-with "$BACKUP_AGE_IDENTITY"' : '';
    const passphrase = backup.encryption === 'passphrase' ? 'DBOPS_DECRYPT_PASSPHRASE="$BACKUP_PASSPHRASE" ' : '';
    const command = `${passphrase}dbops restore --from ${recovery_shellWord(backup.location)} --backup-id ${recovery_shellWord(backup.id)} ` +
        `--target-url "$DATABASE_URL" --clean${identity}`;
    return {
        backupId: backup.id,
        location: backup.location,
        takenAt: backup.takenAt,
        command,
        loses: `every write since ${backup.takenAt.toISOString()}`,
    };
}
function restoreRoute(advice) {
    return {
        title: 'Restore the backup taken before the deploy (never done automatically)',
        when: `Only when the database cannot be repaired otherwise: a restore loses ${advice.loses}, when backup ${advice.backupId} was taken.`,
        steps: [
            `Stop the application's writes, then restore: \`${advice.command}\` (it backs up the current database first).`,
            'Fix the migration and deploy again: the restored database has no record of the failed attempt.',
        ],
        commands: [advice.command],
    };
}
function recovery_shellWord(value) {
    return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
//# sourceMappingURL=recovery.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/failure/transaction-scope.js


// ROLLBACK TO SAVEPOINT undoes part of the transaction but does not end it.
const ENDS_TRANSACTION = /^(commit|end|rollback(?!\s+(work\s+|transaction\s+)?to\b)|abort|prepare\s+transaction)\b/i;
const OUTSIDE_TRANSACTION = /^((create|drop)\s+(unique\s+)?index\s+concurrently|reindex\b.*\bconcurrently|vacuum\b|alter\s+system\b|(create|drop)\s+database\b)/is;
function transactionScope(sql, mode) {
    const statements = splitSqlStatements(sql);
    // A file that wraps itself in BEGIN ... COMMIT is one transaction whoever runs it.
    const first = statements[0]?.code.trim() ?? '';
    const last = statements.at(-1)?.code.trim() ?? '';
    const wrapped = statements.length > 1 && /^(begin|start\s+transaction)\b/i.test(first) && /^(commit|end)\b/i.test(last);
    for (const statement of wrapped ? statements.slice(1, -1) : statements) {
        const line = lineAndColumn(sql, statement.start).line;
        const words = statement.code.trim();
        if (ENDS_TRANSACTION.test(words)) {
            const word = words.split(/\s+/)[0].toUpperCase();
            return {
                oneTransaction: false,
                reason: `its ${word} at line ${line} ends the transaction early: what ran before it stays`,
                line,
            };
        }
        if (OUTSIDE_TRANSACTION.test(words)) {
            const what = words.split(/\s+/).slice(0, 4).join(' ').toUpperCase();
            return {
                oneTransaction: false,
                reason: `${what}... at line ${line} does not run inside a transaction: a failure leaves what it did (an invalid index)`,
                line,
            };
        }
    }
    if (mode === 'none' && !wrapped && statements.length > 1) {
        return {
            oneTransaction: false,
            reason: 'the tool that ran it is not known to run a file as one transaction, and the file does not wrap itself ' +
                'in BEGIN ... COMMIT',
        };
    }
    return { oneTransaction: true };
}
//# sourceMappingURL=transaction-scope.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/failure/explain-failure.js
/**
 * A failed migration run, explained: which migration failed, the database error and its line in the file, what
 * state the failure left (proven from the schema fingerprints taken before and after the run where it can be), what
 * ran before it, the backup taken before the deploy, and the ways out with exact commands. Reads files, runs nothing.
 */










async function explainFailure(options) {
    const { source, statusBefore, statusAfter, schemaBefore, schemaAfter } = options;
    const diff = appliedDiff(statusBefore, statusAfter);
    const output = outputOf(options.outcome);
    const repository = await source.list();
    const failed = diff.failed[0] ?? guessFailed(statusBefore, statusAfter, repository, output, source.tracking.table);
    const migration = failed ? repository.find((m) => m.name === failed.name) : undefined;
    const fileText = migration ? await (0,external_node_fs_promises_.readFile)(migration.file, 'utf8').catch(() => undefined) : undefined;
    const file = migration ? shown(migration.file, options.projectDir) : undefined;
    const recorded = failed?.logs ? parseDatabaseError(failed.logs, 'tool-record') : undefined;
    const databaseError = recorded ?? parseDatabaseError(output, 'command-output');
    const scriptOffset = migration?.sql && fileText ? Math.max(0, fileText.indexOf(migration.sql)) : 0;
    const location = databaseError && fileText ? locateError(fileText, databaseError, { scriptOffset }) : undefined;
    const error = failureError(databaseError, failed?.logs ?? output, location);
    // The tool's own table (created by the first run, outside the migrations' transaction) is no migration's change.
    const allChanges = schemaDiff(schemaBefore, schemaAfter);
    const changes = withoutTrackingTable(allChanges, source.tracking.table);
    const appliedBefore = diff.applied.map((m) => m.name);
    const state = failureState({
        fingerprintUnchanged: schemaBefore.fingerprint.digest === schemaAfter.fingerprint.digest ||
            (changes.length === 0 && allChanges.length > 0),
        fileText,
        mode: source.transactionMode,
        changes,
        appliedBefore,
        named: Boolean(failed),
    });
    const prisma = source.tool === 'prisma' ? safePrismaCommand(options.command, options.prismaCommand) : undefined;
    const routes = failed
        ? recoveryRoutes({
            tool: source.tool,
            migration: failed.name,
            file: file ?? failed.name,
            ...(location ? { where: `line ${location.line}: ${error.message}` } : { where: error.message }),
            command: options.command,
            ...(prisma ? { prisma } : {}),
            nothingLeft: state.kind === 'nothing-applied',
            left: state.kind === 'nothing-applied' ? [] : state.changes.map(describeSchemaChange),
            ...(source.tracking.table ? { table: source.tracking.table } : {}),
        })
        : [];
    const restore = options.backup ? restoreAdvice(options.backup) : undefined;
    if (restore)
        routes.push(restoreRoute(restore));
    const explanation = {
        ...(failed ? { migration: { name: failed.name, ...(file ? { file } : {}) } } : {}),
        error,
        ...(location ? { location } : {}),
        state,
        appliedBefore,
        stillPending: statusAfter.tool === 'prisma' && failed ? [failed.name, ...diff.stillPending] : diff.stillPending,
        schemaChanges: changes,
        fingerprints: { before: schemaBefore.fingerprint.digest, after: schemaAfter.fingerprint.digest },
        routes,
        ...(restore ? { restore } : {}),
        lines: [],
    };
    explanation.lines = sentences(explanation);
    return options.secrets ? redactDeep(explanation, options.secrets) : explanation;
}
/** The command's output: its last lines, from the result or from the error runMigrationCommand threw. */
function outputOf(outcome) {
    if ('result' in outcome)
        return outcome.result.lastLines.join('\n');
    const error = outcome.error;
    if (error instanceof Error)
        return error.message;
    return String(error);
}
/**
 * Where the tool keeps no failed record (node-pg-migrate rolls the file back and writes nothing; psql keeps no table):
 * the migration its output names last among those still pending, or psql's file; else, when a database error was
 * printed, the first still pending (tools run them in order).
 */
function guessFailed(before, after, repository, output, table) {
    const psqlFile = /psql:(.+?):\d+: ERROR:/.exec(output)?.[1];
    if (psqlFile) {
        const byFile = repository.find((m) => m.file.endsWith(psqlFile.replace(/^\.\//, '')));
        if (byFile)
            return { name: byFile.name };
    }
    if (!table)
        return undefined;
    const pending = after.pending.filter((name) => !before.applied.includes(name));
    const mentioned = pending
        .map((name) => ({ name, at: output.lastIndexOf(name) }))
        .filter((m) => m.at >= 0)
        .sort((a, b) => b.at - a.at)[0];
    if (mentioned)
        return { name: mentioned.name };
    return parseDatabaseError(output, 'command-output') && pending[0] ? { name: pending[0] } : undefined;
}
function failureError(parsed, raw, location) {
    if (!parsed) {
        return { kind: 'command-error', message: firstMeaningfulLine(raw), from: 'command-output' };
    }
    const kind = parsed.sqlstate === '55P03'
        ? 'lock-timeout'
        : parsed.sqlstate === '57014' && /statement timeout/i.test(parsed.message)
            ? 'statement-timeout'
            : parsed.sqlstate === '40P01'
                ? 'deadlock'
                : 'database-error';
    const table = kind === 'lock-timeout' && location ? lockedTable(location) : undefined;
    return {
        kind,
        message: parsed.message,
        ...(parsed.sqlstate ? { sqlstate: parsed.sqlstate } : {}),
        ...(parsed.detail ? { detail: parsed.detail } : {}),
        ...(parsed.hint ? { hint: parsed.hint } : {}),
        ...(table ? { table } : {}),
        from: parsed.from,
    };
}
function lockedTable(location) {
    const statement = splitSqlStatements(location.statement)[0];
    return statement ? tablesOf(statement)[0] : undefined;
}
/** Prisma's WebAssembly engine logs "external connector error" first; the line after it says what happened. */
function firstMeaningfulLine(text) {
    const lines = text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .filter((l) => !/^(Error: )?external connector error$/i.test(l));
    return lines.find((l) => /error/i.test(l)) ?? lines[0] ?? 'the command failed without output';
}
function failureState(facts) {
    const { changes } = facts;
    if (!facts.named) {
        return facts.fingerprintUnchanged
            ? {
                kind: 'nothing-applied',
                proof: 'fingerprint-unchanged',
                summary: 'No migration was recorded as failed, and the schema fingerprint is unchanged.',
            }
            : {
                kind: 'not-proven',
                reason: 'no migration was recorded as failed, yet the schema changed',
                changes,
                summary: `No migration was recorded as failed, yet the schema changed: ${listed(changes)}.`,
            };
    }
    if (facts.fileText === undefined) {
        return {
            kind: 'not-proven',
            reason: 'its file could not be read, so whether it runs as one transaction is not known',
            changes,
            summary: `Its file could not be read; the schema changes of this run: ${listed(changes)}.`,
        };
    }
    const scope = transactionScope(facts.fileText, facts.mode);
    const code = splitSqlStatements(facts.fileText)
        .map((s) => s.code)
        .join('\n');
    const its = changes.filter((change) => names(code, change));
    if (scope.oneTransaction) {
        if (facts.fingerprintUnchanged) {
            return {
                kind: 'nothing-applied',
                proof: 'fingerprint-unchanged',
                summary: 'Nothing of it was applied: PostgreSQL ran it as one transaction and rolled it back whole, and the schema ' +
                    'fingerprint after the run is the same as before it.',
            };
        }
        if (facts.appliedBefore.length > 0 && its.length === 0) {
            return {
                kind: 'nothing-applied',
                proof: 'changes-are-earlier-migrations',
                summary: 'Nothing of it was applied: PostgreSQL ran it as one transaction and rolled it back whole, and none of ' +
                    `the schema changes of this run touches an object it names (they are ${facts.appliedBefore.join(', ')}'s).`,
            };
        }
        return {
            kind: 'not-proven',
            reason: 'it runs as one transaction, but the schema changed in this run in ways that may be its own',
            changes: its.length > 0 ? its : changes,
            summary: 'It runs as one transaction, so PostgreSQL should have rolled it back whole, but the schema changed in ways ' +
                `that may be its own: ${listed(its.length > 0 ? its : changes)}. Check before marking it rolled back.`,
        };
    }
    // Without earlier migrations in the run, every change is its own; with them, those of objects it names.
    const left = facts.appliedBefore.length === 0 ? changes : its;
    if (left.length > 0) {
        return {
            kind: 'partly-applied',
            reason: scope.reason,
            changes: left,
            summary: `Part of it was applied (${scope.reason}): ${listed(left)}.`,
        };
    }
    return {
        kind: 'not-proven',
        reason: scope.reason,
        changes: [],
        summary: `It does not run as one transaction (${scope.reason}). The schema shows nothing of it, but rows it wrote ` +
            'before the failure would remain: check before marking it rolled back.',
    };
}
/** Whether the file names the changed object (its own name, as a word). */
function names(code, change) {
    const own = change.kind === 'function' ? change.name.replace(/\(.*$/, '') : change.name;
    const word = bareName(own.split('.').at(-1) ?? own);
    return new RegExp(`(^|[^\\w$])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w$])`, 'i').test(code);
}
function listed(changes) {
    return changes.length > 0 ? changes.map(describeSchemaChange).join('; ') : 'none';
}
function sentences(e) {
    const lines = [];
    const code = e.error.sqlstate ? ` (SQLSTATE ${e.error.sqlstate})` : '';
    lines.push(e.migration
        ? `Migration ${e.migration.name} failed: ${e.error.message}${code}.`
        : `The migration command failed before a migration could be named: ${e.error.message}${code}.`);
    if (e.location) {
        const column = e.location.column ? `, column ${e.location.column}` : '';
        const how = e.location.basis === 'only-candidate'
            ? ' (PostgreSQL gives no position for this error: the only statement that can raise it)'
            : e.location.basis === 'named-in-message'
                ? ' (the statement that names what the error names)'
                : '';
        lines.push(`At line ${e.location.line}${column} of ${e.migration?.file ?? 'the migration'}${how}: ${firstLine(e.location.statement)}`);
    }
    if (e.error.detail)
        lines.push(`Detail: ${e.error.detail}`);
    if (e.error.hint)
        lines.push(`Hint: ${e.error.hint}`);
    if (e.error.kind === 'lock-timeout') {
        lines.push(`It waited longer than lock_timeout for a lock${e.error.table ? ` on ${e.error.table}` : ''} that another ` +
            'session held: run it again when that session is done, or raise lock-timeout.');
    }
    lines.push(e.state.summary);
    if (e.appliedBefore.length > 0)
        lines.push(`Applied before it in this run: ${e.appliedBefore.join(', ')}.`);
    if (e.restore) {
        lines.push(`Backup ${e.restore.backupId} was taken before the deploy (${e.restore.takenAt.toISOString()}, in ` +
            `${e.restore.location}). Restoring it is never automatic; \`${e.restore.command}\` would lose ${e.restore.loses}.`);
    }
    for (const route of e.routes)
        lines.push(`${route.title}: ${route.commands.map((c) => `\`${c}\``).join(', ')}`);
    return lines;
}
function firstLine(text) {
    const first = text.split('\n')[0];
    return first.length < text.length ? `${first} …` : first;
}
function shown(file, projectDir) {
    return projectDir ? (0,external_node_path_.relative)(projectDir, file) : file;
}
function safePrismaCommand(command, prismaCommand) {
    try {
        return prismaCommandOf(command, prismaCommand);
    }
    catch (error) {
        if (error instanceof errors/* DbopsError */.zJ)
            return undefined;
        throw error;
    }
}
/** Every string of the record through the secret register; dates and numbers as they are. */
function redactDeep(value, secrets) {
    if (typeof value === 'string')
        return secrets.redact(value);
    if (Array.isArray(value))
        return value.map((v) => redactDeep(v, secrets));
    if (value && typeof value === 'object' && !(value instanceof Date)) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]));
    }
    return value;
}
//# sourceMappingURL=explain-failure.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/status.js
/** Reads the folder and the database's record and compares them. */
async function readMigrationStatus(source, client) {
    const [repository, applied] = [await source.list(), await source.readApplied(client)];
    return migrationStatus(source, repository, applied);
}
/** The comparison itself, without I/O. `applied` is undefined when the tool keeps no record. */
function migrationStatus(source, repository, applied) {
    const recordsByName = new Map();
    for (const record of applied ?? [])
        recordsByName.set(record.name, [...(recordsByName.get(record.name) ?? []), record]);
    const migrations = repository.map((migration) => {
        if (applied === undefined)
            return { name: migration.name, state: 'unknown', file: migration.file };
        const records = recordsByName.get(migration.name) ?? [];
        return entryFor(migration.name, migration.file, records, (record) => source.matchesChecksum(migration, record));
    });
    const inRepository = new Set(repository.map((m) => m.name));
    for (const [name, records] of recordsByName) {
        if (inRepository.has(name) || records.every((r) => r.rolledBackAt))
            continue;
        migrations.push({ ...entryFor(name, undefined, records, () => true), state: 'missing-from-repository' });
    }
    const counts = Object.fromEntries(STATES.map((state) => [state, 0]));
    for (const entry of migrations)
        counts[entry.state] += 1;
    const named = (...states) => migrations.filter((m) => states.includes(m.state)).map((m) => m.name);
    return {
        tool: source.tool,
        folder: source.folder,
        tracking: source.tracking,
        migrations,
        counts,
        pending: named('pending', 'rolled-back'),
        failed: named('failed'),
        applied: named('applied', 'edited-after-applied'),
    };
}
const STATES = [
    'applied',
    'pending',
    'failed',
    'rolled-back',
    'edited-after-applied',
    'missing-from-repository',
    'unknown',
];
/**
 * One migration's state from its records, as Prisma reads them: rows marked rolled back no longer count; a finished
 * row means applied; a row that never finished means a failed attempt.
 */
function entryFor(name, file, records, matches) {
    const live = records.filter((r) => !r.rolledBackAt);
    const finished = live.filter((r) => r.finishedAt).at(-1);
    const unfinished = live.filter((r) => !r.finishedAt).at(-1);
    const base = { name, ...(file ? { file } : {}) };
    if (finished) {
        return { ...base, state: matches(finished) ? 'applied' : 'edited-after-applied', ...timing(finished) };
    }
    if (unfinished)
        return { ...base, state: 'failed', ...timing(unfinished), ...(unfinished.logs ? { logs: unfinished.logs } : {}) };
    if (records.length > 0)
        return { ...base, state: 'rolled-back', ...timing(records.at(-1)) };
    return { ...base, state: 'pending' };
}
function timing(record) {
    const { startedAt, finishedAt } = record;
    return {
        ...(startedAt ? { startedAt } : {}),
        ...(finishedAt ? { finishedAt } : {}),
        ...(startedAt && finishedAt ? { durationMs: finishedAt.getTime() - startedAt.getTime() } : {}),
    };
}
//# sourceMappingURL=status.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/failure/resolve-rolled-back.js





async function resolveRolledBack(options) {
    const { explanation, source } = options;
    if (source.tool !== 'prisma') {
        throw (0,errors/* invalidInput */.aY)('resolve-failed', `is for Prisma migrations only; this project's migrations are ${source.tool}'s, which keeps no failed record to resolve`, `leave resolve-failed unset; ${source.tool === 'node-pg-migrate' ? 'node-pg-migrate rolls a failed file back and records nothing, so fix it and run again' : 'fix the migration and run the command again'}`);
    }
    const name = explanation.migration?.name;
    if (!name) {
        throw new errors/* DbopsError */.zJ('CHECK_FAILED', 'resolve-failed: rolled-back found no failed migration to resolve', {
            input: 'resolve-failed',
            hint: 'The run failed before a migration was recorded as failed; read its error and run again.',
        });
    }
    const manual = explanation.routes.flatMap((r) => [`${r.title}:`, ...r.steps.map((s) => `  - ${s}`)]).join('\n');
    if (explanation.state.kind !== 'nothing-applied') {
        throw new errors/* DbopsError */.zJ('CHECK_FAILED', `resolve-failed: rolled-back refused to mark ${name} rolled back: it is not proven that nothing of it was ` +
            `applied (${explanation.state.kind}: ${explanation.state.reason})`, { input: 'resolve-failed', hint: `Do it by hand:\n${manual}` });
    }
    // The proof is about the schema as it was right after the failure; a change since then voids it.
    const now = await takeSchemaSnapshot(options.client);
    if (now.fingerprint.digest !== explanation.fingerprints.after) {
        throw new errors/* DbopsError */.zJ('CHECK_FAILED', `resolve-failed: rolled-back refused to mark ${name} rolled back: the schema changed since the failure was ` +
            'explained, so the proof that nothing of it was applied no longer holds', { input: 'resolve-failed', hint: `Check what changed, then do it by hand:\n${manual}` });
    }
    const before = await readMigrationStatus(source, options.client);
    if (!before.failed.includes(name)) {
        throw new errors/* DbopsError */.zJ('CHECK_FAILED', `resolve-failed: rolled-back found ${name} no longer failed`, {
            input: 'resolve-failed',
            hint: `Its state is now ${before.migrations.find((m) => m.name === name)?.state ?? 'unknown'}: someone resolved it already.`,
        });
    }
    const command = prismaResolveCommand(prismaCommandOf(options.command, options.prismaCommand), 'rolled-back', name);
    const result = await runMigrationCommand({
        command,
        cwd: options.cwd,
        databaseUrl: options.databaseUrl,
        secrets: options.secrets,
        lockTimeoutMs: options.lockTimeoutMs ?? 0,
        ...(options.env ? { env: options.env } : {}),
        ...(options.onLine ? { onLine: options.onLine } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
    });
    const status = await readMigrationStatus(source, options.client);
    const state = status.migrations.find((m) => m.name === name)?.state;
    if (state !== 'rolled-back') {
        throw new errors/* DbopsError */.zJ('CHECK_FAILED', `\`${command}\` exited 0, but ${name} is ${state ?? 'gone'}, not rolled back`, {
            input: 'resolve-failed',
            hint: 'Run `prisma migrate status` to see what the database records.',
        });
    }
    return { migration: name, command, result, status };
}
//# sourceMappingURL=resolve-rolled-back.js.map
// EXTERNAL MODULE: ./packages/core/lib/operations/backup.js + 2 modules
var backup = __webpack_require__(83238);
;// CONCATENATED MODULE: ./packages/core/lib/operations/migrate-deploy.js




















const LINT_FAIL_ON = ['error', 'warning', 'never'];
const RESOLVE_FAILED = ['never', 'rolled-back'];
/**
 * migrate-deploy: reads where each migration stands and lints the pending ones against the live catalog; in deploy
 * mode all of it under dbops's deploy lock: the reads, then a verified backup (no backup, no migration), the user's
 * command with the target in its environment, and what it applied and changed. Restoring the backup is never
 * automatic.
 */
async function migrateDeploy(options) {
    options.secrets.add(options.target.password);
    const prismaSchema = prismaSchemaOf(options.target);
    const source = await findMigrationSource({ ...options.project, ...(prismaSchema ? { prismaSchema } : {}) });
    const command = options.mode === 'deploy' || options.command ? migrationCommand(source.tool, options.command) : undefined;
    if (options.mode === 'status') {
        const result = await readStatusAndLint(source, options.target, command, options);
        const stop = stopBeforeRunning(result, options.lintFailOn);
        return stop ? { ...result, failure: stop } : result;
    }
    const bouncer = pgbouncerWarning(options.target);
    if (bouncer)
        options.log.warn(bouncer);
    return underDeployLock(options, async () => {
        // Read under the lock: before it, another deploy's migration still running looks failed (its row is not
        // finished), its ACCESS EXCLUSIVE locks stop the size reads, and what it applies or fails meanwhile is not seen.
        const result = await readStatusAndLint(source, options.target, command, options);
        const stop = stopBeforeRunning(result, options.lintFailOn);
        if (stop)
            return { ...result, failure: stop };
        if (result.status.pending.length === 0 && source.tracking.table) {
            options.log.info('Nothing to apply: every migration in the repository is applied. No backup was taken.');
            return result;
        }
        return deploy(source, command, result, options);
    });
}
/**
 * Runs `work` holding the deploy lock, on a session of its own that a cancel does not end: a cancelled deploy keeps
 * the lock until `work` has stopped the command and the SQL it left running (stoppedMidRun), so a waiting deploy
 * never starts beside a migration still running. A crash still frees it: PostgreSQL drops the lock with the session.
 */
async function underDeployLock(options, work) {
    const { log, target, signal } = options;
    if (signal?.aborted)
        throw (0,errors/* cancelled */.KW)('No migration was run.');
    return (0,databases/* sqlEngineFor */.mO)(target, 'migrate-deploy').withSqlSession(target, { log }, async (client) => {
        const lock = await acquireDeployLock(client, {
            timeoutMs: options.deployLockTimeoutMs,
            ...(signal ? { signal } : {}),
        });
        try {
            return await work();
        }
        finally {
            if (!(await lock.release()))
                log.warn(lockNotHeld());
        }
    });
}
/**
 * Where each migration stands in `target`'s database, what blocks a deploy, and the pending migrations linted with
 * its tables' sizes (findings logged on their lines). Reads only.
 */
async function readStatusAndLint(source, target, command, options) {
    const { log } = options;
    const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
    // Reading table sizes takes a lock on each table: behind another session's ACCESS EXCLUSIVE it would wait forever
    // (and queue everyone else behind it), so dbops's own reads are bounded by lock-timeout too (5s when it is none).
    const readLockTimeoutMs = Math.round(options.lockTimeoutMs > 0 ? options.lockTimeoutMs : 5000);
    const read = await (0,databases/* sqlEngineFor */.mO)(target, 'migrate-deploy').withSqlSession(target, context, async (client) => {
        await client.query(`SET lock_timeout = ${readLockTimeoutMs}`);
        const status = await readMigrationStatus(source, client);
        try {
            const { findings, notLinted } = await lintPending(source, status, options, catalogTableSizes(client));
            return { status, lint: findings, notLinted };
        }
        catch (error) {
            if (error.code !== '55P03')
                throw error;
            throw new errors/* DbopsError */.zJ('CHECK_FAILED', `Lock timeout: reading the sizes of the tables the pending migrations touch waited longer than lock-timeout ` +
                `(${readLockTimeoutMs / 1000}s); another session holds a lock on one of them. No migration was run.`, {
                input: 'lock-timeout',
                hint: 'Find the holder with SELECT pid, application_name, state, query FROM pg_stat_activity WHERE pid IN ' +
                    "(SELECT pid FROM pg_locks WHERE mode = 'AccessExclusiveLock'); let it finish, then deploy again.",
            });
        }
    });
    const blockers = migrationBlockers(read.status, {
        projectDir: options.project.projectDir,
        ...(command ? prismaPrefix(command) : {}),
    });
    annotate(read.lint, log);
    return {
        mode: options.mode,
        source: { tool: source.tool, folder: source.folder, tracking: source.tracking },
        ...(command ? { command } : {}),
        ...read,
        blockers,
    };
}
/** Lints the migrations the next deploy runs, in order, with the live tables' sizes. */
async function lintPending(source, status, options, tableSizes) {
    const pending = new Set(status.tracking.table ? status.pending : status.migrations.map((m) => m.name));
    const migrations = (await source.list()).filter((m) => pending.has(m.name));
    const readable = migrations.flatMap((m) => (m.sql === undefined ? [] : [{ name: m.name, file: m.file, sql: m.sql }]));
    const findings = await lintMigrations(readable, {
        transactionMode: source.transactionMode,
        tableSizes,
        lockTimeoutGiven: options.lockTimeoutMs > 0,
        ...(options.bigTable ? { bigTable: options.bigTable } : {}),
    });
    return { findings, notLinted: migrations.filter((m) => m.sql === undefined).map((m) => m.name) };
}
/** Each finding on its migration's line: an annotation on GitHub, `file:line:` in a terminal. */
function annotate(findings, log) {
    for (const f of findings) {
        const at = { file: f.file, line: f.line, ...(f.column !== undefined ? { column: f.column } : {}) };
        const message = `[${f.rule}] ${f.reason} Fix: ${f.fix}`;
        if (f.severity === 'error')
            log.error(message, at);
        else if (f.severity === 'warning')
            log.warn(message, at);
        else
            log.info(`${f.file}:${f.line}: [${f.rule}] ${f.reason}`);
    }
}
/** A deploy that would fail anyway (a blocker) or that lint refuses stops before the backup and the command. */
function stopBeforeRunning(result, failOn) {
    if (result.blockers.length > 0) {
        const first = result.blockers[0];
        return new errors/* DbopsError */.zJ('CHECK_FAILED', `${result.blockers.length} problem(s) stop the deploy before anything runs: ${first.message}`, { hint: first.steps.join(' ') });
    }
    const failing = result.lint.filter((f) => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning'));
    if (failOn !== 'never' && failing.length > 0) {
        const first = failing[0];
        return new errors/* DbopsError */.zJ('CHECK_FAILED', `Lint found ${failing.length} finding(s) at or above lint-fail-on (${failOn}); the first: ${first.migration} ` +
            `line ${first.line}: [${first.rule}] ${first.reason}`, {
            input: 'lint-fail-on',
            hint: `${first.fix} Or suppress it: -- dbops-lint-disable ${first.rule} reason: <why it is safe>`,
        });
    }
    return undefined;
}
/** Deploy mode past the checks, under the deploy lock: backup, command, and what it did. */
async function deploy(source, command, result, options) {
    const { log, target, signal } = options;
    const context = { log, ...(signal ? { signal } : {}) };
    const engine = (0,databases/* sqlEngineFor */.mO)(target, 'migrate-deploy');
    const before = result.status;
    return engine.withSqlSession(target, context, async (client) => {
        const taken = options.backup ? await preDeployBackup(options) : undefined;
        if (!taken)
            log.warn('backup: false: migrating without a backup taken first.');
        if (signal?.aborted)
            throw (0,errors/* cancelled */.KW)('No migration was run.');
        // A second session reads half of each schema snapshot, so that the server reads it on two cores.
        return await engine.withSqlSession(target, context, async (reader) => {
            const schemaBefore = await takeSchemaSnapshot(client, reader);
            log.info(`Running \`${options.secrets.redact(command)}\` in ${options.project.projectDir}`);
            let run;
            let error;
            const applicationName = commandApplicationName();
            const environment = await commandEnvironment(target, options.env, applicationName);
            try {
                run = await runMigrationCommand({
                    command,
                    cwd: options.project.projectDir,
                    databaseUrl: environment.databaseUrl,
                    secrets: options.secrets,
                    lockTimeoutMs: options.lockTimeoutMs,
                    ...(options.statementTimeoutMs ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
                    env: environment.env,
                    onLine: (line) => log.info(`  ${line}`),
                    ...(signal ? { signal } : {}),
                });
            }
            catch (failed) {
                error = failed;
            }
            if (signal?.aborted) {
                await environment.dispose();
                throw await stoppedMidRun(source, before, schemaBefore, command, applicationName, options);
            }
            const after = await readMigrationStatus(source, client);
            const schemaAfter = await takeSchemaSnapshot(client, reader);
            const done = {
                ...result,
                status: before,
                ...(taken ? { backup: taken } : {}),
                ...(run ? { run } : {}),
                applied: appliedDiff(before, after),
                schemaChanges: withoutTrackingTable(schemaDiff(schemaBefore, schemaAfter), source.tracking.table),
            };
            try {
                if (error === undefined && nothingApplied(done, source)) {
                    // The schema changed: the command migrated this database, recording it somewhere dbops does not read (a
                    // tool's own tracking table name or schema). Only a run that changed nothing here is a failure.
                    if (done.schemaChanges.length > 0)
                        log.warn(trackingUnmoved(done, source));
                    else
                        return { ...done, failure: nothingAppliedError(done, source) };
                }
                if (error === undefined)
                    return done;
                if (error.code === 'CANCELLED')
                    throw error;
                const explanation = await explainFailure({
                    source,
                    statusBefore: before,
                    statusAfter: after,
                    schemaBefore,
                    schemaAfter,
                    outcome: { error },
                    ...(taken ? { backup: backupRecord(taken, options.backup) } : {}),
                    command,
                    projectDir: options.project.projectDir,
                    secrets: options.secrets,
                });
                for (const line of explanation.lines)
                    log.error(line);
                const resolved = options.resolveFailed === 'rolled-back'
                    ? await resolveFailed(explanation, source, client, command, environment, options)
                    : undefined;
                return {
                    ...done,
                    explanation,
                    ...(resolved ? { resolved } : {}),
                    failure: failureOf(explanation, error),
                };
            }
            finally {
                await environment.dispose();
            }
        });
    });
}
/**
 * The command exited 0, yet every migration pending before is pending still (nothing applied, nothing failed): it
 * migrated something else, most likely another database.
 */
function nothingApplied(done, source) {
    const diff = done.applied;
    return (Boolean(source.tracking.table) &&
        done.status.pending.length > 0 &&
        diff.applied.length === 0 &&
        diff.failed.length === 0);
}
function pendingShown(done) {
    const pending = done.status.pending;
    return pending.slice(0, 5).join(', ') + (pending.length > 5 ? ` and ${pending.length - 5} more` : '');
}
function trackingUnmoved(done, source) {
    return (`The migration command changed the schema (${done.schemaChanges.length} change(s)) but ${source.tracking.table} ` +
        `still lists ${done.status.pending.length} pending migration(s) (${pendingShown(done)}): the tool records its ` +
        'migrations elsewhere (another tracking table or schema), so dbops cannot tell which were applied.');
}
function nothingAppliedError(done, source) {
    const pending = done.status.pending;
    const shown = pendingShown(done);
    return new errors/* DbopsError */.zJ('CHECK_FAILED', `The migration command exited 0 but applied none of the ${pending.length} pending migration(s) (${shown}): ` +
        `${source.tracking.table} in this database is unchanged, so the command most likely migrated another database.`, {
        input: 'command',
        hint: 'The command must migrate the database in DATABASE_URL, which dbops sets for it: check that the tool reads ' +
            'that variable (Prisma: the datasource\'s url = env("DATABASE_URL") in schema.prisma or prisma.config.ts), ' +
            'that the command does not set a URL of its own, and that it runs on the migrations folder dbops read ' +
            `(${source.folder}).`,
    });
}
/**
 * A cancel stopped the command mid-run. It also ended dbops's own sessions, so a new one (outside the cancel, bounded
 * by connect-timeout) stops the SQL the command left running in the server, reads where each migration stands, and
 * compares the schema with the snapshot taken before the command: what the run left applied, or proof that nothing is.
 */
async function stoppedMidRun(source, before, schemaBefore, command, applicationName, options) {
    const { log, target } = options;
    const stopped = 'The migration command was stopped mid-run';
    const check = `Run \`dbops migrate-status\` to see where each migration stands before deploying again.`;
    try {
        return await (0,databases/* sqlEngineFor */.mO)(target, 'migrate-deploy').withSqlSession(target, { log }, async (client) => {
            const queries = await cancelCommandQueries(client, applicationName);
            const after = await readMigrationStatus(source, client);
            const diff = appliedDiff(before, after);
            const left = withoutTrackingTable(schemaDiff(schemaBefore, await takeSchemaSnapshot(client)), source.tracking.table);
            const ended = queries.cancelled.length + queries.terminated.length;
            const sql = ended > 0
                ? `its ${ended} statement(s) still running in PostgreSQL were cancelled (backend ${[...queries.cancelled, ...queries.terminated].join(', ')}${queries.terminated.length > 0 ? `; ${queries.terminated.length} had to be terminated` : ''})`
                : 'none of its statements was still running in PostgreSQL';
            const state = [
                `applied by this run: ${diff.applied.map((m) => m.name).join(', ') || 'none'}`,
                ...(after.failed.length > 0 ? [`started and not finished: ${after.failed.join(', ')}`] : []),
                `still pending: ${after.pending.join(', ') || 'none'}`,
            ].join('; ');
            // A migration the tool recorded as started stops the next deploy (Prisma's P3009): say how to clear it.
            const blocked = migrationBlockers(after, { projectDir: options.project.projectDir, ...prismaPrefix(command) })
                .filter((b) => b.kind === 'failed' && !before.failed.includes(b.migration))
                .map((b) => ` ${b.migration} blocks the next deploy until it is resolved: ${b.steps.join(' ')}`)
                .join('');
            return (0,errors/* cancelled */.KW)(`${stopped}; ${sql}. State left: ${state}. ${schemaLeft(left, diff.applied.length > 0)}${blocked} ${check}`);
        });
    }
    catch (error) {
        return (0,errors/* cancelled */.KW)(`${stopped}; the migration it was running was not finished and may be partly applied ` +
            `(pending before: ${before.pending.join(', ')}). Its statements may still be running in PostgreSQL (find them ` +
            `with SELECT pid, query FROM pg_stat_activity WHERE application_name = '${applicationName}'): dbops could ` +
            `not reach the server to cancel them (${options.secrets.redact(error.message)}). ${check}`);
    }
}
/** What a stopped run left in the schema, from the snapshots before the command and after the cancel. */
function schemaLeft(changes, appliedSome) {
    if (changes.length === 0)
        return 'The schema is as it was before the run (same fingerprint): nothing of the stopped migration is applied.';
    const shown = changes.slice(0, 10).map(describeSchemaChange).join('; ');
    const more = changes.length > 10 ? `; and ${changes.length - 10} more` : '';
    const whose = appliedSome
        ? 'the migrations it applied and any part of the stopped one that ran outside a transaction'
        : 'the stopped migration ran partly outside a transaction';
    return `Schema changes left by this run (${whose}): ${shown}${more}.`;
}
/** The backup before migrating, through the backup operation; its failure stops the deploy (nothing is migrated). */
async function preDeployBackup(options) {
    const { log } = options;
    try {
        return await log.group('Backup before migrating', () => (0,backup/* backup */.R)({
            ...options.backup,
            target: options.target,
            log,
            secrets: options.secrets,
            env: options.env,
            ...(options.signal ? { signal: options.signal } : {}),
        }));
    }
    catch (error) {
        const e = error;
        if (e.code === 'CANCELLED')
            throw error;
        throw new errors/* DbopsError */.zJ('CHECK_FAILED', `The backup before migrating failed, so no migration was run: ${e.message}`, {
            input: 'backup-to',
            cause: error,
            hint: error.hint ?? 'Fix the backup (the message above says what failed) and deploy again.',
        });
    }
}
/** The Prisma CLI prefix for the blockers' commands, where the command shows it. */
function prismaPrefix(command) {
    try {
        return { prismaCommand: prismaCommandOf(command).prefix };
    }
    catch {
        return {};
    }
}
function backupRecord(taken, options) {
    return {
        id: taken.backupId,
        location: options.to,
        takenAt: new Date(taken.manifest.startedAt),
        ...(options.recipients.length > 0
            ? { encryption: 'recipients' }
            : options.passphrase
                ? { encryption: 'passphrase' }
                : {}),
    };
}
/** resolve-failed: rolled-back, only where the explanation proves nothing of the migration was applied. */
async function resolveFailed(explanation, source, client, command, environment, options) {
    const { log } = options;
    try {
        const resolved = await resolveRolledBack({
            explanation,
            source,
            client,
            command,
            cwd: options.project.projectDir,
            databaseUrl: environment.databaseUrl,
            secrets: options.secrets,
            lockTimeoutMs: options.lockTimeoutMs,
            env: environment.env,
            onLine: (line) => log.info(`  ${line}`),
            ...(options.signal ? { signal: options.signal } : {}),
        });
        log.info(`resolve-failed: ${resolved.migration} is marked rolled back; the next deploy runs it again.`);
        return resolved.migration;
    }
    catch (error) {
        log.error(`resolve-failed: rolled-back refused: ${error.message}`);
        return undefined;
    }
}
/** The run's error, told as the explanation tells it; the hint carries the first way out. */
function failureOf(explanation, error) {
    const route = explanation.routes[0];
    return new errors/* DbopsError */.zJ(error.code ?? 'CHECK_FAILED', explanation.lines.slice(0, 3).join(' '), {
        cause: error,
        ...(route ? { hint: `${route.title}: ${route.steps.join(' ')}` } : {}),
    });
}
//# sourceMappingURL=migrate-deploy.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/connection.js
var connection = __webpack_require__(37912);
;// CONCATENATED MODULE: ./packages/core/lib/migrations/rehearsal/attribution.js
/** Attributes every episode; `candidates` in the tool's order. */
function attributeEpisodes(episodes, candidates) {
    const texts = candidates.map((c) => (c.sql === undefined ? undefined : normalizeSql(c.sql)));
    const ordered = [...episodes.keys()].sort((a, b) => episodes[a].firstSeenAt.getTime() - episodes[b].firstSeenAt.getTime());
    const result = new Array(episodes.length);
    let cursor = 0;
    for (const index of ordered) {
        const episode = episodes[index];
        const byTime = byTimestamps(episode.firstSeenAt, candidates);
        if (byTime !== undefined) {
            result[index] = { migration: candidates[byTime].name, method: 'tool-timestamps' };
            cursor = byTime;
            continue;
        }
        const byText = byQueryText(normalizeSql(episode.firstQuery), texts, cursor);
        if (byText !== undefined) {
            result[index] = { migration: candidates[byText].name, method: 'query-text' };
            cursor = byText;
            continue;
        }
        result[index] = {};
    }
    return result;
}
function byTimestamps(at, candidates) {
    const time = at.getTime();
    const index = candidates.findIndex((c) => c.startedAt && time >= c.startedAt.getTime() && (!c.finishedAt || time <= c.finishedAt.getTime()));
    return index === -1 ? undefined : index;
}
// Too short to tell migrations apart (BEGIN, COMMIT): such a text says nothing about which file runs.
const MIN_QUERY_CHARS = 12;
function byQueryText(query, texts, cursor) {
    if (query.length < MIN_QUERY_CHARS)
        return undefined;
    const matches = texts.flatMap((text, index) => (text?.includes(query) ? [index] : []));
    if (matches.length === 0) {
        // Cut at track_activity_query_size mid-character or mid-word: try without its last characters.
        const shorter = query.slice(0, -8).trimEnd();
        return shorter.length >= MIN_QUERY_CHARS && query.length >= 512 ? byQueryText(shorter, texts, cursor) : undefined;
    }
    return matches.find((index) => index >= cursor) ?? matches[0];
}
/** Comments out, whitespace collapsed, empty statements and trailing semicolons off: the same text however a tool split or sent it. */
function normalizeSql(sql) {
    return sql
        .replace(/\/\*[\s\S]*?\*\//g, ' ')
        .replace(/--[^\n]*/g, ' ')
        .replace(/\s+/g, ' ')
        .replace(/;( ?;)+/g, ';') // node-pg-migrate appends a ";" of its own
        .replace(/[\s;]+$/, '')
        .trim();
}
//# sourceMappingURL=attribution.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/rehearsal/describe.js
/** The sentences a rehearsal reports, e.g. "20261201_add_status holds ACCESS EXCLUSIVE on public.orders (12 M rows, 1.2 GiB) for 48.0 s". */

function formatMs(ms) {
    return ms < 1000 ? `${Math.round(ms)} ms` : (0,format/* formatSeconds */.Xo)(ms / 1000);
}
/** 950 rows, 200 k rows, 12 M rows, 3.4 G rows. */
function formatRows(rows) {
    const scaled = (value, unit) => `${value.toFixed(value >= 10 ? 0 : 1)} ${unit} rows`;
    if (rows >= 1e9)
        return scaled(rows / 1e9, 'G');
    if (rows >= 1e6)
        return scaled(rows / 1e6, 'M');
    if (rows >= 1e3)
        return scaled(rows / 1e3, 'k');
    return `${rows} ${rows === 1 ? 'row' : 'rows'}`;
}
/**
 * "holds ACCESS EXCLUSIVE on public.orders (12 M rows, 1.2 GiB) for 48.0 s", or for a lock only waited for, "waited
 * 1.0 s for ACCESS EXCLUSIVE on public.accounts (…) without getting it". `past` for a migration that failed.
 */
function describeLock(lock, past = false) {
    const size = [
        ...(lock.rowsEstimate !== undefined ? [formatRows(lock.rowsEstimate)] : []),
        ...(lock.sizeBytes !== undefined ? [(0,format/* formatBytes */.z3)(lock.sizeBytes)] : []),
    ];
    const what = `${lock.mode} on ${lock.relation}${size.length > 0 ? ` (${size.join(', ')})` : ''}`;
    const waited = lock.waitedMs !== undefined ? formatMs(lock.waitedMs) : undefined;
    if (lock.samples === 0)
        return `waited ${waited ?? 'briefly'} for ${what} without getting it`;
    // One sample gives no span: the lock lasted less than two sample intervals.
    const held = lock.samples === 1 ? 'briefly (one sample)' : `for ${formatMs(lock.heldMs)}`;
    return `${past ? 'held' : 'holds'} ${what} ${held}${waited ? ` after waiting ${waited}` : ''}`;
}
//# sourceMappingURL=describe.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/rehearsal/failed-migration.js
function failedMigration(diff, candidates, output, commandError) {
    const recorded = diff?.failed[0];
    const named = recorded?.name ?? lastNamed(candidates, output) ?? firstStillPending(diff, candidates);
    const error = failed_migration_databaseError(recorded?.logs ?? '') ?? failed_migration_databaseError(output.join('\n')) ?? commandError.split('\n')[0];
    return { ...(named ? { migration: named } : {}), error };
}
function lastNamed(candidates, output) {
    // Longest names first, so 1_add_status_index is not read as 1_add_status.
    const byLength = [...candidates].sort((a, b) => b.length - a.length);
    for (let i = output.length - 1; i >= 0; i--) {
        const found = byLength.find((name) => output[i].includes(name));
        if (found)
            return found;
    }
    return undefined;
}
function firstStillPending(diff, candidates) {
    if (!diff)
        return undefined;
    const pending = new Set(diff.stillPending);
    return candidates.find((name) => pending.has(name));
}
/** PostgreSQL's message as libpq tools and Prisma print it: "ERROR:  division by zero". */
function failed_migration_databaseError(text) {
    const match = /\bERROR:\s+(.+)/.exec(text);
    return match?.[1]?.trim();
}
//# sourceMappingURL=failed-migration.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/rehearsal/lock-modes.js
/**
 * PostgreSQL's table lock modes, weakest first: the order of the lock-conflict table in the manual ("Explicit
 * Locking"). Each mode conflicts with every mode the one before it conflicts with, and more, so "stronger" is
 * well defined and ACCESS EXCLUSIVE, which conflicts with everything (plain SELECT too), is the strongest.
 */
const LOCK_MODES = [
    'ACCESS SHARE',
    'ROW SHARE',
    'ROW EXCLUSIVE',
    'SHARE UPDATE EXCLUSIVE',
    'SHARE',
    'SHARE ROW EXCLUSIVE',
    'EXCLUSIVE',
    'ACCESS EXCLUSIVE',
];
/** pg_locks.mode spells the modes as in the server's source: AccessExclusiveLock → ACCESS EXCLUSIVE. */
function lockModeFromPg(mode) {
    const words = mode
        .replace(/Lock$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toUpperCase();
    return LOCK_MODES.includes(words) ? words : undefined;
}
/** Higher is stronger. */
function lockStrength(mode) {
    return LOCK_MODES.indexOf(mode);
}
/**
 * Whether a lock stops the application's writes (INSERT/UPDATE/DELETE take ROW EXCLUSIVE): SHARE and stronger.
 * These are the locks a deploy's max-lock-time is about; weaker ones (CREATE INDEX CONCURRENTLY's SHARE UPDATE
 * EXCLUSIVE, a migration's own reads and writes) block only other DDL.
 */
function blocksWrites(mode) {
    return lockStrength(mode) >= lockStrength('SHARE');
}
/** Whether a lock stops plain reads too: only ACCESS EXCLUSIVE. */
function blocksReads(mode) {
    return mode === 'ACCESS EXCLUSIVE';
}
//# sourceMappingURL=lock-modes.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/rehearsal/lock-sampler.js

const DEFAULT_SAMPLE_INTERVAL_MS = 100;
const MAX_KEPT_ERRORS = 5;
// relation >= 16384 (FirstNormalObjectId) leaves out the system catalogs every DDL statement locks.
const SAMPLE_SQL = `
SELECT clock_timestamp() AS at, l.pid, l.mode, l.granted, c.oid::text AS oid, n.nspname AS schema,
       c.relname AS table, c.reltuples, a.xact_start, a.query
  FROM pg_locks l
  JOIN pg_stat_activity a ON a.pid = l.pid
  JOIN pg_class c ON c.oid = l.relation
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE l.locktype = 'relation'
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND l.relation >= 16384
   AND l.pid <> ALL ($1::int[])
   AND a.backend_type = 'client backend'
   AND c.relkind IN ('r', 'p', 'm', 'f')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')`;
/** Starts sampling on `client`, which must be connected to the database to watch and used for nothing else. */
async function startLockSampler(client, options = {}) {
    const intervalMs = options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
    const own = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const ignored = [own, ...(options.ignorePids ?? [])];
    const episodes = new Map();
    const observations = { episodes: [], samples: 0, samplingMs: 0, intervalMs, errors: [] };
    const sample = async () => {
        const started = performance.now();
        try {
            // Named, so the server plans it once: planning costs more than running it (1.3 ms against 0.5 ms).
            const { rows } = await client.query({
                name: 'dbops-lock-sample',
                text: SAMPLE_SQL,
                values: [ignored],
            });
            for (const row of rows)
                record(episodes, row);
            observations.samples += 1;
        }
        catch (error) {
            if (observations.errors.length < MAX_KEPT_ERRORS)
                observations.errors.push(error.message);
        }
        finally {
            observations.samplingMs += performance.now() - started;
        }
    };
    // A chain of timeouts, not setInterval: a slow sample delays the next one instead of piling queries up.
    let stopped = false;
    let timer;
    let running = sample();
    const schedule = () => {
        if (stopped)
            return;
        timer = setTimeout(() => {
            running = sample().then(schedule);
        }, intervalMs);
    };
    void running.then(schedule);
    return {
        async stop() {
            stopped = true;
            clearTimeout(timer);
            await running;
            await sample(); // the locks as the command left them (none, normally)
            observations.episodes = [...episodes.values()];
            return observations;
        },
    };
}
function record(episodes, row) {
    const mode = lockModeFromPg(row.mode);
    if (!mode)
        return;
    const key = `${row.pid}/${row.xact_start?.getTime() ?? ''}/${row.oid}/${mode}`;
    let episode = episodes.get(key);
    if (!episode) {
        episode = {
            pid: row.pid,
            ...(row.xact_start ? { transactionStart: row.xact_start } : {}),
            oid: row.oid,
            schema: row.schema,
            table: row.table,
            mode,
            ...(row.reltuples >= 0 ? { rowsEstimate: Math.round(row.reltuples) } : {}),
            firstSeenAt: row.at,
            firstQuery: row.query ?? '',
            grantedSamples: 0,
            waitSamples: 0,
        };
        episodes.set(key, episode);
    }
    if (row.granted) {
        episode.firstGrantedAt ??= row.at;
        episode.lastGrantedAt = row.at;
        episode.grantedSamples += 1;
    }
    else {
        episode.firstWaitAt ??= row.at;
        episode.lastWaitAt = row.at;
        episode.waitSamples += 1;
    }
}
//# sourceMappingURL=lock-sampler.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/rehearsal/locks-by-migration.js
/**
 * The sampler's episodes folded into what a person reads: per migration and table, the strongest lock mode it took
 * and how long that mode was held, with the table's size and row estimate.
 */

/** Groups episodes by table; the locks strongest first, then longest held. `sizes` by oid. */
function foldLocks(episodes, sizes) {
    const byTable = new Map();
    for (const episode of episodes)
        byTable.set(episode.oid, [...(byTable.get(episode.oid) ?? []), episode]);
    const locks = [];
    for (const [oid, group] of byTable) {
        const granted = group.filter((e) => e.grantedSamples > 0);
        // A table only waited for still counts: the wait itself blocks everyone queued behind it.
        const considered = granted.length > 0 ? granted : group;
        const mode = considered.reduce((strongest, e) => (lockStrength(e.mode) > lockStrength(strongest) ? e.mode : strongest), considered[0].mode);
        const ofMode = considered.filter((e) => e.mode === mode);
        const heldMs = Math.max(0, ...ofMode.map((e) => span(e.firstGrantedAt, e.lastGrantedAt)));
        const waited = group.filter((e) => e.waitSamples > 0);
        const first = group[0];
        const size = sizes.get(oid);
        const rows = group.find((e) => e.rowsEstimate !== undefined)?.rowsEstimate;
        locks.push({
            relation: `${first.schema}.${first.table}`,
            schema: first.schema,
            table: first.table,
            mode,
            heldMs,
            samples: ofMode.reduce((sum, e) => sum + e.grantedSamples, 0),
            ...(waited.length > 0 ? { waitedMs: Math.max(...waited.map((e) => span(e.firstWaitAt, e.lastWaitAt))) } : {}),
            ...(size !== undefined ? { sizeBytes: size } : {}),
            ...(rows !== undefined ? { rowsEstimate: rows } : {}),
        });
    }
    return locks.sort((a, b) => lockStrength(b.mode) - lockStrength(a.mode) || b.heldMs - a.heldMs);
}
function span(first, last) {
    return first && last ? last.getTime() - first.getTime() : 0;
}
//# sourceMappingURL=locks-by-migration.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/rehearsal/scratch-target.js
/**
 * The rehearsal runs migrations for real, so the database it runs them in must not be the one they are meant for:
 * a target-url naming the same host, port and database as database-url is refused before anything connects. Only
 * the URLs are compared (dbops never connects to database-url in a rehearsal); the loopback names count as one host.
 */


const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
/** Parses the scratch URL (errors name target-url) and refuses it when it is the database database-url names. */
function scratchTarget(scratchUrl, databaseUrl, env) {
    const scratch = (0,postgres_target/* parsePgTarget */.E5)({ url: scratchUrl, ...(env ? { env } : {}) }, 'target-url');
    if (databaseUrl === undefined)
        return scratch;
    const production = (0,postgres_target/* parsePgTarget */.E5)({ url: databaseUrl, ...(env ? { env } : {}) }, 'database-url');
    if (sameDatabase(scratch, production)) {
        throw new errors/* DbopsError */.zJ('UNSAFE_TARGET', `target-url names the same database as database-url (${hostName(scratch.host)}:${scratch.port}/${scratch.database}): a rehearsal runs the pending migrations in target-url's database`, {
            input: 'target-url',
            hint: 'Point target-url at a disposable server or database (e.g. a postgres service container); the rehearsal restores a copy or builds the schema there and never touches database-url.',
        });
    }
    return scratch;
}
function sameDatabase(a, b) {
    return hostName(a.host) === hostName(b.host) && a.port === b.port && a.database === b.database;
}
function hostName(host) {
    const lower = host.toLowerCase().replace(/\.$/, '');
    return LOOPBACK.has(lower) ? 'localhost' : lower;
}
//# sourceMappingURL=scratch-target.js.map
;// CONCATENATED MODULE: ./packages/core/lib/migrations/rehearsal/rehearse.js















const KEPT_OUTPUT_LINES = 200;
async function rehearseMigrations(options) {
    const { log, secrets, source } = options;
    secrets.add(options.scratchUrl);
    secrets.add(options.databaseUrl);
    const target = scratchTarget(options.scratchUrl, options.databaseUrl, options.env);
    secrets.add(target.password);
    const statusClient = await (0,connection/* connect */.Ng)(target, log, options.signal);
    let samplerClient;
    let environment;
    try {
        samplerClient = await (0,connection/* connect */.Ng)(target, log, options.signal);
        const before = await readMigrationStatus(source, statusClient);
        const repository = await source.list();
        const tracked = source.tracking.table !== undefined;
        const candidateNames = tracked ? before.pending : repository.map((m) => m.name);
        if (tracked && candidateNames.length === 0)
            log.info('No pending migrations: the command runs all the same');
        const statusPid = (await statusClient.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        // As a deploy builds it: the job's PG* variables (production's, in a pipeline that also deploys) are replaced by
        // the scratch database's, or a psql in the command would migrate the database they name. The command's sessions
        // get a name of their own, not dbops's.
        environment = await commandEnvironment(target, options.env ?? process.env, commandApplicationName());
        const sampler = await startLockSampler(samplerClient, {
            intervalMs: options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS,
            ignorePids: [statusPid],
        });
        const output = [];
        const started = Date.now();
        let commandError;
        try {
            await runMigrationCommand({
                command: options.command,
                cwd: options.cwd,
                databaseUrl: environment.databaseUrl,
                secrets,
                lockTimeoutMs: options.lockTimeoutMs,
                ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
                env: environment.env,
                ...(options.signal ? { signal: options.signal } : {}),
                onLine: (line, stream) => {
                    output.push(line);
                    if (output.length > KEPT_OUTPUT_LINES)
                        output.shift();
                    options.onLine?.(line, stream);
                },
            });
        }
        catch (error) {
            // Only a command that ran and failed is a rehearsal result; a cancel or a command that cannot start is not.
            if (!(error instanceof errors/* DbopsError */.zJ) || error.code !== 'CHECK_FAILED') {
                await sampler.stop();
                throw error;
            }
            commandError = error;
        }
        const commandMs = Date.now() - started;
        const observations = await sampler.stop();
        const after = await readMigrationStatus(source, statusClient);
        const diff = tracked ? appliedDiff(before, after) : undefined;
        const excluded = await trackingTableOid(statusClient, source);
        const episodes = observations.episodes.filter((e) => e.oid !== excluded);
        const sizes = await tableSizes(statusClient, episodes.map((e) => e.oid));
        const bySql = new Map(repository.map((m) => [m.name, m.sql]));
        const candidates = candidateNames.map((name) => candidate(name, bySql.get(name), after));
        const attributions = attributeEpisodes(episodes, candidates);
        const episodesOf = new Map();
        attributions.forEach((a, i) => {
            episodesOf.set(a.migration, [...(episodesOf.get(a.migration) ?? []), episodes[i]]);
        });
        const failure = commandError ? failedMigration(diff, candidateNames, output, commandError.message) : undefined;
        const reported = tracked
            ? candidateNames
            : candidateNames.filter((name) => episodesOf.has(name) || failure?.migration === name);
        const migrations = reported.map((name) => rehearsedMigration(name, {
            locks: foldLocks(episodesOf.get(name) ?? [], sizes),
            outcome: outcomeOf(name, tracked, diff, failure),
            durationMs: diff?.applied.find((a) => a.name === name)?.durationMs,
            ...(failure?.migration === name ? { error: failure.error } : {}),
            options,
        }));
        const violations = migrations.flatMap((m) => m.violations);
        const anyDuration = migrations.some((m) => m.durationMs !== undefined);
        if (options.maxDurationMs !== undefined && !anyDuration && commandMs > options.maxDurationMs) {
            violations.push({
                threshold: 'max-duration',
                limitMs: options.maxDurationMs,
                actualMs: commandMs,
                message: `The migration command ran ${formatMs(commandMs)}, over max-duration ${formatMs(options.maxDurationMs)} (no migration's own duration was recorded, so the whole command is measured)`,
            });
        }
        const result = {
            scratch: (0,postgres_target/* describeTarget */.ff)(target),
            tool: source.tool,
            migrations,
            unattributed: foldLocks(episodesOf.get(undefined) ?? [], sizes),
            attribution: [...new Set(attributions.flatMap((a) => (a.method ? [a.method] : [])))],
            command: { succeeded: !commandError, durationMs: commandMs, lastLines: output.slice(-40) },
            ...(failure ? { failure } : {}),
            violations,
            passed: !failure && violations.length === 0,
            sampling: {
                intervalMs: observations.intervalMs,
                samples: observations.samples,
                samplingMs: Math.round(observations.samplingMs),
                overheadRatio: commandMs > 0 ? observations.samplingMs / commandMs : 0,
                errors: observations.errors.map((e) => secrets.redact(e)),
            },
        };
        for (const m of migrations)
            log.info(m.summary);
        for (const v of result.violations.filter((v) => !v.migration))
            log.warn(v.message);
        log.debug(`Lock sampling: ${result.sampling.samples} samples every ${result.sampling.intervalMs} ms, ${result.sampling.samplingMs} ms in queries (${(result.sampling.overheadRatio * 100).toFixed(1)}% of the command's ${commandMs} ms)`);
        return result;
    }
    finally {
        await environment?.dispose();
        await samplerClient?.end().catch(() => undefined);
        await statusClient.end().catch(() => undefined);
    }
}
function candidate(name, sql, after) {
    const entry = after.migrations.find((m) => m.name === name);
    return {
        name,
        ...(sql !== undefined ? { sql } : {}),
        ...(entry?.startedAt ? { startedAt: entry.startedAt } : {}),
        ...(entry?.finishedAt ? { finishedAt: entry.finishedAt } : {}),
    };
}
function outcomeOf(name, tracked, diff, failure) {
    if (failure?.migration === name)
        return 'failed';
    if (!tracked)
        return 'ran';
    return diff?.applied.some((a) => a.name === name) ? 'applied' : 'not-run';
}
function rehearsedMigration(name, parts) {
    const { locks, outcome, durationMs, error, options } = parts;
    const strongestLock = locks[0];
    const violations = [];
    if (options.maxLockTimeMs !== undefined) {
        for (const lock of locks) {
            if (!blocksWrites(lock.mode) || lock.heldMs <= options.maxLockTimeMs)
                continue;
            violations.push({
                threshold: 'max-lock-time',
                migration: name,
                limitMs: options.maxLockTimeMs,
                actualMs: lock.heldMs,
                message: `${name} holds ${lock.mode} on ${lock.relation} for ${formatMs(lock.heldMs)}, over max-lock-time ${formatMs(options.maxLockTimeMs)}`,
            });
        }
    }
    if (options.maxDurationMs !== undefined && durationMs !== undefined && durationMs > options.maxDurationMs) {
        violations.push({
            threshold: 'max-duration',
            migration: name,
            limitMs: options.maxDurationMs,
            actualMs: durationMs,
            message: `${name} ran ${formatMs(durationMs)}, over max-duration ${formatMs(options.maxDurationMs)}`,
        });
    }
    return {
        name,
        outcome,
        ...(durationMs !== undefined ? { durationMs } : {}),
        ...(strongestLock ? { strongestLock } : {}),
        locks,
        violations,
        ...(error !== undefined ? { error } : {}),
        summary: sentence(name, outcome, strongestLock, durationMs, error),
    };
}
function sentence(name, outcome, lock, durationMs, error) {
    if (outcome === 'not-run')
        return `${name} did not run: an earlier migration failed`;
    if (outcome === 'failed') {
        const before = lock ? `; before that it ${describeLock(lock, true)}` : '';
        return `${name} failed: ${error ?? 'see the command output'}${before}`;
    }
    const ran = durationMs !== undefined ? `; it ran ${formatMs(durationMs)}` : '';
    return `${name} ${lock ? describeLock(lock) : 'took no lock the sampler saw on an existing table'}${ran}`;
}
/** The tool's own table (Prisma's bookkeeping locks it on every migration): left out of the report. */
async function trackingTableOid(client, source) {
    if (!source.tracking.table)
        return undefined;
    const { rows } = await client.query('SELECT to_regclass($1)::oid::text AS oid', [
        source.tracking.table,
    ]);
    return rows[0]?.oid ?? undefined;
}
/** Sizes of the tables seen locked, by oid, in one query; a table dropped since is absent. */
async function tableSizes(client, oids) {
    const unique = [...new Set(oids)];
    if (unique.length === 0)
        return new Map();
    const { rows } = await client.query('SELECT c.oid::text AS oid, pg_total_relation_size(c.oid) AS bytes FROM pg_class c WHERE c.oid = ANY($1::oid[])', [unique]);
    return new Map(rows.map((r) => [r.oid, Number(r.bytes)]));
}
//# sourceMappingURL=rehearse.js.map
// EXTERNAL MODULE: ./packages/core/lib/operations/restore-test.js
var restore_test = __webpack_require__(15679);
;// CONCATENATED MODULE: ./packages/core/lib/operations/migrate-check.js











/**
 * migrate-deploy's check mode, for pull requests: a scratch database on target-url (the newest backup restored, or
 * empty), status and lint there (a restored copy has production's table sizes), then the pending migrations run
 * there with the same command while their locks are sampled; thresholds fail the check. The scratch database is
 * dropped; database-url is never connected to.
 */
async function migrateCheck(options) {
    const { log, target } = options;
    options.secrets.add(target.password);
    options.secrets.add(options.production?.password);
    refuseProduction(target, options.production);
    // The schema Prisma migrates: target-url's, else production's (database-url's), so the rehearsal migrates the same.
    const prismaSchema = prismaSchemaOf(target) ?? prismaSchemaOf(options.production);
    const source = await findMigrationSource({ ...options.project, ...(prismaSchema ? { prismaSchema } : {}) });
    const command = migrationCommand(source.tool, options.command);
    const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
    const scratch = await createScratch(options);
    try {
        const scratchTarget = withPrismaSchema({ ...target, database: scratch.database }, prismaSchema);
        const read = await readStatusAndLint(source, scratchTarget, command, { ...options, mode: 'check' });
        const rehearsal = await log.group(`Rehearsing ${read.status.pending.length} migration(s) on ${scratch.database}`, () => rehearseMigrations({
            scratchUrl: databaseUrlOn(scratchTarget, scratch.database),
            source,
            command,
            cwd: options.project.projectDir,
            env: options.env,
            secrets: options.secrets,
            lockTimeoutMs: options.lockTimeoutMs,
            ...(options.statementTimeoutMs ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
            ...(options.maxLockTimeMs !== undefined ? { maxLockTimeMs: options.maxLockTimeMs } : {}),
            ...(options.maxDurationMs !== undefined ? { maxDurationMs: options.maxDurationMs } : {}),
            log,
            onLine: (line) => log.info(`  ${line}`),
            ...(options.signal ? { signal: options.signal } : {}),
        }));
        for (const m of rehearsal.migrations)
            log.info(m.summary);
        const result = { ...read, rehearsal, scratch };
        const failure = stopBeforeRunning(result, options.lintFailOn) ?? rehearsalFailure(rehearsal);
        return failure ? { ...result, failure } : result;
    }
    finally {
        await dropScratch(target, scratch.database, context).catch((error) => log.warn(`Could not drop scratch database ${scratch.database}: ${error.message}`));
    }
}
/** Refused before anything connects: a rehearsal runs migrations for real in target-url's database. */
function refuseProduction(target, production) {
    if (!production || !sameDatabase(target, production))
        return;
    throw new errors/* DbopsError */.zJ('UNSAFE_TARGET', `target-url names the same database as database-url (${target.host}:${target.port}/${target.database}): check mode runs the pending migrations on target-url's server`, {
        input: 'target-url',
        hint: 'Point target-url at a disposable server (e.g. a postgres service container); check mode never touches database-url.',
    });
}
/** The newest backup restored and kept by restore-test's machinery, or an empty database. */
async function createScratch(options) {
    const { log, target } = options;
    if (options.rehearseFrom) {
        const restored = await log.group('Restoring the newest backup into a scratch database', () => (0,restore_test/* restoreTest */.$)({
            ...options.rehearseFrom,
            target,
            checks: [],
            keep: true,
            record: false,
            ...(options.pgBinDir ? { pgBinDir: options.pgBinDir } : {}),
            env: options.env,
            secrets: options.secrets,
            log,
            ...(options.signal ? { signal: options.signal } : {}),
        }));
        return { database: restored.scratchDatabase, backupId: restored.backupId };
    }
    const database = `dbops_rehearsal_${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
    const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
    await (0,databases/* sqlEngineFor */.mO)(target, 'migrate-deploy').withSqlSession(target, context, (client) => client.query(`CREATE DATABASE "${database}"`));
    log.info(`Created empty scratch database ${database}: the migrations build the schema from nothing.`);
    return { database };
}
async function dropScratch(target, database, context) {
    const server = await (0,databases/* engineFor */.Ec)(target).openScratchServer(target, context);
    try {
        await server.dropDatabase(database);
    }
    finally {
        await server.close();
    }
}
function rehearsalFailure(rehearsal) {
    if (rehearsal.passed)
        return undefined;
    if (rehearsal.failure) {
        const which = rehearsal.failure.migration ? `Migration ${rehearsal.failure.migration}` : 'The migration command';
        return new errors/* DbopsError */.zJ('CHECK_FAILED', `${which} failed in the rehearsal: ${rehearsal.failure.error}`, {
            hint: 'Fix the migration; the rehearsal ran it on a scratch copy, and production is untouched.',
        });
    }
    return new errors/* DbopsError */.zJ('CHECK_FAILED', `The rehearsal exceeded its thresholds: ${rehearsal.violations.map((v) => v.message).join('; ')}`, {
        input: rehearsal.violations[0]?.threshold,
        hint: 'Rewrite the migration to lock less (the lint findings say how), or raise the threshold if the lock is acceptable.',
    });
}
//# sourceMappingURL=migrate-check.js.map
// EXTERNAL MODULE: ./packages/core/lib/report/result.js
var report_result = __webpack_require__(97343);
;// CONCATENATED MODULE: ./packages/core/lib/report/migrate-summary.js



/** What migrate-deploy shows: status, blockers and their steps, lint findings, and, after a deploy, what changed. */
function migrateSummary(result, projectDir) {
    const status = result.failure
        ? 'failure'
        : result.lint.some((f) => f.severity === 'warning')
            ? 'warning'
            : 'ok';
    return {
        status,
        title: title(result),
        text: migrate_summary_sentence(result),
        blocks: [
            ...statusBlocks(result, projectDir),
            ...blockerBlocks(result),
            ...lintBlocks(result, projectDir),
            ...rehearsalBlocks(result),
            ...deployBlocks(result),
        ],
    };
}
/** The action's outputs. */
function migrateOutputs(result) {
    const applied = result.applied?.applied.map((m) => m.name) ?? [];
    const pending = result.applied ? result.applied.stillPending : result.status.pending;
    return {
        'pending-count': String(pending.length),
        pending: pending.join('\n'),
        failed: (result.applied?.failed.map((m) => m.name) ?? result.status.failed).join('\n'),
        applied: applied.join('\n'),
        'backup-id': result.backup?.backupId ?? '',
        'lint-errors': String(result.lint.filter((f) => f.severity === 'error').length),
        'lint-warnings': String(result.lint.filter((f) => f.severity === 'warning').length),
    };
}
function title(result) {
    if (result.mode === 'check')
        return result.failure ? 'Migration check failed' : 'Migration check passed';
    if (result.mode === 'status')
        return result.failure ? 'Migrations cannot deploy' : 'Migration status';
    if (result.failure)
        return result.run || result.applied ? 'Migration deploy failed' : 'Migration deploy stopped';
    const applied = result.applied?.applied.length ?? 0;
    return applied > 0 ? `Applied ${applied} migration(s)` : 'Nothing to apply';
}
function migrate_summary_sentence(result) {
    const s = result.status;
    const base = `${s.pending.length} pending, ${s.applied.length} applied, ${s.failed.length} failed (${result.source.tool}).`;
    return result.failure ? `${base} ${result.failure.message}` : base;
}
const STATE_STATUS = {
    applied: 'ok',
    failed: 'failure',
    'edited-after-applied': 'failure',
    'missing-from-repository': 'failure',
    pending: 'info',
    'rolled-back': 'info',
};
function statusBlocks(result, projectDir) {
    const s = result.status;
    const blocks = [
        {
            kind: 'facts',
            rows: [
                ['Tool', result.source.tool],
                ['Folder', (0,report_result/* code */.aY)((0,external_node_path_.relative)(projectDir, result.source.folder) || '.')],
                [
                    'Record',
                    result.source.tracking.table ? (0,report_result/* code */.aY)(result.source.tracking.table) : (result.source.tracking.reason ?? ''),
                ],
                ...(result.command ? [['Command', (0,report_result/* code */.aY)(result.command)]] : []),
            ],
        },
    ];
    // Applied migrations are the long, unremarkable part: the table shows the rest, the applied count is a fact.
    const shown = s.migrations.filter((m) => m.state !== 'applied');
    if (shown.length > 0) {
        blocks.push({
            kind: 'table',
            columns: ['', 'Migration', 'State'],
            rows: shown.map((m) => [{ status: STATE_STATUS[m.state] ?? 'unknown' }, (0,report_result/* code */.aY)(m.name), m.state]),
        });
    }
    blocks.push({ kind: 'note', text: `${s.applied.length} migration(s) already applied.` });
    return blocks;
}
function blockerBlocks(result) {
    return result.blockers.flatMap((b) => [
        { kind: 'heading', text: [`Blocked: `, (0,report_result/* code */.aY)(b.migration)], status: 'failure' },
        { kind: 'note', text: b.message },
        { kind: 'list', items: b.steps },
    ]);
}
function lintBlocks(result, projectDir) {
    const blocks = [];
    if (result.lint.length > 0) {
        blocks.push({ kind: 'heading', text: `Lint: ${result.lint.length} finding(s)` });
        blocks.push({
            kind: 'table',
            columns: ['', 'Where', 'Rule', 'Why', 'Safe rewrite'],
            rows: result.lint.map((f) => [
                { status: f.severity === 'error' ? 'failure' : f.severity === 'warning' ? 'warning' : 'info' },
                (0,report_result/* code */.aY)(`${(0,external_node_path_.relative)(projectDir, f.file)}:${f.line}`),
                (0,report_result/* code */.aY)(f.rule),
                f.reason,
                f.fix,
            ]),
        });
    }
    if (result.notLinted.length > 0)
        blocks.push({ kind: 'note', text: `Not linted (JavaScript migrations): ${result.notLinted.join(', ')}.` });
    return blocks;
}
function deployBlocks(result) {
    const blocks = [];
    if (result.backup) {
        blocks.push({
            kind: 'facts',
            rows: [
                ['Backup before migrating', (0,report_result/* code */.aY)(result.backup.backupId)],
                ['Backup location', (0,report_result/* code */.aY)(result.backup.location)],
            ],
        });
    }
    if (result.applied && result.applied.applied.length > 0) {
        blocks.push({
            kind: 'table',
            columns: ['Applied', 'Duration'],
            rows: result.applied.applied.map((m) => [
                (0,report_result/* code */.aY)(m.name),
                m.durationMs === undefined ? 'not recorded' : (0,format/* formatSeconds */.Xo)(m.durationMs / 1000),
            ]),
        });
    }
    if (result.applied && result.applied.failed.length > 0) {
        blocks.push({
            kind: 'table',
            columns: ['Failed', 'Database error'],
            rows: result.applied.failed.map((m) => [(0,report_result/* code */.aY)(m.name), firstErrorLine(m.logs) ?? 'see the command output']),
        });
    }
    if (result.schemaChanges) {
        blocks.push({ kind: 'heading', text: 'Schema changes' });
        blocks.push(result.schemaChanges.length === 0
            ? { kind: 'note', text: 'None: the schema is exactly as before.' }
            : {
                kind: 'table',
                columns: ['Change', 'Kind', 'Object', 'Definition'],
                rows: result.schemaChanges.map((c) => [
                    c.change,
                    c.kind,
                    (0,report_result/* code */.aY)(c.name),
                    c.definition ? (0,report_result/* code */.aY)(c.definition) : '',
                ]),
            });
    }
    if (result.explanation)
        blocks.push(...failureBlocks(result));
    if (result.run) {
        blocks.push({
            kind: 'folded',
            title: `Command output (last ${result.run.lastLines.length} lines, ${(0,format/* formatSeconds */.Xo)(result.run.durationMs / 1000)})`,
            blocks: [{ kind: 'list', items: result.run.lastLines.map((line) => (0,report_result/* code */.aY)(line)) }],
        });
    }
    return blocks;
}
/** check mode: each pending migration's rehearsal on the scratch copy: its duration and strongest lock. */
function rehearsalBlocks(result) {
    const r = result.rehearsal;
    if (!r)
        return [];
    const from = result.scratch?.backupId
        ? ['a copy of backup ', (0,report_result/* code */.aY)(result.scratch.backupId)]
        : ['an empty database (the migrations built the schema)'];
    return [
        { kind: 'heading', text: 'Rehearsal', status: r.passed ? 'ok' : 'failure' },
        { kind: 'note', text: ['On ', ...from, '; the scratch database is dropped.'] },
        {
            kind: 'table',
            columns: ['', 'Migration', 'Outcome', 'Duration', 'Strongest lock'],
            rows: r.migrations.map((m) => [
                { status: m.violations.length > 0 || m.outcome === 'failed' ? 'failure' : 'ok' },
                (0,report_result/* code */.aY)(m.name),
                m.outcome,
                m.durationMs === undefined ? '' : (0,format/* formatSeconds */.Xo)(m.durationMs / 1000),
                m.summary,
            ]),
        },
        ...(r.violations.length > 0 ? [{ kind: 'list', items: r.violations.map((v) => v.message) }] : []),
        {
            kind: 'note',
            text: `Locks sampled every ${r.sampling.intervalMs} ms (${r.sampling.samples} samples); a lock held for less may be missed.`,
        },
    ];
}
/** The failed migration explained, then each way out with its exact commands. */
function failureBlocks(result) {
    const e = result.explanation;
    return [
        { kind: 'heading', text: e.migration ? ['Failed: ', (0,report_result/* code */.aY)(e.migration.name)] : 'Failed', status: 'failure' },
        { kind: 'list', items: e.lines.slice(0, e.lines.length - e.routes.length) },
        ...(result.resolved
            ? [
                {
                    kind: 'note',
                    text: [(0,report_result/* code */.aY)(result.resolved), ' is marked rolled back (resolve-failed): the next deploy runs it again.'],
                },
            ]
            : []),
        ...e.routes.flatMap((route) => [
            { kind: 'heading', text: route.title },
            { kind: 'note', text: route.when },
            { kind: 'list', items: [...route.steps, ...route.commands.map((c) => (0,report_result/* code */.aY)(c))] },
        ]),
    ];
}
function firstErrorLine(logs) {
    return logs
        ?.split('\n')
        .map((l) => l.trim())
        .find((l) => /ERROR|error/.test(l));
}
//# sourceMappingURL=migrate-summary.js.map
// EXTERNAL MODULE: ./packages/core/lib/size.js
var size = __webpack_require__(50404);
// EXTERNAL MODULE: ./packages/core/lib/definitions/connection-inputs.js
var connection_inputs = __webpack_require__(47518);
// EXTERNAL MODULE: ./packages/core/lib/definitions/dump-inputs.js + 1 modules
var dump_inputs = __webpack_require__(89857);
// EXTERNAL MODULE: ./packages/core/lib/definitions/encryption-inputs.js
var encryption_inputs = __webpack_require__(43277);
// EXTERNAL MODULE: ./packages/core/lib/definitions/migrate-check-inputs.js
var migrate_check_inputs = __webpack_require__(74936);
// EXTERNAL MODULE: ./packages/core/lib/definitions/operation-context.js
var operation_context = __webpack_require__(28339);
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-inputs.js + 1 modules
var read_inputs = __webpack_require__(98521);
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-backup-name.js
var read_backup_name = __webpack_require__(42441);
// EXTERNAL MODULE: ./packages/core/lib/definitions/storage-inputs.js
var storage_inputs = __webpack_require__(13103);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/migrate-inputs.js

















/** What migrate-deploy and migrate-status share: where the migrations are, how they are linted, how a deploy runs. */
const TOOLS = ['prisma', 'node-pg-migrate', 'sql'];
/** Where the migrations are and how they are applied: the same for every mode. */
const MIGRATION_SOURCE_INPUTS = [
    {
        name: 'working-directory',
        description: 'The project folder (where package.json and the Prisma schema are); the command runs there.',
        type: 'string',
        default: '.',
    },
    {
        name: 'migrations',
        description: "The migrations folder, relative to working-directory. Found from the project when absent (prisma.config.ts, package.json's prisma.schema, prisma/schema.prisma; node-pg-migrate's migrations/).",
        type: 'string',
    },
    {
        name: 'tool',
        description: 'The migration tool (prisma, node-pg-migrate or sql), when the folder alone does not say.',
        type: 'enum',
        values: TOOLS,
    },
    {
        name: 'command',
        description: 'The shell command that applies the migrations. Default: `npx prisma migrate deploy` for Prisma, `npx node-pg-migrate up` for node-pg-migrate; required for plain SQL. It gets DATABASE_URL and PG* variables in its environment, never in argv.',
        type: 'string',
    },
    {
        name: 'lint-fail-on',
        description: 'Fail (before anything runs) on lint findings of this severity or worse (error, warning, or never to report only). A lock or rewrite of a table at least big-table-size or big-table-rows is an error; of a smaller one, info.',
        type: 'enum',
        values: LINT_FAIL_ON,
        default: 'error',
    },
    { name: 'big-table-size', description: 'A table this big or bigger is big.', type: 'size', default: '100MB' },
    {
        name: 'big-table-rows',
        description: 'A table with this many rows (the planner estimate) or more is big.',
        type: 'integer',
        default: String(DEFAULT_BIG_TABLE.rows),
    },
];
/** How the deploy itself runs: its timeouts and the backup before it. */
const MIGRATION_DEPLOY_INPUTS = [
    {
        name: 'lock-timeout',
        description: "lock_timeout for the command's sessions (PGOPTIONS): a migration queued behind a long transaction fails after this instead of blocking every query behind it. 0s for none.",
        type: 'duration',
        default: '5s',
    },
    {
        name: 'statement-timeout',
        description: "statement_timeout for the command's sessions (PGOPTIONS), e.g. 15m. None by default.",
        type: 'duration',
    },
    {
        name: 'deploy-lock-timeout',
        description: 'How long to wait for another dbops deploy of the same database to finish (one at a time); the error names the holder.',
        type: 'duration',
        default: '10m',
    },
    {
        name: 'resolve-failed',
        description: 'never, or rolled-back: mark a failed Prisma migration rolled back (so the next deploy runs it again), only when the schema fingerprint proves nothing of it was applied.',
        type: 'enum',
        values: RESOLVE_FAILED,
        default: 'never',
    },
    {
        name: 'backup',
        description: 'Take a verified backup before migrating. false is the only way to deploy without backup-to.',
        type: 'boolean',
        default: 'true',
    },
    {
        name: 'backup-to',
        description: 'Where the pre-deploy backup goes: s3://bucket/prefix or a local directory.',
        type: 'string',
        env: ['DBOPS_BACKUP_TO'],
    },
    {
        name: 'backup-name',
        description: 'Catalog name of the pre-deploy backup, as backup\'s name: letters, digits, ".", "_", "-" in "/"-separated segments, not under pre-restore/ (restores\' safety backups). Defaults to the database name.',
        type: 'string',
    },
    connection_inputs/* PG_BIN_DIR_INPUT */.LN,
    ...dump_inputs/* COMPRESSION_INPUTS */.zO,
    ...encryption_inputs/* ENCRYPTION_INPUTS */.O,
    ...storage_inputs/* S3_INPUTS */.Z,
];
const MIGRATE_OUTPUTS = [
    { name: 'pending-count', description: 'How many migrations are pending (after a deploy: still pending).' },
    { name: 'pending', description: 'The pending migrations, one per line.' },
    { name: 'failed', description: 'The failed migrations, one per line.' },
    { name: 'applied', description: 'The migrations this run applied, one per line.' },
    { name: 'backup-id', description: 'The backup taken before migrating.' },
    { name: 'lint-errors', description: 'How many lint findings are errors.' },
    { name: 'lint-warnings', description: 'How many lint findings are warnings.' },
];
/** Runs migrate-deploy in `mode`, reading the inputs of the definition that called it. */
async function runMigrate(definitionInputs, mode, raw, context) {
    const reader = new read_inputs/* InputReader */.i(definitionInputs, raw, context.env);
    const projectDir = (0,external_node_path_.resolve)(reader.optional('working-directory') ?? '.');
    const tool = reader.optional('tool') ? reader.oneOf('tool') : undefined;
    const migrationsPath = reader.optional('migrations');
    const command = reader.optional('command');
    const common = {
        project: { projectDir, ...(migrationsPath ? { path: migrationsPath } : {}), ...(tool ? { tool } : {}) },
        ...(command ? { command } : {}),
        lintFailOn: reader.oneOf('lint-fail-on'),
        bigTable: {
            bytes: (0,size/* parseSize */.DB)(reader.optional('big-table-size'), 'big-table-size'),
            rows: reader.integer('big-table-rows') ?? DEFAULT_BIG_TABLE.rows,
        },
        ...(0,operation_context/* operationContext */.L)(context),
    };
    const result = mode === 'check'
        ? await migrateCheck({ ...common, ...readTimeouts(reader), ...(await (0,migrate_check_inputs/* readCheckSettings */.u)(reader, context)) })
        : await migrateDeploy({
            ...common,
            mode,
            target: await (0,connection_inputs/* readConnection */.dC)(reader),
            ...(mode === 'deploy' ? readDeploySettings(reader, context) : { lockTimeoutMs: 0, deployLockTimeoutMs: 0 }),
        });
    return {
        outputs: migrateOutputs(result),
        results: [migrateSummary(result, projectDir)],
        json: result,
        ...(result.failure ? { failure: result.failure } : {}),
    };
}
/** The command's lock_timeout and statement_timeout (PGOPTIONS). */
function readTimeouts(reader) {
    const statement = reader.optional('statement-timeout');
    return {
        lockTimeoutMs: (0,duration/* parseTimeoutMs */.DS)(reader.optional('lock-timeout'), 'lock-timeout', '5s; or 0s for none'),
        ...(statement ? { statementTimeoutMs: (0,duration/* parseTimeoutMs */.DS)(statement, 'statement-timeout', '15m') } : {}),
    };
}
function readDeploySettings(reader, context) {
    return {
        ...readTimeouts(reader),
        deployLockTimeoutMs: (0,duration/* parseTimeoutMs */.DS)(reader.optional('deploy-lock-timeout'), 'deploy-lock-timeout', '10m'),
        resolveFailed: reader.oneOf('resolve-failed'),
        ...readBackup(reader, context),
    };
}
/** backup-to is required unless backup: false is said explicitly: no backup, no migration. */
function readBackup(reader, context) {
    const to = reader.optional('backup-to');
    if (!reader.boolean('backup')) {
        if (to)
            throw (0,errors/* invalidInput */.aY)('backup', 'is false, but backup-to is set', 'either backup-to (recommended) or backup: false, not both');
        return {};
    }
    if (!to) {
        throw (0,errors/* invalidInput */.aY)('backup-to', 'is required: migrate-deploy takes a verified backup before migrating', 's3://bucket/prefix or a directory; or backup: false to deploy without a backup (not recommended)');
    }
    return {
        backup: {
            to,
            toInput: 'backup-to',
            s3: (0,storage_inputs/* readS3Options */.R)(reader),
            ...(0,read_backup_name/* readBackupName */.y)(reader, 'backup-name'),
            ...(0,dump_inputs/* readCompression */.R_)(reader),
            ...(0,encryption_inputs/* readEncryption */._)(reader, context.secrets),
            scope: dump_scope/* FULL_SCOPE */.r,
            pgDumpArgs: [],
            ...(reader.optional('pg-bin-dir') ? { pgBinDir: reader.optional('pg-bin-dir') } : {}),
            exactCountMaxBytes: 64 * 1024 * 1024,
            lockWaitTimeoutMs: 10 * 60_000,
            ...(context.github ? { github: context.github } : {}),
            ...(context.artifacts ? { artifacts: context.artifacts } : {}),
        },
    };
}
//# sourceMappingURL=migrate-inputs.js.map

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
