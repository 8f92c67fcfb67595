export const id = 661192233639;
export const ids = [661192233639];
export const modules = {

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

/***/ 54835:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  maintenanceDefinition: () => (/* binding */ maintenanceDefinition)
});

// EXTERNAL MODULE: ./packages/core/lib/maintenance-window/window.js + 1 modules
var maintenance_window_window = __webpack_require__(32411);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
;// CONCATENATED MODULE: ./packages/core/lib/maintenance/monitor-findings.js
// monitor-report's findings as input to the maintenance plan (the monitor-report input: its report.json). A finding
// whose check maps to maintenance steps makes its object's step planned even below the plan's own thresholds, names
// the finding in the step's why, and moves the step ahead (critical first) so that a short window runs it first.


const FORM = "the path of a monitor-report JSON report (report.json in monitor-report's output-dir; its report-path output), schemaVersion 2";
/** Reads and checks the report; anything else is an INVALID_INPUT error naming `input`. */
async function readMonitorFindings(file, input) {
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        const code = error.code;
        const problem = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : String(code ?? error);
        throw (0,errors/* invalidInput */.aY)(input, `names '${file}', which cannot be read: ${problem}`, FORM);
    }
    let report;
    try {
        report = JSON.parse(text);
    }
    catch (error) {
        throw (0,errors/* invalidInput */.aY)(input, `names '${file}', which is not JSON (${error.message})`, FORM);
    }
    const bad = (what) => (0,errors/* invalidInput */.aY)(input, `names '${file}', which is not a monitor-report report: ${what}`, FORM);
    if (typeof report !== 'object' || report === null || Array.isArray(report))
        throw bad('not a JSON object');
    const r = report;
    if (r.schemaVersion !== 2)
        throw bad(`schemaVersion is ${JSON.stringify(r.schemaVersion)}, not 2`);
    if (typeof r.generatedAt !== 'string')
        throw bad('no generatedAt');
    if (typeof r.database?.name !== 'string')
        throw bad('no database.name');
    if (typeof r.database.host !== 'string' || typeof r.database.port !== 'number')
        throw bad('no database.host and database.port');
    if (!Array.isArray(r.checks))
        throw bad('no checks array');
    const findings = [];
    for (const [i, check] of r.checks.entries()) {
        if (!Array.isArray(check?.findings))
            throw bad(`checks[${i}] has no findings array`);
        for (const [j, f] of check.findings.entries()) {
            const ok = typeof f?.check === 'string' &&
                (f.severity === 'critical' || f.severity === 'warning') &&
                typeof f.subject === 'string' &&
                typeof f.value === 'number' &&
                typeof f.threshold === 'number';
            if (!ok)
                throw bad(`checks[${i}].findings[${j}] lacks check, severity, subject, value or threshold`);
            findings.push(f);
        }
    }
    const { name, host, port } = r.database;
    return { file, generatedAt: r.generatedAt, database: name, host, port, findings };
}
/** Which monitor checks each step kind answers: a finding of one of them names the step as its remedy. */
const VACUUMED = ['dead-tuples', 'vacuum-staleness', 'analyze-staleness'];
const FROZEN = ['xid-wraparound', 'multixact-wraparound'];
const CHECKS_FOR_STEP = {
    'vacuum-analyze': VACUUMED,
    'vacuum-freeze': [...FROZEN, ...VACUUMED],
    // A rewrite leaves no dead rows, fresh statistics and new transaction IDs.
    'repack-table': ['table-bloat', ...VACUUMED, ...FROZEN],
    'vacuum-full': ['table-bloat', ...VACUUMED, ...FROZEN],
    'reindex-invalid': ['invalid-indexes'],
    'drop-invalid-leftover': ['invalid-indexes'],
    'drop-unused-index': ['unused-indexes'],
    'drop-duplicate-index': ['duplicate-indexes'],
    'widen-sequence': ['sequence-exhaustion'],
    'tune-autovacuum': ['dead-tuples', 'vacuum-staleness'],
};
/** Checks the plan raises steps for even below its own thresholds (the others only add their reason). */
const RAISING_CHECKS = {
    vacuum: VACUUMED,
    freeze: FROZEN,
    bloat: ['table-bloat'],
    sequence: ['sequence-exhaustion'],
};
/** The findings of `object` from `checks`. */
function findingsOf(byObject, object, checks) {
    return (byObject.get(object) ?? []).filter((f) => checks.includes(f.check));
}
const describe = (f) => `${f.check} ${f.severity} (${round(f.value)} past ${round(f.threshold)})`;
const round = (x) => String(Number(x.toPrecision(3)));
/**
 * Names each step's findings in its why and `findings`, then orders the steps: what a killed pg_repack left first
 * (a rebuild is refused until it is gone), then steps with a critical finding, then a warning, then the rest, each
 * group in the plan's order. Returns the findings no step answers.
 */
function attachFindings(steps, byObject, generatedAt) {
    const used = new Set();
    const rank = new Map();
    const named = steps.map((step) => {
        const found = findingsOf(byObject, step.object, CHECKS_FOR_STEP[step.kind] ?? []);
        if (step.kind === 'drop-repack-leftovers')
            rank.set(step, 0);
        if (found.length === 0)
            return step;
        for (const f of found)
            used.add(f);
        const named = {
            ...step,
            why: `${step.why}; monitor-report of ${generatedAt}: ${found.map(describe).join(', ')}`,
            findings: found.map((f) => `${f.check} ${f.severity}`),
        };
        rank.set(named, found.some((f) => f.severity === 'critical') ? 1 : 2);
        return named;
    });
    const ordered = named
        .map((step, i) => ({ step, i, r: rank.get(step) ?? 3 }))
        .sort((a, b) => a.r - b.r || a.i - b.i)
        .map((x) => x.step);
    const unused = [...byObject.values()].flat().filter((f) => !used.has(f));
    return { steps: ordered, unused };
}
//# sourceMappingURL=monitor-findings.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/index.js + 20 modules
var databases = __webpack_require__(93556);
// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(58500);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./packages/core/lib/pipeline/child-process.js
var child_process = __webpack_require__(55550);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/libpq-env.js
var libpq_env = __webpack_require__(20820);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/inventory.js + 1 modules
var inventory = __webpack_require__(96443);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/repack-leftovers.js

/** pg_repack's advisory-lock prefix (REPACK_LOCK_PREFIX_STR in bin/pg_repack.c): a running pg_repack holds
 * pg_advisory_lock(16185446, -2147483648 + the table's oid) for as long as it works on the table. */
const LOCK_PREFIX = 16185446;
const LOCK_KEY = `(-2147483648 + $1::oid::bigint)::int`;
/** pg_repack's work tables and type: repack.log_<oid>, repack.table_<oid>, repack.pk_<oid>. */
const WORK_RELATION = /^(log|table|pk)_(\d+)$/;
/** Whether a relation is one of pg_repack's work tables (never a maintenance target of its own). */
const isRepackWorkTable = (schema, name) => schema === 'repack' && WORK_RELATION.test(name);
/** The leftovers of every table, with whether a pg_repack still holds the table. Takes no lock. */
async function repackLeftovers(client) {
    const { rows } = await client.query(`with ids as (
       select tgrelid as id from pg_trigger where tgname = 'repack_trigger'
       union
       select substring(c.relname from '_(\\d+)$')::oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'repack' and c.relkind in ('r', 'c') and c.relname ~ '^(log|table|pk)_\\d+$'
     )
     select ids.id::bigint::float8 as oid, n.nspname as schema, t.relname as name,
            array(select case when w.relkind = 'c' then 'type ' else '' end || 'repack.' || w.relname
                    from pg_class w join pg_namespace wn on wn.oid = w.relnamespace
                   where wn.nspname = 'repack' and w.relkind in ('r', 'c')
                     and w.relname in ('log_' || ids.id, 'table_' || ids.id, 'pk_' || ids.id)
                   order by w.relname)
              || array(select 'trigger repack_trigger'::text from pg_trigger where tgrelid = ids.id and tgname = 'repack_trigger')
              as objects,
            coalesce(pg_stat_get_tuples_inserted(to_regclass('repack.log_' || ids.id)), 0)::float8 as logged,
            case when current_setting('track_commit_timestamp')::bool then
              (select pg_xact_commit_timestamp(l.xmin) from pg_class l
                where l.oid = coalesce(to_regclass('repack.log_' || ids.id), to_regclass('repack.table_' || ids.id)))
            end as since,
            (select l.pid from pg_locks l
              where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
                and l.classid = ${LOCK_PREFIX}::oid and l.objsubid = 2
                and l.objid = ((ids.id::bigint + 2147483648) % 4294967296)::oid
              limit 1) as pid
       from ids left join pg_class t on t.oid = ids.id left join pg_namespace n on n.oid = t.relnamespace
      order by 2, 3, 1`);
    return rows.map((r) => ({
        tableOid: r.oid,
        ...(r.name === null ? {} : { table: { schema: r.schema, name: r.name } }),
        objects: r.objects,
        loggedWrites: r.logged,
        ...(r.since ? { since: r.since } : {}),
        ...(r.pid === null ? {} : { runningPid: r.pid }),
    }));
}
/** What pg_repack left on `table` (a quoted, qualified name), or undefined when nothing. Takes no lock. */
async function repackLeftoversOf(client, table) {
    const { rows } = await client.query(`select to_regclass($1)::oid::bigint::float8 as oid`, [table]);
    const oid = rows[0]?.oid;
    if (oid === null || oid === undefined)
        return undefined;
    return (await repackLeftovers(client)).find((l) => l.tableOid === oid);
}
/** A pg_repack holds the table again (it took pg_repack's advisory lock): its objects are not leftovers now. */
class RepackRunningError extends Error {
}
/**
 * The statement that removes one table's leftovers: pg_repack's own cleanup, repack.repack_drop(oid, 4) (what the
 * client runs on an error; it takes the table's ACCESS EXCLUSIVE lock to drop the trigger), or, when the table was
 * dropped since, DROP of the work objects by name.
 */
function repackCleanupStatement(tableOid, table) {
    if (table)
        return `SELECT repack.repack_drop(${quoteLiteral(table)}::regclass, 4)`;
    return `DROP TABLE IF EXISTS repack.log_${tableOid}, repack.table_${tableOid}; DROP TYPE IF EXISTS repack.pk_${tableOid}`;
}
const quoteLiteral = (text) => `'${text.replace(/'/g, "''")}'`;
/**
 * Removes the leftovers of the table with oid `tableOid` in one transaction, holding pg_repack's advisory lock on
 * the table so that no pg_repack starts on it meanwhile; refuses (RepackRunningError) when one holds it. Every lock
 * waits at most the session's lock_timeout. Returns what was removed.
 */
async function dropRepackLeftovers(client, tableOid) {
    await client.query('begin');
    try {
        const { rows } = await client.query(`select pg_try_advisory_xact_lock(${LOCK_PREFIX}, ${LOCK_KEY}) as free`, [
            tableOid,
        ]);
        if (!rows[0].free)
            throw new RepackRunningError(`a pg_repack session holds the table again (pg_repack's advisory lock): its objects are in use, not left over`);
        const found = (await repackLeftovers(client)).find((l) => l.tableOid === tableOid);
        if (found) {
            const table = found.table && `${(0,inventory/* quoteIdent */.v4)(found.table.schema)}.${(0,inventory/* quoteIdent */.v4)(found.table.name)}`;
            await client.query(repackCleanupStatement(tableOid, table));
        }
        await client.query('commit');
        return found?.objects ?? [];
    }
    catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
    }
}
//# sourceMappingURL=repack-leftovers.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/target.js + 1 modules
var postgres_target = __webpack_require__(3848);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/maintenance-repack.js









