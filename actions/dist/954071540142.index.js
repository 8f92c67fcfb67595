export const id = 954071540142;
export const ids = [954071540142];
export const modules = {

/***/ 49231:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B2: () => (/* binding */ ruleTable),
/* harmony export */   Dg: () => (/* binding */ MAX_SUBJECT_DOCUMENTS_LIMIT),
/* harmony export */   EK: () => (/* binding */ collectionText),
/* harmony export */   GL: () => (/* binding */ rulePeriod),
/* harmony export */   JK: () => (/* binding */ qualifiedNameText),
/* harmony export */   hA: () => (/* binding */ DEFAULT_MAX_SUBJECT_DOCUMENTS),
/* harmony export */   kS: () => (/* binding */ BACKUP_KEEP_KEYS),
/* harmony export */   kX: () => (/* binding */ DEFAULT_POLICY_DEFAULTS),
/* harmony export */   lY: () => (/* binding */ sameTable),
/* harmony export */   lZ: () => (/* binding */ sqlHolds)
/* harmony export */ });
/** The defaults a file may leave out; each is what a gentle purge on a busy primary can afford. */
const DEFAULT_POLICY_DEFAULTS = {
    batchSize: 5000,
    maxCascadeRows: 100_000,
    lockTimeoutMs: 2000,
    maxReplicationLagMs: 30_000,
    maxRuntimeMs: 20 * 60_000,
    sleepMs: 0,
    // Rest twice as long as each batch ran: on a quiet 2-core server 0.5 took a writer's p99 to 2.1–2.6x its own,
    // 2 to 1.74–1.80x (bench/README.md, retention-purge), at two thirds of the rows per second.
    sleepCoefficient: 2,
};
/** A million documents: some hundred MB of `_id`s, well within a runner's memory. */
const DEFAULT_MAX_SUBJECT_DOCUMENTS = 1_000_000;
/** The most a policy may allow: some 10 GB of `_id`s, more than a hosted runner has. */
const MAX_SUBJECT_DOCUMENTS_LIMIT = 100_000_000;
/** Each keep-* field of a backups: section and its key in the file. */
const BACKUP_KEEP_KEYS = {
    keepLast: 'keep-last',
    keepHourly: 'keep-hourly',
    keepDaily: 'keep-daily',
    keepWeekly: 'keep-weekly',
    keepMonthly: 'keep-monthly',
    keepYearly: 'keep-yearly',
    keepWithin: 'keep-within',
    keepMinVerified: 'keep-min-verified',
};
/** A rule's retention period: `keep`, or for soft-delete rules (tables and collections) `grace`. */
function rulePeriod(rule) {
    return 'grace' in rule ? { key: 'grace', period: rule.grace } : { key: 'keep', period: rule.keep };
}
/** The table a rule purges, or undefined for a MongoDB collection. */
function ruleTable(rule) {
    return rule.kind === 'collection' ? undefined : rule.table;
}
/** The holds PostgreSQL reads (tables and queries); MongoDB's collections hold MongoDB documents only. */
function sqlHolds(holds) {
    return holds.filter((hold) => hold.kind !== 'collection');
}
/** A collection as `database.collection`, the name minimums and receipts use for it. */
function collectionText(collection) {
    return `${collection.database}.${collection.name}`;
}
/** Unqualified names are compared as public.name: the schema a policy most often means. */
function sameTable(a, b) {
    return (a.schema ?? 'public') === (b.schema ?? 'public') && a.name === b.name;
}
function qualifiedNameText(name) {
    return name.schema === undefined ? name.name : `${name.schema}.${name.name}`;
}
//# sourceMappingURL=policy.js.map

/***/ }),

/***/ 11933:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Lk: () => (/* binding */ loadWhereParser),
/* harmony export */   fL: () => (/* binding */ parseWhereFilter),
/* harmony export */   uG: () => (/* binding */ WhereFilterError),
/* harmony export */   ut: () => (/* binding */ checkHoldQuery)
/* harmony export */ });
/* unused harmony exports WHERE_FORM, HOLD_QUERY_FORM */
/** Thrown as { problem, valid }; read-policy.ts adds the rule, field and line. */
class WhereFilterError extends Error {
    problem;
    valid;
    constructor(problem, valid) {
        super(problem);
        this.problem = problem;
        this.valid = valid;
        this.name = 'WhereFilterError';
    }
}
const WHERE_FORM = "one boolean SQL expression on the rule's own columns, e.g. \"tenant_id = 7 AND status IN ('closed', 'spam')\"; " +
    `functions allowed: ${[...allowedFunctionNames()].join(', ')}`;
