export const id = 651263071570;
export const ids = [651263071570];
export const modules = {

/***/ 1148:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ep: () => (/* binding */ periodStart),
/* harmony export */   Sy: () => (/* binding */ shortestSeconds),
/* harmony export */   dH: () => (/* binding */ formatPeriod),
/* harmony export */   "if": () => (/* binding */ periodAtLeast)
/* harmony export */ });
/* unused harmony export policyDuration */
const DAY = 86_400;
/**
 * The start of `period` before `now`: `years` calendar years back (UTC), then `seconds` back, as PostgreSQL's
 * `now - interval '1 year 30 days'` does. A day the earlier year lacks (29 February) becomes the last day of its
 * month, 28 February: the earlier date, so a period never ends up shorter than its years.
 */
function periodStart(now, period) {
    const start = new Date(now.getTime());
    if (period.years !== 0) {
        const year = now.getUTCFullYear() - period.years;
        const month = now.getUTCMonth();
        const lastDay = new Date(0);
        lastDay.setUTCFullYear(year, month + 1, 0);
        start.setUTCFullYear(year, month, Math.min(now.getUTCDate(), lastDay.getUTCDate()));
    }
    return new Date(start.getTime() - period.seconds * 1000);
}
/** The seconds a period spans when its years are as short as they come (365 days each). */
function shortestSeconds(period) {
    return period.years * 365 * DAY + period.seconds;
}
/** The seconds a period spans when its years hold every leap day they can (one in any four consecutive years). */
function longestSeconds(period) {
    return (period.years * 365 + Math.ceil(period.years / 4)) * DAY + period.seconds;
}
/**
 * Whether `a` keeps at least as long as `b` whatever the date: exact when both have the same years (they start from
 * the same day), otherwise `a`'s years counted at their shortest and `b`'s at their longest. So `365d` is shorter
 * than `1y` (a year with 29 February has 366 days), and `1y` is not shorter than `1y`.
 */
function periodAtLeast(a, b) {
    if (a.years === b.years)
        return a.seconds >= b.seconds;
    return shortestSeconds(a) >= longestSeconds(b);
}
/** A period as the policy file writes it: `7y`, `1y30d`, `365d`, `36h`. */
function formatPeriod(period) {
    if (period.years === 0)
        return policyDuration(period.seconds);
    return `${period.years}y${period.seconds === 0 ? '' : policyDuration(period.seconds)}`;
}
/** Seconds as the policy file writes them: `365d`, `12h`, `90m`, `30s` (the largest unit that divides them). */
function policyDuration(seconds) {
    for (const [unit, size] of [
        ['d', DAY],
        ['h', 3600],
        ['m', 60],
    ])
        if (seconds >= size && seconds % size === 0)
            return `${seconds / size}${unit}`;
    return `${seconds}s`;
}
//# sourceMappingURL=period.js.map

/***/ }),

/***/ 85080:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W: () => (/* binding */ SUBJECT_EXPORT_FORMAT),
/* harmony export */   f: () => (/* binding */ exportSubject)
/* harmony export */ });
/* harmony import */ var _databases_postgres_data_retention_catalog_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(78053);
/* harmony import */ var _databases_postgres_subject_rows_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(21018);
/* harmony import */ var _subject_scope_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48464);