/** pg_repack's own lock wait failed: the step did not get its lock, as a lock_timeout would say. */
class RepackLockError extends Error {
}
const GRACE_MS = 10_000;
async function runPgRepack(target, table, settings) {
    const program = await findPgRepack(settings.env.PATH);
    const libpq = await (0,libpq_env/* libpqEnvironment */.S)((0,postgres_target/* asPgTarget */.v5)(target), settings.env);
    // libpqEnvironment drops the caller's PG* variables: these are the only options.
    libpq.env.PGOPTIONS = `-c lock_timeout=${Math.max(1, Math.round(settings.lockTimeoutMs))}`;
    const waitSeconds = Math.max(1, Math.ceil(settings.lockTimeoutMs / 1000));
    let cleanupFailed = false;
    try {
        const proc = (0,child_process/* spawnProcess */.Nu)(program, ['--no-kill-backend', '--no-analyze', `--wait-timeout=${waitSeconds}`, '--table', table], {
            env: libpq.env,
            onFailure: (exit) => {
                const how = cleanupFailed
                    ? 'could not remove its objects and was stopped before it retried'
                    : exit.signal
                        ? `was stopped by ${exit.signal}`
                        : `exited with code ${exit.code}`;
                const text = `pg_repack ${how}: ${exit.stderr || 'no message'}`;
                // Its advisory lock on the table is held: the pg_repack objects there are that run's, in use.
                if (ANOTHER_RUNNING.test(exit.stderr))
                    return new RepackRunningError(`another pg_repack holds the table (pg_repack's advisory lock): ${text}`);
                return /lock|timed out/i.test(exit.stderr) ? new RepackLockError(text) : new Error(text);
            },
        });
        stopOnFailedCleanup(proc.child, () => {
            cleanupFailed = true;
        });
        const interrupt = () => {
            proc.child.kill('SIGINT');
            setTimeout(() => proc.child.exitCode === null && proc.child.kill('SIGKILL'), GRACE_MS).unref();
        };
        const timer = setTimeout(interrupt, settings.timeoutMs);
        settings.signal?.addEventListener('abort', interrupt, { once: true });
        try {
            for await (const line of proc.output())
                settings.log.debug(line.toString().trimEnd());
            // With --no-kill-backend, a lock it could not get within --wait-timeout is a warning and exit 0.
            const said = proc.stderrText();
            if (/skipping repack|timed out/i.test(said))
                throw new RepackLockError(said.trim());
            // A killed run's trigger on the table: a warning and exit 0 too, with nothing rebuilt.
            if (/already has a trigger/i.test(said))
                throw new Error(`pg_repack refused the table: ${said.trim()}`);
        }
        finally {
            clearTimeout(timer);
            settings.signal?.removeEventListener('abort', interrupt);
        }
    }
    finally {
        await libpq.dispose();
    }
}
/** pg_repack's words when another session holds its advisory lock on the table (bin/pg_repack.c, advisory_lock). */
const ANOTHER_RUNNING = /Another pg_repack command may be running on the table/;
/** pgut's detail of a failed statement (its own words, never translated): here, pg_repack's cleanup. */
const CLEANUP_FAILED = /query was: SELECT repack\.repack_drop\(/;
/**
 * Kills pg_repack once its stderr says its cleanup failed: from then on it only retries that cleanup, each retry
 * queued again for the table's ACCESS EXCLUSIVE lock (for up to lock_timeout). A retry already sent ends at its
 * lock_timeout; what pg_repack left is reported, and removed by the next run.
 */
function stopOnFailedCleanup(child, onStop) {
    let recent = '';
    const watch = (text) => {
        recent = (recent + text).slice(-1024);
        if (!CLEANUP_FAILED.test(recent))
            return;
        child.stderr.off('data', watch);
        onStop();
        child.kill('SIGKILL');
    };
    child.stderr.on('data', watch);
}
/** pg_repack on PATH, else in an installed PostgreSQL's bin directory (Debian's postgresql-NN-repack puts it there). */
async function findPgRepack(path) {
    const versioned = (await (0,promises_.readdir)('/usr/lib/postgresql').catch(() => []))
        .sort((a, b) => Number(b) - Number(a))
        .map((major) => (0,external_node_path_.join)('/usr/lib/postgresql', major, 'bin'));
    for (const dir of [...(path ?? '').split(external_node_path_.delimiter).filter(Boolean), ...versioned]) {
        const file = (0,external_node_path_.join)(dir, 'pg_repack');
        if (await (0,promises_.access)(file, external_node_fs_.constants.X_OK).then(() => true, () => false))
            return file;
    }
    throw new errors/* DbopsError */.zJ('CLIENT_NOT_FOUND', 'The pg_repack client was not found on PATH', {
        hint: 'Install the pg_repack client of the extension’s version (Debian/Ubuntu: postgresql-<major>-repack), or drop the extension to fall back to VACUUM FULL.',
    });
}
//# sourceMappingURL=maintenance-repack.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/data-retention-lag.js
/**
 * How many standbys (walsenders) this primary has, and the largest replay lag among them (0 as above). Any role
 * sees the rows, so the count holds even when the lag is hidden: maintenance reads the lag again before every step
 * only while there is a standby to lag.
 */
async function replicationState(client) {
    const { rows } = await client.query('SELECT count(*)::int AS standbys, max(extract(epoch FROM replay_lag))::float8 * 1000 AS lag FROM pg_stat_replication');
    return { standbys: rows[0]?.standbys ?? 0, lagMs: rows[0]?.lag ?? 0 };
}
//# sourceMappingURL=data-retention-lag.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/older-transactions.js
/**
 * The oldest transaction of this database, other than this session's, that began at least `beganSecondsAgo` ago
 * and holds a snapshot or a transaction ID; undefined when none is open now. What identifies it, never its SQL
 * text (it can hold passwords or personal data).
 */
async function oldestOlderTransaction(client, beganSecondsAgo) {
    const { rows } = await client.query(`select pid, extract(epoch from now() - xact_start)::float8 as seconds, state, application_name as application
       from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid()
        and xact_start <= now() - make_interval(secs => $1) and (backend_xmin is not null or backend_xid is not null)
      order by xact_start
      limit 1`, [beganSecondsAgo]);
    return rows[0];
}
//# sourceMappingURL=older-transactions.js.map
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
;// CONCATENATED MODULE: ./packages/core/lib/maintenance/standby-watch.js
// When apply reads the standbys' replay lag. Most primaries have no standby, and reading pg_stat_replication before
// every step was one more round trip against steps that take a few milliseconds (bench/maintenance-plan.mjs).
/** Longest a run goes without looking for a standby that connected after the last look. */
const STANDBY_RECHECK_MS = 10_000;
/**
 * With a standby, the lag is read before every step. Without one, again only once `recheckMs` of the run's clock
 * has passed: a standby that connects mid-run is noticed within that time, and no step starts later than that
 * without its lag checked. Replay lag grows no faster than the clock, so with `recheckMs` no longer than
 * max-replication-lag, what goes unnoticed is at most the limit itself (plus the step then running).
 */
class StandbyWatch {
    recheckMs;
    next = Number.NEGATIVE_INFINITY;
    constructor(recheckMs) {
        this.recheckMs = recheckMs;
    }
    /** Whether the lag must be read before a step that starts at `now` (ms since the epoch). */
    due(now) {
        return now >= this.next;
    }
    /** What a read at `now` found: with no standby, the next read waits `recheckMs`. */
    seen(standbys, now) {
        this.next = standbys > 0 ? Number.NEGATIVE_INFINITY : now + this.recheckMs;
    }
}
//# sourceMappingURL=standby-watch.js.map
;// CONCATENATED MODULE: ./packages/core/lib/maintenance/step-guards.js
/** Why `step` may not start (a sentence), or undefined; `started` is when the run began (ms since the epoch). */
function stopReason(step, budget, started) {
    const { budgetLeft, windowLeft } = timeLeft(budget, started);
    const needs = step.estimatedSeconds * 1000;
    if (budget.signal?.aborted)
        return 'the run was cancelled';
    if (windowLeft < needs)
        return `${Math.round(windowLeft / 1000)} s are left of the maintenance window; the next step needs about ${step.estimatedSeconds} s`;
    if (budgetLeft < needs)
        return `${Math.round(budgetLeft / 1000)} s are left of max-runtime; the next step needs about ${step.estimatedSeconds} s`;
    return undefined;
}
/** What is left of max-runtime and of the window, in ms. */
function timeLeft(budget, started) {
    const now = budget.now();
    return {
        budgetLeft: budget.maxRuntimeMs - (now.getTime() - started),
        windowLeft: budget.window ? budget.window.remaining(now) : Number.POSITIVE_INFINITY,
    };
}
/** A step's time limit: statement-timeout, or less when the window or max-runtime ends sooner. */
function stepTimeoutMs(budget, started) {
    const { budgetLeft, windowLeft } = timeLeft(budget, started);
    return Math.min(budget.statementTimeoutMs, windowLeft, budgetLeft);
}
//# sourceMappingURL=step-guards.js.map
// EXTERNAL MODULE: ./packages/core/lib/maintenance/step-figures.js
var step_figures = __webpack_require__(53059);
;// CONCATENATED MODULE: ./packages/core/lib/maintenance/step-session.js

/**
 * Session-wide, not SET LOCAL: the CONCURRENTLY statements cannot run inside a transaction block. With
 * `maintenanceWorkMemBytes`, maintenance_work_mem too (VACUUM's dead-tuple list, index builds), in kB.
 */
async function setTimeouts(client, lockTimeoutMs, statementTimeoutMs, maintenanceWorkMemBytes) {
    const workMem = maintenanceWorkMemBytes === undefined ? null : `${Math.floor(maintenanceWorkMemBytes / 1024)}kB`;
    await client.query(`select set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false),
            case when $3::text is not null then set_config('maintenance_work_mem', $3, false) end`, [`${lockTimeoutMs}ms`, `${Math.max(1, Math.floor(statementTimeoutMs))}ms`, workMem]);
}
/** The invalid indexes on the table of the index `c` (a pg_class row), as a json array of [schema, name]. */
const INVALID_BESIDE = `select coalesce(json_agg(json_build_array(n.nspname, i.relname) order by n.nspname, i.relname), '[]')
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = i.relnamespace
      where not x.indisvalid and x.indrelid = (select indrelid from pg_index where indexrelid = c.oid)`;
/**
 * The figures of `objects` in one round trip (the guards cost round trips, and a small step takes only milliseconds:
 * bench/maintenance-plan.mjs); an object that no longer exists has no entry. With `statementTimeoutMs`, the
 * session's statement_timeout is set in the same round trip (it applies from the next statement on); with
 * `invalidBeside`, the invalid indexes already on the table of the first object (an index about to be rebuilt), so
 * that after a failed rebuild only the copy it left is dropped. Sizing takes each relation's ACCESS SHARE lock, under
 * lock_timeout.
 */
async function readFigures(client, objects, statementTimeoutMs, invalidBeside = false) {
    const timeout = statementTimeoutMs === undefined ? null : `${Math.max(1, Math.floor(statementTimeoutMs))}ms`;
    const { rows } = await client.query(`select o.name, o.ord, pg_relation_size(c.oid)::float8 as bytes, c.relfilenode::bigint::float8 as relfilenode,
            case when c.relkind in ('r', 'm', 'p') then pg_stat_get_dead_tuples(c.oid)::float8 end as dead,
            case when o.ord = 1 and $3 then (${INVALID_BESIDE}) end as invalid
       from (select case when $2::text is not null then set_config('statement_timeout', $2, false) end) t
       join unnest($1::text[]) with ordinality o(name, ord) on true
       join pg_class c on c.oid = to_regclass(o.name)`, [objects, timeout, invalidBeside]);
    const figuresOf = new Map();
    for (const r of rows) {
        const f = figures(r);
        if (f)
            figuresOf.set(r.name, f);
    }
    const invalid = rows.find((r) => Number(r.ord) === 1)?.invalid;
    return {
        figures: figuresOf,
        ...(invalid ? { invalidBeside: invalid.map(([schema, name]) => (0,step_figures/* qualified */.LX)(schema, name)) } : {}),
    };
}
function figures(r) {
    if (!r || r.bytes === null)
        return undefined;
    return { bytes: r.bytes, relfilenode: r.relfilenode, ...(r.dead === null ? {} : { deadTuples: r.dead }) };
}
/** Invalid indexes on the table `index` belongs to, as quoted qualified names. */
async function invalidIndexesBeside(client, index) {
    const { rows } = await client.query(`select (${INVALID_BESIDE}) as invalid from pg_class c where c.oid = to_regclass($1)`, [index]);
    return (rows[0]?.invalid ?? []).map(([schema, name]) => (0,step_figures/* qualified */.LX)(schema, name));
}
//# sourceMappingURL=step-session.js.map
;// CONCATENATED MODULE: ./packages/core/lib/maintenance/figures-ahead.js

/**
 * VACUUM changes no relation's file and no other table's figures, so figures read before a run of VACUUMs still
 * hold when each starts. Rebuilds are long (a round trip is nothing beside them) and change files: read one by one.
 */
const BATCHED = new Set(['vacuum-analyze', 'vacuum-freeze']);
/** At most this many steps' figures in one read. */
const AHEAD_STEPS = 20;
/**
 * Figures read ahead serve only for this long. The dead-tuple counts of other sessions reach the statistics at most
 * once a second (PGSTAT_MIN_INTERVAL), so they are no staler than the server already shows them.
 */
const FRESH_MS = 1000;
class StepFigures {
    client;
    now;
    ahead = new Map();
    readAt = Number.NEGATIVE_INFINITY;
    batching = true;
    pendingAfter = [];
    timeoutSet;
    /** `statementTimeoutMs`: what the session's statement_timeout is now; `now`: the run's clock. */
    constructor(client, statementTimeoutMs, now) {
        this.client = client;
        this.now = now;
        this.timeoutSet = whole(statementTimeoutMs);
    }
    /**
     * Before `steps[i]` starts, with `timeoutMs` its statement_timeout: its figures (undefined when its object no
     * longer exists) and, for an index rebuild, the invalid indexes beside it. Sets the session's statement_timeout
     * when it changes (near the end of the window or max-runtime). A lock timeout while sizing throws, as the step
     * itself would: but a lock on another step's object (a later one read ahead, or a finished one whose after-figures
     * were due) turns reading ahead off for the run, leaves those after-figures unknown and reads this one alone.
     */
    async before(steps, i, timeoutMs, invalidBeside) {
        const step = steps[i];
        const timeout = whole(timeoutMs);
        const reuse = timeout === this.timeoutSet && !invalidBeside && this.now().getTime() - this.readAt < FRESH_MS;
        if (reuse && this.ahead.has(step.object)) {
            const before = this.ahead.get(step.object);
            this.ahead.delete(step.object);
            return before ? { before } : {};
        }
        if (this.batching) {
            const next = BATCHED.has(step.kind) ? following(steps, i) : [];
            try {
                return await this.read(step.object, next, true, timeout, invalidBeside);
            }
            catch (error) {
                if (!isLockTimeout(error) || (next.length === 0 && this.pendingAfter.length === 0))
                    throw error;
                this.batching = false;
            }
        }
        // A lock was met: this step's figures alone (its own lock skips it), then the after-figures due, apart (a lock on
        // a finished step's table leaves its after-figures unknown and costs this step nothing).
        const own = await this.read(step.object, [], false, timeout, invalidBeside);
        await this.finish();
        return own;
    }
    /** An applied step: its figures after it are read with the next read, or by finish(). */
    applied(outcome) {
        this.pendingAfter.push(outcome);
    }
    /** The last steps' after-figures; left unknown when one of their objects is locked now (the steps are done). */
    async finish() {
        if (this.pendingAfter.length === 0)
            return;
        try {
            const { figures } = await readFigures(this.client, [...new Set(this.pendingObjects())]);
            this.settle(figures);
        }
        catch (error) {
            if (!isLockTimeout(error))
                throw error;
            this.pendingAfter = [];
        }
    }
    pendingObjects() {
        return this.pendingAfter.map((o) => o.object);
    }
    /** `object`'s figures with those of `next` (read ahead) and, `withPending`, the after-figures due. */
    async read(object, next, withPending, timeout, invalidBeside) {
        const set = timeout === this.timeoutSet ? undefined : timeout;
        const objects = [object, ...next, ...(withPending ? this.pendingObjects() : [])];
        const read = await readFigures(this.client, [...new Set(objects)], set, invalidBeside);
        this.timeoutSet = timeout;
        if (withPending)
            this.settle(read.figures);
        this.ahead = new Map(next.map((o) => [o, read.figures.get(o)]));
        this.readAt = this.now().getTime();
        const before = read.figures.get(object);
        return { ...(before ? { before } : {}), ...(read.invalidBeside ? { invalidBeside: read.invalidBeside } : {}) };
    }
    settle(figures) {
        for (const outcome of this.pendingAfter) {
            const after = figures.get(outcome.object);
            if (after)
                outcome.after = after;
        }
        this.pendingAfter = [];
    }
}
/** Objects of the batched steps right after `steps[i]`, up to the first object seen twice. */
function following(steps, i) {
    const seen = new Set([steps[i].object]);
    const next = [];
    for (const step of steps.slice(i + 1)) {
        if (step.mode !== 'apply')
            continue;
        if (!BATCHED.has(step.kind) || seen.has(step.object) || next.length >= AHEAD_STEPS - 1)
            break;
        seen.add(step.object);
        next.push(step.object);
    }
    return next;
}
const whole = (ms) => Math.max(1, Math.floor(ms));
const isLockTimeout = (error) => error.code === '55P03';
//# sourceMappingURL=figures-ahead.js.map
;// CONCATENATED MODULE: ./packages/core/lib/maintenance/apply.js
// Applying a maintenance plan with guards: one step at a time, each under lock_timeout (a step that cannot get its
// lock is skipped, never queued in front of the application's queries) and a statement_timeout no longer than what
// is left of the window and the time budget; no step starts that its estimate says would not finish in time.










const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';
const UNDEFINED_TABLE = '42P01';
const REWRITES = new Set(['repack-table', 'vacuum-full']);
/** Runs the plan's 'apply' steps in order; returns one outcome per such step (report steps are never run). */
async function applySteps(client, steps, settings) {
    const started = settings.startedAt ?? settings.now().getTime();
    const outcomes = [];
    // lock_timeout holds for the whole run (reading a step's figures waits for locks too); statement_timeout is per step.
    await setTimeouts(client, settings.lockTimeoutMs, settings.statementTimeoutMs, settings.maintenanceWorkMemBytes);
    let stop;
    const standbys = new StandbyWatch(Math.min(STANDBY_RECHECK_MS, settings.maxReplicationLagMs ?? STANDBY_RECHECK_MS));
    // Figures before a step are read with the next steps' and the previous steps' after them: figures-ahead.ts.
    const figures = new StepFigures(client, settings.statementTimeoutMs, settings.now);
    const applying = steps.filter((s) => s.mode === 'apply');
    // pg_repack refuses a table that still has a killed run's trigger (and says so only in a warning): its rebuild
    // waits for a run that has removed them.
    const repackBlocked = new Set(steps.filter((s) => s.kind === 'drop-repack-leftovers' && s.mode === 'report').map((s) => s.object));
    // Tables a rewrite (pg_repack, VACUUM FULL) was applied to: it froze them, so their freeze planned after it is not
    // needed (plan.ts plans it in case the rebuild is not applied).
    const rewritten = new Set();
    for (const [i, step] of applying.entries()) {
        const base = { kind: step.kind, object: step.object, statement: step.statement };
        if (step.kind === 'vacuum-freeze' && rewritten.has(step.object)) {
            const reason = `not needed: the rebuild of ${step.object} before it was applied, and a rewrite freezes the table too`;
            settings.log.info(`${step.statement}: ${reason}`);
            outcomes.push({ ...base, status: 'skipped', reason });
            continue;
        }
        stop ??= stopReason(step, settings, started);
        stop ??= await waitForStandbys(client, step, settings, started, standbys);
        if (stop) {
            outcomes.push({ ...base, status: 'skipped', reason: `not started: ${stop}` });
            continue;
        }
        if (step.kind === 'repack-table' && repackBlocked.has(step.object)) {
            const reason = `not started: what an interrupted pg_repack left on ${step.object} is still there, and pg_repack refuses the table until it is removed`;
            settings.log.warn(`${step.statement}: ${reason}`);
            outcomes.push({ ...base, status: 'skipped', reason });
            continue;
        }
        const timeout = stepTimeoutMs(settings, started);
        const outcome = await applyStep(client, applying, i, settings, started, timeout, figures);
        outcomes.push(outcome);
        if (outcome.status === 'applied' && REWRITES.has(step.kind))
            rewritten.add(step.object);
        if (outcome.status === 'applied')
            figures.applied(outcome);
        else if (step.kind === 'drop-repack-leftovers')
            repackBlocked.add(step.object);
    }
    await figures.finish();
    return outcomes;
}
/**
 * Waits while a standby's replay lag exceeds max-replication-lag: each step's WAL (a VACUUM, a rebuild) must be
 * replayed there, and a step started behind a lagging standby delays every read on it further. Returns why the run
 * stops when the wait and the step no longer fit in the window or max-runtime, or the run was cancelled.
 */
async function waitForStandbys(client, step, settings, started, watch) {
    const max = settings.maxReplicationLagMs;
    if (max === undefined || !watch.due(settings.now().getTime()))
        return undefined;
    const interval = settings.lagCheckIntervalMs ?? 1000;
    for (;;) {
        const { standbys, lagMs: lag } = await replicationState(client);
        watch.seen(standbys, settings.now().getTime());
        if (lag <= max)
            return undefined;
        const { budgetLeft, windowLeft } = timeLeft(settings, started);
        const left = Math.min(budgetLeft, windowLeft);
        const lagging = `a standby's replay lag is ${Math.round(lag)} ms, over max-replication-lag (${max} ms)`;
        if (left < interval + step.estimatedSeconds * 1000)
            return `${lagging}, and ${Math.round(left / 1000)} s are left of the maintenance window or max-runtime to wait in`;
        settings.log.info(`${lagging}: pausing before ${step.statement}`);
        try {
            await (0,external_node_timers_promises_.setTimeout)(interval, undefined, settings.signal ? { signal: settings.signal } : undefined);
        }
        catch {
            return 'the run was cancelled';
        }
    }
}
async function applyStep(client, steps, i, settings, started, statementTimeoutMs, figures) {
    const step = steps[i];
    const base = { kind: step.kind, object: step.object, statement: step.statement };
    const isIndex = step.statement.startsWith('REINDEX INDEX');
    let before;
    let invalidBefore = new Set();
    try {
        const read = await figures.before(steps, i, statementTimeoutMs, isIndex);
        before = read.before;
        invalidBefore = new Set(read.invalidBeside);
    }
    catch (error) {
        if (error.code !== LOCK_NOT_AVAILABLE)
            throw error;
        const reason = explain(error, settings.lockTimeoutMs, statementTimeoutMs);
        settings.log.warn(`${step.statement}: ${reason}`);
        return { ...base, status: 'skipped', reason };
    }
    if (!before)
        return gone(step, settings);
    settings.log.info(`Running ${step.statement} (${step.why})`);
    const t0 = Date.now();
    let done;
    try {
        done = await run(client, step, settings, started, statementTimeoutMs);
    }
    catch (error) {
        // Dropped after its figures were read (they may be read a little ahead: figures-ahead.ts).
        if (error.code === UNDEFINED_TABLE)
            return gone(step, settings);
        const seconds = (Date.now() - t0) / 1000;
        // A pg_repack that failed after it had set up its trigger and log (or copied the table) and could not remove them.
        // Not when another pg_repack holds the table: the objects there are that run's, in use.
        const ours = step.kind === 'repack-table' && !(error instanceof RepackRunningError);
        const left = ours ? await repackLeftoversOf(client, step.object) : undefined;
        if (left) {
            const reason = repackLeftReason(error, left, step.object, settings.lockTimeoutMs);
            settings.log.warn(`${step.statement}: ${reason}`);
            return { ...base, status: 'failed', reason, seconds, before, leftOver: left.objects };
        }
        const lock = error.code === LOCK_NOT_AVAILABLE ||
            error instanceof RepackLockError ||
            error instanceof RepackRunningError;
        const status = lock ? 'skipped' : 'failed';
        const cleanup = isIndex ? await dropLeftovers(client, step.object, invalidBefore, settings) : {};
        // The rebuild had its table lock and had created its copy: its lock timeout was a wait for older transactions.
        const copied = (cleanup.cleanedUp?.length ?? 0) + (cleanup.leftOver?.length ?? 0) > 0;
        const reason = copied && error.code === LOCK_NOT_AVAILABLE
            ? await olderTransactionReason(client, seconds, settings.lockTimeoutMs, cleanup)
            : explain(error, settings.lockTimeoutMs, statementTimeoutMs);
        settings.log.warn(`${step.statement}: ${reason}`);
        return { ...base, status, reason, seconds, before, ...cleanup };
    }
    if (done.result)
        settings.log.info(`${step.object}: ${done.result}`);
    return { ...base, status: 'applied', seconds: (Date.now() - t0) / 1000, before, ...done };
}
function gone(step, settings) {
    settings.log.warn(`${step.statement}: skipped, ${step.object} no longer exists (dropped after the plan was made)`);
    const base = { kind: step.kind, object: step.object, statement: step.statement };
    return { ...base, status: 'skipped', reason: `${step.object} no longer exists` };
}
/**
 * A SQL statement on the session, a killed pg_repack's leftovers removed in a transaction of their own, or a client
 * program (pg_repack) on a connection of its own.
 */
async function run(client, step, settings, started, timeoutMs) {
    if (step.kind === 'drop-repack-leftovers') {
        const removed = await dropRepackLeftovers(client, step.figures.tableOid);
        if (removed.length === 0)
            return { result: 'nothing was left any more' };
        return { result: `removed what pg_repack left: ${removed.join(', ')}`, cleanedUp: removed };
    }
    if (step.kind !== 'repack-table') {
        await client.query(step.statement);
        return {};
    }
    if (!settings.target)
        throw new Error('pg_repack steps need the connection target');
    await runPgRepack(settings.target, step.object, {
        lockTimeoutMs: settings.lockTimeoutMs,
        timeoutMs,
        env: settings.env ?? {},
        log: settings.log,
        ...(settings.signal ? { signal: settings.signal } : {}),
    });
    // The rebuild took part of the step's time: the ANALYZE gets what is left of the window and max-runtime now.
    const left = Math.min(timeoutMs, stepTimeoutMs(settings, started));
    const skipped = left < 1 ? NOTHING_LEFT : await analyzeAfterRepack(client, step.object, left);
    return skipped === undefined ? {} : { result: analyzeSkippedResult(skipped, settings.lockTimeoutMs) };
}
const NOTHING_LEFT = new Error('nothing was left of the maintenance window or max-runtime after the rebuild');
/**
 * ANALYZE of a table pg_repack rebuilt (it runs with --no-analyze: maintenance-repack.ts), on this session under the
 * run's lock_timeout and a statement_timeout of `timeoutMs`, set for its transaction only (the session's stays the
 * step's, as figures-ahead.ts knows it). The rebuild is done whatever happens here: an error is returned, not
 * thrown, and the step stays applied.
 */
async function analyzeAfterRepack(client, table, timeoutMs) {
    try {
        await client.query('BEGIN');
        await client.query(`select set_config('statement_timeout', $1, true)`, [`${Math.floor(timeoutMs)}ms`]);
        await client.query(`ANALYZE ${table}`);
        await client.query('COMMIT');
        return undefined;
    }
    catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        return error ?? new Error('ANALYZE failed');
    }
}
/** The applied pg_repack step's result when its ANALYZE did not run to the end. */
function analyzeSkippedResult(error, lockTimeoutMs) {
    const { code, message } = error;
    const why = code === LOCK_NOT_AVAILABLE
        ? `another session held a conflicting lock on the table (a VACUUM, an ANALYZE, a SHARE UPDATE EXCLUSIVE lock or stronger) longer than lock-timeout (${lockTimeoutMs} ms)`
        : code === QUERY_CANCELED
            ? 'it was stopped by its statement_timeout (what was left of statement-timeout, the window or max-runtime)'
            : error === NOTHING_LEFT
                ? NOTHING_LEFT.message
                : `it failed: ${message ?? String(error)}`;
    return `rebuilt by pg_repack; ANALYZE was skipped: ${why}. Autovacuum will analyze the table; until then the planner uses its old statistics`;
}
/** The server's error as a sentence that says which limit ended the step. */
function explain(error, lockTimeoutMs, statementTimeoutMs) {
    const { code, message } = error;
    if (error instanceof RepackRunningError)
        return `skipped: ${message}`;
    if (error instanceof RepackLockError)
        return `skipped: pg_repack did not get its lock within lock-timeout (${lockTimeoutMs} ms) and killed no session (${message})`;
    if (code === LOCK_NOT_AVAILABLE)
        return `skipped: it did not get its lock within lock-timeout (${lockTimeoutMs} ms); another session holds a conflicting lock, and nothing was left waiting in front of the application's queries (${message})`;
    if (code === QUERY_CANCELED && /statement timeout/i.test(message ?? ''))
        return `stopped by its statement_timeout (${Math.round(statementTimeoutMs)} ms: statement-timeout, or what was left of the window or max-runtime)`;
    return `failed: ${message ?? String(error)}`;
}
/**
 * Why a pg_repack that left its objects failed: never a lock skip, since what it left costs every write (its trigger
 * logs each one) until it is removed. pg_repack 1.4 removes them itself only once it gets the table's ACCESS
 * EXCLUSIVE lock; its sessions' lock_timeout (maintenance-repack.ts) ends that wait after lock-timeout, leaving them.
 */
