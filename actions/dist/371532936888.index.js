export const id = 371532936888;
export const ids = [371532936888];
export const modules = {

/***/ 60188:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ createTableWhenMissing)
/* harmony export */ });
/**
 * Runs `create` (a CREATE TABLE) only when `table` is not there yet. CREATE TABLE IF NOT EXISTS checks CREATE on the
 * schema before it looks for the table, so a role that may use dbops's tables but not create any would be refused
 * by it on every run.
 */
async function createTableWhenMissing(client, table, create) {
    const { rows } = await client.query('SELECT to_regclass($1) IS NULL AS missing', [table]);
    if (rows[0].missing)
        await client.query(create);
}
//# sourceMappingURL=create-missing.js.map

/***/ }),

/***/ 42837:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Aq: () => (/* binding */ SALT_TABLE),
/* harmony export */   Bl: () => (/* binding */ ensureTombstoneTables),
/* harmony export */   Bm: () => (/* binding */ readTombstones),
/* harmony export */   K6: () => (/* binding */ recordTombstones),
/* harmony export */   K9: () => (/* binding */ completeTombstones),
/* harmony export */   Y_: () => (/* binding */ erases),
/* harmony export */   Zg: () => (/* binding */ withTombstones),
/* harmony export */   cX: () => (/* binding */ tombstoneHash)
/* harmony export */ });
/* unused harmony export TOMBSTONE_TABLE */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var _create_missing_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(60188);
/**
 * Tombstones: the keys of erased subjects and of rows a soft-delete rule erased, kept as salted hashes (never the
 * keys or any value) with the time of the erasure, in a table dbops owns. restore-test replays them on a restored
 * copy (databases/postgres/tombstone-check.ts), so an erased person who comes back with a backup is noticed.
 *
 * The hash is SHA-256 of `salt \n schema.table \n key`, the key as a legal hold's subject_id gives it. The salt is
 * random per database and stored in dbops_retention_salt: without it, a tombstone of a small integer key could be
 * found by hashing every integer.
 *
 * A tombstone commits with its erasure, but `erased_at` is the transaction's start (now()): a purge batch that
 * archives before it commits can start before a backup and commit after the backup's snapshot, which then rightly
 * holds the row while the live tombstone says it was erased before the backup. So each tombstone also gets
 * `completed_at`, set once the erasing transaction has committed (`completeTombstones`, later than the commit); a
 * backup that started before it may hold the row. A tombstone visible with `completed_at` null is one whose commit
 * was not yet followed by that update (a crash in between): the next erasure completes it.
 */


const TOMBSTONE_TABLE = 'public.dbops_retention_tombstones';
const SALT_TABLE = 'public.dbops_retention_salt';
function tombstoneHash(salt, schema, table, key) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(`${salt}\n${schema}.${table}\n${key}`, 'utf8').digest('hex');
}
/** Creates dbops's tombstone and salt tables when missing; returns the database's salt. */
async function ensureTombstoneTables(client) {
    await (0,_create_missing_js__WEBPACK_IMPORTED_MODULE_1__/* .createTableWhenMissing */ .b)(client, SALT_TABLE, `CREATE TABLE IF NOT EXISTS ${SALT_TABLE} (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    salt text NOT NULL)`);
    await (0,_create_missing_js__WEBPACK_IMPORTED_MODULE_1__/* .createTableWhenMissing */ .b)(client, TOMBSTONE_TABLE, `CREATE TABLE IF NOT EXISTS ${TOMBSTONE_TABLE} (
    table_schema text NOT NULL,
    table_name text NOT NULL,
    key_sha256 text NOT NULL,
    erased_at timestamptz NOT NULL DEFAULT now(),
    erased_by text NOT NULL,
    PRIMARY KEY (table_schema, table_name, key_sha256))`);
    await addCompletedAt(client);
    // Read first: a role that may read the salt need not be allowed to insert one.
    const salt = async () => (await client.query(`SELECT salt FROM ${SALT_TABLE}`)).rows[0]?.salt;
    const existing = await salt();
    if (existing !== undefined)
        return existing;
    await client.query(`INSERT INTO ${SALT_TABLE} (salt) VALUES ($1) ON CONFLICT DO NOTHING`, [
        (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(32).toString('hex'),
    ]);
    return (await salt());
}
/**
 * The completion column, added to tables from before it: their tombstones count as completed when they were written,
 * as they always did. Checked first, so the ALTER (and its lock) happens once per database, not per batch.
 */
async function addCompletedAt(client) {
    const { rows } = await client.query(`SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'completed_at' AND NOT attisdropped`, [TOMBSTONE_TABLE]);
    if (rows.length > 0)
        return;
    await client.query(`ALTER TABLE ${TOMBSTONE_TABLE} ADD COLUMN IF NOT EXISTS completed_at timestamptz`);
    await client.query(`UPDATE ${TOMBSTONE_TABLE} SET completed_at = erased_at WHERE completed_at IS NULL`);
    // Small: only the tombstones of erasures whose commit is not yet followed by completeTombstones.
    await client.query(`CREATE INDEX IF NOT EXISTS dbops_retention_tombstones_uncompleted ON ${TOMBSTONE_TABLE} (key_sha256) WHERE completed_at IS NULL`);
}
/**
 * After an erasing transaction has committed, outside it: every tombstone visible without `completed_at` gets the
 * time now. A tombstone commits only with its erasure, so all of them are of committed erasures: this run's, and any
 * a crash left before this step.
 */
async function completeTombstones(client) {
    await client.query(`UPDATE ${TOMBSTONE_TABLE} SET completed_at = clock_timestamp() WHERE completed_at IS NULL`);
}
/**
 * Records erased keys of `table` (regclass text) in the caller's transaction, so they commit with the erasure or not
 * at all. `by` says what erased them (`subject-erase`, `retention-purge:<rule>`). A key erased again keeps its
 * latest time.
 */
async function recordTombstones(client, table, keys, by) {
    if (keys.length === 0)
        return;
    const salt = await ensureTombstoneTables(client);
    const { rows } = await client.query(`SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1)`, [table]);
    const { schema, name } = rows[0];
    await client.query(`INSERT INTO ${TOMBSTONE_TABLE} (table_schema, table_name, key_sha256, erased_by)
     SELECT $1, $2, h, $4 FROM unnest($3::text[]) AS h
     ON CONFLICT (table_schema, table_name, key_sha256)
       DO UPDATE SET erased_at = excluded.erased_at, completed_at = NULL, erased_by = excluded.erased_by`, [schema, name, [...new Set(keys.map((k) => tombstoneHash(salt, schema, name, k)))], by]);
}
/** The database's tombstones, or undefined when it has none (no tombstone table). */
async function readTombstones(client) {
    const { rows: exists } = await client.query('SELECT to_regclass($1)::text AS t, to_regclass($2)::text AS s', [TOMBSTONE_TABLE, SALT_TABLE]);
    if (!exists[0]?.t || !exists[0].s)
        return undefined;
    const salt = (await client.query(`SELECT salt FROM ${SALT_TABLE}`)).rows[0]?.salt;
    if (salt === undefined)
        return undefined;
    // A backup from before completion times has no completed_at column: its tombstones are judged by erased_at.
    const { rows: columns } = await client.query(`SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'completed_at' AND NOT attisdropped`, [TOMBSTONE_TABLE]);
    const iso = (column) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    const completed = columns.length > 0 ? `array_agg(${iso('completed_at')} ORDER BY key_sha256)` : 'NULL';
    const { rows } = await client.query(`SELECT table_schema AS schema, table_name AS name, array_agg(key_sha256 ORDER BY key_sha256) AS hashes,
            array_agg(${iso('erased_at')} ORDER BY key_sha256) AS erased_at, ${completed} AS completed_at
       FROM ${TOMBSTONE_TABLE} GROUP BY 1, 2 ORDER BY 1, 2`);
    return {
        salt,
        tables: rows.map((r) => ({
            schema: r.schema,
            name: r.name,
            hashes: r.hashes,
            erasedAt: r.erased_at,
            ...(r.completed_at ? { completedAt: r.completed_at } : {}),
        })),
    };
}
/**
 * The purge's step before a batch commits, for a rule that erases soft-deleted rows (`then: erase`): the batch's keys
 * become tombstones in the batch's own transaction, after the rule's archive step (`step`) when it has one. Other
 * rules keep `step` as it is: an age rule's expired rows are not people who asked to be forgotten.
 */
/** A rule whose deletes are erasures (tombstones): soft-delete with `then: erase`. */
function erases(target) {
    return target.kind === 'soft-delete' && target.action === 'delete';
}
function withTombstones(client, target, step) {
    if (!erases(target))
        return step;
    return async (rows, keys, cascaded) => {
        await step?.(rows, keys, cascaded);
        await recordTombstones(client, target.table, keys, `retention-purge:${target.rule}`);
    };
}
//# sourceMappingURL=tombstones.js.map

/***/ }),

/***/ 93556:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  vR: () => (/* binding */ documentRetentionFor),
  Ec: () => (/* binding */ engineFor),
  Qv: () => (/* binding */ engineForBackup),
  Vn: () => (/* binding */ engineForUrl),
  mO: () => (/* binding */ sqlEngineFor),
  bt: () => (/* binding */ urlForms)
});

// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
;// CONCATENATED MODULE: ./packages/core/lib/databases/lazy-engine.js
/**
 * An engine whose implementation, and the driver it needs, is loaded on its first use: the MongoDB driver alone took
 * half of dbops's start-up, which every PostgreSQL run paid. `describe` is the one synchronous member, so it is given.
 */
function lazyEngine(name, describe, load) {
    let loaded;
    const engine = () => (loaded ??= load());
    return {
        name,
        describe,
        withDumpSource: async (target, settings, context, use) => (await engine()).withDumpSource(target, settings, context, use),
        openScratchServer: async (target, context) => (await engine()).openScratchServer(target, context),
        withRestoreTarget: async (target, context, use) => (await engine()).withRestoreTarget(target, context, use),
        // Optional members: present on the lazy engine, refused on first use when the loaded engine lacks them.
        restoreTarget: async (target, manifest, choice) => {
            const loadedEngine = await engine();
            if (!loadedEngine.restoreTarget)
                throw new Error(`${name} has no restore target choice`);
            return loadedEngine.restoreTarget(target, manifest, choice);
        },
        findRestorer: async (server, manifest, tools) => (await engine()).findRestorer(server, manifest, tools),
        checkRestored: async (into, manifest, checks, context, tombstones, restored) => (await engine()).checkRestored(into, manifest, checks, context, tombstones, restored),
        readTombstones: async (target, manifest, context) => (await engine()).readTombstones(target, manifest, context),
        withHealthSession: async (target, context, use) => (await engine()).withHealthSession(target, context, use),
        withMaintenanceSession: async (target, context, use) => {
            const loadedEngine = await engine();
            if (!loadedEngine.withMaintenanceSession)
                throw new Error(`${name} has no maintenance session`);
            return loadedEngine.withMaintenanceSession(target, context, use);
        },
    };
}
//# sourceMappingURL=lazy-engine.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/mongodb/target.js
var mongodb_target = __webpack_require__(57648);
// EXTERNAL MODULE: ./packages/core/lib/log.js
var lib_log = __webpack_require__(69579);
// EXTERNAL MODULE: ./packages/core/lib/data-retention/tombstones.js
var data_retention_tombstones = __webpack_require__(42837);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/connection.js
var connection = __webpack_require__(37912);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/inventory.js + 1 modules
var inventory = __webpack_require__(96443);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/database-locale.js

const PROVIDERS = { c: 'libc', i: 'icu', b: 'builtin' };
/** Reads the current database's encoding and locale; pg_database's columns differ by major, so the row is read whole. */
async function readDatabaseLocale(client) {
    const { rows } = await client.query('select pg_encoding_to_char(d.encoding) as encoding, to_jsonb(d) as row from pg_database d where d.datname = current_database()');
    const { encoding, row } = rows[0];
    const provider = PROVIDERS[row.datlocprovider ?? 'c'] ?? 'libc';
    // PostgreSQL 15 and 16 name the ICU locale daticulocale; 17 names it (and the builtin one) datlocale.
    const locale = row.datlocale ?? row.daticulocale ?? undefined;
    return {
        encoding,
        collate: row.datcollate ?? '',
        ctype: row.datctype ?? '',
        provider,
        ...(provider !== 'libc' && locale ? { locale } : {}),
        ...(row.daticurules ? { icuRules: row.daticurules } : {}),
    };
}
/** CREATE DATABASE for a database like the one described (from template0, the only template that takes any locale). */
function createDatabaseStatement(name, locale) {
    const clauses = [`create database ${(0,inventory/* quoteIdent */.v4)(name)} template template0`];
    if (locale) {
        clauses.push(`encoding ${literal(locale.encoding)} lc_collate ${literal(locale.collate)} lc_ctype ${literal(locale.ctype)}`);
        // Only when it is not libc, so a libc database can still be created on servers older than 15.
        if (locale.provider === 'icu')
            clauses.push(`locale_provider icu icu_locale ${literal(locale.locale ?? '')}`);
        if (locale.provider === 'builtin')
            clauses.push(`locale_provider builtin builtin_locale ${literal(locale.locale ?? '')}`);
        if (locale.icuRules)
            clauses.push(`icu_rules ${literal(locale.icuRules)}`);
    }
    return clauses.join(' ');
}
/** "encoding SQL_ASCII, LC_COLLATE C, LC_CTYPE C, ICU locale de-DE": how a locale is named to people. */
function describeLocale(locale) {
    const provider = locale.provider === 'icu'
        ? `, ICU locale ${locale.locale}`
        : locale.provider === 'builtin'
            ? `, builtin locale ${locale.locale}`
            : '';
    return `encoding ${locale.encoding}, LC_COLLATE ${locale.collate}, LC_CTYPE ${locale.ctype}${provider}${locale.icuRules ? ', ICU rules' : ''}`;
}
/** The differences between two locales that change what a database may hold or how it sorts. */
function localeDifferences(expected, actual) {
    const differences = [];
    if (expected.encoding !== actual.encoding)
        differences.push(`encoding ${actual.encoding}, not ${expected.encoding}`);
    if (expected.collate !== actual.collate)
        differences.push(`LC_COLLATE ${actual.collate}, not ${expected.collate}`);
    if (expected.ctype !== actual.ctype)
        differences.push(`LC_CTYPE ${actual.ctype}, not ${expected.ctype}`);
    if (expected.provider !== actual.provider || (expected.locale ?? '') !== (actual.locale ?? '')) {
        differences.push(`locale provider ${actual.provider}${actual.locale ? ` ${actual.locale}` : ''}, not ${expected.provider}${expected.locale ? ` ${expected.locale}` : ''}`);
    }
    return differences;
}
function literal(text) {
    return `'${text.replace(/'/g, "''")}'`;
}
//# sourceMappingURL=database-locale.js.map
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/client-tools.js






const run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
/**
 * Finds pg_dump / pg_restore / psql able to dump a server of `serverMajor`. pg_dump refuses servers newer
 * than itself, so anything older is useless. Among the usable ones, the same major as the server is preferred,
 * then the oldest newer one: a much newer pg_dump writes SQL (e.g. SET transaction_timeout in 17) that older
 * servers reject when the archive is restored.
 */
async function findClientTools(serverMajor, options = {}) {
    return prepareClientTools(options)(serverMajor);
}
/**
 * findClientTools in two steps: the installations are probed from now on (their `--version` does not depend on the
 * server), and the returned function picks among them once the server's major is known. A backup probes while it
 * connects, which took the probe's process start off the path to pg_dump's start.
 */
function prepareClientTools(options = {}) {
    const search = startSearch(options);
    return (serverMajor) => findTools(serverMajor, serverMajor, options, (newest) => `pg_dump ${newest} cannot dump a PostgreSQL ${serverMajor} server`, search);
}
/**
 * Finds a pg_restore for an archive written by pg_dump `archiveMajor`, to restore into a server of `serverMajor`.
 * pg_restore reads archives of its own major and older ones, and restores into any server it can connect to,
 * newer ones included (which is how upgrades are rehearsed): it dumps nothing, so the server's major only sets a
 * preference, for the client of the server's own major when that one can read the archive.
 */
async function findRestoreTools(archiveMajor, serverMajor, options = {}) {
    return findTools(archiveMajor, Math.max(archiveMajor, serverMajor), options, (newest) => `pg_restore ${newest} cannot read an archive written by pg_dump ${archiveMajor}`);
}
/**
 * The installation of major `preferred` when there is one, else the oldest at least `minimum`. PATH is probed
 * only when no installation has the preferred major: its pg_dump is usually Debian's Perl wrapper around one of
 * those installations, and the slowest probe of all.
 */
async function findTools(minimum, preferred, options, tooOld, search = startSearch(options)) {
    const { installed: probed, onPath } = await search;
    const found = [...probed];
    if (!found.some((t) => t.major === preferred)) {
        for (const tools of await probeAll(onPath)) {
            if (!found.some((t) => t.binDir === tools.binDir))
                found.push(tools);
        }
    }
    if (options.binDir && found.length === 0) {
        throw (0,errors/* invalidInput */.aY)('pg-bin-dir', `has no working pg_dump, pg_restore and psql (${options.binDir})`, 'the bin directory of a PostgreSQL client installation, e.g. /usr/lib/postgresql/17/bin');
    }
    const usable = found.filter((t) => t.major >= minimum).sort((a, b) => a.major - b.major);
    const chosen = usable.find((t) => t.major === preferred) ?? usable[0];
    if (chosen)
        return chosen;
    const newest = found.sort((a, b) => b.major - a.major)[0];
    const install = `install postgresql-client-${minimum} (on Ubuntu runners: sudo /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y && sudo apt-get install -y postgresql-client-${minimum}) or set pg-bin-dir`;
    if (newest)
        throw new errors/* DbopsError */.zJ('CLIENT_TOO_OLD', tooOld(newest.major), { hint: install, input: 'pg-bin-dir' });
    throw new errors/* DbopsError */.zJ('CLIENT_NOT_FOUND', 'No PostgreSQL client tools (pg_dump, pg_restore, psql) were found', {
        hint: install,
        input: 'pg-bin-dir',
    });
}
function startSearch(options) {
    const search = (async () => {
        const { installed, onPath } = options.binDir
            ? { installed: [options.binDir], onPath: [] }
            : await candidateDirs(options);
        return { installed: await probeAll(installed), onPath };
    })();
    search.catch(() => undefined); // awaited by whoever picks; a run that fails first must not leave it unhandled
    return search;
}
/** Probed at once (each runs pg_dump --version), kept in search order, each directory once. */
async function probeAll(dirs) {
    const found = [];
    for (const tools of await Promise.all(dirs.map(probe))) {
        if (tools && !found.some((t) => t.binDir === tools.binDir))
            found.push(tools);
    }
    return found;
}
/** Versioned installations (searched first, in this order), then the directories on PATH. */
async function candidateDirs(options) {
    const roots = options.searchRoots ?? ['/usr/lib/postgresql', '/usr/pgsql', '/opt/homebrew/opt', '/usr/local/opt'];
    const dirs = [];
    for (const root of roots) {
        const entries = await (0,promises_.readdir)(root).catch(() => []);
        for (const entry of entries) {
            if (root === '/usr/lib/postgresql' || /^postgresql(@\d+)?$/.test(entry))
                dirs.push((0,external_node_path_.join)(root, entry, 'bin'));
        }
    }
    // /usr/pgsql-16/bin (RHEL) sits next to the root rather than under it.
    for (const entry of await (0,promises_.readdir)('/usr').catch(() => [])) {
        if (/^pgsql-\d+$/.test(entry))
            dirs.push((0,external_node_path_.join)('/usr', entry, 'bin'));
    }
    return { installed: dirs, onPath: (options.path ?? '').split(external_node_path_.delimiter).filter(Boolean) };
}
async function probe(dir) {
    const pgDump = (0,external_node_path_.join)(dir, 'pg_dump');
    const pgRestore = (0,external_node_path_.join)(dir, 'pg_restore');
    const psql = (0,external_node_path_.join)(dir, 'psql');
    for (const file of [pgDump, pgRestore, psql]) {
        if (!(await (0,promises_.access)(file, external_node_fs_.constants.X_OK).then(() => true, () => false)))
            return undefined;
    }
    try {
        const { stdout } = await run(pgDump, ['--version'], { timeout: 10_000 });
        const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(stdout);
        if (!match)
            return undefined;
        const major = Number(match[1]);
        return { binDir: dir, major, version: `${match[1]}${match[2] ? `.${match[2]}` : ''}`, pgDump, pgRestore, psql };
    }
    catch {
        return undefined;
    }
}
//# sourceMappingURL=client-tools.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/dump.js
var postgres_dump = __webpack_require__(7222);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/server-errors.js
var server_errors = __webpack_require__(46579);
// EXTERNAL MODULE: ./packages/core/lib/format.js
var format = __webpack_require__(65118);
// EXTERNAL MODULE: ./packages/core/lib/pipeline/child-process.js
var child_process = __webpack_require__(55550);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/part-queue.js
/** The parts of a parallel dump as they become complete, for one consumer: ends, or fails with the dump's error. */
class PartQueue {
    items = [];
    ended = false;
    error;
    failed = false;
    wake;
    push(part) {
        this.items.push(part);
        this.notify();
    }
    end() {
        this.ended = true;
        this.notify();
    }
    fail(error) {
        if (this.ended || this.failed)
            return;
        this.failed = true;
        this.error = error;
        this.notify();
    }
    notify() {
        const wake = this.wake;
        this.wake = undefined;
        wake?.();
    }
    async *[Symbol.asyncIterator]() {
        for (;;) {
            // A failure wins over parts still queued: they belong to a dump that will not be recorded.
            if (this.failed)
                throw this.error;
            const next = this.items.shift();
            if (next) {
                yield next;
                continue;
            }
            if (this.ended)
                return;
            await new Promise((resolve) => (this.wake = resolve));
        }
    }
}
//# sourceMappingURL=part-queue.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/dump-directory.js







/** pg_dump -v's line as a worker's table file is complete: "pg_dump: finished item 3348 TABLE DATA orders". */
const FINISHED_DATA = /^pg_dump: finished item (\d+) TABLE DATA /;
/** What pg_dump says when it fails, as opposed to its -v progress lines. */
const NOT_PROGRESS = /^pg_dump: (error|detail|hint|warning|fatal):|^(?!pg_dump: )/;
/**
 * pg_dump -Fd -j N into a private temp directory: one file per table, written by N workers in the dump's snapshot.
 * A table's file is handed over as soon as pg_dump reports it finished (its worker has closed it); the files no
 * report names (large objects) and toc.dat follow once pg_dump has exited 0. A failed pg_dump fails `parts`.
 */
async function startDirectoryDump(options) {
    await checkFreeSpace(options.tempDir, options.neededBytes);
    const root = await (0,promises_.mkdtemp)((0,external_node_path_.join)(options.tempDir, 'dbops-dump-')).catch((error) => {
        throw tempDirError(options.tempDir, error);
    });
    const directory = (0,external_node_path_.join)(root, 'archive');
    const stop = new AbortController();
    const outer = options.dump.signal;
    const onOuterAbort = () => stop.abort();
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    if (outer?.aborted)
        stop.abort();
    const { dump } = options;
    const proc = (0,child_process/* spawnProcess */.Nu)(dump.pgDump, (0,postgres_dump/* pgDumpArgs */.vy)({ ...dump, directory: { path: directory, jobs: options.jobs } }), {
        env: dump.env,
        signal: stop.signal,
        onFailure: (exit) => (0,postgres_dump/* dumpFailure */.L0)({ ...exit, stderr: withoutProgress(exit.stderr) }, dump.role),
    });
    proc.child.stdout.resume(); // pg_dump writes to the directory; stdout stays empty
    const queue = new PartQueue();
    const handed = new Set();
    const hand = (file) => {
        if (handed.has(file))
            return;
        handed.add(file);
        queue.push({ file, path: (0,external_node_path_.join)(directory, file) });
    };
    let pending = '';
    proc.child.stderr.on('data', (text) => {
        const lines = (pending + text).split('\n');
        pending = lines.pop();
        for (const line of lines) {
            const finished = FINISHED_DATA.exec(line);
            if (finished)
                hand(`${finished[1]}.dat`);
        }
    });
    let toc;
    void (async () => {
        await proc.succeeded();
        // What no report named (large objects' files), then the table of contents, which makes the archive whole.
        for (const file of (await (0,promises_.readdir)(directory)).sort())
            if (file !== 'toc.dat')
                hand(file);
        toc = await options.listToc(directory);
        hand('toc.dat');
        queue.end();
    })().catch((error) => queue.fail(error));
    return {
        parts: queue,
        toc() {
            if (!toc)
                throw new Error('The table of contents was read before the dump ended');
            return toc;
        },
        async dispose() {
            stop.abort();
            outer?.removeEventListener('abort', onOuterAbort);
            await proc.exited.catch(() => undefined);
            await (0,promises_.rm)(root, { recursive: true, force: true });
        },
    };
}
/** pg_dump's stderr without its -v progress lines, so that a failure's message is its error. */
function withoutProgress(stderr) {
    return stderr
        .split('\n')
        .filter((line) => NOT_PROGRESS.test(line))
        .join('\n')
        .trim();
}
/** The tables are written whole to local disk before they are stored (each is deleted once stored): check room. */
async function checkFreeSpace(tempDir, neededBytes) {
    const space = await (0,promises_.statfs)(tempDir).catch((error) => {
        throw tempDirError(tempDir, error);
    });
    const free = space.bavail * space.bsize;
    if (free < neededBytes) {
        throw new errors/* DbopsError */.zJ('DUMP_FAILED', `A parallel dump needs up to ${(0,format/* formatBytes */.z3)(neededBytes)} (the tables' and large objects' size) of local disk in ${tempDir}, which has ${(0,format/* formatBytes */.z3)(free)} free`, { input: 'jobs', hint: PARALLEL_TEMP_HINT });
    }
}
const PARALLEL_TEMP_HINT = 'Nothing was backed up. With jobs, pg_dump writes each table to TMPDIR before it is compressed, encrypted and ' +
    'stored: point TMPDIR at a disk with room for the tables and large objects, free space there, or leave jobs out to stream one archive.';