/** Pure, read-only functions a filter may call: no side effects, no other tables, no sleeping. */
function allowedFunctionNames() {
    return new Set([
        'lower',
        'upper',
        'length',
        'btrim',
        'trim',
        'abs',
        'coalesce',
        'nullif',
        'date_trunc',
        'now',
        'jsonb_typeof',
        'starts_with',
    ]);
}
const ALLOWED_FUNCTIONS = allowedFunctionNames();
/** Expression nodes a filter may contain; anything else (SubLink, ParamRef, ...) is refused. */
const ALLOWED_NODES = new Set([
    'A_Expr',
    'BoolExpr',
    'ColumnRef',
    'A_Const',
    'TypeCast',
    'TypeName',
    'NullTest',
    'BooleanTest',
    'FuncCall',
    'SQLValueFunction',
    'CoalesceExpr',
    'MinMaxExpr',
    'CaseExpr',
    'CaseWhen',
    'A_ArrayExpr',
    'List',
    'String',
    'Integer',
    'Float',
    'Boolean',
    'BitString',
]);
let loaded;
let pgQuery;
/**
 * Loads the parser and its WebAssembly module once; parseWhereFilter can be called only after it. Imported here,
 * not at the top: evaluating libpg-query instantiates its WebAssembly, which every command's start-up paid.
 */
function loadWhereParser() {
    loaded ??= Promise.resolve(/* import() eager */).then(__webpack_require__.t.bind(__webpack_require__, 2627, 19)).then(async (module) => {
        await module.loadModule();
        pgQuery = module;
    });
    return loaded;
}
function parser() {
    if (!pgQuery)
        throw new Error('loadWhereParser() must have resolved before a filter is parsed');
    return pgQuery;
}
function parseWhereFilter(text) {
    if (text.trim() === '')
        throw new WhereFilterError('is empty', WHERE_FORM);
    checkTokens(text);
    let tree;
    try {
        tree = parser().parseSync(`SELECT WHERE ${text}`);
    }
    catch (error) {
        throw new WhereFilterError(`does not parse as SQL: ${error.message}`, WHERE_FORM);
    }
    const statements = tree.stmts ?? [];
    const select = statements.length === 1 ? statements[0].stmt.SelectStmt : undefined;
    const extra = select && Object.keys(select).filter((k) => !['whereClause', 'limitOption', 'op'].includes(k));
    if (!select?.whereClause || extra?.length || select.op !== 'SETOP_NONE')
        throw new WhereFilterError('is not a single boolean expression', WHERE_FORM);
    const columns = new Set();
    walk(select.whereClause, columns);
    return { sql: text.trim(), columns: [...columns] };
}
/**
 * Token checks the tree cannot show: a comment or a `;` is gone from the tree, and parentheses that close before
 * the end (`a = 1) OR (true`) parse as one expression here but escape the parentheses the predicate adds.
 */