function repackLeftReason(error, left, table, lockTimeoutMs) {
    const stage = left.objects.includes(`repack.table_${left.tableOid}`)
        ? 'after it had copied the table'
        : 'after it had set up its trigger and log table';
    const what = error instanceof RepackLockError
        ? `pg_repack did not get its lock within lock-timeout (${lockTimeoutMs} ms) ${stage}`
        : `pg_repack stopped ${stage}`;
    return `failed: ${what}, and left ${left.objects.join(', ')} on ${table}: every insert, update and delete on ${table} also writes to repack.log_${left.tableOid} until they are removed (the next run removes them first) (${error.message})`;
}
/**
 * A REINDEX CONCURRENTLY whose lock_timeout ended its wait for older transactions (databases/postgres/
 * older-transactions.ts), not for a lock on the table: the oldest still open is named, as what to wait for.
 */
async function olderTransactionReason(client, seconds, lockTimeoutMs, cleanup) {
    const oldest = await oldestOlderTransaction(client, seconds).catch(() => undefined);
    const which = oldest
        ? `session ${oldest.pid} (application '${oldest.application}', ${oldest.state}, its transaction open for ${(0,format/* formatSeconds */.Xo)(oldest.seconds)})`
        : 'none of them is open any more';
    const copy = cleanup.leftOver?.length ? 'could not be dropped (the next run drops it)' : 'was dropped';
    return `skipped: after building its new copy, REINDEX CONCURRENTLY waits for the transactions that began before it and write to the table or hold an older snapshot (a wait on their transaction IDs, not on a lock on the table), and one was still open after lock-timeout (${lockTimeoutMs} ms); the oldest: ${which}. The copy ${copy}; run it again once such transactions are over, or raise lock-timeout`;
}
/**
 * A failed REINDEX CONCURRENTLY leaves an invalid copy (…_ccnew) that every write maintains: drop it. Only an index
 * of that name: another invalid index on the table (a user's CREATE INDEX CONCURRENTLY that failed meanwhile) is not
 * the rebuild's to drop.
 */
