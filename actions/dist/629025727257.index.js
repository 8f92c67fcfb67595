export const id = 629025727257;
export const ids = [629025727257];
export const modules = {

/***/ 50895:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   u: () => (/* binding */ readOplogWindow)
/* harmony export */ });
/* unused harmony export timestampSeconds */
/**
 * The oplog window: the time between the oldest and the newest entry of local.oplog.rs. A secondary that falls
 * further behind than it, or a point-in-time backup whose last oplog position is older than the oldest entry, can
 * no longer catch up. monitor-report's oplog-window check reports it, and a purge with `min-oplog-window` waits while
 * it is shorter (deletes write the oplog: on a full, capped oplog each one pushes the oldest entries out).
 * One reading for both, over whatever reads an end of the oplog in natural (insertion) order; no driver import here,
 * so the monitor's check list does not load the driver (data-retention-oplog.ts reads it for a purge).
 */
/** The window between the oplog's ends; undefined when the oplog has no entries. */
async function readOplogWindow(end) {
    const first = await end(1);
    const last = await end(-1);
    if (!first || !last)
        return undefined;
    const from = timestampSeconds(first.ts);
    const to = timestampSeconds(last.ts);
    return { seconds: Math.max(0, to - from), first: new Date(from * 1000), last: new Date(to * 1000) };
}
/** A BSON Timestamp's seconds (its high 32 bits). */
function timestampSeconds(ts) {
    const t = ts;
    return t?.getHighBits?.() ?? t?.t ?? 0;
}
//# sourceMappingURL=oplog-window.js.map

/***/ }),

/***/ 6987:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A: () => (/* binding */ SEQUENCE_COLUMNS)
/* harmony export */ });
/**
 * A query of the columns each sequence fills, one row per (seq, relid, attnum): its owner in pg_depend (serial: 'a',
 * identity: 'i') and every column whose default calls it (nextval('s'::regclass) makes the default depend on it),
 * owned or not, shared or not. The monitor's sequence check and the maintenance plan both judge a sequence by the
 * narrowest of these columns: a bigint sequence filling an int4 column runs out at 2^31-1.
 */
const SEQUENCE_COLUMNS = `
  select d.objid as seq, d.refobjid as relid, d.refobjsubid as attnum from pg_depend d
   where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.refobjsubid > 0
     and d.deptype in ('a', 'i')
  union
  select d.refobjid, ad.adrelid, ad.adnum from pg_depend d join pg_attrdef ad on ad.oid = d.objid
   where d.classid = 'pg_attrdef'::regclass and d.refclassid = 'pg_class'::regclass`;
//# sourceMappingURL=sequence-columns.js.map

/***/ }),

/***/ 97244:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  monitorReportDefinition: () => (/* binding */ monitorReportDefinition)
});

;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/query-text.js
/**
 * Query text as shown in reports: string literals replaced by '?', so a password in `ALTER ROLE ... PASSWORD '...'`
 * or personal data in a WHERE clause never reaches a job summary; whitespace collapsed and length capped.
 */
function maskQuery(text, max = 200) {
    if (!text)
        return '';
    const masked = maskLiterals(text).replace(/\s+/g, ' ').trim();
    return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}
const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;
/**
 * Replaces every string constant ('...', E'...', $tag$...$tag$) with '?', reading the text the way PostgreSQL's
 * lexer does: a quote inside a comment (`--` to the end of the line, or a block comment, which nests) or a "quoted
 * identifier" starts no string (a comment's own quoted runs are masked as well), `''` is a quote inside a string, and a backslash escapes only in an E'...' string (standard_conforming_strings, on by
 * default since 9.1). A string, comment or dollar quote left open masks to the end: cut-off text stays masked.
 */
function maskLiterals(sql) {
    let out = '';
    let i = 0;
    while (i < sql.length) {
        const c = sql[i];
        const next = sql[i + 1];
        const afterIdent = i > 0 && IDENT_CHAR.test(sql[i - 1]);
        if (c === '-' && next === '-') {
            const end = sql.indexOf('\n', i);
            const stop = end < 0 ? sql.length : end;
            out += maskCommentQuotes(sql.slice(i, stop));
            i = stop;
        }
        else if (c === '/' && next === '*') {
            const stop = blockCommentEnd(sql, i);
            out += maskCommentQuotes(sql.slice(i, stop));
            i = stop;
        }
        else if (c === '"') {
            const stop = quotedEnd(sql, i + 1, '"', false);
            out += sql.slice(i, stop);
            i = stop;
        }
        else if (c === "'") {
            // E'...' (or e'...'): the E is its own token only when no identifier runs into it (`name'` is not E'').
            const escapes = /[Ee]/.test(sql[i - 1] ?? '') && !(i > 1 && IDENT_CHAR.test(sql[i - 2]));
            out += "'?'";
            i = quotedEnd(sql, i + 1, "'", escapes);
        }
        else if (c === '$' && !afterIdent && DOLLAR_TAG.test(sql.slice(i, i + 64))) {
            const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64))[0];
            const end = sql.indexOf(tag, i + tag.length);
            out += "'?'";
            i = end < 0 ? sql.length : end + tag.length;
        }
        else {
            out += c;
            i++;
        }
    }
    return out;
}
/**
 * A comment starts no string, but may quote values of its own (sqlcommenter's key='value' pairs, a note with a token in
 * it): every quoted run in it is masked too, an unclosed one to the comment's end. Masking an apostrophe's tail
 * ("don'?'") is the safe way to be wrong.
 */
function maskCommentQuotes(comment) {
    const block = comment.startsWith('/*');
    const body = block ? comment.slice(2, comment.endsWith('*/') ? -2 : undefined) : comment.slice(2);
    const masked = body.replace(/'[^']*(?:'|$)/g, "'?'");
    return block ? `/*${masked}${comment.endsWith('*/') && comment.length >= 4 ? '*/' : ''}` : `--${masked}`;
}
/** Index just past the closing quote of a quoted run starting at `from` (a doubled quote is one quote inside). */
function quotedEnd(sql, from, quote, backslashEscapes) {
    let i = from;
    while (i < sql.length) {
        const c = sql[i];
        if (backslashEscapes && c === '\\')
            i += 2;
        else if (c === quote && sql[i + 1] === quote)
            i += 2;
        else if (c === quote)
            return i + 1;
        else
            i++;
    }
    return sql.length;
}
/** Index just past the end of the block comment starting at `from`; PostgreSQL's block comments nest. */
function blockCommentEnd(sql, from) {
    let depth = 0;
    let i = from;
    while (i < sql.length) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
            depth++;
            i += 2;
        }
        else if (sql[i] === '*' && sql[i + 1] === '/') {
            depth--;
            i += 2;
            if (depth === 0)
                return i;
        }
        else
            i++;
    }
    return sql.length;
}
//# sourceMappingURL=query-text.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/connection.js
var connection = __webpack_require__(37912);
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/sessions.js


/** Why a check that reads other sessions cannot run: it would see none of them and report them healthy. */
const OTHER_SESSIONS_HIDDEN = "this role sees only its own sessions, others' state and progress are hidden from it: grant it pg_monitor (or pg_read_all_stats)";
const longRunningQueries = {
    id: 'long-running-queries',
    title: 'Long-running queries',
    why: 'A long query holds its snapshot, which stops vacuum from removing dead rows everywhere, and may hold locks others wait for.',
    action: 'Find out why the query runs so long (EXPLAIN); cancel it with pg_cancel_backend(pid) if it is stuck; set statement_timeout for the role.',
    unit: 'seconds',
    direction: 'above',
    warning: 60,
    critical: 300,
    run: (context) => sessionAges(context, 'query_start', `state = 'active' and backend_type = 'client backend' and query_start is not null`),
};
const idleInTransaction = {
    id: 'idle-in-transaction',
    title: 'Idle-in-transaction sessions',
    why: 'A transaction left open holds its locks and snapshot: vacuum cannot clean up and other sessions may queue behind it.',
    action: 'Fix the application path that leaves the transaction open; terminate it with pg_terminate_backend(pid); set idle_in_transaction_session_timeout.',
    unit: 'seconds',
    direction: 'above',
    warning: 60,
    critical: 600,
    run: (context) => sessionAges(context, 'state_change', `state in ('idle in transaction', 'idle in transaction (aborted)')`),
};
const longTransactions = {
    id: 'long-transactions',
    title: 'Long transactions',
    why: 'A transaction open for long holds its locks, and its snapshot stops vacuum everywhere, even when each of its statements is short.',
    action: 'Find the job or application path that keeps one transaction open (a batch loop, a session left in BEGIN); commit in smaller transactions; set transaction_timeout (17+) for the role.',
    unit: 'seconds',
    direction: 'above',
    warning: 600,
    critical: 3600,
    // Measured from the transaction's start, whatever the session does now: many short statements in one BEGIN
    // cross neither the long-query nor the idle-in-transaction check. dbops's own sessions are left out: a backup's
    // pg_dump holds one snapshot on purpose for as long as it runs, and would page every night it overlaps a report.
    run: (context) => sessionAges(context, 'xact_start', `xact_start is not null and backend_type = 'client backend' and application_name is distinct from '${connection/* APPLICATION_NAME */.j9}'`),
};
/** Other sessions matching `where`, each with its age since the pg_stat_activity timestamp `since`, oldest first. */
async function sessionAges({ query, seesAllSessions }, since, where) {
    if (!seesAllSessions)
        return { observations: [], unknown: OTHER_SESSIONS_HIDDEN };
    const rows = await query(`select pid, usename, extract(epoch from clock_timestamp() - ${since})::float8 as seconds, query
     from pg_stat_activity where ${where} and pid <> pg_backend_pid()
     order by ${since} limit 200`);
    return { observations: rows.map(sessionObservation) };
}
function sessionObservation(row) {
    return {
        subject: `pid ${row.pid}${row.usename ? ` (${row.usename})` : ''}`,
        value: Math.max(0, row.seconds),
        detail: maskQuery(row.query),
    };
}
//# sourceMappingURL=sessions.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/blocking-locks.js


const blockingLocks = {
    id: 'blocking-locks',
    title: 'Blocked sessions (lock chains)',
    why: 'A session waiting on a lock does no work; a chain of them behind one blocker stalls the application.',
    action: 'Look at the root blocker: finish or terminate it (pg_terminate_backend(pid)); keep transactions short; set lock_timeout for migrations.',
    unit: 'seconds',
    direction: 'above',
    warning: 10,
    critical: 60,
    async run({ query, major, seesAllSessions }) {
        if (!seesAllSessions)
            return { observations: [], unknown: OTHER_SESSIONS_HIDDEN };
        // pg_locks.waitstart (14+) is when the wait began; before that the query start is the best bound we have.
        const waitStart = major >= 14
            ? `coalesce((select min(l.waitstart) from pg_locks l where l.pid = a.pid and not l.granted), a.query_start)`
            : 'a.query_start';
        const waiters = await query(`select a.pid, pg_blocking_pids(a.pid) as blockers, extract(epoch from clock_timestamp() - ${waitStart})::float8 as seconds, a.query
       from pg_stat_activity a
       where a.wait_event_type = 'Lock' and a.pid <> pg_backend_pid()
       order by seconds desc limit 200`);
        const waiting = waiters.filter((w) => w.blockers.length > 0);
        if (waiting.length === 0)
            return { observations: [] };
        // The sessions in the chains, to name each chain's root blocker (a blocker that waits on nobody).
        const pids = [...new Set(waiting.flatMap((w) => [w.pid, ...w.blockers]))];
        const sessions = await query(`select pid, state, query, pg_blocking_pids(pid) as blockers from pg_stat_activity where pid = any($1)`, [pids]);
        const byPid = new Map(sessions.map((s) => [s.pid, s]));
        return {
            observations: waiting.map((w) => {
                const root = rootBlocker(w.pid, byPid);
                const rootSession = byPid.get(root);
                return {
                    subject: `pid ${w.pid} blocked by ${w.blockers.map((b) => `pid ${b}`).join(', ')}`,
                    value: Math.max(0, w.seconds),
                    detail: `waits on: ${maskQuery(w.query, 120)}; root blocker pid ${root} (${rootSession?.state ?? 'unknown'}): ${maskQuery(rootSession?.query, 120)}`,
                };
            }),
        };
    },
};
/** Follows the first blocker until a session that waits on nobody (or a cycle: a deadlock about to be broken). */
function rootBlocker(pid, sessions) {
    const seen = new Set([pid]);
    let current = pid;
    for (;;) {
        const next = sessions.get(current)?.blockers[0];
        if (next === undefined || seen.has(next))
            return current;
        seen.add(next);
        current = next;
    }
}
//# sourceMappingURL=blocking-locks.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/cache-hit-ratio.js
const cacheHitRatio = {
    id: 'cache-hit-ratio',
    title: 'Cache hit ratio',
    why: 'Reads that miss shared buffers go to the OS cache or disk; a falling ratio means the working set no longer fits in memory.',
    action: 'Raise shared_buffers (about 25% of RAM), add memory, or find the queries that scan large tables (missing indexes).',
    unit: 'ratio',
    direction: 'below',
    warning: 0.95,
    critical: 0.9,
    params: {
        'min-reads': { default: 10_000, unit: 'count', description: 'Block reads needed before the ratio means anything.' },
    },
    async run({ query, param }) {
        const [row] = await query(`select blks_hit::float8 as hit, blks_read::float8 as read, stats_reset::text as since
       from pg_stat_database where datname = current_database()`);
        const total = (row?.hit ?? 0) + (row?.read ?? 0);
        if (total < param('min-reads')) {
            // Nothing to judge yet is not a pass: the check does not apply until there are enough reads.
            return { observations: [], skipped: `only ${total} block reads since statistics were reset: too few to judge` };
        }
        return {
            observations: [
                {
                    subject: 'database',
                    value: row.hit / total,
                    detail: `${row.hit} hits, ${row.read} reads${row.since ? ` since ${row.since}` : ''}`,
                },
            ],
        };
    },
};
//# sourceMappingURL=cache-hit-ratio.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/connections.js
const connections = {
    id: 'connections',
    title: 'Connections',
    why: 'When connections reach max_connections, new ones are refused and the application fails.',
    action: 'Use a connection pooler (PgBouncer), lower pool sizes, or close idle connections; raise max_connections only with memory to spare.',
    unit: 'ratio',
    direction: 'above',
    warning: 0.8,
    critical: 0.9,
    async run({ query }) {
        // Without pg_read_all_stats another role's session shows backend_type and state as null: a session in a
        // database (datid set; the server's own processes have none) counts, or the role would see only its own.
        const rows = await query(`select coalesce(state, case when backend_type is null then 'state hidden' else 'unknown' end) as state,
              count(*)::int as n
       from pg_stat_activity
       where backend_type = 'client backend' or (backend_type is null and datid is not null)
       group by 1 order by 2 desc`);
        const [limits] = await query(`select current_setting('max_connections')::int as max, current_setting('superuser_reserved_connections')::int as reserved`);
        const used = rows.reduce((sum, r) => sum + r.n, 0);
        const available = Math.max(1, limits.max - limits.reserved);
        const byState = rows.map((r) => `${r.state} ${r.n}`).join(', ');
        return {
            observations: [
                {
                    subject: 'client connections',
                    value: used / available,
                    detail: `${used} of ${available} usable (max_connections ${limits.max}); ${byState}`,
                },
            ],
        };
    },
};
//# sourceMappingURL=connections.js.map
// EXTERNAL MODULE: ./packages/core/lib/monitor/checks/bloat.js
var bloat = __webpack_require__(25390);
// EXTERNAL MODULE: ./packages/core/lib/monitor/checks/sql.js
var sql = __webpack_require__(54616);
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/indexes.js

/**
 * An index's size from pg_class.relpages (set by CREATE INDEX, VACUUM and ANALYZE) rather than pg_relation_size,
 * which locks and stats every index: on 20,000 indexes that alone takes seconds. `ci` is the index's pg_class row.
 */
const INDEX_BYTES = `(ci.relpages::float8 * current_setting('block_size')::int)`;
const unusedIndexes = {
    id: 'unused-indexes',
    title: 'Unused indexes',
    why: 'An index no query uses still slows every write to its table and takes disk, cache and backup space.',
    action: 'Confirm it is unused on every replica and over a full business cycle, then DROP INDEX CONCURRENTLY.',
    unit: 'bytes',
    direction: 'above',
    warning: 1024 * 1024,
    async run({ query, standby }) {
        // Unique and constraint indexes enforce rules even when no query reads them: never "unused".
        const rows = await query(`select quote_ident(s.schemaname) || '.' || quote_ident(s.indexrelname) as name,
              quote_ident(s.schemaname) || '.' || quote_ident(s.relname) as table, ${INDEX_BYTES} as bytes
       from pg_stat_user_indexes s join pg_index i on i.indexrelid = s.indexrelid join pg_class ci on ci.oid = s.indexrelid
       where s.idx_scan = 0 and not i.indisunique and not i.indisprimary and i.indisvalid
         and not exists (select 1 from pg_constraint co where co.conindid = s.indexrelid)`);
        const [since] = await query(`select stats_reset::text as since from pg_stat_database where datname = current_database()`);
        const notes = [
            `index scans are counted since ${since?.since ?? 'the statistics began'}${standby ? ', on this standby only' : ''}`,
        ];
        return {
            observations: rows.map((r) => ({
                subject: r.name,
                table: r.table,
                value: r.bytes,
                detail: `no scans; ${r.table}`,
            })),
            notes,
        };
    },
};
/**
 * The index that makes `a` redundant, if any: a btree on the same table with the same predicate and expressions
 * whose leading key columns (with the same operator classes, collations and orderings) are all of a's key columns,
 * and which holds every column a includes. A unique index is kept unless its twin is unique (the same way) on
 * exactly the same key columns; of two identical indexes, the newer is reported.
 */