function checkTokens(text, form = WHERE_FORM) {
    let tokens;
    try {
        tokens = parser().scanSync(text).tokens;
    }
    catch (error) {
        throw new WhereFilterError(`does not scan as SQL: ${error.message}`, form);
    }
    let depth = 0;
    for (const token of tokens) {
        if (token.tokenName === 'SQL_COMMENT' || token.tokenName === 'C_COMMENT')
            throw new WhereFilterError(`contains a comment (${token.text.slice(0, 20)})`, `${form}; no comments`);
        if (token.text === ';')
            throw new WhereFilterError('contains a ";"', `${form}; no ";"`);
        if (token.text === '(')
            depth++;
        if (token.text === ')' && --depth < 0)
            throw new WhereFilterError('closes a parenthesis it did not open', `${form}; parentheses balanced within the filter`);
    }
    if (depth !== 0)
        throw new WhereFilterError('leaves a parenthesis open', `${form}; balanced parentheses`);
}
function walk(node, columns) {
    if (Array.isArray(node)) {
        for (const item of node)
            walk(item, columns);
        return;
    }
    if (node === null || typeof node !== 'object')
        return;
    for (const [type, body] of Object.entries(node)) {
        if (!/^[A-Z]/.test(type)) {
            walk(body, columns); // a field of the node above (args, lexpr, ...), not a node type
            continue;
        }
        if (!ALLOWED_NODES.has(type))
            throw new WhereFilterError(`uses ${describe(type)}`, WHERE_FORM);
        if (type === 'ColumnRef')
            columns.add(columnName(body));
        if (type === 'FuncCall')
            checkFunction(body);
        walk(body, columns);
    }
}
function describe(type) {
    if (type === 'SubLink')
        return 'a subquery, which may read other tables or call functions that write';
    if (type === 'ParamRef')
        return 'a parameter ($1), which has no value in a policy';
    return `${type}, which a filter may not contain`;
}
function columnName(ref) {
    const fields = (ref.fields ?? []);
    if (fields.some((f) => f.A_Star))
        throw new WhereFilterError('uses *', WHERE_FORM);
    // Only the rule's own table is in scope: a qualified name (other_table.col) is refused.
    if (fields.length !== 1)
        throw new WhereFilterError(`names a qualified column (${fields.map((f) => f.String?.sval).join('.')})`, `${WHERE_FORM}; columns of the rule's table, unqualified`);
    return fields[0].String.sval;
}
function checkFunction(call) {
    const parts = (call.funcname ?? []).map((p) => p.String?.sval);
    const name = parts.join('.');
    const plain = parts.length === 1 || (parts.length === 2 && parts[0] === 'pg_catalog') ? parts.at(-1) : name;
    if (!ALLOWED_FUNCTIONS.has(plain))
        throw new WhereFilterError(`calls the function ${name}()`, WHERE_FORM);
    if (call.agg_star || call.over || call.agg_filter || call.agg_order)
        throw new WhereFilterError(`uses ${name}() as an aggregate or window function`, WHERE_FORM);
}
const HOLD_QUERY_FORM = 'one SELECT returning subject_table and subject_id, without ";", comments, WITH, INTO or FOR UPDATE, e.g. "SELECT subject_table, subject_id FROM compliance.holds WHERE active"';
/**
 * A hold query: put inside `FROM (...)` and run in a read-only transaction, so it must be one plain SELECT that
 * cannot close its parentheses, lock rows or hide a data-modifying WITH.
 */
function checkHoldQuery(text) {
    checkTokens(text, HOLD_QUERY_FORM);
    let tree;
    try {
        tree = parser().parseSync(text);
    }
    catch (error) {
        throw new WhereFilterError(`does not parse as SQL: ${error.message}`, HOLD_QUERY_FORM);
    }
    const statements = tree.stmts ?? [];
    const select = statements.length === 1 ? statements[0].stmt.SelectStmt : undefined;
    if (!select)
        throw new WhereFilterError('is not a single SELECT', HOLD_QUERY_FORM);
    if (select.withClause || select.intoClause || select.lockingClause)
        throw new WhereFilterError('uses WITH, INTO or FOR UPDATE/SHARE', HOLD_QUERY_FORM);
}
//# sourceMappingURL=where-filter.js.map

/***/ }),

/***/ 78053:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O: () => (/* binding */ checkPolicyCatalog)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);
/* harmony import */ var _data_retention_policy_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(49231);
/* harmony import */ var _data_retention_where_filter_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(11933);