async function dropLeftovers(client, index, invalidBefore, settings) {
    const fresh = (await invalidIndexesBeside(client, index).catch(() => [])).filter((i) => !invalidBefore.has(i) && isReindexCopy(i, index));
    const cleanedUp = [];
    const leftOver = [];
    for (const leftover of fresh) {
        try {
            await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${leftover}`);
            cleanedUp.push(leftover);
            settings.log.info(`Dropped ${leftover}, the invalid index the failed rebuild left`);
        }
        catch (error) {
            leftOver.push(leftover);
            settings.log.warn(`${leftover}, an invalid index the failed rebuild left, could not be dropped (${error.message}): run DROP INDEX CONCURRENTLY ${leftover}, or let the next run drop it`);
        }
    }
    return { ...(cleanedUp.length ? { cleanedUp } : {}), ...(leftOver.length ? { leftOver } : {}) };
}
/**
 * Whether `candidate` is named as REINDEX CONCURRENTLY names its copy of `index` (both quoted and qualified, in one
 * schema): `<index>_ccnew`, `_ccold`, with a number when taken; the index's name cut to fit 63 bytes when long.
 */
function isReindexCopy(candidate, index) {
    const [copySchema, copyName] = unqualify(candidate);
    const [schema, name] = unqualify(index);
    if (copySchema === undefined || copySchema !== schema || name === undefined)
        return false;
    const base = /^(.*)_cc(new|old)\d*$/s.exec(copyName)?.[1];
    if (!base)
        return false;
    // PostgreSQL cuts the index's name so that the copy's fits in 63 bytes (ChooseRelationName).
    return base === name || (Buffer.byteLength(copyName) === 63 && name.startsWith(base));
}
/** Schema and name of a quoted, qualified name ("a"".b"."c" → a".b, c); nothing when it is not one. */
function unqualify(quoted) {
    const m = /^"((?:[^"]|"")*)"\."((?:[^"]|"")*)"$/s.exec(quoted);
    return m ? [m[1].replace(/""/g, '"'), m[2].replace(/""/g, '"')] : [];
}
//# sourceMappingURL=apply.js.map
;// CONCATENATED MODULE: ./packages/core/lib/maintenance/apply-commands.js

async function applyCommandSteps(session, steps, settings) {
    const started = settings.startedAt ?? settings.now().getTime();
    const outcomes = [];
    let stop;
    for (const step of steps.filter((s) => s.mode === 'apply')) {
        const base = { kind: step.kind, object: step.object, statement: step.statement };
        stop ??= stopReason(step, settings, started);
        if (stop) {
            outcomes.push({ ...base, status: 'skipped', reason: `not started: ${stop}` });
            continue;
        }
        const timeout = stepTimeoutMs(settings, started);
        settings.log.info(`Running ${step.statement} on ${step.object} (${step.why})`);
        const t0 = Date.now();
        try {
            const { before, after, result } = await session.runStep(step, timeout);
            const seconds = (Date.now() - t0) / 1000;
            if (result)
                settings.log.info(`${step.object}: ${result}`);
            outcomes.push({
                ...base,
                status: 'applied',
                seconds,
                ...(before ? { before } : {}),
                ...(after ? { after } : {}),
                ...(result ? { result } : {}),
            });
        }
        catch (error) {
            if (settings.signal?.aborted)
                throw error;
            const { status, reason } = session.explainStepFailure(error, timeout);
            settings.log.warn(`${step.statement} on ${step.object}: ${reason}`);
            outcomes.push({ ...base, status, reason, seconds: (Date.now() - t0) / 1000 });
        }
    }
    return outcomes;
}
//# sourceMappingURL=apply-commands.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/sequence-columns.js
var sequence_columns = __webpack_require__(6987);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/maintenance-catalog.js

const USER_SCHEMAS = `not in ('pg_catalog', 'information_schema', 'pg_toast')`;
/** A table's own autovacuum reloption, else the server's setting. */
const setting = (name) => `coalesce((select split_part(o, '=', 2) from unnest(c.reloptions) o where o like '${name}=%' limit 1), current_setting('${name}'))`;
/**
 * Not partitioned tables: they hold no rows (their partitions are listed and vacuumed on their own) and their
 * relfrozenxid is 0, whose age() is 2147483647, so each would be frozen, the whole hierarchy, on every run. Not
 * temporary tables: another session's cannot be vacuumed by this one. The transaction-ID age is the older of the
 * table's and its TOAST table's: autovacuum forces a freeze when either passes autovacuum_freeze_max_age, and a VACUUM
 * of the table freezes both.
 *
 * Sizes come from pg_class.relpages (table and TOAST, as the last VACUUM or ANALYZE counted them), not
 * pg_table_size(): that stats every file of every table (6 s for 10,000 tables in bench/maintenance-plan.mjs) and
 * waits behind another session's ACCESS EXCLUSIVE lock. Planning takes no lock on any table this way.
 */
async function tableHealth(client) {
    const { rows } = await client.query(`
    select s.schemaname as schema, s.relname as name, s.n_live_tup::float8 as live, s.n_dead_tup::float8 as dead,
           s.n_mod_since_analyze::float8 as modified, greatest(s.last_analyze, s.last_autoanalyze) as analyzed,
           greatest(age(c.relfrozenxid), coalesce(age(tc.relfrozenxid), 0))::float8 as xid_age,
           ((c.relpages + coalesce(tc.relpages, 0))::float8 * current_setting('block_size')::int) as bytes,
           (s.n_tup_upd + s.n_tup_del)::float8 as changed,
           extract(epoch from now() - greatest(s.last_vacuum, s.last_autovacuum))::float8 as vacuum_age,
           current_setting('autovacuum')::bool
             and coalesce((select split_part(o, '=', 2) from unnest(c.reloptions) o where o like 'autovacuum_enabled=%' limit 1), 'on')::bool
             as av_enabled,
           ${setting('autovacuum_vacuum_scale_factor')}::float8 as av_scale,
           ${setting('autovacuum_vacuum_threshold')}::float8 as av_threshold
      from pg_stat_user_tables s join pg_class c on c.oid = s.relid left join pg_class tc on tc.oid = c.reltoastrelid
     where c.relkind <> 'p' and c.relpersistence <> 't'
     order by 1, 2`);
    const { rows: since } = await client.query(`select extract(epoch from now() - coalesce(stats_reset, pg_postmaster_start_time()))::float8 as age
       from pg_stat_database where datname = current_database()`);
    const statsAgeSeconds = since[0]?.age ?? 0;
    return rows.map((r) => ({
        schema: r.schema,
        name: r.name,
        liveTuples: r.live,
        deadTuples: r.dead,
        modifiedSinceAnalyze: r.modified,
        lastAnalyzed: r.analyzed,
        xidAge: r.xid_age,
        bytes: r.bytes,
        changedRows: r.changed,
        statsAgeSeconds,
        lastVacuumAgeSeconds: r.vacuum_age,
        autovacuum: { enabled: r.av_enabled, scaleFactor: r.av_scale, threshold: r.av_threshold },
    }));
}
// No pg_get_indexdef(): it locks the index's table, so one session's ACCESS EXCLUSIVE lock would stall the plan.
const INDEX_COLUMNS = `n.nspname as schema, i.relname as name, t.relname as "table",
  pg_relation_size(i.oid)::float8 as bytes`;
/**
 * An index at least $1 bytes: relpages first, then the file's size. CASE keeps pg_relation_size() to indexes: as a
 * plain filter the planner may push it onto the scan of pg_class, sizing (and locking) every table too.
 */
const BIG_INDEX = `case when i.relkind = 'i' and i.relpages::float8 * current_setting('block_size')::int >= $1
  then pg_relation_size(i.oid) >= $1 else false end`;
/** Not another session's temporary tables' indexes: this session can neither use nor rebuild them. */
const INDEX_JOINS = `from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
  join pg_namespace n on n.oid = i.relnamespace and t.relpersistence <> 't'`;
/**
 * Indexes left invalid, typically by a failed CREATE INDEX CONCURRENTLY; `partitioned` for a partitioned table's
 * index (CREATE INDEX ON ONLY), which stays invalid until an index of every partition is attached to it.
 */
async function invalidIndexes(client) {
    const { rows } = await client.query(`select ${INDEX_COLUMNS}, i.relkind = 'I' as partitioned ${INDEX_JOINS}
      where not x.indisvalid and n.nspname ${USER_SCHEMAS} order by 1, 2`);
    return rows;
}
/**
 * Valid B-tree indexes at least `minBytes` big, with the size a fresh build would have: rows × (key width + 8-byte
 * tuple header + 4-byte line pointer) at the default 90% fill factor. An estimate like pghero's, no extension needed.
 */
async function btreeIndexSizes(client, minBytes) {
    const { rows } = await client.query(`select ${INDEX_COLUMNS},
            (greatest(i.reltuples, 0) * (12 + coalesce((
               select sum(coalesce(st.avg_width, 8)) from unnest(x.indkey) k(attnum)
                 left join pg_stats st on st.schemaname = n.nspname and st.tablename = t.relname
                  and st.attname = (select attname from pg_attribute where attrelid = t.oid and attnum = k.attnum)
             ), 8)) / 0.9 + current_setting('block_size')::int)::float8 as expected
       ${INDEX_JOINS} join pg_am am on am.oid = i.relam
      where x.indisvalid and am.amname = 'btree' and n.nspname ${USER_SCHEMAS}
        and ${BIG_INDEX}
      order by 1, 2`, [minBytes]);
    return rows.map((r) => ({ ...r, expectedBytes: r.expected }));
}
/** An index (pg_index x) a DROP INDEX of its own refuses: a constraint's, or a partition's of a partitioned index. */
const LOCKED = `(exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
  or exists (select 1 from pg_inherits h where h.inhrelid = x.indexrelid))`;
/**
 * Indexes never scanned since statistics were reset, that enforce nothing (not unique, not a constraint) and can be
 * dropped alone (not attached to a partitioned table's index).
 */
async function unusedIndexes(client, minBytes) {
    const { rows } = await client.query(`select ${INDEX_COLUMNS}, s.idx_scan::float8 as scans ${INDEX_JOINS}
       join pg_stat_user_indexes s on s.indexrelid = x.indexrelid
      where s.idx_scan = 0 and x.indisvalid and not x.indisunique and not x.indisprimary
        and not ${LOCKED}
        and ${BIG_INDEX}
      order by 1, 2`, [minBytes]);
    return rows;
}
/**
 * Groups first on the catalog's own columns, then reads sizes and definitions for the duplicates only: a size is a
 * file-system call (and waits behind an ACCESS EXCLUSIVE lock), too dear for every index of a large catalog. Key
 * columns and INCLUDE columns apart (indnkeyatts: (a) INCLUDE (b) is no duplicate of (a, b)), with their sort
 * orders (indoption) and NULLS NOT DISTINCT (PostgreSQL 15+; read through to_jsonb, absent before). An index that
 * backs a constraint or is attached to a partitioned table's index cannot be dropped alone: it is kept first where
 * it can be, and marked `locked`, never to be suggested for a drop.
 */
async function duplicateIndexes(client) {
    const { rows } = await client.query(`with groups as (
       select x.indrelid,
              array_agg(x.indexrelid order by x.indisprimary desc, x.indisunique desc, ${LOCKED} desc, i.relname) as members
         ${INDEX_JOINS}
        where x.indisvalid and n.nspname ${USER_SCHEMAS}
        group by x.indrelid, x.indnkeyatts, x.indkey::text, x.indclass::text, x.indcollation::text, x.indoption::text,
                 coalesce(to_jsonb(x) ->> 'indnullsnotdistinct', ''),
                 coalesce(pg_get_expr(x.indexprs, x.indrelid), ''), coalesce(pg_get_expr(x.indpred, x.indrelid), ''),
                 i.relam
       having count(*) > 1
     )
     select n.nspname as schema, t.relname as "table",
            (select json_agg(json_build_object('schema', n.nspname, 'name', i.relname, 'table', t.relname,
                      'bytes', case when i.relkind = 'I'
                                 then (select coalesce(sum(pg_relation_size(p.relid)), 0) from pg_partition_tree(i.oid) p)
                                 else pg_relation_size(i.oid) end,
                      'locked', ${LOCKED}, 'partitioned', i.relkind = 'I') order by m.ord)
               from unnest(g.members) with ordinality m(oid, ord) join pg_class i on i.oid = m.oid
               join pg_index x on x.indexrelid = i.oid) as indexes
       from groups g join pg_class t on t.oid = g.indrelid join pg_namespace n on n.oid = t.relnamespace
      order by 1, 2`);
    return rows;
}
/**
 * Sequences with the int2/int4 columns they fill (SEQUENCE_COLUMNS: owned ones and those whose default calls
 * nextval() on them). Such a column fails at its type's maximum, long before a bigint sequence does. A partition's column is left out: altering the partitioned table's alters it.
 */
async function sequenceUsage(client) {
    const { rows } = await client.query(`select s.schemaname as schema, s.sequencename as name, s.data_type::text as data_type,
            s.last_value::float8 as last_value, s.max_value::float8 as max_value,
            (select coalesce(json_agg(json_build_object('schema', tn.nspname, 'table', t.relname, 'column', a.attname,
                      'dataType', format_type(a.atttypid, null),
                      'maxValue', case a.atttypid when 'int2'::regtype then 32767 else 2147483647 end,
                      'bytes', t.relpages::float8 * current_setting('block_size')::int)
                      order by tn.nspname, t.relname, a.attnum), '[]')
               from (${sequence_columns/* SEQUENCE_COLUMNS */.A}) col
               join pg_attribute a on a.attrelid = col.relid and a.attnum = col.attnum and not a.attisdropped
               join pg_class t on t.oid = col.relid join pg_namespace tn on tn.oid = t.relnamespace
              where col.seq = seq.oid and a.atttypid in ('int2'::regtype, 'int4'::regtype)
                and not t.relispartition) as columns
       from pg_sequences s join pg_namespace sn on sn.nspname = s.schemaname
       join pg_class seq on seq.relnamespace = sn.oid and seq.relname = s.sequencename
      where s.last_value is not null and s.increment_by > 0 and s.schemaname ${USER_SCHEMAS}
      order by 1, 2`);
    return rows.map((r) => ({
        schema: r.schema,
        name: r.name,
        dataType: r.data_type,
        lastValue: r.last_value,
        maxValue: r.max_value,
        columns: r.columns,
    }));
}
//# sourceMappingURL=maintenance-catalog.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/maintenance-tables.js
const USER_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'`;
/**
 * Tables whose main fork is at least `minBytes`, with what the bloat estimate needs (the monitor's estimate). Not
 * temporary ones: another session's cannot be rebuilt by this one.
 */
async function tableBloatInputs(client, minBytes) {
    const { rows } = await client.query(`with big as (
       select c.oid, c.reltoastrelid, n.nspname, c.relname, c.relpages::float8 as pages, c.reltuples::float8 as tuples,
              coalesce((select substring(o from '=(\\d+)')::int from unnest(c.reloptions) o where o like 'fillfactor=%'), 100) as fillfactor
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and c.relpersistence <> 't' and ${USER_SCHEMA} and c.relpages::float8 * current_setting('block_size')::int >= $1
     ), widths as (
       select s.schemaname, s.tablename, sum((1 - s.null_frac) * s.avg_width)::float8 as width,
              bool_or(s.null_frac > 0) as has_nulls
         from pg_stats s join big on big.nspname = s.schemaname and big.relname = s.tablename
        where not s.inherited group by 1, 2
     )
     select big.nspname as schema, big.relname as name, big.pages, big.tuples, w.width, coalesce(w.has_nulls, false) as has_nulls,
            big.fillfactor, current_setting('block_size')::int as block_size,
            (select coalesce(sum(r.relpages), 0)::float8 from pg_class r
              where r.oid = big.reltoastrelid
                 or r.oid in (select indexrelid from pg_index where indrelid in (big.oid, big.reltoastrelid))) as other_pages,
            (select count(*)::int from pg_attribute a where a.attrelid = big.oid and a.attnum > 0 and not a.attisdropped) as columns,
            exists (select 1 from pg_index x
                     where x.indrelid = big.oid and x.indisvalid and x.indisunique and x.indpred is null and x.indexprs is null
                       and not exists (select 1 from pg_attribute a
                                        where a.attrelid = big.oid and a.attnum = any (x.indkey) and not a.attnotnull)) as repackable
       from big left join widths w on w.schemaname = big.nspname and w.tablename = big.relname
      order by 1, 2`, [minBytes]);
    return rows.map((r) => ({
        schema: r.schema,
        name: r.name,
        pages: r.pages,
        tuples: r.tuples,
        indexAndToastPages: r.other_pages,
        width: r.width,
        hasNulls: r.has_nulls,
        columns: r.columns,
        fillfactor: r.fillfactor,
        blockSize: r.block_size,
        repackable: r.repackable,
    }));
}
/** Names of the extensions installed in this database. */
async function installedExtensions(client) {
    const { rows } = await client.query(`select extname from pg_extension`);
    return new Set(rows.map((r) => r.extname));
}
/**
 * Foreign keys whose referencing columns lead no valid, non-partial index, on tables at least `minBytes` big that
 * were sequentially scanned at least `minSeqScans` times: each delete or key update of a referenced row scans them.
 */
async function unindexedForeignKeys(client, minBytes, minSeqScans) {
    const { rows } = await client.query(`select n.nspname as schema, t.relname as "table", con.conname as constraint, con.confrelid::regclass::text as referenced,
            array(select a.attname from unnest(con.conkey) with ordinality k(attnum, ord)
                    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord)::text[] as columns,
            (select coalesce(sum(coalesce(st.avg_width, 8)), 8) from unnest(con.conkey) k(attnum)
               join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
               left join pg_stats st on st.schemaname = n.nspname and st.tablename = t.relname and st.attname = a.attname
                                    and not st.inherited)::float8 as key_width,
            t.relpages::float8 * current_setting('block_size')::int as bytes, greatest(t.reltuples, 0)::float8 as rows,
            s.seq_scan::float8 as seq_scans, s.seq_tup_read::float8 as seq_rows_read
       from pg_constraint con join pg_class t on t.oid = con.conrelid join pg_namespace n on n.oid = t.relnamespace
       join pg_stat_user_tables s on s.relid = t.oid
      where con.contype = 'f' and ${USER_SCHEMA} and t.relpersistence <> 't' and s.seq_scan >= $2
        and t.relpages::float8 * current_setting('block_size')::int >= $1
        and not exists (
          select 1 from pg_index x
           where x.indrelid = con.conrelid and x.indisvalid and x.indpred is null
             and (string_to_array(x.indkey::text, ' ')::int2[])[1:cardinality(con.conkey)] @> con.conkey)
      order by 1, 2, 3`, [minBytes, minSeqScans]);
    return rows.map((r) => ({
        schema: r.schema,
        table: r.table,
        constraint: r.constraint,
        columns: r.columns,
        referenced: r.referenced,
        bytes: r.bytes,
        rows: r.rows,
        keyWidth: r.key_width,
        seqScans: r.seq_scans,
        seqRowsRead: r.seq_rows_read,
    }));
}
//# sourceMappingURL=maintenance-tables.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/pgstattuple-bloat.js

const pgstattuple_bloat_LOCK_NOT_AVAILABLE = '55P03';
const pgstattuple_bloat_QUERY_CANCELED = '57014';
const INSUFFICIENT_PRIVILEGE = '42501';
const pgstattuple_bloat_UNDEFINED_TABLE = '42P01';
/** The schema the pgstattuple extension lives in, or undefined when the database does not have it. */
async function pgstattupleSchema(client) {
    const { rows } = await client.query(`select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pgstattuple'`);
    return rows[0]?.nspname;
}
/** pgstattuple_approx() of one table; a lock, time, privilege or dropped table is a MeasureFailure, not an error. */
async function measureTable(client, schema, table) {
    try {
        const { rows } = await client.query(`select table_len::float8 as bytes, approx_tuple_len::float8 as live_bytes, approx_tuple_count::float8 as live,
              scanned_percent::float8 as scanned
         from ${(0,inventory/* quoteIdent */.v4)(schema)}.pgstattuple_approx($1::regclass)`, [`${(0,inventory/* quoteIdent */.v4)(table.schema)}.${(0,inventory/* quoteIdent */.v4)(table.name)}`]);
        const r = rows[0];
        return { tableBytes: r.bytes, liveTupleBytes: r.live_bytes, liveTuples: r.live, scannedPercent: r.scanned };
    }
    catch (error) {
        const code = error.code;
        if (code === pgstattuple_bloat_LOCK_NOT_AVAILABLE)
            return { failed: 'pgstattuple_approx waited past lock-timeout' };
        if (code === pgstattuple_bloat_QUERY_CANCELED)
            return { failed: 'pgstattuple_approx ran past statement-timeout' };
        if (code === INSUFFICIENT_PRIVILEGE)
            return { failed: 'pgstattuple_approx is not permitted to this role (grant pg_stat_scan_tables)' };
        if (code === pgstattuple_bloat_UNDEFINED_TABLE)
            return { failed: 'the table was dropped while planning' };
        throw error;
    }
}
/**
 * pgstattuple_approx() of each table, keyed by `${schema}.${name}` as given; an empty map without the extension.
 * Sequential: one table read at a time, like the maintenance steps themselves.
 */
async function measureTables(client, tables) {
    const measured = new Map();
    const schema = await pgstattupleSchema(client);
    if (schema === undefined)
        return measured;
    for (const t of tables)
        measured.set(`${t.schema}.${t.name}`, await measureTable(client, schema, t));
    return measured;
}
//# sourceMappingURL=pgstattuple-bloat.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/resolve-relations.js

/** "schema.name", each part a plain or double-quoted identifier: what to_regclass may be given safely. */
const QUALIFIED_NAME = /^("(?:[^"]|"")+"|[^".\s]+)\.("(?:[^"]|"")+"|[^".\s]+)$/;
/** Each name that is a relation of this database, mapped to its quoted, qualified name. */
async function resolveRelations(client, names) {
    const candidates = [...new Set(names.filter((n) => QUALIFIED_NAME.test(n)))];
    if (candidates.length === 0)
        return new Map();
    const { rows } = await client.query(`select s.name, n.nspname as schema, c.relname
       from unnest($1::text[]) s(name) join pg_class c on c.oid = to_regclass(s.name)
       join pg_namespace n on n.oid = c.relnamespace`, [candidates]);
    return new Map(rows.map((r) => [r.name, `${(0,inventory/* quoteIdent */.v4)(r.schema)}.${(0,inventory/* quoteIdent */.v4)(r.relname)}`]));
}
//# sourceMappingURL=resolve-relations.js.map
;// CONCATENATED MODULE: ./packages/core/lib/maintenance/repack-leftover-steps.js
// Steps for what a killed pg_repack left (databases/postgres/repack-leftovers.ts): cleaned up first in the plan, so
// that a rebuild of the same table later in the run is not refused; left alone while a pg_repack still holds it.


