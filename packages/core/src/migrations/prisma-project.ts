/**
 * Where a Prisma project keeps its migrations, found the way the Prisma CLI finds them, but by reading files instead
 * of running them: prisma.config.ts (`migrations.path`, else next to its `schema`), package.json's `prisma.schema`,
 * then the default schema locations. The migrations folder sits next to the schema (inside it for a schema folder).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isDirectory, isFile } from './folder.js';

const CONFIG_FILES = [
  'prisma.config.ts',
  'prisma.config.mts',
  'prisma.config.cts',
  'prisma.config.js',
  'prisma.config.mjs',
  'prisma.config.cjs',
  join('.config', 'prisma.ts'),
];
const DEFAULT_SCHEMAS = [join('prisma', 'schema.prisma'), join('prisma', 'schema'), 'schema.prisma'];

export interface PrismaProject {
  /** Absolute path of the migrations folder (it may not exist: then there is no migration yet). */
  migrations: string;
  /** The file the location was read from, to name in messages. */
  foundFrom: string;
}

/** The project's migrations folder, or undefined when `dir` shows no sign of a Prisma project. */
export async function findPrismaProject(dir: string): Promise<PrismaProject | undefined> {
  for (const name of CONFIG_FILES) {
    const file = join(dir, name);
    if (await isFile(file)) {
      const found = fromConfig(await readFile(file, 'utf8'));
      // A config file resolves its paths against the project (where the CLI runs), not its own folder.
      if (found.migrations) return { migrations: resolve(dir, found.migrations), foundFrom: file };
      if (found.schema) return { migrations: await besideSchema(resolve(dir, found.schema)), foundFrom: file };
    }
  }
  const packageFile = join(dir, 'package.json');
  if (await isFile(packageFile)) {
    const schema = (JSON.parse(await readFile(packageFile, 'utf8')) as { prisma?: { schema?: unknown } }).prisma
      ?.schema;
    if (typeof schema === 'string')
      return { migrations: await besideSchema(resolve(dir, schema)), foundFrom: packageFile };
  }
  for (const name of DEFAULT_SCHEMAS) {
    const schema = join(dir, name);
    if ((await isFile(schema)) || (await isDirectory(schema)))
      return { migrations: await besideSchema(schema), foundFrom: schema };
  }
  return undefined;
}

/**
 * The literal `migrations: { path: '...' }` and `schema: '...'` of a config file. A path computed at run time cannot
 * be read without running the file; then the defaults apply and an explicit migrations path is the way out.
 */
export function fromConfig(text: string): { migrations?: string; schema?: string } {
  const code = text.replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$/gm, '$1');
  const migrations = /\bmigrations\s*:\s*\{[^}]*?\bpath\s*:\s*(['"`])([^'"`$]+)\1/.exec(code)?.[2];
  const schema = /\bschema\s*:\s*(['"`])([^'"`$]+)\1/.exec(code)?.[2];
  return { ...(migrations ? { migrations } : {}), ...(schema ? { schema } : {}) };
}

async function besideSchema(schema: string): Promise<string> {
  return (await isDirectory(schema)) ? join(schema, 'migrations') : join(dirname(schema), 'migrations');
}