const SUBJECT_EXPORT_FORMAT = 'dbops.subject-export/1';
async function exportSubject(client, policy, table, id, statementTimeoutMs = 60_000) {
    // Fail closed, before the transaction (the check runs its own): a hold source that cannot be read stops the export.
    await (0,_databases_postgres_data_retention_catalog_js__WEBPACK_IMPORTED_MODULE_0__/* .checkPolicyCatalog */ .O)(client, { ...policy, data: [] });
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
        await client.query("SELECT set_config('TimeZone', 'UTC', true), set_config('statement_timeout', $1, true)", [
            `${statementTimeoutMs}ms`,
        ]);
        const { graph } = await (0,_subject_scope_js__WEBPACK_IMPORTED_MODULE_1__/* .subjectScope */ .V)(client, policy, table, id);
        const exportedAt = new Date().toISOString();
        const tables = [];
        const parts = [];
        for (const [i, node] of graph.nodes.entries()) {
            const sql = (0,_databases_postgres_subject_rows_js__WEBPACK_IMPORTED_MODULE_2__/* .exportRowsSql */ .Cd)(graph.nodes, i, id);
            const { rows } = await client.query(sql.text, sql.values);
            const parent = node.parent === undefined ? undefined : graph.nodes[node.parent];
            const entry = {
                table: node.table,
                ...(node.via && parent ? { constraint: node.via.constraint, references: parent.table } : {}),
                rows: rows.length,
            };
            tables.push(entry);
            const head = JSON.stringify({ ...entry, rows: undefined }).slice(0, -1);
            const body = rows.map((r) => `\n      ${r.row}`).join(',');
            parts.push(`    ${head}, "rows": [${body}${rows.length > 0 ? '\n    ' : ''}]}`);
        }
        const subject = JSON.stringify({ table: graph.nodes[0].table, id });
        const notFollowed = graph.skipped.map(({ table, constraint, references }) => ({ table, constraint, references }));
        const document = `{
  "format": ${JSON.stringify(SUBJECT_EXPORT_FORMAT)},
  "subject": ${subject},
  "exportedAt": ${JSON.stringify(exportedAt)},
  "tables": [
${parts.join(',\n')}
  ],
  "notFollowed": ${JSON.stringify(notFollowed)}
}
`;
        return { table: graph.nodes[0].table, id, exportedAt, tables, notFollowed, document };
    }
    finally {
        await client.query('ROLLBACK').catch(() => undefined);
    }
}
//# sourceMappingURL=subject-export.js.map

/***/ }),

/***/ 66409:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   k: () => (/* binding */ heldError)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);
/** The refusal both engines give a data subject (or a dependant) under legal hold. */

/** A subject under legal hold: refused, naming the table (and what the hold covers) but no value besides the id. */
function heldError(table, id, detail) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('CHECK_FAILED', `Subject ${id} of ${table} is under legal hold${detail ? ` (${detail})` : ''}: nothing was exported or erased`, {
        input: 'id',
        hint: "A row of the policy's holds names it. Lift the hold first, once the legal reason for it has ended.",
    });
}
//# sourceMappingURL=subject-held.js.map

/***/ }),

/***/ 48464:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   V: () => (/* binding */ subjectScope)
/* harmony export */ });
/* harmony import */ var _databases_postgres_data_retention_target_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(84381);
/* harmony import */ var _databases_postgres_subject_graph_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(61535);
/* harmony import */ var _databases_postgres_subject_rows_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(21018);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(57706);
/* harmony import */ var _policy_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(49231);
/* harmony import */ var _subject_held_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(66409);






/**
 * Throws INVALID_INPUT naming `table` or `id`, or CHECK_FAILED for a held subject. Runs inside the caller's
 * transaction; the caller has checked the holds readable first (checkPolicyCatalog ends a transaction it runs in).
 */
async function subjectScope(client, policy, table, id) {
    const root = await (0,_databases_postgres_subject_graph_js__WEBPACK_IMPORTED_MODULE_0__/* .subjectTable */ .HZ)(client, table);
    const check = (0,_databases_postgres_subject_rows_js__WEBPACK_IMPORTED_MODULE_1__/* .idCheckSql */ .gr)(root, id);
    try {
        await client.query('SAVEPOINT dbops_id_check');
        await client.query(check.text, check.values);
        await client.query('RELEASE SAVEPOINT dbops_id_check');
    }
    catch {
        await client.query('ROLLBACK TO SAVEPOINT dbops_id_check');
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)('id', `'${id}' is not a value of ${root.table}'s primary key (${root.primaryKey.map((k) => `${k.name} ${k.type}`).join(', ')})`, root.primaryKey.length === 1 ? `a ${root.primaryKey[0].type} value` : 'the key as row text, e.g. (42,7)');
    }
    const holdSources = [];
    for (const hold of (0,_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .sqlHolds */ .lZ)(policy.holds))
        holdSources.push(hold.kind === 'table'
            ? ((await (0,_databases_postgres_data_retention_target_js__WEBPACK_IMPORTED_MODULE_4__/* .resolveTable */ .NC)(client, (0,_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .qualifiedNameText */ .JK)(hold.table))) ?? (0,_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .qualifiedNameText */ .JK)(hold.table))
            : `(${hold.query})`);
    const graph = await (0,_databases_postgres_subject_graph_js__WEBPACK_IMPORTED_MODULE_0__/* .subjectGraph */ .Tp)(client, root);
    const own = (0,_databases_postgres_subject_rows_js__WEBPACK_IMPORTED_MODULE_1__/* .countRowsSql */ .X0)(graph.nodes, 0, id, holdSources);
    const { rows } = await client.query(own.text, own.values);
    if (rows[0].rows === 0)
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .invalidInput */ .aY)('id', `'${id}' matches no row of ${root.table}`, `the primary key of an existing row of ${root.table}`);
    if (rows[0].held > 0)
        throw (0,_subject_held_js__WEBPACK_IMPORTED_MODULE_5__/* .heldError */ .k)(root.table, id);
    return { id, graph, holdSources };
}
//# sourceMappingURL=subject-scope.js.map

