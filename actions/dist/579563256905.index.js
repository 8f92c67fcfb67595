export const id = 579563256905;
export const ids = [579563256905];
export const modules = {

/***/ 87525:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   r: () => (/* binding */ FULL_SCOPE)
/* harmony export */ });
const FULL_SCOPE = { schemas: [], excludeSchemas: [], tables: [], excludeTables: [] };
//# sourceMappingURL=dump-scope.js.map

/***/ }),

/***/ 78573:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  restoreDefinition: () => (/* binding */ restoreDefinition)
});

// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/databases/index.js + 20 modules
var databases = __webpack_require__(93556);
// EXTERNAL MODULE: ./packages/core/lib/databases/dump-scope.js
var dump_scope = __webpack_require__(87525);
// EXTERNAL MODULE: ./packages/core/lib/manifest/layout.js
var layout = __webpack_require__(8273);
// EXTERNAL MODULE: ./packages/core/lib/restore/restore-backup.js + 2 modules
var restore_backup = __webpack_require__(31059);
// EXTERNAL MODULE: ./packages/core/lib/restore/select-backup.js
var select_backup = __webpack_require__(22909);
// EXTERNAL MODULE: ./packages/core/lib/operations/backup.js + 2 modules
var backup = __webpack_require__(83238);
// EXTERNAL MODULE: ./packages/core/lib/crypto/age/keys.js
var keys = __webpack_require__(16459);
;// CONCATENATED MODULE: ./packages/core/lib/operations/restore.js








/**
 * A real recovery: restores a backup into an existing database. A database that already holds tables is only
 * overwritten with clean: true (docs/architecture.md invariant 6), and by default after a safety backup of it.
 */