function tempDirError(tempDir, error) {
    return new errors/* DbopsError */.zJ('DUMP_FAILED', `The parallel dump cannot use ${tempDir}: ${error.message ?? String(error)}`, { hint: PARALLEL_TEMP_HINT, cause: error });
}
//# sourceMappingURL=dump-directory.js.map
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: external "node:worker_threads"
var external_node_worker_threads_ = __webpack_require__(75919);
;// CONCATENATED MODULE: ./packages/core/lib/pipeline/fan-out.js








// The worker never closes a descriptor (Node warns when a worker closes one it did not open): Node's main thread
// closes them all when the worker exits, and that end of input is what lets each reader finish.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readSync, writeSync } = require('node:fs');
const { input, outputs } = workerData;
const open = outputs.map(() => true);
const buffer = Buffer.allocUnsafe(1 << 16);
const retry = (io) => { for (;;) { try { return io(); } catch (e) { if (e.code !== 'EINTR') throw e; } } };
let bytes = 0;
for (let n; (n = retry(() => readSync(input, buffer, 0, buffer.length, null))) > 0; ) {
  bytes += n;
  outputs.forEach((fd, i) => {
    if (!open[i]) return;
    try {
      for (let at = 0; at < n; ) at += retry(() => writeSync(fd, buffer, at, n - at));
    } catch (error) {
      if (error.code !== 'EPIPE') throw error;
      open[i] = false; // this reader has what it needs (or died: its own exit status says which)
    }
  });
}
parentPort.postMessage(bytes);
`;
/** The copy loop allocates one 64 KiB buffer: a small heap keeps the thread's memory (and the RSS limit) small. */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, codeRangeSizeMb: 4 };
/** `tmpDir`: where the FIFOs the pipes are made from exist for a moment (the system's temp directory by default). */
async function startFanOut(branches, tmpDir = (0,external_node_os_.tmpdir)()) {
    const pipes = [];
    try {
        const fifos = await makeFifos(tmpDir, branches + 1);
        try {
            // One at a time: each pair of blocking opens holds two of libuv's four threads until they meet.
            for (const fifo of fifos)
                pipes.push(await openPipe(fifo));
        }
        finally {
            await (0,promises_.rm)((0,external_node_path_.join)(fifos[0], '..'), { recursive: true, force: true });
        }
    }
    catch (error) {
        for (const pipe of pipes)
            closeQuietly(pipe.read, pipe.write);
        throw new errors/* DbopsError */.zJ('DUMP_FAILED', `Could not make the pipes that join pg_dump, zstd and the archive checks in ${tmpDir}: ${error.message}`, {
            cause: error,
            hint: 'TMPDIR (or /tmp) must be a writable directory on a file system with named pipes, and mkfifo (coreutils) must be installed.',
        });
    }
    const [inputPipe, ...outputPipes] = pipes;
    const workerEnds = [inputPipe.read, ...outputPipes.map((p) => p.write)];
    const worker = new external_node_worker_threads_.Worker(WORKER, {
        eval: true,
        resourceLimits: WORKER_LIMITS,
        // A thread runs the process's preloads (NODE_OPTIONS=--require, node -r): an APM agent loaded there would only
        // copy bytes, and would not fit in the thread's small heap.
        execArgv: [],
        env: { ...process.env, NODE_OPTIONS: '' },
        workerData: { input: inputPipe.read, outputs: outputPipes.map((p) => p.write) },
    });
    const bytes = new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => {
            closeQuietly(...workerEnds);
            reject(new Error(`The fan-out thread stopped (exit ${code}) before the input ended`));
        });
    });
    bytes.catch(() => undefined);
    let handed = false;
    return {
        input: inputPipe.write,
        outputs: outputPipes.map((p) => p.read),
        handedOver(keep = []) {
            if (handed)
                return;
            handed = true;
            closeQuietly(...[inputPipe.write, ...outputPipes.map((p) => p.read)].filter((fd) => !keep.includes(fd)));
        },
        bytes,
    };
}
async function makeFifos(tmpDir, count) {
    const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)(tmpDir, 'dbops-pipe-'));
    const paths = Array.from({ length: count }, (_, i) => (0,external_node_path_.join)(dir, `pipe${i}`));
    try {
        await (0,external_node_util_.promisify)(external_node_child_process_.execFile)('mkfifo', ['-m', '600', ...paths]);
    }
    catch (error) {
        await (0,promises_.rm)(dir, { recursive: true, force: true });
        throw error;
    }
    return paths;
}
/** Node cannot make an anonymous pipe; a FIFO opened at both ends is one (and blocking at both ends, unlike O_NONBLOCK). */
async function openPipe(fifo) {
    const openEnd = (flags) => (0,external_node_util_.promisify)(external_node_fs_.open)(fifo, flags).catch(async (error) => {
        // The other end's open waits for this one: stand in for it without blocking, so that it completes rather than
        // hold a thread for ever.
        await (0,external_node_util_.promisify)(external_node_fs_.open)(fifo, flags | external_node_fs_.constants.O_NONBLOCK).then(closeQuietly, () => undefined);
        throw error;
    });
    const [read, write] = await Promise.allSettled([openEnd(external_node_fs_.constants.O_RDONLY), openEnd(external_node_fs_.constants.O_WRONLY)]);
    if (read.status === 'fulfilled' && write.status === 'fulfilled')
        return { read: read.value, write: write.value };
    for (const end of [read, write])
        if (end.status === 'fulfilled')
            closeQuietly(end.value);
    throw (read.status === 'rejected' ? read.reason : write.reason);
}
function closeQuietly(...fds) {
    for (const fd of fds)
        (0,external_node_fs_.close)(fd, () => undefined);
}
//# sourceMappingURL=fan-out.js.map
// EXTERNAL MODULE: ./packages/core/lib/pipeline/compression.js
var compression = __webpack_require__(64678);
// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(46193);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/archive-toc.js


// Longest first, so "TABLE DATA" wins over "TABLE".
const TYPES = [
    'MATERIALIZED VIEW DATA',
    'MATERIALIZED VIEW',
    'TABLE DATA',
    'TABLE ATTACH',
    'SEQUENCE SET',
    'SEQUENCE OWNED BY',
    'FK CONSTRAINT',
    'CHECK CONSTRAINT',
    'DEFAULT ACL',
    'LARGE OBJECT',
    'BLOB METADATA',
    'BLOBS',
    'BLOB',
    'TEXT SEARCH CONFIGURATION',
    'TEXT SEARCH DICTIONARY',
    'TEXT SEARCH PARSER',
    'TEXT SEARCH TEMPLATE',
    'FOREIGN TABLE',
    'FOREIGN DATA WRAPPER',
    'FOREIGN SERVER',
    'USER MAPPING',
    'EVENT TRIGGER',
    'OPERATOR CLASS',
    'OPERATOR FAMILY',
    'ROW SECURITY',
    'INDEX ATTACH',
    'PUBLICATION TABLE',
    'PUBLICATION TABLES IN SCHEMA',
    'SERVER',
    'DEFAULT',
    'SCHEMA',
    'EXTENSION',
    'TABLE',
    'VIEW',
    'SEQUENCE',
    'INDEX',
    'CONSTRAINT',
    'TRIGGER',
    'FUNCTION',
    'PROCEDURE',
    'AGGREGATE',
    'TYPE',
    'DOMAIN',
    'COMMENT',
    'ACL',
    'POLICY',
    'RULE',
    'CAST',
    'COLLATION',
    'CONVERSION',
    'OPERATOR',
    'LANGUAGE',
    'PUBLICATION',
    'SUBSCRIPTION',
    'STATISTICS',
    'ENCODING',
    'STDSTRINGS',
    'SEARCHPATH',
    'DATABASE PROPERTIES',
    'DATABASE',
    'SHELL TYPE',
    'ACCESS METHOD',
    'TRANSFORM',
];
function parseToc(listing) {
    const toc = new TocParser();
    toc.add(listing);
    return toc.end();
}
/**
 * Parses `pg_restore --list` as it arrives, a chunk at a time: at 10,000 tables the listing has 40,000 lines, and
 * holding it whole while parsing it, with a few strings made per line and per type tried, grew Node's heap by tens of
 * megabytes (bench/README.md, many tables: memory). An entry keeps its `rest` as a slice of its chunk.
 */
class TocParser {
    entries = [];
    header = {};
    partial = '';
    add(text) {
        let start = 0;
        for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
            if (this.partial) {
                this.line(this.partial + text.slice(start, end));
                this.partial = '';
            }
            else
                this.line(text.slice(start, end));
        }
        this.partial += text.slice(start);
    }
    end() {
        if (this.partial)
            this.line(this.partial);
        this.partial = '';
        const byType = {};
        for (const entry of this.entries)
            byType[entry.type] = (byType[entry.type] ?? 0) + 1;
        return { entries: this.entries, byType, header: this.header };
    }
    line(line) {
        if (line.startsWith(';')) {
            const fact = /^;\s+([^:]+):\s*(.*)$/.exec(line);
            if (fact)
                this.header[fact[1].trim()] = fact[2].trim();
            return;
        }
        const match = /^(\d+); (\d+) (\d+) /.exec(line);
        if (!match)
            return;
        const at = match[0].length;
        // The type is the longest one the body starts with, followed by a space or the end (no string made per try).
        const type = TYPES.find((t) => line.startsWith(t, at) && (line.length === at + t.length || line.charCodeAt(at + t.length) === 32)) ?? line.slice(at).split(' ')[0];
        this.entries.push({
            dumpId: Number(match[1]),
            catalog: Number(match[2]),
            oid: Number(match[3]),
            type,
            rest: line.slice(at + type.length).trim(),
        });
    }
}
/** Parses `pg_restore --list` output as it arrives. */
async function readToc(listing) {
    const toc = new TocParser();
    const decoder = new external_node_string_decoder_.StringDecoder('utf8');
    for await (const chunk of listing)
        toc.add(decoder.write(chunk));
    toc.add(decoder.end());
    return toc.end();
}
/**
 * Reads an archive's table of contents with pg_restore --list. pg_restore stops reading once it has the TOC, so
 * whatever feeds it must tolerate its stdin closing early.
 */
function startTocReader(pgRestore, options = {}) {
    const proc = (0,child_process/* spawnProcess */.Nu)(pgRestore, ['--list'], options);
    const listing = readToc(proc.output());
    listing.catch(() => undefined);
    return { stdin: proc.stdin, toc: listing };
}
/**
 * Reads a whole archive with pg_restore, writing the SQL script to /dev/null: pg_restore fails on a truncated
 * or corrupt archive ("could not read from input file: end of file"), which --list alone never sees because
 * the table of contents sits at the start. Resolves once pg_restore has read every block.
 */
function startArchiveReader(pgRestore, options = {}) {
    const proc = (0,child_process/* spawnProcess */.Nu)(pgRestore, ['--file=/dev/null'], options);
    const done = (async () => {
        for await (const _ of proc.output()) {
            // pg_restore writes to /dev/null; stdout stays empty.
        }
    })();
    done.catch(() => undefined);
    return { stdin: proc.stdin, done };
}
//# sourceMappingURL=archive-toc.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/dump-stream.js







/**
 * Starts pg_dump, the readers and the compressor, joined by OS pipes through a fan-out thread: the uncompressed
 * archive reaches the zstd command and the readers without entering Node, which only sees the compressed bytes
 * (with gzip, or zstd without the command, Node reads the archive and compresses it). The abort signal in `dump`
 * stops every process.
 */
async function startDumpStream(options) {
    const fanOut = await startFanOut(3);
    const outer = options.dump.signal;
    // A reader that fails stops everything at once: the archive is unusable.
    const stop = new AbortController();
    const onOuterAbort = () => stop.abort();
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    if (outer?.aborted)
        stop.abort();
    const signal = stop.signal;
    const [forList, forRead, forArchive] = fanOut.outputs;
    let zstd;
    let dump;
    let toc;
    let archiveRead;
    try {
        // pg_dump first: its own start (connecting, reading the catalog) is the longest way to the first byte, and the
        // other processes start meanwhile (the pipes hold what it writes before they read).
        dump = (0,postgres_dump/* startDump */.dK)({ ...options.dump, signal, output: fanOut.input });
        toc = explainTocFailure(startTocReader(options.pgRestore, { input: forList, signal }).toc);
        archiveRead = explainReadFailure(startArchiveReader(options.pgRestore, { input: forRead, signal }).done);
        zstd = (0,compression/* compressingProcess */.mk)(options.compression, options.level, forArchive, { signal });
    }
    catch (error) {
        stop.abort();
        fanOut.handedOver();
        outer?.removeEventListener('abort', onOuterAbort);
        throw error;
    }
    // Without the zstd command Node reads the archive itself, and compresses it (or not) in `stages`. Stopped, it
    // must let go of its pipe even if nothing ever read from it, or the copying thread would wait on it for ever.
    const uncompressed = zstd ? undefined : new external_node_net_.Socket({ fd: forArchive, readable: true, writable: false });
    if (uncompressed)
        signal.addEventListener('abort', () => uncompressed.destroy(), { once: true });
    fanOut.handedOver(uncompressed ? [forArchive] : []);
    void Promise.allSettled([toc, archiveRead, fanOut.bytes, dump.exited]).then(() => outer?.removeEventListener('abort', onOuterAbort));
    let readerFailure;
    const onReaderFailure = (error) => {
        if (signal.aborted)
            return; // killed by the stop: a consequence, not the cause
        readerFailure = error;
        stop.abort();
    };
    toc.catch(onReaderFailure);
    archiveRead.catch(onReaderFailure);
    fanOut.bytes.catch(onReaderFailure);
    async function* archive() {
        try {
            yield* zstd ? zstd.output() : uncompressed;
            // A pg_dump that died half way only ended the archive early: fail here, before storage takes the end for done.
            await dump.succeeded();
        }
        catch (error) {
            // A failed stage stops the others at once: zstd dying mid-dump must not wait for the whole dump to end.
            stop.abort();
            // The first cause: pg_dump's own failure (the server went away) explains the readers', which explain the rest.
            const exit = await dump.exited.catch(() => undefined);
            if (exit && exit.code !== 0 && !endedByStop(exit))
                await dump.succeeded();
            throw readerFailure ?? error;
        }
    }
    const compressor = zstd ? undefined : (0,compression/* createCompressor */._S)(options.compression, options.level, { signal });
    return {
        source: external_node_stream_.Readable.from(archive()),
        stages: compressor ? [compressor] : [],
        rawBytes: fanOut.bytes,
        toc,
        archiveRead,
    };
}
/**
 * pg_dump ended because the stop reached it: killed by a signal, or through its SIGTERM handler, which exits 1
 * saying "terminated by user". A pg_dump that was already exiting with its own error when the stop came (the
 * server went away) ends with that error instead, and that error is the cause to report.
 */
function endedByStop(exit) {
    return exit.stopped && (exit.signal !== null || /terminated by user$/.test(exit.stderr));
}
function explainTocFailure(toc) {
    const explained = toc.catch((error) => {
        throw new errors/* DbopsError */.zJ('VERIFY_FAILED', `pg_restore --list could not read the archive: ${error.message}`, {
            hint: 'The dump is not a valid custom-format archive; nothing was recorded as a backup.',
        });
    });
    // Awaited once the stream has ended; handled now so that an early failure is not reported as unhandled meanwhile.
    explained.catch(() => undefined);
    return explained;
}
function explainReadFailure(done) {
    const explained = done.catch((error) => {
        throw new errors/* DbopsError */.zJ('VERIFY_FAILED', `The archive is truncated or corrupt: ${error.message}`, {
            hint: 'pg_dump ended without writing a complete archive; nothing was recorded as a backup.',
        });
    });
    explained.catch(() => undefined);
    return explained;
}
//# sourceMappingURL=dump-stream.js.map
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/catalog-rows.js
/** Per row: the archive key's catalog and object OIDs, the schema's number, and the two lines' byte ranges. */
const STRIDE = 7;
const NEWLINE = Buffer.from('\n');
/** A character outside the BMP: there, UTF-8's byte order and JavaScript's string order differ. */
const ASTRAL = /[\uD800-\uDFFF]/;
/**
 * The rows of one part of the schema catalog, kept off V8's heap: their lines (JSON, as the fingerprint hashes them)
 * in one growing buffer, the rest in a Uint32Array. At 10,000 tables the catalog is 70,000 rows; as 70,000 strings
 * and objects on the heap, they were enough for V8 to double its young generation once more, about 30 MB of RSS
 * (bench/README.md, memory at many tables). Lines are sorted as JavaScript sorts strings, so the fingerprint is the
 * one `lines.sort().join('\n')` gives.
 */
class CatalogRows {
    text = Buffer.allocUnsafe(1 << 16);
    bytes = 0;
    fields = new Uint32Array(STRIDE * 256);
    astral = false;
    length = 0;
    /** Adds a row: `uncommented` is its line as an archive without comments restores it (often `line` itself). */
    add(catalog, oid, schema, line, uncommented) {
        if (this.fields.length < (this.length + 1) * STRIDE) {
            const more = new Uint32Array(this.fields.length * 2);
            more.set(this.fields);
            this.fields = more;
        }
        const at = this.length * STRIDE;
        const f = this.fields;
        f[at] = catalog;
        f[at + 1] = oid;
        f[at + 2] = schema;
        f[at + 3] = this.bytes;
        f[at + 4] = this.append(line);
        if (uncommented === line) {
            f[at + 5] = f[at + 3];
            f[at + 6] = f[at + 4];
        }
        else {
            f[at + 5] = this.bytes;
            f[at + 6] = this.append(uncommented);
        }
        if (!this.astral && ASTRAL.test(line))
            this.astral = true;
        this.length++;
    }
    catalog(row) {
        return this.fields[row * STRIDE];
    }
    oid(row) {
        return this.fields[row * STRIDE + 1];
    }
    schema(row) {
        return this.fields[row * STRIDE + 2];
    }
    /** Hashes the lines of `rows` (row numbers, sorted here), joined by newlines; `commented` false: without comments. */
    hashSorted(rows, commented, hash) {
        const { fields, text } = this;
        const from = commented ? 3 : 5;
        const start = (row) => fields[row * STRIDE + from];
        const end = (row) => fields[row * STRIDE + from + 1];
        if (this.astral) {
            const line = (row) => text.toString('utf8', start(row), end(row));
            rows.sort((a, b) => {
                const x = line(a);
                const y = line(b);
                return x < y ? -1 : x > y ? 1 : 0;
            });
        }
        else
            rows.sort((a, b) => text.compare(text, start(b), end(b), start(a), end(a)));
        rows.forEach((row, i) => {
            if (i > 0)
                hash.update(NEWLINE);
            hash.update(text.subarray(start(row), end(row)));
        });
    }
    /** Writes `line` as UTF-8 after the lines before it; returns where it ends. */
    append(line) {
        const needed = this.bytes + line.length * 3;
        if (needed > this.text.length) {
            const more = Buffer.allocUnsafe(Math.max(needed, this.text.length * 2));
            this.text.copy(more, 0, 0, this.bytes);
            this.text = more;
        }
        this.bytes += this.text.write(line, this.bytes, 'utf8');
        return this.bytes;
    }
}
//# sourceMappingURL=catalog-rows.js.map
// EXTERNAL MODULE: ./node_modules/pg/esm/index.mjs
var esm = __webpack_require__(83849);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/for-each-row.js

/**
 * Runs `sql` and hands each row to `onRow` as it arrives (an array of the row's values, parsed as client.query
 * parses them), without keeping it: node-postgres otherwise holds every row of a result until the query ends, which
 * for the catalog of 10,000 tables is tens of megabytes of Node's heap (bench/README.md, many tables: memory).
 * An error thrown by `onRow` fails the promise once the server has finished the query.
 */
function forEachRow(client, sql, onRow) {
    return new Promise((resolve, reject) => {
        let failed;
        const query = new esm/* default.Query */.Ay.Query({ text: sql, rowMode: 'array' });
        query.on('row', (row) => {
            if (failed)
                return;
            try {
                onRow(row);
            }
            catch (error) {
                failed = { error };
            }
        });
        query.on('error', reject);
        query.on('end', () => (failed ? reject(failed.error) : resolve()));
        client.query(query);
    });
}
//# sourceMappingURL=for-each-row.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/fingerprint.js



const USER_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp_%' and n.nspname not like 'pg_toast_temp_%'`;
const NOT_EXTENSION_MEMBER = (oid, catalog) => `not exists (select 1 from pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;
/** The archive entry that carries a row: "<catalog oid>:<object oid>", as pg_restore --list shows it. */
const KEY = (catalog, oid) => `'${catalog}'::regclass::oid || ':' || ${oid}`;
const RELATION = (oid) => KEY('pg_class', oid);
/**
 * One query per part. Its first column is the key of the archive entry that brings the row's object into a restored
 * database (a table's columns, indexes, constraints, triggers and policies come with the table); the other columns
 * are the description that is hashed. `comment` is the index of a column holding a comment, if any.
 */
const QUERIES = {
    tables: {
        sql: `select ${RELATION('c.oid')}, n.nspname, c.relname, c.relkind, c.relpersistence, c.relrowsecurity, coalesce(pg_get_partkeydef(c.oid), ''),
            coalesce(pg_get_expr(c.relpartbound, c.oid), ''), coalesce(obj_description(c.oid, 'pg_class'), '')
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p', 'f') and ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
        comment: 7,
    },
    columns: {
        sql: `select ${RELATION('c.oid')}, n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated,
            coalesce(pg_get_expr(ad.adbin, ad.adrelid), ''), a.attidentity, coalesce(col_description(c.oid, a.attnum), '')
          from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
          left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
          where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'f', 'v', 'm') and ${USER_SCHEMAS}
            and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
        comment: 8,
    },
    indexes: {
        sql: `select ${RELATION('i.indrelid')}, n.nspname, c.relname, pg_get_indexdef(i.indexrelid)
          from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
          where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('i.indrelid', 'pg_class')}`,
    },
    constraints: {
        sql: `select ${RELATION('c.oid')}, n.nspname, c.relname, co.conname, co.contype, pg_get_constraintdef(co.oid)
          from pg_constraint co join pg_class c on c.oid = co.conrelid join pg_namespace n on n.oid = c.relnamespace
          where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
    },
    functions: {
        sql: `select ${KEY('pg_proc', 'p.oid')}, n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid),
            md5(coalesce(p.prosrc, '')), p.prokind, p.provolatile
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('p.oid', 'pg_proc')}`,
    },
    triggers: {
        sql: `select ${RELATION('c.oid')}, n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled
          from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
          where not t.tgisinternal and ${USER_SCHEMAS}`,
    },
    types: {
        sql: `select ${KEY('pg_type', 't.oid')}, n.nspname, t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
            coalesce((select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), ''),
            coalesce((select string_agg(pg_get_constraintdef(co.oid), ',' order by co.conname) from pg_constraint co where co.contypid = t.oid), '')
          from pg_type t join pg_namespace n on n.oid = t.typnamespace
          where t.typtype in ('e', 'd', 'c', 'r') and ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('t.oid', 'pg_type')}
            and (t.typtype <> 'c' or exists (select 1 from pg_class c where c.oid = t.typrelid and c.relkind = 'c'))`,
    },
    sequences: {
        sql: `select ${RELATION('c.oid')}, n.nspname, c.relname, format_type(s.seqtypid, null), s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcycle
          from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
          where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
    },
    views: {
        sql: `select ${RELATION('c.oid')}, n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid)
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('v', 'm') and ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
    },
    policies: {
        sql: `select ${RELATION('c.oid')}, p.schemaname, p.tablename, p.policyname, p.permissive, p.roles::text, p.cmd, coalesce(p.qual, ''), coalesce(p.with_check, '')
          from pg_policies p join pg_namespace n on n.nspname = p.schemaname join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename`,
    },
    extensions: { sql: `select ${KEY('pg_extension', 'e.oid')}, e.extname from pg_extension e` },
};
/**
 * Reads the catalog a row at a time, each row reduced as it arrives to its key, schema and description (its values
 * as JSON, and again without its comment when it has one), kept off V8's heap (catalog-rows.ts): at 10,000 tables
 * the rows as node-postgres parses them (70,000 arrays of values) were most of a backup's heap, and their growth
 * made V8 grow its young generation to the maximum (bench/README.md, memory at many tables).
 */
async function readSchemaCatalog(client) {
    const rows = {};
    const schemas = [];
    const schemaNumbers = new Map();
    for (const [part, { sql, comment }] of Object.entries(QUERIES)) {
        const list = new CatalogRows();
        rows[part] = list;
        await forEachRow(client, sql, ([key, ...values]) => {
            const name = String(values[0]);
            let schema = schemaNumbers.get(name);
            if (schema === undefined) {
                schema = schemas.push(name) - 1;
                schemaNumbers.set(name, schema);
            }
            const text = String(key);
            const colon = text.indexOf(':');
            const line = JSON.stringify(values);
            const uncommented = comment === undefined || values[comment] === ''
                ? line
                : JSON.stringify(values.map((v, i) => (i === comment ? '' : v)));
            list.add(Number(text.slice(0, colon)), Number(text.slice(colon + 1)), schema, line, uncommented);
        });
    }
    return { rows, schemas };
}
/** The fingerprint of a whole database: what a restored database is compared by. */
async function schemaFingerprint(client) {
    return catalogFingerprint(await readSchemaCatalog(client));
}
/** The fingerprint of every object of a catalog read earlier: schemaFingerprint without a second read. */
function catalogFingerprint(catalog) {
    return fingerprintOf(catalog, () => true);
}
/**
 * The fingerprint of what an archive holds, so that a restore of it compares like with like whatever selected the
 * objects (schemas, tables, exclude-* inputs, pg_dump flags): the rows whose object has an entry in the archive's
 * table of contents, and objects every new database has (built in, OIDs below 16384, such as plpgsql). An archive
 * made without comments (--no-comments) restores none, so its fingerprint has none either.
 */
function archiveFingerprint(catalog, toc) {
    const archived = archivedKeys(toc);
    const withComments = (toc.byType.COMMENT ?? 0) > 0;
    return fingerprintOf(catalog, (catalogOid, oid) => archived.has(archiveKey(catalogOid, oid)) || oid < FIRST_NORMAL_OBJECT_ID, withComments);
}
/**
 * Schemas that hold objects of the archive but that the archive does not create (pg_dump -t dumps no schema), other
 * than public, which every new database has: a restore into a new database creates them first.
 */