/***/ }),

/***/ 21018:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B4: () => (/* binding */ deleteRowsSql),
/* harmony export */   Cd: () => (/* binding */ exportRowsSql),
/* harmony export */   Qq: () => (/* binding */ hangingRowsSql),
/* harmony export */   X0: () => (/* binding */ countRowsSql),
/* harmony export */   gr: () => (/* binding */ idCheckSql),
/* harmony export */   zX: () => (/* binding */ anonymizeRowSql)
/* harmony export */ });
/* unused harmony export holdNames */
/* harmony import */ var _subject_graph_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(61535);
/* harmony import */ var _data_retention_predicate_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(49467);
/* harmony import */ var _server_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(46579);
/**
 * The statements of a subject operation over one node of its graph (subject-graph.ts): its rows as JSON for the
 * export, how many of them a legal hold names, and the erase's DELETE or the anonymize's UPDATE. Every value is a
 * parameter; names come quoted from the catalog.
 */



/**
 * A column as the export writes it, for what JSON cannot hold as it is: bytea as `{"$binary": base64}` and numeric
 * as its exact text. Everything else is row_to_json's own form (timestamps ISO 8601, in the session's time zone).
 */
function exportColumn(column, alias) {
    const value = `${alias}.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(column.name)}`;
    const name = (0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(column.name);
    if (column.base === 'bytea')
        return `CASE WHEN ${value} IS NULL THEN NULL ELSE json_build_object('$binary', translate(encode(${value}, 'base64'), E'\\n', '')) END AS ${name}`;
    if (column.base === 'numeric')
        return `${value}::text AS ${name}`;
    return `${value} AS ${name}`;
}
/** Node i's rows, each as one JSON text in column order (exact: never parsed by JavaScript), in key order. */
function exportRowsSql(nodes, i, id) {
    const params = new _subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .Params */ .XS();
    const n = nodes[i];
    const order = n.primaryKey.length > 0 ? ` ORDER BY ${n.primaryKey.map((k) => `s.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(k.name)}`).join(', ')}` : '';
    const text = `SELECT row_to_json(x)::text AS row FROM (
  SELECT ${n.columns.map((c) => exportColumn(c, 's')).join(', ')} FROM (${(0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .selectionSql */ .Rt)(nodes, i, params, id)}) AS s${order}
) AS x`;
    return { text, values: params.values };
}
/** Node i's rows, and how many of them a legal hold names (`holdSources` are FROM items, as in targets.ts). */
function countRowsSql(nodes, i, id, holdSources) {
    const params = new _subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .Params */ .XS();
    const n = nodes[i];
    const selection = (0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .selectionSql */ .Rt)(nodes, i, params, id);
    const held = heldExpression(n, holdSources, params, 's');
    return {
        text: `SELECT count(*)::float8 AS rows, count(*) FILTER (WHERE ${held})::float8 AS held FROM (${selection}) AS s`,
        values: params.values,
    };
}
/**
 * How many rows of a skipped (cycle) edge's table reference the rows of the node it leads back from, other than rows
 * the erase deletes itself through the nodes `deletedWith` (so a cascade or detach along the edge cannot reach them).
 */