async function restore(given) {
    const { storage, manifest } = await (0,select_backup/* selectBackup */.V)(given, given.secrets);
    if (given.preserveUuids && manifest.engine !== 'mongodb') {
        throw (0,errors/* invalidInput */.aY)('preserve-uuids', `applies to MongoDB backups, and backup ${manifest.backupId} is a PostgreSQL one`, 'preserve-uuids only with a MongoDB backup (PostgreSQL tables have no UUIDs to keep)');
    }
    const engine = (0,databases/* engineForBackup */.Qv)(manifest, given.target);
    // The databases the backup goes into: a backup of several databases needs the user's choice (before any download).
    const options = { ...given, target: await restoreTarget(engine, manifest, given) };
    const { log } = options;
    const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
    /** Whether the target has been changed (emptied, or pg_restore started): what a cancel leaves depends on it. */
    let changed = false;
    try {
        // Refusals and missing client tools cost no download.
        const restorer = await engine.withRestoreTarget(options.target, context, async (session) => {
            await refuseUnlessClean(session, engine, options);
            await session.checkFits(manifest);
            const server = await session.server();
            const tools = { ...(options.pgBinDir ? { binDir: options.pgBinDir } : {}), env: options.env };
            return engine.findRestorer(server, manifest, tools);
        });
        // The backup is fetched and verified before the target is touched: a wrong key, a corrupt object or a full disk
        // fail while the target is as it was.
        const archive = await (0,restore_backup/* fetchBackup */.Tz)({
            storage,
            manifest,
            decryption: options.decryption,
            env: options.env,
            log,
            ...(options.signal ? { signal: options.signal } : {}),
        });
        try {
            // The download may have taken hours: look at the target again, on a fresh session. Each step has its own
            // session, so none sits idle through a safety backup or a long pg_restore (idle_session_timeout, NAT timeouts).
            const { existing, scope } = await engine.withRestoreTarget(options.target, context, async (session) => {
                const existing = await refuseUnlessClean(session, engine, options);
                return { existing, scope: existing > 0 ? await session.safetyScope?.() : undefined };
            });
            const safetyBackup = existing > 0 && options.safetyBackup
                ? await takeSafetyBackup(options, manifest, engine, scope ?? dump_scope/* FULL_SCOPE */.r)
                : undefined;
            if (options.signal?.aborted)
                throw (0,errors/* cancelled */.KW)();
            if (existing > 0) {
                log.info(`Emptying ${engine.describe(options.target)} (clean: true)`);
                // One transaction: a cancel that ends the session rolls it back.
                await engine.withRestoreTarget(options.target, context, (session) => session.clear());
                changed = true;
            }
            try {
                if (options.signal?.aborted)
                    throw (0,errors/* cancelled */.KW)();
                changed = true;
                const restored = await (0,restore_backup/* restoreArchive */.By)(archive, {
                    into: options.target,
                    restorer,
                    ...(options.jobs ? { jobs: options.jobs } : {}),
                    noOwner: options.noOwner,
                    ...(options.preserveUuids ? { preserveUuids: true } : {}),
                    env: options.env,
                    log,
                    ...(options.signal ? { signal: options.signal } : {}),
                });
                const restoredChecks = await engine.checkRestored(options.target, manifest, [], context, undefined, restored.outcome);
                const checks = [...restored.checks, ...restoredChecks.checks];
                const rows = restoredChecks.rows;
                return {
                    backupId: manifest.backupId,
                    manifest,
                    target: engine.describe(options.target),
                    ...(safetyBackup ? { safetyBackup } : {}),
                    restoredBytes: archive.rawBytes,
                    restoreSeconds: archive.seconds + restored.seconds,
                    rows,
                    checks,
                    passed: checks.every((c) => c.passed),
                };
            }
            catch (error) {
                if (existing > 0)
                    throw afterEmptying(error, options, engine, safetyBackup);
                throw afterEmpty(error, options, engine);
            }
        }
        finally {
            await archive.dispose();
        }
    }
    catch (error) {
        if (options.signal?.aborted && !changed)
            throw (0,errors/* cancelled */.KW)(`${engine.describe(options.target)} was not changed.`);
        throw error;
    }
}
/** The target a backup is restored into: the engine's, given the user's choice among the backup's databases. */
async function restoreTarget(engine, manifest, options) {
    const choice = options.choice ?? {};
    if (engine.restoreTarget)
        return engine.restoreTarget(options.target, manifest, choice);
    const input = choice.sourceDatabase !== undefined ? 'source-database' : choice.allDatabases ? 'all-databases' : '';
    if (!input)
        return options.target;
    throw (0,errors/* invalidInput */.aY)(input, `applies to MongoDB backups of several databases, and backup ${manifest.backupId} is a ${engine.name} one`, `no ${input}: the backup is restored into the database target-url names`);
}
/** What each engine counts as the target's user objects (its restore target's userObjects). */
const USER_OBJECTS = {
    postgresql: 'tables, views, sequences, functions or large objects',
    mongodb: 'collections or views',
};
/** The number of user objects in the target; refuses a non-empty target without clean (docs/architecture.md invariant 6). */
async function refuseUnlessClean(session, engine, options) {
    const existing = await session.userObjects();
    if (existing > 0 && !options.clean) {
        throw new errors/* DbopsError */.zJ('UNSAFE_TARGET', `${engine.describe(options.target)} already holds ${existing} objects (${USER_OBJECTS[engine.name]})`, {
            input: 'clean',
            hint: 'Pass --clean to drop and replace its objects (a safety backup is taken first), or restore into an empty database.',
        });
    }
    return existing;
}
/** A failure once the target was emptied leaves a partial restore: say so, and where its previous state is. */
function afterEmptying(error, options, engine, safetyBackup) {
    const failure = options.signal?.aborted ? (0,errors/* cancelled */.KW)('Run the restore again.') : (0,errors/* asDbopsError */.lS)(error);
    const previous = safetyBackup
        ? `Its previous state is in safety backup ${safetyBackup.backupId} (${safetyBackup.location}).`
        : 'No safety backup was taken (safety-backup: false).';
    return new errors/* DbopsError */.zJ(failure.code, `${failure.message}, after ${engine.describe(options.target)} was emptied: it now holds a partial restore`, {
        hint: `${failure.hint ?? 'Run the restore again.'} ${previous}`,
        ...(failure.input ? { input: failure.input } : {}),
        cause: error,
    });
}
/**
 * A failure once the restore began writing into a target that was empty: it may now hold part of the backup, which
 * makes the next run refuse it as not empty. Say so, and how to clean it up.
 */