function schemasNotInArchive(catalog, toc) {
    const archived = archivedKeys(toc);
    // A SCHEMA entry reads "- <name> <owner>".
    const created = toc.entries.filter((e) => e.type === 'SCHEMA').map((e) => `${e.rest} `);
    const used = new Set();
    for (const part of ['tables', 'views', 'sequences', 'functions', 'types']) {
        const rows = catalog.rows[part];
        for (let row = 0; row < rows.length; row++)
            if (archived.has(archiveKey(rows.catalog(row), rows.oid(row))))
                used.add(catalog.schemas[rows.schema(row)]);
    }
    return [...used]
        .filter((schema) => schema !== 'public' && !created.some((rest) => rest.startsWith(`- ${schema} `)))
        .sort();
}
function archivedKeys(toc) {
    return new Set(toc.entries.filter((e) => e.catalog !== 0).map((e) => archiveKey(e.catalog, e.oid)));
}
/** An archive entry's catalog and object OIDs as one number (catalog OIDs are below 2^21: exact). */
function archiveKey(catalogOid, oid) {
    return catalogOid * 2 ** 32 + oid;
}
/** PostgreSQL's FirstNormalObjectId: objects below it come with every database (initdb's), not from an archive. */
const FIRST_NORMAL_OBJECT_ID = 16384;
function fingerprintOf(catalog, included, withComments = true) {
    const parts = {};
    for (const part of Object.keys(QUERIES)) {
        const rows = catalog.rows[part];
        const chosen = [];
        for (let row = 0; row < rows.length; row++)
            if (included(rows.catalog(row), rows.oid(row)))
                chosen.push(row);
        // The lines sorted here rather than in SQL (collation-dependent ORDER BY could differ between two servers),
        // joined by newlines, hashed.
        const hash = (0,external_node_crypto_.createHash)('sha256');
        rows.hashSorted(chosen, withComments, hash);
        parts[part] = hash.digest('hex');
    }
    const digest = sha256(Object.entries(parts)
        .map(([k, v]) => `${k}:${v}`)
        .join('\n'));
    return { digest, parts };
}
/** The parts that differ between two fingerprints. */
function fingerprintDifferences(a, b) {
    return Object.keys(a.parts).filter((part) => a.parts[part] !== b.parts[part]);
}
function sha256(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
}
//# sourceMappingURL=fingerprint.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/libpq-env.js
var libpq_env = __webpack_require__(20820);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/restore.js


/** Runs pg_restore from a local archive file into a database, in parallel where the archive allows it. */
async function runPgRestore(command) {
    const args = [
        `--dbname=${conninfoDbname(command.database)}`,
        `--jobs=${command.jobs}`,
        '--no-password',
        '--exit-on-error',
    ];
    if (command.noOwner)
        args.push('--no-owner', '--no-privileges');
    args.push(command.archivePath);
    const proc = (0,child_process/* spawnProcess */.Nu)(command.pgRestore, args, {
        env: command.env,
        ...(command.signal ? { signal: command.signal } : {}),
    });
    for await (const _ of proc.child.stdout) {
        // pg_restore -d writes nothing to stdout.
    }
    const exit = await proc.exited;
    const errors = exit.stderr.split('\n').filter((line) => /error|FATAL/i.test(line));
    return {
        ok: exit.code === 0,
        errors: exit.code === 0 ? [] : errors.length > 0 ? errors : [exit.stderr || `exit ${exit.code}`],
        exitCode: exit.code,
    };
}
/** pg_restore reads --dbname as a connection string when it contains '='; quote such names as one. */
function conninfoDbname(database) {
    return /[=\s']/.test(database) ? `dbname='${database.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : database;
}
/** The table of contents of a local archive file (pg_restore --list). */
async function listArchiveFile(pgRestore, archivePath, signal) {
    const proc = (0,child_process/* spawnProcess */.Nu)(pgRestore, ['--list', archivePath], signal ? { signal } : {});
    return readToc(proc.output());
}
/** Whether the archive creates `schema` itself (a SCHEMA entry "- <name> <owner>"), with its comment and grants. */
function archiveCreatesSchema(toc, schema) {
    return toc.entries.some((entry) => entry.type === 'SCHEMA' && entry.rest.startsWith(`- ${schema} `));
}
//# sourceMappingURL=restore.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/lock-wait.js
var lock_wait = __webpack_require__(62725);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/target.js + 1 modules
var postgres_target = __webpack_require__(3848);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/dump-source.js















/**
 * The backup's view of a PostgreSQL database: one repeatable-read snapshot, exported for pg_dump, in which the row
 * counts and the schema catalog are read, so the manifest describes exactly what the archive holds. A cancel while
 * counting rows or fingerprinting (possibly waiting on a lock) ends the session and its query.
 *
 * The rows are counted before pg_dump starts: the counts take the tables' locks, which an ALTER TABLE arriving
 * later then waits behind (lock-wait.ts). The schema catalog is read while pg_dump runs, in this same session and
 * so in the same snapshot: at 10,000 tables it takes seconds of a server core (pg_get_indexdef for every index),
 * which the dump's own time now hides. release() waits for it before it ends the snapshot.
 */
async function withPgDumpSource(target, settings, context, use) {
    const { log } = context;
    // The client tools are probed (pg_dump --version) while the session connects; chosen once the server's major is known.
    const clientTools = prepareClientTools({
        ...(settings.binDir ? { binDir: settings.binDir } : {}),
        path: settings.env.PATH ?? '',
    });
    return (0,connection/* withSession */.fQ)(target, log, context.signal, async (client) => {
        // Why the server ended this session, if it did: on a standby, a recovery conflict that pg_dump may only see as
        // "server closed the connection" (its own session ended between two queries).
        let sessionEnded;
        client.on('error', (error) => (sessionEnded ??= error));
        const server = await (0,connection/* serverVersion */.qh)(client);
        const systemId = await (0,connection/* systemIdentifier */.vK)(client);
        const locale = await readDatabaseLocale(client);
        const tools = await clientTools(server.major);
        log.info(`PostgreSQL ${server.text} at ${(0,postgres_target/* describeTarget */.ff)(target)}; using pg_dump ${tools.version} from ${tools.binDir}`);
        await client.query('begin isolation level repeatable read read only');
        // This session only holds the snapshot while pg_dump runs: a server-wide idle timeout must not end it.
        await client.query('set local idle_in_transaction_session_timeout = 0');
        if (settings.lockWaitTimeoutMs)
            await client.query(`set local lock_timeout = ${Math.round(settings.lockWaitTimeoutMs)}`);
        // Count the rows pg_dump reads: all of them (it refuses tables whose row-level security would hide some) unless
        // --enable-row-security asks for the visible ones.
        if (!(0,postgres_dump/* enablesRowSecurity */.T_)(settings.extraArgs))
            await client.query('set local row_security = off');
        const snapshot = (await client.query('select pg_export_snapshot() as id')).rows[0].id;
        let tables;
        let partitionFlags;
        try {
            const partitioned = await (0,inventory/* withPartitions */._B)(client, settings.scope);
            // Refused here, before any row is counted, when the pg_dump cannot be given the partitions.
            partitionFlags = (0,postgres_dump/* partitionArgs */.eo)(tools.major, partitioned.partitions);
            for (const { input, partitions } of partitioned.added)
                log.info(`${input} names partitioned tables: their ${partitions} partition(s) are ${input === 'tables' ? 'selected' : 'left out'} with them`);
            const listed = await (0,lib_log/* timed */.ay)(log, 'Listed the tables', () => (0,inventory/* listDumpedTables */.V5)(client, settings.scope, (0,postgres_dump/* dataExclusions */.oF)(settings.extraArgs), partitioned.partitions));
            tables = await (0,lib_log/* timed */.ay)(log, `Counted the rows of ${listed.length} tables`, () => (0,inventory/* countRows */.BO)(client, listed, settings.exactCountMaxBytes));
        }
        catch (error) {
            throw await explainLockWait(client, settings.lockWaitTimeoutMs, error);
        }
        const largeObjects = (0,postgres_dump/* dataExclusions */.oF)(settings.extraArgs).all ? 0 : await largeObjectBytes(client);
        // Started once the dump is, awaited by its verification and by release(); never an unhandled rejection.
        let catalogRead;
        const readCatalog = () => {
            catalogRead ??= (0,lib_log/* timed */.ay)(log, 'Read the schema catalog', () => readSchemaCatalog(client)).catch(async (error) => {
                throw await explainLockWait(client, settings.lockWaitTimeoutMs, error);
            });
            catalogRead.catch(() => undefined);
            return catalogRead;
        };
        const identity = systemId ? { systemIdentifier: systemId } : {};
        const dumpCommand = (env, signal) => ({
            pgDump: tools.pgDump,
            scope: settings.scope,
            partitionArgs: partitionFlags,
            snapshot,
            extraArgs: settings.extraArgs,
            env,
            signal,
            role: target.user,
            ...(settings.lockWaitTimeoutMs ? { lockWaitTimeoutMs: settings.lockWaitTimeoutMs } : {}),
        });
        // The tables' and large objects' size on disk: what the dump holds, uncompressed, at most (indexes are not dumped).
        const dataBytes = tables.reduce((sum, t) => sum + t.bytes, 0) + largeObjects;
        const origin = {
            source: { host: target.host, port: target.port, ...identity },
            locale,
            serverVersion: server.text,
            dumpTool: { name: 'pg_dump', version: tools.version },
        };
        return use({
            server: { product: 'PostgreSQL', version: server.text, major: server.major, ...identity },
            // With room to spare. Without the large objects, a database of them got S3's smallest part size and failed
            // at its 10,000-part limit (at ~78 GiB).
            sizeHint: 2 * dataBytes,
            async startDump({ compression, level, signal }) {
                const libpq = await (0,libpq_env/* libpqEnvironment */.S)(target, settings.env);
                try {
                    const dump = await startDumpStream({
                        dump: dumpCommand(libpq.env, signal),
                        pgRestore: tools.pgRestore,
                        compression,
                        level,
                    });
                    readCatalog();
                    return {
                        source: dump.source,
                        stages: dump.stages,
                        rawBytes: dump.rawBytes,
                        verify: async () => {
                            const [archive, listing] = await Promise.allSettled([dump.archiveRead, dump.toc]);
                            if (archive.status === 'rejected')
                                throw archive.reason;
                            if (listing.status === 'rejected')
                                throw listing.reason;
                            return dumpRecord(origin, listing.value, await readCatalog(), tables, settings, 'pg_dump-custom');
                        },
                        dispose: libpq.dispose,
                    };
                }
                catch (error) {
                    await libpq.dispose();
                    throw error;
                }
            },
            async startParallelDump({ jobs, signal }) {
                const libpq = await (0,libpq_env/* libpqEnvironment */.S)(target, settings.env);
                try {
                    const dump = await startDirectoryDump({
                        dump: dumpCommand(libpq.env, signal),
                        jobs,
                        tempDir: settings.env.TMPDIR || (0,external_node_os_.tmpdir)(),
                        // Large objects too: pg_dump writes them to the directory (blob_*.dat) like the tables.
                        neededBytes: dataBytes,
                        listToc: (directory) => listArchiveFile(tools.pgRestore, directory, signal),
                    });
                    readCatalog();
                    return {
                        parts: dump.parts,
                        verify: async (stored) => {
                            const toc = dump.toc();
                            checkDataFiles(toc, new Set(stored));
                            return dumpRecord(origin, toc, await readCatalog(), tables, settings, 'pg_dump-directory');
                        },
                        dispose: async () => {
                            await dump.dispose();
                            await libpq.dispose();
                        },
                    };
                }
                catch (error) {
                    await libpq.dispose();
                    throw error;
                }
            },
            async explainFailure(error) {
                if (sessionEnded && (0,server_errors/* isRecoveryConflict */.OQ)(sessionEnded.message))
                    return (0,server_errors/* recoveryConflictError */.CJ)(sessionEnded.message);
                return explainLockWait(client, settings.lockWaitTimeoutMs, error);
            },
            async release() {
                // The catalog is read in the snapshot: it must be read whole before the snapshot ends.
                await catalogRead?.catch(() => undefined);
                await client.query('commit').catch(() => undefined);
            },
        });
    });
}
/** Checks the archive's table of contents against the inventory; returns what the manifest records of the dump. */
function dumpRecord(origin, toc, catalog, tables, settings, format) {
    const withData = tablesWithData(toc);
    checkArchive(toc, withData, tables, settings.extraArgs);
    const schemasToCreate = schemasNotInArchive(catalog, toc);
    return {
        origin,
        format,
        contents: {
            toc: { entries: toc.entries.length, byType: toc.byType },
            ...(schemasToCreate.length > 0 ? { schemasNotInArchive: schemasToCreate } : {}),
            tables: tables.map(({ oid, schema, name: table, rows, rowEstimate, bytes }) => {
                // pg-dump-args such as --exclude-table-data leave a table's rows out of the archive: say so, not a count.
                if (!withData.has(oid))
                    return { schema, name: table, rowEstimate, bytes, dataExcluded: true };
                return { schema, name: table, ...(rows === undefined ? {} : { rows }), rowEstimate, bytes };
            }),
            exactCountMaxBytes: settings.exactCountMaxBytes,
            rowCounts: 'own',
            // What the archive holds, whichever inputs and flags selected it: a restore of it compares like with like.
            schemaFingerprint: archiveFingerprint(catalog, toc),
        },
        verification: {
            archiveListed: true,
            tableDataEntries: toc.byType['TABLE DATA'] ?? 0,
            expectedTables: tables.length,
        },
    };
}
/**
 * A lock wait that timed out, in dbops's session or in pg_dump's, as an error naming the sessions in the way (read
 * before this session lets go of its own locks, so that a session queued behind them still shows as waiting).
 * Other errors are returned unchanged.
 */
async function explainLockWait(client, timeoutMs, error) {
    const timedOut = (0,lock_wait/* isLockTimeout */.Td)(error) || (error instanceof errors/* DbopsError */.zJ && error.input === lock_wait/* LOCK_WAIT_INPUT */.nj);
    if (!timedOut || !timeoutMs)
        return error;
    let lockers = await (0,lock_wait/* describeExclusiveLockers */.xO)(client).catch(() => undefined);
    if (lockers === undefined) {
        // The timeout aborted this session's transaction: end it to ask.
        await client.query('rollback').catch(() => undefined);
        lockers = await (0,lock_wait/* describeExclusiveLockers */.xO)(client).catch(() => '');
    }
    return (0,lock_wait/* lockWaitError */.td)(timeoutMs, lockers, error);
}
/** The oids of the tables whose rows the archive holds (a TABLE DATA entry carries its table's oid). */
function tablesWithData(toc) {
    return new Set(toc.entries.filter((e) => e.type === 'TABLE DATA').map((e) => e.oid));
}
/**
 * A directory archive holds each table's rows in its own file, which the table of contents names by dump id: every
 * TABLE DATA entry's file must have been stored, or pg_restore would fail on it (the custom format's read-through
 * check, for parts).
 */
function checkDataFiles(toc, stored) {
    const missing = toc.entries.filter((e) => e.type === 'TABLE DATA' && !stored.has(`${e.dumpId}.dat`));
    if (missing.length > 0) {
        throw new errors/* DbopsError */.zJ('VERIFY_FAILED', `The parallel dump lacks the data files of ${missing.length} table(s) (${missing
            .slice(0, 5)
            .map((e) => e.rest)
            .join(', ')})`, { hint: 'pg_dump did not write every table it listed; nothing was recorded as a backup.' });
    }
}
/** pg_dump flags whose effect on which tables carry data dbops does not model (inventory.ts DataExclusions). */
const DATA_SHAPING_FLAGS = /^--sec/;
/**
 * The archive must hold data for every table the dump covers. An empty archive of a non-empty database, or one
 * missing tables, fails the run (a shell pipeline would report it as a success).
 */
function checkArchive(toc, withData, tables, pgDumpArgs) {
    if (toc.entries.length === 0 && tables.length > 0) {
        throw new errors/* DbopsError */.zJ('VERIFY_FAILED', 'The archive has an empty table of contents', {
            hint: 'pg_dump produced no objects; check the include/exclude filters.',
        });
    }
    // Flags that change which tables carry data make the expected set unknowable here; the TOC check above still holds.
    if (pgDumpArgs.some((arg) => DATA_SHAPING_FLAGS.test(arg)))
        return;
    const expected = tables.filter((t) => !t.dataExcluded);
    const missing = expected.filter((t) => !withData.has(t.oid));
    if (expected.length > 0 && withData.size === 0) {
        throw new errors/* DbopsError */.zJ('VERIFY_FAILED', `The archive holds no table data, but the database has ${expected.length} tables`, {
            hint: "The dump is empty; nothing was recorded as a backup. Check the role's privileges and the include/exclude filters.",
        });
    }
    if (missing.length > 0) {
        const names = missing
            .slice(0, 5)
            .map((t) => `${t.schema}.${t.name}`)
            .join(', ');
        throw new errors/* DbopsError */.zJ('VERIFY_FAILED', `The archive lacks data for ${missing.length} of ${expected.length} tables (${names}${missing.length > 5 ? ', …' : ''})`, {
            hint: 'The dump is incomplete; nothing was recorded as a backup.',
        });
    }
}
/**
 * The large objects' size on disk (pg_largeobject, a catalog no table inventory lists). Counted whether or not this
 * dump's scope takes them (pg_dump -b): a hint too large only makes the upload's parts larger, one too small fails it.
 */
async function largeObjectBytes(client) {
    const { rows } = await client.query("select pg_total_relation_size('pg_catalog.pg_largeobject') as bytes");
    return Number(rows[0].bytes);
}
//# sourceMappingURL=dump-source.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/health-session.js



/** Runs `use` on monitor-report's session: read-only, every statement bounded, each check in its own transaction. */
async function withPgHealthSession(target, context, use) {
    return (0,connection/* withSession */.fQ)(target, context.log, context.signal, async (client) => {
        const { version, standby, seesAllSessions } = await prepareSession(client, target);
        return use({
            server: { product: 'PostgreSQL', version: version.text, major: version.major, standby, seesAllSessions },
            async inCheckTransaction(timeoutMs, run) {
                try {
                    await client.query('begin transaction isolation level read committed read only');
                    await client.query(`set local statement_timeout = ${Math.round(timeoutMs)}`);
                    // Catalog functions such as pg_relation_size take light locks; never queue behind a migration's lock.
                    await client.query(`set local lock_timeout = ${Math.round(Math.min(timeoutMs, 2000))}`);
                    const query = async (text, params) => (await client.query(text, params)).rows;
                    const result = await run(query);
                    await client.query('commit');
                    return result;
                }
                catch (error) {
                    await client.query('rollback').catch(() => undefined);
                    throw error;
                }
            },
            explainCheckFailure,
        });
    });
}
/**
 * Readies the report's session: named, read-only, and every statement bounded. The setup queries and the
 * transaction control around each check are bounded by connect-timeout, as part of reaching the server; only the
 * checks' own queries get statement-timeout (runChecks sets it per check). A statement-timeout of 1 ms then
 * fails checks, which the report shows, instead of the report's first query at random.
 */
async function prepareSession(client, target) {
    const boundMs = target.connectTimeoutSeconds * 1000;
    await client.query(`set application_name = 'dbops monitor-report'`);
    // Belt and braces: every check also runs in an explicit READ ONLY transaction.
    await client.query('set default_transaction_read_only = on');
    await client.query(`set statement_timeout = ${boundMs}`);
    try {
        const version = await (0,connection/* serverVersion */.qh)(client);
        const [row] = (await client.query(`select pg_is_in_recovery() as standby, pg_has_role(current_user, 'pg_read_all_stats', 'usage') as sees_all`)).rows;
        return { version, standby: row?.standby ?? false, seesAllSessions: row?.sees_all ?? false };
    }
    catch (error) {
        throw setupError(target, error);
    }
}
function setupError(target, error) {
    const where = (0,postgres_target/* describeTarget */.ff)(target);
    if (error.code === '57014') {
        return new errors/* DbopsError */.zJ('CONNECTION_FAILED', `PostgreSQL at ${where} did not answer the report's first query within connect-timeout (${target.connectTimeoutSeconds} s)`, {
            hint: 'The server is overloaded, or a session holds a lock on the system catalogs (look in pg_locks); raise connect-timeout to wait longer.',
            cause: error,
        });
    }
    return new errors/* DbopsError */.zJ('CONNECTION_FAILED', `PostgreSQL at ${where} failed the report's first query: ${error.message}`, {
        hint: "Check that the role may connect to this database and read server settings; the message above is the server's.",
        cause: error,
    });
}
/**
 * A feature this server lacks means "skipped, here is why": there is nothing of it to check. Anything else (a
 * missing privilege, a timeout, a lock wait, an error) leaves what the check watches unknown.
 */
function explainCheckFailure(error, timeoutMs) {
    const code = error.code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === '42883' || code === '42P01' || code === '42703')
        return { status: 'skipped', reason: `not available on this server (${message})` };
    if (code === '42501')
        return { status: 'unknown', reason: `this role lacks a privilege (${message}); grant it pg_monitor` };
    if (code === '57014')
        return {
            status: 'unknown',
            reason: `a query took longer than ${Math.round(timeoutMs)} ms and was cancelled (raise statement-timeout)`,
        };
    if (code === '55P03')
        return { status: 'unknown', reason: `a query waited for a lock and gave up (${message})` };
    return { status: 'unknown', reason: message };
}
//# sourceMappingURL=health-session.js.map
// EXTERNAL MODULE: ./packages/core/lib/restore/tombstone-verdict.js
var tombstone_verdict = __webpack_require__(33787);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/subject-graph.js
var subject_graph = __webpack_require__(61535);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/tombstone-check.js



/** Hashes sent to the server per statement. */
const CHUNK = 10_000;
/**
 * `tombstones`: from the tombstones-from database; without it, the restored copy's own tombstone table (it knows
 * only the erasures before its backup). Undefined when there is nothing to replay.
 */
async function checkTombstones(client, manifest, tombstones) {
    const set = tombstones ?? (await (0,data_retention_tombstones/* readTombstones */.Bm)(client));
    if (!set)
        return undefined;
    if (tombstones) {
        const mismatch = await saltMismatch(client, tombstones.salt);
        if (mismatch)
            return mismatch;
    }
    const source = tombstones ? 'tombstones-from' : "the backup's own tombstone table";
    const total = set.tables.reduce((n, t) => n + t.hashes.length, 0);
    const backupTime = Date.parse(manifest.startedAt);
    const reappeared = [];
    const held = [];
    await client.query('BEGIN READ ONLY');
    try {
        // Key text as the erasure hashed it: dbops's erasing sessions print times in UTC.
        await client.query("SELECT set_config('TimeZone', 'UTC', true)");
        for (const table of set.tables) {
            const key = await primaryKey(client, table.schema, table.name);
            if (!key)
                continue; // not in this backup (or without its key): none of its rows can be back
            let before = 0;
            let after = 0;
            for (let i = 0; i < table.hashes.length; i += CHUNK) {
                const hashes = table.hashes.slice(i, i + CHUNK);
                const times = table.erasedAt.slice(i, i + CHUNK);
                const { rows } = await client.query(`SELECT r.hash FROM (SELECT encode(sha256(convert_to($1 || E'\\n' || $2 || E'\\n' || ${(0,subject_graph/* keyExpression */.Gp)(key.columns, 't')}, 'UTF8')), 'hex') AS hash
                    FROM ${key.table} AS t) AS r
            WHERE r.hash = ANY($3::text[])`, [set.salt, `${table.schema}.${table.name}`, hashes]);
                // Completion per hash; NaN (before nothing) when not yet recorded; -Infinity for the copy's own.
                const completedAt = new Map(hashes.map((h, j) => {
                    if (!tombstones)
                        return [h, Number.NEGATIVE_INFINITY];
                    const at = table.completedAt ? table.completedAt[i + j] : times[j];
                    return [h, at == null ? Number.NaN : Date.parse(at)];
                }));
                for (const { hash } of rows) {
                    if (completedAt.get(hash) < backupTime)
                        before++;
                    else
                        after++;
                }
            }
            if (before > 0)
                reappeared.push(`${table.schema}.${table.name}: ${before}`);
            if (after > 0)
                held.push(`${table.schema}.${table.name}: ${after}`);
        }
    }
    finally {
        await client.query('ROLLBACK').catch(() => undefined);
    }
    return (0,tombstone_verdict/* tombstoneVerdict */.N)({ total, source, reappeared, held }, { one: 'row', many: 'rows' });
}
/**
 * The salt is random per database and travels in its backups: a restored copy with a salt of its own that is not
 * the live set's was not backed up from the tombstones-from database. Its hashes would match no row, and the check
 * would pass having proved nothing: it fails instead. A copy without a salt table (from before the first erasure)
 * cannot tell, and is replayed as before.
 */
async function saltMismatch(client, liveSalt) {
    const { rows: table } = await client.query('SELECT to_regclass($1)::text AS t', [data_retention_tombstones/* SALT_TABLE */.Aq]);
    if (!table[0]?.t)
        return undefined;
    const own = (await client.query(`SELECT salt FROM ${data_retention_tombstones/* SALT_TABLE */.Aq}`)).rows[0]?.salt;
    if (own === undefined || own === liveSalt)
        return undefined;
    return {
        name: tombstone_verdict/* TOMBSTONE_CHECK */.x,
        passed: false,
        detail: `tombstones-from is not the backup's source database: its tombstones are salted ${liveSalt ? 'differently from' : 'with no salt, unlike'} the backup's own (dbops_retention_salt), so none of them can match a restored row. Point tombstones-from at the database the backup was taken from`,
    };
}
async function primaryKey(client, schema, name) {
    const { rows } = await client.query(`SELECT c.oid::regclass::text AS table,
            (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'base', ty.typname) ORDER BY k.n)
               FROM pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
               JOIN pg_type ty ON ty.oid = a.atttypid
              WHERE i.indrelid = c.oid AND i.indisprimary) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`, [schema, name]);
    const row = rows[0];
    return row?.columns ? { table: row.table, columns: row.columns } : undefined;
}
//# sourceMappingURL=tombstone-check.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/count-statement.js
var count_statement = __webpack_require__(91513);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/restore-checks.js




// What a restore is checked by in a restored PostgreSQL database: tables and row counts, the schema fingerprint,
// the user's SQL checks.
/** How far a restored table's row count may be from the planner's estimate recorded at backup time. */
const ESTIMATE_TOLERANCE = 0.2;
/** Every table in the manifest exists, with the recorded row count (exact) or near the estimate. */
async function checkTables(client, manifest) {
    const missing = [];
    const exactMismatch = [];
    const estimateOff = [];
    const unknown = [];
    let exact = 0;
    let estimated = 0;
    let rows = 0;
    const names = manifest.tables.map((table) => `${(0,inventory/* quoteIdent */.v4)(table.schema)}.${(0,inventory/* quoteIdent */.v4)(table.name)}`);
    const counts = await countRows(client, names.map((name, i) => (countsChildren(manifest, manifest.tables[i]) ? name : `only ${name}`)));
    for (const [i, table] of manifest.tables.entries()) {
        const name = names[i];
        const count = counts[i];
        if (count === undefined) {
            missing.push(name);
            continue;
        }
        rows += count;
        if (table.dataExcluded) {
            exact++;
            if (count !== 0)
                exactMismatch.push(`${name}: ${count} rows, but its data was excluded from the backup`);
        }
        else if (table.rows !== undefined) {
            exact++;
            if (count !== table.rows)
                exactMismatch.push(`${name}: ${count} rows, backup had ${table.rows}`);
        }
        else if (table.rowEstimate >= 0) {
            estimated++;
            const allowed = Math.max(10, table.rowEstimate * ESTIMATE_TOLERANCE);
            if (Math.abs(count - table.rowEstimate) > allowed)
                estimateOff.push(`${name}: ${count} rows, estimate was ~${table.rowEstimate}`);
        }
        else {
            // Above the exact-count limit and never analyzed (estimate -1): the backup recorded nothing to compare with.
            unknown.push(name);
        }
    }
    const total = manifest.tables.length;
    const checks = [
        {
            name: 'tables present',
            passed: missing.length === 0,
            detail: missing.length === 0 ? `${total} of ${total} tables` : `${missing.length} missing: ${preview(missing)}`,
        },
    ];
    // A check that looked at no table proves nothing: it is left out rather than reported as passed.
    if (exact > 0) {
        checks.push({
            name: 'row counts (exact)',
            passed: exactMismatch.length === 0,
            detail: exactMismatch.length === 0
                ? `${exact} tables match the counts taken in the backup's snapshot`
                : preview(exactMismatch),
        });
    }
    if (estimated > 0) {
        checks.push({
            name: 'row counts (estimated)',
            passed: estimateOff.length === 0,
            detail: estimateOff.length === 0
                ? `${estimated} large tables within ${ESTIMATE_TOLERANCE * 100}% of the planner's estimate`
                : preview(estimateOff),
        });
    }
    if (unknown.length > 0) {
        checks.push({
            name: 'row counts (unknown)',
            passed: false,
            detail: `${unknown.length} tables had no count or estimate in the backup, so their rows were not verified: ${preview(unknown)} (larger than exact-count-max-size and never analyzed: ANALYZE them, or raise exact-count-max-size)`,
        });
    }
    return { checks, rows };
}
/**
 * Whether a table's recorded count includes its inheritance children's rows, so that the restored table is counted
 * with them: the exact counts of manifests older than rowCounts 'own'. A table's own rows are counted otherwise
 * (FROM ONLY, the same on a table without children): the archive holds only those of a parent whose child, or the
 * child's data, was left out of the backup; an estimate (pg_class.reltuples) and an excluded table's zero were
 * always the table's own.
 */
function countsChildren(manifest, table) {
    return manifest.rowCounts !== 'own' && table.rows !== undefined && !table.dataExcluded;
}
/**
 * Tables counted per statement. One statement per table took 2.1 s at 10,000 tables on a local server (more with
 * any network between); 50 a statement took 0.9 s. Larger batches plan more slowly per table: 500 a statement
 * was slower than one per table at 1,000 tables (bench/restore-counts.mjs).
 */
const COUNT_BATCH = 50;
/**
 * Each table's row count, in the order given (names as a FROM clause takes them, ONLY or not); undefined where the
 * table could not be counted (missing, no permission). A batch that fails is counted again table by table, so the tables that failed are named exactly.
 */
async function countRows(client, names) {
    const counts = [];
    for (let start = 0; start < names.length; start += COUNT_BATCH) {
        const batch = names.slice(start, start + COUNT_BATCH);
        try {
            counts.push(...(await countBatch(client, batch)));
        }
        catch {
            for (const name of batch)
                counts.push(await countOne(client, name));
        }
    }
    return counts;
}
async function countBatch(client, names) {
    const result = await client.query((0,count_statement/* countStatement */.n)(names));
    return (0,count_statement/* countsOf */.m)(result.rows, names.length);
}
async function countOne(client, name) {
    try {
        return Number((await client.query(`select count(*) as n from ${name}`)).rows[0].n);
    }
    catch {
        return undefined;
    }
}
/**
 * Parts of the fingerprint that hash definitions as the server prints them (pg_get_viewdef, pg_get_constraintdef,
 * format_type...): another major may print the same object differently (PostgreSQL 16 prints views without
 * table qualifiers, 17 lists a domain's NOT NULL among its constraints).
 */
const PRINTED_BY_SERVER = new Set([
    'tables',
    'columns',
    'indexes',
    'constraints',
    'triggers',
    'types',
    'views',
    'policies',
]);
async function checkSchema(client, manifest) {
    const restored = await schemaFingerprint(client);
    const differences = fingerprintDifferences(manifest.schemaFingerprint, restored);
    if (differences.length === 0)
        return { name: 'schema fingerprint', passed: true, detail: `equal (${restored.digest.slice(0, 12)})` };
    const here = (await (0,connection/* serverVersion */.qh)(client)).major;
    const there = Number.parseInt(manifest.serverVersion, 10);
    // Restoring into another major (an upgrade rehearsal): a printed part that differs may be the same schema
    // printed another way. Such parts are named as not compared, never counted as equal.
    if (here !== there && differences.every((part) => PRINTED_BY_SERVER.has(part))) {
        const equal = Object.keys(restored.parts).filter((part) => !differences.includes(part));
        return {
            name: 'schema fingerprint',
            passed: true,
            detail: `equal in ${equal.join(', ')}; ${differences.join(', ')} not compared: PostgreSQL ${here} prints their definitions differently from PostgreSQL ${there}, where the backup was taken`,
        };
    }
    return { name: 'schema fingerprint', passed: false, detail: `differs in ${differences.join(', ')}` };
}
/**
 * Runs each check as one statement of the extended protocol (which refuses several) inside a read-only
 * transaction opened by dbops, with a statement timeout, in a session whose transactions default to read-only.
 * The transaction has taken its snapshot before the check runs, so the check cannot switch it to read-write
 * (set_config('transaction_read_only', ...) fails), and it is rolled back afterwards, which also undoes any
 * setting the check changed (set_config(..., false) included). A check passes when its first value is true or a
 * non-zero number.
 *
 * Not covered: read-only stops writes to the restored database only. A check run by a superuser can still act
 * outside it (COPY ... TO PROGRAM, dblink to another session, pg_terminate_backend); checks are code from the
 * repository, trusted like the workflow, and the target server should be a disposable one.
 */
async function runUserChecks(client, checks, timeoutMs = 60_000) {
    const results = [];
    if (checks.length === 0)
        return results;
    await client.query('set default_transaction_read_only = on');
    for (const check of checks) {
        if (!('sql' in check)) {
            results.push({ name: check.name, passed: false, detail: PIPELINE_NOT_RUN });
            continue;
        }
        try {
            await client.query('begin read only');
            // A query, so the transaction's snapshot is taken before the check runs (see above).
            await client.query("select set_config('statement_timeout', $1, true)", [String(Math.round(timeoutMs))]);
            const result = await client.query({ text: check.sql, rowMode: 'array', queryMode: 'extended' });
            const value = (result.rows ?? [])[0]?.[0];
            const passed = value === true ||
                (value !== null &&
                    value !== undefined &&
                    typeof value !== 'boolean' &&
                    Number(value) !== 0 &&
                    !Number.isNaN(Number(value)));
            results.push({
                name: check.name,
                passed,
                detail: `returned ${value === undefined ? 'no rows' : JSON.stringify(value)}`,
            });
        }
        catch (error) {
            results.push({ name: check.name, passed: false, detail: `failed: ${checkFailure(error)}` });
        }
        finally {
            await client.query('rollback').catch(() => undefined);
        }
    }
    return results;
}
/** A MongoDB pipeline check (a .json checks file) cannot run on PostgreSQL: failed, never passed unrun. */
const PIPELINE_NOT_RUN = 'not run: a MongoDB pipeline check, which a PostgreSQL database cannot run (write PostgreSQL checks as SQL in a .sql file)';
/** The server's own message; the one for several statements in one check said in words a check author knows. */
function checkFailure(error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/cannot insert multiple commands into a prepared statement/.test(message))
        return 'the check holds more than one statement; a check is one query';
    return message;
}
function preview(items) {
    return items.slice(0, 5).join('; ') + (items.length > 5 ? `; … ${items.length - 5} more` : '');
}
//# sourceMappingURL=restore-checks.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/archive-offsets.js
/**
 * Writes each table's data offset into the table of contents of a custom-format archive that pg_dump wrote to a pipe.
 *
 * pg_dump records where each entry's data starts only when its output is a seekable file (it rewrites the TOC at
 * the end). A backup streams pg_dump's output, so every entry of its archive says "position not set", and
 * `pg_restore -j` then finds each table's data by reading the archive from its start in every worker, skipping
 * block by block (bench/README.md, restore: pg_restore 8.3 s of CPU against 1.2 s for the same archive written to a
 * file). restore and restore-test have the archive as a local file before pg_restore runs: this reads it once
 * (header, TOC, then the data blocks' headers and chunk lengths) and writes each data entry's offset into its TOC
 * field, the same bytes pg_dump writes when it can seek (flag K_OFFSET_POS_SET and the offset, same length). An
 * offset that were wrong would make pg_restore stop ("found unexpected block ID"), never restore other data; an
 * archive this cannot walk from its first data block to its end exactly is left as it is.
 *
 * Written by hand: no library reads pg_dump's archive format. The layout is PostgreSQL's pg_backup_archiver.c
 * (ReadHead, ReadToc, ReadInt, ReadStr, ReadOffset) and pg_backup_custom.c (_ReadExtraToc, _readBlockHeader,
 * _skipData, _skipLOs), archive versions 1.12 (PostgreSQL 9.x) to 1.16 (PostgreSQL 17 and 18: a relkind in each TOC
 * entry, and large objects in several BLOBS entries of up to 1000 each). Tested on 1.14 (test/integration/
 * archive-offsets.test.ts) and 1.16 (postgres-archive-1.16.test.ts).
 */

