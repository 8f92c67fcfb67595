export const id = 675131102035;
export const ids = [675131102035];
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

/***/ 51040:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BK: () => (/* binding */ readPolicyFile),
/* harmony export */   ON: () => (/* binding */ parsePolicy)
/* harmony export */ });
/* unused harmony export readPeriod */
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(50429);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(57706);
/* harmony import */ var _files_read_input_file_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83211);
/* harmony import */ var _size_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(50404);
/* harmony import */ var _storage_location_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(98272);
/* harmony import */ var _period_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(1148);
/* harmony import */ var _policy_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(49231);
/* harmony import */ var _where_filter_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(11933);








/** The input that names the file (the retention-purge action's `policy`, the CLI's --policy). */
const INPUT = 'policy';
const TOP_KEYS = ['version', 'defaults', 'holds', 'data', 'minimums', 'backups'];
const DEFAULT_KEYS = [
    'batch-size',
    'max-cascade-rows',
    'lock-timeout',
    'max-replication-lag',
    'max-runtime',
    'sleep',
    'sleep-coefficient',
    'max-slot-wal',
    'max-active-sessions',
    'min-oplog-window',
];
const RULE_KEYS = {
    age: ['name', 'table', 'by', 'keep', 'where', 'archive-to'],
    'soft-delete': ['name', 'table', 'soft-delete', 'grace', 'then', 'anonymize', 'where', 'archive-to'],
    collection: ['name', 'collection', 'by', 'keep', 'archive-to'],
    'collection soft-delete': [
        'name',
        'collection',
        'soft-delete',
        'grace',
        'then',
        'anonymize',
        'dependants',
        'max-subject-documents',
        'archive-to',
    ],
};
const MINIMUM_KEYS = ['table', 'keep-at-least'];
const BACKUP_COUNTS = ['keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly'];
const BACKUP_KEYS = ['from', ...BACKUP_COUNTS, 'keep-within', 'keep-min-verified'];
const PERIOD_FORM = `${_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .DURATION_FORM */ .ec.replace('ms, s, m, h, d or w', 'ms, s, m, h, d, w or y (a calendar year)')}; m is minutes, not months`;
const TABLE_FORM = 'a table name, schema-qualified or not, e.g. public.audit_logs or audit_logs';
const COLUMN_FORM = 'a column name, e.g. created_at';
const COLLECTION_FORM = 'database.collection, e.g. analytics.events';
const FIELD_FORM = 'a field name or dotted path, not starting with $, e.g. createdAt or meta.createdAt';
/** A document field or dotted path: no $ at the start of a part, no empty part, no spaces. */
const FIELD_PATH = /^[^$\s.][^\s.]*(\.[^$\s.][^\s.]*)*$/;
const DEPENDANT_FORM = "a list of { collection: database.collection, field: the field holding the subject's _id }, e.g. - { collection: shop.orders, field: userId }";
const NAME_FORM = 'lowercase letters, digits and "-", starting with a letter, e.g. audit-logs';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
/** The shortest retention period: below it, `6m` meant as six months is the likely mistake. */
const MIN_PERIOD_SECONDS = 3600;
async function readPolicyFile(path) {
    const text = await (0,_files_read_input_file_js__WEBPACK_IMPORTED_MODULE_1__/* .readInputFile */ .j)(path, INPUT, 'the path of a YAML retention policy, e.g. .github/dbops/retention.yml');
    return parsePolicy(text, path);
}
/** Parses and checks a policy; the first error found is thrown as INVALID_INPUT naming file, line, rule and field. */
async function parsePolicy(text, source) {
    // Both imported on use, not at the top: every command's start loaded them (bench/README.md).
    const [yaml] = await Promise.all([__webpack_require__.e(/* import() */ 291753161540).then(__webpack_require__.t.bind(__webpack_require__, 38815, 19)), (0,_where_filter_js__WEBPACK_IMPORTED_MODULE_2__/* .loadWhereParser */ .Lk)()]);
    return new PolicyReader(yaml, text, source).read();
}
class PolicyReader {
    yaml;
    source;
    lines;
    doc;
    constructor(yaml, text, source) {
        this.yaml = yaml;
        this.source = source;
        this.lines = new yaml.LineCounter();
        this.doc = yaml.parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
    }
    read() {
        const yamlError = this.doc.errors[0];
        if (yamlError) {
            const line = this.lines.linePos(yamlError.pos[0]).line;
            throw this.error(line, 'the file', `is not valid YAML: ${yamlError.message.split('\n')[0]}`, 'YAML as in docs/retention.md');
        }
        const root = this.doc.contents;
        if (!this.yaml.isMap(root))
            throw this.error(1, 'the file', 'is not a mapping', `top-level keys: ${TOP_KEYS.join(', ')}`);
        this.knownKeys([], TOP_KEYS, 'top-level keys');
        const version = this.value(['version']);
        if (version !== 1)
            throw this.fail(['version'], 'version', `is ${version === undefined ? 'missing' : JSON.stringify(version)}`, 'version: 1');
        const data = this.list(['data'], 'data');
        const rules = data.map((_, i) => this.rule(i));
        const minimums = this.list(['minimums'], 'minimums').map((_, i) => this.minimum(i));
        const policy = {
            version: 1,
            defaults: this.defaults(),
            holds: this.list(['holds'], 'holds').map((_, i) => this.hold(i)),
            data: rules,
            minimums,
        };
        const backups = this.backups();
        if (backups)
            policy.backups = backups;
        this.checkNames(rules);
        this.checkSubjectRules(rules);
        this.checkMinimums(rules, minimums);
        return policy;
    }
    // --- sections ---
    defaults() {
        const defaults = { ..._policy_js__WEBPACK_IMPORTED_MODULE_3__/* .DEFAULT_POLICY_DEFAULTS */ .kX };
        if (this.value(['defaults']) === undefined)
            return defaults;
        this.mapAt(['defaults'], 'defaults', `keys: ${DEFAULT_KEYS.join(', ')}`);
        this.knownKeys(['defaults'], DEFAULT_KEYS, 'keys of defaults');
        const counts = [
            ['batch-size', 'batchSize', 1_000_000, 5000],
            ['max-cascade-rows', 'maxCascadeRows', 100_000_000, 100_000],
        ];
        for (const [key, field, max, example] of counts) {
            const rows = this.value(['defaults', key]);
            if (rows === undefined)
                continue;
            if (!Number.isInteger(rows) || rows < 1 || rows > max)
                throw this.fail(['defaults', key], `defaults.${key}`, `is ${JSON.stringify(rows)}`, `a whole number of rows from 1 to ${max}, e.g. ${example}`);
            defaults[field] = rows;
        }
        const timeouts = [
            ['lock-timeout', 'lockTimeoutMs', '2s'],
            ['max-replication-lag', 'maxReplicationLagMs', '30s'],
            ['max-runtime', 'maxRuntimeMs', '20m'],
        ];
        for (const [key, field, example] of timeouts) {
            const path = ['defaults', key];
            if (this.value(path) === undefined)
                continue;
            // Read outside guard(): its own error already names the file and line, and guard() would name them again.
            const text = this.text(path, `defaults.${key}`, _duration_js__WEBPACK_IMPORTED_MODULE_0__/* .DURATION_FORM */ .ec);
            const ms = this.guard(path, `defaults.${key}`, () => (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .parseTimeoutMs */ .DS)(text, INPUT, example));
            if (ms === 0)
                throw this.fail(path, `defaults.${key}`, 'is 0', `a duration above 0, e.g. ${example}`);
            defaults[field] = ms;
        }
        if (this.value(['defaults', 'sleep']) !== undefined) {
            const path = ['defaults', 'sleep'];
            const text = this.text(path, 'defaults.sleep', _duration_js__WEBPACK_IMPORTED_MODULE_0__/* .DURATION_FORM */ .ec);
            defaults.sleepMs = this.guard(path, 'defaults.sleep', () => (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .parseTimeoutMs */ .DS)(text, INPUT, '100ms'));
        }
        const coefficient = this.value(['defaults', 'sleep-coefficient']);
        if (coefficient !== undefined) {
            if (typeof coefficient !== 'number' || !(coefficient >= 0 && coefficient <= 100))
                throw this.fail(['defaults', 'sleep-coefficient'], 'defaults.sleep-coefficient', `is ${JSON.stringify(coefficient)}`, 'a number from 0 to 100: the pause after a batch per unit of its own time, e.g. 0.5 or 2');
            defaults.sleepCoefficient = coefficient;
        }
        const slotWal = this.value(['defaults', 'max-slot-wal']);
        if (slotWal !== undefined) {
            const path = ['defaults', 'max-slot-wal'];
            let bytes;
            if (typeof slotWal === 'number')
                bytes = slotWal;
            else {
                const text = this.text(path, 'defaults.max-slot-wal', _size_js__WEBPACK_IMPORTED_MODULE_4__/* .SIZE_FORM */ .F$);
                bytes = this.guard(path, 'defaults.max-slot-wal', () => (0,_size_js__WEBPACK_IMPORTED_MODULE_4__/* .parseSize */ .DB)(text, INPUT));
            }
            if (!Number.isSafeInteger(bytes) || bytes <= 0)
                throw this.fail(path, 'defaults.max-slot-wal', `is ${JSON.stringify(slotWal)}`, `a size above 0: ${_size_js__WEBPACK_IMPORTED_MODULE_4__/* .SIZE_FORM */ .F$}`);
            defaults.maxSlotWalBytes = bytes;
        }
        const sessions = this.value(['defaults', 'max-active-sessions']);
        if (sessions !== undefined) {
            if (!Number.isInteger(sessions) || sessions < 1 || sessions > 100_000)
                throw this.fail(['defaults', 'max-active-sessions'], 'defaults.max-active-sessions', `is ${JSON.stringify(sessions)}`, 'a whole number of sessions from 1 to 100000, e.g. 20');
            defaults.maxActiveSessions = sessions;
        }
        if (this.value(['defaults', 'min-oplog-window']) !== undefined) {
            const path = ['defaults', 'min-oplog-window'];
            const field = 'defaults.min-oplog-window';
            const valid = `at least 1s (the oplog's timestamps count whole seconds): ${_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .DURATION_FORM */ .ec}`;
            const text = this.text(path, field, valid);
            const seconds = (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .readDuration */ .$7)(text);
            if (seconds === undefined)
                throw this.fail(path, field, `'${text}' is not a duration`, valid);
            if (seconds < 1)
                throw this.fail(path, field, `is '${text}', less than a second`, valid);
            defaults.minOplogWindowMs = Math.round(seconds * 1000);
        }
        return defaults;
    }
    hold(i) {
        const path = ['holds', i];
        const field = `holds[${i}]`;
        const valid = 'table: schema.table (with columns subject_table, subject_id), query: SELECT subject_table, subject_id FROM ..., or collection: database.collection (MongoDB documents with subject_table, subject_id)';
        this.mapAt(path, field, valid);
        const keys = this.keysOf(path);
        if (keys.length !== 1 || !['table', 'query', 'collection'].includes(keys[0]))
            throw this.fail(path, field, `has ${keys.length === 0 ? 'no keys' : `the keys ${keys.join(', ')}`}`, `exactly one of ${valid}`);
        const line = this.lineOf(path);
        if (keys[0] === 'table')
            return { kind: 'table', table: this.tableName([...path, 'table'], `${field}.table`), line };
        if (keys[0] === 'collection')
            return {
                kind: 'collection',
                collection: this.collectionName([...path, 'collection'], `${field}.collection`),
                line,
            };
        const query = this.text([...path, 'query'], `${field}.query`, valid).trim();
        try {
            (0,_where_filter_js__WEBPACK_IMPORTED_MODULE_2__/* .checkHoldQuery */ .ut)(query);
        }
        catch (error) {
            if (!(error instanceof _where_filter_js__WEBPACK_IMPORTED_MODULE_2__/* .WhereFilterError */ .uG))
                throw error;
            throw this.fail([...path, 'query'], `${field}.query`, error.problem, error.valid);
        }
        return { kind: 'query', query, line };
    }
    rule(i) {
        const path = ['data', i];
        const nameValue = this.value([...path, 'name']);
        const label = typeof nameValue === 'string' ? `rule '${nameValue}' (data[${i}])` : `rule data[${i}]`;
        const field = (key) => `${label} field '${key}'`;
        this.mapAt(path, label, 'a mapping with name, table, by and keep (or soft-delete, or collection)');
        if (typeof nameValue !== 'string' || !/^[a-z][a-z0-9-]*$/.test(nameValue))
            throw this.fail(nameValue === undefined ? path : [...path, 'name'], field('name'), nameValue === undefined ? 'is missing' : `is ${JSON.stringify(nameValue)}`, NAME_FORM);
        const keys = this.keysOf(path);
        const kind = keys.includes('collection') ? 'collection' : keys.includes('soft-delete') ? 'soft-delete' : 'age';
        if (kind === 'collection' && keys.includes('table'))
            throw this.fail([...path, 'collection'], field('collection'), 'is set together with table', 'either table (PostgreSQL) or collection (MongoDB)');
        const keyKind = kind === 'collection' && keys.includes('soft-delete') ? 'collection soft-delete' : kind;
        this.knownKeys(path, RULE_KEYS[keyKind], `keys of a ${kind === 'age' ? 'by + keep' : keyKind} rule`, label);
        const base = { name: nameValue, index: i, line: this.lineOf(path) };
        const archive = this.value([...path, 'archive-to']);
        const extras = {};
        if (archive !== undefined) {
            const text = this.text([...path, 'archive-to'], field('archive-to'), 's3://bucket/prefix, a directory or artifact://name');
            this.guard([...path, 'archive-to'], field('archive-to'), () => (0,_storage_location_js__WEBPACK_IMPORTED_MODULE_5__/* .parseLocation */ .z)(text, INPUT));
            extras.archiveTo = text;
        }
        if (this.value([...path, 'where']) !== undefined) {
            const text = this.text([...path, 'where'], field('where'), 'a SQL boolean expression');
            try {
                extras.where = (0,_where_filter_js__WEBPACK_IMPORTED_MODULE_2__/* .parseWhereFilter */ .fL)(text).sql;
            }
            catch (error) {
                if (!(error instanceof _where_filter_js__WEBPACK_IMPORTED_MODULE_2__/* .WhereFilterError */ .uG))
                    throw error;
                throw this.fail([...path, 'where'], field('where'), error.problem, error.valid);
            }
        }
        if (kind === 'collection') {
            const collection = this.collectionName([...path, 'collection'], field('collection'));
            const fieldPath = (key) => this.required([...path, key], field(key), FIELD_FORM, (t) => FIELD_PATH.test(t));
            if (keyKind === 'collection soft-delete')
                return {
                    kind,
                    ...base,
                    ...extras,
                    collection,
                    softDelete: fieldPath('soft-delete'),
                    grace: this.period([...path, 'grace'], field('grace')),
                    afterGrace: this.thenAction(path, field, 'field'),
                    dependants: this.dependants(path, field, collection),
                    maxSubjectDocuments: this.maxSubjectDocuments(path, field),
                };
            return {
                kind,
                ...base,
                ...extras,
                collection,
                by: fieldPath('by'),
                keep: this.period([...path, 'keep'], field('keep')),
            };
        }
        const table = this.tableName([...path, 'table'], field('table'));
        if (kind === 'age')
            return {
                kind,
                ...base,
                ...extras,
                table,
                by: this.column([...path, 'by'], field('by')),
                keep: this.period([...path, 'keep'], field('keep')),
            };
        return {
            kind,
            ...base,
            ...extras,
            table,
            softDelete: this.column([...path, 'soft-delete'], field('soft-delete')),
            grace: this.period([...path, 'grace'], field('grace')),
            afterGrace: this.thenAction(path, field),
        };
    }
    /** `then` and `anonymize`; `of` names what anonymize replaces: table columns or (MongoDB) document fields. */
    thenAction(path, field, of = 'column') {
        const action = this.value([...path, 'then']);
        const anonymize = this.value([...path, 'anonymize']);
        const form = `then: erase, or then: anonymize with anonymize: { ${of}: replacement, ... } (null clears a ${of})`;
        if (action === 'erase') {
            if (anonymize !== undefined)
                throw this.fail([...path, 'anonymize'], field('anonymize'), 'is set but then is erase', form);
            return { action: 'erase' };
        }
        if (action !== 'anonymize')
            throw this.fail(action === undefined ? path : [...path, 'then'], field('then'), action === undefined ? 'is missing' : `is ${JSON.stringify(action)}`, form);
        if (anonymize === undefined)
            throw this.fail([...path, 'then'], field('anonymize'), 'is missing for then: anonymize', form);
        this.mapAt([...path, 'anonymize'], field('anonymize'), form);
        const columns = {};
        for (const column of this.keysOf([...path, 'anonymize'])) {
            const at = [...path, 'anonymize', column];
            if (of === 'column' && !IDENTIFIER.test(column))
                throw this.fail(at, field(`anonymize.${column}`), 'is not a column name', COLUMN_FORM, true);
            if (of === 'field' && (!FIELD_PATH.test(column) || column === '_id' || column.startsWith('_id.')))
                throw this.fail(at, field(`anonymize.${column}`), column === '_id' || column.startsWith('_id.')
                    ? 'is the _id, which MongoDB never changes'
                    : 'is not a field name', `${FIELD_FORM}, other than _id`, true);
            const value = this.value(at);
            if (value !== null && !['string', 'number', 'boolean'].includes(typeof value))
                throw this.fail(at, field(`anonymize.${column}`), `is ${JSON.stringify(value)}`, 'a replacement: a string, number, true/false or null');
            columns[column] = value;
        }
        if (Object.keys(columns).length === 0)
            throw this.fail([...path, 'anonymize'], field('anonymize'), 'lists no columns', form);
        return { action: 'anonymize', columns };
    }
    /** A collection soft-delete rule's `dependants`: where other collections hold its subjects' `_id`s. */
    dependants(path, field, own) {
        const list = this.list([...path, 'dependants'], field('dependants'));
        const seen = new Set();
        return list.map((_, i) => {
            const at = [...path, 'dependants', i];
            const key = (k) => field(`dependants[${i}]${k ? `.${k}` : ''}`);
            this.mapAt(at, key(''), DEPENDANT_FORM);
            for (const unknown of this.keysOf(at).filter((k) => k !== 'collection' && k !== 'field'))
                throw this.fail([...at, unknown], key(unknown), 'is not a known key', `collection and field: ${DEPENDANT_FORM}`, true);
            const collection = this.collectionName([...at, 'collection'], key('collection'));
            const holder = this.required([...at, 'field'], key('field'), `the field of its documents that holds the subject's _id: ${FIELD_FORM}`, (t) => FIELD_PATH.test(t));
            const namespace = `${collection.database}.${collection.name}`;
            if (collection.database === own.database && collection.name === own.name)
                throw this.fail([...at, 'collection'], key('collection'), "is the rule's own collection, whose documents are other subjects", `another collection: ${DEPENDANT_FORM}`);
            if (seen.has(`${namespace} ${holder}`))
                throw this.fail(at, key(''), `repeats ${namespace} ${holder}`, `each collection and field once: ${DEPENDANT_FORM}`);
            seen.add(`${namespace} ${holder}`);
            return { collection, field: holder, line: this.lineOf(at) };
        });
    }
    /** `max-subject-documents`: how many documents one subject's export or erase may take (all levels together). */
    maxSubjectDocuments(path, field) {
        const at = [...path, 'max-subject-documents'];
        const value = this.value(at);
        if (value === undefined)
            return _policy_js__WEBPACK_IMPORTED_MODULE_3__/* .DEFAULT_MAX_SUBJECT_DOCUMENTS */ .hA;
        if (!Number.isInteger(value) || value < 1 || value > _policy_js__WEBPACK_IMPORTED_MODULE_3__/* .MAX_SUBJECT_DOCUMENTS_LIMIT */ .Dg)
            throw this.fail(at, field('max-subject-documents'), `is ${JSON.stringify(value)}`, `a whole number of documents from 1 to ${_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .MAX_SUBJECT_DOCUMENTS_LIMIT */ .Dg} (about 100 bytes of memory each), e.g. 5000000`);
        return value;
    }
    minimum(i) {
        const path = ['minimums', i];
        const field = `minimums[${i}]`;
        this.mapAt(path, field, 'table: schema.table and keep-at-least: a duration such as 6y');
        this.knownKeys(path, MINIMUM_KEYS, 'keys of a minimum', field);
        return {
            table: this.tableName([...path, 'table'], `${field}.table`),
            keepAtLeast: this.period([...path, 'keep-at-least'], `${field}.keep-at-least`),
            line: this.lineOf(path),
        };
    }
    backups() {
        if (this.value(['backups']) === undefined)
            return undefined;
        this.mapAt(['backups'], 'backups', `keys: ${BACKUP_KEYS.join(', ')}`);
        this.knownKeys(['backups'], BACKUP_KEYS, 'keys of backups');
        const from = this.text(['backups', 'from'], 'backups.from', 's3://bucket/prefix, a directory or artifact://name');
        this.guard(['backups', 'from'], 'backups.from', () => (0,_storage_location_js__WEBPACK_IMPORTED_MODULE_5__/* .parseLocation */ .z)(from, INPUT));
        const rotation = { from, line: this.lineOf(['backups'], true), lines: {} };
        for (const [field, key] of Object.entries(_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .BACKUP_KEEP_KEYS */ .kS)) {
            const value = this.value(['backups', key]);
            if (value === undefined)
                continue;
            rotation.lines[field] = this.lineOf(['backups', key], true);
            if (field === 'keepWithin') {
                rotation.keepWithin = this.period(['backups', key], `backups.${key}`);
                continue;
            }
            if (!Number.isInteger(value) || value < 0)
                throw this.fail(['backups', key], `backups.${key}`, `is ${JSON.stringify(value)}`, 'a whole number ≥ 0, e.g. 7');
            rotation[field] = value;
        }
        return rotation;
    }
    // --- checks across rules ---
    checkNames(rules) {
        const seen = new Map();
        for (const rule of rules) {
            const first = seen.get(rule.name);
            if (first)
                throw this.fail(['data', rule.index, 'name'], `rule '${rule.name}' (data[${rule.index}]) field 'name'`, `repeats the name of data[${first.index}] on line ${first.line}`, 'a name used by one rule only: receipts and plans are kept per rule name');
            seen.set(rule.name, rule);
        }
    }
    /**
     * One soft-delete rule per collection: its dependants, `then` and max-subject-documents are what a subject of it is
     * (a second one's would be silently left out of every export and erase). PostgreSQL's may be split by `where`.
     */
    checkSubjectRules(rules) {
        const seen = new Map();
        for (const rule of rules) {
            if (rule.kind !== 'collection' || !('softDelete' in rule))
                continue;
            const key = (0,_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .collectionText */ .EK)(rule.collection);
            const first = seen.get(key);
            if (first)
                throw this.fail(['data', rule.index, 'collection'], `rule '${rule.name}' (data[${rule.index}]) field 'collection'`, `${key} already has a soft-delete rule: '${first.name}' (data[${first.index}]) on line ${first.line}`, 'one soft-delete rule per collection, with every dependant listed in it');
            seen.set(key, rule);
        }
    }
    /** A rule may not keep rows for less than a minimum on its table; a soft-delete rule's grace counts as its keep. */
    checkMinimums(rules, minimums) {
        for (const rule of rules) {
            // A collection's minimum names it as database.collection, which reads as schema.table.
            const table = (0,_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .ruleTable */ .B2)(rule) ??
                (rule.kind === 'collection' ? { schema: rule.collection.database, name: rule.collection.name } : undefined);
            if (!table)
                continue;
            const { key, period: keep } = (0,_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .rulePeriod */ .GL)(rule);
            for (const minimum of minimums) {
                if ((0,_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .sameTable */ .lY)(table, minimum.table) && !(0,_period_js__WEBPACK_IMPORTED_MODULE_6__/* .periodAtLeast */ ["if"])(keep, minimum.keepAtLeast)) {
                    const floor = (0,_period_js__WEBPACK_IMPORTED_MODULE_6__/* .formatPeriod */ .dH)(minimum.keepAtLeast);
                    // 365d under 1y: shorter only in the years that hold a 29 February; say so, or it reads as a false alarm.
                    const leap = (0,_period_js__WEBPACK_IMPORTED_MODULE_6__/* .shortestSeconds */ .Sy)(keep) >= (0,_period_js__WEBPACK_IMPORTED_MODULE_6__/* .shortestSeconds */ .Sy)(minimum.keepAtLeast)
                        ? ' across a 29 February (a calendar year is 365 or 366 days)'
                        : '';
                    throw this.fail(['data', rule.index, key], `rule '${rule.name}' (data[${rule.index}]) field '${key}'`, `(${(0,_period_js__WEBPACK_IMPORTED_MODULE_6__/* .formatPeriod */ .dH)(keep)}) is shorter than the minimum for ${(0,_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .qualifiedNameText */ .JK)(minimum.table)} on line ${minimum.line} (${floor})${leap}`, `a ${key} of at least ${floor}: minimums are compliance floors a rule may not undercut`);
                }
            }
        }
    }
    // --- values ---
    period(path, field) {
        const text = this.text(path, field, PERIOD_FORM);
        const period = readPeriod(text);
        if (period === undefined)
            throw this.fail(path, field, `'${text}' is not a duration`, PERIOD_FORM);
        this.guard(path, field, () => (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E9)(`${(0,_period_js__WEBPACK_IMPORTED_MODULE_6__/* .shortestSeconds */ .Sy)(period)}s`, INPUT));
        if ((0,_period_js__WEBPACK_IMPORTED_MODULE_6__/* .shortestSeconds */ .Sy)(period) < MIN_PERIOD_SECONDS)
            throw this.fail(path, field, `is '${text}', less than an hour`, `at least 1h; ${PERIOD_FORM}`);
        return period;
    }
    tableName(path, field) {
        const text = this.text(path, field, TABLE_FORM);
        const parts = text.split('.');
        if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p)))
            throw this.fail(path, field, `is '${text}'`, TABLE_FORM);
        return parts.length === 2 ? { schema: parts[0], name: parts[1] } : { name: parts[0] };
    }
    collectionName(path, field) {
        const text = this.text(path, field, COLLECTION_FORM);
        const match = /^([^./\s"$]+)\.([^\s$]+)$/.exec(text);
        if (!match)
            throw this.fail(path, field, `is '${text}'`, COLLECTION_FORM);
        return { database: match[1], name: match[2] };
    }
    column(path, field) {
        return this.required(path, field, COLUMN_FORM, (t) => IDENTIFIER.test(t));
    }
    required(path, field, valid, test) {
        const text = this.text(path, field, valid);
        if (!test(text))
            throw this.fail(path, field, `is '${text}'`, valid);
        return text;
    }
    /** A string value; numbers are refused rather than guessed at (`keep: 30` has no unit). */
    text(path, field, valid) {
        const value = this.value(path);
        if (value === undefined)
            throw this.fail(path.slice(0, -1), field, 'is missing', valid);
        if (typeof value !== 'string' || value.trim() === '')
            throw this.fail(path, field, `is ${JSON.stringify(value)}`, valid);
        return value;
    }
    list(path, field) {
        const value = this.value(path);
        if (value === undefined || value === null)
            return [];
        if (!Array.isArray(value))
            throw this.fail(path, field, 'is not a list', `a list of entries, each starting with "- "`);
        return value;
    }
    mapAt(path, field, valid) {
        if (!this.yaml.isMap(this.node(path)))
            throw this.fail(path, field, 'is not a mapping', valid);
    }
    knownKeys(path, known, what, label) {
        for (const key of this.keysOf(path))
            if (!known.includes(key))
                throw this.fail([...path, key], label ? `${label} field '${key}'` : `'${key}'`, 'is not a known key', `${what}: ${known.join(', ')}`, true);
    }
    keysOf(path) {
        const node = this.node(path);
        return (node?.items ?? []).map((pair) => String(this.yaml.isScalar(pair.key) ? pair.key.value : pair.key));
    }
    value(path) {
        const node = this.node(path);
        return node === undefined ? undefined : node.toJSON();
    }
    node(path) {
        if (path.length === 0)
            return this.doc.contents;
        const parent = this.node(path.slice(0, -1));
        const key = path.at(-1);
        if (this.yaml.isMap(parent)) {
            const pair = parent.items.find((p) => (this.yaml.isScalar(p.key) ? p.key.value : p.key) === key);
            return pair?.value;
        }
        if (this.yaml.isSeq(parent) && typeof key === 'number')
            return parent.items[key];
        return undefined;
    }
    /** The line of a value, or of its key when `atKey` (an unknown key has no meaningful value line). */
    lineOf(path, atKey = false) {
        if (path.length > 0) {
            const parent = this.node(path.slice(0, -1));
            if (this.yaml.isMap(parent)) {
                const pair = parent.items.find((p) => (this.yaml.isScalar(p.key) ? p.key.value : p.key) === path.at(-1));
                const node = (atKey ? pair?.key : (pair?.value ?? pair?.key));
                if (node?.range)
                    return this.lines.linePos(node.range[0]).line;
            }
        }
        const node = this.node(path);
        if (node?.range)
            return this.lines.linePos(node.range[0]).line;
        return path.length > 0 ? this.lineOf(path.slice(0, -1)) : 1;
    }
    /** Runs a check of dbops's own (durations, locations) and re-throws its error with the line and field. */
    guard(path, field, check) {
        try {
            return check();
        }
        catch (error) {
            if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_7__/* .DbopsError */ .zJ))
                throw error;
            const problem = error.message.replace(/^Input 'policy' /, '');
            throw this.fail(path, field, problem, error.hint ?? '');
        }
    }
    fail(path, field, problem, valid, atKey = false) {
        return this.error(this.lineOf(path, atKey), field, problem, valid);
    }
    error(line, field, problem, valid) {
        return (0,_errors_js__WEBPACK_IMPORTED_MODULE_7__/* .invalidInput */ .aY)(INPUT, `file ${this.source} line ${line}: ${field} ${problem}`, valid);
    }
}
/**
 * dbops's duration grammar, plus a leading number of calendar years for retention periods: `6y`, `1y30d`. The years
 * stay years (period.ts): 7 calendar years are 2556 or 2557 days, never the 2555 of 7 × 365.
 */
function readPeriod(text) {
    const years = /^\s*(\d+)\s*y\s*(.*)$/i.exec(text);
    if (!years) {
        const seconds = (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .readDuration */ .$7)(text);
        return seconds === undefined ? undefined : { years: 0, seconds };
    }
    const rest = years[2].trim() === '' ? 0 : (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .readDuration */ .$7)(years[2]);
    return rest === undefined ? undefined : { years: Number(years[1]), seconds: rest };
}
//# sourceMappingURL=read-policy.js.map

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