const TIME_TYPES = ['timestamp with time zone', 'timestamp without time zone', 'date'];
/** Checks every PostgreSQL rule and hold; throws one error listing every problem, each with its rule and line. */
async function checkPolicyCatalog(client, policy) {
    const problems = [];
    const rules = [];
    for (const rule of policy.data) {
        if (rule.kind === 'collection')
            continue; // MongoDB: checked by the MongoDB engine
        const facts = await checkRule(client, rule, problems);
        if (facts)
            rules.push(facts);
    }
    if (problems.length > 0)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('INVALID_INPUT', `The policy does not match the database:\n${problems.join('\n')}`, {
            input: 'policy',
            hint: 'Fix the rule (table, by, soft-delete, where or anonymize) to name what the database has, or create it first.',
        });
    const sql = (0,_data_retention_policy_js__WEBPACK_IMPORTED_MODULE_1__/* .sqlHolds */ .lZ)(policy.holds);
    // As MongoDB refuses holds it cannot read: a table rule under holds that are all collections would be held by none.
    const collectionHold = policy.holds.find((hold) => hold.kind === 'collection');
    if (sql.length === 0 && collectionHold && policy.data.some((rule) => rule.kind !== 'collection'))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('CHECK_FAILED', `Policy line ${collectionHold.line}: the legal holds are MongoDB collections, which a PostgreSQL run cannot read; nothing is purged or erased while holds cannot be read`, {
            input: 'policy',
            hint: 'Add a hold table or query for PostgreSQL rows, e.g. holds: - table: public.legal_holds (columns subject_table, subject_id).',
        });
    for (const hold of sql)
        await checkHold(client, hold);
    return { rules };
}
async function checkRule(client, rule, problems) {
    const at = `line ${rule.line}: rule '${rule.name}'`;
    const table = await tableFacts(client, (0,_data_retention_policy_js__WEBPACK_IMPORTED_MODULE_1__/* .qualifiedNameText */ .JK)(rule.table));
    if (!table || !['r', 'p'].includes(table.relkind)) {
        problems.push(`${at} field 'table': ${(0,_data_retention_policy_js__WEBPACK_IMPORTED_MODULE_1__/* .qualifiedNameText */ .JK)(rule.table)} ${table ? 'is not a table' : 'does not exist'} (a table or partitioned table is needed)`);
        return undefined;
    }
    const timeColumn = rule.kind === 'age' ? ['by', rule.by] : ['soft-delete', rule.softDelete];
    const [field, column] = timeColumn;
    const type = table.columns[column];
    if (type === undefined)
        problems.push(`${at} field '${field}': ${table.regclass} has no column ${column}`);
    else if (!TIME_TYPES.includes(type))
        problems.push(`${at} field '${field}': ${table.regclass}.${column} is ${type}, not a timestamp or date column`);
    const others = [];
    if (rule.where)
        for (const c of (0,_data_retention_where_filter_js__WEBPACK_IMPORTED_MODULE_2__/* .parseWhereFilter */ .fL)(rule.where).columns)
            others.push(['where', c]);
    if (rule.kind === 'soft-delete' && rule.afterGrace.action === 'anonymize')
        for (const c of Object.keys(rule.afterGrace.columns))
            others.push([`anonymize.${c}`, c]);
    for (const [name, c] of others)
        if (table.columns[c] === undefined)
            problems.push(`${at} field '${name}': ${table.regclass} has no column ${c}`);
    if (!table.primary_key)
        problems.push(`${at} field 'table': ${table.regclass} has no primary key (purges walk it in batches; add one)`);
    return {
        rule: rule.name,
        table: table.regclass,
        partitioned: table.relkind === 'p',
        primaryKey: table.primary_key ?? [],
        timeType: type,
    };
}
async function tableFacts(client, name) {
    const { rows } = await client.query(`SELECT c.oid, c.oid::regclass::text AS regclass, c.relkind,
            (SELECT coalesce(jsonb_object_agg(a.attname, format_type(a.atttypid, NULL)), '{}')
               FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
            (SELECT array_agg(a.attname::text ORDER BY k.n)
               FROM pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
              WHERE i.indrelid = c.oid AND i.indisprimary) AS primary_key
       FROM pg_class c WHERE c.oid = to_regclass($1)`, [name]);
    return rows[0];
}
/** Fail closed: a hold source that is missing, malformed or unreadable stops the run. */
async function checkHold(client, hold) {
    const source = hold.kind === 'table' ? `hold table ${(0,_data_retention_policy_js__WEBPACK_IMPORTED_MODULE_1__/* .qualifiedNameText */ .JK)(hold.table)}` : 'hold query';
    const fail = (problem, cause) => new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('CHECK_FAILED', `Policy line ${hold.line}: the ${source} ${problem}; nothing is purged while holds cannot be read`, {
        input: 'policy',
        hint: 'holds: a readable table (or a SELECT) with columns subject_table and subject_id',
        ...(cause === undefined ? {} : { cause }),
    });
    let from;
    if (hold.kind === 'table') {
        const table = await tableFacts(client, (0,_data_retention_policy_js__WEBPACK_IMPORTED_MODULE_1__/* .qualifiedNameText */ .JK)(hold.table));
        if (!table)
            throw fail('does not exist');
        for (const column of ['subject_table', 'subject_id'])
            if (table.columns[column] === undefined)
                throw fail(`has no column ${column}`);
        from = table.regclass;
    }
    else {
        from = `(${hold.query}) AS holds`;
    }
    // Read for real, in a read-only transaction: a permission the catalog shows is not proof the SELECT works.
    await client.query('BEGIN READ ONLY');
    try {
        await client.query(`SELECT subject_table, subject_id FROM ${from} LIMIT 1`);
    }
    catch (error) {
        throw fail(`cannot be read (${error.message})`, error);
    }
    finally {
        await client.query('ROLLBACK');
    }
}
//# sourceMappingURL=data-retention-catalog.js.map