const MAGIC = 'PGDMP';
const FORMAT_CUSTOM = 1;
const BLK_DATA = 1;
const BLK_BLOBS = 3;
const OFFSET_NOT_SET = 1;
const OFFSET_SET = 2;
/** MAKE_ARCHIVE_VERSION(1, minor, 0). */
const version = (minor) => (1 * 256 + minor) * 256;
async function writeDataOffsets(path) {
    // A parallel backup is restored from a directory: its files are per table, and pg_restore opens each by name.
    if (!(await (0,promises_.stat)(path)).isFile())
        return { kind: 'left', reason: 'a directory-format archive has no offsets' };
    const file = await (0,promises_.open)(path, 'r+');
    try {
        const reader = new ArchiveReader(file, (await file.stat()).size);
        let fields;
        let blocks;
        try {
            fields = await readTocOffsetFields(reader);
            if (![...fields.values()].some((f) => f.flag === OFFSET_NOT_SET))
                return { kind: 'present' };
            blocks = await readBlockPositions(reader, fields);
        }
        catch (error) {
            if (error instanceof ArchiveShapeError)
                return { kind: 'left', reason: error.message };
            throw error;
        }
        let entries = 0;
        for (const [dumpId, field] of fields) {
            const position = blocks.get(dumpId);
            if (field.flag !== OFFSET_NOT_SET || position === undefined)
                continue;
            const bytes = Buffer.alloc(1 + reader.offSize);
            bytes[0] = OFFSET_SET;
            // Little-endian, as WriteOffset writes it; archives are far below 2^53 bytes.
            for (let i = 0, rest = position; i < reader.offSize; i++, rest = Math.floor(rest / 256))
                bytes[1 + i] = rest % 256;
            await file.write(bytes, 0, bytes.length, field.at);
            entries++;
        }
        return { kind: 'written', entries };
    }
    finally {
        await file.close();
    }
}
class ArchiveShapeError extends Error {
}
/** The header and TOC: each entry's offset field, by dump id. Leaves the reader at the first data block. */
async function readTocOffsetFields(r) {
    if ((await r.bytes(5)).toString('latin1') !== MAGIC)
        throw new ArchiveShapeError('not a pg_dump archive');
    const [major, minor] = [await r.byte(), await r.byte()];
    const revision = await r.byte();
    const v = (major * 256 + minor) * 256 + revision;
    if (major !== 1 || v < version(12) || v >= version(17))
        throw new ArchiveShapeError(`archive version ${major}.${minor} is not one this reads (1.12 to 1.16)`);
    r.intSize = await r.byte();
    r.offSize = await r.byte();
    if (r.intSize < 1 || r.intSize > 8 || r.offSize < 1 || r.offSize > 8)
        throw new ArchiveShapeError(`integer size ${r.intSize} or offset size ${r.offSize} is not a pg_dump archive's`);
    if ((await r.byte()) !== FORMAT_CUSTOM)
        throw new ArchiveShapeError('not a custom-format archive');
    if (v >= version(15))
        await r.byte(); // compression algorithm
    else
        await r.int(); // compression level
    for (let i = 0; i < 7; i++)
        await r.int(); // creation time
    await r.str(); // database name
    await r.str(); // server version
    await r.str(); // pg_dump version
    const fields = new Map();
    const count = await r.int();
    for (let i = 0; i < count; i++) {
        const dumpId = await r.int();
        await r.int(); // had a data dumper
        for (let s = 0; s < 4; s++)
            await r.str(); // tableoid, oid, tag, desc
        await r.int(); // section
        for (let s = 0; s < 5; s++)
            await r.str(); // defn, dropStmt, copyStmt, namespace, tablespace
        if (v >= version(14))
            await r.str(); // table access method
        if (v >= version(16))
            await r.int(); // relkind
        await r.str(); // owner
        await r.str(); // "false": with OIDs
        while ((await r.str()) !== null)
            ; // dependencies, ended by a null string
        const at = r.position;
        const flag = await r.byte();
        await r.bytes(r.offSize);
        fields.set(dumpId, { at, flag });
    }
    return fields;
}
/** Walks the data section to its end: where each block starts, by dump id. Throws on anything unexpected. */
async function readBlockPositions(r, fields) {
    const blocks = new Map();
    while (r.position < r.size) {
        const start = r.position;
        const type = await r.byte();
        const dumpId = await r.int();
        if (!fields.has(dumpId) || blocks.has(dumpId))
            throw new ArchiveShapeError(`a data block at byte ${start} names entry ${dumpId}, which the TOC does not expect`);
        if (type === BLK_DATA)
            await skipChunks(r);
        else if (type === BLK_BLOBS)
            for (let oid = await r.int(); oid !== 0; oid = await r.int())
                await skipChunks(r);
        else
            throw new ArchiveShapeError(`unknown data block type ${type} at byte ${start}`);
        blocks.set(dumpId, start);
    }
    if (r.position !== r.size)
        throw new ArchiveShapeError(`the last data block runs past the archive's end (${r.size} bytes)`);
    return blocks;
}
/** One entry's data: length-prefixed chunks ended by a zero length. */
async function skipChunks(r) {
    // A table's data is one chunk per row: the lengths are read from the buffer without a promise each where they can be.
    for (let length = r.bufferedInt() ?? (await r.int()); length !== 0; length = r.bufferedInt() ?? (await r.int())) {
        if (length < 0)
            throw new ArchiveShapeError(`a negative chunk length at byte ${r.position}`);
        r.skip(length);
    }
}
/**
 * Reads the file forwards through one 1 MiB buffer (a data section of millions of small chunks is walked in memory,
 * not a read per chunk), and fails with ArchiveShapeError at its end.
 */
class ArchiveReader {
    file;
    size;
    intSize = 4;
    offSize = 8;
    /** The absolute position of the next byte. */
    position = 0;
    buffer = Buffer.alloc(1 << 20);
    /** The file position of buffer[0], and how many bytes of it are valid. */
    base = 0;
    filled = 0;
    constructor(file, size) {
        this.file = file;
        this.size = size;
    }
    async byte() {
        await this.ensure(1);
        return this.buffer[this.position++ - this.base];
    }
    async bytes(n) {
        if (n > this.buffer.length)
            throw new ArchiveShapeError(`a field of ${n} bytes at byte ${this.position}`);
        await this.ensure(n);
        const at = this.position - this.base;
        this.position += n;
        return this.buffer.subarray(at, at + n);
    }
    /** ReadInt: a sign byte, then intSize bytes, little-endian. */
    async int() {
        const sign = await this.byte();
        const bytes = await this.bytes(this.intSize);
        let value = 0;
        for (let i = bytes.length - 1; i >= 0; i--)
            value = value * 256 + bytes[i];
        return sign ? -value : value;
    }
    /** int() when its bytes are in the buffer, else undefined. */
    bufferedInt() {
        const at = this.position - this.base;
        if (at < 0 || at + 1 + this.intSize > this.filled)
            return undefined;
        let value = 0;
        for (let i = this.intSize; i >= 1; i--)
            value = value * 256 + this.buffer[at + i];
        this.position += 1 + this.intSize;
        return this.buffer[at] ? -value : value;
    }
    /** ReadStr: a length (negative: null), then its bytes; skipped, only null-ness kept. */
    async str() {
        const length = await this.int();
        if (length < 0)
            return null;
        this.skip(length);
        return '';
    }
    skip(n) {
        this.position += n;
    }
    async ensure(n) {
        if (this.position + n > this.size)
            throw new ArchiveShapeError(`the archive ends at byte ${this.size}, in the middle of a field`);
        if (this.position >= this.base && this.position + n <= this.base + this.filled)
            return;
        this.base = this.position;
        this.filled = 0;
        const want = Math.min(this.buffer.length, this.size - this.base);
        while (this.filled < want) {
            const { bytesRead } = await this.file.read(this.buffer, this.filled, want - this.filled, this.base + this.filled);
            if (bytesRead === 0)
                throw new ArchiveShapeError(`the archive ends at byte ${this.base + this.filled}`);
            this.filled += bytesRead;
        }
    }
}
//# sourceMappingURL=archive-offsets.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/scratch-database.js




/** A unique, recognisable name for a throwaway restore target: dbops_restore_<backup time>_<random>. */
function scratchDatabaseName(backupId) {
    return `dbops_restore_${backupId.slice(0, 15).toLowerCase()}_${(0,external_node_crypto_.randomBytes)(3).toString('hex')}`;
}
/**
 * Creates the scratch database like the source (encoding, LC_COLLATE / LC_CTYPE, ICU or builtin locale) when the
 * manifest records it: with the server's defaults a restore may sort differently or hold bytes its encoding forbids,
 * and still pass every check.
 */
async function createScratchDatabase(admin, name, locale) {
    try {
        await admin.query(createDatabaseStatement(name, locale));
    }
    catch (error) {
        const code = error.code;
        const reason = error.message;
        if (code === '42501') {
            throw new errors/* DbopsError */.zJ('RESTORE_FAILED', `Cannot create the scratch database ${name}: ${reason}`, {
                input: 'target-url',
                hint: 'The target-url role needs CREATEDB (or use a superuser on a throwaway server, e.g. a service container).',
                cause: error,
            });
        }
        if (locale) {
            throw new errors/* DbopsError */.zJ('RESTORE_FAILED', `The server of target-url cannot create a database like the source (${describeLocale(locale)}): ${reason}`, {
                input: 'target-url',
                hint: localeHint(locale),
                cause: error,
            });
        }
        throw new errors/* DbopsError */.zJ('RESTORE_FAILED', `Cannot create the scratch database ${name}: ${reason}`, {
            input: 'target-url',
            hint: 'Check the target server.',
            cause: error,
        });
    }
}
function localeHint(locale) {
    const libc = [locale.collate, locale.ctype].filter((l, i, all) => !/^(C|POSIX)$/i.test(l) && all.indexOf(l) === i);
    const steps = [
        ...(libc.length > 0
            ? [
                `install the locale ${libc.join(' and ')} on the target server (e.g. Debian's locales-all package, or locale-gen and a server restart)`,
            ]
            : []),
        ...(locale.provider === 'icu'
            ? ['use a PostgreSQL 15+ server built with ICU (the official postgres images are)']
            : []),
        ...(locale.provider === 'builtin' ? ['use a PostgreSQL 17+ server'] : []),
    ];
    return `A restore test reproduces the source database's encoding and locale: ${steps.length > 0 ? steps.join(', or ') : 'use a target server like the source'}.`;
}
/**
 * Drops schema public from a database a backup is about to restore into, when the backup creates public itself
 * (pg_dump -n public): pg_restore would stop on "schema "public" already exists", and the archive's public (its
 * comment, owner and grants) is the one to keep. Only an empty public is dropped (no cascade).
 */
async function dropEmptyPublicSchema(client, where) {
    try {
        await client.query('drop schema if exists public');
    }
    catch (error) {
        throw new errors/* DbopsError */.zJ('RESTORE_FAILED', `The backup creates schema public, but public in ${where} cannot be dropped first: ${error.message}`, {
            input: 'target-url',
            hint: 'Restore into a new, empty database, or pass --clean to empty this one first.',
            cause: error,
        });
    }
}
/**
 * Creates the schemas a tables backup holds objects in but does not create (pg_dump -t dumps no schema; the manifest
 * lists them): pg_restore would fail on the first of its tables. A target may have them already (IF NOT EXISTS).
 */
async function createSchemasNotInArchive(client, manifest) {
    for (const schema of manifest.schemasNotInArchive ?? [])
        await client.query(`create schema if not exists ${(0,inventory/* quoteIdent */.v4)(schema)}`);
}
async function dropDatabase(admin, name) {
    // WITH (FORCE) (PostgreSQL 13+) ends sessions left over by a failed check; older servers take the plain form.
    await admin
        .query(`drop database if exists ${(0,inventory/* quoteIdent */.v4)(name)} with (force)`)
        .catch(() => admin.query(`drop database if exists ${(0,inventory/* quoteIdent */.v4)(name)}`));
}
/** Objects in user schemas (relations, functions) and large objects: a restore over any needs an explicit --clean. */
async function countUserObjects(client) {
    const userSchema = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'`;
    const notExtension = (catalog, oid) => `not exists (select 1 from pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;
    const { rows } = await client.query(`select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and ${userSchema} and ${notExtension('pg_class', 'c.oid')})
          + (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${userSchema} and ${notExtension('pg_proc', 'p.oid')})
          + (select count(*) from pg_largeobject_metadata) as n`);
    return Number(rows[0].n);
}
/**
 * Empties a database for a clean restore: every user schema dropped with its contents (public recreated empty),
 * publications dropped, large objects unlinked. pg_restore --clean cannot do this reliably: it fails on partitioned
 * tables' inherited constraints ("cannot drop inherited constraint") and leaves objects the archive does not know
 * about. Publications belong to the database, not to a schema: left, the archive's CREATE PUBLICATION fails.
 */
async function clearDatabase(client) {
    await refuseSubscriptions(client);
    const { rows } = await client.query(`select nspname from pg_namespace
      where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg_toast%' and nspname not like 'pg_temp%'`);
    const publications = await client.query('select pubname from pg_publication');
    await client.query('begin');
    try {
        for (const { pubname } of publications.rows)
            await client.query(`drop publication ${(0,inventory/* quoteIdent */.v4)(pubname)}`);
        for (const { nspname } of rows)
            await client.query(`drop schema ${(0,inventory/* quoteIdent */.v4)(nspname)} cascade`);
        await client.query('create schema public');
        // PostgreSQL 15+ gives public to pg_database_owner; older servers grant it to everyone.
        await client.query(`do $$ begin
      if current_setting('server_version_num')::int >= 150000 then alter schema public owner to pg_database_owner;
      else grant all on schema public to public; end if; end $$`);
        await client.query('select lo_unlink(oid) from pg_largeobject_metadata');
        await client.query('commit');
    }
    catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
    }
}
/**
 * A subscription is not dropped for a clean restore: DROP SUBSCRIPTION drops its replication slot on the publisher
 * (a remote server, outside the transaction that empties the database), and dropping it without (slot_name = NONE)
 * leaves that slot holding the publisher's WAL forever. The user decides; the target is still untouched.
 */
async function refuseSubscriptions(client) {
    const { rows } = await client.query(`select subname from pg_subscription
      where subdbid = (select oid from pg_database where datname = current_database()) order by subname`);
    if (rows.length === 0)
        return;
    throw new errors/* DbopsError */.zJ('UNSAFE_TARGET', `The target database has subscriptions (${rows.map((r) => r.subname).join(', ')}), which a clean restore does not drop; nothing was changed`, {
        input: 'target-url',
        hint: `Drop them first (DROP SUBSCRIPTION ${(0,inventory/* quoteIdent */.v4)(rows[0].subname)} also drops its replication slot on the publisher), or restore into another database.`,
    });
}
//# sourceMappingURL=scratch-database.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/restorer.js