function coveringIndex(a, others) {
    if (a.am !== 'btree')
        return undefined;
    const prefix = (x, y) => x.every((v, i) => y[i] === v);
    const within = (x, y) => x.every((v) => y.includes(v));
    return others.find((b) => {
        if (b.oid === a.oid || b.table !== a.table || b.am !== a.am)
            return false;
        if (b.predicate !== a.predicate || b.expressions !== a.expressions)
            return false;
        if (b.keys.length < a.keys.length)
            return false;
        if (!prefix(a.keys, b.keys) || !prefix(a.classes, b.classes) || !prefix(a.collations, b.collations))
            return false;
        if (!prefix(a.options, b.options))
            return false;
        // An index-only scan of a reads its included columns: b must hold them too, as key or included column.
        if (!within(a.included, [...b.keys, ...b.included]))
            return false;
        const sameKeys = b.keys.length === a.keys.length;
        // b holds no column a lacks: of the two, only their age tells which to drop.
        const identical = sameKeys && within(b.included, [...a.keys, ...a.included]);
        if (a.unique) {
            if (!sameKeys || !b.unique || Boolean(b.nullsNotDistinct) !== Boolean(a.nullsNotDistinct))
                return false;
            return !identical || b.oid < a.oid;
        }
        if (identical && !b.unique)
            return b.oid < a.oid;
        return true;
    });
}
const PARTITIONED_DROP = "; a partitioned table's index: drop it with DROP INDEX (PostgreSQL refuses CONCURRENTLY for it), which drops its partitions' indexes and locks the table and every partition ACCESS EXCLUSIVE until it commits";
const duplicateIndexes = {
    id: 'duplicate-indexes',
    title: 'Duplicate indexes',
    why: 'An index whose columns are the leading columns of another index does nothing the other cannot, but costs every write.',
    action: "Drop the redundant index (DROP INDEX CONCURRENTLY; a partitioned table's index: plain DROP INDEX, in a quiet hour) after checking no query hint or constraint names it.",
    unit: 'bytes',
    direction: 'above',
    warning: 0,
    async run({ query, major }) {
        // indkey lists the key columns, then the INCLUDE ones; indclass, indcollation and indoption only the keys.
        const nullsNotDistinct = major >= 15 ? 'i.indnullsnotdistinct' : 'false';
        const rows = await query(`select i.indexrelid::int8 as oid, quote_ident(n.nspname) || '.' || quote_ident(ci.relname) as name, ${sql/* QUALIFIED */.DT} as table,
              am.amname as am, i.indkey::text as columns, i.indnkeyatts::int as key_count, i.indclass::text as classes,
              i.indcollation::text as collations, i.indoption::text as options,
              pg_get_expr(i.indpred, i.indrelid) as predicate, pg_get_expr(i.indexprs, i.indrelid) as expressions,
              i.indisunique as unique, ${nullsNotDistinct} as nulls_not_distinct, ${INDEX_BYTES} as bytes,
              ci.relkind = 'I' as partitioned,
              (select h.inhparent::int8 from pg_inherits h where h.inhrelid = i.indexrelid) as parent
       from pg_index i
       join pg_class ci on ci.oid = i.indexrelid join pg_am am on am.oid = ci.relam
       join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
       where i.indisvalid and ${sql/* USER_SCHEMA */.a0}`);
        const shapes = rows.map((r) => {
            const columns = r.columns.split(' ');
            return {
                ...r,
                oid: Number(r.oid),
                parent: r.parent === null ? null : Number(r.parent),
                keys: columns.slice(0, r.key_count),
                included: columns.slice(r.key_count),
                classes: r.classes.split(' '),
                collations: r.collations.split(' '),
                options: r.options.split(' '),
                nullsNotDistinct: r.nulls_not_distinct,
            };
        });
        const byTable = new Map();
        for (const s of shapes)
            byTable.set(s.table, [...(byTable.get(s.table) ?? []), s]);
        const covered = shapes.flatMap((a) => {
            const b = coveringIndex(a, byTable.get(a.table) ?? []);
            return b ? [{ a, b }] : [];
        });
        // A partition's index attached to a partitioned index cannot be dropped alone: where its parent, or the parent
        // of the index covering it, is reported, that parent's drop settles it (whichever of the two twins is newer).
        const reported = new Set(covered.map(({ a }) => a.oid));
        const settled = (parent) => parent !== null && reported.has(parent);
        const pairs = covered.filter(({ a, b }) => a.parent === null || !(settled(a.parent) || settled(b.parent)));
        if (pairs.length === 0)
            return { observations: [] };
        const defs = await query(`select indexrelid::int8::text as oid, pg_get_indexdef(indexrelid) as def from pg_index where indexrelid = any($1::oid[])`, [pairs.flatMap(({ a, b }) => [a.oid, b.oid])]);
        const def = new Map(defs.map((d) => [Number(d.oid), d.def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON /, '')]));
        // A partitioned index has no storage of its own: its size is its partitions' indexes, which its drop drops.
        const partitioned = pairs.filter(({ a }) => a.partitioned).map(({ a }) => a.oid);
        const treeBytes = partitioned.length === 0
            ? []
            : await query(`select x.oid::int8::text as oid, coalesce(sum(ci.relpages::float8 * current_setting('block_size')::int), 0)::float8 as bytes
             from unnest($1::oid[]) x(oid), pg_partition_tree(x.oid) p join pg_class ci on ci.oid = p.relid
             group by x.oid`, [partitioned]);
        const bytes = new Map(treeBytes.map((t) => [Number(t.oid), t.bytes]));
        return {
            observations: pairs.map(({ a, b }) => ({
                subject: a.name,
                table: a.table,
                value: bytes.get(a.oid) ?? a.bytes,
                detail: `${def.get(a.oid)} is covered by ${b.name} ${def.get(b.oid)}${a.partitioned ? PARTITIONED_DROP : ''}`,
            })),
        };
    },
};
const invalidIndexes = {
    id: 'invalid-indexes',
    title: 'Invalid indexes',
    why: 'An index left invalid by a failed CREATE INDEX CONCURRENTLY is never used by queries but is still updated by every write.',
    action: 'DROP INDEX CONCURRENTLY the invalid index and create it again (or REINDEX INDEX CONCURRENTLY).',
    unit: 'bytes',
    direction: 'above',
    warning: 0,
    async run({ query }) {
        // An index being built right now is invalid too: those are left out.
        const rows = await query(`select quote_ident(n.nspname) || '.' || quote_ident(ci.relname) as name, ${sql/* QUALIFIED */.DT} as table, pg_relation_size(i.indexrelid)::float8 as bytes
       from pg_index i join pg_class ci on ci.oid = i.indexrelid
       join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
       where not i.indisvalid and ${sql/* USER_SCHEMA */.a0}
         and not exists (select 1 from pg_stat_progress_create_index p where p.index_relid = i.indexrelid)`);
        return {
            observations: rows.map((r) => ({
                subject: r.name,
                table: r.table,
                value: r.bytes,
                detail: `invalid index on ${r.table}`,
            })),
        };
    },
};
const missingIndexes = {
    id: 'missing-indexes',
    title: 'Missing-index candidates',
    why: 'A large table read mostly by sequential scans usually lacks an index for a frequent query, and each scan reads the whole table.',
    action: 'Find the queries that scan it (pg_stat_statements, EXPLAIN) and add an index for their WHERE/JOIN columns.',
    unit: 'ratio',
    direction: 'above',
    warning: 0.5,
    params: {
        'min-rows': { default: 10_000, unit: 'count', description: 'Only tables with at least this many live rows.' },
        'min-scans': { default: 100, unit: 'count', description: 'Only tables scanned sequentially at least this often.' },
    },
    async run({ query, param }) {
        const rows = await query(`select quote_ident(schemaname) || '.' || quote_ident(relname) as name, seq_scan::float8 as seq, coalesce(idx_scan, 0)::float8 as idx,
              seq_tup_read::float8 as rows_read, n_live_tup::float8 as live
       from pg_stat_user_tables where n_live_tup >= $1 and seq_scan >= $2
       order by seq_tup_read desc limit 500`, [param('min-rows'), param('min-scans')]);
        return {
            observations: rows.map((r) => ({
                subject: r.name,
                table: r.name,
                value: r.seq / (r.seq + r.idx),
                detail: `${r.seq} sequential scans (${Math.round(r.rows_read / r.seq)} rows each), ${r.idx} index scans; ${r.live} rows`,
            })),
        };
    },
};
//# sourceMappingURL=indexes.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/maintenance.js
const TABLE = `quote_ident(schemaname) || '.' || quote_ident(relname)`;
/** When statistics began: a table never vacuumed is judged from then, not from the epoch. */
const STATS_SINCE = `coalesce((select stats_reset from pg_stat_database where datname = current_database()), pg_postmaster_start_time())`;
const DAY = 86_400;
const deadTuples = {
    id: 'dead-tuples',
    title: 'Dead rows',
    why: 'Dead rows are kept until vacuum removes them: scans read them, and if autovacuum cannot keep up the table bloats.',
    action: 'VACUUM the table; make autovacuum more aggressive for it (autovacuum_vacuum_scale_factor); look for long transactions holding back cleanup.',
    unit: 'ratio',
    direction: 'above',
    warning: 0.2,
    critical: 0.5,
    params: {
        'min-rows': { default: 10_000, unit: 'count', description: 'Tables with fewer dead rows are not judged.' },
    },
    async run({ query, param }) {
        const rows = await query(`select ${TABLE} as name, n_live_tup::float8 as live, n_dead_tup::float8 as dead,
              greatest(last_vacuum, last_autovacuum)::text as vacuumed
       from pg_stat_user_tables where n_dead_tup >= $1 order by n_dead_tup desc limit 500`, [param('min-rows')]);
        return {
            observations: rows.map((r) => ({
                subject: r.name,
                table: r.name,
                value: r.dead / Math.max(1, r.live + r.dead),
                detail: `${r.dead} dead, ${r.live} live rows; last vacuum ${r.vacuumed ?? 'never'}`,
            })),
        };
    },
};
const vacuumStaleness = {
    id: 'vacuum-staleness',
    title: 'Tables not vacuumed lately',
    why: 'A table with dead rows that has not been vacuumed for days shows autovacuum is blocked, disabled or too slow for it.',
    action: 'VACUUM (VERBOSE) the table and read why it could not clean; check autovacuum settings and long-running transactions.',
    unit: 'seconds',
    direction: 'above',
    warning: 7 * DAY,
    critical: 30 * DAY,
    params: {
        'min-rows': { default: 10_000, unit: 'count', description: 'Only tables with at least this many dead rows.' },
    },
    async run({ query, param }) {
        const rows = await query(`select ${TABLE} as name, greatest(last_vacuum, last_autovacuum)::text as last,
              extract(epoch from clock_timestamp() - coalesce(greatest(last_vacuum, last_autovacuum), ${STATS_SINCE}))::float8 as seconds
       from pg_stat_user_tables where n_dead_tup >= $1 order by seconds desc limit 500`, [param('min-rows')]);
        return {
            observations: rows.map((r) => ({
                subject: r.name,
                table: r.name,
                value: r.seconds,
                detail: `last vacuum ${r.last ?? 'never (since statistics began)'}`,
            })),
        };
    },
};
const analyzeStaleness = {
    id: 'analyze-staleness',
    title: 'Tables not analyzed lately',
    why: 'The planner chooses plans from statistics; a much-changed table with old statistics gets bad plans.',
    action: 'ANALYZE the table; lower autovacuum_analyze_scale_factor for it if it changes quickly.',
    unit: 'seconds',
    direction: 'above',
    warning: 7 * DAY,
    critical: 30 * DAY,
    params: {
        'min-changes': {
            default: 10_000,
            unit: 'count',
            description: 'Only tables with at least this many rows changed since the last analyze.',
        },
    },
    async run({ query, param }) {
        const rows = await query(`select ${TABLE} as name, greatest(last_analyze, last_autoanalyze)::text as last, n_mod_since_analyze::float8 as changed,
              extract(epoch from clock_timestamp() - coalesce(greatest(last_analyze, last_autoanalyze), ${STATS_SINCE}))::float8 as seconds
       from pg_stat_user_tables where n_mod_since_analyze >= $1 order by seconds desc limit 500`, [param('min-changes')]);
        return {
            observations: rows.map((r) => ({
                subject: r.name,
                table: r.name,
                value: r.seconds,
                detail: `${r.changed} rows changed since the last analyze (${r.last ?? 'never'})`,
            })),
        };
    },
};
//# sourceMappingURL=maintenance.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/primary-keys.js

const tablesWithoutPrimaryKey = {
    id: 'tables-without-primary-key',
    title: 'Tables without a primary key',
    why: 'Without a primary key rows cannot be addressed reliably: duplicates creep in, and logical replication cannot replicate updates and deletes.',
    action: 'Add a primary key (an existing unique NOT NULL column, or a new identity column).',
    unit: 'flag',
    direction: 'above',
    warning: 1,
    async run({ query }) {
        const rows = await query(`select ${sql/* QUALIFIED */.DT} as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p') and not c.relispartition and ${sql/* USER_SCHEMA */.a0} and ${sql/* NOT_EXTENSION_MEMBER */.bm}
         and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary)
       order by 1 limit 1000`);
        return {
            observations: rows.map((r) => ({
                subject: r.name,
                table: r.name,
                value: 1,
                display: 'none',
                detail: 'no primary key',
            })),
        };
    },
};
//# sourceMappingURL=primary-keys.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/replication.js

const replicationLag = {
    id: 'replication-lag',
    title: 'Replication lag',
    why: 'A lagging replica serves stale reads, and a failover to it loses the transactions it has not replayed.',
    action: "Check the replica's disk, CPU and network, and long queries on it that conflict with replay (max_standby_streaming_delay).",
    unit: 'seconds',
    direction: 'above',
    warning: 60,
    critical: 300,
    async run({ query, standby, seesAllSessions }) {
        if (standby)
            return standbyLag(query);
        // Without the privilege a replica's lag columns are null, which would read as no lag at all.
        if (!seesAllSessions)
            return { observations: [], unknown: OTHER_SESSIONS_HIDDEN };
        const rows = await query(`with r as (
         select coalesce(nullif(r.application_name, ''), r.client_addr::text, r.pid::text) as name, r.state,
                s.slot_name as slot, r.client_addr::text as addr, r.pid,
                extract(epoch from coalesce(r.replay_lag, '0'::interval))::float8 as seconds,
                pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::float8 as bytes
         from pg_stat_replication r left join pg_replication_slots s on s.active_pid = r.pid
       )
       select *, count(*) over (partition by name)::int as same_name,
              count(*) over (partition by name, addr)::int as same_addr
       from r`);
        const notes = rows.length === 0 ? ['no replicas are connected to this server'] : [];
        return {
            observations: rows.map((r) => ({
                subject: replicaSubject(r),
                value: r.seconds ?? 0,
                detail: `${r.state}; ${replayed(r.bytes)}`,
            })),
            notes,
        };
    },
};
/**
 * One subject per replica. Its application_name alone when no other replica has it, so a named replica keeps the
 * same alert signature run after run; otherwise (every standby left at the default 'walreceiver') the slot it
 * streams from, else its address, else its pid (the only one left when replicas share name and host, e.g.
 * several on one machine without slots): the most stable of them that tells it apart.
 */
function replicaSubject(r) {
    if (r.same_name === 1)
        return `replica ${r.name}`;
    if (r.slot)
        return `replica ${r.name} (slot ${r.slot})`;
    if (r.addr && r.same_addr === 1)
        return `replica ${r.name} (${r.addr})`;
    return `replica ${r.name} (pid ${r.pid})`;
}
/**
 * A standby's own delay. The received and replayed positions are equal on a standby that is caught up, and equally
 * on one that lost its primary: the received position keeps its last value. So the delay counts only while the WAL
 * receiver streams; a standby meant to stream that does not is unknown, however current its replay looks.
 */
async function standbyLag(query) {
    const [row] = await query(`select (select coalesce(status, 'hidden') from pg_stat_wal_receiver limit 1) as receiver,
            pg_last_wal_receive_lsn() is not null as received,
            (select nullif(setting, '') from pg_settings where name = 'primary_conninfo') as conninfo,
            case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                 else extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) end::float8 as seconds,
            extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8 as since_replay`);
    const observe = (detail, notes = []) => ({
        // Nothing to replay means no lag, however old the last replayed transaction is (an idle primary).
        observations: [{ subject: 'this standby', value: row?.seconds ?? 0, detail }],
        notes,
    });
    if (!row || row.receiver === 'streaming')
        return observe('replay delay behind the primary');
    if (row.receiver === 'hidden')
        return observe('replay delay behind the primary', [
            "the WAL receiver's state is hidden from this role, so a lost primary is not seen: grant it pg_monitor (or pg_read_all_stats)",
        ]);
    // No receiver and never streamed, nor set to: a standby that replays archived WAL (restore_command) only.
    if (!row.received && !row.conninfo)
        return observe('replay delay (no WAL receiver: it replays archived WAL)');
    const replayed = row.since_replay === null ? '' : `; its last transaction was replayed ${Math.round(row.since_replay)} s ago`;
    return {
        observations: [],
        unknown: `this standby is not streaming from its primary (WAL receiver ${row.receiver ?? 'not running'})${replayed}: how far behind it is cannot be measured; check primary_conninfo, the network and the primary`,
    };
}
// The replay position is null, not zero, for a receiver that never replays (pg_receivewal) and for a replica
// that has just connected and sent no feedback yet.
function replayed(bytes) {
    return bytes === null
        ? 'no replay position reported (it only receives WAL, or has just connected)'
        : `${bytes} bytes of WAL not yet replayed`;
}
const replicationSlots = {
    id: 'replication-slots',
    title: 'Inactive replication slots',
    why: 'A slot nobody reads keeps every WAL segment since its position: the disk fills and old rows cannot be vacuumed.',
    action: 'Reconnect the consumer, or drop the slot (pg_drop_replication_slot) if it is abandoned; set max_slot_wal_keep_size.',
    unit: 'bytes',
    direction: 'above',
    warning: 0,
    critical: 10 * 1024 ** 3,
    async run({ query, major }) {
        const walStatus = major >= 13 ? 'wal_status' : `null::text as wal_status`;
        const rows = await query(`select slot_name as name, slot_type as type, ${walStatus},
              pg_wal_lsn_diff(case when pg_is_in_recovery() then pg_last_wal_receive_lsn() else pg_current_wal_lsn() end, restart_lsn)::float8 as bytes,
              greatest(age(xmin), age(catalog_xmin))::float8 as xmin_age
       from pg_replication_slots where not active`);
        return {
            observations: rows.map((r) => {
                const xmin = r.xmin_age ? `; holds back xmin by ${r.xmin_age} transactions` : '';
                // A slot whose WAL is already gone can never be used again, and what it retains is unknown (restart_lsn is
                // null): a condition, critical whatever the byte thresholds, with no byte count.
                if (r.wal_status === 'lost')
                    return {
                        subject: `slot ${r.name}`,
                        value: 0,
                        condition: 'lost',
                        detail: `${r.type} slot, inactive; its WAL is lost (wal_status lost): it can never be used again, drop it and rebuild its consumer${xmin}`,
                    };
                return {
                    subject: `slot ${r.name}`,
                    value: r.bytes ?? 0,
                    detail: `${r.type} slot, inactive; retains ${r.bytes ?? 0} bytes of WAL${r.wal_status ? ` (wal_status ${r.wal_status})` : ''}${xmin}`,
                };
            }),
        };
    },
};
//# sourceMappingURL=replication.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/sequence-columns.js
var sequence_columns = __webpack_require__(6987);
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/sequences.js

/** The largest value each integer column type can hold: a sequence feeding an int4 column runs out at 2^31-1. */
const COLUMN_MAX = {
    smallint: 32_767,
    integer: 2_147_483_647,
    // 2^63-1 rounded to the nearest double: enough for a percentage of the range.
    bigint: Number(2n ** 63n - 1n),
};
function columnMax(row) {
    return COLUMN_MAX[row.column_type ?? ''] ?? Number.MAX_VALUE;
}
/** One row per sequence: of the columns it feeds, the one whose type holds the least. */
function narrowestColumn(rows) {
    const bySequence = new Map();
    for (const row of rows) {
        const seen = bySequence.get(row.name);
        if (!seen || columnMax(row) < columnMax(seen))
            bySequence.set(row.name, row);
    }
    return [...bySequence.values()];
}
const sequenceExhaustion = {
    id: 'sequence-exhaustion',
    title: 'Sequences near exhaustion',
    why: 'When a sequence reaches the largest value its column can hold, every insert into the table fails.',
    action: 'Migrate the column to bigint (ALTER TABLE ... ALTER COLUMN ... TYPE bigint, or a new column backfilled in batches) before it runs out.',
    unit: 'ratio',
    direction: 'above',
    warning: 0.75,
    critical: 0.9,
    async run({ query, sample }) {
        // The columns a sequence feeds; the smallest of their types is the limit (narrowestColumn).
        const found = await query(`with fed as (${sequence_columns/* SEQUENCE_COLUMNS */.A})
       select quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename) as name,
              has_sequence_privilege(c.oid, 'SELECT,USAGE') as readable,
              s.last_value::text, s.max_value::text, s.increment_by::text,
              quote_ident(tn.nspname) || '.' || quote_ident(t.relname) as owner_table, quote_ident(a.attname) as owner_column,
              format_type(a.atttypid, null) as column_type
       from pg_sequences s
       join pg_namespace n on n.nspname = s.schemaname
       join pg_class c on c.relnamespace = n.oid and c.relname = s.sequencename
       left join fed on fed.seq = c.oid
       left join pg_class t on t.oid = fed.relid
       left join pg_namespace tn on tn.oid = t.relnamespace
       left join pg_attribute a on a.attrelid = fed.relid and a.attnum = fed.attnum`);
        const rows = narrowestColumn(found);
        const unreadable = rows.filter((r) => !r.readable).length;
        const notes = unreadable > 0
            ? [
                `${unreadable} of ${rows.length} sequences are not readable by this role (grant SELECT on them, or pg_read_all_data, to check them)`,
            ]
            : [];
        if (rows.length > 0 && unreadable === rows.length)
            return { observations: [], unknown: notes[0], notes: [] };
        const measured = rows
            .filter((row) => row.readable && row.last_value !== null && Number(row.increment_by) > 0)
            .map((row) => {
            const last = Number(row.last_value);
            const max = Math.min(Number(row.max_value), columnMax(row));
            return { row, last, max };
        })
            .sort((a, b) => b.last / b.max - a.last / a.max);
        sample.sequences = Object.fromEntries(measured.slice(0, 20).map(({ row, last, max }) => [row.name, { last, max }]));
        const observations = measured.map(({ row, last, max }) => ({
            subject: row.name,
            value: last / max,
            detail: `${last} of ${max}${row.owner_table ? ` (${row.owner_table}.${row.owner_column} ${row.column_type})` : ''}`,
            ...(row.owner_table ? { table: row.owner_table } : {}),
        }));
        return { observations, notes };
    },
};
//# sourceMappingURL=sequences.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/settings.js
const off = (level) => (row) => (row.setting === 'off' ? level : undefined);
/** Key settings worth a look: the ones that lose data, blind monitoring, or are left at a default that rarely fits. */
const SETTING_RULES = [
    { name: 'fsync', judge: off(2), advice: 'fsync=off can corrupt the whole cluster on a crash; turn it on.' },
    {
        name: 'full_page_writes',
        judge: off(2),
        advice: 'full_page_writes=off can leave torn pages after a crash; turn it on.',
    },
    {
        name: 'autovacuum',
        judge: off(2),
        advice: 'without autovacuum, tables bloat and transaction IDs run towards wraparound; turn it on.',
    },
    {
        name: 'track_counts',
        judge: off(2),
        advice: 'track_counts=off blinds autovacuum and most of this report; turn it on.',
    },
    {
        name: 'synchronous_commit',
        judge: off(0),
        advice: 'synchronous_commit=off may lose the last commits on a crash (no corruption); fine if intended.',
    },
    {
        name: 'idle_in_transaction_session_timeout',
        judge: (r) => (r.setting === '0' ? 0 : undefined),
        advice: 'no limit on idle transactions; consider e.g. 10min.',
    },
    {
        name: 'log_min_duration_statement',
        judge: (r) => (r.setting === '-1' ? 0 : undefined),
        advice: 'slow statements are not logged; consider e.g. 1s.',
    },
    // shared_buffers is counted in 8 kB pages: 16384 is the 128MB default, rarely right for a production server.
    {
        name: 'shared_buffers',
        judge: (r) => (Number(r.setting) <= 16384 ? 0 : undefined),
        advice: 'shared_buffers is at most the 128MB default; about 25% of RAM is usual.',
    },
    {
        name: 'random_page_cost',
        judge: (r) => (Number(r.setting) >= 4 ? 0 : undefined),
        advice: 'random_page_cost 4 assumes spinning disks; 1.1 suits SSDs.',
    },
];
const settings = {
    id: 'settings',
    title: 'Key settings',
    why: 'A few settings decide whether a crash loses data and whether autovacuum and statistics work at all.',
    action: 'Change the setting in postgresql.conf (or with ALTER SYSTEM) and reload or restart as the setting requires.',
    unit: 'flag',
    direction: 'above',
    warning: 1,
    critical: 2,
    async run({ query }) {
        const rows = await query(`select name, setting, unit from pg_settings where name = any($1)`, [
            SETTING_RULES.map((r) => r.name),
        ]);
        const byName = new Map(rows.map((r) => [r.name, r]));
        const observations = [];
        for (const rule of SETTING_RULES) {
            const row = byName.get(rule.name);
            const level = row ? rule.judge(row) : undefined;
            if (row && level !== undefined) {
                observations.push({
                    subject: rule.name,
                    value: level,
                    display: `${row.setting}${row.unit ? ` ${row.unit}` : ''}`,
                    detail: `${rule.name} = ${row.setting}${row.unit ? ` (${row.unit})` : ''}: ${rule.advice}`,
                });
            }
        }
        return { observations };
    },
};
//# sourceMappingURL=settings.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/sizes.js