/***/ }),

/***/ 49467:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $h: () => (/* binding */ batchSql),
/* harmony export */   FE: () => (/* binding */ cutoffValue),
/* harmony export */   Hg: () => (/* binding */ heldMatch),
/* harmony export */   J4: () => (/* binding */ estimateSql),
/* harmony export */   _3: () => (/* binding */ lockBatchSql),
/* harmony export */   ac: () => (/* binding */ cascadeRowsSql),
/* harmony export */   eA: () => (/* binding */ countSql),
/* harmony export */   qq: () => (/* binding */ cascadeCountSql),
/* harmony export */   sB: () => (/* binding */ heldExpression),
/* harmony export */   xy: () => (/* binding */ SqlParams)
/* harmony export */ });
/* unused harmony exports keyText, utcKeyText, expiredPredicate, underMinimumExpression */
/* harmony import */ var _server_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(46579);

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
    const columns = target.primaryKey.map((k) => `${alias}.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(k.name)}`);
    return columns.length === 1 ? `${columns[0]}::text` : `ROW(${columns.join(', ')})::text`;
}
const TIMESTAMPTZ = /^timestamp(\(\d\))? with time zone$/;
/**
 * The key's text with each timestamptz column rendered by `zoned` (finite values only: infinity reads the same in
 * every zone); undefined when the key has none.
 */
function zonedKeyText(key, alias, zoned) {
    if (!key.some((k) => TIMESTAMPTZ.test(k.type)))
        return undefined;
    const columns = key.map((k) => {
        const column = `${alias}.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(k.name)}`;
        if (!TIMESTAMPTZ.test(k.type))
            return column;
        return `CASE WHEN isfinite(${column}) THEN ${zoned(column)} ELSE ${column}::text END`;
    });
    return columns.length === 1 ? `(${columns[0]})::text` : `ROW(${columns.join(', ')})::text`;
}
/**
 * The key's text with its timestamptz columns as UTC instants (`2026-01-01 12:00:00+00`) whatever the session's
 * TimeZone, exactly as a session on UTC writes it (`+00` goes before a ` BC`); undefined when the key has none. The
 * text of a timestamptz is the session's: a hold written from a UTC session would not match the row's text in a
 * session elsewhere, and tombstones and receipts hashed in another zone would not match restore-test's (UTC) hashes.
 */
function utcKeyText(key, alias) {
    // E'' strings: read the same whatever standard_conforming_strings says ('\1' would be chr(1) with it off).
    return zonedKeyText(key, alias, (c) => `regexp_replace((${c} AT TIME ZONE 'UTC')::text, '( BC)?$', E'+00\\\\1')`);
}
/** The key's text as a session on its default TimeZone (the database's, or the connection's) writes it. */
function defaultZoneKeyText(key, alias) {
    const zone = "(SELECT reset_val FROM pg_settings WHERE name = 'TimeZone')";
    // timestamptz_out's offset: +HH, then :MM when minutes or seconds, then :SS when seconds.
    const offset = `CASE WHEN z.o < 0 THEN '-' ELSE '+' END || lpad((abs(z.o) / 3600)::text, 2, '0')
    || CASE WHEN abs(z.o) % 3600 <> 0 THEN ':' || lpad((abs(z.o) / 60 % 60)::text, 2, '0') ELSE '' END
    || CASE WHEN abs(z.o) % 60 <> 0 THEN ':' || lpad((abs(z.o) % 60)::text, 2, '0') ELSE '' END`;
    return zonedKeyText(key, alias, (c) => `(SELECT regexp_replace(z.l::text, '( BC)?$', ${offset} || E'\\\\1')
      FROM (SELECT y.l, extract(epoch FROM y.l - (${c} AT TIME ZONE 'UTC'))::int AS o
              FROM (SELECT ${c} AT TIME ZONE ${zone} AS l) AS y) AS z)`);
}
/**
 * True when a legal hold names the row (as `alias`); `false` without holds or a key. Holds are read at statement
 * time. A key with a timestamptz matches in the session's text and in UTC's: holds err on the side of keeping.
 * `session: 'default'` is for statements in a transaction that set its TimeZone to UTC (subject erase and export):
 * the session's form is then the one its default zone writes, as the purge's session (left on it) matches.
 */
