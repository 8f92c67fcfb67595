export const id = 271440027538;
export const ids = [271440027538];
export const modules = {

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

/***/ 69834:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  checkFreshnessDefinition: () => (/* binding */ checkFreshnessDefinition)
});

// EXTERNAL MODULE: ./packages/core/lib/duration.js
var duration = __webpack_require__(50429);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
// EXTERNAL MODULE: ./packages/core/lib/manifest/catalog.js
var catalog = __webpack_require__(35860);
// EXTERNAL MODULE: ./packages/core/lib/manifest/layout.js
var layout = __webpack_require__(8273);
// EXTERNAL MODULE: ./packages/core/lib/operations/backup-source.js
var backup_source = __webpack_require__(80128);
;// CONCATENATED MODULE: ./packages/core/lib/operations/check-freshness.js





/**
 * Judges each backup name's newest (verified) backup against max-age. Each backup name is its own schedule: one that
 * stopped must not hide behind another that runs. Safety backups taken by restores are no schedule, unless asked
 * for by name. Fails with NO_BACKUP when nothing matches.
 */
async function checkFreshness(options) {
    const { filter, log } = options;
    const storage = await (0,backup_source/* openBackupSource */.A)(options.source);
    const { entries, damaged } = await (0,catalog/* readCatalog */.uM)(storage, filter);
    const counted = (name) => filter.name !== undefined || !name.startsWith(layout/* SAFETY_BACKUP_PREFIX */.X6);
    const byName = new Map();
    for (const entry of entries.filter((e) => counted(e.manifest.name))) {
        byName.set(entry.manifest.name, [...(byName.get(entry.manifest.name) ?? []), entry]); // newest first
    }
    // A damaged manifest may be the newest backup of its name: that name fails closed, the others are judged as usual.
    const damagedByName = new Map();
    for (const d of damaged.filter((d) => counted(d.name))) {
        damagedByName.set(d.name, [...(damagedByName.get(d.name) ?? []), d]);
        if (!byName.has(d.name))
            byName.set(d.name, []);
    }
    if (byName.size === 0) {
        const scope = (0,catalog/* describeFilter */.GT)(filter);
        throw new errors/* DbopsError */.zJ('NO_BACKUP', `No complete backup in ${storage.display}${scope ? ` for ${scope}` : ''}`, {
            input: filter.name ? 'name' : filter.database ? 'database' : 'from',
            hint: scope
                ? 'Check the name / database filter against `dbops list --from ...`, and that the backup workflow writes there.'
                : 'Check that the backup workflow runs and writes to this location.',
        });
    }
    const now = options.now ?? new Date();
    const names = [...byName]
        .map(([each, backups]) => judge(each, backups, damagedByName.get(each) ?? [], { ...options, now }))
        .sort((a, b) => b.age - a.age);
    for (const c of names) {
        for (const u of c.unrestorable) {
            log.warn(`Backup ${c.name}/${u.backupId} is damaged: ${u.problem}. Not counted as fresh; look into it.`);
        }
    }
    for (const c of names.filter((c) => c.future.length > 0)) {
        const one = c.future.length === 1;
        log.warn(`${c.future.join(', ')} of ${c.name} ${one ? 'is' : 'are'} dated in the future (the clock of the machine ` +
            `that took ${one ? 'it' : 'them'} was wrong): not counted as fresh`);
    }
    const fresh = names.every((c) => c.fresh);
    const { maxAgeSeconds, verifiedOnly } = options;
    const result = { maxAgeSeconds, verifiedOnly, fresh, names };
    return fresh ? result : { ...result, failure: staleError(result) };
}
/** What the check found for one name, as a sentence after "The ". */
function describeJudgement(c, result) {
    const kind = result.verifiedOnly ? 'verified backup' : 'backup';
    if (c.entry) {
        return (`newest ${kind} of ${c.name} (${c.database}), ${c.entry.manifest.backupId}, is ${(0,format/* formatSeconds */.Xo)(c.age)} old ` +
            `(limit ${(0,format/* formatSeconds */.Xo)(result.maxAgeSeconds)})`);
    }
    if (c.damaged.length > 0) {
        return `newest ${kind} of ${c.name} is unknown: ${c.damaged.map((d) => d.error.message).join('; ')}`;
    }
    if (c.newestUnrestorable) {
        const { backupId, problem } = c.newestUnrestorable;
        return `newest backup of ${c.name} (${c.database}), ${backupId}, cannot be restored: ${problem}`;
    }
    return `name ${c.name} (${c.database}) has no ${kind}: ${c.missing}`;
}
function staleError(result) {
    const stale = result.names.filter((c) => !c.fresh);
    const hint = stale.find((c) => c.damaged.length > 0)?.damaged[0]?.error.hint ??
        (stale.some((c) => c.newestUnrestorable)
            ? 'The newest backup lost stored bytes (an upload cut short, or files deleted or truncated in the store): take a ' +
                'new backup, then look into the damaged one and delete it by hand.'
            : stale.every((c) => c.entry)
                ? 'The backup schedule may have stopped (GitHub disables schedules in repositories without activity for 60 ' +
                    'days) or backups are failing.'
                : 'Run restore-test on a schedule for every name checked with verified: true (or check only the names that are ' +
                    'restore-tested, with name), and fix the clock of any machine that dates backups in the future.');
    return new errors/* DbopsError */.zJ('CHECK_FAILED', `The ${stale.map((c) => describeJudgement(c, result)).join('; the ')}`, {
        hint,
    });
}
/**
 * Judges one name's backups (newest first). A name with backups but none that counts is stale, never skipped; so is
 * one with a damaged manifest, which may have been its newest backup, and one whose newest backup's stored files are
 * missing or cut short (fail closed). Older such backups are skipped.
 */