function afterEmpty(error, options, engine) {
    const target = engine.describe(options.target);
    const cleanUp = 'empty it before you run the restore again, or run it with --clean --safety-backup false (they drop what it holds; a part of this backup needs no safety backup).';
    if (options.signal?.aborted)
        return (0,errors/* cancelled */.KW)(`${target}, empty before, may now hold part of the backup: ${cleanUp}`);
    const failure = (0,errors/* asDbopsError */.lS)(error);
    return new errors/* DbopsError */.zJ(failure.code, `${failure.message}, and ${target}, empty before, may now hold part of the backup`, {
        hint: `${failure.hint ?? 'Fix the cause above.'} Then ${cleanUp}`,
        ...(failure.input ? { input: failure.input } : {}),
        cause: error,
    });
}
/** A backup of the target as it is, before a clean restore replaces it, next to the backups (`pre-restore/<name>`). */
async function takeSafetyBackup(options, manifest, engine, scope) {
    const { log } = options;
    log.info(`Taking a safety backup of ${engine.describe(options.target)} before restoring over it`);
    if (options.decryption.identities.length === 0 && !options.decryption.passphrase) {
        log.warn('The safety backup is not encrypted: the backup being restored was not either. Pass decrypt-with to encrypt it.');
    }
    const result = await (0,backup/* backup */.R)({
        target: options.target,
        to: options.safetyBackupTo ?? options.from,
        toInput: options.safetyBackupTo ? 'safety-backup-to' : 'from',
        ...(options.s3 ? { s3: options.s3 } : {}),
        name: `${layout/* SAFETY_BACKUP_PREFIX */.X6}${manifest.name}`,
        compression: 'zstd',
        compressionLevel: 3,
        // The current data is as sensitive as the backups: encrypt it with the key that reads them.
        recipients: options.decryption.identities.map(keys/* identityToRecipient */.RE),
        ...(options.decryption.identities.length === 0 && options.decryption.passphrase
            ? { passphrase: options.decryption.passphrase }
            : {}),
        scope,
        pgDumpArgs: [],
        ...(options.pgBinDir ? { pgBinDir: options.pgBinDir } : {}),
        exactCountMaxBytes: 0,
        env: options.env,
        secrets: options.secrets,
        log,
        ...(options.signal ? { signal: options.signal } : {}),
    });
    log.info(`Safety backup ${result.backupId} stored at ${result.location}`);
    return result;
}
/** The error a restore fails with when it restored but a check failed: the data is there, but inspect it first. */
function restoreChecksFailure(result) {
    const failed = result.checks.filter((c) => !c.passed);
    if (failed.length === 0)
        return undefined;
    return new errors/* DbopsError */.zJ('CHECK_FAILED', `Restored, but ${failed.length} checks failed: ${failed.map((c) => c.name).join(', ')}`, { hint: 'Inspect the restored database before putting it back into service.' });
}
//# sourceMappingURL=restore.js.map
// EXTERNAL MODULE: ./packages/core/lib/report/restore-summary.js
var restore_summary = __webpack_require__(71207);
// EXTERNAL MODULE: ./packages/core/lib/storage/location.js
var storage_location = __webpack_require__(98272);
// EXTERNAL MODULE: ./packages/core/lib/definitions/backup-source-inputs.js
var backup_source_inputs = __webpack_require__(47864);
// EXTERNAL MODULE: ./packages/core/lib/definitions/connection-inputs.js
var connection_inputs = __webpack_require__(47518);
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-inputs.js + 1 modules
var read_inputs = __webpack_require__(98521);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/restore-inputs.js
/** What `dbops restore` adds to the backup source and the target: how it may change the target, and how it restores. */
const RESTORE_INPUTS = [
    {
        name: 'clean',
        description: 'Drop and replace the objects of a target that already holds tables. Without it such a target is refused.',
        default: 'false',
        type: 'boolean',
    },
    { name: 'force', description: 'The same as clean.', default: 'false', type: 'boolean' },
    {
        name: 'safety-backup',
        description: 'Back up a non-empty target before restoring over it.',
        default: 'true',
        type: 'boolean',
    },
    {
        name: 'safety-backup-to',
        description: 'Where the safety backup goes (default: the from location, under pre-restore/<name>).',
        type: 'string',
    },
    {
        name: 'no-owner',
        description: "Skip ownership and grants (when the source's roles do not exist on the target).",
        default: 'false',
        type: 'boolean',
    },
    {
        name: 'preserve-uuids',
        description: 'MongoDB: create each collection with the UUID it had at backup time, as mongorestore --preserveUUID (needs applyOps: the restore role).',
        default: 'false',
        type: 'boolean',
    },
    {
        name: 'source-database',
        description: 'MongoDB, a backup of several databases (databases, exclude-databases): the one of them to restore, into the database target-url names.',
        type: 'string',
    },
    {
        name: 'all-databases',
        description: 'MongoDB, a backup of several databases: restore every one of them, each under its own name on the target-url server.',
        default: 'false',
        type: 'boolean',
    },
    {
        name: 'jobs',
        description: 'pg_restore parallel jobs (default: the cores, 2 to 8).',
        type: 'integer',
        min: 1,
        max: 64,
    },
];
//# sourceMappingURL=restore-inputs.js.map
;// CONCATENATED MODULE: ./packages/core/lib/definitions/restore.js







