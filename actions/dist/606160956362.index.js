export const id = 606160956362;
export const ids = [606160956362];
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

/***/ 16551:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  listDefinition: () => (/* binding */ listDefinition)
});

// EXTERNAL MODULE: ./packages/core/lib/manifest/catalog.js
var catalog = __webpack_require__(35860);
// EXTERNAL MODULE: ./packages/core/lib/manifest/manifest.js
var manifest = __webpack_require__(96702);
// EXTERNAL MODULE: ./packages/core/lib/operations/backup-source.js
var backup_source = __webpack_require__(80128);
;// CONCATENATED MODULE: ./packages/core/lib/operations/list.js


/** The complete backups (those with a manifest) in a location; damaged manifests are named, never skipped silently. */
async function list(options) {
    const storage = await (0,backup_source/* openBackupSource */.A)(options.source);
    const { entries, damaged } = await (0,catalog/* readCatalog */.uM)(storage, options.filter);
    for (const d of damaged)
        options.log.warn(`${d.error.message}: backup ${d.backupId} of ${d.name} is not listed`);
    return { location: storage.display, entries, damaged };
}
//# sourceMappingURL=list.js.map
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
// EXTERNAL MODULE: ./packages/core/lib/report/result.js
var result = __webpack_require__(97343);
;// CONCATENATED MODULE: ./packages/core/lib/report/catalog-summary.js



/** The complete backups in a location, newest first, with whether each passed a restore test. */
function catalogSummary(location, entries, now) {
    if (entries.length === 0)
        return { status: 'info', title: ['No complete backups in ', (0,result/* code */.aY)(location)], blocks: [] };
    const ago = (iso) => (0,format/* formatSeconds */.Xo)((now.getTime() - new Date(iso).getTime()) / 1000);
    const verified = entries.filter((e) => e.verifiedAt).length;
    const rows = entries.map(({ manifest: m, verifiedAt }) => {
        // Only a passed test leaves a record: without one the backup was never tested, or never passed.
        const tested = verifiedAt ? `✅ passed ${ago(verifiedAt)} ago` : 'never passed';
        const { encryption } = m.object;
        const storedBytes = (0,manifest/* storedFiles */.B0)(m).reduce((sum, file) => sum + file.storedBytes, 0); // a parallel dump's parts too
        return [
            (0,result/* code */.aY)(m.backupId),
            m.name,
            m.database,
            ago(m.finishedAt),
            (0,format/* formatBytes */.z3)(storedBytes),
            encryption.method,
            String(m.tables.length),
            tested,
        ];
    });
    const columns = ['Backup id', 'Name', 'Database', 'Age', 'Size', 'Encryption', 'Tables', 'Restore test'];
    return {
        status: 'info',
        title: [
            `${entries.length} complete backup(s) in `,
            (0,result/* code */.aY)(location),
            `, newest first; ${verified} passed a restore test`,
        ],
        blocks: [{ kind: 'table', columns, rows }],
    };
}
//# sourceMappingURL=catalog-summary.js.map
;// CONCATENATED MODULE: ./packages/core/lib/report/damaged-manifests.js

/** The manifests a run could not read, each with its name and backup, and what to do (none when all were read). */
function damagedSummary(damaged) {
    if (damaged.length === 0)
        return [];
    const items = damaged.map((d) => [
        (0,result/* code */.aY)(d.key),
        ` (name ${d.name}, backup `,
        (0,result/* code */.aY)(d.backupId),
        `): ${d.error.message}`,
    ]);
    const hint = damaged[0].error.hint;
    return [
        {
            status: 'failure',
            title: `${damaged.length} damaged manifest(s): their names fail closed`,
            blocks: [{ kind: 'list', items }, ...(hint ? [{ kind: 'note', text: hint }] : [])],
        },
    ];
}
//# sourceMappingURL=damaged-manifests.js.map
// EXTERNAL MODULE: ./packages/core/lib/definitions/backup-source-inputs.js
var backup_source_inputs = __webpack_require__(47864);
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-backup-source.js
var read_backup_source = __webpack_require__(60783);
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-inputs.js + 1 modules
var read_inputs = __webpack_require__(98521);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/list.js








const inputs = (0,backup_source_inputs/* backupSourceInputs */.vW)(backup_source_inputs/* NAME_FILTER_INPUT */.Ac, backup_source_inputs/* DATABASE_FILTER_INPUT */.Uz);
const listDefinition = {
    name: 'list',
    description: 'List the complete backups (those with a manifest) in a location, newest first.',
    cliOnly: true,
    inputs,
    outputs: [
        { name: 'count', description: 'Number of complete backups.' },
        { name: 'newest-backup-id', description: 'Id of the newest complete backup.' },
    ],
    async run(raw, context) {
        const reader = new read_inputs/* InputReader */.i(inputs, raw, context.env);
        const { location, entries, damaged } = await list({ ...(0,read_backup_source/* readBackupSource */.s)(reader, context), log: context.log });
        return {
            outputs: { count: String(entries.length), 'newest-backup-id': entries[0]?.manifest.backupId ?? '' },
            results: [catalogSummary(location, entries, new Date()), ...damagedSummary(damaged)],
            json: entries.map(({ manifest: m, verifiedAt }) => ({
                backupId: m.backupId,
                name: m.name,
                database: m.database,
                finishedAt: m.finishedAt,
                // Every stored file: a parallel dump's parts as well as its toc.dat.
                storedBytes: (0,manifest/* storedFiles */.B0)(m).reduce((sum, file) => sum + file.storedBytes, 0),
                sha256: m.object.sha256,
                key: m.object.key,
                encryption: m.object.encryption.method,
                verifiedAt: verifiedAt?.toISOString() ?? null,
            })),
            // The readable backups are listed; the damaged manifests are named, and make the run fail (it is incomplete).
            ...(damaged.length > 0 ? { failure: (0,catalog/* damagedManifestsError */.Uh)(damaged) } : {}),
        };
    },
};
//# sourceMappingURL=list.js.map

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