const databaseSize = {
    id: 'database-size',
    title: 'Database size',
    why: 'Size drives backup and restore time, disk headroom and cost; its growth per day tells when the disk fills.',
    action: 'Plan disk capacity from the growth trend; purge or archive old data; look for bloat.',
    unit: 'bytes',
    direction: 'above',
    async run({ query, sample }) {
        const [row] = await query('select current_database() as name, pg_database_size(current_database())::float8 as bytes');
        sample.databaseBytes = row.bytes;
        return { observations: [{ subject: `database ${row.name}`, value: row.bytes }] };
    },
};
const tableSizes = {
    id: 'table-sizes',
    title: 'Largest tables',
    why: 'The largest tables dominate vacuum, backup and migration time, and are where bloat and missing indexes cost most.',
    action: 'Consider partitioning or archiving the largest tables, and check their bloat and indexes.',
    unit: 'bytes',
    direction: 'above',
    params: { limit: { default: 10, unit: 'count', description: 'How many of the largest tables to list.' } },
    async run({ query, param }) {
        // relpages ranks cheaply; only the top few pay for pg_total_relation_size (which stats every file).
        const rows = await query(`select name, pg_total_relation_size(oid)::float8 as bytes from (
         select c.oid, ${sql/* QUALIFIED */.DT} as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'm') and ${sql/* USER_SCHEMA */.a0} and ${sql/* NOT_EXTENSION_MEMBER */.bm}
         order by c.relpages desc limit $1) top
       order by bytes desc`, [Math.max(1, param('limit')) * 3]);
        return {
            observations: rows.slice(0, param('limit')).map((r) => ({ subject: r.name, table: r.name, value: r.bytes })),
        };
    },
};
//# sourceMappingURL=sizes.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/slow-statements.js

/**
 * The pg_stat_statements columns differ by version: 12 has total_time/mean_time; 13 renamed them to
 * total_exec_time/mean_exec_time (adding planning times); 17 renamed blk_read_time/blk_write_time to
 * shared_blk_read_time/shared_blk_write_time (adding local_ ones); 18 adds more counters. Rather than trusting a
 * version number, the select list is built from the columns the installed view actually has.
 */