function repackLeftoverSteps(leftovers) {
    return leftovers.map((l) => {
        const table = l.table && (0,step_figures/* qualified */.LX)(l.table.schema, l.table.name);
        const since = l.since
            ? `left since ${l.since.toISOString()}`
            : 'left since an unknown time (track_commit_timestamp is off)';
        const what = `${l.objects.join(', ')}`;
        const writes = `${l.loggedWrites} write(s) logged by its trigger since the statistics were reset`;
        const base = {
            kind: 'drop-repack-leftovers',
            object: table ?? `repack.log_${l.tableOid}`,
            statement: repackCleanupStatement(l.tableOid, table),
            figures: { tableOid: l.tableOid, loggedWrites: l.loggedWrites, ...(l.since ? { since: l.since.getTime() } : {}) },
            lock: table
                ? 'ACCESS EXCLUSIVE on the table, briefly (to drop its trigger; under lock-timeout)'
                : 'ACCESS EXCLUSIVE on the work tables only',
            estimatedSeconds: 1,
        };
        if (l.runningPid !== undefined)
            return {
                ...base,
                mode: 'report',
                why: `pg_repack objects on ${table ?? `the dropped table with OID ${l.tableOid}`} (${what}), but server process ${l.runningPid} holds pg_repack's advisory lock on it: a pg_repack is still at work (or its server process is finishing a statement after its client died); left alone. If that session is abandoned, end it (pg_terminate_backend(${l.runningPid})) and the next run cleans up`,
                expectedGain: 'none while pg_repack works',
            };
        if (!table)
            return {
                ...base,
                mode: 'apply',
                why: `an interrupted pg_repack left ${what} for a table (OID ${l.tableOid}) dropped since; ${since}`,
                expectedGain: 'the work tables’ space given back',
            };
        return {
            ...base,
            mode: 'apply',
            why: `an interrupted pg_repack (killed mid-rebuild) left ${what} on ${table}, ${since}: every insert, update and delete on ${table} also writes to repack.log_${l.tableOid} (${writes}), and pg_repack refuses the table until they are gone`,
            expectedGain: `writes to ${table} no longer pay the trigger; the log and copy tables' space given back; pg_repack can rebuild it again`,
        };
    });
}
//# sourceMappingURL=repack-leftover-steps.js.map
;// CONCATENATED MODULE: ./packages/core/lib/maintenance/suggestions.js


/** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
const MAX_NAME_BYTES = 63;
/** `<table>_<columns>_idx`, cut to 63 bytes like PostgreSQL's own default names. */
function indexName(table, columns) {
    const suffix = '_idx';
    let base = `${table}_${columns.join('_')}`;
    while (Buffer.byteLength(base + suffix) > MAX_NAME_BYTES)
        base = base.slice(0, -1);
    return base + suffix;
}
function foreignKeyIndexSteps(keys) {
    return keys.map((k) => {
        const table = (0,step_figures/* qualified */.LX)(k.schema, k.table);
        const columns = k.columns.map(inventory/* quoteIdent */.v4).join(', ');
        const indexBytes = (k.rows * (k.keyWidth + 12)) / 0.9;
        return {
            kind: 'create-foreign-key-index',
            object: table,
            statement: `CREATE INDEX CONCURRENTLY ${(0,inventory/* quoteIdent */.v4)(indexName(k.table, k.columns))} ON ${table} (${columns})`,
            mode: 'report',
            why: `foreign key ${(0,inventory/* quoteIdent */.v4)(k.constraint)} (${columns}) → ${k.referenced} has no index: every delete or key update in ${k.referenced} reads all of ${table} (${(0,step_figures.mb)(k.bytes)}; ${k.seqScans} sequential scans so far, ${k.seqRowsRead} rows read)`,
            figures: { bytes: k.bytes, rows: k.rows, seqScans: k.seqScans, seqRowsRead: k.seqRowsRead, indexBytes },
            lock: `${step_figures/* SHARE_UPDATE_EXCLUSIVE */.r2}; if the build fails it leaves an invalid index to drop`,
            estimatedSeconds: (0,step_figures/* seconds */.YA)(k.bytes, step_figures/* REINDEX_BYTES_PER_S */.Ot),
            expectedGain: `deletes in ${k.referenced} and joins on (${columns}) use an index of about ${(0,step_figures.mb)(indexBytes)} instead of scanning ${(0,step_figures.mb)(k.bytes)}`,
        };
    });
}
/** What has piled up since the last vacuum should have taken this many autovacuum runs: smaller, more often. */
const RUNS_PER_BACKLOG = 4;
const MIN_SCALE_FACTOR = 0.001;
/** Two significant digits: a setting a person reads, not a computed float. */
const round2 = (x) => Number(x.toPrecision(2));
const ago = (s) => (s >= 86_400 ? `${(s / 86_400).toFixed(1)} days` : `${(s / 3600).toFixed(1)} hours`);
/**
 * Tables where autovacuum is on but has not kept up: dead tuples past the table's autovacuum threshold and no vacuum
 * for `lagSeconds` (or ever). Suggests the scale factor at which autovacuum would have run four times over the dead
 * tuples gathered since (at least `minDeadTuples` rows each), when that is lower than the one in force.
 */
function autovacuumSteps(tables, minDeadTuples, lagSeconds) {
    const steps = [];
    for (const t of tables) {
        const av = t.autovacuum;
        if (!av.enabled || t.deadTuples < minDeadTuples || t.liveTuples <= 0)
            continue;
        const threshold = av.threshold + av.scaleFactor * t.liveTuples;
        const age = t.lastVacuumAgeSeconds ?? t.statsAgeSeconds;
        if (t.deadTuples <= threshold || age < lagSeconds)
            continue;
        const churnPerDay = (t.changedRows / Math.max(t.statsAgeSeconds, 1)) * 86_400;
        const target = Math.max(minDeadTuples, t.deadTuples / RUNS_PER_BACKLOG);
        const scaleFactor = Math.max(MIN_SCALE_FACTOR, round2(target / t.liveTuples));
        if (scaleFactor >= av.scaleFactor)
            continue;
        const table = (0,step_figures/* qualified */.LX)(t.schema, t.name);
        const newThreshold = Math.round(av.threshold + scaleFactor * t.liveTuples);
        steps.push({
            kind: 'tune-autovacuum',
            object: table,
            statement: `ALTER TABLE ${table} SET (autovacuum_vacuum_scale_factor = ${scaleFactor})`,
            mode: 'report',
            why: `autovacuum is not keeping up: ${t.deadTuples} dead tuples are past its threshold of ${Math.round(threshold)} (${av.threshold} + ${av.scaleFactor} × ${t.liveTuples} rows), and the last vacuum was ${t.lastVacuumAgeSeconds === null ? `never (statistics cover ${ago(t.statsAgeSeconds)})` : `${ago(age)} ago`}; churn about ${Math.round(churnPerDay)} updated or deleted rows a day`,
            figures: {
                deadTuples: t.deadTuples,
                liveTuples: t.liveTuples,
                threshold,
                scaleFactor: av.scaleFactor,
                suggestedScaleFactor: scaleFactor,
                churnPerDay,
                secondsSinceVacuum: age,
                bytes: t.bytes,
            },
            lock: 'SHARE UPDATE EXCLUSIVE on the table, for a moment (a catalog change)',
            estimatedSeconds: 1,
            expectedGain: `autovacuum starts at about ${newThreshold} dead tuples instead of ${Math.round(threshold)}: smaller, more frequent runs that keep the table from bloating`,
        });
    }
    return steps;
}
//# sourceMappingURL=suggestions.js.map
// EXTERNAL MODULE: ./packages/core/lib/monitor/checks/bloat.js
var bloat = __webpack_require__(25390);
;// CONCATENATED MODULE: ./packages/core/lib/maintenance/table-rebuild.js


const DEFAULT_REBUILD_POLICY = {
    allowVacuumFull: false,
    vacuumFullMaxBytes: 1024 * 1024 * 1024,
};
/**
 * A table's estimated bloat: 1 - bytes a fresh copy at its fillfactor would need / bytes it has. From
 * pgstattuple_approx's live tuples when measured (`measured`), else from the statistics (undefined without them);
 * `fallback` says why the statistics were used.
 */
