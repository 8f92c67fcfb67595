// Self-test of the fidelity fixture (test/fixtures/fidelity.sql) and of the content checker
// (test/harness/database-snapshot.ts) that the restore-test fidelity tests rely on: the fixture loads, the
// checker is stable and deterministic, a plain pg_dump -Fc | pg_restore round trip compares equal, and a
// deliberate change of one row, one sequence or one large object compares different.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseContents, diffContents, quoteIdent, type DatabaseContents } from '../harness/database-snapshot.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fidelity.sql');
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('fidelity fixture and content checker', () => {
  let server: PostgresServer;
  let workDir: string;
  const suffix = randomBytes(4).toString('hex');
  const db = (name: string) => `fidelity_${name}_${suffix}`;
  const created: string[] = [];
  let source: DatabaseContents;

  /** Client binaries no older than the server (pg_dump refuses a newer server). */
  function clientBin(name: string): string {
    const candidates = [server.binDir && join(server.binDir, name)];
    const debian = '/usr/lib/postgresql';
    if (existsSync(debian)) {
      for (const v of readdirSync(debian)
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => Number(b) - Number(a))) {
        if (Number(v) >= server.majorVersion) candidates.push(join(debian, v, 'bin', name));
      }
    }
    const found = candidates.find((c) => c && existsSync(c));
    if (!found) throw new Error(`no ${name} (>= ${server.majorVersion}) in ${server.binDir} or ${debian}/<n>/bin`);
    return found;
  }

  /** Connection flags for the client tools: no password here, it goes through PGPASSWORD. */
  const connArgs = (database: string) => [
    ...['-h', server.host, '-p', String(server.port), '-U', server.superuser],
    ...['-d', database],
  ];

  function clientEnv(): NodeJS.ProcessEnv {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
    return { ...env, PGPASSWORD: server.password, PGCONNECT_TIMEOUT: '10' };
  }

  /** Runs a client tool; rejects with its stderr on a non-zero exit. */
  function run(bin: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(clientBin(bin), args, { env: clientEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolvePromise({ stdout, stderr }) : reject(new Error(`${bin} exited ${code}:\n${stderr}`)),
      );
    });
  }

  /** pg_dump -Fc of `from` piped straight into pg_restore -d `to`: the archive never touches the disk. */
  function dumpPipeRestore(from: string, to: string): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      const dump = spawn(clientBin('pg_dump'), ['-Fc', ...connArgs(from)], {
        env: clientEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const restore = spawn(clientBin('pg_restore'), ['--exit-on-error', ...connArgs(to)], {
        env: clientEnv(),
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      dump.stdout.pipe(restore.stdin);
      restore.stdin.on('error', () => undefined); // pg_restore dying first surfaces through its exit code
      const errors: Record<string, string> = { pg_dump: '', pg_restore: '' };
      dump.stderr.setEncoding('utf8').on('data', (d: string) => (errors.pg_dump += d));
      restore.stderr.setEncoding('utf8').on('data', (d: string) => (errors.pg_restore += d));
      const exits = [dump, restore].map(
        (child, i) =>
          new Promise<[string, number | null]>((res, rej) => {
            child.on('error', rej);
            child.on('close', (code) => res([i === 0 ? 'pg_dump' : 'pg_restore', code]));
          }),
      );
      Promise.all(exits).then((codes) => {
        const failed = codes.filter(([, code]) => code !== 0);
        if (failed.length === 0) resolvePromise();
        else reject(new Error(failed.map(([name, code]) => `${name} exited ${code}:\n${errors[name]}`).join('\n')));
      }, reject);
    });
  }

  async function createEmptyDatabase(name: string): Promise<void> {
    await server.query(`create database ${quoteIdent(name)} template template0 encoding 'UTF8'`);
    created.push(name);
  }

  async function loadFixture(database: string): Promise<void> {
    await createEmptyDatabase(database);
    const { stderr } = await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...connArgs(database), '-f', FIXTURE]);
    expect(stderr).toBe(''); // no warnings or notices either
  }

  /** The schema as pg_dump prints it, minus the per-run \restrict key lines of recent minor releases. */
  async function schemaDump(database: string): Promise<string> {
    const { stdout } = await run('pg_dump', ['--schema-only', ...connArgs(database)]);
    return stdout
      .split('\n')
      .filter((line) => !/^\\(un)?restrict /.test(line))
      .join('\n');
  }

  beforeAll(async () => {
    server = await startPostgres();
    workDir = await mkdtemp(join(tmpdir(), 'dbops-fidelity-'));
    await loadFixture(db('src'));
    source = await databaseContents(server.url(db('src')));
  });

  afterAll(async () => {
    // Matters only for TEST_DATABASE_URL; a throwaway cluster disappears with stop().
    for (const name of created.reverse()) {
      await server?.query(`drop database if exists ${quoteIdent(name)} with (force)`).catch(() => undefined);
    }
    await server?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('loads and the snapshot covers every kind of table, sequence and large object in the fixture', () => {
    const tables = Object.keys(source.tables);
    // Leaf partitions, not the partitioned parent (their rows would be counted twice).
    for (const leaf of ['2023', '2024', '2025', '(autres)']) {
      expect(tables).toContain(`"Ventes Été"."Order Lines ${leaf}"`);
    }
    expect(tables).not.toContain('"Ventes Été"."Order Lines"');
    expect(tables).toEqual(
      expect.arrayContaining([
        '"Ventes Été"."Orders"',
        '"Ventes Été"."Chiffre par mois"', // materialized view
        '"audit"."session_cache"', // unlogged
        '"audit"."events_raw"', // no primary key, duplicate rows
        '"audit"."tenant_notes"', // FORCE ROW LEVEL SECURITY
        '"audit"."log_base"', // inheritance parent (its own rows only: ONLY)
        '"audit"."log_2024"',
        '"public"."weird ""quoted"" name. with dot"',
        '"MixedCase"."CamelTable"',
        '"public"."fidelity_values"',
        '"public"."documents"',
      ]),
    );
    expect(tables).not.toContain('"public"."active_customers"'); // a view holds no rows
    expect(tables.some((t) => t.startsWith('"ext".'))).toBe(false); // extension-owned objects are not ours
    for (const table of tables) expect(source.tables[table]).toMatch(/^[0-9a-f]{64}$/);
    expect(source.tables['"public"."customers"']).not.toBe(EMPTY_SHA256);

    expect(source.largeObjects).toMatch(/^[0-9a-f]{64}$/);
    expect(source.largeObjects).not.toBe(EMPTY_SHA256);

    expect(source.sequences).toMatchObject({
      '"Ventes Été"."Ticket Seq"': { lastValue: '15', isCalled: true }, // increment 7, cycled
      '"Ventes Été"."Jamais appelée"': { lastValue: '42', isCalled: false },
      '"audit"."pending"': { lastValue: '500', isCalled: false },
      '"public"."invoice_number"': { lastValue: '9223372036854775000', isCalled: true },
      '"public"."small_int_seq"': { lastValue: '2147483000', isCalled: true },
      '"public"."countdown"': { lastValue: '-3', isCalled: true },
      '"public"."cached"': { lastValue: '20', isCalled: true },
      '"Ventes Été"."Orders_id_seq"': { lastValue: String(1000 + 3 * 3999), isCalled: true }, // identity
      '"public"."serial_things_id_seq"': { lastValue: '250', isCalled: true },
      '"audit"."session_cache_id_seq"': { lastValue: '500', isCalled: true }, // unlogged table's sequence
    });
  });

  it('gives the same snapshot when called twice', async () => {
    expect(await databaseContents(server.url(db('src')))).toEqual(source);
  });

  it('the fixture is deterministic: a second load has identical contents', async () => {
    await loadFixture(db('again'));
    const again = await databaseContents(server.url(db('again')));
    expect(diffContents(source, again)).toEqual([]);
    expect(again).toEqual(source);
  });

  it('a pg_dump -Fc | pg_restore round trip reproduces every table, large object and sequence', async () => {
    await createEmptyDatabase(db('piped'));
    await dumpPipeRestore(db('src'), db('piped'));
    const restored = await databaseContents(server.url(db('piped')));
    expect(diffContents(source, restored)).toEqual([]);
    expect(restored).toEqual(source);
    // Beyond the data: comments, policies, grants, defaults, triggers, indexes... print identically.
    expect(await schemaDump(db('piped'))).toEqual(await schemaDump(db('src')));
  });

  it('a parallel pg_restore -j 4 of an archive file reproduces it too', async () => {
    const archive = join(workDir, 'fidelity.dump');
    await run('pg_dump', ['-Fc', '-f', archive, ...connArgs(db('src'))]);
    await createEmptyDatabase(db('parallel'));
    await run('pg_restore', ['-j', '4', '--exit-on-error', ...connArgs(db('parallel')), archive]);
    const restored = await databaseContents(server.url(db('parallel')));
    expect(diffContents(source, restored)).toEqual([]);
  });

  describe('detects a deliberate change', () => {
    // One restored copy, then a fresh clone of it per test (CREATE DATABASE ... TEMPLATE is a file-level copy),
    // so every test changes exactly one thing against an otherwise identical database.
    const base = () => db('restored');
    let clones = 0;
    beforeAll(async () => {
      await createEmptyDatabase(base());
      await dumpPipeRestore(db('src'), base());
    });
    const fresh = async (): Promise<string> => {
      const name = db(`mutant${++clones}`);
      await server.query(`create database ${quoteIdent(name)} template ${quoteIdent(base())}`);
      created.push(name);
      return name;
    };
    /** Runs the statements in a fresh clone and returns how its contents differ from the source's. */
    const mutate = async (...statements: string[]): Promise<string[]> => {
      const name = await fresh();
      for (const sql of statements) await server.query(sql, [], name);
      return diffContents(source, await databaseContents(server.url(name)));
    };

    it('starts equal', async () => {
      expect(await mutate('select 1')).toEqual([]);
    });

    it('one changed value in one row of one partition', async () => {
      expect(
        await mutate(`update "Ventes Été"."Order Lines" set quantity = quantity + 1
                      where "Order Id" = 1000 and "Line No" = 1`),
      ).toEqual([expect.stringMatching(/^table "Ventes Été"\."Order Lines \S+": contents differ$/)]);
    });

    it('an update that changes only a time zone offset at the same instant is no change', async () => {
      // Same instant, different literal: timestamptz stores the instant, so the contents are equal.
      expect(await mutate(`update public.fidelity_values set ts = '2024-03-31 03:30:00+02' where id = 1`)).toEqual([]);
    });

    it('one of several duplicate rows removed (rows compare as a multiset)', async () => {
      expect(
        await mutate(`delete from audit.events_raw
                      where ctid = (select min(ctid) from audit.events_raw where kind = 'evt-7')`),
      ).toEqual(['table "audit"."events_raw": contents differ']);
    });

    it('a sequence moved, and a sequence whose is_called flipped', async () => {
      expect(await mutate(`select setval('"Ventes Été"."Ticket Seq"', 22)`)).toEqual([
        'sequence "Ventes Été"."Ticket Seq": 15/true vs 22/true',
      ]);
      expect(await mutate(`select setval('audit.pending', 500, true)`)).toEqual([
        'sequence "audit"."pending": 500/false vs 500/true',
      ]);
      // nextval() on a cached sequence moves the stored last_value by the whole cache (20 -> 40).
      expect(await mutate(`select nextval('public.cached')`)).toEqual([
        'sequence "public"."cached": 20/true vs 40/true',
      ]);
    });

    it('one byte of one large object', async () => {
      expect(await mutate(`select lo_put(424202, 100, '\\xff'::bytea)`)).toEqual(['large objects: contents differ']);
    });

    it('a large object moved to another OID is the same large-object contents (OID-independent)', async () => {
      const move = [`select lo_from_bytea(515151, lo_get(424203))`, `select lo_unlink(424203)`];
      // Only the OID changed: the large objects compare equal; the table that points at them does not.
      expect(await mutate(...move)).toEqual([]);
      expect(await mutate(...move, `update public.documents set content = 515151 where id = 3`)).toEqual([
        'table "public"."documents": contents differ',
      ]);
    });

    it('a deleted row cascades; the materialized view differs only once refreshed', async () => {
      const deleteOrder = `delete from "Ventes Été"."Orders" where id = 1003`; // ON DELETE CASCADE to its 4 lines
      const stale = await mutate(deleteOrder);
      expect(stale).toContain('table "Ventes Été"."Orders": contents differ');
      expect(stale.filter((d) => d.includes('"Order Lines ')).length).toBeGreaterThan(0);
      expect(stale.some((d) => d.includes('"Chiffre par mois"'))).toBe(false);
      const refreshed = await mutate(deleteOrder, `refresh materialized view "Ventes Été"."Chiffre par mois"`);
      expect(refreshed).toContain('table "Ventes Été"."Chiffre par mois": contents differ');
    });

    it('fails, instead of hashing a subset, when row-level security would hide rows from the reader', async () => {
      const name = await fresh();
      const role = `fidelity_reader_${suffix}`;
      // pg_read_all_data reads every table but does not bypass RLS (audit.tenant_notes has policies).
      await server.query(`create role ${role} login password 'reader-pw' in role pg_read_all_data`);
      try {
        await expect(databaseContents(server.url(name, role, 'reader-pw'))).rejects.toThrow(/row-level security/);
      } finally {
        await server.query(`drop role ${role}`);
      }
    });
  });
});