/** A pg_restore that reads the archive (at least its pg_dump's major); it may be older than the target server. */
async function findPgRestorer(server, manifest, settings) {
    const archiveMajor = Number.parseInt(manifest.dumpTool.version, 10);
    const where = { ...(settings.binDir ? { binDir: settings.binDir } : {}), path: settings.env.PATH ?? '' };
    const tools = await findRestoreTools(archiveMajor, server.major, where);
    return {
        program: 'pg_restore',
        version: tools.version,
        /** pg_restore -j into an existing, empty database. */
        async restore(archivePath, target, options) {
            const into = (0,postgres_target/* asPgTarget */.v5)(target);
            const toc = await (0,lib_log/* timed */.ay)(options.log, 'Listed the archive', () => listArchiveFile(tools.pgRestore, archivePath, options.signal));
            // Here, not in the callers: a restore into a new database and one into a database --clean has just emptied
            // both need the archive's setting-up (public as the archive has it, a tables backup's schemas).
            await (0,connection/* withSession */.fQ)(into, options.log, options.signal, async (client) => {
                if (archiveCreatesSchema(toc, 'public'))
                    await dropEmptyPublicSchema(client, (0,postgres_target/* describeTarget */.ff)(into));
                await createSchemasNotInArchive(client, manifest);
            });
            // A streamed backup's archive has no data offsets: without them every pg_restore -j worker reads the archive
            // from its start to find each table's data (archive-offsets.ts). The file is the fetched copy, dbops's own.
            // Only a speed-up: a file it cannot read or write is restored as it is.
            const offsets = await (0,lib_log/* timed */.ay)(options.log, 'Wrote the data offsets into the archive', () => writeDataOffsets(archivePath).catch((error) => ({ kind: 'left', reason: error.message })));
            options.log.debug(offsets.kind === 'written'
                ? `The archive's data offsets: ${offsets.entries} written`
                : offsets.kind === 'present'
                    ? "The archive's data offsets: already there"
                    : `The archive's data offsets were left unset: ${offsets.reason}`);
            const libpq = await (0,libpq_env/* libpqEnvironment */.S)(into, options.env);
            try {
                const outcome = await (0,lib_log/* timed */.ay)(options.log, `Ran pg_restore -j${options.jobs}`, () => runPgRestore({
                    pgRestore: tools.pgRestore,
                    archivePath,
                    database: into.database,
                    jobs: options.jobs,
                    noOwner: options.noOwner,
                    env: libpq.env,
                    ...(options.signal ? { signal: options.signal } : {}),
                }));
                if (!outcome.ok) {
                    throw new errors/* DbopsError */.zJ('RESTORE_FAILED', `pg_restore failed: ${outcome.errors.slice(0, 3).join(' | ')}`, {
                        hint: 'See the pg_restore errors; roles, extensions or tablespaces the backup needs may be missing on the target server.',
                    });
                }
            }
            finally {
                await libpq.dispose();
            }
            return undefined;
        },
    };
}
//# sourceMappingURL=restorer.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/engine.js












/** PostgreSQL behind the engine interface (docs/architecture.md): each member delegates to this folder's modules. */
const postgresEngine = {
    name: 'postgresql',
    describe: (target) => (0,postgres_target/* describeTarget */.ff)((0,postgres_target/* asPgTarget */.v5)(target)),
    withDumpSource: (target, settings, context, use) => withPgDumpSource((0,postgres_target/* asPgTarget */.v5)(target), settings, context, use),
    async openScratchServer(target, context) {
        const pgTarget = (0,postgres_target/* asPgTarget */.v5)(target);
        const admin = await (0,connection/* connect */.Ng)(pgTarget, context.log, context.signal);
        try {
            return scratchServer(admin, pgTarget, await describeServer(admin), context.log);
        }
        catch (error) {
            await admin.end().catch(() => undefined);
            throw error;
        }
    },
    withRestoreTarget: (target, context, use) => {
        const pgTarget = (0,postgres_target/* asPgTarget */.v5)(target);
        return (0,connection/* withSession */.fQ)(pgTarget, context.log, context.signal, (client) => use(restoreTargetSession(client, pgTarget, context.log)));
    },
    findRestorer: findPgRestorer,
    // A cancel during a long count or a user's check ends that query, so a scratch database can be dropped.
    checkRestored: (into, manifest, userChecks, context, tombstones) => (0,lib_log/* timed */.ay)(context.log, 'Checked the restored database', () => checkRestoredPg((0,postgres_target/* asPgTarget */.v5)(into), manifest, userChecks, context, tombstones)),
    withHealthSession: (target, context, use) => withPgHealthSession((0,postgres_target/* asPgTarget */.v5)(target), context, use),
    readTombstones: (target, _manifest, context) => (0,connection/* withSession */.fQ)((0,postgres_target/* asPgTarget */.v5)(target), context.log, context.signal, data_retention_tombstones/* readTombstones */.Bm),
    withSqlSession: (target, context, use) => (0,connection/* withSession */.fQ)((0,postgres_target/* asPgTarget */.v5)(target), context.log, context.signal, use),
};
/**
 * The row counts read every table and the other checks read the catalog: on two sessions they run side by side,
 * on two of the server's cores (at 10,000 tables each takes seconds). Both sessions end before this returns, also
 * when one of them fails, so nothing still reads the scratch database when it is dropped.
 */
async function checkRestoredPg(into, manifest, userChecks, { log, signal }, tombstones) {
    const [tables, others] = await Promise.allSettled([
        (0,connection/* withSession */.fQ)(into, log, signal, (client) => (0,lib_log/* timed */.ay)(log, 'Checked the tables and row counts', () => checkTables(client, manifest))),
        (0,connection/* withSession */.fQ)(into, log, signal, async (client) => {
            const schema = await (0,lib_log/* timed */.ay)(log, 'Checked the schema fingerprint', () => checkSchema(client, manifest));
            const erased = await (0,lib_log/* timed */.ay)(log, 'Checked the tombstones', () => checkTombstones(client, manifest, tombstones));
            const user = await (0,lib_log/* timed */.ay)(log, "Ran the user's checks", () => runUserChecks(client, userChecks));
            return [schema, ...(erased ? [erased] : []), ...user];
        }),
    ]);
    if (tables.status === 'rejected')
        throw tables.reason;
    if (others.status === 'rejected')
        throw others.reason;
    return { checks: [...tables.value.checks, ...others.value], rows: tables.value.rows };
}
async function describeServer(client) {
    const version = await (0,connection/* serverVersion */.qh)(client);
    const id = await (0,connection/* systemIdentifier */.vK)(client);
    const identity = id ? { systemIdentifier: id } : {};
    return { product: 'PostgreSQL', version: version.text, major: version.major, ...identity };
}
function scratchServer(admin, target, server, log) {
    return {
        server,
        scratchName: scratchDatabaseName,
        async createDatabase(name, manifest) {
            await createScratchDatabase(admin, name, manifest.locale);
            return (0,postgres_target/* withDatabase */.kR)(target, name);
        },
        // On a session of its own: the admin session sat idle through the fetch, the restore and the checks, and a
        // server with idle_session_timeout (or a NAT) has ended it by then. No signal: the drop runs after a cancel too.
        dropDatabase: (name) => (0,connection/* withSession */.fQ)(target, log, undefined, (client) => dropDatabase(client, name)),
        close: () => admin.end(),
    };
}
function restoreTargetSession(client, target, log) {
    return {
        server: () => describeServer(client),
        userObjects: () => countUserObjects(client),
        checkFits: (manifest) => compareLocale(client, target, manifest, log),
        clear: () => clearDatabase(client),
    };
}
/**
 * A database's encoding and locale are fixed when it is created, and pg_restore cannot change them: another
 * encoding may not hold the backup's bytes (refused), another locale sorts and compares text differently (a warning).
 */
async function compareLocale(client, target, manifest, log) {
    if (!manifest.locale)
        return;
    const actual = await readDatabaseLocale(client);
    const differences = localeDifferences(manifest.locale, actual);
    if (differences.length === 0)
        return;
    const create = createDatabaseStatement(target.database, manifest.locale);
    if (actual.encoding !== manifest.locale.encoding) {
        throw new errors/* DbopsError */.zJ('UNSAFE_TARGET', `${(0,postgres_target/* describeTarget */.ff)(target)} has ${differences.join(', ')}: the backup's text may not be valid in it`, {
            input: 'target-url',
            hint: `Restore into a database created like the source: ${create}`,
        });
    }
    log.warn(`${(0,postgres_target/* describeTarget */.ff)(target)} has ${differences.join(', ')}: text sorts and compares differently than in the source. A database like the source: ${create}`);
}
//# sourceMappingURL=engine.js.map
;// CONCATENATED MODULE: ./packages/core/lib/databases/index.js




// Which engine serves a connection URL, a parsed target or a stored backup.
// MongoDB's engine and driver load when a MongoDB target is first used.
const mongoEngine = lazyEngine('mongodb', (target) => (0,mongodb_target/* describeMongoTarget */.l)((0,mongodb_target/* asMongoTarget */.I)(target)), async () => (await Promise.all(/* import() */[__webpack_require__.e(455666104606), __webpack_require__.e(1024909524264), __webpack_require__.e(92307315768), __webpack_require__.e(71541905023), __webpack_require__.e(161551409351), __webpack_require__.e(60547236041), __webpack_require__.e(954071540142), __webpack_require__.e(1095710937725), __webpack_require__.e(90683751353)]).then(__webpack_require__.bind(__webpack_require__, 44889))).mongoEngine);
const ENGINES = { postgresql: postgresEngine, mongodb: mongoEngine };
/** URL schemes, lower case, and the engine each names. */
const SCHEMES = new Map([
    ['postgres', 'postgresql'],
    ['postgresql', 'postgresql'],
    ['mongodb', 'mongodb'],
    ['mongodb+srv', 'mongodb'],
]);
/** The URL forms an engine reads ("postgres:// or postgresql://"); all engines' without one. */
function urlForms(engine) {
    const schemes = [...SCHEMES].filter(([, name]) => !engine || name === engine).map(([scheme]) => `${scheme}://`);
    return schemes.join(' or ');
}
/**
 * The engine a connection URL names by its scheme. An unknown scheme is refused naming the input, the scheme and
 * the valid forms; the rest of the URL is never echoed (it may hold a password).
 */
function engineForUrl(url, input) {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url.trim())?.[1];
    const form = `a URL starting with ${urlForms()}, e.g. postgres://USER:PASSWORD@HOST:5432/DATABASE`;
    if (!scheme) {
        throw (0,errors/* invalidInput */.aY)(input, 'is not a connection URL (it does not start with a scheme such as postgres://)', form);
    }
    const name = SCHEMES.get(scheme.toLowerCase());
    if (!name) {
        throw (0,errors/* invalidInput */.aY)(input, `has the scheme '${scheme}://', which names no database engine dbops supports`, form);
    }
    return ENGINES[name];
}
/** The engine that parsed a target. */
function engineFor(target) {
    return ENGINES[target.engine];
}
/**
 * The engine that restores a stored backup: the one its manifest names (a manifest without the field is
 * PostgreSQL's, the only engine before it existed). The target must be a server of that engine.
 */
function engineForBackup(manifest, target) {
    const name = manifest.engine ?? 'postgresql';
    if (!Object.hasOwn(ENGINES, name)) {
        const problem = `Backup ${manifest.backupId} was made by the ${name} engine, which this dbops does not support`;
        throw new errors/* DbopsError */.zJ('INVALID_INPUT', problem, {
            hint: 'Use the dbops version that wrote the backup, or a newer one.',
        });
    }
    if (name !== target.engine) {
        const input = target.urlInput ?? 'target-url';
        const problem = `names a ${target.engine} server, but backup ${manifest.backupId} is a ${name} backup`;
        throw (0,errors/* invalidInput */.aY)(input, problem, `a URL starting with ${urlForms(name)}`);
    }
    return ENGINES[name];
}
/**
 * The engine of a target for a feature only SQL engines have (migrate-deploy); another engine's URL is refused naming
 * the input and the forms that work.
 */
function sqlEngineFor(target, feature) {
    const engine = ENGINES[target.engine];
    if (engine.withSqlSession)
        return { withSqlSession: engine.withSqlSession.bind(engine) };
    const input = target.urlInput ?? 'database-url';
    throw (0,errors/* invalidInput */.aY)(input, `names a ${target.engine} server; ${feature} works on PostgreSQL only`, `a URL starting with ${urlForms('postgresql')}`);
}
/**
 * retention-purge's session for a target whose engine has no SQL (MongoDB, loaded on use), or undefined for a SQL
 * engine, which purges through withSqlSession.
 */
function documentRetentionFor(target) {
    if (target.engine !== 'mongodb')
        return undefined;
    return async (into, context, use) => (await Promise.all(/* import() */[__webpack_require__.e(455666104606), __webpack_require__.e(1024909524264), __webpack_require__.e(92307315768), __webpack_require__.e(71541905023), __webpack_require__.e(161551409351), __webpack_require__.e(60547236041), __webpack_require__.e(954071540142), __webpack_require__.e(1095710937725), __webpack_require__.e(90683751353)]).then(__webpack_require__.bind(__webpack_require__, 44889))).withMongoRetentionSession((0,mongodb_target/* asMongoTarget */.I)(into), context, use);
}
//# sourceMappingURL=index.js.map

/***/ }),

/***/ 57648:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   I: () => (/* binding */ asMongoTarget),
/* harmony export */   l: () => (/* binding */ describeMongoTarget)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);

/** "user@host:port/database", for people; never the password. */
function describeMongoTarget(target) {
    const user = target.user ? `${target.user}@` : '';
    const where = target.srv ? target.host : `${target.host}:${target.port}`;
    const several = target.databases && target.databases.length > 1;
    if (several)
        return `${user}${where} (databases ${target.databases.map((d) => d.to).join(', ')})`;
    return `${user}${where}/${target.databases?.[0]?.to ?? target.database}`;
}
/** The MongoDB target behind a DatabaseTarget the operations hand over (engineFor chose this engine by it). */
function asMongoTarget(target) {
    if (target.engine !== 'mongodb' || typeof target.url !== 'string') {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('INTERNAL', `The MongoDB engine was handed a ${target.engine} target`, {
            hint: 'This is a bug in dbops; please report it.',
        });
    }
    return target;
}
//# sourceMappingURL=target.js.map

/***/ }),

/***/ 37912:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ng: () => (/* binding */ connect),
/* harmony export */   fQ: () => (/* binding */ withSession),
/* harmony export */   j9: () => (/* binding */ APPLICATION_NAME),
/* harmony export */   qh: () => (/* binding */ serverVersion),
/* harmony export */   vK: () => (/* binding */ systemIdentifier)
/* harmony export */ });
/* unused harmony exports clientConfig, isTransientConnectError */
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83849);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(57706);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(64003);
/* harmony import */ var _server_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(46579);
/* harmony import */ var _target_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3848);





const APPLICATION_NAME = 'dbops';
/**
 * For a target without a password: pg takes undefined from a password function as "none". Without one, pg would look
 * for a password file itself, in process.env rather than the environment dbops was given (parsePgTarget has read
 * the password file already).
 */
const NO_PASSWORD = (() => undefined);
/** node-postgres settings for a target, with libpq's sslmode semantics spelled out. */
function clientConfig(target) {
    return {
        host: target.host,
        port: target.port,
        database: target.database,
        user: target.user,
        password: target.password ?? NO_PASSWORD,
        ssl: sslConfig(target),
        application_name: APPLICATION_NAME,
        connectionTimeoutMillis: target.connectTimeoutSeconds * 1000,
        // A session is silent while a long query runs (a count over a big table) and between steps of a long run: TCP
        // keepalives every minute keep NAT gateways and load balancers (AWS NLB: 350 s) from dropping it meanwhile.
        keepAlive: true,
        keepAliveInitialDelayMillis: 60_000,
        ...(target.statementTimeoutMs > 0 ? { statement_timeout: target.statementTimeoutMs } : {}),
    };
}
function sslConfig(target) {
    switch (target.sslMode) {
        case 'disable':
        case 'allow':
        case 'prefer':
            // node-postgres cannot fall back from TLS to plain text; 'prefer' and 'allow' connect without TLS, as libpq
            // does against a server that does not offer it. Use 'require' or stricter when TLS matters.
            return false;
        case 'require':
            return { rejectUnauthorized: false };
        case 'verify-ca':
            return { rejectUnauthorized: true, ca: target.sslRootCert, checkServerIdentity: () => undefined };
        case 'verify-full':
            return { rejectUnauthorized: true, ...(target.sslRootCert ? { ca: target.sslRootCert } : {}) };
    }
}
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', '57P03', '53300']);
/** Transient: the server is starting, restarting, or briefly out of connection slots. */
function isTransientConnectError(error) {
    const code = error.code;
    if (code && TRANSIENT_CODES.has(code))
        return true;
    return error instanceof Error && /timeout expired|Connection terminated unexpectedly/i.test(error.message);
}
/** Connects with bounded retry for transient errors; authentication and other errors fail at once. */
async function connect(target, log, signal) {
    try {
        return await (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .withRetry */ .b)(async () => {
            const client = new pg__WEBPACK_IMPORTED_MODULE_0__/* ["default"].Client */ .Ay.Client(clientConfig(target));
            try {
                await client.connect();
            }
            catch (error) {
                await client.end().catch(() => undefined);
                throw error;
            }
            // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
            client.on('error', (error) => log.debug(`connection to ${(0,_target_js__WEBPACK_IMPORTED_MODULE_2__/* .describeTarget */ .ff)(target)} lost: ${error.message}`));
            return client;
        }, isTransientConnectError, {
            ...(signal ? { signal } : {}),
            onRetry: (error, attempt, delayMs) => log.info(`Cannot connect to ${(0,_target_js__WEBPACK_IMPORTED_MODULE_2__/* .describeTarget */ .ff)(target)} yet (${error.message}); retry ${attempt} in ${delayMs} ms`),
        });
    }
    catch (error) {
        throw signal?.aborted ? (0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .cancelled */ .KW)() : connectError(target, error);
    }
}
function connectError(target, error) {
    const reason = error instanceof Error ? error.message : String(error);
    const where = (0,_target_js__WEBPACK_IMPORTED_MODULE_2__/* .describeTarget */ .ff)(target);
    const input = target.urlInput ?? 'database-url';
    const server = (0,_server_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .translateServerError */ .YF)(error, {
        role: target.user,
        input,
        connecting: { server: where, database: target.database },
    });
    if (server)
        return server;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .DbopsError */ .zJ('CONNECTION_FAILED', `Cannot connect to PostgreSQL at ${where}: ${reason}`, {
        input,
        hint: `Check host, port and sslmode in ${input} (or the host / port / sslmode inputs), and that the runner can reach the server (firewall, service container ports).`,
        cause: error,
    });
}
/** Reads the server's version numbers ("15.4" → major 15). */
async function serverVersion(client) {
    const { rows } = await client.query("select current_setting('server_version_num') as num, current_setting('server_version') as text");
    const row = rows[0];
    return { major: Math.floor(Number(row.num) / 10000), text: row.text.split(' ')[0] };
}
/** The cluster's identity, to recognise the server a backup came from; undefined without the privilege. */
async function systemIdentifier(client) {
    try {
        const { rows } = await client.query('select system_identifier::text as id from pg_control_system()');
        return rows[0]?.id;
    }
    catch {
        return undefined;
    }
}
/**
 * Ends `client`'s session as soon as `signal` aborts, together with whatever query it is running or waiting on.
 * Closing the socket alone leaves that query running on the server (it notices a vanished client only when it next
 * sends), and a cancel request that reaches the server before it has read the query is dropped. pg_terminate_backend,
 * from a second short-lived connection of the same role, is neither. It names the backend by pid and start time, so
 * a pid the server has since given to another session is left alone. Returns the function that stops watching (and
 * waits for a termination in flight).
 */
async function endSessionOnAbort(client, target, log, signal) {
    if (!signal)
        return async () => undefined;
    const { rows } = await client.query('select pid, extract(epoch from backend_start)::text as started from pg_stat_activity where pid = pg_backend_pid()');
    const backend = rows[0];
    let terminating;
    const onAbort = () => {
        terminating ??= (backend ? terminateBackend(target, backend, log) : Promise.resolve()).finally(() => client.end().catch(() => undefined));
    };
    if (signal.aborted)
        onAbort();
    else
        signal.addEventListener('abort', onAbort, { once: true });
    return async () => {
        signal.removeEventListener('abort', onAbort);
        await terminating;
    };
}
/**
 * Runs `use` on a new session with `target` that a cancel ends, query and all (endSessionOnAbort); then closes it.
 * The server's errors that escape `use` (a missing privilege, a limit, a timeout) become DbopsErrors saying so.
 */
async function withSession(target, log, signal, use) {
    const client = await connect(target, log, signal);
    let stopWatching = async () => { };
    try {
        stopWatching = await endSessionOnAbort(client, target, log, signal);
        return await use(client);
    }
    catch (error) {
        throw ((signal?.aborted
            ? undefined
            : (0,_server_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .translateServerError */ .YF)(error, { role: target.user, input: target.urlInput ?? 'database-url' })) ?? error);
    }
    finally {
        await stopWatching();
        await client.end().catch(() => undefined);
    }
}
async function terminateBackend(target, backend, log) {
    const terminator = new pg__WEBPACK_IMPORTED_MODULE_0__/* ["default"].Client */ .Ay.Client(clientConfig({ ...target, connectTimeoutSeconds: 5 }));
    terminator.on('error', () => undefined);
    try {
        await terminator.connect();
        await terminator.query('select pg_terminate_backend(pid) from pg_stat_activity where pid = $1 and extract(epoch from backend_start)::text = $2', [backend.pid, backend.started]);
    }
    catch (error) {
        log.debug(`could not end the session's running query: ${error.message}`);
    }
    finally {
        await terminator.end().catch(() => undefined);
    }
}
//# sourceMappingURL=connection.js.map

/***/ }),

/***/ 91513:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ countsOf),
/* harmony export */   n: () => (/* binding */ countStatement)
/* harmony export */ });
/**
 * Many tables' row counts in one statement, for a backup's inventory and restore-test's check alike: one round trip
 * for a batch instead of one per table, which dominated both at 10,000 tables (bench/README.md).
 */
/** A `union all` of count(*)s over already quoted, schema-qualified names: a row per table, tagged with its place. */
function countStatement(qualifiedNames) {
    // The tag: union all does not promise the order of its branches.
    return qualifiedNames.map((name, i) => `select ${i} as i, count(*) as n from ${name}`).join(' union all ');
}
/** countStatement's result as counts in the names' order (NaN for a table without a row). */
function countsOf(rows, size) {
    const counts = new Array(size).fill(Number.NaN);
    for (const row of rows)
        counts[row.i] = Number(row.n);
    return counts;
}
//# sourceMappingURL=count-statement.js.map

/***/ }),

/***/ 7222:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FX: () => (/* binding */ MAX_PARTITIONS_NAMED),
/* harmony export */   L0: () => (/* binding */ dumpFailure),
/* harmony export */   T_: () => (/* binding */ enablesRowSecurity),
/* harmony export */   dK: () => (/* binding */ startDump),
/* harmony export */   eo: () => (/* binding */ partitionArgs),
/* harmony export */   gA: () => (/* binding */ parsePgDumpArgs),
/* harmony export */   oF: () => (/* binding */ dataExclusions),
/* harmony export */   vy: () => (/* binding */ pgDumpArgs)
/* harmony export */ });
/* harmony import */ var string_argv__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(88579);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57706);
/* harmony import */ var _pipeline_child_process_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(55550);
/* harmony import */ var _lock_wait_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(62725);
/* harmony import */ var _server_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(46579);






/**
 * pg_dump's long options (PostgreSQL 12-18). getopt_long accepts any unambiguous prefix (--form is --format), so
 * a flag is resolved against this list before it is judged.
 */
const LONG_OPTIONS = [
    'data-only',
    'large-objects',
    'blobs',
    'no-large-objects',
    'no-blobs',
    'clean',
    'create',
    'extension',
    'encoding',
    'file',
    'format',
    'jobs',
    'schema',
    'exclude-schema',
    'no-owner',
    'no-reconnect',
    'schema-only',
    'superuser',
    'table',
    'exclude-table',
    'verbose',
    'version',
    'no-privileges',
    'no-acl',
    'compress',
    'binary-upgrade',
    'column-inserts',
    'attribute-inserts',
    'disable-dollar-quoting',
    'disable-triggers',
    'enable-row-security',
    'exclude-extension',
    'exclude-table-and-children',
    'exclude-table-data',
    'exclude-table-data-and-children',
    'extra-float-digits',
    'filter',
    'if-exists',
    'include-foreign-data',
    'inserts',
    'load-via-partition-root',
    'lock-wait-timeout',
    'no-comments',
    'no-publications',
    'no-security-labels',
    'no-subscriptions',
    'no-table-access-method',
    'no-tablespaces',
    'no-toast-compression',
    'no-unlogged-table-data',
    'on-conflict-do-nothing',
    'quote-all-identifiers',
    'rows-per-insert',
    'section',
    'serializable-deferrable',
    'snapshot',
    'strict-names',
    'sync-method',
    'table-and-children',
    'use-set-session-authorization',
    'help',
    'dbname',
    'host',
    'port',
    'username',
    'no-password',
    'password',
    'role',
    'no-statistics',
    'statistics-only',
    'no-data',
    'no-schema',
    'with-statistics',
    'sequence-data',
    'no-policies',
    'with-data',
    'with-schema',
    'no-sync',
];
/** Flags dbops sets itself; letting users override them would break the archive format or leak a password. */
const RESERVED = new Set([
    'file',
    'format',
    'compress',
    'dbname',
    'host',
    'port',
    'username',
    'password',
    'no-password',
    'snapshot',
    'jobs',
    'verbose',
    'version',
    'help',
]);
const RESERVED_SHORT = new Set(['f', 'F', 'Z', 'd', 'h', 'p', 'U', 'W', 'w', 'j', 'v', 'V', '?']);
/** Scope flags have inputs of their own, so that dbops knows which tables the archive must hold. */
const SCOPE = {
    schema: 'the schemas input',
    'exclude-schema': 'the exclude-schemas input',
    table: 'the tables input',
    'exclude-table': 'the exclude-tables input',
    // A partitioned table named in these inputs brings its partitions (inventory.ts withPartitions); inheritance
    // children are named too (a pattern such as events*).
    'table-and-children': 'the tables input, where a partitioned table brings its partitions (name inheritance children too, e.g. public.events*)',
    'exclude-table-and-children': 'the exclude-tables input, where a partitioned table takes its partitions with it (name inheritance children too, e.g. public.events*)',
    'exclude-table-data-and-children': '--exclude-table-data, naming the partitions too (e.g. --exclude-table-data=public.events*)',
    filter: 'the schemas, tables, exclude-schemas and exclude-tables inputs',
};
const SCOPE_SHORT = { n: 'schemas', N: 'exclude-schemas', t: 'tables', T: 'exclude-tables' };
/** Short options that take a value (the rest of a clustered argument, or the next argument). */
const SHORT_WITH_VALUE = new Set(['e', 'E', 'f', 'F', 'j', 'n', 'N', 'S', 't', 'T', 'Z', 'd', 'h', 'p', 'U']);
const VALID = 'extra pg_dump flags other than output, format, compression, connection, job and table-selection flags, e.g. "--no-owner --exclude-table-data=audit_log"';
function parsePgDumpArgs(text, input = 'pg-dump-args') {
    if (!text || text.trim() === '')
        return [];
    const args = (0,string_argv__WEBPACK_IMPORTED_MODULE_0__/* ["default"] */ .A)(text.trim());
    for (const arg of args) {
        if (arg.startsWith('--'))
            checkLongFlag(arg.slice(2).split('=')[0], arg.split('=')[0], input);
        else if (arg.startsWith('-') && arg.length > 1)
            checkShortFlags(arg, input);
    }
    return args;
}
/** The long option a flag names, as getopt_long resolves an unambiguous prefix; with the number of candidates. */
function resolveLongOption(name) {
    const matches = LONG_OPTIONS.filter((o) => o === name || o.startsWith(name));
    return {
        matches: matches.length,
        ...(matches.includes(name) ? { option: name } : matches.length === 1 ? { option: matches[0] } : {}),
    };
}
function checkLongFlag(name, written, input) {
    const { option, matches } = resolveLongOption(name);
    if (!option) {
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has ${matches === 0 ? 'an unknown' : 'an ambiguous'} pg_dump option ${written}`, VALID);
    }
    if (SCOPE[option])
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `sets ${written}`, `${SCOPE[option]}, which dbops also uses to know which tables the archive holds`);
    if (option === _lock_wait_js__WEBPACK_IMPORTED_MODULE_2__/* .LOCK_WAIT_INPUT */ .nj)
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `sets ${written}`, `the ${_lock_wait_js__WEBPACK_IMPORTED_MODULE_2__/* .LOCK_WAIT_INPUT */ .nj} input, which also bounds dbops's own lock waits`);
    if (RESERVED.has(option))
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `sets ${written}, which dbops controls`, VALID);
}
function checkShortFlags(arg, input) {
    for (const flag of arg.slice(1)) {
        if (SCOPE_SHORT[flag])
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `sets -${flag}`, `the ${SCOPE_SHORT[flag]} input, which dbops also uses to know which tables the archive holds`);
        if (RESERVED_SHORT.has(flag))
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `sets -${flag}, which dbops controls`, VALID);
        if (SHORT_WITH_VALUE.has(flag))
            return; // the rest of the argument is this option's value
    }
}
/** Long options that take a value, which may be the next argument ("--exclude-table-data audit.log"). */
const LONG_WITH_VALUE = new Set([
    'encoding',
    'file',
    'format',
    'jobs',
    'schema',
    'exclude-schema',
    'superuser',
    'table',
    'exclude-table',
    'compress',
    'exclude-extension',
    'exclude-table-and-children',
    'exclude-table-data',
    'exclude-table-data-and-children',
    'extension',
    'extra-float-digits',
    'filter',
    'lock-wait-timeout',
    'rows-per-insert',
    'section',
    'snapshot',
    'sync-method',
    'table-and-children',
    'dbname',
    'host',
    'port',
    'username',
    'role',
]);
/**
 * What pg-dump-args (already checked by parsePgDumpArgs) leave out of the archive's data, so that dbops counts
 * exactly the rows pg_dump reads, and never reads a table whose data the dump leaves out.
 */