function statementColumns(columns) {
    const has = (name) => columns.includes(name);
    const total = has('total_exec_time') ? 'total_exec_time' : has('total_time') ? 'total_time' : undefined;
    const mean = has('mean_exec_time') ? 'mean_exec_time' : has('mean_time') ? 'mean_time' : undefined;
    if (!total || !mean || !has('calls') || !has('query'))
        return undefined;
    const read = has('shared_blk_read_time')
        ? 'shared_blk_read_time'
        : has('blk_read_time')
            ? 'blk_read_time'
            : undefined;
    const write = has('shared_blk_write_time')
        ? 'shared_blk_write_time'
        : has('blk_write_time')
            ? 'blk_write_time'
            : undefined;
    const ioTime = read && write ? `(${read} + ${write})` : '0';
    return { total, mean, ioTime };
}
const slowStatements = {
    id: 'slow-statements',
    title: 'Slowest statements (pg_stat_statements)',
    why: 'The statements with the most total time are where an index or a rewrite saves the most load.',
    action: 'EXPLAIN (ANALYZE, BUFFERS) the statement; add the index it needs or rewrite it; cache results that rarely change.',
    unit: 'seconds',
    direction: 'above',
    warning: 0.5,
    critical: 5,
    params: {
        'min-calls': { default: 10, unit: 'count', description: 'Statements called fewer times are not judged.' },
        limit: { default: 20, unit: 'count', description: 'How many statements (by total time) to look at.' },
    },
    async run({ query, param }) {
        const [ext] = await query(`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_stat_statements'`);
        if (!ext)
            return {
                observations: [],
                skipped: 'pg_stat_statements is not installed in this database (add it to shared_preload_libraries, restart, CREATE EXTENSION pg_stat_statements)',
            };
        const view = `${quoteIdent(ext.schema)}.pg_stat_statements`;
        const columns = (await query(`select attname as name from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped`, [view])).map((c) => c.name);
        const select = statementColumns(columns);
        if (!select)
            return {
                observations: [],
                unknown: `pg_stat_statements has columns this version of dbops does not know (${columns.slice(0, 8).join(', ')}…)`,
            };
        let rows;
        try {
            rows = await query(`select queryid::text, calls::float8 as calls, ${select.total}::float8 as total_ms, ${select.mean}::float8 as mean_ms,
                ${select.ioTime}::float8 as io_ms, query
         from ${view} where calls >= $1 and dbid = (select oid from pg_database where datname = current_database())
         order by ${select.total} desc limit $2`, [param('min-calls'), param('limit')]);
        }
        catch (error) {
            // Installed with CREATE EXTENSION but not preloaded: the view exists and every read fails (55000).
            if (error.code === '55000')
                return { observations: [], skipped: `pg_stat_statements cannot be read: ${error.message}` };
            throw error;
        }
        return {
            observations: rows.map((r) => ({
                subject: `queryid ${r.queryid ?? 'hidden'}`,
                value: r.mean_ms / 1000,
                detail: `${r.calls} calls, ${(r.total_ms / 1000).toFixed(1)} s total, ${(r.io_ms / 1000).toFixed(1)} s I/O: ${maskQuery(r.query, 160)}`,
            })),
        };
    },
};
function quoteIdent(name) {
    return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
//# sourceMappingURL=slow-statements.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/wraparound.js

/** Transaction IDs (and multixact IDs) wrap at 2^31: the server refuses writes about 3 million before that. */
const WRAPAROUND_LIMIT = 2 ** 31 - 3_000_000;
async function ages(context, kind) {
    const dbAge = kind === 'xid' ? 'age(datfrozenxid)' : 'mxid_age(datminmxid)';
    const relAge = kind === 'xid' ? 'age(c.relfrozenxid)' : 'mxid_age(c.relminmxid)';
    const databases = await context.query(`select datname as name, ${dbAge}::float8 as age from pg_database order by 2 desc`);
    // Only the oldest tables of the current database: the database figure already covers the rest.
    const tables = await context.query(`select ${sql/* QUALIFIED */.DT} as name, ${relAge}::float8 as age from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'm', 't') and (${sql/* USER_SCHEMA */.a0} or n.nspname in ('pg_catalog', 'pg_toast'))
     order by 2 desc limit 20`);
    return [
        ...databases.map((d) => ({ subject: `database ${d.name}`, value: d.age })),
        ...tables.map((t) => ({ subject: t.name, table: t.name, value: t.age })),
    ];
}
const xidWraparound = {
    id: 'xid-wraparound',
    title: 'Transaction ID wraparound',
    why: 'At about 2.1 billion transactions of age PostgreSQL stops accepting writes to prevent data loss, until the oldest tables are vacuumed.',
    action: 'VACUUM (FREEZE) the oldest tables; find what blocks autovacuum (long transactions, abandoned replication slots, prepared transactions).',
    unit: 'xids',
    direction: 'above',
    warning: 500_000_000,
    critical: 1_000_000_000,
    async run(context) {
        const observations = await ages(context, 'xid');
        context.sample.maxXidAge = Math.max(0, ...observations.map((o) => o.value));
        return { observations };
    },
};
const multixactWraparound = {
    id: 'multixact-wraparound',
    title: 'Multixact ID wraparound',
    why: 'Multixact IDs (row locks shared by several transactions) wrap like transaction IDs and stop writes the same way.',
    action: 'VACUUM (FREEZE) the oldest tables; lower autovacuum_multixact_freeze_max_age if it keeps growing.',
    unit: 'xids',
    direction: 'above',
    warning: 500_000_000,
    critical: 1_000_000_000,
    async run(context) {
        const observations = await ages(context, 'mxid');
        context.sample.maxMultixactAge = Math.max(0, ...observations.map((o) => o.value));
        return { observations };
    },
};
//# sourceMappingURL=wraparound.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/checks/index.js














/** Every PostgreSQL check, in the order the report lists them (urgent operational ones first). */
const POSTGRES_CHECKS = [
    connections,
    longRunningQueries,
    idleInTransaction,
    longTransactions,
    blockingLocks,
    xidWraparound,
    multixactWraparound,
    sequenceExhaustion,
    replicationLag,
    replicationSlots,
    cacheHitRatio,
    bloat/* tableBloat */.XA,
    deadTuples,
    vacuumStaleness,
    analyzeStaleness,
    unusedIndexes,
    duplicateIndexes,
    invalidIndexes,
    missingIndexes,
    slowStatements,
    tablesWithoutPrimaryKey,
    settings,
    databaseSize,
    tableSizes,
];
//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/mongodb-checks/access.js
/** The MongoDB commands a check runs; a MongoDB check run on a SQL engine fails saying so. */
function commandsOf(context) {
    if (!context.commands)
        throw new Error('this check is for MongoDB, and the server is not MongoDB');
    return context.commands;
}
/** serverStatus's section `name`, or undefined when the server does not report it (FerretDB lacks most). */
async function serverStatusSection(commands, name) {
    const status = await commands.command('admin', { serverStatus: 1 });
    const section = status[name];
    return typeof section === 'object' && section !== null ? section : undefined;
}
/** Why a check is skipped when serverStatus lacks the section it reads. */
function missingSection(name) {
    return `the server's serverStatus has no ${name} section (FerretDB does not report it), so there is nothing to check`;
}
/** A number out of a server document (BSON Long, Double or Int32 alike); undefined when absent. */
function num(value) {
    if (value === undefined || value === null)
        return undefined;
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
}
/** The user collections of the report's database (views and system collections have no storage or indexes). */
async function userCollections(commands) {
    const listed = await commands.command(commands.database, {
        listCollections: 1,
        nameOnly: true,
        authorizedCollections: true,
        filter: { type: 'collection' },
    });
    const batch = (listed.cursor?.firstBatch ?? []);
    return batch
        .map((c) => String(c.name))
        .filter((name) => !name.startsWith('system.'))
        .sort();
}
/** Whether the server is a replica set member; checks of the set are skipped on others. */
async function replicaSetName(commands) {
    const hello = await commands.command('admin', { hello: 1 });
    return typeof hello.setName === 'string' ? hello.setName : undefined;
}
const NOT_A_REPLICA_SET = 'the server is not a replica set member (a standalone server, or FerretDB, which has no replication)';
//# sourceMappingURL=access.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/mongodb-checks/indexes.js

const mongoUnusedIndexes = {
    id: 'unused-indexes',
    title: 'Unused indexes',
    why: 'An index no query uses still costs memory in the cache, disk, and time on every write.',
    action: 'Confirm with $indexStats on every member (counts reset at restart and are per member), then hide the index (hideIndex) before dropping it.',
    unit: 'bytes',
    direction: 'above',
    warning: 1024 * 1024,
    async run(context) {
        const commands = commandsOf(context);
        const observations = [];
        for (const name of await userCollections(commands)) {
            const usage = await commands.aggregate(commands.database, name, [{ $indexStats: {} }]);
            const unused = usage.filter((i) => i.name !== '_id_' && num(i.accesses?.ops) === 0);
            if (unused.length === 0)
                continue;
            const stats = await commands.command(commands.database, { collStats: name });
            const sizes = (stats.indexSizes ?? {});
            const qualified = `${commands.database}.${name}`;
            for (const index of unused) {
                const since = index.accesses.since;
                observations.push({
                    subject: `${qualified} ${String(index.name)}`,
                    table: qualified,
                    value: num(sizes[String(index.name)]) ?? 0,
                    detail: `no use since ${since instanceof Date ? since.toISOString() : String(since)}; key ${JSON.stringify(index.key)}`,
                });
            }
        }
        return { observations };
    },
};
//# sourceMappingURL=indexes.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/mongodb-checks/operations.js

/** FailedToParse: FerretDB cannot run an aggregation on a database ({aggregate: 1}), which $currentOp needs. */
const FAILED_TO_PARSE = 9;
const longRunningOperations = {
    id: 'long-running-operations',
    title: 'Long-running operations',
    why: 'An operation running for minutes holds resources (cache, tickets, a snapshot) and often means a missing index or a runaway job.',
    action: 'Look at the operation (db.currentOp()), add the index it lacks, or end it with db.killOp(opid).',
    unit: 'seconds',
    direction: 'above',
    warning: 30,
    critical: 300,
    async run(context) {
        const commands = commandsOf(context);
        let operations;
        try {
            operations = await commands.aggregate('admin', undefined, [
                { $currentOp: { allUsers: true, idleConnections: false } },
                { $match: { active: true } },
            ]);
        }
        catch (error) {
            if (error.code === FAILED_TO_PARSE)
                return {
                    skipped: `the server cannot run the $currentOp aggregation (FerretDB cannot): ${error.message}`,
                    observations: [],
                };
            throw error;
        }
        return {
            observations: operations
                .map((op) => ({ op, seconds: (num(op.microsecs_running) ?? 0) / 1e6 }))
                // The check's own $currentOp is active too, for an instant.
                .filter(({ seconds }) => seconds >= 1)
                .map(({ op, seconds }) => {
                const command = op.command;
                const name = command ? Object.keys(command)[0] : undefined;
                // The command's name and namespace only: its values may hold personal data.
                const what = [op.op, name && name !== op.op ? name : undefined].filter(Boolean).join(' ');
                return {
                    subject: `opid ${String(op.opid)}`,
                    value: seconds,
                    detail: `${what || 'operation'} on ${String(op.ns ?? '?')}${op.desc ? ` (${String(op.desc)})` : ''}`,
                };
            }),
        };
    },
};
//# sourceMappingURL=operations.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/mongodb/oplog-window.js
var oplog_window = __webpack_require__(50895);
;// CONCATENATED MODULE: ./packages/core/lib/monitor/mongodb-checks/replication.js


/** Member states that serve the set; any other (RECOVERING, STARTUP2, ROLLBACK, DOWN...) does not. */
const SERVING = new Set(['PRIMARY', 'SECONDARY', 'ARBITER']);
const replicaSetMembers = {
    id: 'replica-set-members',
    title: 'Replica set members',
    why: 'A member that is down or not serving lowers the set’s redundancy: one more failure can cost the majority, and writes with it.',
    action: 'Look at the member’s log and rs.status(); bring it back or resync it; replace it if its host is gone. 2 = unreachable, 1 = not serving.',
    unit: 'flag',
    direction: 'above',
    warning: 1,
    critical: 2,
    async run(context) {
        const commands = commandsOf(context);
        if (!(await replicaSetName(commands)))
            return { skipped: NOT_A_REPLICA_SET, observations: [] };
        const status = await commands.command('admin', { replSetGetStatus: 1 });
        return {
            observations: (status.members ?? []).map((m) => {
                const state = String(m.stateStr ?? 'UNKNOWN');
                const value = num(m.health) === 0 ? 2 : SERVING.has(state) ? 0 : 1;
                return { subject: String(m.name), value, display: state, detail: `health ${String(m.health)}, ${state}` };
            }),
        };
    },
};
const mongoReplicationLag = {
    id: 'replication-lag',
    title: 'Replication lag',
    why: 'A lagging secondary serves stale reads, and a failover to it loses or rolls back the writes it has not applied.',
    action: 'Check the secondary’s disk, network and load, and long operations on it; a lag that only grows needs a resync before the oplog window closes.',
    unit: 'seconds',
    direction: 'above',
    warning: 60,
    critical: 300,
    async run(context) {
        const commands = commandsOf(context);
        if (!(await replicaSetName(commands)))
            return { skipped: NOT_A_REPLICA_SET, observations: [] };
        const members = ((await commands.command('admin', { replSetGetStatus: 1 })).members ?? []);
        const primary = members.find((m) => m.stateStr === 'PRIMARY');
        if (!primary)
            return {
                unknown: 'the replica set has no primary, so the lag has nothing to be measured from',
                observations: [],
            };
        const head = millis(primary.optimeDate);
        return {
            observations: members
                .filter((m) => m.stateStr === 'SECONDARY')
                .map((m) => ({
                subject: String(m.name),
                value: Math.max(0, (head - millis(m.optimeDate)) / 1000),
                detail: `applied up to ${new Date(millis(m.optimeDate)).toISOString()}`,
            })),
        };
    },
};
const oplogWindow = {
    id: 'oplog-window',
    title: 'Oplog window',
    why: 'A member that falls further behind than the oplog window (its first to last entry) can no longer catch up and needs a full resync; point-in-time backups need it too.',
    action: 'Enlarge the oplog (replSetResizeOplog) or lower the write volume, so the window covers a member’s longest outage.',
    unit: 'seconds',
    direction: 'below',
    warning: 24 * 3600,
    critical: 6 * 3600,
    async run(context) {
        const commands = commandsOf(context);
        if (!(await replicaSetName(commands)))
            return { skipped: NOT_A_REPLICA_SET, observations: [] };
        const window = await (0,oplog_window/* readOplogWindow */.u)((order) => commands.naturalEnd('local', 'oplog.rs', order));
        if (!window)
            return { unknown: 'the oplog (local.oplog.rs) has no entries to measure', observations: [] };
        return {
            observations: [
                {
                    subject: 'oplog window',
                    value: window.seconds,
                    display: `${(window.seconds / 3600).toFixed(1)} h`,
                    detail: `first entry ${window.first.toISOString()}`,
                },
            ],
        };
    },
};
/** A member's optimeDate (a Date from the driver) in milliseconds. */
function millis(value) {
    return value instanceof Date ? value.getTime() : Date.parse(String(value));
}
//# sourceMappingURL=replication.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/mongodb-checks/server-status.js

const mongoConnections = {
    id: 'connections',
    title: 'Connections',
    why: 'Each connection costs the server memory (about 1 MB); when available reaches 0, new connections are refused and the application fails.',
    action: 'Lower the drivers’ maxPoolSize or the number of application instances, close idle clients; raise net.maxIncomingConnections and the file-descriptor limit only with memory to spare.',
    // The share of the server's own limit (current + available), as PostgreSQL's connections check scores
    // max_connections: a fixed count would fire on a large server's normal load and never on a small one's limit.
    unit: 'ratio',
    direction: 'above',
    warning: 0.8,
    critical: 0.9,
    async run(context) {
        const section = await serverStatusSection(commandsOf(context), 'connections');
        const current = num(section?.current);
        if (!section || current === undefined)
            return { skipped: missingSection('connections'), observations: [] };
        const available = num(section.available) ?? 0;
        const share = current + available > 0 ? current / (current + available) : 0;
        return {
            observations: [
                {
                    subject: 'connections in use',
                    value: share,
                    detail: `${current} current, ${available} available (limit ${current + available})`,
                },
            ],
            notes: [`${current} current connections, ${available} more available`],
        };
    },
};
const opcounters = {
    id: 'opcounters',
    title: 'Operations by type',
    why: 'The mix and rate of inserts, queries, updates and deletes tells the load the server carries and how it changes.',
    action: 'Compare with earlier reports; a rate far above the usual points at a runaway job or a missing cache.',
    unit: 'count',
    direction: 'above',
    async run(context) {
        const commands = commandsOf(context);
        const status = await commands.command('admin', { serverStatus: 1 });
        const counters = status.opcounters;
        if (!counters)
            return { skipped: missingSection('opcounters'), observations: [] };
        const uptime = num(status.uptime) ?? 0;
        // The counters grow from the server's start: their rate is an average over its uptime.
        return {
            observations: Object.entries(counters)
                .filter(([, v]) => num(v) !== undefined)
                .map(([op, v]) => {
                const count = num(v);
                const rate = uptime > 0 ? count / uptime : 0;
                return {
                    subject: op,
                    value: count,
                    display: `${count} (${rate.toFixed(2)}/s)`,
                    detail: `average over the server's ${Math.round(uptime)} s of uptime`,
                };
            }),
        };
    },
};
/** serverStatus's WiredTiger cache figures; undefined where the server does not report them (FerretDB). */
async function wiredTigerCacheFigures(context) {
    const section = await serverStatusSection(commandsOf(context), 'wiredTiger');
    const cache = section?.cache;
    const max = num(cache?.['maximum bytes configured']);
    return cache && max ? { cache, max } : undefined;
}
const wiredTigerCache = {
    id: 'wiredtiger-cache',
    title: 'WiredTiger cache fill',
    why: 'WiredTiger evicts from 80% full; from 95% application threads must evict themselves, and every operation slows down.',
    action: 'Give the server more memory or a larger storage.wiredTiger.engineConfig.cacheSizeGB, shrink the working set (indexes that fit, projections), or spread the load.',
    unit: 'ratio',
    direction: 'above',
    warning: 0.9,
    critical: 0.95,
    async run(context) {
        const figures = await wiredTigerCacheFigures(context);
        if (!figures)
            return { skipped: missingSection('wiredTiger'), observations: [] };
        const { cache, max } = figures;
        const used = num(cache['bytes currently in the cache']) ?? 0;
        const byApplication = num(cache['pages evicted by application threads']) ?? 0;
        const evicted = (num(cache['unmodified pages evicted']) ?? 0) + (num(cache['modified pages evicted']) ?? 0);
        return {
            observations: [
                { subject: 'cache fill', value: used / max, detail: `${used} of ${max} bytes; ${evicted} pages evicted` },
            ],
            notes: byApplication > 0
                ? [`${byApplication} pages were evicted by application threads since the server started (cache pressure)`]
                : [],
        };
    },
};
const wiredTigerDirty = {
    id: 'wiredtiger-dirty',
    title: 'WiredTiger dirty cache',
    why: 'Dirty (modified, not yet written) data above 5% of the cache makes WiredTiger evict it in the background; from 20% application threads must write it out themselves, and writes stall.',
    action: 'Spread bulk writes out (smaller batches, pauses), check the disk’s write throughput, or give the cache more memory.',
    // Its own thresholds, not the cache fill's (a dirty share never reaches 90%): WiredTiger's eviction_dirty_target
    // is 5% and eviction_dirty_trigger 20%. Warning at 10%: well past the target, background eviction is falling
    // behind; critical at 20%: the trigger, where application threads are made to evict.
    unit: 'ratio',
    direction: 'above',
    warning: 0.1,
    critical: 0.2,
    async run(context) {
        const figures = await wiredTigerCacheFigures(context);
        if (!figures)
            return { skipped: missingSection('wiredTiger'), observations: [] };
        const dirty = num(figures.cache['tracked dirty bytes in the cache']) ?? 0;
        return {
            observations: [
                { subject: 'dirty share', value: dirty / figures.max, detail: `${dirty} dirty bytes of ${figures.max}` },
            ],
        };
    },
};
const queues = {
    id: 'queues',
    title: 'Operations queued for locks',
    why: 'Operations waiting in the global lock queue are requests the server cannot serve yet: latency grows with the queue.',
    action: 'Find the long or blocking operations (long-running-operations), add missing indexes, or add capacity.',
    unit: 'count',
    direction: 'above',
    warning: 10,
    critical: 50,
    async run(context) {
        const section = await serverStatusSection(commandsOf(context), 'globalLock');
        const queue = section?.currentQueue;
        if (!queue)
            return { skipped: missingSection('globalLock'), observations: [] };
        const readers = num(queue.readers) ?? 0;
        const writers = num(queue.writers) ?? 0;
        return {
            observations: [
                {
                    subject: 'queued operations',
                    value: num(queue.total) ?? readers + writers,
                    detail: `${readers} readers, ${writers} writers`,
                },
            ],
        };
    },
};
const asserts = {
    id: 'asserts',
    title: 'Server asserts',
    why: 'Regular and warning asserts count internal server errors since it started; any of them deserves a look in the server log.',
    action: 'Read the server log around the asserts; user asserts (duplicate keys, bad queries) are application errors and are left out.',
    unit: 'count',
    direction: 'above',
    warning: 1,
    async run(context) {
        const section = await serverStatusSection(commandsOf(context), 'asserts');
        if (!section)
            return { skipped: missingSection('asserts'), observations: [] };
        const user = num(section.user) ?? 0;
        return {
            observations: ['regular', 'warning'].map((kind) => ({
                subject: `${kind} asserts`,
                value: num(section[kind]) ?? 0,
                detail: 'since the server started',
            })),
            notes: [`${user} user asserts (application errors such as duplicate keys) since the server started`],
        };
    },
};
//# sourceMappingURL=server-status.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/mongodb-checks/sizes.js

const mongoDatabaseSize = {
    id: 'database-size',
    title: 'Database size',
    why: 'Size drives backup and restore time, disk headroom and cost; its growth per day tells when the disk fills.',
    action: 'Plan disk capacity from the growth trend; archive or expire old documents (TTL indexes); compact collections that shrank.',
    unit: 'bytes',
    direction: 'above',
    async run(context) {
        const commands = commandsOf(context);
        const stats = await commands.command(commands.database, { dbStats: 1 });
        const storage = num(stats.storageSize) ?? 0;
        const indexes = num(stats.indexSize) ?? 0;
        // totalSize (MongoDB 4.4+) is storage and indexes on disk together.
        const bytes = num(stats.totalSize) ?? storage + indexes;
        context.sample.databaseBytes = bytes;
        return {
            observations: [
                {
                    subject: `database ${commands.database}`,
                    value: bytes,
                    detail: `${num(stats.objects) ?? 0} documents in ${num(stats.collections) ?? 0} collections; data ${num(stats.dataSize) ?? 0} bytes, indexes ${indexes} bytes`,
                },
            ],
        };
    },
};
const collectionSizes = {
    id: 'collection-sizes',
    title: 'Largest collections',
    why: 'The largest collections dominate backup, restore and index build time, and are where archiving pays most.',
    action: 'Archive or expire old documents in the largest collections (TTL indexes), and check their indexes.',
    unit: 'bytes',
    direction: 'above',
    params: { limit: { default: 10, unit: 'count', description: 'How many of the largest collections to list.' } },
    async run(context) {
        const commands = commandsOf(context);
        const sized = [];
        for (const name of await userCollections(commands)) {
            const [stats] = await commands.aggregate(commands.database, name, [{ $collStats: { storageStats: {} } }]);
            const storage = (stats?.storageStats ?? {});
            const bytes = num(storage.totalSize) ?? (num(storage.storageSize) ?? 0) + (num(storage.totalIndexSize) ?? 0);
            const qualified = `${commands.database}.${name}`;
            sized.push({
                subject: qualified,
                table: qualified,
                value: bytes,
                detail: `${num(storage.count) ?? 0} documents, indexes ${num(storage.totalIndexSize) ?? 0} bytes`,
            });
        }
        return { observations: sized.sort((a, b) => b.value - a.value).slice(0, context.param('limit')) };
    },
};
//# sourceMappingURL=sizes.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/mongodb-checks/index.js





/** Every MongoDB check, in the order the report lists them (urgent operational ones first). */
const MONGODB_CHECKS = [
    mongoConnections,
    longRunningOperations,
    queues,
    replicaSetMembers,
    mongoReplicationLag,
    oplogWindow,
    wiredTigerCache,
    wiredTigerDirty,
    asserts,
    mongoUnusedIndexes,
    opcounters,
    mongoDatabaseSize,
    collectionSizes,
];
//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/engine-checks.js


const CHECKS = { postgresql: POSTGRES_CHECKS, mongodb: MONGODB_CHECKS };
/** The checks monitor-report runs on an engine's servers (and that its thresholds file may name). */
function healthChecksFor(engine) {
    return CHECKS[engine];
}
const PRODUCTS = { postgresql: 'PostgreSQL', mongodb: 'MongoDB' };
/**
 * The product a report's checks were written for ("MongoDB"), for its headline: the renderers get the engine's check
 * definitions, not the engine. A list of neither engine's definitions (a test's own) reads as PostgreSQL.
 */
function productOf(checks) {
    const engines = Object.keys(CHECKS);
    const engine = engines.find((name) => checks.some((check) => CHECKS[name].includes(check)));
    return PRODUCTS[engine ?? 'postgresql'];
}
//# sourceMappingURL=engine-checks.js.map
// EXTERNAL MODULE: ./packages/core/lib/report/result.js
var result = __webpack_require__(97343);
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
;// CONCATENATED MODULE: ./packages/core/lib/monitor/trends.js

const DAY_MS = 86_400_000;
/** Sequences charted: the ones closest to running out. */
const SEQUENCES_CHARTED = 5;
/** Growth per day by least squares over the points (undefined with fewer than two points or no time between them). */
function growthPerDay(points) {
    if (points.length < 2)
        return undefined;
    const xs = points.map((p) => Date.parse(p.at) / DAY_MS);
    const ys = points.map((p) => p.value);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    let sxx = 0;
    let sxy = 0;
    xs.forEach((x, i) => {
        sxx += (x - mx) ** 2;
        sxy += (x - mx) * (ys[i] - my);
    });
    return sxx === 0 ? undefined : sxy / sxx;
}
/**
 * How much history a projection needs: a slope over minutes, extrapolated to days, measures noise. A series is
 * fitted only on at least MIN_POINTS reports spanning at least MIN_SPAN_DAYS, and a projection from it reaches at
 * most PROJECTION_REACH times that span ahead: further than that it says only "more than".
 */
const MIN_POINTS = 3;
const MIN_SPAN_DAYS = 1;
const PROJECTION_REACH = 2;
function series(id, title, unit, points, limit) {
    const times = points.map((p) => Date.parse(p.at));
    const days = points.length > 0 ? (Math.max(...times) - Math.min(...times)) / DAY_MS : 0;
    const s = { id, title, unit, points, history: { points: points.length, days } };
    if (limit !== undefined)
        s.limit = limit;
    const growth = points.length >= MIN_POINTS && days >= MIN_SPAN_DAYS ? growthPerDay(points) : undefined;
    if (growth === undefined)
        return s;
    s.growthPerDay = growth;
    s.horizonDays = PROJECTION_REACH * days;
    const last = points.at(-1).value;
    if (limit !== undefined && growth > 0) {
        const daysToLimit = Math.max(0, (limit - last) / growth);
        if (daysToLimit <= s.horizonDays)
            s.daysToLimit = daysToLimit;
    }
    return s;
}
/** Builds the trend series from earlier entries (oldest first) and the current one. */
function buildTrends(earlier, current) {
    const entries = [...earlier, current].sort((a, b) => a.generatedAt.localeCompare(b.generatedAt));
    const pointsOf = (get) => entries.flatMap((e) => {
        const value = get(e.sample);
        return value === undefined || !Number.isFinite(value) ? [] : [{ at: e.generatedAt, value }];
    });
    const out = [
        series('database-size', 'Database size', 'bytes', pointsOf((s) => s.databaseBytes)),
        series('xid-age', 'Oldest transaction ID age', 'xids', pointsOf((s) => s.maxXidAge), WRAPAROUND_LIMIT),
        series('multixact-age', 'Oldest multixact ID age', 'xids', pointsOf((s) => s.maxMultixactAge), WRAPAROUND_LIMIT),
        series('bloat', 'Estimated table bloat', 'bytes', pointsOf((s) => s.bloatBytes)),
    ];
    const sequences = Object.entries(current.sample.sequences ?? {})
        .sort(([, a], [, b]) => b.last / b.max - a.last / a.max)
        .slice(0, SEQUENCES_CHARTED);
    for (const [name, { max }] of sequences) {
        out.push(series(`sequence:${name}`, `Sequence ${name}`, 'count', pointsOf((s) => s.sequences?.[name]?.last), max));
    }
    return { reportsRead: earlier.length, series: out.filter((s) => s.points.length > 0) };
}
//# sourceMappingURL=trends.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/format-value.js


/** A value as a person reads it, in its check's unit. */
function formatValue(value, unit) {
    switch (unit) {
        case 'seconds':
            return (0,format/* formatSeconds */.Xo)(value);
        case 'bytes':
            return (0,format/* formatBytes */.z3)(value);
        case 'ratio':
            return `${(value * 100).toFixed(1)}%`;
        case 'xids':
            return value >= 1e6 ? `${(value / 1e6).toFixed(1)} M` : Math.round(value).toLocaleString('en-US');
        case 'count':
            return Math.round(value).toLocaleString('en-US');
        case 'flag':
            return value >= 2 ? 'critical' : value >= 1 ? 'yes' : 'note';
    }
}
/** An observation or finding as shown: its own display text when it has one, else its condition or its value. */
function showValue(o, unit) {
    return o.display ?? o.condition ?? formatValue(o.value, unit);
}
/** "≥ 90.0%" / "< 95.0%": how a threshold fires. Flags (a setting is off, a key is missing) have no threshold to show. */
function formatThreshold(value, unit, direction) {
    if (value === undefined || unit === 'flag')
        return '—';
    return `${direction === 'above' ? '≥' : '<'} ${formatValue(value, unit)}`;
}
/** A value scaled for a chart axis, with the axis label: bytes in MiB, transaction IDs in millions. */
function chartScale(unit) {
    if (unit === 'bytes')
        return { factor: 1 / 1024 / 1024, label: 'MiB' };
    if (unit === 'xids')
        return { factor: 1e-6, label: 'million' };
    if (unit === 'ratio')
        return { factor: 100, label: '%' };
    return { factor: 1, label: unit };
}
/** Growth per day in words, e.g. "+12.0 MiB/day". */
function formatGrowth(perDay, unit) {
    const sign = perDay < 0 ? '−' : '+';
    return `${sign}${formatValue(Math.abs(perDay), unit === 'flag' ? 'count' : unit)}/day`;
}
/** "2 min 0 s", "1 day", "6.5 days": how long a stretch of history is. */
function formatSpan(days) {
    if (days < 1)
        return (0,format/* formatSeconds */.Xo)(days * 86_400);
    const rounded = Number(days.toFixed(1));
    return `${rounded} day${rounded === 1 ? '' : 's'}`;
}
/**
 * A trend in words, with the history it was fitted on: its growth, and how long until its limit when that is within
 * the reach of the projection (`days`, for the renderer to emphasise) or beyond it (`beyond`).
 */
function describeTrend(s) {
    const basis = `${s.history.points} report${s.history.points === 1 ? '' : 's'} over ${formatSpan(s.history.days)}`;
    if (s.growthPerDay === undefined) {
        return {
            growth: `not enough history to project (${basis}; needs at least ${MIN_POINTS} over ${formatSpan(MIN_SPAN_DAYS)})`,
        };
    }
    const growth = `${formatGrowth(s.growthPerDay, s.unit)} from ${basis}`;
    if (s.daysToLimit !== undefined)
        return { growth, days: `${Math.floor(s.daysToLimit)} days` };
    if (s.limit !== undefined && s.growthPerDay > 0 && s.horizonDays !== undefined) {
        return {
            growth,
            beyond: `more than ${formatSpan(s.horizonDays)} to the limit at this rate (projected no further than ${PROJECTION_REACH}× the history)`,
        };
    }
    return { growth };
}
//# sourceMappingURL=format-value.js.map
// EXTERNAL MODULE: ./packages/core/lib/report/render-summary.js
var render_summary = __webpack_require__(39323);
;// CONCATENATED MODULE: ./packages/core/lib/monitor/report-status.js
/**
 * The report's status and counts, from its checks. A critical finding makes it critical whatever else; otherwise a
 * check that could not run makes it unknown, since what that check watches may be at any level; then warning, ok.
 */
function reportStatus(results) {
    const findings = (severity) => results.reduce((n, r) => n + r.findings.filter((f) => f.severity === severity).length, 0);
    const checks = (status) => results.filter((r) => r.status === status).length;
    const counts = {
        critical: findings('critical'),
        warning: findings('warning'),
        skipped: checks('skipped'),
        unknown: checks('unknown'),
    };
    const status = counts.critical > 0 ? 'critical' : counts.unknown > 0 ? 'unknown' : counts.warning > 0 ? 'warning' : 'ok';
    return { status, counts };
}
/** Whether a report reaches `level` (fail-on, notify-on). An unknown report reaches every level: it may hide either. */
function reaches(status, level) {
    return status === 'critical' || status === 'unknown' || (level === 'warning' && status === 'warning');
}
/** "3 checks could not run (table-sizes, table-bloat, …)": for headlines, errors and alerts. */
function notCheckedText(report) {
    const ids = report.checks.filter((c) => c.status === 'unknown').map((c) => c.id);
    const shown = ids.length > 5 ? `${ids.slice(0, 5).join(', ')}, …` : ids.join(', ');
    return `${ids.length} check${ids.length === 1 ? '' : 's'} could not run (${shown})`;
}
//# sourceMappingURL=report-status.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/render-markdown.js





/** Findings listed in the summary itself; the rest are in the JSON and HTML reports. */
const SUMMARY_FINDINGS = 30;
/** Icons of check and finding statuses, in the summary's tables and the HTML report. */
const STATUS_ICON = {
    critical: '🔴',
    warning: '🟠',
    ok: '🟢',
    skipped: '⚪',
    unknown: '❔',
};
/** What a report says when it has no findings: only a complete one may call the database healthy. */
function noFindingsText(report) {
    return report.counts.unknown > 0
        ? `No findings among the checks that ran, but ${notCheckedText(report)}: this report cannot say the database is ` +
            'healthy.'
        : 'No findings: every check that ran is within its thresholds.';
}
/** The summary as Markdown: the job summary, and summary.md beside the other report files. */
function renderMarkdown(report, checks) {
    return (0,render_summary/* renderSummary */.B)([monitorSummary(report, checks)]);
}
const STATUS = {
    ok: 'ok',
    warning: 'warning',
    critical: 'critical',
    unknown: 'unknown',
};
/**
 * The health report as a result, for a person with ten seconds: the overall status first, then the findings worst
 * first with what to do, then trends and the details (folded).
 */
function monitorSummary(report, checks) {
    const byId = new Map(checks.map((c) => [c.id, c]));
    const { critical, warning, skipped, unknown } = report.counts;
    const checksWord = (n) => `${n} check${n === 1 ? '' : 's'}`;
    const extra = [
        ...(unknown ? [(0,result/* strong */.ko)(`${checksWord(unknown)} could not run`)] : []),
        ...(skipped ? [`${checksWord(skipped)} skipped`] : []),
    ];
    const blocks = [
        {
            kind: 'note',
            text: [
                (0,result/* strong */.ko)(`${critical} critical, ${warning} warning`),
                ` · ${productOf(checks)} ${report.database.serverVersion}${report.database.standby ? ' (standby)' : ''} · `,
                `${report.checks.length} checks in ${(report.durationMs / 1000).toFixed(1)} s`,
                ...extra.flatMap((part, i) => [i === 0 ? ' · ' : ', ', part]),
                ` · ${report.generatedAt}`,
            ],
        },
    ];
    if (report.maintenance)
        blocks.push({
            kind: 'note',
            text: [
                (0,result/* strong */.ko)('Maintenance'),
                `: inside the window ${report.maintenance.window} until ${report.maintenance.until}; its findings are marked maintenance and page nobody.`,
            ],
        });
    const findings = report.checks.flatMap((c) => c.findings.map((f) => ({ f, c })));
    findings.sort((a, b) => (a.f.severity === b.f.severity ? 0 : a.f.severity === 'critical' ? -1 : 1));
    if (findings.length > 0) {
        blocks.push({
            kind: 'table',
            columns: ['', 'Check', 'Subject', 'Value', 'Threshold', 'Recommended action'],
            rows: findings
                .slice(0, SUMMARY_FINDINGS)
                .map(({ f, c }) => [
                `${STATUS_ICON[f.severity]}${report.maintenance ? ' maintenance' : ''}`,
                c.title,
                (0,result/* code */.aY)(f.subject),
                showValue(f, f.unit),
                formatThreshold(f.threshold, f.unit, c.thresholds.direction),
                byId.get(c.id)?.action ?? '',
            ]),
        });
        if (findings.length > SUMMARY_FINDINGS) {
            const more = findings.length - SUMMARY_FINDINGS;
            blocks.push({ kind: 'note', text: `…and ${more} more findings in the JSON and HTML reports.` });
        }
    }
    else {
        blocks.push({ kind: 'note', text: noFindingsText(report) });
    }
    const unchecked = report.checks.filter((c) => c.status === 'unknown');
    if (unchecked.length > 0) {
        blocks.push({ kind: 'heading', status: 'unknown', text: `Not checked: ${checksWord(unchecked.length)} could not run` }, {
            kind: 'table',
            columns: ['Check', 'Why it could not run'],
            rows: unchecked.map((c) => [c.title, c.reason ?? '']),
        });
    }
    if (report.alerts)
        blocks.push(...alertLines(report.alerts));
    if (report.trends && report.trends.series.length > 0) {
        blocks.push(...trends(report.trends.series, report.trends.reportsRead));
    }
    const details = [
        {
            kind: 'table',
            columns: ['Check', 'Status', 'Time', 'Looked at', 'Notes'],
            rows: report.checks.map((c) => [
                c.title,
                `${STATUS_ICON[c.status]} ${c.status}`,
                `${c.durationMs} ms`,
                String(c.observed),
                [c.reason, ...c.notes].filter(Boolean).join('; '),
            ]),
        },
    ];
    for (const c of report.checks.filter((c) => c.findings.length > 0)) {
        details.push({ kind: 'note', text: [(0,result/* strong */.ko)(c.title), ` — ${byId.get(c.id)?.why ?? ''}`] }, {
            kind: 'table',
            columns: ['', 'Subject', 'Value', 'Detail'],
            rows: c.findings
                .slice(0, SUMMARY_FINDINGS)
                .map((f) => [STATUS_ICON[f.severity], (0,result/* code */.aY)(f.subject), showValue(f, f.unit), f.detail ?? '']),
        });
    }
    blocks.push({ kind: 'folded', title: 'Details: every check', blocks: details });
    const findingsText = `${critical} critical, ${warning} warning findings on ${productOf(checks)} ${report.database.serverVersion} (${report.generatedAt}).`;
    return {
        status: STATUS[report.status],
        title: [`Database health: ${report.status.toUpperCase()} — `, (0,result/* code */.aY)(report.name)],
        // The alert vocabulary has no "unknown": the text says why such a report cannot call the database healthy.
        text: unknown > 0
            ? `${notCheckedText(report)}, so this report cannot say the database is healthy; ${findingsText}`
            : findingsText,
        blocks,
    };
}
/** What PagerDuty and Opsgenie were sent, and what waits: for the person wondering why they were (not) paged. */
function alertLines(alerts) {
    const items = [
        ...alerts.sent.map((a) => `Sent: ${a}`),
        ...alerts.failed.map((a) => `Failed (a warning; tried again next run): ${a}`),
        ...alerts.deferred.map((a) => `Held back by max-alerts-per-hour: ${a}`),
        ...(alerts.quiet.length > 0 ? [`Quiet for the maintenance window: ${alerts.quiet.join(', ')}`] : []),
        ...(alerts.stateKept ? [] : ['No history: what was sent is not remembered, so no resolve can follow']),
    ];
    if (items.length === 0)
        return [];
    return [
        { kind: 'heading', text: 'Incidents' },
        { kind: 'list', items },
    ];
}
function trends(series, reportsRead) {
    const items = series.map((s) => {
        const { growth, days, beyond } = describeTrend(s);
        const limit = days ? ['; ', (0,result/* strong */.ko)(days), ' to the limit at this rate'] : beyond ? [`; ${beyond}`] : [];
        return [`${s.title}: ${formatValue(s.points.at(-1).value, s.unit)}, ${growth}`, ...limit];
    });
    return [
        { kind: 'heading', text: `Trends (${reportsRead} earlier reports)` },
        { kind: 'list', items },
        ...series.filter((s) => s.points.length >= 2).map(chart),
    ];
}
/** The last 30 points, scaled to the axis' unit. */
function chart(s) {
    const { factor, label } = chartScale(s.unit);
    const points = s.points.slice(-30).map((p) => ({
        label: p.at.slice(5, 16).replace('T', ' '),
        value: Number((p.value * factor).toPrecision(6)),
    }));
    return { kind: 'chart', title: s.title, yLabel: label, points };
}
//# sourceMappingURL=render-markdown.js.map
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./packages/core/lib/databases/index.js + 20 modules
var databases = __webpack_require__(93556);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/files/make-directory.js
var make_directory = __webpack_require__(86641);
// EXTERNAL MODULE: ./packages/core/lib/storage/open-storage.js
var open_storage = __webpack_require__(31191);
// EXTERNAL MODULE: ./packages/core/lib/notify/github-api.js
var github_api = __webpack_require__(91593);
;// CONCATENATED MODULE: ./packages/core/lib/notify/github-issue.js

const ALERT_LABEL = 'dbops-alert';
/**
 * Keeps one GitHub issue per key: opened when a problem appears, its body updated on later runs while the
 * problem lasts (no new issues, no comment per run), commented and closed once it clears. Issues are found by
 * a hidden marker in their body, among the open issues with the alert label; stray duplicates are closed.
 */
async function syncAlertIssue(options) {
    const { repo, send } = (0,github_api/* githubApi */.M)(options);
    const marker = `<!-- dbops:${options.key} -->`;
    const open = (await send('GET', `${repo}/issues?state=open&labels=${encodeURIComponent(ALERT_LABEL)}&per_page=100`));
    const mine = open
        .filter((i) => !i.pull_request && (i.body ?? '').includes(marker))
        .sort((a, b) => a.number - b.number);
    const [existing, ...duplicates] = mine;
    for (const duplicate of duplicates) {
        await send('POST', `${repo}/issues/${duplicate.number}/comments`, { body: `Duplicate of #${existing.number}.` });
        await send('PATCH', `${repo}/issues/${duplicate.number}`, { state: 'closed', state_reason: 'not_planned' });
    }
    const body = `${marker}\n${options.body}`;
    if (options.active) {
        if (existing) {
            await send('PATCH', `${repo}/issues/${existing.number}`, { title: options.title, body });
            options.log.info(`Updated GitHub issue #${existing.number}`);
            return { action: 'updated', number: existing.number };
        }
        const created = (await send('POST', `${repo}/issues`, {
            title: options.title,
            body,
            labels: [ALERT_LABEL],
        }));
        options.log.info(`Opened GitHub issue #${created.number}`);
        return { action: 'created', number: created.number };
    }
    if (!existing)
        return { action: 'none' };
    await send('POST', `${repo}/issues/${existing.number}/comments`, { body: options.resolution });
    await send('PATCH', `${repo}/issues/${existing.number}`, { state: 'closed', state_reason: 'completed' });
    options.log.info(`Closed GitHub issue #${existing.number}: the problem cleared`);
    return { action: 'closed', number: existing.number };
}
//# sourceMappingURL=github-issue.js.map
// EXTERNAL MODULE: ./packages/core/lib/notify/send.js
var send = __webpack_require__(96461);
// EXTERNAL MODULE: ./packages/core/lib/report/markdown-text.js
var markdown_text = __webpack_require__(86511);
// EXTERNAL MODULE: ./packages/core/lib/report/render-notification.js
var render_notification = __webpack_require__(97440);
;// CONCATENATED MODULE: ./packages/core/lib/monitor/alert-lifecycle.js
const ALERT_STATE_VERSION = 1;
const HOUR_MS = 3_600_000;
function emptyAlertState() {
    return { version: ALERT_STATE_VERSION, open: {}, sent: {} };
}
/** Reads a stored state; anything else (an older or newer version, a damaged record) starts afresh. */
function parseAlertState(value) {
    if (typeof value !== 'object' || value === null)
        return undefined;
    const state = value;
    if (state.version !== ALERT_STATE_VERSION || typeof state.open !== 'object' || state.open === null)
        return undefined;
    const sent = typeof state.sent === 'object' && state.sent !== null ? state.sent : {};
    return { version: ALERT_STATE_VERSION, open: state.open, sent };
}
/** What to send this run. Pure: the same state, findings and clock give the same plan. */
function planAlerts(previous, run) {
    const state = previous ?? emptyAlertState();
    const wanted = [];
    const quiet = [];
    const current = new Set(run.findings.map((f) => f.key));
    const unknown = new Set(run.unknownChecks);
    for (const finding of run.findings) {
        const record = state.open[finding.key];
        if (run.maintenance) {
            quiet.push(finding.key);
            continue;
        }
        const told = record?.channels ?? {};
        const base = { key: finding.key, check: finding.check, severity: finding.severity };
        for (const channel of run.channels)
            if (told[channel] === undefined)
                wanted.push({ kind: 'trigger', channel, ...base });
        for (const [channel, severity] of Object.entries(told))
            if (severity !== finding.severity)
                wanted.push({ kind: 'update', channel, ...base });
        const esc = run.escalation;
        if (esc && finding.severity === 'critical' && told[esc.channel] === undefined) {
            const since = Date.parse(criticalSince(record, finding, run.now) ?? run.now.toISOString());
            if (run.now.getTime() - since >= esc.afterMs)
                wanted.push({ kind: 'escalate', channel: esc.channel, ...base });
        }
    }
    for (const [key, record] of Object.entries(state.open)) {
        if (current.has(key) || unknown.has(record.check))
            continue;
        for (const [channel, severity] of Object.entries(record.channels))
            wanted.push({ kind: 'resolve', key, check: record.check, channel, severity });
    }
    wanted.sort((a, b) => rank(a) - rank(b));
    const used = new Map(Object.entries(state.sent).map(([c, times]) => [c, recent(times, run.now).length]));
    const actions = [];
    const deferred = [];
    for (const action of wanted) {
        const count = used.get(action.channel) ?? 0;
        if (action.kind !== 'resolve' && run.maxPerHour !== undefined && count >= run.maxPerHour) {
            deferred.push(action);
            continue;
        }
        if (action.kind !== 'resolve')
            used.set(action.channel, count + 1);
        actions.push(action);
    }
    return { actions, deferred, quiet };
}
/**
 * The state after this run, from what was delivered: a channel is marked told only when its event went through, so
 * a failed or deferred trigger is tried again next run, and an alert is forgotten once every channel heard its resolve.
 */
function settleAlerts(previous, run, delivered) {
    const state = previous ?? emptyAlertState();
    const now = run.now.toISOString();
    const open = {};
    const unknown = new Set(run.unknownChecks);
    for (const finding of run.findings) {
        const record = state.open[finding.key];
        const critical = criticalSince(record, finding, run.now);
        open[finding.key] = {
            check: finding.check,
            severity: finding.severity,
            since: record?.since ?? now,
            ...(critical ? { criticalSince: critical } : {}),
            channels: { ...record?.channels },
        };
    }
    for (const [key, record] of Object.entries(state.open)) {
        if (open[key])
            continue;
        if (unknown.has(record.check))
            open[key] = record;
        else if (Object.keys(record.channels).length > 0)
            open[key] = { ...record, channels: { ...record.channels } };
    }
    for (const action of delivered) {
        const record = open[action.key];
        if (!record)
            continue;
        if (action.kind === 'resolve')
            delete record.channels[action.channel];
        else
            record.channels[action.channel] = action.severity;
    }
    // A cleared finding is kept only while a channel still waits for its resolve.
    for (const key of Object.keys(open))
        if (!run.findings.some((f) => f.key === key) && !unknown.has(open[key].check)) {
            if (Object.keys(open[key].channels).length === 0)
                delete open[key];
        }
    const sent = {};
    for (const [channel, times] of Object.entries(state.sent))
        sent[channel] = recent(times, run.now);
    for (const action of delivered) {
        if (action.kind === 'resolve')
            continue;
        sent[action.channel] = [...(sent[action.channel] ?? []), now];
    }
    for (const channel of Object.keys(sent))
        if (sent[channel].length === 0)
            delete sent[channel];
    return { version: ALERT_STATE_VERSION, open, sent };
}
function criticalSince(record, finding, now) {
    if (finding.severity !== 'critical')
        return undefined;
    return record?.severity === 'critical' ? (record.criticalSince ?? record.since) : now.toISOString();
}
function recent(times, now) {
    return times.filter((t) => {
        const at = Date.parse(t);
        return at > now.getTime() - HOUR_MS && at <= now.getTime();
    });
}
/** Resolves first (they close pages), then critical before warning, so a rate limit holds back the least urgent. */
function rank(action) {
    if (action.kind === 'resolve')
        return 0;
    return action.severity === 'critical' ? 1 : 2;
}
//# sourceMappingURL=alert-lifecycle.js.map
// EXTERNAL MODULE: ./packages/core/lib/monitor/incident-template.js
var incident_template = __webpack_require__(5263);
;// CONCATENATED MODULE: ./packages/core/lib/monitor/deliver-incidents.js



/** Findings listed in an incident's details; the report has them all. */
const DETAIL_FINDINGS = 20;
/** The key an incident is deduplicated by: one per check and report name, so a check's findings page once. */
function incidentKey(name, check) {
    return `dbops:${name}:${check}`;
}
/** One alert per check with findings, at its worst severity. */
function currentAlerts(report) {
    return report.checks
        .filter((c) => c.findings.length > 0)
        .map((c) => ({
        key: incidentKey(report.name, c.id),
        check: c.id,
        severity: c.findings.some((f) => f.severity === 'critical') ? 'critical' : 'warning',
    }));
}
/**
 * Plans this run's incident events from the previous state, sends them (each failure a warning, never the run's
 * result), and returns the state to keep and what happened.
 */
async function deliverIncidents(report, targets, previous, log, options) {
    const escalation = targets.escalateTo ? { channel: targets.escalateTo, afterMs: targets.escalateAfterMs } : undefined;
    const run = {
        now: new Date(report.generatedAt),
        findings: currentAlerts(report),
        unknownChecks: report.checks.filter((c) => c.status === 'unknown').map((c) => c.id),
        maintenance: report.maintenance !== undefined,
        channels: targets.notifiers.map((n) => n.id).filter((id) => id !== targets.escalateTo),
        ...(escalation ? { escalation } : {}),
        maxPerHour: targets.maxPerHour,
    };
    const plan = planAlerts(previous, run);
    const byId = new Map(targets.notifiers.map((n) => [n.id, n]));
    const checks = new Map(report.checks.map((c) => [c.id, c]));
    const redact = options.redact ?? ((text) => text);
    const delivered = [];
    const summary = {
        sent: [],
        failed: [],
        deferred: plan.deferred.map(describe),
        quiet: plan.quiet,
        stateKept: options.stateKept,
    };
    // One channel's events in order (a resolve before a new trigger), channels side by side.
    await Promise.all([...byId.values()].map(async (notifier) => {
        for (const action of plan.actions.filter((a) => a.channel === notifier.id)) {
            try {
                const event = incidentEvent(report, action, checks.get(action.check), targets.template ?? incident_template/* DEFAULT_TEMPLATE */.VE);
                await notifier.send(redactEvent(event, redact), options.signal);
                delivered.push(action);
                summary.sent.push(describe(action));
                log.info(`${notifier.name}: ${action.kind} ${action.key} (${action.severity})`);
            }
            catch (error) {
                summary.failed.push(describe(action));
                log.warn(`Could not send ${action.kind} ${action.key} to ${notifier.name}: ${error.message}`);
            }
        }
    }));
    if (plan.quiet.length > 0)
        log.info(`Maintenance window: ${plan.quiet.length} findings page nobody until it ends (${report.maintenance?.until})`);
    if (plan.deferred.length > 0)
        log.warn(`max-alerts-per-hour held back ${plan.deferred.length} alerts; they are sent on a later run`);
    return { state: settleAlerts(previous, run, delivered), summary };
}
function describe(action) {
    return `${action.kind} ${action.channel} ${action.key} (${action.severity})`;
}
function incidentEvent(report, action, check, template) {
    const title = check?.title ?? action.check;
    const findings = check?.findings ?? [];
    const worst = findings.filter((f) => f.severity === action.severity);
    const subjects = worst.map((f) => f.subject);
    const shown = subjects.slice(0, 3).join(', ') + (subjects.length > 3 ? `, and ${subjects.length - 3} more` : '');
    const { database } = report;
    const values = {
        name: report.name,
        database: database.name,
        host: database.host,
        check: action.check,
        title,
        severity: action.severity,
        count: String(worst.length),
        findings: `${worst.length} ${action.severity} finding${worst.length === 1 ? '' : 's'}`,
        subjects: shown,
        status: report.status,
        link: report.github?.runUrl ?? '',
    };
    const summary = (0,incident_template/* renderTemplate */.Xm)(action.kind === 'resolve' ? template.resolved : template.summary, values);
    const lines = findings
        .slice(0, DETAIL_FINDINGS)
        .map((f) => `${f.severity} ${f.subject}: ${showValue(f, f.unit)}${f.detail ? `; ${f.detail}` : ''}`);
    if (findings.length > DETAIL_FINDINGS)
        lines.push(`…and ${findings.length - DETAIL_FINDINGS} more in the report`);
    return {
        action: action.kind === 'escalate' ? 'trigger' : action.kind,
        key: action.key,
        severity: action.severity,
        summary,
        source: `${database.host}:${database.port}/${database.name}`,
        component: report.name,
        class: action.check,
        details: {
            check: action.check,
            report: report.name,
            status: report.status,
            findings: lines.join('\n'),
            'checked at': report.generatedAt,
        },
        ...(report.github?.runUrl ? { link: report.github.runUrl } : {}),
        ...(action.kind === 'escalate' ? { escalation: true } : {}),
    };
}
/** A query text in a finding may hold a secret: the texts leave through the same register as every output. */
function redactEvent(event, redact) {
    const details = Object.fromEntries(Object.entries(event.details).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v]));
    return { ...event, summary: redact(event.summary), details };
}
//# sourceMappingURL=deliver-incidents.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/alerts.js