function heldMatch(hold, alias, params, session = 'current') {
    if (hold.holdSources.length === 0 || hold.primaryKey.length === 0)
        return 'false';
    const names = params.add(hold.holdNames);
    const forms = [
        session === 'current' ? keyText(hold, alias) : defaultZoneKeyText(hold.primaryKey, alias),
        utcKeyText(hold.primaryKey, alias),
    ].filter((form) => form !== undefined);
    const key = forms.length > 1 ? `ANY(ARRAY[${forms.join(', ')}])` : keyText(hold, alias);
    return `(${hold.holdSources
        .map((source) => `EXISTS (SELECT 1 FROM ${source} AS h WHERE h.subject_table::text = ANY(${names}::text[]) AND h.subject_id::text = ${key})`)
        .join(' OR ')})`;
}
/**
 * True when a legal hold names the rule's row `t`, or a row its delete would cascade into (`cascades`, at any depth:
 * PostgreSQL's cascade checks no hold, so a row is kept back, and counted held, rather than take a held row with
 * it); `false` when the policy has no holds.
 */
function heldExpression(target, params) {
    if (target.holdSources.length === 0)
        return 'false';
    const held = [heldMatch(target, 't', params)];
    for (const path of target.cascades ?? []) {
        const { from, first } = pathJoins(path);
        const last = `c${path.steps.length}`;
        const match = heldMatch({ ...path, holdSources: target.holdSources }, last, params);
        held.push(`EXISTS (SELECT 1 FROM ${from} WHERE ${first} AND ${match})`);
    }
    return held.length === 1 ? held[0] : `(${held.join(' OR ')})`;
}
/**
 * A cascade path's tables joined on their foreign keys, c1 to c<n> (`from`), and the condition joining c1 to the
 * rule's row t (`first`); `joined`: all of them joined to t.
 */
function pathJoins(path) {
    const on = (at) => {
        const step = path.steps[at];
        const parent = at === 0 ? 't' : `c${at}`;
        return `(${step.columns.map((c) => `c${at + 1}.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(c)}`).join(', ')}) = (${step.references.map((c) => `${parent}.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(c)}`).join(', ')})`;
    };
    const from = path.steps.map((step, at) => `${at === 0 ? '' : 'JOIN '}${step.table} AS c${at + 1}${at === 0 ? '' : ` ON ${on(at)}`}`);
    const joined = path.steps.map((step, at) => `JOIN ${step.table} AS c${at + 1} ON ${on(at)}`);
    return { from: from.join(' '), first: on(0), joined: joined.join(' ') };
}
/** `(t.k1, t.k2) IN (the given keys)`: each column's keys as text, cast to the column's type. */
function keysIn(target, params, keys) {
    const columns = target.primaryKey.map((k) => `t.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(k.name)}`);
    const arrays = target.primaryKey.map((k, i) => `${params.add(keys[i])}::text[]::${k.type}[]`);
    return `(${columns.join(', ')}) IN (SELECT * FROM unnest(${arrays.join(', ')}))`;
}
/**
 * For rules whose deletes cascade (archive-to): locks a batch's rows as batchSql would pick them (same conditions,
 * order, limit, SKIP LOCKED), changing nothing; returns each key column as text. Their dependants are then read
 * (cascadeRowsSql) and batchSql runs over exactly these keys (`only`), so what cascades is what was read: a row
 * locked FOR UPDATE takes no new referencing row (an insert needs KEY SHARE on it) until the batch ends.
 */
function lockBatchSql(target, size, afterKey) {
    const params = new SqlParams();
    const keys = target.primaryKey.map((k) => `t.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(k.name)}`);
    const text = `SELECT ${keys.map((k, i) => `${k}::text AS key_${i}`).join(', ')} FROM ${target.table} AS t
   WHERE ${batchConditions(target, params, afterKey).join('\n     AND ')}
   ORDER BY ${keys.join(', ')} LIMIT ${params.add(size)} FOR UPDATE OF t SKIP LOCKED`;
    return { text, values: params.values };
}
/**
 * The rows of a cascade path's last table that deleting the rule's rows with `keys` (each column as text) would
 * delete, each as JSON text, locked FOR UPDATE so that none changes, and none gains a referencing row, before the
 * batch's DELETE. Called path by path, shorter first: each table's rows are locked before the next level is read.
 */
function cascadeRowsSql(target, path, keys) {
    const params = new SqlParams();
    const last = `c${path.steps.length}`;
    const text = `SELECT to_jsonb(${last})::text AS row FROM ${target.table} AS t ${pathJoins(path).joined}
   WHERE ${keysIn(target, params, keys)} FOR UPDATE OF ${last}`;
    return { text, values: params.values };
}
/**
 * How many rows (up to `limit`, so a count over millions stops early) of a cascade path's last table deleting the
 * rule's rows with `keys` would delete: read before they are locked and loaded (cascadeRowsSql), to bound a batch.
 */