function dataExclusions(args) {
    const result = { tables: [], unlogged: false, all: false };
    for (const { option, value } of options(args)) {
        if (option === 'exclude-table-data' && value !== undefined)
            result.tables.push(value);
        if (option === 'no-unlogged-table-data')
            result.unlogged = true;
        if (option === 'schema-only' || option === 's' || option === 'no-data' || option === 'statistics-only')
            result.all = true;
    }
    return result;
}
/**
 * pg-dump-args ask for --enable-row-security (or a prefix getopt_long takes for it, such as --enable): pg_dump then
 * reads only the rows row-level security shows the role.
 */
function enablesRowSecurity(args) {
    return [...options(args)].some(({ option }) => option === 'enable-row-security');
}
/**
 * The options of pg-dump-args (already checked): long ones resolved as getopt_long does (undefined if unknown),
 * short ones by their letter; each with its value if it takes one.
 */
function* options(args) {
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg.startsWith('--')) {
            const [name, ...value] = arg.slice(2).split('=');
            const { option } = resolveLongOption(name);
            const takesValue = option !== undefined && LONG_WITH_VALUE.has(option);
            yield { option, value: value.length > 0 ? value.join('=') : takesValue ? args[++i] : undefined };
        }
        else if (arg.startsWith('-') && arg.length > 1) {
            for (let j = 1; j < arg.length; j++) {
                const flag = arg[j];
                if (SHORT_WITH_VALUE.has(flag)) {
                    // Its value is the rest of the argument, or the next argument.
                    yield { option: flag, value: j < arg.length - 1 ? arg.slice(j + 1) : args[++i] };
                    break;
                }
                yield { option: flag };
            }
        }
    }
}
function pgDumpArgs(command) {
    const { directory } = command;
    // --verbose makes the leader say "finished item <dumpId> ..." as each worker closes a table's file.
    const format = directory
        ? ['--format=directory', `--jobs=${directory.jobs}`, `--file=${directory.path}`, '--verbose']
        : ['--format=custom'];
    const args = [...format, '--compress=0', '--no-password'];
    if (command.snapshot)
        args.push(`--snapshot=${command.snapshot}`);
    if (command.lockWaitTimeoutMs)
        args.push(`--lock-wait-timeout=${Math.round(command.lockWaitTimeoutMs)}`);
    refuseDatabasePatterns(command.scope);
    for (const p of command.scope.schemas)
        args.push(`--schema=${p}`);
    for (const p of command.scope.excludeSchemas)
        args.push(`--exclude-schema=${p}`);
    for (const p of command.scope.tables)
        args.push(`--table=${p}`);
    for (const p of command.scope.excludeTables)
        args.push(`--exclude-table=${p}`);
    return [...args, ...(command.partitionArgs ?? []), ...command.extraArgs];
}
/**
 * The most partitions a pg_dump before 16 is given one by one. Each is a --table of its own (up to ~140 bytes):
 * the command line must stay well inside Linux's ARG_MAX (2 MiB with the environment; beyond it the dump cannot
 * start, E2BIG), and pg_dump before 16 looks each pattern up with a query of its own.
 */
const MAX_PARTITIONS_NAMED = 5000;
/**
 * pg_dump's flags for the partitions the scope's partitioned tables bring (inventory.ts withPartitions). pg_dump 16
 * and newer selects them itself, with --table-and-children / --exclude-table-and-children on each partitioned table
 * named: a few flags, however many partitions. An older one is given each partition, up to MAX_PARTITIONS_NAMED;
 * beyond that the backup is refused before it starts, with the ways round it.
 */
function partitionArgs(pgDumpMajor, partitions) {
    const { tables, excludeTables } = partitions;
    if (pgDumpMajor >= 16)
        return [
            ...tables.parents.map((p) => `--table-and-children=${p}`),
            ...excludeTables.parents.map((p) => `--exclude-table-and-children=${p}`),
        ];
    const count = tables.names.length + excludeTables.names.length;
    if (count > MAX_PARTITIONS_NAMED) {
        const input = tables.names.length >= excludeTables.names.length ? 'tables' : 'exclude-tables';
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `names partitioned tables with ${count} partitions, which pg_dump ${pgDumpMajor} must be given one by one (dbops gives it at most ${MAX_PARTITIONS_NAMED})`, `a pattern that matches the partitions themselves (e.g. public.events*), or a schema in schemas / exclude-schemas; or pg_dump 16 or newer in pg-bin-dir, which selects the partitions itself`);
    }
    return [...tables.names.map((p) => `--table=${p}`), ...excludeTables.names.map((p) => `--exclude-table=${p}`)];
}
/** pg_dump dumps one database: the databases inputs are MongoDB's. */
function refuseDatabasePatterns(scope) {
    const input = scope.databases?.length ? 'databases' : scope.excludeDatabases?.length ? 'exclude-databases' : '';
    if (!input)
        return;
    throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, 'does not apply to PostgreSQL: a PostgreSQL backup covers the one database its URL names', 'no databases for a postgres:// URL; one backup per database (choose schemas with schemas and exclude-schemas)');
}
/** Starts pg_dump writing a custom-format archive, uncompressed (dbops compresses faster), to its stdout. */
function startDump(command) {
    return (0,_pipeline_child_process_js__WEBPACK_IMPORTED_MODULE_3__/* .spawnProcess */ .Nu)(command.pgDump, pgDumpArgs(command), {
        env: command.env,
        ...(command.signal ? { signal: command.signal } : {}),
        ...(command.output === undefined ? {} : { output: command.output }),
        onFailure: (exit) => dumpFailure(exit, command.role),
    });
}
function dumpFailure(exit, role) {
    const detail = exit.stderr.split('\n').filter(Boolean).slice(-3).join(' | ') || 'no message';
    if ((0,_lock_wait_js__WEBPACK_IMPORTED_MODULE_2__/* .isDumpLockTimeout */ .PO)(exit.stderr)) {
        // The backup operation names the sessions in the way.
        return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .DbopsError */ .zJ('DUMP_FAILED', `pg_dump waited longer than ${_lock_wait_js__WEBPACK_IMPORTED_MODULE_2__/* .LOCK_WAIT_INPUT */ .nj} for a table lock: ${detail}`, {
            input: _lock_wait_js__WEBPACK_IMPORTED_MODULE_2__/* .LOCK_WAIT_INPUT */ .nj,
        });
    }
    // Before "terminating connection": a standby ends conflicting sessions with that message too.
    if ((0,_server_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .isRecoveryConflict */ .OQ)(exit.stderr))
        return (0,_server_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .recoveryConflictError */ .CJ)(detail);
    if (/server closed the connection|connection to server .* lost|terminating connection|could not receive data/i.test(exit.stderr)) {
        return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .DbopsError */ .zJ('DUMP_FAILED', `The PostgreSQL server closed the connection during the dump: ${detail}`, {
            hint: 'The server restarted or was stopped mid-dump; nothing was recorded as a backup. Run again when it is up.',
        });
    }
    // pg_dump fails when a -n / -t pattern matches nothing at all.
    const unmatched = /no matching (tables|schemas) were found/.exec(exit.stderr);
    if (unmatched) {
        const input = unmatched[1] === 'tables' ? 'tables' : 'schemas';
        return (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `matches no ${unmatched[1]} in the database (pg_dump: ${detail})`, `pg_dump ${input === 'tables' ? '-t' : '-n'} patterns naming existing ${unmatched[1]}, e.g. ${input === 'tables' ? 'public.orders, sales.*' : 'public, sales'} (unquoted names fold to lower case; a table without its schema must be on the search path)`);
    }
    const server = (0,_server_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .translateToolError */ .rg)(exit.stderr, { backup: true, ...(role ? { role } : {}) });
    if (server)
        return server;
    const how = exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code}`;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .DbopsError */ .zJ('DUMP_FAILED', `pg_dump ${how}: ${detail}`, { hint: 'See the pg_dump message above.' });
}
//# sourceMappingURL=dump.js.map

/***/ }),

/***/ 96443:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  BO: () => (/* binding */ countRows),
  V5: () => (/* binding */ listDumpedTables),
  v4: () => (/* binding */ quoteIdent),
  _B: () => (/* binding */ withPartitions)
});

// UNUSED EXPORTS: COPY_COUNT_MAX_BYTES, FULL_SCOPE, NO_DATA_EXCLUSIONS, NO_PARTITIONS

;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/name-patterns.js
function parseNamePattern(pattern) {
    const parts = [''];
    let inQuotes = false;
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === '"') {
            if (inQuotes && pattern[i + 1] === '"') {
                parts[parts.length - 1] += escapeRegex('"');
                i++;
            }
            else {
                inQuotes = !inQuotes;
            }
        }
        else if (inQuotes) {
            parts[parts.length - 1] += escapeRegex(c);
        }
        else if (c === '.') {
            parts.push('');
        }
        else if (c === '*') {
            parts[parts.length - 1] += '.*';
        }
        else if (c === '?') {
            parts[parts.length - 1] += '.';
        }
        else if (c === '$') {
            parts[parts.length - 1] += '\\$';
        }
        else {
            // psql folds A-Z only, as the server folds unquoted identifiers in a UTF-8 database: É stays É.
            parts[parts.length - 1] += c >= 'A' && c <= 'Z' ? c.toLowerCase() : c;
        }
    }
    const anchored = parts.map((p) => `^(${p})$`);
    if (anchored.length === 1)
        return { name: anchored[0] };
    // "db.schema.table" is allowed by pg_dump 14+; the database part must be the current one, so it is dropped.
    return { schema: anchored[anchored.length - 2], name: anchored[anchored.length - 1] };
}
function escapeRegex(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
//# sourceMappingURL=name-patterns.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/server-errors.js
var server_errors = __webpack_require__(46579);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/count-statement.js
var count_statement = __webpack_require__(91513);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/inventory.js



// The scope is pg_dump's -n / -N / -t / -T patterns.

const NO_DATA_EXCLUSIONS = { tables: [], unlogged: false, all: false };
/**
 * A table's size from pg_class.relpages (table and TOAST) rather than pg_table_size(), which stats every file of
 * every table and took 5.9 s of a backup of 10,000 tables (bench/README.md, many tables); the figure chooses which
 * tables are counted exactly and sizes uploads, for which the last VACUUM's or ANALYZE's is close enough (autovacuum
 * analyzes a table once a tenth of it changed). A table never vacuumed or analyzed (reltuples -1; before PostgreSQL
 * 14, 0 with no pages) has no such figure: it is measured.
 */
const TABLE_BYTES = `case when c.reltuples < 0 or (c.relpages = 0 and c.reltuples = 0 and current_setting('server_version_num')::int < 140000)
        then pg_catalog.pg_table_size(c.oid)
        else (c.relpages::bigint + coalesce(t.relpages, 0)) * current_setting('block_size')::bigint end`;
/**
 * The tables a dump with this scope holds, as pg_dump selects them: ordinary tables and partitions (a partitioned
 * parent holds no data), unlogged included, temporary and extension-owned ones excluded (extension configuration
 * tables, such as PostGIS's spatial_ref_sys, are dumped and so included); each marked when pg_dump leaves its
 * data out. pg_dump's rules: -t selects tables regardless of -n / -N, and a pattern without a schema matches only
 * tables visible on the search path. A partitioned table named in tables / exclude-tables brings `partitions`.
 */
async function listDumpedTables(client, scope, exclusions = NO_DATA_EXCLUSIONS, partitions = NO_PARTITIONS) {
    const params = [];
    const param = parameter(params);
    const matches = (patterns) => tableMatches(patterns, param);
    // The partitions that come with a partitioned table the patterns name (withPartitions): one array parameter.
    const orPartitions = (oids) => (oids.length > 0 ? ` or c.oid = any(${param(oids)}::oid[])` : '');
    const schemaMatches = (patterns) => patterns.map((p) => `n.nspname ~ ${param(parseNamePattern(p).name)}`).join(' or ');
    const where = [
        `c.relkind = 'r'`,
        `c.relpersistence <> 't'`,
        `n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')`,
        `n.nspname not like 'pg_temp_%'`,
        `(not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
      or exists (select 1 from pg_extension e where c.oid = any(e.extconfig)))`,
    ];
    if (scope.tables.length > 0)
        where.push(`(${matches(scope.tables)}${orPartitions(partitions.tables.oids)})`);
    else {
        if (scope.schemas.length > 0)
            where.push(`(${schemaMatches(scope.schemas)})`);
        if (scope.excludeSchemas.length > 0)
            where.push(`not (${schemaMatches(scope.excludeSchemas)})`);
    }
    if (scope.excludeTables.length > 0)
        where.push(`not (${matches(scope.excludeTables)}${orPartitions(partitions.excludeTables.oids)})`);
    // pg_dump never reads unlogged tables on a hot standby: they cannot be read there.
    const unlogged = exclusions.unlogged ? 'true' : 'pg_catalog.pg_is_in_recovery()';
    const dataExcluded = exclusions.all
        ? 'true'
        : `(c.relpersistence = 'u' and ${unlogged})${exclusions.tables.length > 0 ? ` or (${matches(exclusions.tables)})` : ''}`;
    const { rows } = await client.query(`select c.oid, n.nspname as schema, c.relname as name, c.reltuples::bigint as estimate, ${TABLE_BYTES} as bytes,
            coalesce(${dataExcluded}, false) as excluded
       from pg_class c join pg_namespace n on n.oid = c.relnamespace left join pg_class t on t.oid = c.reltoastrelid
      where ${where.join(' and ')}
      order by n.nspname, c.relname`, params);
    return rows.map((r) => ({
        oid: Number(r.oid),
        schema: r.schema,
        name: r.name,
        dataExcluded: r.excluded,
        rowEstimate: Number(r.estimate),
        bytes: Number(r.bytes),
    }));
}
/** A placeholder ($n) for each value, appended to params. */
function parameter(params) {
    return (value) => {
        params.push(value);
        return `$${params.length}`;
    };
}
/** SQL true when the relation `c` in the schema `n` matches one of these -t / -T patterns, as pg_dump matches them. */
function tableMatches(patterns, param, c = 'c', n = 'n') {
    return patterns
        .map((p) => {
        const { schema, name } = parseNamePattern(p);
        return `(${c}.relname ~ ${param(name)} and ${schema ? `${n}.nspname ~ ${param(schema)}` : `pg_catalog.pg_table_is_visible(${c}.oid)`})`;
    })
        .join(' or ');
}
/** A pg_dump pattern matching exactly this table: quoted text is taken literally ("" is a quote). */
const exactPattern = (schema, name) => `${quoteIdent(schema)}.${quoteIdent(name)}`;
const NO_PARTITIONS = {
    tables: { oids: [], names: [], parents: [] },
    excludeTables: { oids: [], names: [], parents: [] },
};
/**
 * The partitions of each partitioned table that `tables` or `exclude-tables` names, which go with it. pg_dump -t /
 * -T select a partitioned table alone: `tables: public.events` dumped the parent's definition and none of its rows,
 * and the inventory, which lists tables with rows, expected none, so the backup held no events and passed. A user
 * naming a partitioned table means its rows: its partitions, at every level, are selected (or left out) with it.
 * Read in the dump's snapshot, so pg_dump sees the same partitions.
 *
 * They are returned by OID (and name), never added to the scope's patterns: at 10,000 partitions, one pattern
 * each made the inventory's listing a query of 10,000 ORed regular expressions (the server caches 32 compiled
 * ones, so it compiled them again and again), with two bind parameters each (over 32,767 partitions, more than
 * the protocol's 65,535), and gave pg_dump one --table each (dump.ts partitionArgs).
 */
async function withPartitions(client, scope) {
    const partitions = {
        tables: { oids: [], names: [], parents: [] },
        excludeTables: { oids: [], names: [], parents: [] },
    };
    const added = [];
    for (const [input, key] of [
        ['tables', 'tables'],
        ['exclude-tables', 'excludeTables'],
    ]) {
        const patterns = scope[key];
        if (patterns.length === 0)
            continue;
        const params = [];
        const param = parameter(params);
        // The partitions below a partitioned table the patterns match, which the patterns do not match themselves;
        // with the matching partitioned tables above each.
        const { rows } = await client.query(`select c.oid, n.nspname as schema, c.relname as name,
              array_agg(pn.nspname::text) as ps, array_agg(pc.relname::text) as pn
         from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         cross join lateral pg_catalog.pg_partition_ancestors(c.oid) a
         join pg_catalog.pg_class pc on pc.oid = a.relid
         join pg_catalog.pg_namespace pn on pn.oid = pc.relnamespace
        where c.relispartition and not (${tableMatches(patterns, param)})
          and pc.relkind = 'p' and pc.oid <> c.oid and (${tableMatches(patterns, param, 'pc', 'pn')})
        group by c.oid, n.nspname, c.relname
        order by n.nspname, c.relname`, params);
        if (rows.length === 0)
            continue;
        const parents = new Set();
        for (const r of rows) {
            partitions[key].oids.push(Number(r.oid));
            partitions[key].names.push(exactPattern(r.schema, r.name));
            for (const [i, schema] of r.ps.entries())
                parents.add(exactPattern(schema, r.pn[i]));
        }
        partitions[key].parents = [...parents].sort();
        added.push({ input, partitions: rows.length });
    }
    return { partitions, added };
}
/** Tables counted per query: one round trip for many small tables, short enough for the server to plan quickly. */
const COUNT_BATCH = 500;
/**
 * Tables up to this size are counted by COPY ... TO STDOUT, whose command tag is the number of rows it sent: it
 * reads the table as pg_dump does, with no plan. Planning count(*) opens every index of the table, which made
 * counting 10,000 small tables cost more than dumping them (bench/README.md, many tables); above this size, sending
 * the rows costs more than the plan, and count(*) is used.
 */
const COPY_COUNT_MAX_BYTES = 128 * 1024;
const qualified = (t) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
/**
 * One COPY statement per table in one simple query: a result (its rowCount) per statement. The rows are sent in
 * the database's own encoding (client_encoding SQL_ASCII converts nothing), as pg_dump reads them: converted to this
 * session's UTF8, a SQL_ASCII database's bytes such as 0xff would fail the count, and every row would cost a
 * conversion. The rows themselves are dropped unread; a failed batch's savepoint undoes the setting with it.
 */
const BY_COPY = {
    sql: (batch) => [
        `set local client_encoding = 'SQL_ASCII'`,
        ...batch.map((t) => `copy ${qualified(t)} to stdout`),
        'set local client_encoding = default',
    ].join('; '),
    counts: (result) => (Array.isArray(result) ? result : [result])
        .filter((r) => r.command === 'COPY')
        .map((r) => r.rowCount ?? Number.NaN),
};
/**
 * A `union all` of count(*)s: a row per table, numbered (count-statement.ts). FROM ONLY: an inheritance parent's
 * own rows, which are all the archive holds of it (COPY's count too); each child is listed and counted on its own.
 */
const BY_COUNT = {
    sql: (batch) => (0,count_statement/* countStatement */.n)(batch.map((t) => `only ${qualified(t)}`)),
    counts: (result, size) => (0,count_statement/* countsOf */.m)(result.rows, size),
};
/**
 * Counts rows exactly for tables no larger than maxBytes; bigger tables keep their estimate only, and tables whose
 * data the dump leaves out are not read at all (the backup role may not be allowed to, nor need to). Small tables
 * are counted by COPY (COPY_COUNT_MAX_BYTES), the others by count(*).
 *
 * The counts go COUNT_BATCH tables to a query: at 10,000 small tables one round trip per table was most of a
 * backup's time. A batch runs under a savepoint, so when one fails (a lock wait, a table the role may not read) it
 * is undone and its tables are counted one at a time, which names the table at fault with the same error as
 * before; the snapshot transaction survives the failed batch. A batch that waited out the lock timeout, was
 * cancelled or lost its session fails the run at once: counting its tables again would only wait again.
 */
async function countRows(client, tables, maxBytes) {
    const counts = new Map();
    const counted = tables.filter((t) => t.bytes <= maxBytes && !t.dataExcluded);
    // Both count a table's own rows (the manifest's rowCounts: 'own'): an inheritance parent's count once included
    // its children's, which failed restore-test when a child or its data was out of the backup.
    const byCopy = counted.filter((t) => t.bytes <= COPY_COUNT_MAX_BYTES);
    const byCount = counted.filter((t) => t.bytes > COPY_COUNT_MAX_BYTES);
    for (const [method, list] of [
        [BY_COPY, byCopy],
        [BY_COUNT, byCount],
    ]) {
        for (let at = 0; at < list.length; at += COUNT_BATCH) {
            const batch = list.slice(at, at + COUNT_BATCH);
            if (batch.length > 1 && (await countBatch(client, method, batch, counts, tables.length)))
                continue;
            for (const table of batch)
                counts.set(table.oid, await countOne(client, method, table, counts.size, tables.length));
        }
    }
    return tables.map((t) => (counts.has(t.oid) ? { ...t, rows: counts.get(t.oid) } : t));
}
/** Counts a batch in one query; false (nothing counted, the batch undone) when the server refused it. */
async function countBatch(client, method, batch, counts, of) {
    await client.query('savepoint dbops_count_batch');
    let result;
    try {
        result = await client.query(method.sql(batch));
        await client.query('release savepoint dbops_count_batch');
    }
    catch (error) {
        const code = error.code;
        const retryable = typeof code === 'string' && code !== LOCK_NOT_AVAILABLE && code !== QUERY_CANCELED;
        const undone = retryable &&
            (await client.query('rollback to savepoint dbops_count_batch').then(() => true, () => false));
        if (undone)
            return false;
        throw countFailed(client, error, { locked: counts.size, of });
    }
    const found = method.counts(result, batch.length);
    for (const [i, table] of batch.entries())
        counts.set(table.oid, checkedCount(found[i], table));
    return true;
}
const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';
async function countOne(client, method, table, locked, of) {
    try {
        return checkedCount(method.counts(await client.query(method.sql([table])), 1)[0], table);
    }
    catch (error) {
        throw countFailed(client, error, { locked, of }, `${(0,server_errors/* sqlName */.iA)(table.schema)}.${(0,server_errors/* sqlName */.iA)(table.name)}`);
    }
}
/** A count the server's answer lacked is a fault of dbops, never a number to record. */
function checkedCount(count, table) {
    if (count === undefined || !Number.isSafeInteger(count) || count < 0)
        throw new Error(`No row count for ${(0,server_errors/* sqlName */.iA)(table.schema)}.${(0,server_errors/* sqlName */.iA)(table.name)} in the server's answer`);
    return count;
}
/** The server's refusal of a count, in the backup's words. Each count holds its table's lock until the snapshot
 * ends, so the error says how many were locked. */
function countFailed(client, error, locking, relation) {
    return ((0,server_errors/* translateServerError */.YF)(error, {
        backup: true,
        locking,
        ...(relation ? { relation } : {}),
        ...(client.user ? { role: client.user } : {}),
    }) ?? error);
}
function quoteIdent(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
//# sourceMappingURL=inventory.js.map

/***/ }),

/***/ 20820:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   S: () => (/* binding */ libpqEnvironment)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48161);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var _connection_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(37912);




/**
 * libpq has no environment variables for TCP keepalives, but reads a service file named by one. A child's session
 * is silent while pg_dump waits on a lock or pg_restore builds a large index; NAT gateways drop silent connections
 * (a GitHub-hosted runner's outbound connections: after 4 minutes), which keepalives every minute prevent.
 */