function hangingRowsSql(nodes, edge, id, deletedWith) {
    const params = new _subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .Params */ .XS();
    // The edge as a node of its own (the table is on the path, so a node has its columns), below the node it leaves.
    const own = nodes.find((n) => n.table === edge.table);
    const graph = [...nodes, { ...own, depth: nodes[edge.parent].depth + 1, parent: edge.parent, via: edge.via }];
    const conditions = [(0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .matchCondition */ .nc)(graph, graph.length - 1, params, id, 's')];
    for (const j of deletedWith)
        conditions.push(`NOT coalesce(${(0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .matchCondition */ .nc)(nodes, j, params, id, 's')}, false)`);
    return {
        text: `SELECT count(*)::float8 AS rows FROM ${edge.table} AS s WHERE ${conditions.join(' AND ')}`,
        values: params.values,
    };
}
/** The names a hold's subject_table may give a table: `name` and `schema.name`. */
function holdNames(n) {
    return [...new Set([n.name, `${n.schema}.${n.name}`])];
}
/**
 * The purge's hold match (data-retention-predicate.ts): subject operations run in UTC, so a timestamptz key matches
 * as UTC writes it and as the session's default zone does.
 */
function heldExpression(n, holdSources, params, alias) {
    return (0,_data_retention_predicate_js__WEBPACK_IMPORTED_MODULE_2__/* .heldMatch */ .Hg)({ primaryKey: n.primaryKey, holdNames: holdNames(n), holdSources }, alias, params, 'default');
}
/**
 * Deletes node i's rows (its dependants must be gone already) that no legal hold names: a hold committed after the
 * erase counted its rows still keeps them (the caller checks none is left behind). Returns each deleted row's key text
 * (NULL for a table without a primary key: it is matched by its foreign key, not its own key).
 */
function deleteRowsSql(nodes, i, id, holdSources) {
    const params = new _subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .Params */ .XS();
    const n = nodes[i];
    const key = n.primaryKey.length > 0 ? (0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .keyExpression */ .Gp)(n.primaryKey, 'd') : 'NULL::text';
    const match = (0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .matchCondition */ .nc)(nodes, i, params, id, 'd');
    const text = `DELETE FROM ${n.table} AS d WHERE ${match} AND NOT ${heldExpression(n, holdSources, params, 'd')}
 RETURNING ${key} AS key`;
    return { text, values: params.values };
}
/**
 * Replaces the listed columns of the subject's row (node 0) unless a legal hold names it; returns its key text. The
 * hold is part of the statement, as the erase's DELETE: a hold committed after the subject was checked still keeps
 * the row (the caller then finds nothing returned and refuses).
 */
function anonymizeRowSql(nodes, id, columns, holdSources) {
    const params = new _subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .Params */ .XS();
    const set = Object.entries(columns)
        .map(([column, value]) => `${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .sqlName */ .iA)(column)} = ${params.add(value)}`)
        .join(', ');
    const match = (0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .matchCondition */ .nc)(nodes, 0, params, id, 'd');
    const text = `UPDATE ${nodes[0].table} AS d SET ${set} WHERE ${match} AND NOT ${heldExpression(nodes[0], holdSources, params, 'd')}
 RETURNING ${(0,_subject_graph_js__WEBPACK_IMPORTED_MODULE_1__/* .keyExpression */ .Gp)(nodes[0].primaryKey, 'd')} AS key`;
    return { text, values: params.values };
}
/** Checks an id against the subject's key type; the server's error when it does not convert. */
function idCheckSql(root, id) {
    if (root.primaryKey.length === 1)
        return { text: `SELECT $1::${root.primaryKey[0].type} AS id`, values: [id] };
    return { text: 'SELECT $1::text AS id', values: [id] };
}
//# sourceMappingURL=subject-rows.js.map

/***/ }),

/***/ 38143:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   subjectExportDefinition: () => (/* binding */ subjectExportDefinition)
/* harmony export */ });
/* harmony import */ var _report_subject_summary_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(25129);
/* harmony import */ var _connection_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(47518);
/* harmony import */ var _read_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(98521);
/* harmony import */ var _subject_inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(26988);