/**
 * The run's one alert message: overall status, counts, every finding with its recommended action, and every check
 * that could not run with its reason. The alert vocabulary has no "unknown": such a report is sent as a warning
 * whose title says UNKNOWN, never as an all-clear. Every text passes `redact` (the run's secret register): a finding's
 * subject or detail, or the reason a check could not run, may quote a query or an error that holds a secret.
 */
function alertMessage(report, checks, redact = (text) => text) {
    const byId = new Map(checks.map((c) => [c.id, c]));
    const { status, title, text } = (0,render_notification/* renderNotification */.M)(monitorSummary(report, checks));
    const items = report.checks.flatMap((c) => [
        ...c.findings.map((f) => {
            const action = byId.get(c.id)?.action;
            return {
                severity: f.severity,
                title: c.title,
                subject: f.subject,
                detail: `${showValue(f, f.unit)}${f.detail ? `; ${f.detail}` : ''}`,
                ...(action ? { action } : {}),
            };
        }),
        ...(c.status === 'unknown'
            ? [
                {
                    severity: 'warning',
                    title: c.title,
                    subject: 'not checked',
                    detail: c.reason ?? 'the check could not run',
                },
            ]
            : []),
    ]);
    return {
        source: 'monitor-report',
        status,
        title: redact(title),
        text: redact(text),
        items: items.map(({ title, subject, detail, action, ...rest }) => ({
            ...rest,
            title: redact(title),
            subject: redact(subject),
            ...(detail === undefined ? {} : { detail: redact(detail) }),
            ...(action === undefined ? {} : { action: redact(action) }),
        })),
        ...(report.github?.runUrl ? { link: report.github.runUrl } : {}),
        data: { name: report.name, database: report.database.name, reportStatus: report.status, counts: report.counts },
    };
}
function shouldNotify(report, on) {
    return on === 'always' || reaches(report.status, on);
}
/**
 * Sends the alert, the incident events, and keeps the GitHub issue in step. Failures are warnings: they never change
 * the run's result. Inside a maintenance window nothing pages: no message, no new incident, the issue left as it is.
 */