function cascadeCountSql(target, path, keys, limit) {
    const params = new SqlParams();
    const text = `SELECT count(*)::float8 AS n FROM (SELECT 1 FROM ${target.table} AS t ${pathJoins(path).joined}
   WHERE ${keysIn(target, params, keys)} LIMIT ${params.add(limit)}) AS s`;
    return { text, values: params.values };
}
function batchConditions(target, params, afterKey) {
    const conditions = [
        expiredPredicate(target, params, target.effectiveCutoff),
        `NOT ${heldExpression(target, params)}`,
    ];
    if (afterKey) {
        const keys = target.primaryKey.map((k) => `t.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(k.name)}`);
        const after = target.primaryKey.map((k, i) => `${params.add(afterKey[i])}::${k.type}`);
        conditions.push(`(${keys.join(', ')}) > (${after.join(', ')})`);
    }
    return conditions;
}
/**
 * Rows past `cutoff` by the rule's time column (NULL never is: a soft delete not yet made), within its `where`, and
 * for anonymize rules not already anonymized (every listed column already holds its replacement), so a second run
 * neither counts nor rewrites them.
 */
function expiredPredicate(target, params, cutoff) {
    const parts = [`t.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(target.timeColumn)} < ${cutoffValue(target.timeType, params.add(cutoff.toISOString()))}`];
    if (target.where !== undefined)
        parts.push(`(${target.where})`);
    if (target.anonymize)
        parts.push(`NOT ${anonymizedExpression(target.anonymize, params)}`);
    return parts.join(' AND ');
}
function anonymizedExpression(columns, params) {
    return `(${Object.entries(columns)
        .map(([column, value]) => `t.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(column)} IS NOT DISTINCT FROM ${params.add(value)}`)
        .join(' AND ')})`;
}
/**
 * Rows a compliance minimum still protects: younger than the floor though past the rule's own cutoff. The floor is
 * read as cutoffValue reads it (the older reading of a `timestamp` or `date`), the reading that protects more: exactly
 * the rows the batches, whose predicate is its negation, keep.
 */
function underMinimumExpression(target, params) {
    if (target.effectiveCutoff.getTime() >= target.cutoff.getTime())
        return 'false';
    return `t.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(target.timeColumn)} >= ${cutoffValue(target.timeType, params.add(target.effectiveCutoff.toISOString()))}`;
}
/**
 * The cutoff (`placeholder`, an ISO instant: node-postgres would send a Date as local time) as a value of the time
 * column's own type. A `timestamp` holds wall time of some zone the database does not record: UTC (what dbops and
 * most applications write) or the server's TimeZone (DEFAULT now() or LOCALTIMESTAMP on a server set to
 * America/Los_Angeles). The cutoff is the older of its two readings, UTC wall time and the session's, so a row is
 * never taken early, nor a minimum undercut, whichever zone wrote it (at worst it goes up to the zone's offset late).
 * A `date` D is past the cutoff only when the whole day D is, in both readings (D < the older of the cutoff's UTC and
 * session dates). Compared through timestamptz alone, both would be read in the session's TimeZone only.
 * Everything that compares against a cutoff goes through here (rows, minimums, partition bounds): they agree.
 */