function tableBloat(t, measured, fallback = 'pgstattuple is not installed') {
    if (measured && !('failed' in measured)) {
        if (measured.tableBytes <= 0)
            return undefined;
        // On the pages it reads, live bytes are the tuples' own lengths: add a line pointer and average alignment
        // padding per row. On the pages it does not (all-visible), they are the page less its recorded free space,
        // headers and line pointers already in.
        const scanned = measured.scannedPercent / 100;
        const live = measured.liveTupleBytes + scanned * measured.liveTuples * (bloat/* LINE_POINTER */.nL + bloat/* MAXALIGN */.Qk / 2);
        const usable = ((t.blockSize - bloat/* PAGE_HEADER */.OP) * t.fillfactor) / 100;
        const pages = Math.ceil(live / usable);
        const expectedBytes = Math.min(measured.tableBytes, pages * t.blockSize);
        return {
            ratio: 1 - expectedBytes / measured.tableBytes,
            bytes: measured.tableBytes,
            expectedBytes,
            source: `pgstattuple_approx (${Math.round(measured.scannedPercent)}% of the pages read, the rest from the free-space map)`,
        };
    }
    if (t.width === null || t.tuples < 0 || t.pages <= 0)
        return undefined;
    const expected = Math.min(t.pages, (0,bloat/* expectedPages */.Zv)({ ...t, width: t.width }));
    const why = measured && 'failed' in measured ? measured.failed : fallback;
    return {
        ratio: 1 - expected / t.pages,
        bytes: t.pages * t.blockSize,
        expectedBytes: expected * t.blockSize,
        source: `statistics: pg_class and pg_stats (${why})`,
    };
}
/** Shell-quoted, so the statement shown can be pasted as it is. */
const shellQuote = (word) => `'${word.replace(/'/g, `'\\''`)}'`;
/** The command line of a pg_repack step (the connection comes from PG* variables, never the arguments). */
const repackCommand = (table) => `pg_repack --no-kill-backend --table ${shellQuote(table)}`;
/**
 * The rebuild steps, and the tables an 'apply' rebuild replaces VACUUM and REINDEX for. `measured`: pgstattuple_approx
 * of the tables, keyed by `${schema}.${name}` (empty without the extension: every estimate from the statistics);
 * `flagged`: tables a monitor-report finding names, rebuilt even below `minRatio`.
 */
function planTableRebuilds(tables, minRatio, hasPgRepack, policy, measured = new Map(), flagged = () => false) {
    const steps = new Map();
    for (const t of tables) {
        const bloat = tableBloat(t, measured.get(`${t.schema}.${t.name}`));
        const table = (0,step_figures/* qualified */.LX)(t.schema, t.name);
        if (!bloat || (bloat.ratio < minRatio && !flagged(table)))
            continue;
        const why = `estimated bloat ${(0,step_figures/* pct */.Oe)(bloat.ratio)} (from ${bloat.source}): ${(0,step_figures.mb)(bloat.bytes)} where a fresh copy would take about ${(0,step_figures.mb)(bloat.expectedBytes)}`;
        const figures = { bytes: bloat.bytes, expectedBytes: bloat.expectedBytes, bloatRatio: bloat.ratio };
        const source = bloat.source;
        const expectedGain = `about ${(0,step_figures.mb)(bloat.bytes - bloat.expectedBytes)} given back to the file system, its indexes rebuilt too`;
        const estimatedSeconds = (0,step_figures/* seconds */.YA)(bloat.bytes, step_figures/* REWRITE_BYTES_PER_S */.Pr);
        if (hasPgRepack && t.repackable) {
            steps.set(table, {
                kind: 'repack-table',
                object: table,
                statement: repackCommand(table),
                mode: 'apply',
                why: `${why}; pg_repack rebuilds it online`,
                figures,
                source,
                lock: 'ACCESS EXCLUSIVE only briefly, at the start and the swap (pg_repack waits lock-timeout, never kills sessions); reads and writes continue',
                estimatedSeconds,
                expectedGain,
            });
            continue;
        }
        // VACUUM FULL writes a new copy of the table, its indexes and its TOAST before it drops the old: that is the
        // free space it needs and the time it holds its lock for, so that is what vacuum-full-max-size bounds.
        const rewriteBytes = bloat.bytes + t.indexAndToastPages * t.blockSize;
        const guard = !policy.allowVacuumFull
            ? 'allow-vacuum-full is off'
            : rewriteBytes > policy.vacuumFullMaxBytes
                ? `${(0,step_figures.mb)(rewriteBytes)} (the table ${(0,step_figures.mb)(bloat.bytes)} with its indexes and TOAST, all of which VACUUM FULL rewrites) is over vacuum-full-max-size (${(0,step_figures.mb)(policy.vacuumFullMaxBytes)})`
                : undefined;
        const noRepack = hasPgRepack
            ? 'pg_repack needs a primary key or a unique index on NOT NULL columns'
            : 'the pg_repack extension is not installed in this database';
        steps.set(table, {
            kind: 'vacuum-full',
            object: table,
            statement: `VACUUM (FULL, ANALYZE) ${table}`,
            mode: guard ? 'report' : 'apply',
            why: `${why}; ${noRepack}${guard ? `; not applied: ${guard}` : ''}`,
            figures,
            source,
            lock: 'ACCESS EXCLUSIVE on the table for the whole rewrite: reads and writes wait (lock-timeout bounds only the wait for it)',
            estimatedSeconds,
            expectedGain,
        });
    }
    return steps;
}
//# sourceMappingURL=table-rebuild.js.map
;// CONCATENATED MODULE: ./packages/core/lib/maintenance/plan.js












const DEFAULT_THRESHOLDS = {
    deadTupleRatio: 0.2,
    minDeadTuples: 1000,
    staleStatsRatio: 0.2,
    minModifiedRows: 1000,
    xidAge: 150_000_000,
    indexBloatRatio: 0.5,
    minIndexBytes: 10 * 1024 * 1024,
    sequenceUsedRatio: 0.8,
    tableBloatRatio: 0.5,
    minTableBytes: 10 * 1024 * 1024,
    minSeqScans: 100,
    autovacuumLagSeconds: 86_400,
};
/**
 * Reads the database through `client` and returns the steps, in the order they should run. A table that gets an
 * 'apply' rebuild (pg_repack, VACUUM FULL) gets no VACUUM and its indexes no REINDEX: the rebuild does both; only a
 * freeze it needs is planned after it too, which apply runs when the rebuild was not applied. What an
 * interrupted pg_repack left comes first (a rebuild of the same table is refused until it is gone), and pg_repack's
 * own work tables (schema repack) are never vacuumed, rebuilt or reindexed.
 */
async function planMaintenance(client, thresholds = DEFAULT_THRESHOLDS, rebuildPolicy = DEFAULT_REBUILD_POLICY, monitor) {
    const steps = [];
    const { byObject, ignored } = monitor
        ? await findingsByObject(client, monitor)
        : { byObject: new Map(), ignored: [] };
    const flagged = (object, checks) => findingsOf(byObject, object, checks).length > 0;
    const extensions = await installedExtensions(client);
    if (extensions.has('pg_repack'))
        steps.push(...repackLeftoverSteps(await repackLeftovers(client)));
    const users = (rows, name) => rows.filter((r) => !isRepackWorkTable(r.schema, name(r)));
    const health = users(await tableHealth(client), (t) => t.name);
    const bloatInputs = users(await tableBloatInputs(client, thresholds.minTableBytes), (t) => t.name);
    const rebuilds = planTableRebuilds(bloatInputs, thresholds.tableBloatRatio, extensions.has('pg_repack'), rebuildPolicy, extensions.has('pgstattuple') ? await measureTables(client, bloatInputs) : undefined, (table) => flagged(table, RAISING_CHECKS.bloat));
    const rebuilt = (table) => rebuilds.get(table)?.mode === 'apply';
    for (const t of health) {
        const table = (0,step_figures/* qualified */.LX)(t.schema, t.name);
        const rebuild = rebuilds.get(table);
        if (rebuild)
            steps.push(rebuild);
        if (t.xidAge >= thresholds.xidAge || flagged(table, RAISING_CHECKS.freeze)) {
            // Planned after the rebuild too: a rebuild skipped (lock, window) or failed must not leave the table unfrozen.
            // When it is applied, apply skips this step (a rewrite freezes the table as well).
            const fallback = rebuilt(table) ? '; runs only if the rebuild before it is not applied' : '';
            steps.push({
                kind: 'vacuum-freeze',
                object: table,
                statement: `VACUUM (FREEZE, ANALYZE) ${table}`,
                mode: 'apply',
                why: `transaction-ID age ${t.xidAge}${t.xidAge >= thresholds.xidAge ? ` ≥ ${thresholds.xidAge}` : `, below ${thresholds.xidAge}`}${fallback}`,
                figures: { xidAge: t.xidAge, bytes: t.bytes },
                lock: step_figures/* SHARE_UPDATE_EXCLUSIVE */.r2,
                estimatedSeconds: (0,step_figures/* seconds */.YA)(t.bytes, step_figures/* VACUUM_BYTES_PER_S */.WS),
                expectedGain: 'resets the table’s transaction-ID age, keeping it far from wraparound',
            });
            continue;
        }
        if (rebuilt(table))
            continue; // a rewrite also analyzes
        const total = t.liveTuples + t.deadTuples;
        const deadRatio = total === 0 ? 0 : t.deadTuples / total;
        const staleRatio = t.modifiedSinceAnalyze / Math.max(t.liveTuples, 1);
        const dead = deadRatio >= thresholds.deadTupleRatio && t.deadTuples >= thresholds.minDeadTuples;
        const stale = staleRatio >= thresholds.staleStatsRatio && t.modifiedSinceAnalyze >= thresholds.minModifiedRows;
        if (!dead && !stale && !flagged(table, RAISING_CHECKS.vacuum))
            continue;
        const reasons = [
            dead && `${t.deadTuples} dead tuples, ${(0,step_figures/* pct */.Oe)(deadRatio)} of ${total} (≥ ${(0,step_figures/* pct */.Oe)(thresholds.deadTupleRatio)})`,
            stale && `${t.modifiedSinceAnalyze} rows modified since the last ANALYZE, ${(0,step_figures/* pct */.Oe)(staleRatio)} of the live rows`,
        ].filter(Boolean);
        steps.push({
            kind: 'vacuum-analyze',
            object: table,
            statement: `VACUUM (ANALYZE) ${table}`,
            mode: 'apply',
            why: reasons.length > 0 ? reasons.join('; ') : `${t.deadTuples} dead tuples, below the plan's thresholds`,
            figures: {
                liveTuples: t.liveTuples,
                deadTuples: t.deadTuples,
                deadRatio,
                modifiedSinceAnalyze: t.modifiedSinceAnalyze,
                bytes: t.bytes,
            },
            lock: step_figures/* SHARE_UPDATE_EXCLUSIVE */.r2,
            estimatedSeconds: (0,step_figures/* seconds */.YA)(t.bytes, step_figures/* VACUUM_BYTES_PER_S */.WS),
            expectedGain: dead
                ? `about ${(0,step_figures.mb)(t.bytes * deadRatio)} made reusable, fresh planner statistics`
                : 'fresh planner statistics',
        });
    }
    for (const i of users(await invalidIndexes(client), (i) => i.table)) {
        const index = (0,step_figures/* qualified */.LX)(i.schema, i.name);
        // The transient copy of an interrupted REINDEX CONCURRENTLY: PostgreSQL's advice is to drop it, not rebuild it.
        if (/_cc(new|old)\d*$/.test(i.name)) {
            steps.push({
                ...dropIndex('drop-invalid-leftover', index, i.bytes),
                mode: 'apply',
                why: `invalid index on ${(0,step_figures/* qualified */.LX)(i.schema, i.table)} left by an interrupted REINDEX CONCURRENTLY: maintained on every write, never used`,
                figures: { bytes: i.bytes },
            });
            continue;
        }
        // REINDEX cannot make it valid (PostgreSQL 14+ would rebuild every partition's index each run, 12-13 refuse).
        if (i.partitioned) {
            steps.push({
                ...reindex('reindex-invalid', index, i.bytes),
                mode: 'report',
                statement: `ALTER INDEX ${index} ATTACH PARTITION <the matching index of each partition of ${(0,step_figures/* qualified */.LX)(i.schema, i.table)} not attached yet>`,
                why: `invalid index on the partitioned table ${(0,step_figures/* qualified */.LX)(i.schema, i.table)} (created ON ONLY the parent): it becomes valid once an index of every partition is attached to it`,
                figures: { bytes: i.bytes },
                expectedGain: 'a usable index on the partitioned table',
            });
            continue;
        }
        steps.push({
            ...reindex('reindex-invalid', index, i.bytes),
            why: `invalid index on ${(0,step_figures/* qualified */.LX)(i.schema, i.table)} (left by a failed CREATE INDEX CONCURRENTLY): maintained on every write, never used by queries`,
            figures: { bytes: i.bytes },
            expectedGain: 'a usable index; if the rebuild fails again (e.g. duplicates under a unique index), drop it',
        });
    }
    for (const i of users(await btreeIndexSizes(client, thresholds.minIndexBytes), (i) => i.table)) {
        const bloat = 1 - i.expectedBytes / i.bytes;
        if (bloat < thresholds.indexBloatRatio || rebuilt((0,step_figures/* qualified */.LX)(i.schema, i.table)))
            continue;
        const index = (0,step_figures/* qualified */.LX)(i.schema, i.name);
        steps.push({
            ...reindex('reindex-bloated', index, i.bytes),
            why: `estimated bloat ${(0,step_figures/* pct */.Oe)(bloat)}: ${(0,step_figures.mb)(i.bytes)} where a fresh build would take about ${(0,step_figures.mb)(i.expectedBytes)}`,
            figures: { bytes: i.bytes, expectedBytes: i.expectedBytes, bloatRatio: bloat },
            expectedGain: `about ${(0,step_figures.mb)(i.bytes - i.expectedBytes)} freed`,
        });
    }
    for (const group of users(await duplicateIndexes(client), (g) => g.table)) {
        const [kept, ...duplicates] = group.indexes;
        // A constraint's index, or one attached to a partitioned index: DROP INDEX refuses it.
        for (const d of duplicates.filter((d) => !d.locked)) {
            const index = (0,step_figures/* qualified */.LX)(d.schema, d.name);
            steps.push({
                ...(d.partitioned
                    ? dropPartitionedIndex('drop-duplicate-index', index, d.bytes)
                    : dropIndex('drop-duplicate-index', index, d.bytes)),
                why: `same key and INCLUDE columns, operator classes, sort orders and predicate as ${(0,step_figures/* qualified */.LX)(kept.schema, kept.name)} on ${(0,step_figures/* qualified */.LX)(group.schema, group.table)}`,
                figures: { bytes: d.bytes },
            });
        }
    }
    for (const i of users(await unusedIndexes(client, thresholds.minIndexBytes), (i) => i.table)) {
        const index = (0,step_figures/* qualified */.LX)(i.schema, i.name);
        steps.push({
            ...dropIndex('drop-unused-index', index, i.bytes),
            why: `never scanned since statistics were last reset (check replicas before dropping): ${(0,step_figures.mb)(i.bytes)}`,
            figures: { bytes: i.bytes, scans: i.scans },
        });
    }
    for (const s of await sequenceUsage(client))
        steps.push(...sequenceSteps(s, thresholds, flagged));
    steps.push(...foreignKeyIndexSteps(users(await unindexedForeignKeys(client, thresholds.minTableBytes, thresholds.minSeqScans), (k) => k.table)), ...autovacuumSteps(health, thresholds.minDeadTuples, thresholds.autovacuumLagSeconds));
    if (!monitor)
        return { steps };
    const named = attachFindings(steps, byObject, monitor.generatedAt);
    const unanswered = named.unused.map((f) => `${f.check} ${f.subject}: no maintenance step answers this check`);
    return {
        steps: named.steps,
        monitor: {
            file: monitor.file,
            generatedAt: monitor.generatedAt,
            used: monitor.findings.length - ignored.length - named.unused.length,
            ignored: [...ignored, ...unanswered],
        },
    };
}
/**
 * The report's findings by the plan's name of their subject. A report of another database (by name, host and port as
 * each run connected) is refused; a subject that
 * is no relation here (a database, a setting, a session, a table dropped since) is ignored, and said.
 */