const SERVICE = 'dbops';
const SERVICE_FILE = `[${SERVICE}]\nkeepalives=1\nkeepalives_idle=60\nkeepalives_interval=10\nkeepalives_count=6\n`;
/**
 * The environment that points pg_dump / pg_restore / psql at a target. The password travels in PGPASSWORD,
 * never on the command line (docs/architecture.md invariant 5); a CA certificate and the service file (keepalives) are
 * written to a private temp directory because libpq reads them from paths. Call dispose() when the child has exited.
 */
async function libpqEnvironment(target, baseEnv) {
    const env = { ...withoutLibpqVariables(baseEnv) };
    env.PGHOST = target.host;
    env.PGPORT = String(target.port);
    env.PGDATABASE = target.database;
    env.PGUSER = target.user;
    env.PGSSLMODE = target.sslMode;
    env.PGAPPNAME = _connection_js__WEBPACK_IMPORTED_MODULE_3__/* .APPLICATION_NAME */ .j9;
    env.PGCONNECT_TIMEOUT = String(target.connectTimeoutSeconds);
    if (target.password)
        env.PGPASSWORD = target.password;
    const dir = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), 'dbops-libpq-'));
    try {
        // The target says everything, its password too (parsePgTarget read the service and password files): a child must
        // not find another password file (~/.pgpass) that dbops's own session did not use.
        if (!target.password)
            env.PGPASSFILE = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, 'no-password-file');
        env.PGSERVICEFILE = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, 'pg_service.conf');
        env.PGSERVICE = SERVICE;
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile)(env.PGSERVICEFILE, SERVICE_FILE, { mode: 0o600 });
        if (target.sslRootCert) {
            env.PGSSLROOTCERT = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, 'root.crt');
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile)(env.PGSSLROOTCERT, target.sslRootCert, { mode: 0o600 });
        }
    }
    catch (error) {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(dir, { recursive: true, force: true });
        throw error;
    }
    return { env, dispose: () => (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(dir, { recursive: true, force: true }) };
}
/**
 * Stray PG* variables from the caller's environment must not redirect a child to another server. Those that name
 * libpq's files (PGSERVICE, PGPASSFILE...) have been applied already, to the target itself.
 */
function withoutLibpqVariables(env) {
    return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('PG')));
}
//# sourceMappingURL=libpq-env.js.map

/***/ }),

/***/ 62725:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PO: () => (/* binding */ isDumpLockTimeout),
/* harmony export */   Td: () => (/* binding */ isLockTimeout),
/* harmony export */   nj: () => (/* binding */ LOCK_WAIT_INPUT),
/* harmony export */   td: () => (/* binding */ lockWaitError),
/* harmony export */   xO: () => (/* binding */ describeExclusiveLockers)
/* harmony export */ });
/* unused harmony export commandTag */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(57706);
/* harmony import */ var _format_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(65118);
/* harmony import */ var _connection_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(37912);



/**
 * Waiting for table locks. A backup reads every table under ACCESS SHARE locks, which only an exclusive lock blocks:
 * a migration's ALTER TABLE, VACUUM FULL, a LOCK TABLE left open. Unbounded, that wait can also never end: once
 * dbops holds its locks, an ALTER TABLE queued behind them makes pg_dump queue behind the ALTER, while dbops waits
 * for pg_dump, a cycle PostgreSQL cannot see. `lock-wait-timeout` bounds it.
 */
const LOCK_WAIT_INPUT = 'lock-wait-timeout';
/** SQLSTATE lock_not_available: a lock_timeout expired. */
function isLockTimeout(error) {
    return error?.code === '55P03';
}
/** pg_dump's --lock-wait-timeout failure (it bounds its LOCK TABLE statements with a statement timeout). */
function isDumpLockTimeout(stderr) {
    return /LOCK TABLE/.test(stderr) && /(statement|lock) timeout/i.test(stderr);
}
/**
 * The sessions holding or queued for an exclusive lock on a table of this database, described for an error (and so
 * for notifications): what identifies each session and what it does, never its SQL text, which can hold passwords
 * (ALTER ROLE ... PASSWORD) or personal data (literals in a WHERE clause).
 */
async function describeExclusiveLockers(client) {
    const { rows } = await client.query(`select a.pid, l.relation::regclass::text as relation, l.granted, a.application_name as application, a.usename,
            host(a.client_addr) as client, a.state,
            extract(epoch from now() - coalesce(a.xact_start, a.query_start))::float8 as seconds, left(a.query, 200) as query
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
        and l.database = (select oid from pg_database where datname = current_database())
        and a.pid <> pg_backend_pid() and a.application_name is distinct from $1
      order by l.granted desc, a.pid
      limit 3`, [_connection_js__WEBPACK_IMPORTED_MODULE_0__/* .APPLICATION_NAME */ .j9]);
    return rows
        .map((r) => {
        const doing = r.state === 'active' ? `running ${commandTag(r.query)}` : `last statement ${commandTag(r.query)}`;
        const since = Number.isFinite(r.seconds) ? ` for ${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatSeconds */ .Xo)(Math.max(0, r.seconds))}` : '';
        return `session ${r.pid} (${r.granted ? 'holds' : 'waits for'} an exclusive lock on ${r.relation}; application '${r.application}', user '${r.usename}', client ${r.client ?? 'local socket'}, ${r.state}${since}, ${doing})`;
    })
        .join('; ');
}
/** Statements whose second word says what kind of object they act on: ALTER TABLE, DROP INDEX, VACUUM FULL. */
const KIND_WORDS = new Set([
    'TABLE',
    'INDEX',
    'VIEW',
    'MATERIALIZED',
    'SEQUENCE',
    'SCHEMA',
    'TYPE',
    'FUNCTION',
    'PROCEDURE',
    'TRIGGER',
    'DOMAIN',
    'EXTENSION',
    'DATABASE',
    'ROLE',
    'USER',
    'FULL',
    'POLICY',
    'RULE',
]);
/** The statement's command ("ALTER TABLE", "SELECT") from its SQL text, leaving out comments, names and values. */
function commandTag(query) {
    const text = query.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
    const words = /^([A-Za-z]+)(?:\s+([A-Za-z]+)\b)?/.exec(text);
    if (!words)
        return 'an unrecognised statement';
    const first = words[1].toUpperCase();
    const second = words[2]?.toUpperCase();
    return second && KIND_WORDS.has(second) ? `${first} ${second}` : first;
}
function lockWaitError(timeoutMs, lockers, cause) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .DbopsError */ .zJ('DUMP_FAILED', `Waited longer than ${LOCK_WAIT_INPUT} (${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .formatSeconds */ .Xo)(timeoutMs / 1000)}) for a table lock${lockers ? `: ${lockers}` : ''}`, {
        input: LOCK_WAIT_INPUT,
        cause,
        hint: 'Another session held or queued for an exclusive lock on a table the backup reads (a migration, VACUUM FULL, a transaction left open). Back up when it is done, end that session, or raise lock-wait-timeout. Nothing was recorded as a backup.',
    });
}
//# sourceMappingURL=lock-wait.js.map

/***/ }),

/***/ 46579:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CJ: () => (/* binding */ recoveryConflictError),
/* harmony export */   OQ: () => (/* binding */ isRecoveryConflict),
/* harmony export */   YF: () => (/* binding */ translateServerError),
/* harmony export */   iA: () => (/* binding */ sqlName),
/* harmony export */   rg: () => (/* binding */ translateToolError)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);

/** A PostgreSQL error (node-postgres's DatabaseError, or a session the server ended) as a DbopsError; else undefined. */
function translateServerError(error, context = {}) {
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ || !(error instanceof Error))
        return undefined;
    const { code, severity, hint } = error;
    if (typeof code === 'string' && typeof severity === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
        // Connecting, a lost connection or a server still starting is the caller's to explain (host, port, TLS).
        if (context.connecting && (code.startsWith('08') || code.startsWith('57')))
            return undefined;
        return translate({ sqlstate: code, message: error.message, ...(typeof hint === 'string' ? { hint } : {}) }, context, error);
    }
    // node-postgres's own words for a connection the server (or the network) closed under a session.
    if (!context.connecting &&
        /Connection terminated|connection error and is not queryable|ECONNRESET/i.test(error.message)) {
        return translate({ sqlstate: '08006', message: error.message }, context, error);
    }
    return undefined;
}
/** Server errors as pg_dump prints them ("query failed: ERROR:  permission denied for table t"), matched by message. */
const BY_MESSAGE = [
    [/permission denied|must be owner of|row-level security policy/i, '42501'],
    [/out of shared memory|max_locks_per_transaction/i, '53200'],
    [/too many connections|remaining connection slots are reserved/i, '53300'],
    [/could not (extend|write to) file|no space left on device/i, '53100'],
    [/canceling statement due to statement timeout/i, '57014'],
    [/deadlock detected/i, '40P01'],
    [
        /invalid page in block|could not read block|unexpected zero page|missing chunk number|invalid memory alloc request size/i,
        'XX001',
    ],
    [/cannot execute .* in a read-only transaction/i, '25006'],
];
/** The server's error in a client tool's stderr, translated; undefined when it holds none of the known classes. */
function translateToolError(stderr, context = {}) {
    const message = /ERROR:\s+(.*)$/m.exec(stderr)?.[1]?.trim();
    if (!message)
        return undefined;
    const sqlstate = BY_MESSAGE.find(([pattern]) => pattern.test(message))?.[1];
    if (!sqlstate)
        return undefined;
    // pg_dump names the statement: "Query was: LOCK TABLE app.secret IN ACCESS SHARE MODE", "COPY app.secret (...) TO stdout;".
    const relation = /Query was: (?:LOCK TABLE|COPY|SELECT .* FROM)\s+(?:ONLY\s+)?((?:"(?:[^"]|"")+"|[^\s(".]+)(?:\.(?:"(?:[^"]|"")+"|[^\s(".]+))?)/i.exec(stderr)?.[1];
    const hint = /HINT:\s+(.*)$/m.exec(stderr)?.[1]?.trim();
    return translate({ sqlstate, message, ...(hint ? { hint } : {}) }, { ...context, ...(relation ? { relation } : {}) }, undefined);
}
function translate(error, context, cause) {
    const { sqlstate, message } = error;
    const make = (code, text, hint, input) => new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ(code, text, { hint, ...(input ? { input } : {}), ...(cause === undefined ? {} : { cause }) });
    const connect = context.connecting;
    const input = context.input ?? 'database-url';
    if (connect && (sqlstate === '28P01' || sqlstate === '28000')) {
        return make('CONNECTION_FAILED', `PostgreSQL refused the credentials for ${connect.server}: ${message}`, `Check the user and password in ${input}, or the user / password inputs and PGPASSWORD where you set them (percent-encode special characters in a URL's password).`, input);
    }
    if (connect && sqlstate === '3D000') {
        return make('CONNECTION_FAILED', `Database '${connect.database}' does not exist on ${connect.server}`, `Check the database name at the end of ${input} (or the dbname input).`, input);
    }
    if (sqlstate === '42501')
        return permissionDenied(error, context, make);
    if (sqlstate === '53200' && /shared memory/i.test(message)) {
        const locked = context.locking
            ? ` after ${context.locking.locked} table locks (the backup has ${context.locking.of} tables)`
            : '';
        return make('SERVER_LIMIT', `PostgreSQL's lock table is full${locked}: ${message}`, `${context.backup ? 'A backup reads every table in one transaction and holds a lock on each until it ends (pg_dump does the same), so' : 'Every table a transaction touches holds a lock until it ends, and'} the server's lock table must have room for them all: raise max_locks_per_transaction (room = max_locks_per_transaction × (max_connections + max_prepared_transactions); it takes a server restart)${context.backup ? ', or back up fewer tables per run with the schemas / tables inputs' : ''}.`);
    }
    if (sqlstate === '53300') {
        return make('SERVER_LIMIT', `PostgreSQL has no connection slot left: ${message}`, 'Close idle sessions (a connection pooler helps) or raise max_connections on the server, then run again.', context.input);
    }
    if (sqlstate === '53100') {
        return make('SERVER_LIMIT', `The PostgreSQL server's disk is full: ${message}`, 'Free space on the server (or give it a larger volume), then run again.');
    }
    if (sqlstate.startsWith('53') || sqlstate.startsWith('54')) {
        return make('SERVER_LIMIT', `PostgreSQL reached a limit (SQLSTATE ${sqlstate}): ${message}`, error.hint ?? 'Raise the server setting the message names, or ask the server for less at a time.');
    }
    if (sqlstate === '57014' && /statement timeout/i.test(message)) {
        // Every action that limits its queries calls that input statement-timeout.
        return make('TIMEOUT', `PostgreSQL ended a query that ran past its time limit: ${message}`, `Raise statement-timeout (or leave it unset), or check the role's and database's own statement_timeout (ALTER ROLE / ALTER DATABASE ... SET statement_timeout)${context.backup ? '; a lower exact-count-max-size counts fewer tables exactly' : ''}.`, 'statement-timeout');
    }
    if (sqlstate === '25P03' || sqlstate === '57P05') {
        return make('TIMEOUT', `PostgreSQL ended a session that sat idle past its time limit: ${message}`, 'The server ends sessions idle for longer than its idle_session_timeout / idle_in_transaction_session_timeout: raise it for this role (ALTER ROLE ... SET), then run again.');
    }
    if (isRecoveryConflict(message))
        return recoveryConflictError(message);
    if (sqlstate.startsWith('57')) {
        return make('INTERRUPTED', `The PostgreSQL server stopped the run's session: ${message}`, 'The server shut down or restarted, or an administrator ended the query or session (pg_cancel_backend, pg_terminate_backend). Nothing was recorded; run again when the server is up.');
    }
    if (sqlstate.startsWith('08')) {
        return make('CONNECTION_LOST', `The connection to PostgreSQL was lost: ${message}`, 'The server restarted or the network dropped the connection (a proxy or NAT idle timeout?). Nothing was recorded; run again.');
    }
    if (sqlstate.startsWith('40')) {
        return make('CONFLICT', `PostgreSQL aborted the run's transaction because of a concurrent one: ${message}`, "Another session's locks or changes conflicted with this run (a migration, a long transaction). Run again; schedule it away from migrations if it recurs.");
    }
    if (sqlstate === '42P01' && context.relation) {
        return make('CONFLICT', `Table ${context.relation} was dropped while the run read it: ${message}`, 'A migration changed the schema during the run; run again.');
    }
    if (sqlstate === '25006') {
        return make('READ_ONLY_SERVER', `The PostgreSQL server accepts no writes: ${message}`, `The server is a hot standby or runs with default_transaction_read_only = on: point ${input} at a writable server (the primary, or a throwaway one).`, context.input);
    }
    if (sqlstate === 'XX001' || sqlstate === 'XX002') {
        return make('DATA_CORRUPTED', `PostgreSQL found damaged data${context.relation ? ` in ${context.relation}` : ''}: ${message}`, "The server's data files are damaged (disk or memory fault): check it (amcheck, pg_checksums), and recover the damaged table from an earlier backup. Nothing was recorded.");
    }
    return undefined;
}
function permissionDenied(error, context, make) {
    const role = context.role ? sqlName(context.role) : 'the role';
    const who = context.role ? `Role ${context.role}` : 'The role';
    const rls = /row-level security policy for table "?([^"]+)"?/i.exec(error.message);
    if (rls) {
        const table = qualify(rls[1], context.relation);
        return make('PERMISSION_DENIED', `${who} is subject to row-level security on ${table}: ${error.message}`, `Row-level security would hide rows from the dump: back up as the table's owner or a role with BYPASSRLS (ALTER ROLE ${role} BYPASSRLS), or add --enable-row-security to pg-dump-args to back up only the rows the role sees.`);
    }
    const denied = /permission denied for (table|sequence|view|materialized view|foreign table|schema|database|function|large object) (.+)$/i.exec(error.message);
    if (!denied) {
        return make('PERMISSION_DENIED', `${who} lacks a privilege: ${error.message}`, error.hint ??
            "Run as a role that has the privilege the message names (the objects' owner, or a role granted pg_read_all_data for reading).");
    }
    const kind = denied[1].toLowerCase();
    const name = kind === 'schema' || kind === 'database' || kind === 'function' || kind === 'large object'
        ? denied[2]
        : qualify(denied[2], context.relation);
    const leaveOut = context.backup
        ? ` or leave it out of the backup (${kind === 'schema' ? 'exclude-schemas' : 'exclude-tables'})`
        : '';
    const grant = kind === 'schema'
        ? `GRANT USAGE ON SCHEMA ${name} TO ${role};`
        : kind === 'database'
            ? `GRANT CONNECT ON DATABASE ${name} TO ${role};`
            : kind === 'function' || kind === 'large object'
                ? undefined
                : `GRANT SELECT ON ${kind === 'sequence' ? 'SEQUENCE ' : ''}${name} TO ${role};`;
    const readAll = kind === 'database' ? '' : ` (or GRANT pg_read_all_data TO ${role}; on PostgreSQL 14+ to read everything)`;
    return make('PERMISSION_DENIED', `${who} may not read ${kind} ${name}: ${error.message}`, grant
        ? `Grant it: ${grant}${readAll}${leaveOut}.`
        : `Run as a role that may use it (its owner, or one granted pg_read_all_data)${leaveOut}.`);
}
/** The server names a table without its schema; the run knows which one it read. */
function qualify(name, relation) {
    const bare = name.replace(/^"|"$/g, '');
    if (relation && (relation === bare || relation.endsWith(`.${bare}`) || relation.endsWith(`."${bare}"`)))
        return relation;
    return name;
}
/** A name as SQL writes it: quoted unless it is a plain lower-case identifier. */
function sqlName(name) {
    return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
function isRecoveryConflict(message) {
    return /conflict with recovery/i.test(message);
}
/** A hot standby ended the dump's snapshot (pg_dump's session or dbops's) to replay changes from the primary. */
function recoveryConflictError(detail) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DbopsError */ .zJ('DUMP_FAILED', `The standby cancelled the dump to replay changes from the primary: ${detail}`, {
        hint: 'A dump on a hot standby holds one snapshot for its whole run, and the primary vacuumed rows it still needed. Set hot_standby_feedback = on on the standby (the primary then keeps those rows), or raise max_standby_streaming_delay above the dump time, or back up from the primary. Nothing was recorded as a backup.',
    });
}
//# sourceMappingURL=server-errors.js.map

/***/ }),

/***/ 8564:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   gd: () => (/* binding */ serviceParameters),
/* harmony export */   ue: () => (/* binding */ OWN_PARAMETERS)
/* harmony export */ });
/* unused harmony export SERVICE_PARAMETERS */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(57706);



/** The connection parameters of a service that dbops applies; libpq's others are refused rather than ignored. */
const SERVICE_PARAMETERS = [
    'host',
    'port',
    'dbname',
    'user',
    'password',
    'passfile',
    'sslmode',
    'sslrootcert',
    'connect_timeout',
];
/**
 * Parameters that dbops sets itself for every session (its application name, TCP keepalives): a service's or a URL's
 * are ignored.
 */
const OWN_PARAMETERS = new Set([
    'application_name',
    'fallback_application_name',
    'keepalives',
    'keepalives_idle',
    'keepalives_interval',
    'keepalives_count',
]);
/**
 * The parameters of connection service `name` (libpq's pg_service.conf), looked up where libpq looks: the file
 * PGSERVICEFILE names or ~/.pg_service.conf, then PGSYSCONFDIR/pg_service.conf. dbops applies them itself and hands
 * pg_dump / pg_restore the result, so its own session and theirs connect alike. `source` says where the name came
 * from (the URL's service parameter, PGSERVICE), for errors.
 *
 * Parsed here, not with an INI library: the format is libpq's own ('#' comments only, no quoting, no escapes, the
 * rest of the line after '=' is the value), and the npm `ini` package reads ';' as a comment and strips quotes, which
 * would change passwords; no maintained npm parser of pg_service.conf exists.
 */
function serviceParameters(name, source, env) {
    const files = [
        env.PGSERVICEFILE ?? (env.HOME ? (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(env.HOME, '.pg_service.conf') : undefined),
        env.PGSYSCONFDIR ? (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(env.PGSYSCONFDIR, 'pg_service.conf') : undefined,
    ].filter((file) => file !== undefined);
    for (const file of files) {
        let text;
        try {
            text = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8');
        }
        catch {
            continue; // libpq skips a service file it cannot open too
        }
        const found = readService(text, name, file, source);
        if (found)
            return found;
    }
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .DbopsError */ .zJ('INVALID_INPUT', `Connection service '${name}' (${source}) is not defined in ${files.length > 0 ? files.join(' or ') : 'any service file (neither PGSERVICEFILE nor HOME is set)'}`, {
        input: 'PGSERVICE',
        hint: 'Define it as a [name] section of the service file (PGSERVICEFILE, ~/.pg_service.conf or PGSYSCONFDIR/pg_service.conf), or correct the service name.',
    });
}
/** The section `name` of one service file, or undefined when the file has none. The first value of a key wins. */
function readService(text, name, file, source) {
    let inService = false;
    let found = false;
    const parameters = {};
    const lines = text.split(/\r?\n/);
    for (const [index, raw] of lines.entries()) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#'))
            continue;
        const where = `${file}, line ${index + 1}`;
        if (line.startsWith('[')) {
            if (inService)
                break;
            inService = line.endsWith(']') && line.slice(1, -1) === name;
            found ||= inService;
            continue;
        }
        if (!inService)
            continue;
        const at = line.indexOf('=');
        if (at === -1)
            throw serviceError(`${where} is not key=value`, name, source);
        const key = line.slice(0, at).trim();
        const value = line.slice(at + 1).trim();
        if (OWN_PARAMETERS.has(key))
            continue;
        if (key === 'service')
            throw serviceError(`${where} names another service (nested services are not allowed)`, name, source);
        if (!SERVICE_PARAMETERS.includes(key))
            throw serviceError(`${where} sets ${key}, which dbops does not support`, name, source);
        parameters[key] ??= value;
    }
    return found ? parameters : undefined;
}
function serviceError(problem, name, source) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .DbopsError */ .zJ('INVALID_INPUT', `Connection service '${name}' (${source}): ${problem}`, {
        input: 'PGSERVICE',
        hint: `Service parameters dbops applies: ${SERVICE_PARAMETERS.join(', ')}. Set others through the connection inputs, or leave them out.`,
    });
}
//# sourceMappingURL=service-file.js.map

/***/ }),

/***/ 61535:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gp: () => (/* binding */ keyExpression),
/* harmony export */   HZ: () => (/* binding */ subjectTable),
/* harmony export */   Rt: () => (/* binding */ selectionSql),
/* harmony export */   Tp: () => (/* binding */ subjectGraph),
/* harmony export */   XS: () => (/* binding */ Params),
/* harmony export */   nc: () => (/* binding */ matchCondition)
/* harmony export */ });
/* unused harmony export MAX_SUBJECT_TABLES */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57706);
/* harmony import */ var _server_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(46579);


/** More tables than any schema a person's data lives in should need: beyond it, the graph is refused. */
const MAX_SUBJECT_TABLES = 200;
const ON_DELETE = {
    a: 'no action',
    r: 'restrict',
    c: 'cascade',
    n: 'set null',
    d: 'set default',
};
async function tableFacts(client, name) {
    const { rows } = await client.query(`SELECT c.oid::regclass::text AS table, n.nspname AS schema, c.relname AS name, c.relkind,
            coalesce((SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                                                        'base', t.typname) ORDER BY a.attnum)
                        FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS columns,
            (SELECT array_agg(a.attname::text ORDER BY k.n)
               FROM pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
              WHERE i.indrelid = c.oid AND i.indisprimary) AS primary_key
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1)`, [name]);
    return rows[0];
}
function node(facts, depth) {
    const key = facts.primary_key ?? [];
    return {
        table: facts.table,
        schema: facts.schema,
        name: facts.name,
        columns: facts.columns,
        primaryKey: key.map((k) => facts.columns.find((c) => c.name === k)),
        depth,
    };
}
/** The subject's table, checked: it exists, is a table and has a primary key (the id is matched against it). */
async function subjectTable(client, table) {
    const facts = await tableFacts(client, table);
    if (!facts || !['r', 'p'].includes(facts.relkind))
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)('table', `names '${table}', which ${facts ? 'is not a table' : 'is not a table in the database'}`, 'a table name as the search_path resolves it, or schema-qualified (e.g. public.users)');
    if (!facts.primary_key)
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)('table', `names ${facts.table}, which has no primary key`, 'a table with a primary key');
    return node(facts, 0);
}
/** Every table whose rows reference the subject's, breadth first from the subject's table. */
async function subjectGraph(client, root) {
    const nodes = [root];
    const skipped = [];
    const facts = new Map();
    for (let i = 0; i < nodes.length; i++) {
        const parent = nodes[i];
        const { rows } = await client.query(`SELECT c.conname AS constraint, c.conrelid::regclass::text AS table, c.confdeltype AS action,
              array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(att, n)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att ORDER BY k.n) AS columns,
              array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(att, n)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att ORDER BY k.n) AS references
         FROM pg_constraint c
        WHERE c.contype = 'f' AND c.confrelid = to_regclass($1) AND c.conparentid = 0
        ORDER BY 2, 1`, [parent.table]);
        for (const fk of rows) {
            const via = {
                constraint: fk.constraint,
                columns: fk.columns,
                references: fk.references,
                onDelete: ON_DELETE[fk.action] ?? 'no action',
            };
            if (onPath(nodes, i, fk.table)) {
                skipped.push({ table: fk.table, constraint: fk.constraint, references: parent.table, parent: i, via });
                continue;
            }
            let child = facts.get(fk.table);
            if (!child) {
                child = (await tableFacts(client, fk.table));
                facts.set(fk.table, child);
            }
            if (nodes.length >= MAX_SUBJECT_TABLES)
                throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .invalidInput */ .aY)('table', `leads through foreign keys to more than ${MAX_SUBJECT_TABLES} tables`, 'a table whose dependants form a smaller graph');
            nodes.push({ ...node(child, parent.depth + 1), parent: i, via });
        }
    }
    return { nodes, skipped };
}
/** Whether `table` is node i or one of its ancestors: following it again would loop. */
function onPath(nodes, i, table) {
    for (let at = i; at !== undefined; at = nodes[at].parent)
        if (nodes[at].table === table)
            return true;
    return false;
}
/** Collects parameter values and hands out their placeholders. */
class Params {
    values = [];
    add(value) {
        this.values.push(value);
        return `$${this.values.length}`;
    }
}
/**
 * A row's key as one text, as a legal hold's subject_id gives it: the key's text for a one-column key (`42`), the
 * row's text for a composite one (`(42,7)`).
 */
