import type { MongoClient } from 'mongodb';
import { invalidInput } from '../../errors.js';
import type { DumpScope } from '../dump-scope.js';
import { globPattern } from './inventory.js';

/** The server's own databases, which mongodump without --db leaves out too. */
const SYSTEM_DATABASES = new Set(['admin', 'local', 'config']);

const PATTERN_FORM =
  'database name patterns, comma-separated: * any run of characters, ? one (e.g. shop,billing or app_*)';

/** Whether the backup covers several databases: `databases` or `exclude-databases` was given. */
export function isMultiDatabase(scope: DumpScope): boolean {
  return (scope.databases?.length ?? 0) > 0 || (scope.excludeDatabases?.length ?? 0) > 0;
}

/**
 * The user databases the scope selects, in name order: those a `databases` pattern matches (all, with none) and no
 * `exclude-databases` one does; admin, local and config never. A `databases` pattern that matches no database is
 * refused (a typo would otherwise leave a database out without a word), as is naming a system database.
 */
export async function selectDatabases(client: MongoClient, scope: DumpScope): Promise<string[]> {
  const include = scope.databases ?? [];
  const exclude = scope.excludeDatabases ?? [];
  const system = include.find((p) => SYSTEM_DATABASES.has(p));
  if (system) {
    throw invalidInput(
      'databases',
      `names ${system}, a database of the server itself, which a backup never covers (as mongodump)`,
      `user databases only; ${PATTERN_FORM}`,
    );
  }
  const listed = await client.db('admin').admin().listDatabases({ nameOnly: true, authorizedDatabases: true });
  const names = listed.databases
    .map((d) => d.name)
    .filter((name) => !SYSTEM_DATABASES.has(name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const found = names.length > 0 ? names.slice(0, 10).join(', ') + (names.length > 10 ? ', …' : '') : 'none';
  for (const pattern of include) {
    const re = globPattern(pattern);
    if (!names.some((n) => re.test(n))) {
      throw invalidInput(
        'databases',
        `has ${pattern}, which matches no database of the server (its user databases: ${found})`,
        PATTERN_FORM,
      );
    }
  }
  const includes = include.map(globPattern);
  const excludes = exclude.map(globPattern);
  const selected = names.filter(
    (n) => (includes.length === 0 || includes.some((p) => p.test(n))) && !excludes.some((p) => p.test(n)),
  );
  if (selected.length === 0) {
    throw invalidInput(
      exclude.length > 0 ? 'exclude-databases' : 'databases',
      `leaves no database to back up (the server's user databases: ${found})`,
      PATTERN_FORM,
    );
  }
  return selected;
}