async function findingsByObject(client, monitor) {
    const { rows } = await client.query('select current_database() as name');
    // By name alone, a report of another server's database of the same name (staging's "shop" for production's)
    // would raise steps here from figures that are not this database's.
    const here = `database '${rows[0].name}' on ${client.host}:${client.port}`;
    const there = `database '${monitor.database}' on ${monitor.host}:${monitor.port}`;
    if (here !== there)
        throw (0,errors/* invalidInput */.aY)('monitor-report', `names '${monitor.file}', a report of ${there}, but this run maintains ${here}`, 'the report.json of a monitor-report run on the same database, through the same host and port');
    const names = await resolveRelations(client, monitor.findings.map((f) => f.subject));
    const byObject = new Map();
    const ignored = [];
    for (const f of monitor.findings) {
        const object = names.get(f.subject);
        if (!object) {
            ignored.push(`${f.check} ${f.subject}: not a table, index or sequence of this database`);
            continue;
        }
        byObject.set(object, [...(byObject.get(object) ?? []), f]);
    }
    return { byObject: byObject, ignored };
}
/**
 * A sequence near its limit: the smaller of its own maximum and the largest value of the int2/int4 columns it fills.
 * The statement widens whatever sets that limit: the columns (ALTER TABLE rewrites the table), the sequence, or both.
 */
function sequenceSteps(s, thresholds, flagged) {
    const limit = Math.min(s.maxValue, ...s.columns.map((c) => c.maxValue));
    const used = s.lastValue / limit;
    const sequence = (0,step_figures/* qualified */.LX)(s.schema, s.name);
    if (used < thresholds.sequenceUsedRatio && !flagged(sequence, RAISING_CHECKS.sequence))
        return [];
    const columns = s.columns.map((c) => ({ ...c, name: `${(0,step_figures/* qualified */.LX)(c.schema, c.table)}.${(0,inventory/* quoteIdent */.v4)(c.column)}` }));
    const statements = [
        ...columns.map((c) => `ALTER TABLE ${(0,step_figures/* qualified */.LX)(c.schema, c.table)} ALTER COLUMN ${(0,inventory/* quoteIdent */.v4)(c.column)} TYPE bigint`),
        ...(s.maxValue <= limit || s.dataType !== 'bigint'
            ? [`ALTER SEQUENCE ${sequence} AS bigint MAXVALUE 9223372036854775807`]
            : []),
    ];
    const narrowest = columns.find((c) => c.maxValue === limit && limit < s.maxValue);
    const of = narrowest
        ? `maximum ${limit}, the largest ${narrowest.dataType} of column ${narrowest.name} it fills (the sequence itself goes up to ${s.maxValue}, ${s.dataType})`
        : `maximum ${s.maxValue} (${s.dataType})`;
    const also = columns.length > 0 ? '' : '; the columns it fills must be bigint too';
    const tableBytes = columns.reduce((sum, c) => sum + c.bytes, 0);
    return [
        {
            kind: 'widen-sequence',
            object: sequence,
            statement: statements.join('; '),
            mode: 'report',
            why: `${(0,step_figures/* pct */.Oe)(used)} used: last value ${s.lastValue} of ${of}${also}`,
            figures: { lastValue: s.lastValue, maxValue: limit, usedRatio: used },
            lock: columns.length > 0
                ? 'ACCESS EXCLUSIVE on each table for the rewrite of its column (reads and writes wait); on the sequence, briefly'
                : 'ACCESS EXCLUSIVE on the sequence, briefly',
            estimatedSeconds: columns.length > 0 ? (0,step_figures/* seconds */.YA)(tableBytes, step_figures/* REWRITE_BYTES_PER_S */.Pr) : 1,
            expectedGain: 'nextval() and the inserts it serves keep working instead of failing when the maximum is reached',
        },
    ];
}
/** What every concurrent rebuild of an index shares: applied, one lock level, time by size. */
function reindex(kind, index, bytes) {
    return {
        kind,
        object: index,
        statement: `REINDEX INDEX CONCURRENTLY ${index}`,
        mode: 'apply',
        lock: step_figures/* SHARE_UPDATE_EXCLUSIVE */.r2,
        estimatedSeconds: (0,step_figures/* seconds */.YA)(bytes, step_figures/* REINDEX_BYTES_PER_S */.Ot),
    };
}
/** What every suggested index drop shares: reported, never applied. */
function dropIndex(kind, index, bytes) {
    return {
        kind,
        object: index,
        statement: `DROP INDEX CONCURRENTLY ${index}`,
        mode: 'report',
        lock: 'SHARE UPDATE EXCLUSIVE on the table, briefly ACCESS EXCLUSIVE on the index',
        estimatedSeconds: 1,
        expectedGain: `${(0,step_figures.mb)(bytes)} freed and one index fewer to maintain on every write`,
    };
}
/**
 * A partitioned table's index: PostgreSQL refuses DROP INDEX CONCURRENTLY for it, so the drop is a plain one, which
 * drops every partition's index with it under the locks that takes. Reported, never applied, like every drop.
 */
function dropPartitionedIndex(kind, index, bytes) {
    return {
        ...dropIndex(kind, index, bytes),
        statement: `DROP INDEX ${index}`,
        lock: 'ACCESS EXCLUSIVE on the partitioned table and each of its partitions until the drop commits (reads and writes wait): PostgreSQL refuses CONCURRENTLY for a partitioned index',
        expectedGain: `${(0,step_figures.mb)(bytes)} freed (its partitions' indexes) and one index fewer to maintain on every write to each partition`,
    };
}
//# sourceMappingURL=plan.js.map
;// CONCATENATED MODULE: ./packages/core/lib/operations/maintenance.js






/**
 * maintenance: plans from the live database (maintenance/plan.ts); with apply, inside the window, runs the 'apply'
 * steps one at a time under lock and statement timeouts (maintenance/apply.ts). 'report' steps are never run.
 */
async function maintenance(options) {
    const { log, target, signal } = options;
    options.secrets.add(target.password);
    const now = options.now ?? (() => new Date());
    // max-runtime is the run's: planning (a big catalog, a monitor report) spends it too.
    const startedAt = now().getTime();
    const context = { log, ...(signal ? { signal } : {}) };
    const document = (0,databases/* engineFor */.Ec)(target);
    if (target.engine !== 'postgresql' && options.monitorFindings)
        throw (0,errors/* invalidInput */.aY)('monitor-report', 'is used for PostgreSQL only: no MongoDB maintenance step answers a monitor-report finding yet', 'leave monitor-report unset for a MongoDB database');
    if (target.engine !== 'postgresql' && document.withMaintenanceSession)
        return document.withMaintenanceSession(target, context, (session) => documentMaintenance(session, options, now, startedAt));
    const engine = (0,databases/* sqlEngineFor */.mO)(target, 'maintenance');
    return engine.withSqlSession(target, context, async (client) => {
        const { steps: plan, monitor } = await planUnderLockTimeout(client, options);
        const result = { ...planned(plan, options, now), ...(monitor ? { monitor } : {}) };
        if (!shouldApply(result, options))
            return result;
        const outcomes = await applySteps(client, plan, {
            lockTimeoutMs: options.lockTimeoutMs,
            statementTimeoutMs: options.statementTimeoutMs,
            maxRuntimeMs: options.maxRuntimeMs,
            startedAt,
            ...(options.maxReplicationLagMs === undefined ? {} : { maxReplicationLagMs: options.maxReplicationLagMs }),
            ...(options.maintenanceWorkMemBytes === undefined
                ? {}
                : { maintenanceWorkMemBytes: options.maintenanceWorkMemBytes }),
            now,
            log,
            target,
            env: options.env ?? {},
            ...(options.window ? { window: options.window } : {}),
            ...(signal ? { signal } : {}),
        });
        return finished(result, outcomes, signal);
    });
}
/** MongoDB: the plan per collection (validate, compact, index rebuilds) and its commands, with the same window and budget. */
async function documentMaintenance(session, options, now, startedAt) {
    const settings = {
        validateFull: options.validateFull ?? false,
        minFreeRatio: options.thresholds.tableBloatRatio,
        minStorageBytes: options.thresholds.minTableBytes,
        minIndexFreeRatio: options.thresholds.indexBloatRatio,
        minIndexBytes: options.thresholds.minIndexBytes,
    };
    const plan = await session.plan(settings, options.statementTimeoutMs);
    const result = planned(plan, options, now);
    if (!shouldApply(result, options))
        return result;
    const outcomes = await applyCommandSteps(session, plan, {
        statementTimeoutMs: options.statementTimeoutMs,
        maxRuntimeMs: options.maxRuntimeMs,
        startedAt,
        now,
        log: options.log,
        ...(options.window ? { window: options.window } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
    });
    return finished(result, outcomes, options.signal);
}
function planned(plan, options, now) {
    const at = now();
    const window = options.window && {
        text: options.windowText ?? options.window.rules.map((r) => r.text).join(', '),
        open: options.window.contains(at),
        next: options.window.next(at),
    };
    return { apply: options.apply, plan, outcomes: [], ...(window ? { window } : {}) };
}
/** Apply runs when asked, the plan has 'apply' steps and the window (if any) is open; outside it, a warning. */
function shouldApply(result, options) {
    if (!options.apply || result.plan.every((s) => s.mode !== 'apply'))
        return false;
    const window = result.window;
    if (window && !window.open) {
        options.log.warn(`Outside the maintenance window '${window.text}': nothing was applied. It opens next at ${window.next.start.toISOString()}.`);
        return false;
    }
    return true;
}
function finished(result, outcomes, signal) {
    if (signal?.aborted)
        throw (0,errors/* cancelled */.KW)('Steps already applied stay applied; run it again to finish the plan.');
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length === 0)
        return { ...result, outcomes };
    const failure = new errors/* DbopsError */.zJ('CHECK_FAILED', `${failed.length} maintenance step(s) failed; the first: ${failed[0].statement}: ${failed[0].reason}`, { hint: 'See the summary for each step; an invalid index a failed rebuild left is dropped by the next run.' });
    return { ...result, outcomes, failure };
}
/**
 * The plan reads sizes (pg_relation_size), which waits behind an ACCESS EXCLUSIVE lock: under lock-timeout, a table
 * locked by another session makes the run fail fast, naming the limit, instead of waiting in the lock queue.
 */
async function planUnderLockTimeout(client, options) {
    await setTimeouts(client, options.lockTimeoutMs, options.statementTimeoutMs);
    try {
        return await planMaintenance(client, options.thresholds, options.rebuildPolicy, options.monitorFindings);
    }
    catch (error) {
        if (error.code !== '55P03')
            throw error;
        throw new errors/* DbopsError */.zJ('TIMEOUT', `Planning waited longer than lock-timeout (${options.lockTimeoutMs} ms) to read a table's size: another session holds an ACCESS EXCLUSIVE lock on it`, {
            input: 'lock-timeout',
            hint: 'Run again when that session has finished (pg_locks shows it), or raise lock-timeout.',
            cause: error,
        });
    }
}
//# sourceMappingURL=maintenance.js.map
// EXTERNAL MODULE: ./packages/core/lib/report/result.js
var report_result = __webpack_require__(97343);
;// CONCATENATED MODULE: ./packages/core/lib/report/maintenance-summary.js


/** What maintenance shows: the plan (why, lock, estimate, gain) and, after an apply, each step's outcome. */
function maintenanceSummary(result) {
    const counts = maintenanceCounts(result);
    const closed = result.apply && result.window && !result.window.open && counts.planned > 0;
    const status = result.failure ? 'failure' : closed || counts.skipped > 0 ? 'warning' : 'ok';
    return {
        status,
        title: title(result, counts, Boolean(closed)),
        text: `${counts.planned} step(s) to apply, ${counts.reported} to decide by hand; ${counts.applied} applied, ${counts.skipped} skipped, ${counts.failed} failed.`,
        blocks: [
            ...windowBlocks(result, Boolean(closed)),
            ...monitorBlocks(result),
            ...planBlocks(result),
            ...outcomeBlocks(result.outcomes),
        ],
    };
}
/** The action's outputs. */
function maintenanceOutputs(result) {
    const counts = maintenanceCounts(result);
    return {
        'steps-planned': String(counts.planned),
        'steps-applied': String(counts.applied),
        'steps-skipped': String(counts.skipped),
        'steps-failed': String(counts.failed),
        'next-window': result.window ? result.window.next.start.toISOString() : '',
    };
}
function maintenanceCounts(result) {
    const count = (status) => result.outcomes.filter((o) => o.status === status).length;
    return {
        planned: result.plan.filter((s) => s.mode === 'apply').length,
        reported: result.plan.filter((s) => s.mode === 'report').length,
        applied: count('applied'),
        skipped: count('skipped'),
        failed: count('failed'),
    };
}
function title(result, counts, closed) {
    if (!result.apply)
        return `Maintenance plan (dry run): ${counts.planned} step(s) to apply`;
    if (closed)
        return 'Maintenance not applied: outside the window';
    if (result.failure)
        return 'Maintenance failed';
    return `Maintenance applied ${counts.applied} of ${counts.planned} step(s)`;
}
function windowBlocks(result, closed) {
    const w = result.window;
    if (!w)
        return [];
    const state = w.open
        ? `open until ${w.next.end.toISOString()}`
        : `closed; opens next at ${w.next.start.toISOString()}`;
    const blocks = [{ kind: 'facts', rows: [['Window', [(0,report_result/* code */.aY)(w.text), ` ${state}`]]] }];
    if (closed)
        blocks.push({ kind: 'note', text: `Nothing was applied: steps start only inside the window.` });
    return blocks;
}
function monitorBlocks(result) {
    const m = result.monitor;
    if (!m)
        return [];
    const blocks = [
        {
            kind: 'facts',
            rows: [
                [
                    'Monitor report',
                    [(0,report_result/* code */.aY)(m.file), ` of ${m.generatedAt}: ${m.used} finding(s) named a step, ${m.ignored.length} none`],
                ],
            ],
        },
    ];
    if (m.ignored.length)
        blocks.push({ kind: 'note', text: `Findings no step answers: ${m.ignored.join('; ')}` });
    return blocks;
}
function planBlocks(result) {
    if (result.plan.length === 0)
        return [{ kind: 'note', text: 'Nothing to do: no finding passed its threshold.' }];
    return [
        { kind: 'heading', text: 'Plan' },
        {
            kind: 'table',
            columns: ['Statement', 'Mode', 'Why', 'Lock', 'Estimate', 'Expected gain'],
            rows: result.plan.map((s) => [
                (0,report_result/* code */.aY)(s.statement),
                s.mode,
                s.why,
                s.lock,
                (0,format/* formatSeconds */.Xo)(s.estimatedSeconds),
                s.expectedGain,
            ]),
        },
    ];
}
function outcomeBlocks(outcomes) {
    if (outcomes.length === 0)
        return [];
    const size = (o) => o.before && o.after ? `${(0,format/* formatBytes */.z3)(o.before.bytes)} → ${(0,format/* formatBytes */.z3)(o.after.bytes)}` : '';
    const blocks = [
        { kind: 'heading', text: 'Applied' },
        {
            kind: 'table',
            columns: ['Statement', 'Outcome', 'Size', 'Duration', 'Reason or result'],
            rows: outcomes.map((o) => [
                (0,report_result/* code */.aY)(o.statement),
                [{ status: o.status === 'applied' ? 'ok' : o.status === 'skipped' ? 'warning' : 'failure' }, ` ${o.status}`],
                size(o),
                o.seconds === undefined ? '' : (0,format/* formatSeconds */.Xo)(o.seconds),
                o.reason ?? o.result ?? '',
            ]),
        },
    ];
    const cleaned = outcomes.filter((o) => o.kind !== 'drop-repack-leftovers').flatMap((o) => o.cleanedUp ?? []);
    const left = outcomes.filter((o) => o.kind !== 'repack-table').flatMap((o) => o.leftOver ?? []);
    if (cleaned.length)
        blocks.push({ kind: 'note', text: `Dropped invalid indexes failed rebuilds left: ${cleaned.join(', ')}` });
    if (left.length)
        blocks.push({
            kind: 'note',
            text: `Invalid indexes failed rebuilds left that could not be dropped (the next run drops them): ${left.join(', ')}`,
        });
    for (const o of outcomes.filter((o) => o.kind === 'repack-table' && o.leftOver?.length))
        blocks.push({
            kind: 'note',
            text: `pg_repack failed on ${o.object} and left ${o.leftOver.join(', ')}: its trigger logs every write to the table until they are removed (the next run removes them first)`,
        });
    return blocks;
}
//# sourceMappingURL=maintenance-summary.js.map
// EXTERNAL MODULE: ./packages/core/lib/definitions/connection-inputs.js
var connection_inputs = __webpack_require__(47518);
// EXTERNAL MODULE: ./packages/core/lib/duration.js
var duration = __webpack_require__(50429);
// EXTERNAL MODULE: ./packages/core/lib/size.js
var size = __webpack_require__(50404);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/maintenance-inputs.js




