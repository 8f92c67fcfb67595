import { execFile } from 'node:child_process';
import { access, readdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { DbopsError, invalidInput } from '../../errors.js';

const run = promisify(execFile);

export interface PgClientTools {
  binDir: string;
  major: number;
  version: string;
  pgDump: string;
  pgRestore: string;
  psql: string;
}

export interface FindClientToolsOptions {
  /** An explicit directory (the pg-bin-dir input): only it is considered. */
  binDir?: string;
  /** PATH of the caller's environment. */
  path?: string;
  /** Extra directories to look in (tests); defaults to the usual install locations. */
  searchRoots?: string[];
}

/**
 * Finds pg_dump / pg_restore / psql able to dump a server of `serverMajor`. pg_dump refuses servers newer
 * than itself, so anything older is useless. Among the usable ones, the same major as the server is preferred,
 * then the oldest newer one: a much newer pg_dump writes SQL (e.g. SET transaction_timeout in 17) that older
 * servers reject when the archive is restored.
 */
export async function findClientTools(
  serverMajor: number,
  options: FindClientToolsOptions = {},
): Promise<PgClientTools> {
  return prepareClientTools(options)(serverMajor);
}

/**
 * findClientTools in two steps: the installations are probed from now on (their `--version` does not depend on the
 * server), and the returned function picks among them once the server's major is known. A backup probes while it
 * connects, which took the probe's process start off the path to pg_dump's start.
 */
export function prepareClientTools(
  options: FindClientToolsOptions = {},
): (serverMajor: number) => Promise<PgClientTools> {
  const search = startSearch(options);
  return (serverMajor) =>
    findTools(
      serverMajor,
      serverMajor,
      options,
      (newest) => `pg_dump ${newest} cannot dump a PostgreSQL ${serverMajor} server`,
      search,
    );
}

/**
 * Finds a pg_restore for an archive written by pg_dump `archiveMajor`, to restore into a server of `serverMajor`.
 * pg_restore reads archives of its own major and older ones, and restores into any server it can connect to,
 * newer ones included (which is how upgrades are rehearsed): it dumps nothing, so the server's major only sets a
 * preference, for the client of the server's own major when that one can read the archive.
 */
export async function findRestoreTools(
  archiveMajor: number,
  serverMajor: number,
  options: FindClientToolsOptions = {},
): Promise<PgClientTools> {
  return findTools(
    archiveMajor,
    Math.max(archiveMajor, serverMajor),
    options,
    (newest) => `pg_restore ${newest} cannot read an archive written by pg_dump ${archiveMajor}`,
  );
}

/**
 * The installation of major `preferred` when there is one, else the oldest at least `minimum`. PATH is probed
 * only when no installation has the preferred major: its pg_dump is usually Debian's Perl wrapper around one of
 * those installations, and the slowest probe of all.
 */
async function findTools(
  minimum: number,
  preferred: number,
  options: FindClientToolsOptions,
  tooOld: (newestMajor: number) => string,
  search = startSearch(options),
): Promise<PgClientTools> {
  const { installed: probed, onPath } = await search;
  const found = [...probed];
  if (!found.some((t) => t.major === preferred)) {
    for (const tools of await probeAll(onPath)) {
      if (!found.some((t) => t.binDir === tools.binDir)) found.push(tools);
    }
  }
  if (options.binDir && found.length === 0) {
    throw invalidInput(
      'pg-bin-dir',
      `has no working pg_dump, pg_restore and psql (${options.binDir})`,
      'the bin directory of a PostgreSQL client installation, e.g. /usr/lib/postgresql/17/bin',
    );
  }
  const usable = found.filter((t) => t.major >= minimum).sort((a, b) => a.major - b.major);
  const chosen = usable.find((t) => t.major === preferred) ?? usable[0];
  if (chosen) return chosen;

  const newest = found.sort((a, b) => b.major - a.major)[0];
  const install = `install postgresql-client-${minimum} (on Ubuntu runners: sudo /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y && sudo apt-get install -y postgresql-client-${minimum}) or set pg-bin-dir`;
  if (newest) throw new DbopsError('CLIENT_TOO_OLD', tooOld(newest.major), { hint: install, input: 'pg-bin-dir' });
  throw new DbopsError('CLIENT_NOT_FOUND', 'No PostgreSQL client tools (pg_dump, pg_restore, psql) were found', {
    hint: install,
    input: 'pg-bin-dir',
  });
}

interface Search {
  /** The versioned installations (or pg-bin-dir) that work, probed. */
  installed: PgClientTools[];
  /** The directories on PATH, probed only when no installation has the preferred major. */
  onPath: string[];
}

function startSearch(options: FindClientToolsOptions): Promise<Search> {
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
async function probeAll(dirs: string[]): Promise<PgClientTools[]> {
  const found: PgClientTools[] = [];
  for (const tools of await Promise.all(dirs.map(probe))) {
    if (tools && !found.some((t) => t.binDir === tools.binDir)) found.push(tools);
  }
  return found;
}

/** Versioned installations (searched first, in this order), then the directories on PATH. */
async function candidateDirs(options: FindClientToolsOptions): Promise<{ installed: string[]; onPath: string[] }> {
  const roots = options.searchRoots ?? ['/usr/lib/postgresql', '/usr/pgsql', '/opt/homebrew/opt', '/usr/local/opt'];
  const dirs: string[] = [];
  for (const root of roots) {
    const entries = await readdir(root).catch(() => [] as string[]);
    for (const entry of entries) {
      if (root === '/usr/lib/postgresql' || /^postgresql(@\d+)?$/.test(entry)) dirs.push(join(root, entry, 'bin'));
    }
  }
  // /usr/pgsql-16/bin (RHEL) sits next to the root rather than under it.
  for (const entry of await readdir('/usr').catch(() => [] as string[])) {
    if (/^pgsql-\d+$/.test(entry)) dirs.push(join('/usr', entry, 'bin'));
  }
  return { installed: dirs, onPath: (options.path ?? '').split(delimiter).filter(Boolean) };
}

async function probe(dir: string): Promise<PgClientTools | undefined> {
  const pgDump = join(dir, 'pg_dump');
  const pgRestore = join(dir, 'pg_restore');
  const psql = join(dir, 'psql');
  for (const file of [pgDump, pgRestore, psql]) {
    if (
      !(await access(file, constants.X_OK).then(
        () => true,
        () => false,
      ))
    )
      return undefined;
  }
  try {
    const { stdout } = await run(pgDump, ['--version'], { timeout: 10_000 });
    const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(stdout);
    if (!match) return undefined;
    const major = Number(match[1]);
    return { binDir: dir, major, version: `${match[1]}${match[2] ? `.${match[2]}` : ''}`, pgDump, pgRestore, psql };
  } catch {
    return undefined;
  }
}