async function deliverAlerts(report, checks, targets, log, signal, history = { stateKept: false }) {
    const outcome = { sent: [], failed: [] };
    const redact = history.redact ?? ((text) => text);
    const message = alertMessage(report, checks, redact);
    const quiet = report.maintenance !== undefined;
    if (quiet && (targets.notifiers.length > 0 || targets.githubIssue))
        log.info(`Inside the maintenance window (${report.maintenance.window}) until ${report.maintenance.until}: no alert is sent`);
    if (targets.notifiers.length > 0 && !quiet && shouldNotify(report, targets.alertOn)) {
        Object.assign(outcome, await (0,send/* sendAlerts */.e)(targets.notifiers, message, log, signal));
    }
    if (targets.incidents && targets.incidents.notifiers.length > 0) {
        const { state, summary } = await deliverIncidents(report, targets.incidents, history.previous, log, {
            stateKept: history.stateKept,
            redact,
            ...(signal ? { signal } : {}),
        });
        outcome.state = state;
        report.alerts = summary;
    }
    if (targets.githubIssue && quiet) {
        outcome.issue = { action: 'unchanged' };
    }
    else if (targets.githubIssue && report.status === 'unknown') {
        // Closing the issue would claim the critical findings cleared, which checks that did not run cannot show.
        outcome.issue = { action: 'unchanged' };
        log.info(`The GitHub issue is left as it is: ${notCheckedText(report)}, so this report cannot tell whether critical findings cleared`);
    }
    else if (targets.githubIssue) {
        try {
            outcome.issue = await syncAlertIssue({
                ...targets.http,
                ...targets.githubIssue,
                key: `monitor-report:${report.name}`,
                title: `dbops: critical database health findings on ${report.name}`,
                body: issueBody(report, message, redact),
                active: report.status === 'critical',
                resolution: `The critical findings on ${(0,markdown_text/* markdownCode */.D)(report.name)} cleared at ${report.generatedAt}${report.github?.runUrl ? ` ([run](${report.github.runUrl}))` : ''}.`,
                log,
                ...(signal ? { signal } : {}),
            });
        }
        catch (error) {
            outcome.issue = { action: 'failed' };
            log.warn(`Could not update the GitHub issue: ${error.message}`);
        }
    }
    return outcome;
}
/**
 * The issue keeps only the critical findings: warnings come and go and would make the issue noisy. The whole body
 * passes `redact`, as the message's items already did.
 */
function issueBody(report, message, redact) {
    const critical = message.items.filter((i) => i.severity === 'critical');
    return redact([
        `**${critical.length} critical findings** on ${(0,markdown_text/* markdownCode */.D)(report.name)} (PostgreSQL ${report.database.serverVersion}), last checked ${report.generatedAt}${report.github?.runUrl ? ` in [this run](${report.github.runUrl})` : ''}.`,
        '',
        '| Check | Subject | Value | Recommended action |',
        '|---|---|---|---|',
        ...critical
            .slice(0, 50)
            .map((i) => `| ${cell(i.title)} | ${(0,markdown_text/* markdownCode */.D)(i.subject, true)} | ${cell(i.detail ?? '')} | ${cell(i.action ?? '')} |`),
        '',
        'This issue is updated by each run while a critical finding lasts and closed when they clear.',
    ].join('\n'));
}
/** A table cell of plain text: a table or database name is the database's text, never Markdown or HTML. */
function cell(text) {
    return (0,markdown_text/* escapeMarkdownText */.m)(text, true).replace(/\r?\n|\r/g, ' ');
}
//# sourceMappingURL=alerts.js.map
// EXTERNAL MODULE: external "node:stream/consumers"
var consumers_ = __webpack_require__(38321);
// EXTERNAL MODULE: ./packages/core/lib/storage/newest-state.js
var newest_state = __webpack_require__(79937);
;// CONCATENATED MODULE: ./packages/core/lib/monitor/history.js



/** Entries read back at most: about three months of runs every 30 minutes would be far more than a chart needs. */
const MAX_ENTRIES = 500;
const READ_CONCURRENCY = 8;
/** "<name>/<timestamp>.json": keys sort by time, and names keep several databases apart under one prefix. */
function historyKey(name, generatedAt) {
    return (0,newest_state/* stateKey */.bP)(name, generatedAt);
}
/** Reads earlier entries for `name`, newest MAX_ENTRIES, oldest first. Unreadable entries are skipped with a warning. */
async function readHistory(storage, name, log, sinceMs) {
    // Keys sort by time, so entries older than `sinceMs` are left out before anything is read.
    const oldest = sinceMs === undefined ? '' : historyKey(name, new Date(sinceMs).toISOString());
    // Only this name's own entries: "prod/replica" keeps its history under "prod/", and backups may share the folder.
    const objects = (await (0,newest_state/* listStates */.B9)(storage, name)).filter((o) => o.key >= oldest).slice(-MAX_ENTRIES);
    const entries = [];
    for (let i = 0; i < objects.length; i += READ_CONCURRENCY) {
        const batch = await Promise.all(objects.slice(i, i + READ_CONCURRENCY).map(async (object) => {
            try {
                const parsed = JSON.parse(await (0,consumers_.text)(await storage.get(object.key)));
                if (typeof parsed.generatedAt !== 'string' || typeof parsed.sample !== 'object' || parsed.sample === null)
                    throw new Error('not a history entry');
                // The trend charts place each entry by its time: one that is not a time would stop the report being written.
                if (Number.isNaN(Date.parse(parsed.generatedAt)))
                    throw new Error(`generatedAt '${parsed.generatedAt.slice(0, 40)}' is not a time`);
                return { generatedAt: parsed.generatedAt, sample: parsed.sample };
            }
            catch (error) {
                log.warn(`Skipping history entry ${storage.locate(object.key)}: ${error.message}`);
                return undefined;
            }
        }));
        for (const entry of batch)
            if (entry)
                entries.push(entry);
    }
    return entries.sort((a, b) => a.generatedAt.localeCompare(b.generatedAt));
}
/**
 * The incident state the newest entry kept, if it kept one. Entries are never overwritten, so each run's state rides
 * in its own entry and the newest is the one that counts.
 */
function readAlertState(storage, name, log) {
    return (0,newest_state/* readNewestState */.Er)(storage, name, log, (json) => {
        const alerts = json.alerts;
        return alerts === undefined ? null : parseAlertState(alerts);
    });
}
function historyEntry(report, alerts) {
    const entry = {
        schemaVersion: 2,
        generatedAt: report.generatedAt,
        name: report.name,
        status: report.status,
        counts: report.counts,
        sample: report.sample,
        ...(alerts ? { alerts } : {}),
    };
    return Buffer.from(`${JSON.stringify(entry)}\n`);
}
//# sourceMappingURL=history.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/render-svg.js

const W = 520;
const H = 200;
const PAD = { left: 60, right: 12, top: 24, bottom: 30 };
/** A line chart of one trend series as inline SVG (no script, no external assets), with its limit when it has one. */
function lineChartSvg(s) {
    const { factor, label } = chartScale(s.unit);
    const points = s.points.map((p) => ({ t: Date.parse(p.at), v: p.value * factor }));
    const t0 = Math.min(...points.map((p) => p.t));
    const t1 = Math.max(...points.map((p) => p.t));
    const values = points.map((p) => p.v);
    const vMax = Math.max(...values) * 1.05 || 1;
    const vMin = Math.min(0, ...values);
    const x = (t) => PAD.left + (t1 === t0 ? (W - PAD.left - PAD.right) / 2 : ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right));
    const y = (v) => H - PAD.bottom - ((v - vMin) / (vMax - vMin)) * (H - PAD.top - PAD.bottom);
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    const dots = points.map((p) => `<circle cx="${x(p.t).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="2.5"/>`).join('');
    const ticks = [vMin, (vMin + vMax) / 2, vMax]
        .map((v) => `<text x="${PAD.left - 6}" y="${y(v).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${v.toPrecision(3)}</text>`)
        .join('');
    const day = (t) => new Date(t).toISOString().slice(0, 10);
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(s.title)}" class="chart">`,
        `<text x="${PAD.left}" y="14" class="title">${escapeHtml(s.title)} (${escapeHtml(label)})</text>`,
        `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" class="axis"/>`,
        `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" class="axis"/>`,
        ticks,
        `<text x="${PAD.left}" y="${H - 8}">${day(t0)}</text><text x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${day(t1)}</text>`,
        `<path d="${path}" class="line"/>`,
        `<g class="dots">${dots}</g>`,
        '</svg>',
    ].join('');
}
/** Horizontal bars (e.g. each check's time), longest first. */
function barChartSvg(title, bars, unitLabel) {
    const rowH = 16;
    const labelW = 220;
    const height = 24 + bars.length * rowH;
    const max = Math.max(1e-9, ...bars.map((b) => b.value));
    const rows = bars.map((b, i) => {
        const yPos = 24 + i * rowH;
        const w = (b.value / max) * (W - labelW - 70);
        return (`<text x="${labelW - 6}" y="${yPos + 11}" text-anchor="end">${escapeHtml(b.label)}</text>` +
            `<rect x="${labelW}" y="${yPos + 2}" width="${w.toFixed(1)}" height="${rowH - 4}" class="bar"/>` +
            `<text x="${labelW + w + 4}" y="${yPos + 11}">${b.value} ${escapeHtml(unitLabel)}</text>`);
    });
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="${escapeHtml(title)}" class="chart"><text x="0" y="14" class="title">${escapeHtml(title)}</text>${rows.join('')}</svg>`;
}
function escapeHtml(text) {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
}
//# sourceMappingURL=render-svg.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/render-html.js




const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#1f2328}
h1{font-size:1.5em}table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.critical{background:#ffebe9}.warning{background:#fff8c5}.unknown{background:#eaeef2}code{font-size:90%}
.chart{margin:.5em 1em .5em 0;font-size:10px}.chart .title{font-size:12px;font-weight:600}.axis{stroke:#8c959f}.line{fill:none;stroke:#0969da;stroke-width:2}
.dots circle{fill:#0969da}.bar{fill:#54aeff}details{margin:1em 0}.muted{color:#656d76}`;
/** A self-contained HTML report (inline CSS and SVG, no scripts): status, findings, trends, every check's details. */
function renderHtml(report, checks) {
    const byId = new Map(checks.map((c) => [c.id, c]));
    const e = escapeHtml;
    const parts = [];
    parts.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dbops health: ${e(report.name)}</title><style>${STYLE}</style></head><body>`);
    parts.push(`<h1>${STATUS_ICON[report.status]} ${e(report.name)}: ${e(report.status.toUpperCase())}</h1>`);
    const unchecked = report.checks.filter((c) => c.status === 'unknown');
    const notRun = unchecked.length > 0
        ? ` · <strong>${unchecked.length} check${unchecked.length === 1 ? '' : 's'} could not run</strong>`
        : '';
    parts.push(`<p><strong>${report.counts.critical} critical, ${report.counts.warning} warning</strong>${notRun} · ${e(productOf(checks))} ${e(report.database.serverVersion)}${report.database.standby ? ' (standby)' : ''} · ${report.checks.length} checks in ${(report.durationMs / 1000).toFixed(1)} s · ${e(report.generatedAt)}</p>`);
    const findings = report.checks.flatMap((c) => c.findings.map((f) => ({ f, c })));
    findings.sort((a, b) => (a.f.severity === b.f.severity ? 0 : a.f.severity === 'critical' ? -1 : 1));
    parts.push('<h2>Findings</h2>');
    if (findings.length === 0)
        parts.push(`<p>${e(noFindingsText(report))}</p>`);
    else {
        parts.push('<table><tr><th>Severity</th><th>Check</th><th>Subject</th><th>Value</th><th>Threshold</th><th>Detail</th><th>Recommended action</th></tr>');
        for (const { f, c } of findings) {
            parts.push(`<tr class="${f.severity}"><td>${STATUS_ICON[f.severity]} ${f.severity}</td><td>${e(c.title)}</td><td><code>${e(f.subject)}</code></td><td>${e(showValue(f, f.unit))}</td><td>${e(formatThreshold(f.threshold, f.unit, c.thresholds.direction))}</td><td>${e(f.detail ?? '')}</td><td>${e(byId.get(c.id)?.action ?? '')}</td></tr>`);
        }
        parts.push('</table>');
    }
    if (unchecked.length > 0) {
        parts.push(`<h2>${STATUS_ICON.unknown} Not checked</h2><p>These checks could not run, so what they watch is unknown.</p><table><tr><th>Check</th><th>Why it could not run</th></tr>`);
        for (const c of unchecked)
            parts.push(`<tr class="unknown"><td>${e(c.title)}</td><td>${e(c.reason ?? '')}</td></tr>`);
        parts.push('</table>');
    }
    if (report.trends && report.trends.series.length > 0) {
        parts.push(`<h2>Trends</h2><p class="muted">${report.trends.reportsRead} earlier reports.</p><ul>`);
        for (const s of report.trends.series) {
            const { growth, days, beyond } = describeTrend(s);
            const limit = days ? `; <strong>${e(days)}</strong> to the limit at this rate` : beyond ? `; ${e(beyond)}` : '';
            parts.push(`<li>${e(s.title)}: ${e(formatValue(s.points.at(-1).value, s.unit))}, ${e(growth)}${limit}</li>`);
        }
        parts.push('</ul><div>');
        for (const s of report.trends.series.filter((s) => s.points.length >= 2))
            parts.push(lineChartSvg(s));
        parts.push('</div>');
    }
    parts.push('<h2>Checks</h2><table><tr><th>Check</th><th>Status</th><th>Time</th><th>Why it matters</th><th>Thresholds</th><th>Notes</th></tr>');
    for (const c of report.checks) {
        const d = byId.get(c.id);
        const thresholds = `warning ${formatThreshold(c.thresholds.warning, c.unit, c.thresholds.direction)}, critical ${formatThreshold(c.thresholds.critical, c.unit, c.thresholds.direction)}`;
        const notes = [c.reason, ...c.notes].filter(Boolean).join('; ');
        parts.push(`<tr class="${c.status}"><td>${e(c.title)}</td><td>${STATUS_ICON[c.status]} ${c.status}</td><td>${c.durationMs} ms</td><td>${e(d?.why ?? '')}</td><td>${e(thresholds)}</td><td>${e(notes)}</td></tr>`);
    }
    parts.push('</table>');
    parts.push(barChartSvg('Time per check', [...report.checks].sort((a, b) => b.durationMs - a.durationMs).map((c) => ({ label: c.id, value: c.durationMs })), 'ms'));
    parts.push('<h2>Details</h2>');
    for (const c of report.checks.filter((c) => c.top.length > 0)) {
        parts.push(`<details${c.findings.length > 0 ? ' open' : ''}><summary>${e(c.title)} (${c.observed} looked at, largest ${c.top.length})</summary><table><tr><th>Subject</th><th>Value</th><th>Detail</th></tr>`);
        for (const o of c.top)
            parts.push(`<tr><td><code>${e(o.subject)}</code></td><td>${e(showValue(o, c.unit))}</td><td>${e(o.detail ?? '')}</td></tr>`);
        parts.push('</table></details>');
    }
    parts.push(`<p class="muted">dbops monitor-report${report.github?.runUrl ? ` · <a href="${e(report.github.runUrl)}">workflow run</a>` : ''}</p></body></html>\n`);
    return parts.join('\n');
}
//# sourceMappingURL=render-html.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/render-prometheus.js
/** Overall status as a number: unknown (checks that could not run) is told apart from ok. */
const REPORT_STATUS_VALUE = { ok: 0, warning: 1, critical: 2, unknown: 3 };
/** Check status as a number, so alert rules can compare it: skipped and unknown checks are told apart from ok. */
const CHECK_STATUS_VALUE = { ok: 0, warning: 1, critical: 2, skipped: 3, unknown: 4 };
/** Metric name per unit: base units in the name (Prometheus convention), unitless values without a suffix. */
const OBSERVATION_METRIC = {
    seconds: 'dbops_monitor_observation_seconds',
    bytes: 'dbops_monitor_observation_bytes',
    ratio: 'dbops_monitor_observation_ratio',
    xids: 'dbops_monitor_observation',
    count: 'dbops_monitor_observation',
    flag: 'dbops_monitor_observation',
};
class Exposition {
    families = new Map();
    gauge(name, help, labels, value) {
        let family = this.families.get(name);
        if (!family) {
            family = { help, samples: new Map() };
            this.families.set(name, family);
        }
        const labelText = Object.entries(labels)
            .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
            .join(',');
        // One sample per label set: the first (worst) wins, since promtool rejects duplicate series.
        if (!family.samples.has(labelText))
            family.samples.set(labelText, value);
    }
    toString() {
        const out = [];
        for (const [name, family] of this.families) {
            out.push(`# HELP ${name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} gauge`);
            for (const [labels, value] of family.samples)
                out.push(`${name}${labels ? `{${labels}}` : ''} ${formatNumber(value)}`);
        }
        return `${out.join('\n')}\n`;
    }
}
/**
 * The report in the Prometheus text exposition format (for node_exporter's textfile collector or a push gateway):
 * overall and per-check status, check durations, finding counts, and the observations the report lists.
 */