/** The maintenance action's guards: how long a step may wait for its lock and run, and how long the whole run. */
const MAINTENANCE_GUARD_INPUTS = [
    {
        name: 'lock-timeout',
        description: 'lock_timeout for every step: a step that cannot get its lock in this time is skipped and reported, never left queued in front of the application.',
        type: 'duration',
        default: '5s',
    },
    {
        name: 'statement-timeout',
        description: 'statement_timeout for every step; a step is also ended when the window or max-runtime runs out.',
        type: 'duration',
        default: '1h',
    },
    {
        name: 'max-runtime',
        description: 'Time budget of the run: no step starts whose estimate would pass it.',
        type: 'duration',
        default: '1h',
    },
    {
        name: 'max-replication-lag',
        description: "Before each step, while a standby's replay lag exceeds this the run pauses; it stops when the window or max-runtime cannot cover the wait.",
        type: 'duration',
        default: '30s',
    },
    {
        name: 'maintenance-work-mem',
        description: "PostgreSQL's maintenance_work_mem for the run's session (VACUUM, index rebuilds), at least 1MB. The server's setting when unset.",
        type: 'size',
    },
];
const percent = (name, description, ratio) => ({
    name,
    description,
    type: 'integer',
    min: 0,
    max: 100,
    default: String(Math.round(ratio * 100)),
});
const count = (name, description, value) => ({
    name,
    description,
    type: 'integer',
    min: 0,
    default: String(value),
});
/** The plan's thresholds (docs/maintenance.md), each an input with the plan's default. */
const MAINTENANCE_THRESHOLD_INPUTS = [
    percent('dead-tuple-percent', 'A table is vacuumed when dead tuples are at least this % of its rows…', DEFAULT_THRESHOLDS.deadTupleRatio),
    count('min-dead-tuples', '…and at least this many.', DEFAULT_THRESHOLDS.minDeadTuples),
    percent('stale-stats-percent', 'Statistics are stale when rows modified since ANALYZE are at least this % of the live rows…', DEFAULT_THRESHOLDS.staleStatsRatio),
    count('min-modified-rows', '…and at least this many.', DEFAULT_THRESHOLDS.minModifiedRows),
    count('xid-age', 'A table is frozen (VACUUM FREEZE) when its transaction-ID age reaches this.', DEFAULT_THRESHOLDS.xidAge),
    percent('index-bloat-percent', 'A B-tree index is rebuilt (REINDEX CONCURRENTLY) when its estimated bloat reaches this %…', DEFAULT_THRESHOLDS.indexBloatRatio),
    {
        name: 'min-index-size',
        description: '…and it is at least this big; also the smallest unused index reported.',
        type: 'size',
        default: '10MB',
    },
    percent('sequence-used-percent', 'A sequence is reported when it has used this % of its range.', DEFAULT_THRESHOLDS.sequenceUsedRatio),
    percent('table-bloat-percent', 'A table is rebuilt (pg_repack, or VACUUM FULL when allowed) when its estimated bloat reaches this %…', DEFAULT_THRESHOLDS.tableBloatRatio),
    {
        name: 'min-table-size',
        description: '…and it is at least this big; also the smallest table whose unindexed foreign keys are reported.',
        type: 'size',
        default: '10MB',
    },
    count('min-seq-scans', 'A foreign key without an index is reported when its table was sequentially scanned this often.', DEFAULT_THRESHOLDS.minSeqScans),
    {
        name: 'autovacuum-lag',
        description: 'Autovacuum settings are suggested for a table past its autovacuum threshold that was not vacuumed for this long.',
        type: 'duration',
        default: '1d',
    },
];
/** Table rebuilds without pg_repack: VACUUM FULL locks the table for the whole rewrite, so off unless allowed. */
const MAINTENANCE_REBUILD_INPUTS = [
    {
        name: 'allow-vacuum-full',
        description: 'Let apply rebuild a bloated table with VACUUM FULL when pg_repack is not installed (reads and writes wait for the whole rewrite). false: reported only.',
        type: 'boolean',
        default: 'false',
    },
    {
        name: 'vacuum-full-max-size',
        description: 'Largest table VACUUM FULL is applied to, counting its indexes and TOAST (VACUUM FULL rewrites them all, and needs that much free disk); bigger ones are reported only.',
        type: 'size',
        default: '1GB',
    },
];
/** MongoDB only. */
const MAINTENANCE_MONGODB_INPUTS = [
    {
        name: 'validate-full',
        description: "MongoDB: validate each collection with { full: true }, which also checks the storage engine's structures (slower).",
        type: 'boolean',
        default: 'false',
    },
];
function readRebuildPolicy(reader) {
    return {
        allowVacuumFull: reader.boolean('allow-vacuum-full'),
        vacuumFullMaxBytes: (0,size/* parseSize */.DB)(reader.optional('vacuum-full-max-size'), 'vacuum-full-max-size'),
    };
}
/** PostgreSQL's bounds of maintenance_work_mem: 1024 kB to 2147483647 kB. */
const MIN_WORK_MEM = 1024 * 1024;
const MAX_WORK_MEM = 2147483647 * 1024;
function readGuards(reader) {
    const workMemText = reader.optional('maintenance-work-mem');
    const workMem = workMemText === undefined ? undefined : (0,size/* parseSize */.DB)(workMemText, 'maintenance-work-mem');
    if (workMem !== undefined && (workMem < MIN_WORK_MEM || workMem > MAX_WORK_MEM))
        throw (0,errors/* invalidInput */.aY)('maintenance-work-mem', `'${workMemText}' is outside what PostgreSQL takes`, 'a size from 1MB to 2TB, e.g. 256MB or 1GB');
    // 0 is no guard at all: PostgreSQL takes a lock_timeout of 0 as "wait forever", in front of the application.
    const guard = (name, example) => {
        const text = reader.optional(name);
        const ms = (0,duration/* parseTimeoutMs */.DS)(text, name, example);
        if (ms === 0)
            throw (0,errors/* invalidInput */.aY)(name, `is '${text}', which would turn this guard off`, `a duration above 0, e.g. ${example}`);
        return ms;
    };
    return {
        lockTimeoutMs: guard('lock-timeout', '5s'),
        statementTimeoutMs: guard('statement-timeout', '1h'),
        maxRuntimeMs: guard('max-runtime', '90m'),
        maxReplicationLagMs: (0,duration/* parseTimeoutMs */.DS)(reader.optional('max-replication-lag'), 'max-replication-lag', '30s'),
        ...(workMem === undefined ? {} : { maintenanceWorkMemBytes: workMem }),
    };
}
function readThresholds(reader) {
    const ratio = (name) => reader.integer(name) / 100;
    return {
        deadTupleRatio: ratio('dead-tuple-percent'),
        minDeadTuples: reader.integer('min-dead-tuples'),
        staleStatsRatio: ratio('stale-stats-percent'),
        minModifiedRows: reader.integer('min-modified-rows'),
        xidAge: reader.integer('xid-age'),
        indexBloatRatio: ratio('index-bloat-percent'),
        minIndexBytes: (0,size/* parseSize */.DB)(reader.optional('min-index-size'), 'min-index-size'),
        sequenceUsedRatio: ratio('sequence-used-percent'),
        tableBloatRatio: ratio('table-bloat-percent'),
        minTableBytes: (0,size/* parseSize */.DB)(reader.optional('min-table-size'), 'min-table-size'),
        minSeqScans: reader.integer('min-seq-scans'),
        autovacuumLagSeconds: (0,duration/* parseDuration */.E9)(reader.optional('autovacuum-lag'), 'autovacuum-lag'),
    };
}
//# sourceMappingURL=maintenance-inputs.js.map
// EXTERNAL MODULE: ./packages/core/lib/definitions/operation-context.js
var operation_context = __webpack_require__(28339);
// EXTERNAL MODULE: ./packages/core/lib/definitions/read-inputs.js + 1 modules
var read_inputs = __webpack_require__(98521);
;// CONCATENATED MODULE: ./packages/core/lib/definitions/maintenance.js








const inputs = [
    ...(0,connection_inputs/* connectionInputs */.eu)(),
    {
        name: 'apply',
        description: 'Run the plan\'s "apply" steps (VACUUM, REINDEX INDEX CONCURRENTLY, pg_repack, dropping what a failed rebuild or a killed pg_repack left). false: the plan only, nothing changes.',
        type: 'boolean',
        default: 'false',
    },
    {
        name: 'window',
        description: `When steps may start: ${maintenance_window_window/* WINDOW_FORM */.i}. Outside it an apply run changes nothing and says when it opens next. Any time when unset.`,
        type: 'string',
    },
    {
        name: 'monitor-report',
        description: "Path of a monitor-report JSON report (report.json; monitor-report's report-path output) of the same database: its findings that maintenance answers (dead tuples, stale vacuum or statistics, transaction-ID age, table bloat, invalid, unused or duplicate indexes, sequences) plan their steps even below the thresholds, name the finding in the step's why and run first, critical before warning. PostgreSQL only.",
        type: 'string',
    },
    ...MAINTENANCE_GUARD_INPUTS,
    ...MAINTENANCE_REBUILD_INPUTS,
    ...MAINTENANCE_THRESHOLD_INPUTS,
    ...MAINTENANCE_MONGODB_INPUTS,
];
const maintenanceDefinition = {
    name: 'maintenance',
    description: 'Plan database maintenance from the live database (PostgreSQL: VACUUM, REINDEX CONCURRENTLY, indexes and sequences to look at; MongoDB: validate, compact) and, with apply, run it inside a maintenance window under lock and statement timeouts.',
    inputs,
    outputs: [
        { name: 'steps-planned', description: 'Steps of the plan that apply may run.' },
        { name: 'steps-applied', description: 'Steps that ran to completion.' },
        { name: 'steps-skipped', description: 'Steps not run: lock not available, window or max-runtime too short.' },
        { name: 'steps-failed', description: 'Steps that failed (the run fails).' },
        { name: 'next-window', description: 'Start (ISO 8601, UTC) of the current or next window; empty without one.' },
    ],
    run: async (raw, context) => {
        const reader = new read_inputs/* InputReader */.i(inputs, raw, context.env);
        const windowText = reader.optional('window');
        const monitorReport = reader.optional('monitor-report');
        const result = await maintenance({
            target: await (0,connection_inputs/* readConnection */.dC)(reader),
            apply: reader.boolean('apply'),
            ...(windowText ? { window: (0,maintenance_window_window/* parseWindow */.E)(windowText, 'window'), windowText } : {}),
            thresholds: readThresholds(reader),
            rebuildPolicy: readRebuildPolicy(reader),
            validateFull: reader.boolean('validate-full'),
            ...(monitorReport ? { monitorFindings: await readMonitorFindings(monitorReport, 'monitor-report') } : {}),
            ...readGuards(reader),
            ...(0,operation_context/* operationContext */.L)(context),
        });
        return {
            outputs: maintenanceOutputs(result),
            results: [maintenanceSummary(result)],
            json: result,
            ...(result.failure ? { failure: result.failure } : {}),
        };
    },
};
//# sourceMappingURL=maintenance.js.map

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

/***/ 53059:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LX: () => (/* binding */ qualified),
/* harmony export */   Oe: () => (/* binding */ pct),
/* harmony export */   Ot: () => (/* binding */ REINDEX_BYTES_PER_S),
/* harmony export */   Pr: () => (/* binding */ REWRITE_BYTES_PER_S),
/* harmony export */   WS: () => (/* binding */ VACUUM_BYTES_PER_S),
/* harmony export */   YA: () => (/* binding */ seconds),
/* harmony export */   mb: () => (/* binding */ mb),
/* harmony export */   r2: () => (/* binding */ SHARE_UPDATE_EXCLUSIVE)
/* harmony export */ });
/* harmony import */ var _databases_postgres_inventory_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(96443);
// How steps state their figures and estimates: one place, so every step reads alike.

// Rough throughputs on ordinary disks, for an order of magnitude, not a promise.
const VACUUM_BYTES_PER_S = 100 * 1024 * 1024;
const REINDEX_BYTES_PER_S = 30 * 1024 * 1024;
/** A full rewrite: the table copied, then every index built again. */
const REWRITE_BYTES_PER_S = 40 * 1024 * 1024;
const SHARE_UPDATE_EXCLUSIVE = 'SHARE UPDATE EXCLUSIVE on the table (reads and writes continue; DDL waits)';
const seconds = (bytes, rate) => Math.max(1, Math.ceil(bytes / rate));
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const pct = (ratio) => `${(ratio * 100).toFixed(0)}%`;
const qualified = (schema, name) => `${(0,_databases_postgres_inventory_js__WEBPACK_IMPORTED_MODULE_0__/* .quoteIdent */ .v4)(schema)}.${(0,_databases_postgres_inventory_js__WEBPACK_IMPORTED_MODULE_0__/* .quoteIdent */ .v4)(name)}`;
//# sourceMappingURL=step-figures.js.map

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