const inputs = [
    ...(0,backup_source_inputs/* backupSourceInputs */.vW)(backup_source_inputs/* BACKUP_ID_INPUT */.W1, backup_source_inputs/* NAME_FILTER_INPUT */.Ac, backup_source_inputs/* DATABASE_FILTER_INPUT */.Uz),
    ...(0,connection_inputs/* connectionInputs */.eu)('target-url', ['DBOPS_TARGET_URL']),
    connection_inputs/* PG_BIN_DIR_INPUT */.LN,
    ...backup_source_inputs/* DECRYPTION_INPUTS */.Ur,
    ...RESTORE_INPUTS,
];
const restoreDefinition = {
    name: 'restore',
    description: 'Restore a backup into a database for a real recovery, with a safety backup of the target first.',
    cliOnly: true,
    inputs,
    outputs: [
        { name: 'backup-id', description: 'The backup that was restored.' },
        { name: 'safety-backup-id', description: 'The safety backup of the target taken before restoring, if any.' },
        { name: 'restore-seconds', description: 'Time to fetch, verify and restore.' },
        { name: 'rows', description: 'Rows restored.' },
    ],
    async run(raw, context) {
        const reader = new read_inputs/* InputReader */.i(inputs, raw, context.env);
        const safetyTo = reader.optional('safety-backup-to');
        if (safetyTo)
            (0,storage_location/* parseLocation */.z)(safetyTo, 'safety-backup-to'); // a malformed one fails now, not after the download
        const sourceDatabase = reader.optional('source-database');
        const result = await restore({
            ...(await (0,backup_source_inputs/* readRestoreInputs */.Ez)(reader, context)),
            clean: reader.boolean('clean') || reader.boolean('force'),
            safetyBackup: reader.boolean('safety-backup'),
            ...(safetyTo ? { safetyBackupTo: safetyTo } : {}),
            noOwner: reader.boolean('no-owner'),
            preserveUuids: reader.boolean('preserve-uuids'),
            choice: {
                ...(sourceDatabase !== undefined ? { sourceDatabase } : {}),
                allDatabases: reader.boolean('all-databases'),
            },
        });
        const failure = restoreChecksFailure(result);
        return {
            outputs: (0,restore_summary/* restoreOutputs */.V2)(result),
            results: [(0,restore_summary/* restoreSummary */.rk)(result)],
            json: (0,restore_summary/* restoreJson */.lt)(result),
            ...(failure ? { failure } : {}),
        };
    },
};
//# sourceMappingURL=restore.js.map

/***/ }),

/***/ 71207:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fz: () => (/* binding */ restoreTestJson),
/* harmony export */   Hh: () => (/* binding */ restoreTestOutputs),
/* harmony export */   V2: () => (/* binding */ restoreOutputs),
/* harmony export */   lt: () => (/* binding */ restoreJson),
/* harmony export */   rk: () => (/* binding */ restoreSummary),
/* harmony export */   zA: () => (/* binding */ restoreTestSummary)
/* harmony export */ });
/* harmony import */ var _format_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(65118);
/* harmony import */ var _result_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(97343);