function judge(name, backups, damaged, options) {
    const future = backups.filter((e) => (0,catalog/* isDatedInFuture */.T6)(e.manifest, options.now)).map((e) => e.manifest.backupId);
    const unrestorable = backups
        .filter((e) => e.damage !== undefined)
        .map((e) => ({ backupId: e.manifest.backupId, problem: e.damage }));
    if (damaged.length > 0) {
        const database = backups[0]?.manifest.database ?? 'database unknown';
        return { name, database, age: Infinity, fresh: false, future, damaged, unrestorable };
    }
    const dated = backups.filter((e) => !(0,catalog/* isDatedInFuture */.T6)(e.manifest, options.now));
    const newest = dated[0];
    if (newest?.damage) {
        const newestUnrestorable = { backupId: newest.manifest.backupId, problem: newest.damage };
        const database = newest.manifest.database;
        return { name, database, age: Infinity, fresh: false, future, damaged, unrestorable, newestUnrestorable };
    }
    const entry = dated.find((e) => !e.damage && (!options.verifiedOnly || e.verifiedAt));
    const database = (entry ?? backups[0]).manifest.database;
    if (!entry) {
        const missing = dated.length > 0
            ? `none of its ${dated.length} backup${dated.length === 1 ? '' : 's'} has passed a restore test`
            : `its only backups are dated in the future (${future.join(', ')})`;
        return { name, database, age: Infinity, fresh: false, missing, future, damaged, unrestorable };
    }
    const age = (options.now.getTime() - Date.parse(entry.manifest.finishedAt)) / 1000;
    return { name, database, entry, age, fresh: age <= options.maxAgeSeconds, future, damaged, unrestorable };
}
//# sourceMappingURL=check-freshness.js.map
;// CONCATENATED MODULE: ./packages/core/lib/report/freshness-summary.js

/** The verdict, then one line per backup name, the stalest first. */
function freshnessSummary(result) {
    return {
        status: result.fresh ? 'ok' : 'failure',
        title: `Backups ${result.fresh ? 'are fresh' : 'are stale'}`,
        blocks: [
            {
                kind: 'list',
                items: result.names.map((c) => [
                    { status: c.fresh ? 'ok' : 'failure' },
                    ` The ${describeJudgement(c, result)}.`,
                ]),
            },
        ],
    };
}
//# sourceMappingURL=freshness-summary.js.map
// EXTERNAL MODULE: ./packages/core/lib/definitions/backup-source-inputs.js
var backup_source_inputs = __webpack_require__(47864);
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-backup-source.js
var read_backup_source = __webpack_require__(60783);
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-inputs.js + 1 modules
var read_inputs = __webpack_require__(98521);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/check-freshness.js






const inputs = [
    ...(0,backup_source_inputs/* backupSourceInputs */.vW)(backup_source_inputs/* NAME_FILTER_INPUT */.Ac, backup_source_inputs/* DATABASE_FILTER_INPUT */.Uz),
    {
        name: 'max-age',
        description: 'Fail when the newest backup is older than this, e.g. 26h.',
        required: true,
        type: 'duration',
    },
    {
        name: 'verified',
        description: 'Count only backups that passed a restore test: a name none of whose backups has passed one fails the check.',
        default: 'false',
        type: 'boolean',
    },
];
const checkFreshnessDefinition = {
    name: 'check-freshness',
    description: 'Fail when the newest (verified) backup of any backup name is older than max-age: run it from a second, independent schedule.',
    inputs,
    outputs: [
        {
            name: 'backup-id',
            description: 'The newest (verified) backup of the stalest name (each backup name is checked on its own).',
        },
        { name: 'age-seconds', description: 'Its age in seconds.' },
        { name: 'fresh', description: "true when every name's newest backup is within max-age." },
    ],
    async run(raw, context) {
        const reader = new read_inputs/* InputReader */.i(inputs, raw, context.env);
        const result = await checkFreshness({
            ...(0,read_backup_source/* readBackupSource */.s)(reader, context),
            maxAgeSeconds: (0,duration/* parseDuration */.E9)(reader.required('max-age', 'a duration such as 26h'), 'max-age'),
            verifiedOnly: reader.boolean('verified'),
            log: context.log,
        });
        const stalest = result.names[0];
        const backupId = stalest.entry?.manifest.backupId;
        return {
            outputs: {
                'backup-id': backupId ?? '',
                'age-seconds': backupId ? String(Math.round(stalest.age)) : '',
                fresh: String(result.fresh),
            },
            results: [freshnessSummary(result)],
            json: {
                backupId: backupId ?? null,
                ageSeconds: backupId ? stalest.age : null,
                maxAgeSeconds: result.maxAgeSeconds,
                fresh: result.fresh,
                verified: result.verifiedOnly,
                names: result.names.map((c) => ({
                    name: c.name,
                    backupId: c.entry?.manifest.backupId ?? null,
                    ageSeconds: c.entry ? c.age : null,
                    fresh: c.fresh,
                    ...(c.future.length > 0 ? { datedInFuture: c.future } : {}),
                    ...(c.damaged.length > 0 ? { damagedManifests: c.damaged.map((d) => d.key) } : {}),
                    ...(c.unrestorable.length > 0 ? { damagedBackups: c.unrestorable } : {}),
                })),
            },
            ...(result.failure ? { failure: result.failure } : {}),
        };
    },
};
//# sourceMappingURL=check-freshness.js.map

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

/***/ })

};