function keyExpression(key, alias) {
    const columns = key.map((k) => `${alias}.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .sqlName */ .iA)(k.name)}`);
    return columns.length === 1 ? `${columns[0]}::text` : `ROW(${columns.join(', ')})::text`;
}
/** The subject's row by its id: typed against a one-column key (an index lookup), as row text for a composite. */
function subjectMatch(root, alias, params, id) {
    if (root.primaryKey.length === 1)
        return `${alias}.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .sqlName */ .iA)(root.primaryKey[0].name)} = ${params.add(id)}::${root.primaryKey[0].type}`;
    return `${keyExpression(root.primaryKey, alias)} = ${params.add(id)}`;
}
/** `SELECT t.* ...` of node i's rows: the subject's row, or the rows referencing its parent's selected rows. */
function selectionSql(nodes, i, params, id) {
    const alias = `t${i}`;
    return `SELECT ${alias}.* FROM ${nodes[i].table} AS ${alias} WHERE ${matchCondition(nodes, i, params, id, alias)}`;
}
/** The condition a row of node i (as `alias`) meets when it belongs to the subject (its key need not exist). */
function matchCondition(nodes, i, params, id, alias) {
    const n = nodes[i];
    if (n.parent === undefined || !n.via)
        return subjectMatch(n, alias, params, id);
    const own = n.via.columns.map((c) => `${alias}.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .sqlName */ .iA)(c)}`).join(', ');
    const theirs = n.via.references.map((c) => `p.${(0,_server_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .sqlName */ .iA)(c)}`).join(', ');
    return `(${own}) IN (SELECT ${theirs} FROM (${selectionSql(nodes, n.parent, params, id)}) AS p)`;
}
//# sourceMappingURL=subject-graph.js.map

/***/ }),

/***/ 3848:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  yj: () => (/* binding */ SSL_MODES),
  v5: () => (/* binding */ asPgTarget),
  ff: () => (/* binding */ describeTarget),
  E5: () => (/* binding */ parsePgTarget),
  kR: () => (/* binding */ withDatabase)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./node_modules/pg-connection-string/esm/index.mjs
var esm = __webpack_require__(90984);
// EXTERNAL MODULE: ./packages/core/lib/errors.js
var errors = __webpack_require__(57706);
// EXTERNAL MODULE: ./packages/core/lib/url-authority.js
var url_authority = __webpack_require__(4180);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/passfile.js



/** The password file libpq would read: passfile (URL or service), else PGPASSFILE, else ~/.pgpass. */
function passfilePath(explicit, env) {
    if (explicit)
        return explicit;
    if (env.PGPASSFILE)
        return env.PGPASSFILE;
    return env.HOME ? (0,external_node_path_.join)(env.HOME, '.pgpass') : undefined;
}
/**
 * The password for `key` in a password file (`host:port:database:user:password` lines), read as libpq reads it: the
 * first matching line wins, `*` matches anything, `\` escapes ':' and '\', '#' starts a comment line, a socket
 * directory matches as localhost. A file that does not exist is no error (libpq ignores it too). pg's own pgpass
 * support is not used: it reads process.env and prints warnings.
 */
function passfilePassword(file, key) {
    let text;
    try {
        if (!(0,external_node_fs_.statSync)(file).isFile())
            return undefined;
        text = (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch {
        return undefined;
    }
    const wanted = [
        key.host === '' || key.host.startsWith('/') ? 'localhost' : key.host,
        String(key.port),
        key.database,
        key.user,
    ];
    for (const line of text.split(/\r?\n/)) {
        if (line.startsWith('#') || line.trim() === '')
            continue;
        const fields = splitFields(line);
        if (fields.length < 5)
            continue;
        if (!wanted.every((value, i) => fields[i].wildcard || fields[i].text === value))
            continue;
        const password = fields[4].text;
        if (password === '')
            return undefined;
        refuseSharedFile(file);
        return password;
    }
    return undefined;
}
/** Fields separated by ':', with '\' escaping the next character; an unescaped '*' alone is a wildcard. */
function splitFields(line) {
    const fields = [];
    let text = '';
    let raw = '';
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === '\\' && i + 1 < line.length) {
            text += line[++i];
            raw += `\\${line[i]}`;
        }
        else if (c === ':') {
            fields.push({ text, wildcard: raw === '*' });
            text = raw = '';
        }
        else {
            text += c;
            raw += c;
        }
    }
    fields.push({ text, wildcard: raw === '*' });
    return fields;
}
/**
 * libpq ignores a password file that others can read, with a warning on stderr that a CI log easily hides. Where it
 * holds the password this connection needs, dbops says so instead of failing later as "no password supplied".
 */
function refuseSharedFile(file) {
    if (((0,external_node_fs_.statSync)(file).mode & 0o077) === 0)
        return;
    throw new errors/* DbopsError */.zJ('INVALID_INPUT', `The password file ${file} has group or world access, so libpq (pg_dump, pg_restore) ignores it`, {
        input: 'PGPASSFILE',
        hint: `Make it private to its owner: chmod 600 ${file}`,
    });
}
//# sourceMappingURL=passfile.js.map
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/service-file.js
var service_file = __webpack_require__(8564);
// EXTERNAL MODULE: ./packages/core/lib/databases/postgres/url-parameters.js
var url_parameters = __webpack_require__(95736);
;// CONCATENATED MODULE: ./packages/core/lib/databases/postgres/target.js







const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
const URL_FORM = 'postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require (percent-encode special characters in the password: @ → %40, # → %23, / → %2F, ? → %3F, : → %3A, % → %25)';
/**
 * Builds a target from a URL and/or discrete parameters, as libpq would: discrete parameters override the URL's
 * parts, which override a connection service's (the URL's service parameter, or PGSERVICE), which override
 * defaults; without a password from any of them, the password file (passfile, PGPASSFILE, ~/.pgpass) is read. The
 * result is complete, so dbops's own session and its child processes connect alike. `urlInput` names the input the
 * URL came from, so errors point at it. Errors never echo the URL (it holds a password).
 */
function parsePgTarget(input, urlInput = 'database-url') {
    const env = input.env ?? {};
    let fromUrl = {};
    let fromQuery = {};
    let fromPrisma = {};
    if (input.url !== undefined && input.url.trim() !== '') {
        const trimmed = input.url.trim();
        if (!/^postgres(ql)?:\/\//i.test(trimmed)) {
            throw (0,errors/* invalidInput */.aY)(urlInput, 'is not a PostgreSQL connection URL (it must start with postgres:// or postgresql://)', URL_FORM);
        }
        // libpq ends the password at the first '@': one more is refused, not read differently by pg_dump and node-pg.
        (0,url_authority/* checkUrlAuthority */.j)(trimmed, urlInput, { form: 'postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require' });
        (0,url_parameters/* checkUrlParameters */.UD)(trimmed, urlInput);
        const { url, taken, prisma } = takeParameters(trimmed);
        fromQuery = taken;
        fromPrisma = prisma;
        try {
            fromUrl = (0,esm/* parse */.qg)(url);
        }
        catch {
            throw (0,errors/* invalidInput */.aY)(urlInput, 'could not be parsed as a URL', URL_FORM);
        }
    }
    else if (!input.host && !input.database && !env.PGSERVICE) {
        throw (0,errors/* invalidInput */.aY)(urlInput, 'is required', `${URL_FORM}, or the inputs host, port, dbname, user and password, or a connection service (PGSERVICE)`);
    }
    const serviceName = fromQuery.service || env.PGSERVICE;
    const service = serviceName
        ? (0,service_file/* serviceParameters */.gd)(serviceName, fromQuery.service ? `the service parameter of ${urlInput}` : 'PGSERVICE', env)
        : {};
    const host = input.host || fromUrl.host || service.host || 'localhost';
    const portText = input.port || fromUrl.port || service.port || '5432';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
        throw (0,errors/* invalidInput */.aY)(input.port ? 'port' : fromUrl.port ? urlInput : 'PGSERVICE', `has an invalid port '${portText}'`, 'a port number from 1 to 65535');
    }
    const database = input.database || fromUrl.database || service.dbname || '';
    if (!database)
        throw (0,errors/* invalidInput */.aY)(input.url ? urlInput : 'dbname', 'names no database', `${URL_FORM}, or the dbname input`);
    const user = input.user || fromUrl.user || service.user || '';
    if (!user)
        throw (0,errors/* invalidInput */.aY)(input.url ? urlInput : 'user', 'names no user', `${URL_FORM}, or the user input`);
    const sslModeText = (input.sslMode || fromQuery.sslmode || service.sslmode || 'prefer').toLowerCase();
    if (!SSL_MODES.includes(sslModeText)) {
        throw (0,errors/* invalidInput */.aY)('sslmode', `has an unknown value '${sslModeText}'`, `one of ${SSL_MODES.join(', ')}`);
    }
    const sslMode = sslModeText;
    const rootCertSource = input.sslRootCert || fromQuery.sslrootcert || service.sslrootcert;
    const sslRootCert = rootCertSource ? readPem(rootCertSource) : undefined;
    if (sslMode === 'verify-ca' && !sslRootCert) {
        throw (0,errors/* invalidInput */.aY)('ssl-root-cert', `is required with sslmode=${sslMode}`, 'the CA certificate as PEM text or a path to a PEM file');
    }
    const password = input.password ||
        fromUrl.password ||
        service.password ||
        input.fallbackPassword ||
        passwordFromFile(passfilePath(fromQuery.passfile || service.passfile, env), { host, port, database, user });
    return {
        engine: 'postgresql',
        host,
        port,
        database,
        user,
        ...(password ? { password } : {}),
        sslMode,
        ...(sslRootCert ? { sslRootCert } : {}),
        ...(Object.keys(fromPrisma).length > 0 ? { prismaParameters: fromPrisma } : {}),
        connectTimeoutSeconds: input.connectTimeoutSeconds ?? serviceConnectTimeout(service) ?? 10,
        statementTimeoutMs: input.statementTimeoutMs ?? 0,
        urlInput,
    };
}
/** URL parameters that dbops applies itself, with libpq's meaning. */
const TAKEN_PARAMETERS = ['sslmode', 'sslrootcert', 'service', 'passfile'];
/**
 * Takes sslmode, sslrootcert, service and passfile out of the URL: dbops applies them with libpq's meaning
 * (sslConfig, serviceParameters, passfilePassword), while pg-connection-string would read the certificate file
 * itself (failing as "cannot parse") and print a warning about its own, different meaning of sslmode=require.
 * Prisma's parameters are taken out too: they are Prisma's, not the pg library's.
 */
function takeParameters(url) {
    const at = url.indexOf('?');
    if (at === -1)
        return { url, taken: {}, prisma: {} };
    const query = new URLSearchParams(url.slice(at + 1));
    const prismaNames = Object.keys(url_parameters/* PRISMA_PARAMETERS */.QI);
    if (![...TAKEN_PARAMETERS, ...prismaNames].some((name) => query.has(name)))
        return { url, taken: {}, prisma: {} };
    const taken = {};
    for (const name of TAKEN_PARAMETERS) {
        if (query.get(name))
            taken[name] = query.get(name);
        query.delete(name);
    }
    const prisma = {};
    for (const name of prismaNames) {
        if (query.has(name))
            prisma[name] = query.get(name);
        query.delete(name);
    }
    const rest = query.toString();
    return { url: `${url.slice(0, at)}${rest ? `?${rest}` : ''}`, taken, prisma };
}
function passwordFromFile(file, key) {
    return file ? passfilePassword(file, key) : undefined;
}
function serviceConnectTimeout(service) {
    if (service.connect_timeout === undefined)
        return undefined;
    const seconds = Number(service.connect_timeout);
    if (!/^\d+$/.test(service.connect_timeout) || seconds < 1 || seconds > 600) {
        throw (0,errors/* invalidInput */.aY)('PGSERVICE', `sets connect_timeout to '${service.connect_timeout}'`, 'a whole number of seconds from 1 to 600 in the service file');
    }
    return seconds;
}
function readPem(source) {
    if (source.includes('-----BEGIN'))
        return source;
    try {
        return (0,external_node_fs_.readFileSync)(source, 'utf8');
    }
    catch {
        throw (0,errors/* invalidInput */.aY)('ssl-root-cert', `names a file that cannot be read (${source})`, 'the CA certificate as PEM text or a readable path to a PEM file');
    }
}
/** "user@host:port/database": how a target is shown to people. Never includes the password. */
function describeTarget(target) {
    return `${target.user}@${target.host}:${target.port}/${target.database}`;
}
/** A copy of the target pointing at another database on the same server. */
function withDatabase(target, database) {
    return { ...target, database };
}
/** The engine interface hands over targets of any engine: this one must be PostgreSQL's. */
function asPgTarget(target) {
    if (target.engine !== 'postgresql') {
        throw new errors/* DbopsError */.zJ('INTERNAL', `A ${target.engine} target reached the PostgreSQL engine`);
    }
    return target;
}
//# sourceMappingURL=target.js.map

/***/ }),

/***/ 95736:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   QI: () => (/* binding */ PRISMA_PARAMETERS),
/* harmony export */   UD: () => (/* binding */ checkUrlParameters),
/* harmony export */   r4: () => (/* binding */ URL_PARAMETERS)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57706);
/* harmony import */ var _service_file_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8564);


/**
 * The query parameters of a PostgreSQL URL that dbops applies: sslmode, sslrootcert, service and passfile with
 * libpq's meaning (target.ts), host, port, user and password as parts of the address.
 */
const URL_PARAMETERS = [
    'sslmode',
    'sslrootcert',
    'service',
    'passfile',
    'host',
    'port',
    'user',
    'password',
];
/**
 * Prisma's own connection-string parameters (prisma init writes ?schema=public), accepted so that the DATABASE_URL
 * a Prisma project deploys with works for dbops too. None changes dbops's own sessions; each says why.
 */
const PRISMA_PARAMETERS = {
    // The schema Prisma works in: a backup or monitor covers the whole database either way.
    schema: 'the schema Prisma works in',
    // The next four tune Prisma's client pool and statement cache, not a session dbops opens.
    connection_limit: "Prisma's pool size",
    pool_timeout: "Prisma's pool wait",
    statement_cache_size: "Prisma's statement cache",
    socket_timeout: "Prisma's query socket timeout",
    // Tells Prisma the server is PgBouncer; migrate-deploy's lock needs a session-mode connection (deploy-lock.ts).
    pgbouncer: 'Prisma behind PgBouncer',
};
/** Prisma's TLS parameters: refused, because dbops cannot honour them with the same meaning. */
const PRISMA_TLS = {
    // sslaccept=strict means "verify the certificate"; libpq's sslmode=require does not, so mapping it would weaken TLS.
    sslaccept: 'use sslmode=verify-full with sslrootcert=/path/to/ca.pem (or the ssl-root-cert input) to verify the certificate, or sslmode=require not to',
    // dbops connects without client certificates (target.ts has none): refusing says so, rather than authenticate otherwise.
    sslcert: 'dbops does not present client certificates; authenticate with a password (or ~/.pgpass) instead',
    sslidentity: 'dbops does not present client certificates; authenticate with a password (or ~/.pgpass) instead',
    sslpassword: 'dbops does not present client certificates; authenticate with a password (or ~/.pgpass) instead',
};
/** What to do instead, for libpq parameters that users write and dbops does not apply. */
const INSTEAD = {
    options: 'set the server settings for the role instead (ALTER ROLE name SET setting = value), or leave options out',
    connect_timeout: 'use the connect-timeout input instead',
    dbname: "put the database in the URL's path (postgres://host/DATABASE) or use the dbname input",
    ssl: 'use sslmode=require (or verify-ca / verify-full) instead',
};
/**
 * Refuses a URL parameter that dbops would not apply: libpq refuses an unknown one, and ignoring it would change
 * what the user asked for without a word (a typo such as sslmod=require would connect without TLS). `options`
 * (libpq's -c settings) is refused too: dbops's sessions and pg_dump's would not get it alike. Messages name the
 * parameter, never its value, and a name that does not look like one is not echoed (it may be part of a password).
 */
function checkUrlParameters(url, input) {
    const at = url.indexOf('?');
    if (at === -1)
        return;
    const accepted = `the parameters dbops accepts: ${URL_PARAMETERS.join(', ')}; Prisma's ${Object.keys(PRISMA_PARAMETERS).join(', ')}`;
    for (const name of new URLSearchParams(url.slice(at + 1)).keys()) {
        if (URL_PARAMETERS.includes(name) || _service_file_js__WEBPACK_IMPORTED_MODULE_0__/* .OWN_PARAMETERS */ .ue.has(name))
            continue;
        if (Object.hasOwn(PRISMA_PARAMETERS, name))
            continue;
        if (!/^[a-z_]{1,40}$/.test(name)) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, 'has a query parameter that is not name=value', accepted);
        }
        if (name === 'options') {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, "has the parameter 'options', which dbops does not apply", INSTEAD[name]);
        }
        if (Object.hasOwn(PRISMA_TLS, name)) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has Prisma's parameter '${name}', which dbops does not apply`, PRISMA_TLS[name]);
        }
        const instead = INSTEAD[name];
        throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .invalidInput */ .aY)(input, `has an unknown parameter '${name}'`, instead ? `${instead}; ${accepted}` : accepted);
    }
}
//# sourceMappingURL=url-parameters.js.map

/***/ }),

/***/ 47518:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LN: () => (/* binding */ PG_BIN_DIR_INPUT),
/* harmony export */   dC: () => (/* binding */ readConnection),
/* harmony export */   eu: () => (/* binding */ connectionInputs)
/* harmony export */ });
/* harmony import */ var _databases_index_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(93556);
/* harmony import */ var _databases_postgres_target_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3848);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(57706);
/* harmony import */ var _databases_postgres_url_parameters_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(95736);




/**
 * How to reach a database server (the URL's scheme picks the engine): shared by every action that connects to one.
 * `urlName` names a second server.
 * Actions that run PostgreSQL's client tools add PG_BIN_DIR_INPUT.
 */
function connectionInputs(urlName = 'database-url', urlEnv = ['DATABASE_URL']) {
    return [
        {
            name: urlName,
            description: `Connection URL: PostgreSQL (postgres://user:password@host:5432/db?sslmode=require) or MongoDB (mongodb://user:password@host:27017/db, mongodb+srv://...); the scheme picks the engine. Percent-encode special characters in the password. For PostgreSQL, libpq's files work as with psql: a connection service (?service=NAME or PGSERVICE; PGSERVICEFILE, ~/.pg_service.conf) and, without a password, the password file (PGPASSFILE, ~/.pgpass). PostgreSQL query parameters: ${_databases_postgres_url_parameters_js__WEBPACK_IMPORTED_MODULE_0__/* .URL_PARAMETERS */ .r4.join(', ')}; Prisma's ${Object.keys(_databases_postgres_url_parameters_js__WEBPACK_IMPORTED_MODULE_0__/* .PRISMA_PARAMETERS */ .QI).join(', ')} are accepted and not applied to dbops's sessions (docs/migrations.md); others are refused.`,
            type: 'url',
            schemes: ['postgres', 'postgresql', 'mongodb', 'mongodb+srv'],
            secret: true,
            env: urlEnv,
        },
        { name: 'host', description: "Server host, instead of (or overriding) the URL's.", type: 'string' },
        {
            name: 'port',
            description: "Server port (default 5432), instead of (or overriding) the URL's.",
            type: 'integer',
            min: 1,
            max: 65535,
        },
        { name: 'dbname', description: "Database name, instead of (or overriding) the URL's.", type: 'string' },
        { name: 'user', description: "User name, instead of (or overriding) the URL's.", type: 'string' },
        {
            name: 'password',
            description: "Password, when it is not in the URL (overrides the URL's).",
            type: 'string',
            secret: true,
            env: ['PGPASSWORD'],
        },
        {
            name: 'sslmode',
            description: "disable, allow, prefer, require, verify-ca or verify-full (overrides the URL's sslmode).",
            type: 'enum',
            values: _databases_postgres_target_js__WEBPACK_IMPORTED_MODULE_1__/* .SSL_MODES */ .yj,
        },
        {
            name: 'ssl-root-cert',
            description: 'CA certificate for verify-ca / verify-full: PEM text or a path to a PEM file.',
            type: 'string',
        },
        {
            name: 'connect-timeout',
            description: 'Seconds to wait for a connection before retrying.',
            default: '10',
            type: 'integer',
            min: 1,
            max: 600,
        },
    ];
}
const PG_BIN_DIR_INPUT = {
    name: 'pg-bin-dir',
    description: 'Directory holding pg_dump / pg_restore / psql. By default dbops finds a client at least as new as the server.',
    type: 'string',
};
/** The PostgreSQL-only inputs a MongoDB URL cannot be combined with (its URL says everything). */
const POSTGRES_ONLY = ['host', 'port', 'dbname', 'user', 'sslmode'];
/** Async: a MongoDB URL's parser is loaded only when the URL is MongoDB's (databases/mongodb/parse-target.ts). */
async function readConnection(reader, urlName = 'database-url') {
    const url = reader.optional(urlName);
    if (url && (0,_databases_index_js__WEBPACK_IMPORTED_MODULE_2__/* .engineForUrl */ .Vn)(url, urlName).name === 'mongodb') {
        const pgOnly = POSTGRES_ONLY.find((name) => reader.given(name));
        if (pgOnly) {
            throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .invalidInput */ .aY)(pgOnly, `is a PostgreSQL input, but ${urlName} is a MongoDB URL`, `the MongoDB URL alone (host, port, database and user go in it), e.g. mongodb://USER:PASSWORD@HOST:27017/DATABASE`);
        }
        const { parseMongoTarget } = await Promise.all(/* import() */[__webpack_require__.e(92307315768), __webpack_require__.e(211326056268)]).then(__webpack_require__.bind(__webpack_require__, 28148));
        return parseMongoTarget(url, urlName, reader.optional('ssl-root-cert'));
    }
    return readPgConnection(reader, urlName, url);
}
function readPgConnection(reader, urlName, url) {
    const discrete = {
        host: reader.optional('host'),
        port: reader.optional('port'),
        database: reader.optional('dbname'),
        user: reader.optional('user'),
    };
    // The scheme names the engine, and an unknown one is refused here.
    if (url)
        (0,_databases_index_js__WEBPACK_IMPORTED_MODULE_2__/* .engineForUrl */ .Vn)(url, urlName);
    // PGPASSWORD in the environment is a fallback for a URL (or service) without a password, never an override of one.
    const password = reader.given('password');
    const fallbackPassword = password ? undefined : reader.optional('password');
    const sslMode = reader.optional('sslmode') && reader.oneOf('sslmode');
    const sslRootCert = reader.optional('ssl-root-cert');
    const connectTimeout = reader.integer('connect-timeout');
    return (0,_databases_postgres_target_js__WEBPACK_IMPORTED_MODULE_1__/* .parsePgTarget */ .E5)({
        ...Object.fromEntries(Object.entries(discrete).filter(([, v]) => v !== undefined)),
        ...(url ? { url } : {}),
        ...(password ? { password } : {}),
        ...(fallbackPassword ? { fallbackPassword } : {}),
        ...(sslMode ? { sslMode } : {}),
        ...(sslRootCert ? { sslRootCert } : {}),
        // Unset, a service's connect_timeout applies (else 10 s).
        ...(reader.given('connect-timeout') && connectTimeout ? { connectTimeoutSeconds: connectTimeout } : {}),
        // libpq's service and password files, found as libpq finds them.
        env: reader.env,
    }, urlName);
}
//# sourceMappingURL=connection-inputs.js.map

/***/ }),

/***/ 69579:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ay: () => (/* binding */ timed),
/* harmony export */   qq: () => (/* binding */ silentLogger)
/* harmony export */ });
/* unused harmony exports formatLocation, MemoryLogger */
/** "file:line:column", as compilers print a place. */
function formatLocation(at) {
    return `${at.file}:${at.line}${at.column !== undefined ? `:${at.column}` : ''}`;
}
/** Runs one step and says at debug level how long it took (DBOPS_DEBUG shows it: the benchmarks read these lines). */
async function timed(log, what, step) {
    const started = performance.now();
    const result = await step();
    log.debug(`${what} in ${Math.round(performance.now() - started)} ms`);
    return result;
}
const silentLogger = {
    debug() { },
    info() { },
    warn() { },
    error() { },
    group: (_title, fn) => fn(),
};
/** Collects lines in memory; tests use it to assert what an operation said. */
class MemoryLogger {
    lines = [];
    debug(message) {
        this.lines.push(`debug: ${message}`);
    }
    info(message) {
        this.lines.push(`info: ${message}`);
    }
    warn(message, at) {
        this.lines.push(`warn: ${at ? `${formatLocation(at)}: ` : ''}${message}`);
    }
    error(message, at) {
        this.lines.push(`error: ${at ? `${formatLocation(at)}: ` : ''}${message}`);
    }
    async group(title, fn) {
        this.lines.push(`group: ${title}`);
        return fn();
    }
}
//# sourceMappingURL=log.js.map

/***/ }),

/***/ 33787:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N: () => (/* binding */ tombstoneVerdict),
/* harmony export */   x: () => (/* binding */ TOMBSTONE_CHECK)
/* harmony export */ });
/** restore-test's check that erased subjects stay erased, as both engines' replays name it. */
const TOMBSTONE_CHECK = 'erased rows absent';
/** The check's verdict, in the engine's words for what was erased (rows, documents). */
function tombstoneVerdict(replay, noun) {
    const { total, source, reappeared, held } = replay;
    if (reappeared.length > 0)
        return {
            name: TOMBSTONE_CHECK,
            passed: false,
            detail: `${noun.many} erased before this backup was taken are in it (${reappeared.join('; ')}): an erasure was undone; the backup must not be restored as it is`,
        };
    return {
        name: TOMBSTONE_CHECK,
        passed: true,
        detail: held.length > 0
            ? `${total} tombstones from ${source} replayed; this backup predates erasures and still holds those ${noun.many} (${held.join('; ')}) until it rotates out`
            : `${total} tombstones from ${source} replayed: no erased ${noun.one} is in the backup`,
    };
}
//# sourceMappingURL=tombstone-verdict.js.map

/***/ })

};