function checksTable(checks) {
    const rows = checks.map((c) => [c.name, c.passed ? '✅ pass' : '❌ fail', c.detail]);
    return { kind: 'table', columns: ['Check', 'Result', 'Detail'], rows };
}
/**
 * The drill report: verdict first, then the figures a team tracks (backup age = RPO, restore time = RTO), then each
 * check.
 */
function restoreTestSummary(result) {
    const failed = result.checks.filter((c) => !c.passed).length;
    const m = result.manifest;
    const verdict = result.passed ? 'all checks passed' : `${failed} of ${result.checks.length} checks failed`;
    return {
        status: result.passed ? 'ok' : 'failure',
        title: ['Restore test of ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(m.database), ' backup ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.backupId), `: ${verdict}`],
        blocks: [
            {
                kind: 'facts',
                rows: [
                    ['Backup', [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.backupId), ` from ${result.storage}, taken ${m.finishedAt}`]],
                    ['Backup age (RPO)', (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatSeconds */ .Xo)(result.backupAgeSeconds)],
                    [
                        'Restore time (RTO)',
                        `${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatSeconds */ .Xo)(result.restoreSeconds)} (fetch, verify, decrypt, decompress, pg_restore)`,
                    ],
                    [
                        'Restored',
                        `${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatBytes */ .z3)(result.restoredBytes)} archive, ${result.tables} tables, ${rows(result.rows)} rows`,
                    ],
                    ['Scratch database', [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.scratchDatabase), ` (${result.kept ? 'kept' : 'dropped'})`]],
                ],
            },
            checksTable(result.checks),
        ],
    };
}
function restoreSummary(result) {
    const safety = result.safetyBackup;
    return {
        status: result.passed ? 'ok' : 'warning',
        title: ['Restored backup ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.backupId), ' into ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.target)],
        blocks: [
            {
                kind: 'facts',
                rows: [
                    ['Backup', [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.backupId), ` of ${result.manifest.database}, taken ${result.manifest.finishedAt}`]],
                    [
                        'Safety backup',
                        safety
                            ? [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(safety.backupId), ' at ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(safety.location)]
                            : 'none (the target was empty, or safety-backup: false)',
                    ],
                    ['Restore time', (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatSeconds */ .Xo)(result.restoreSeconds)],
                    ['Restored', `${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatBytes */ .z3)(result.restoredBytes)} archive, ${rows(result.rows)} rows`],
                ],
            },
            checksTable(result.checks),
        ],
    };
}
function rows(count) {
    return count.toLocaleString('en-US');
}
/** The action's outputs: the same result, as the strings a workflow's later steps read. */
function restoreTestOutputs(result) {
    return {
        'backup-id': result.backupId,
        'restored-bytes': String(result.restoredBytes),
        'restore-seconds': result.restoreSeconds.toFixed(1),
        tables: String(result.tables),
        rows: String(result.rows),
        'checks-passed': String(result.checks.filter((c) => c.passed).length),
        'checks-failed': String(result.checks.filter((c) => !c.passed).length),
    };
}
/** The machine-readable result (--json): the result without its manifest, and the backup it tested in brief. */
function restoreTestJson(result) {
    const { name, database, finishedAt } = result.manifest;
    return { ...result, manifest: undefined, backup: { name, database, finishedAt } };
}
/** restore's outputs, as the strings a later step reads. */
function restoreOutputs(result) {
    return {
        'backup-id': result.backupId,
        'safety-backup-id': result.safetyBackup?.backupId ?? '',
        'restore-seconds': result.restoreSeconds.toFixed(1),
        rows: String(result.rows),
    };
}
/** restore's machine-readable result (--json): without the manifest, the safety backup in brief. */
function restoreJson(result) {
    const safety = result.safetyBackup;
    return {
        ...result,
        manifest: undefined,
        safetyBackup: safety ? { backupId: safety.backupId, location: safety.location } : undefined,
    };
}
//# sourceMappingURL=restore-summary.js.map

/***/ })

};