const inputs = [
    ..._subject_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .SUBJECT_INPUTS */ .j,
    {
        name: 'to',
        description: 'A file to write the JSON document to (written whole or not at all); without it, stdout.',
        type: 'string',
    },
    ...(0,_connection_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .connectionInputs */ .eu)(),
];
/** `dbops subject export` (also `subject-export`): one subject's rows across foreign keys, as one JSON document. */
const subjectExportDefinition = {
    name: 'subject-export',
    description: "GDPR export: a data subject's row and every row referencing it through foreign keys (recursively, every schema), or on MongoDB its document and the dependants the policy declares, as one JSON document; refuses subjects under legal hold.",
    cliOnly: true,
    subcommand: ['subject', 'export'],
    inputs,
    outputs: [
        { name: 'rows', description: 'Rows exported, over every table.' },
        { name: 'file', description: 'The file written, when to was given.' },
    ],
    async run(raw, context) {
        const reader = new _read_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputReader */ .i(inputs, raw, context.env);
        const to = reader.optional('to');
        const { subjectExport } = await Promise.resolve(/* import() eager */).then(__webpack_require__.bind(__webpack_require__, 60219)); // on use: libpg-query slows start-up
        const result = await subjectExport({
            policyPath: reader.required('policy', 'the path of a YAML retention policy'),
            target: await (0,_connection_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .readConnection */ .dC)(reader),
            table: reader.required('table', 'a table name, e.g. public.users'),
            id: reader.required('id', "the subject's primary key, e.g. 42"),
            ...(to ? { to } : {}),
            secrets: context.secrets,
            log: context.log,
            signal: context.signal,
        });
        const { document, ...summary } = result;
        return {
            outputs: { rows: String(result.tables.reduce((n, t) => n + t.rows, 0)), file: result.file ?? '' },
            results: [(0,_report_subject_summary_js__WEBPACK_IMPORTED_MODULE_3__/* .subjectExportSummary */ .H)(result)],
            json: summary,
            // Without a file the document is the command's output: a terminal or a pipe gets it alone on stdout.
            ...(document !== undefined ? { document } : {}),
        };
    },
};
//# sourceMappingURL=subject-export.js.map

/***/ }),

/***/ 26988:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   j: () => (/* binding */ SUBJECT_INPUTS)
/* harmony export */ });
/** The inputs both subject commands share: the policy (holds, and erase's rule) and which subject. */
const SUBJECT_INPUTS = [
    {
        name: 'policy',
        description: "The data-retention policy file (docs/retention.md): its legal holds are checked first (a held subject is refused), and subject-erase applies the then of the table's soft-delete rule.",
        type: 'string',
        required: true,
    },
    {
        name: 'table',
        description: "The subject's table, e.g. users or public.users (it needs a primary key); on MongoDB its collection, e.g. users or app.users.",
        type: 'string',
        required: true,
    },
    {
        name: 'id',
        description: "The subject's primary key, e.g. 42; a composite key as row text, e.g. (42,7). On MongoDB its _id: 42 (the number or the string) or an ObjectId's 24 hex digits.",
        type: 'string',
        required: true,
    },
];
//# sourceMappingURL=subject-inputs.js.map

/***/ }),

/***/ 60219:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   subjectExport: () => (/* binding */ subjectExport)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var _data_retention_read_policy_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(51040);
/* harmony import */ var _data_retention_subject_export_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(85080);
/* harmony import */ var _databases_index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(93556);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(57706);
/* harmony import */ var _files_read_input_file_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83211);






/**
 * `dbops subject export`: one data subject's rows, with every row referencing them through foreign keys (MongoDB: its
 * document, with the documents the policy declares as its dependants), as one JSON document (docs/retention.md, "Data
 * subjects"). Reads only. A file is written whole or not at all.
 */
async function subjectExport(options) {
    const { target, log } = options;
    options.secrets.add(target.password);
    const text = await (0,_files_read_input_file_js__WEBPACK_IMPORTED_MODULE_1__/* .readInputFile */ .j)(options.policyPath, 'policy', 'the path of a YAML retention policy');
    const policy = await (0,_data_retention_read_policy_js__WEBPACK_IMPORTED_MODULE_2__/* .parsePolicy */ .ON)(text, options.policyPath);
    const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
    // MongoDB (no SQL): the session of its engine; PostgreSQL: one SQL session.
    const document = (0,_databases_index_js__WEBPACK_IMPORTED_MODULE_3__/* .documentRetentionFor */ .vR)(target);
    const result = document
        ? await document(target, context, (session) => session.exportSubject(policy, options.table, options.id))
        : await (0,_databases_index_js__WEBPACK_IMPORTED_MODULE_3__/* .sqlEngineFor */ .mO)(target, 'subject export').withSqlSession(target, context, (client) => (0,_data_retention_subject_export_js__WEBPACK_IMPORTED_MODULE_4__/* .exportSubject */ .f)(client, policy, options.table, options.id));
    const { document: content, ...summary } = result;
    if (options.to === undefined)
        return result;
    // Written next to its place and renamed: a crash leaves no half document under the name asked for.
    const partial = `${options.to}.partial`;
    try {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile)(partial, content, { mode: 0o600 });
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rename)(partial, options.to);
    }
    catch (error) {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(partial, { force: true });
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .invalidInput */ .aY)('to', `could not be written (${error.message})`, 'a writable file path');
    }
    log.info(`Subject ${options.id} of ${result.table}: ${result.tables.reduce((n, t) => n + t.rows, 0)} ${document ? 'documents' : 'rows'} written to ${options.to}`);
    return { ...summary, file: options.to };
}
//# sourceMappingURL=subject-export.js.map