function cutoffValue(type, placeholder) {
    const instant = `${placeholder}::timestamptz`;
    if (type === 'timestamp with time zone')
        return instant;
    if (type === 'timestamp without time zone')
        return `LEAST((${instant} AT TIME ZONE 'UTC'), ${instant}::timestamp)`;
    return `LEAST((${instant} AT TIME ZONE 'UTC')::date, ${instant}::date)`;
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
 * in key order, each column as text (the next batch starts after the last) and as one text with its instants in UTC
 * (for the receipt hash and the tombstones: restore-test hashes in UTC, whatever the database's TimeZone);
 * with `archive`, also each row as locked, as JSON text (`archived`), so what is archived is exactly what changed.
 */
function batchSql(target, size, afterKey, archive = false, only) {
    const params = new SqlParams();
    const keys = target.primaryKey.map((k) => (0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(k.name));
    // The row as it was when locked (before an anonymize rewrote it), for the archive: jsonb's text is one line.
    const archived = archive ? ', to_jsonb(t) AS dbops_archived_row' : '';
    const conditions = batchConditions(target, params, afterKey);
    // Rows lockBatchSql locked (and whose dependants were read): no other row, though one may have appeared since.
    if (only)
        conditions.push(keysIn(target, params, only));
    const match = `(${keys.map((k) => `d.${k}`).join(', ')}) = (${keys.map((k) => `b.${k}`).join(', ')})`;
    const change = target.anonymize
        ? `UPDATE ${target.table} AS d SET ${Object.entries(target.anonymize)
            .map(([column, value]) => `${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(column)} = ${params.add(value)}`)
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
SELECT ${keys.map((k, i) => `done.${k}::text AS key_${i}`).join(', ')}, ${utcKeyText(target.primaryKey, 'done') ?? keyText(target, 'done')} AS key${archive ? ', done.dbops_archived_row::text AS archived' : ''}
  FROM done ORDER BY ${keys.map((k) => `done.${k}`).join(', ')}`;
    return { text, values: params.values };
}
//# sourceMappingURL=data-retention-predicate.js.map

/***/ }),

/***/ 84381:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   En: () => (/* binding */ resolveMinimumTables),
/* harmony export */   NC: () => (/* binding */ resolveTable),
/* harmony export */   e2: () => (/* binding */ tableShape),
/* harmony export */   pW: () => (/* binding */ dependants)
/* harmony export */ });
/* harmony import */ var _data_retention_policy_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(49231);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);


const ON_DELETE = {
    a: 'no action',
    r: 'restrict',
    c: 'cascade',
    n: 'set null',
    d: 'set default',
};
async function tableShape(client, table, primaryKey) {
    const { rows } = await client.query(`SELECT c.oid::regclass::text AS table, n.nspname AS schema, c.relname AS name,
            array(SELECT format_type(a.atttypid, a.atttypmod)
                    FROM unnest($2::text[]) WITH ORDINALITY AS k(col, i)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = k.col ORDER BY k.i) AS key_types,
            sizes.bytes, sizes.tuples
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL (
         -- The table itself, or a partitioned table's leaf partitions (the parent holds no rows).
         SELECT sum(pg_table_size(l.oid))::float8 AS bytes, sum(greatest(l.reltuples, 0))::float8 AS tuples
           FROM pg_class l
          WHERE l.oid = c.oid OR l.oid IN (SELECT p.relid FROM pg_partition_tree(c.oid) AS p WHERE p.isleaf)
       ) AS sizes
      WHERE c.oid = to_regclass($1)`, [table, primaryKey]);
    const row = rows[0];
    if (!row || row.key_types.length !== primaryKey.length)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('CONFLICT', `Table ${table} was dropped or altered while the policy was checked against it`, {
            hint: 'A migration changed the schema during the run; nothing was purged. Run again.',
        });
    const shape = {
        table: row.table,
        holdNames: [...new Set([row.name, `${row.schema}.${row.name}`])],
        primaryKey: primaryKey.map((name, i) => ({ name, type: row.key_types[i] })),
    };
    if (row.bytes !== null && row.tuples)
        shape.bytesPerRow = row.bytes / row.tuples;
    return shape;
}
/** Foreign keys referencing the table (one per constraint, not its copies on partitions). */
async function dependants(client, table) {
    const { rows } = await client.query(`SELECT conrelid::regclass::text AS table, conname AS constraint, confdeltype AS action
       FROM pg_constraint
      WHERE contype = 'f' AND confrelid = to_regclass($1) AND conparentid = 0
      ORDER BY 1, 2`, [table]);
    return rows.map((r) => ({ table: r.table, constraint: r.constraint, onDelete: ON_DELETE[r.action] ?? 'no action' }));
}
/** A table name as this session resolves it (search_path), or undefined when there is none. */
async function resolveTable(client, name) {
    const { rows } = await client.query('SELECT to_regclass($1)::text AS table', [name]);
    return rows[0]?.table ?? undefined;
}
/**
 * Each minimum's table as this session resolves its name (resolveTable), undefined when there is none: purge and
 * subject erase alike match a minimum to a table by it, so both honour the same minimums.
 */
async function resolveMinimumTables(client, minimums) {
    const tables = new Map();
    for (const m of minimums)
        tables.set(m, await resolveTable(client, (0,_data_retention_policy_js__WEBPACK_IMPORTED_MODULE_1__/* .qualifiedNameText */ .JK)(m.table)));
    return tables;
}
//# sourceMappingURL=data-retention-target.js.map

/***/ })

};