function renderPrometheus(report) {
    const e = new Exposition();
    const db = { database: report.name };
    e.gauge('dbops_monitor_status', 'Overall health: 0 ok, 1 warning, 2 critical, 3 unknown (no critical finding, but checks could not run).', db, REPORT_STATUS_VALUE[report.status]);
    for (const severity of ['critical', 'warning']) {
        e.gauge('dbops_monitor_findings', 'Findings of the run by severity.', { ...db, severity }, report.counts[severity]);
    }
    e.gauge('dbops_monitor_checks_unknown', 'Checks that could not run: what they watch is unknown.', db, report.counts.unknown);
    e.gauge('dbops_monitor_report_duration_seconds', 'How long the whole report took.', db, report.durationMs / 1000);
    e.gauge('dbops_monitor_report_timestamp_seconds', 'When the report was made (Unix time).', db, Date.parse(report.generatedAt) / 1000);
    if (report.sample.databaseBytes !== undefined)
        e.gauge('dbops_monitor_database_size_bytes', 'Size of the database.', db, report.sample.databaseBytes);
    if (report.sample.maxXidAge !== undefined)
        e.gauge('dbops_monitor_max_xid_age', 'Oldest transaction ID age (wraparound at about 2.1 billion).', db, report.sample.maxXidAge);
    for (const c of report.checks) {
        const labels = { ...db, check: c.id };
        e.gauge('dbops_monitor_check_status', 'Check status: 0 ok, 1 warning, 2 critical, 3 skipped (does not apply), 4 unknown (could not run).', labels, CHECK_STATUS_VALUE[c.status]);
        e.gauge('dbops_monitor_check_duration_seconds', 'How long the check took.', labels, c.durationMs / 1000);
        e.gauge('dbops_monitor_check_findings', 'Findings of the check.', labels, c.findings.length);
    }
    for (const c of report.checks) {
        for (const o of listed(c)) {
            // A condition's value means nothing (a lost slot's retained WAL is unknown): it gets a series of its own.
            if (o.condition)
                e.gauge('dbops_monitor_observation_condition', 'A state no number measures, by check, subject and condition (e.g. a replication slot whose WAL is lost): always 1.', { ...db, check: c.id, subject: o.subject, condition: o.condition }, 1);
            else
                e.gauge(OBSERVATION_METRIC[c.unit], 'A value a check measured, by check and subject (its findings and largest values).', { ...db, check: c.id, subject: o.subject }, o.value);
        }
    }
    return e.toString();
}
function listed(c) {
    const findings = c.findings.map((f) => ({
        subject: f.subject,
        value: f.value,
        ...(f.condition ? { condition: f.condition } : {}),
    }));
    return [...findings, ...c.top];
}
function escapeLabel(value) {
    return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
function formatNumber(value) {
    if (Number.isNaN(value))
        return 'NaN';
    if (!Number.isFinite(value))
        return value > 0 ? '+Inf' : '-Inf';
    return String(value);
}
//# sourceMappingURL=render-prometheus.js.map
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./packages/core/lib/monitor/replace-files.js



/**
 * Replaces a set of files all or nothing: each is written whole to a temp file beside it (a dot name ending in .tmp,
 * which a Prometheus textfile collector ignores) and flushed; only when all are written are they renamed over the
 * old ones. A full disk then fails the run and leaves the previous files as they were, never half a file to read.
 */
async function replaceFiles(files) {
    const suffix = `${process.pid}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}.tmp`;
    const temps = files.map((f) => (0,external_node_path_.join)((0,external_node_path_.dirname)(f.path), `.${(0,external_node_path_.basename)(f.path)}.${suffix}`));
    try {
        for (const [i, f] of files.entries())
            await writeWhole(temps[i], f.text);
        for (const [i, f] of files.entries())
            await (0,promises_.rename)(temps[i], f.path);
    }
    finally {
        await Promise.all(temps.map((t) => (0,promises_.rm)(t, { force: true })));
    }
}
async function writeWhole(path, text) {
    const bytes = Buffer.from(text);
    const handle = await (0,promises_.open)(path, 'wx');
    try {
        await handle.writeFile(bytes);
        // A file system may accept fewer bytes than asked without an error: the size on disk is the proof.
        const { size } = await handle.stat();
        if (size !== bytes.length)
            throw Object.assign(new Error(`short write: ${size} of ${bytes.length} bytes`), { code: 'EIO' });
        await handle.sync();
    }
    finally {
        await handle.close();
    }
}
//# sourceMappingURL=replace-files.js.map
// EXTERNAL MODULE: ./packages/core/lib/files/read-input-file.js
var read_input_file = __webpack_require__(83211);
// EXTERNAL MODULE: ./packages/core/lib/duration.js
var duration = __webpack_require__(50429);
// EXTERNAL MODULE: ./packages/core/lib/size.js
var size = __webpack_require__(50404);
;// CONCATENATED MODULE: ./packages/core/lib/monitor/thresholds.js




const INPUT = 'thresholds';
const TOP_KEYS = ['version', 'exclude', 'checks'];
const CHECK_KEYS = ['enabled', 'warning', 'critical', 'exclude'];
function defaultSettings(checks) {
    return {
        exclude: [],
        checks: Object.fromEntries(checks.map((c) => [
            c.id,
            {
                enabled: true,
                ...(c.warning !== undefined ? { warning: c.warning } : {}),
                ...(c.critical !== undefined ? { critical: c.critical } : {}),
                params: Object.fromEntries(Object.entries(c.params ?? {}).map(([name, p]) => [name, p.default])),
                exclude: [],
            },
        ])),
    };
}
async function readThresholdsFile(path, checks) {
    const text = await (0,read_input_file/* readInputFile */.j)(path, INPUT, 'the path of a YAML thresholds file, e.g. .github/dbops/thresholds.yml');
    return parseThresholds(text, path, checks);
}
/**
 * Parses and validates a thresholds file. Every error names the file, the key path at fault and the valid form,
 * so a typo ("warnng", "tabel-bloat") is reported rather than silently ignored.
 */
async function parseThresholds(text, source, checks) {
    const fail = (path, problem, valid) => (0,errors/* invalidInput */.aY)(INPUT, `file ${source}: ${path} ${problem}`, valid);
    // yaml is imported here, not at the top: its 70 modules were loaded by every command's start (bench/README.md).
    const { parse: parseYaml } = await __webpack_require__.e(/* import() */ 291753161540).then(__webpack_require__.t.bind(__webpack_require__, 38815, 19));
    let doc;
    try {
        doc = parseYaml(text);
    }
    catch (error) {
        throw (0,errors/* invalidInput */.aY)(INPUT, `file ${source} is not valid YAML: ${error.message.split('\n')[0]}`, 'YAML such as "checks:\\n  table-bloat:\\n    warning: 40%"');
    }
    const settings = defaultSettings(checks);
    if (doc === null || doc === undefined)
        return settings;
    if (!isMap(doc))
        throw fail('the document', 'is not a mapping', `top-level keys: ${TOP_KEYS.join(', ')}`);
    for (const [key, value] of Object.entries(doc)) {
        if (!TOP_KEYS.includes(key))
            throw fail(`'${key}'`, 'is not a known key', `top-level keys: ${TOP_KEYS.join(', ')}`);
        if (key === 'version' && value !== 1)
            throw fail('version', `is ${JSON.stringify(value)}`, 'version: 1 (or leave it out)');
    }
    settings.exclude = patternList(doc.exclude, 'exclude', fail);
    if (doc.checks === undefined || doc.checks === null)
        return settings;
    if (!isMap(doc.checks))
        throw fail('checks', 'is not a mapping', 'checks:\n  <check-id>:\n    warning: ...');
    const byId = new Map(checks.map((c) => [c.id, c]));
    for (const [id, body] of Object.entries(doc.checks)) {
        const check = byId.get(id);
        if (!check)
            throw fail(`checks.${id}`, 'is not a known check', `one of: ${checks.map((c) => c.id).join(', ')}`);
        const target = settings.checks[id];
        if (body === false) {
            target.enabled = false;
            continue;
        }
        if (!isMap(body))
            throw fail(`checks.${id}`, 'is not a mapping', 'e.g. { warning: ..., critical: ..., enabled: false, exclude: [schema.table] }');
        const paramNames = Object.keys(check.params ?? {});
        const known = [...CHECK_KEYS, ...paramNames];
        for (const [key, value] of Object.entries(body)) {
            const path = `checks.${id}.${key}`;
            if (!known.includes(key))
                throw fail(path, 'is not a known setting', `one of: ${known.join(', ')}`);
            if (key === 'enabled') {
                if (typeof value !== 'boolean')
                    throw fail(path, `is ${JSON.stringify(value)}`, 'true or false');
                target.enabled = value;
            }
            else if (key === 'exclude') {
                target.exclude = patternList(value, path, fail);
            }
            else if (key === 'warning' || key === 'critical') {
                // null or "off" removes a level, e.g. to keep a check at warnings only.
                if (value === null || value === 'off')
                    delete target[key];
                else
                    target[key] = parseValue(value, check.unit, path, fail);
            }
            else {
                target.params[key] = parseValue(value, check.params[key].unit, path, fail);
            }
        }
        const { warning, critical } = target;
        if (warning !== undefined && critical !== undefined) {
            const ordered = check.direction === 'above' ? warning <= critical : warning >= critical;
            if (!ordered) {
                throw fail(`checks.${id}`, `has warning ${warning} ${check.direction === 'above' ? 'above' : 'below'} critical ${critical}`, `for ${id} a value fires when it is ${check.direction === 'above' ? 'at or above' : 'below'} the threshold, so warning must be ${check.direction === 'above' ? '≤' : '≥'} critical`);
            }
        }
    }
    return settings;
}
const FORMS = {
    seconds: 'a duration such as 500ms, 90s, 5m, 1h30m or 7d (a bare number is seconds)',
    bytes: 'a size such as 1048576, 500kB, 10MB or 1.5GiB',
    ratio: 'a fraction from 0 to 1 or a percentage, e.g. 0.8 or 80%',
    count: 'a whole number ≥ 0',
    xids: 'a number of transactions ≥ 0, e.g. 500000000',
    flag: 'a number ≥ 0',
};
/** A threshold or parameter value in the unit of its check. */
function parseValue(value, unit, path, fail) {
    const bad = () => fail(path, `has the value ${JSON.stringify(value)}, which is not ${FORMS[unit]}`, FORMS[unit]);
    if (typeof value === 'number') {
        if (!Number.isFinite(value) || value < 0)
            throw bad();
        if (unit === 'ratio' && value > 1)
            throw bad();
        if (unit === 'count' && !Number.isInteger(value))
            throw bad();
        return value;
    }
    if (typeof value !== 'string')
        throw bad();
    // Durations and sizes use the grammar every input uses; a bare number is in the check's unit.
    if (unit === 'seconds' || unit === 'bytes') {
        const bare = /^\d+(?:\.\d+)?$/.test(value.trim());
        const result = bare ? Number(value) : unit === 'seconds' ? (0,duration/* readDuration */.$7)(value) : (0,size/* readSize */.ik)(value);
        if (result === undefined)
            throw bad();
        return result;
    }
    const text = value.trim().toLowerCase();
    const match = /^(\d+(?:\.\d+)?)\s*([a-z%]*)$/.exec(text);
    if (!match)
        throw bad();
    const n = Number(match[1]);
    const suffix = match[2];
    let factor;
    if (unit === 'ratio')
        factor = suffix === '%' ? 1 / 100 : suffix === '' ? 1 : undefined;
    else
        factor = suffix === '' ? 1 : undefined;
    if (factor === undefined)
        throw bad();
    // Divide for percentages: 95 / 100 is exactly 0.95, 95 * 0.01 is not.
    const result = suffix === '%' ? n / 100 : n * factor;
    if (unit === 'ratio' && result > 1)
        throw bad();
    return result;
}
function patternList(value, path, fail) {
    if (value === undefined || value === null)
        return [];
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p.trim() === '')) {
        throw fail(path, 'is not a list of patterns', 'a list such as [public.audit_log, archive.*]');
    }
    return list.map((p) => p.trim());
}
function isMap(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/**
 * Whether `name` matches one of the glob patterns (`*` any run of characters). A pattern without a schema
 * ("orders") matches that table in any schema.
 */
function matchesAny(name, patterns) {
    return patterns.some((pattern) => {
        const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
        if (regex.test(name))
            return true;
        return !pattern.includes('.') && name.includes('.') && regex.test(name.slice(name.indexOf('.') + 1));
    });
}
function escapeRegex(text) {
    return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
//# sourceMappingURL=thresholds.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/evaluate.js

/** How many observations a check keeps in the report besides its findings: enough to read, bounded on big databases. */
const TOP_OBSERVATIONS = 10;
/** The severity a value reaches: 'above' checks fire at or above a threshold, 'below' checks under it. */
function severityOf(value, direction, t) {
    const crosses = (threshold) => threshold !== undefined && (direction === 'above' ? value >= threshold : value < threshold);
    if (crosses(t.critical))
        return 'critical';
    if (crosses(t.warning))
        return 'warning';
    return undefined;
}
/** Turns a check's observations into its result: exclusions applied, findings by severity, the top values kept. */
function evaluate(check, settings, globalExclude, observations) {
    const kept = observations.filter((o) => {
        if (o.table && matchesAny(o.table, globalExclude))
            return false;
        return !matchesAny(o.table ?? o.subject, settings.exclude) && !matchesAny(o.subject, settings.exclude);
    });
    const findings = [];
    for (const o of kept) {
        const severity = o.condition ? highestLevel(settings) : severityOf(o.value, check.direction, settings);
        if (!severity)
            continue;
        findings.push({
            check: check.id,
            severity,
            subject: o.subject,
            value: o.value,
            threshold: settings[severity],
            unit: check.unit,
            ...(o.display ? { display: o.display } : {}),
            ...(o.detail ? { detail: o.detail } : {}),
            ...(o.condition ? { condition: o.condition } : {}),
        });
    }
    // A condition (its value means nothing) ranks before any measured value.
    const worstFirst = (a, b) => Number(Boolean(b.condition)) - Number(Boolean(a.condition)) ||
        (check.direction === 'above' ? b.value - a.value : a.value - b.value);
    findings.sort((a, b) => evaluate_rank(b.severity) - evaluate_rank(a.severity) || worstFirst(a, b));
    const top = [...kept].sort(worstFirst).slice(0, TOP_OBSERVATIONS);
    const status = findings.some((f) => f.severity === 'critical') ? 'critical' : findings.length > 0 ? 'warning' : 'ok';
    return { status, findings, top, observed: kept.length };
}
/** The level a condition reaches: the check's highest (none when the thresholds file turned both off). */
function highestLevel(t) {
    return t.critical !== undefined ? 'critical' : t.warning !== undefined ? 'warning' : undefined;
}
function evaluate_rank(severity) {
    return { critical: 2, warning: 1 }[severity];
}
//# sourceMappingURL=evaluate.js.map
;// CONCATENATED MODULE: ./packages/core/lib/monitor/run-checks.js

/**
 * Runs each check in its own READ ONLY transaction with a statement timeout no longer than the time left in the
 * budget, so a check can neither write nor hang the run, and one failing check cannot spoil the others.
 */
async function runChecks(options) {
    const { session, settings, log } = options;
    const started = Date.now();
    const sample = {};
    const results = [];
    for (const check of options.checks) {
        const checkSettings = settings.checks[check.id];
        const base = {
            id: check.id,
            title: check.title,
            unit: check.unit,
            thresholds: { ...pick(checkSettings), direction: check.direction },
            notes: [],
            findings: [],
            top: [],
            observed: 0,
        };
        const remaining = options.budgetMs - (Date.now() - started);
        if (!checkSettings.enabled) {
            results.push({ ...base, status: 'skipped', reason: 'disabled in the thresholds file', durationMs: 0 });
            continue;
        }
        // A check that never ran says nothing about the database: unknown, not skipped.
        if (options.signal?.aborted) {
            results.push({ ...base, status: 'unknown', reason: 'the run was cancelled', durationMs: 0 });
            continue;
        }
        if (remaining <= 0) {
            results.push({
                ...base,
                status: 'unknown',
                reason: `the total time budget of ${options.budgetMs / 1000} s was used up by earlier checks (raise time-budget)`,
                durationMs: 0,
            });
            continue;
        }
        const checkStarted = Date.now();
        const timeoutMs = Math.max(1, Math.min(options.statementTimeoutMs, remaining));
        try {
            // An engine without SQL (MongoDB) runs its checks' commands; the others their queries in a transaction.
            const inCheck = (run) => session.inCheckCommands
                ? session.inCheckCommands(timeoutMs, (commands) => run({ query: noSql, commands }))
                : session.inCheckTransaction(timeoutMs, (query) => run({ query }));
            const outcome = await inCheck((access) => {
                const context = {
                    ...access,
                    major: options.major,
                    standby: options.standby,
                    seesAllSessions: options.seesAllSessions,
                    param: (name) => {
                        const value = checkSettings.params[name];
                        if (value === undefined)
                            throw new Error(`Check ${check.id} has no parameter '${name}'`);
                        return value;
                    },
                    sample,
                };
                return check.run(context);
            });
            const durationMs = Date.now() - checkStarted;
            const notes = outcome.notes ?? [];
            if (outcome.unknown) {
                results.push({ ...base, status: 'unknown', reason: outcome.unknown, notes, durationMs });
            }
            else if (outcome.skipped) {
                results.push({ ...base, status: 'skipped', reason: outcome.skipped, notes, durationMs });
            }
            else {
                results.push({
                    ...base,
                    ...evaluate(check, checkSettings, settings.exclude, outcome.observations),
                    notes,
                    durationMs,
                });
            }
        }
        catch (error) {
            const durationMs = Date.now() - checkStarted;
            const { status, reason } = session.explainCheckFailure(error, timeoutMs);
            log.warn(`Check ${check.id} ${status === 'skipped' ? 'was skipped' : 'could not run'}: ${reason}`);
            results.push({ ...base, status, reason, durationMs });
        }
        log.debug(`check ${check.id}: ${results.at(-1).status} in ${results.at(-1).durationMs} ms`);
    }
    return { results, sample };
}
function pick(s) {
    return {
        ...(s.warning !== undefined ? { warning: s.warning } : {}),
        ...(s.critical !== undefined ? { critical: s.critical } : {}),
    };
}
/** What a SQL check meets on an engine without SQL: a failure, reported as the check's unknown reason. */
async function noSql() {
    throw new Error('this server has no SQL; the check is for SQL engines');
}
//# sourceMappingURL=run-checks.js.map
;// CONCATENATED MODULE: ./packages/core/lib/operations/monitor-report.js

















/** Connects read-only, runs every check within the budget, reads and extends the history, writes the report files. */
async function monitorReport(options) {
    const { log, target } = options;
    const checks = options.checks ?? healthChecksFor(target.engine);
    const settings = options.settings ?? defaultSettings(checks);
    const now = options.now ?? (() => new Date());
    const started = Date.now();
    const name = options.name ?? target.database;
    // The output directory and the history first: a bad location fails before the database is touched.
    await prepareOutputDirectory(options.outputDir);
    const storage = options.history
        ? await (0,open_storage/* openStorage */.G)(options.history.location, {
            inputName: 'history',
            ...(options.history.s3 ? { s3: options.history.s3 } : {}),
        })
        : undefined;
    let report;
    try {
        // Cancelling ends the query in flight and the connection; the remaining checks do not run.
        const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
        report = await (0,databases/* engineFor */.Ec)(target).withHealthSession(target, context, async (session) => {
            const version = session.server;
            const { standby, seesAllSessions } = version;
            log.info(`Checking ${name} (${version.product} ${version.version}${standby ? ', standby' : ''}): ${checks.length} checks`);
            const { results, sample } = await runChecks({
                session,
                checks,
                settings,
                major: version.major,
                standby,
                seesAllSessions,
                statementTimeoutMs: options.statementTimeoutMs,
                budgetMs: options.budgetMs,
                log,
                ...(options.signal ? { signal: options.signal } : {}),
            });
            return {
                schemaVersion: 2,
                generatedAt: now().toISOString(),
                name,
                database: {
                    name: target.database,
                    host: target.host,
                    port: target.port,
                    serverVersion: version.version,
                    major: version.major,
                    standby,
                },
                ...reportStatus(results),
                durationMs: 0,
                checks: results,
                sample,
                ...(options.github
                    ? {
                        github: {
                            repository: options.github.repository,
                            ...(options.github.runUrl ? { runUrl: options.github.runUrl } : {}),
                        },
                    }
                    : {}),
            };
        });
    }
    catch (error) {
        // A cancelled run closes the connection under whatever query was running: report the cancellation, not that.
        throw options.signal?.aborted ? cancelledReport(name) : error;
    }
    if (options.signal?.aborted)
        throw cancelledReport(name);
    const at = new Date(report.generatedAt);
    if (options.maintenanceWindow?.window.contains(at)) {
        const until = options.maintenanceWindow.window.next(at).end.toISOString();
        report.maintenance = { window: options.maintenanceWindow.text, until };
        log.info(`Inside the maintenance window ${options.maintenanceWindow.text} until ${until}: findings page nobody`);
    }
    const incidents = (options.alerts?.incidents?.notifiers.length ?? 0) > 0;
    let previous;
    let recorded = false;
    let earlierCount = 0;
    if (storage && options.history) {
        // A history store that is down costs the trends and the incident state, never the report itself.
        try {
            const since = Date.parse(report.generatedAt) - options.history.days * 86_400_000;
            const earlier = await readHistory(storage, name, log, since);
            earlierCount = earlier.length;
            report.trends = buildTrends(earlier, report);
            if (incidents)
                previous = await readAlertState(storage, name, log);
            recorded = true;
        }
        catch (error) {
            log.warn(`History at ${storage.display} is unavailable, so this report has no trends and is not recorded: ${error.message}`);
        }
    }
    if (incidents && !recorded)
        log.warn('Without a readable history, PagerDuty and Opsgenie get a trigger for every finding each run (deduplicated by key) and no resolve: set history to keep their state');
    const redact = options.redact ?? ((text) => text);
    const outcome = options.alerts
        ? await deliverAlerts(report, checks, options.alerts, log, options.signal, {
            ...(previous ? { previous } : {}),
            stateKept: recorded,
            redact,
        })
        : undefined;
    if (storage && recorded) {
        try {
            await storage.put(historyKey(name, report.generatedAt), historyEntry(report, outcome?.state), {
                contentType: 'application/json',
            });
            log.info(`History: read ${earlierCount} earlier reports from ${storage.display}; stored this one`);
        }
        catch (error) {
            log.warn(`History at ${storage.display} did not take this report: ${error.message}`);
        }
    }
    report.durationMs = Date.now() - started;
    logFindings(report, log);
    if (report.counts.unknown > 0)
        log.warn(`${notCheckedText(report)}: this report cannot say ${name} is healthy (the reasons are under "Not checked" in the summary)`);
    const files = await writeReportFiles(report, redact(renderMarkdown(report, checks)), checks, options.outputDir, redact);
    log.info(`Report: ${report.status} (${report.counts.critical} critical, ${report.counts.warning} warning${report.counts.unknown > 0 ? `; ${notCheckedText(report)}` : ''}) written to ${files.json}`);
    return { report, files };
}
/** The error the run fails with when the report reaches fail-on ('never': it does not fail). */
function healthFailure(report, failOn) {
    if (failOn === 'never' || !reaches(report.status, failOn))
        return undefined;
    const findings = `${report.counts.critical} critical, ${report.counts.warning} warning findings`;
    if (report.status === 'unknown') {
        return new errors/* DbopsError */.zJ('CHECK_FAILED', `The health report of ${report.name} is unknown: ${notCheckedText(report)}; ${findings}`, {
            hint: `Each check's reason is in the summary: raise statement-timeout or time-budget, grant the role what it lacks, or disable a check you do not want in the thresholds file; fail-on is '${failOn}' (never: do not fail).`,
        });
    }
    const unchecked = report.counts.unknown > 0 ? `; ${notCheckedText(report)}` : '';
    return new errors/* DbopsError */.zJ('CHECK_FAILED', `The health report of ${report.name} is ${report.status} (${findings}${unchecked})`, {
        hint: `Act on the findings in the summary, or raise thresholds in the thresholds file; fail-on is '${failOn}'.`,
    });
}
function cancelledReport(name) {
    return new errors/* DbopsError */.zJ('CANCELLED', `The health report of ${name} was cancelled`, {
        hint: 'Nothing was written; run it again.',
    });
}
/** Findings become warnings (annotations on GitHub), worst first; beyond a few dozen they would only be noise. */
const LOGGED_FINDINGS = 25;
function logFindings(report, log) {
    const all = report.checks.flatMap((c) => c.findings.map((f) => ({ f, title: c.title })));
    all.sort((a, b) => (a.f.severity === b.f.severity ? 0 : a.f.severity === 'critical' ? -1 : 1));
    for (const { f, title } of all.slice(0, LOGGED_FINDINGS)) {
        // Critical findings become error annotations on GitHub, warnings warning annotations.
        const line = `${f.severity.toUpperCase()} ${title}: ${f.subject}${f.detail ? ` — ${f.detail}` : ''}`;
        if (f.severity === 'critical')
            log.error(line);
        else
            log.warn(line);
    }
    if (all.length > LOGGED_FINDINGS)
        log.warn(`…and ${all.length - LOGGED_FINDINGS} more findings: see the job summary and report.json`);
}
async function writeReportFiles(report, summary, checks, outputDir, redact) {
    const dir = (0,external_node_path_.resolve)(outputDir);
    const files = {
        json: (0,external_node_path_.join)(dir, 'report.json'),
        markdown: (0,external_node_path_.join)(dir, 'summary.md'),
        html: (0,external_node_path_.join)(dir, 'report.html'),
        prometheus: (0,external_node_path_.join)(dir, 'metrics.prom'),
    };
    try {
        await replaceFiles([
            { path: files.json, text: redact(`${JSON.stringify(report, null, 2)}\n`) },
            { path: files.markdown, text: summary },
            { path: files.html, text: redact(renderHtml(report, checks)) },
            { path: files.prometheus, text: redact(renderPrometheus(report)) },
        ]);
    }
    catch (error) {
        throw new errors/* DbopsError */.zJ('STORAGE_FAILED', `Cannot write the report to output-dir (${dir}): ${error.message}`, {
            input: 'output-dir',
            hint: 'Free space on that file system, or set output-dir to another directory; the report files already there are left as they were.',
            cause: error,
        });
    }
    return files;
}
/** Makes the output directory and proves it writable, naming output-dir when it cannot be. */
async function prepareOutputDirectory(outputDir) {
    const dir = (0,external_node_path_.resolve)(outputDir);
    const probe = (0,external_node_path_.join)(dir, `.dbops-probe-${process.pid}`);
    try {
        await (0,make_directory/* makeDirectory */.O)(dir);
        await (0,promises_.writeFile)(probe, '');
        await (0,promises_.rm)(probe, { force: true });
    }
    catch (error) {
        const code = error.code;
        const problem = code === 'ENOTDIR' || code === 'EEXIST'
            ? 'is a file, or below one'
            : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
                ? 'is not writable'
                : `cannot be created: ${error.message}`;
        throw (0,errors/* invalidInput */.aY)('output-dir', `(${dir}) ${problem}`, 'a directory the runner user can write, e.g. dbops-monitor (relative to the working directory) or $RUNNER_TEMP/dbops-monitor');
    }
}
//# sourceMappingURL=monitor-report.js.map
// EXTERNAL MODULE: ./packages/core/lib/definitions/connection-inputs.js
var connection_inputs = __webpack_require__(47518);
// EXTERNAL MODULE: ./packages/core/lib/manifest/layout.js
var layout = __webpack_require__(8273);
// EXTERNAL MODULE: ./packages/core/lib/definitions/storage-inputs.js
var storage_inputs = __webpack_require__(13103);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/monitor-inputs.js





const FAIL_ON = ['critical', 'warning', 'never'];
/** What the report covers, where its files go, and its limits. */
const MONITOR_REPORT_INPUTS = [
    {
        name: 'name',
        description: 'Name the report, its history and its alerts are filed under. Defaults to the database name.',
        type: 'string',
    },
    {
        name: 'thresholds',
        description: 'YAML thresholds file: per-check warning/critical overrides, disabled checks, per-table exclusions (see docs/monitor-report.md).',
        type: 'string',
        env: ['DBOPS_THRESHOLDS'],
    },
    {
        name: 'fail-on',
        description: 'Fail the run when the report reaches this status: critical, warning or never. A report whose checks could not all run (status unknown: a timeout, the time budget spent, a privilege missing) fails at critical and warning alike, since what went unchecked may be either.',
        default: 'critical',
        type: 'enum',
        values: FAIL_ON,
    },
    {
        name: 'output-dir',
        description: 'Directory for report.json, report.html, metrics.prom and summary.md.',
        type: 'string',
        default: 'dbops-monitor',
    },
    {
        name: 'statement-timeout',
        description: 'Longest any single query of a check may run, e.g. 10s; a check whose query takes longer is reported as unknown.',
        default: '10s',
        type: 'duration',
    },
    {
        name: 'time-budget',
        description: 'Longest the whole report may take; checks left when it is spent are reported as unknown.',
        default: '60s',
        type: 'duration',
    },
];
/** Where earlier reports are kept, for trends. Composed with S3_INPUTS for an s3:// history. */
const MONITOR_HISTORY_INPUTS = [
    {
        name: 'history',
        description: 'Where earlier reports are kept for trends: s3://bucket/prefix or a directory. Each run adds its own.',
        type: 'string',
        env: ['DBOPS_MONITOR_HISTORY'],
    },
    {
        name: 'history-days',
        description: 'How many days of history the trends look back.',
        default: '90',
        type: 'integer',
        min: 1,
        max: 3650,
    },
];
/** The report's options from MONITOR_REPORT_INPUTS and MONITOR_HISTORY_INPUTS. */
async function readReportOptions(reader, checks) {
    const thresholdsPath = reader.optional('thresholds');
    const settings = thresholdsPath ? await readThresholdsFile(thresholdsPath, checks) : undefined;
    const history = reader.optional('history');
    const historyDays = reader.integer('history-days') ?? 90; // checked even without history: a typo is a typo
    // The name is a key in the history store: the backup names' rules keep it one safe path.
    const nameText = reader.optional('name');
    const name = nameText ? (0,layout/* parseBackupName */.Df)(nameText, 'name') : undefined;
    return {
        ...(name ? { name } : {}),
        ...(settings ? { settings } : {}),
        statementTimeoutMs: timeoutMs(reader, 'statement-timeout'),
        budgetMs: timeoutMs(reader, 'time-budget'),
        outputDir: reader.optional('output-dir'),
        ...(history ? { history: { location: history, s3: (0,storage_inputs/* readS3Options */.R)(reader), days: historyDays } } : {}),
    };
}
/** A limit that becomes timers and statement_timeout, in the duration grammar every input uses; 0 is no limit here. */
function timeoutMs(reader, name) {
    const ms = (0,duration/* parseTimeoutMs */.DS)(reader.optional(name), name, '10s or 2m');
    if (ms <= 0)
        throw (0,errors/* invalidInput */.aY)(name, 'must be longer than zero', 'a duration such as 10s or 2m');
    return ms;
}
//# sourceMappingURL=monitor-inputs.js.map
// EXTERNAL MODULE: ./packages/core/lib/definitions/incident-inputs.js + 2 modules
var incident_inputs = __webpack_require__(13454);
// EXTERNAL MODULE: ./packages/core/lib/definitions/notifications.js + 8 modules
var notifications = __webpack_require__(1470);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/read-alert-targets.js



const ALERT_ON = ['warning', 'critical', 'always'];
/** When monitor-report alerts, and its GitHub issue. Composed after NOTIFY_CHANNEL_INPUTS. */
const ALERT_INPUTS = [
    {
        name: 'alert-on',
        description: 'When to send the alert: warning (any finding), critical, or always. An unknown report (checks that could not run) is sent at warning and critical.',
        default: 'warning',
        type: 'enum',
        values: ALERT_ON,
    },
    {
        name: 'github-issue',
        description: 'Keep one GitHub issue per database open while a critical finding lasts, and close it when it clears.',
        default: 'false',
        type: 'boolean',
    },
    {
        name: 'github-token',
        description: 'Token for github-issue (needs issues: write).',
        type: 'string',
        secret: true,
        env: ['GITHUB_TOKEN'],
    },
];
/**
 * Where monitor-report's alert goes and when: the shared channels, alert-on, the GitHub issue kept in step, and the
 * incident channels (PagerDuty, Opsgenie) when the action defines them.
 */
async function readAlertTargets(reader, context) {
    const alertOn = reader.oneOf('alert-on');
    const notifiers = (0,notifications/* readNotifiers */.W8)(reader);
    const githubIssue = reader.boolean('github-issue') ? githubIssueTarget(reader, context) : undefined;
    const incidents = reader.has('pagerduty-routing-key') ? await (0,incident_inputs/* readIncidentTargets */.jS)(reader) : undefined;
    return { notifiers, alertOn, ...(githubIssue ? { githubIssue } : {}), ...(incidents ? { incidents } : {}) };
}
function githubIssueTarget(reader, context) {
    const token = reader.optional('github-token');
    if (!token) {
        throw (0,errors/* invalidInput */.aY)('github-token', 'is required when github-issue is true', 'github-token: ${{ github.token }} with permissions: issues: write');
    }
    const repository = context.github?.repository ?? context.env.GITHUB_REPOSITORY;
    if (!repository) {
        throw (0,errors/* invalidInput */.aY)('github-issue', 'needs the repository (GITHUB_REPOSITORY), which is only set in a workflow', 'github-issue: true in a GitHub Actions workflow, or set GITHUB_REPOSITORY=owner/repo');
    }
    return { apiUrl: context.env.GITHUB_API_URL ?? 'https://api.github.com', token, repository };
}
//# sourceMappingURL=read-alert-targets.js.map
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-inputs.js + 1 modules
var read_inputs = __webpack_require__(98521);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/monitor-report.js










const inputs = [
    // The report connects through the engine's driver only: no client tools, so no pg-bin-dir.
    ...(0,connection_inputs/* connectionInputs */.eu)(),
    ...MONITOR_REPORT_INPUTS,
    ...MONITOR_HISTORY_INPUTS,
    ...storage_inputs/* S3_INPUTS */.Z,
    // One alert per run with the findings, through the channels every action notifies on.
    ...notifications/* NOTIFY_CHANNEL_INPUTS */.gx,
    ...ALERT_INPUTS,
    // Incidents with a lifecycle (PagerDuty, Opsgenie), escalation, rate limit, and the maintenance window.
    ...incident_inputs/* INCIDENT_INPUTS */.$d,
];
const monitorReportDefinition = {
    name: 'monitor-report',
    aliases: ['monitor'],
    description: 'PostgreSQL and MongoDB health report: read-only checks with thresholds, trends from history, JSON/HTML/Prometheus reports, alerts to Slack, Teams, e-mail, a signed webhook, a GitHub issue, PagerDuty or Opsgenie.',
    inputs,
    outputs: [
        {
            name: 'status',
            description: 'ok, warning, critical, or unknown (no critical finding, but some checks could not run).',
        },
        { name: 'critical-count', description: 'Number of critical findings.' },
        { name: 'warning-count', description: 'Number of warning findings.' },
        { name: 'unknown-count', description: 'Number of checks that could not run (each says why in the report).' },
        {
            name: 'report-path',
            description: 'Path of the JSON report (report.html, metrics.prom and summary.md are next to it).',
        },
    ],
    async run(raw, context) {
        const reader = new read_inputs/* InputReader */.i(inputs, raw, context.env);
        const target = await (0,connection_inputs/* readConnection */.dC)(reader);
        context.secrets.add(target.password); // it may come from a service or password file, which no adapter saw
        // The engine's checks: its thresholds file names them, and the summary and alerts explain them.
        const checks = healthChecksFor(target.engine);
        const failOn = reader.oneOf('fail-on');
        const alerts = await readAlertTargets(reader, context);
        const maintenanceWindow = (0,incident_inputs/* readMaintenanceWindow */.EP)(reader);
        const { report, files } = await monitorReport({
            target,
            checks,
            ...(await readReportOptions(reader, checks)),
            ...(context.github ? { github: context.github } : {}),
            alerts,
            ...(maintenanceWindow ? { maintenanceWindow } : {}),
            redact: (text) => context.secrets.redact(text),
            log: context.log,
            signal: context.signal,
        });
        const failure = healthFailure(report, failOn);
        return {
            outputs: {
                status: report.status,
                'critical-count': String(report.counts.critical),
                'warning-count': String(report.counts.warning),
                'unknown-count': String(report.counts.unknown),
                'report-path': files.json,
            },
            results: [monitorSummary(report, checks)],
            json: report,
            ...(failure ? { failure } : {}),
        };
    },
};
//# sourceMappingURL=monitor-report.js.map

/***/ }),