/***/ }),

/***/ 25129:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ subjectExportSummary),
/* harmony export */   b: () => (/* binding */ subjectEraseSummary)
/* harmony export */ });
/* harmony import */ var _data_retention_policy_commit_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83977);
/* harmony import */ var _result_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(97343);


/** Which tables the export took rows from, and how each references the subject. Never a value. */
function subjectExportSummary(result) {
    const rows = result.tables.reduce((n, t) => n + t.rows, 0);
    const notes = result.notFollowed.map((s) => [
        (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(s.table),
        ` (${s.constraint ?? s.field}) references `,
        (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(s.references),
        ' again: a cycle, not followed',
    ]);
    if (result.snapshot === false)
        notes.push('Read without a snapshot (the server is not a replica set): each collection as it was when its turn came.');
    return {
        status: 'ok',
        title: [
            'Subject ',
            (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.id),
            ' of ',
            (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.table),
            `: ${rows} rows in ${result.tables.length} tables exported`,
            ...(result.file ? [' to ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.file)] : []),
        ],
        blocks: [
            {
                kind: 'table',
                columns: ['Table', 'References the subject by', 'Rows'],
                rows: result.tables.map((t) => [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(t.table), referencedBy(t), String(t.rows)]),
            },
            ...(notes.length > 0 ? [{ kind: 'list', items: notes }] : []),
        ],
    };
}
/** What the erasure changed (or would), per table, and where its receipt went. */
function subjectEraseSummary(result) {
    const changed = result.tables.filter((t) => t.action === 'delete' || t.action === 'anonymize');
    const rows = changed.reduce((n, t) => n + t.rows, 0);
    const verb = result.action === 'erase' ? 'erased' : 'anonymized';
    const notes = [];
    if (result.dryRun)
        notes.push('A dry run: nothing was changed. Pass --apply (or --dry-run false) to change data.');
    if (result.tombstones > 0)
        notes.push(`${result.tombstones} tombstones (salted key hashes) recorded: restore-test finds these rows if a restore brings them back.`);
    if (result.receipt) {
        const { location, table } = result.receipt;
        const where = [];
        if (location)
            where.push([' at ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(location)]);
        if (table)
            where.push([location ? ' and in ' : ' in ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(table)]);
        notes.push([
            `Receipt ${result.receipt.sequence} (`,
            (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.receipt.sha256.slice(0, 12)),
            ') recorded',
            ...where.flat(),
            ...(result.policyCommit ? [`, policy commit ${(0,_data_retention_policy_commit_js__WEBPACK_IMPORTED_MODULE_1__/* .policyCommitText */ .N)(result.policyCommit)}`] : []),
        ]);
    }
    return {
        status: 'ok',
        title: [
            'Subject ',
            (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.id),
            ' of ',
            (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.table),
            result.dryRun ? `: ${rows} rows would be ${verb}` : `: ${rows} rows ${verb}`,
            ' (rule ',
            (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(result.rule),
            ')',
        ],
        blocks: [
            {
                kind: 'table',
                columns: ['Table', 'References the subject by', 'Action', 'Rows'],
                rows: result.tables.map((t) => [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(t.table), referencedBy(t), t.action, String(t.rows)]),
            },
            ...(notes.length > 0 ? [{ kind: 'list', items: notes }] : []),
        ],
    };
}
/** How a table's rows reference the subject: a foreign key, or (MongoDB) the field holding its `_id`. */
function referencedBy(t) {
    const by = t.constraint ?? t.field;
    return by === undefined ? '(the subject)' : [(0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(by), ' → ', (0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .code */ .aY)(t.references)];
}
//# sourceMappingURL=subject-summary.js.map

/***/ })

};