/***/ 25390:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   OP: () => (/* binding */ PAGE_HEADER),
/* harmony export */   Qk: () => (/* binding */ MAXALIGN),
/* harmony export */   XA: () => (/* binding */ tableBloat),
/* harmony export */   Zv: () => (/* binding */ expectedPages),
/* harmony export */   nL: () => (/* binding */ LINE_POINTER)
/* harmony export */ });
/* harmony import */ var _sql_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(54616);

/** PostgreSQL's heap page layout, for estimates of what a fresh copy of a table would take. */
const MAXALIGN = 8;
const PAGE_HEADER = 24;
const TUPLE_HEADER = 23;
const LINE_POINTER = 4;
const align = (n) => Math.ceil(n / MAXALIGN) * MAXALIGN;
/**
 * Pages the table would need if packed at its fillfactor, from the planner's row count and the statistics' row
 * width. An estimate (the same idea as pghero's and ioguix's queries): it ignores per-column alignment padding,
 * so it errs low on wide rows of mixed types, and TOASTed data is outside it.
 */
function expectedPages(t) {
    const header = align(TUPLE_HEADER + (t.hasNulls ? Math.ceil(t.columns / 8) : 0));
    const perRow = header + align(t.width) + LINE_POINTER;
    const usable = ((t.blockSize - PAGE_HEADER) * t.fillfactor) / 100;
    const rowsPerPage = Math.max(1, Math.floor(usable / perRow));
    return Math.ceil(t.tuples / rowsPerPage);
}
const tableBloat = {
    id: 'table-bloat',
    title: 'Table bloat (estimate)',
    why: 'Space left by updated and deleted rows that vacuum cannot give back makes scans, caches and backups bigger than the data.',
    action: 'Rewrite the table online with pg_repack (or VACUUM FULL in a maintenance window), then tune autovacuum so it keeps up.',
    unit: 'ratio',
    direction: 'above',
    warning: 0.5,
    critical: 0.8,
    params: {
        'min-size': {
            default: 10 * 1024 * 1024,
            unit: 'bytes',
            description: 'Tables smaller than this are not estimated.',
        },
    },
    async run({ query, param, sample }) {
        // pg_stats shows only columns the role may SELECT: tables without visible statistics are counted, not guessed.
        const rows = await query(`with big as (
         select c.oid, n.nspname, c.relname, ${_sql_js__WEBPACK_IMPORTED_MODULE_0__/* .QUALIFIED */ .DT} as name, c.relpages::float8 as pages, c.reltuples::float8 as tuples,
                coalesce((select substring(o from '=(\\d+)')::int from unnest(c.reloptions) o where o like 'fillfactor=%'), 100) as fillfactor
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'm') and ${_sql_js__WEBPACK_IMPORTED_MODULE_0__/* .USER_SCHEMA */ .a0}
           and c.relpages::float8 * current_setting('block_size')::int >= $1
       ), widths as (
         select s.schemaname, s.tablename, sum((1 - s.null_frac) * s.avg_width)::float8 as width, bool_or(s.null_frac > 0) as has_nulls
         from pg_stats s join big on big.nspname = s.schemaname and big.relname = s.tablename
         where not s.inherited group by 1, 2
       )
       select big.name, big.pages, big.tuples, w.width, w.has_nulls, big.fillfactor,
              (select count(*)::int from pg_attribute a where a.attrelid = big.oid and a.attnum > 0 and not a.attisdropped) as columns,
              current_setting('block_size')::int as block_size
       from big left join widths w on w.schemaname = big.nspname and w.tablename = big.relname`, [param('min-size')]);
        const withoutStats = rows.filter((r) => r.width === null || r.tuples < 0);
        const notes = withoutStats.length > 0
            ? [
                `${withoutStats.length} tables over the minimum size have no statistics visible to this role (never analyzed, or not readable): not estimated`,
            ]
            : [];
        if (rows.length > 0 && withoutStats.length === rows.length)
            return { observations: [], unknown: notes[0] };
        let bloatBytes = 0;
        const observations = rows
            .filter((r) => r.width !== null && r.tuples >= 0 && r.pages > 0)
            .map((r) => {
            const expected = expectedPages({
                pages: r.pages,
                tuples: r.tuples,
                width: r.width,
                hasNulls: r.has_nulls ?? false,
                columns: r.columns,
                fillfactor: r.fillfactor,
                blockSize: r.block_size,
            });
            const wasted = Math.max(0, r.pages - expected) * r.block_size;
            bloatBytes += wasted;
            return {
                subject: r.name,
                table: r.name,
                value: wasted / (r.pages * r.block_size),
                detail: `about ${mib(wasted)} of ${mib(r.pages * r.block_size)} is free space`,
            };
        });
        sample.bloatBytes = bloatBytes;
        return { observations, notes };
    },
};
function mib(bytes) {
    return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
//# sourceMappingURL=bloat.js.map

/***/ }),

/***/ 54616:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DT: () => (/* binding */ QUALIFIED),
/* harmony export */   a0: () => (/* binding */ USER_SCHEMA),
/* harmony export */   bm: () => (/* binding */ NOT_EXTENSION_MEMBER)
/* harmony export */ });
/** SQL fragments the checks share: which relations are the user's, and how they are named. */
/** Schemas that hold the user's objects (not the catalogs, TOAST or temporary schemas). `n` is pg_namespace. */
const USER_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'`;
/** Relations owned by an extension are the extension's business, not the user's. `c` is pg_class. */
const NOT_EXTENSION_MEMBER = `not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')`;
/** "schema.table", quoted only where needed, for `n` and `c`. */
const QUALIFIED = `quote_ident(n.nspname) || '.' || quote_ident(c.relname)`;
//# sourceMappingURL=sql.js.map

/***/ }),

/***/ 91593:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ githubApi)
/* harmony export */ });
/* harmony import */ var _http_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(23427);

/**
 * GitHub's REST API for one repository, with the token and the API version every call carries; errors name the
 * call by its path (never the token).
 */
function githubApi(options) {
    const api = options.apiUrl.replace(/\/+$/, '');
    const send = (method, url, body) => (0,_http_js__WEBPACK_IMPORTED_MODULE_0__/* .requestJson */ .SS)(method, url, body, `GitHub API ${method} ${url.slice(api.length)}`, {
        ...options,
        headers: {
            authorization: `Bearer ${options.token}`,
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
        },
    });
    return { repo: `${api}/repos/${options.repository}`, send };
}
//# sourceMappingURL=github-api.js.map

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
