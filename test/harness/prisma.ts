/**
 * Test harness: a Prisma project whose `prisma migrate deploy | status | resolve` run Prisma's real migration engine,
 * offline. Prisma 7 downloads its native schema engine at run time, which these machines cannot; Prisma 6.19.3
 * (installed as `prisma6`) runs the same engine compiled to WebAssembly over @prisma/adapter-pg, writing real
 * `_prisma_migrations` rows. See ../../../shared/prisma-offline.md (the why and the two adapter fixes below).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PostgresServer } from './postgres.js';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Prisma 6.19.3's CLI (its wasm migration engine): the command the tests run as a project's `prisma`. */
export const PRISMA_CLI = join(ROOT, 'node_modules', 'prisma6', 'build', 'index.js');
/** `prisma migrate deploy` as a migrate-deploy `command`. */
export const PRISMA_DEPLOY = `"${process.execPath}" "${PRISMA_CLI}" migrate deploy`;
/** Keeps Prisma from phoning home or printing update notices. */
export const PRISMA_QUIET = { CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
export const PRISMA_FIXTURES = join(ROOT, 'test', 'fixtures', 'migrations', 'prisma');

export interface PrismaRun {
  code: number;
  output: string;
}

export interface PrismaProject {
  /** The project's root (schema.prisma, prisma.config.ts). */
  dir: string;
  /** Its migrations folder. */
  migrations: string;
  /** Copies migration folders from the fixtures into the project. */
  add(...names: string[]): Promise<void>;
  deploy(): Promise<PrismaRun>;
  status(): Promise<PrismaRun>;
  resolve(mark: 'applied' | 'rolled-back', name: string): Promise<PrismaRun>;
  remove(): Promise<void>;
}

/** A project in a temp dir with the fixtures' migration_lock.toml and the named fixture migrations. */
export async function prismaProject(databaseUrl: string, migrationNames: string[] = []): Promise<PrismaProject> {
  const dir = await mkdtemp(join(tmpdir(), 'dbops-prisma-'));
  const migrations = join(dir, 'migrations');
  await mkdir(migrations);
  await cp(join(PRISMA_FIXTURES, 'migration_lock.toml'), join(migrations, 'migration_lock.toml'));
  await writeFile(join(dir, 'schema.prisma'), SCHEMA);
  await writeFile(join(dir, 'prisma.config.ts'), config());

  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<PrismaRun>((resolve) => {
      execFile(
        process.execPath,
        [PRISMA_CLI, ...args],
        {
          cwd: dir,
          env: {
            ...process.env,
            DATABASE_URL: databaseUrl,
            CHECKPOINT_DISABLE: '1',
            PRISMA_HIDE_UPDATE_MESSAGE: '1',
            ...env,
          },
          timeout: 120_000,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, output: `${stdout}${stderr}` });
        },
      );
    });

  const add = async (...names: string[]) => {
    for (const name of names) await cp(join(PRISMA_FIXTURES, name), join(migrations, name), { recursive: true });
  };
  await add(...migrationNames);

  return {
    dir,
    migrations,
    add,
    deploy: () => run(['migrate', 'deploy']),
    status: () => run(['migrate', 'status']),
    // 6.19.3 runs a native connection check before `resolve`; /bin/true stands in for it (the wasm engine does
    // the real work).
    resolve: (mark, name) =>
      run(['migrate', 'resolve', `--${mark}`, name], { PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true' }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

// Prisma 6 wants `url` in the datasource (the adapter's connection is used); engineType "client" keeps the CLI from
// downloading a query engine. No models: migrations are the fixtures' SQL.
const SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider   = "prisma-client"
  output     = "./unused-client"
  engineType = "client"
}
`;

/**
 * prisma.config.ts with the stock adapter, changed in two ways: executeScript sends migration.sql whole, as the
 * native engine does (the stock one splits it on every `;`, breaking strings and $$ bodies, and is not atomic), and
 * columns of type `name` (OID 19) are read as text (adapter-pg 6.19 cannot decode them, prisma/orm#27403).
 */
function config(): string {
  const configModule = require.resolve('prisma6/config');
  const adapterModule = join(dirname(require.resolve('@prisma/adapter-pg')), 'index.mjs');
  return `import { defineConfig } from ${JSON.stringify(configModule)};
import { PrismaPg } from ${JSON.stringify(adapterModule)};

function readNameAsText(queryable: any) {
  const performIO = queryable.performIO.bind(queryable);
  queryable.performIO = async (query: any) => {
    const result = await performIO(query);
    for (const field of result?.fields ?? []) if (field.dataTypeID === 19) field.dataTypeID = 25;
    return result;
  };
  return queryable;
}

function patched(adapter: any) {
  readNameAsText(adapter);
  adapter.executeScript = async (script: string) => {
    try {
      await adapter.client.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel: any) => readNameAsText(await startTransaction(isolationLevel));
  return adapter;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  adapter: async () => {
    // The native engine migrates the URL's ?schema= (search_path and _prisma_migrations there); the adapter must be
    // told both.
    const schema = new URL(process.env.DATABASE_URL!).searchParams.get('schema');
    const factory: any = schema
      ? new PrismaPg(
          { connectionString: process.env.DATABASE_URL, options: \`-c search_path="\${schema}"\` },
          { schema },
        )
      : new PrismaPg({ connectionString: process.env.DATABASE_URL });
    const connect = factory.connect.bind(factory);
    const connectToShadowDb = factory.connectToShadowDb.bind(factory);
    factory.connect = async () => patched(await connect());
    factory.connectToShadowDb = async () => patched(await connectToShadowDb());
    return factory;
  },
});
`;
}

/**
 * Fresh databases on one test server, each with a Prisma project of the named fixture migrations (the setup the
 * migrate-deploy tests share). remove() deletes the projects; the server's owner stops the server.
 */
export function prismaDatabases(server: PostgresServer, prefix: string) {
  const projects: PrismaProject[] = [];
  let count = 0;
  return {
    async setup(...migrations: string[]): Promise<{ url: string; project: PrismaProject; db: string }> {
      const db = `${prefix}${++count}`;
      await server.createDatabase(db);
      const project = await prismaProject(server.url(db), migrations);
      projects.push(project);
      return { url: server.url(db), project, db };
    },
    async tableExists(db: string, name: string): Promise<boolean> {
      const rows = await server.query<{ found: string | null }>(
        `select to_regclass('public.${name}')::text as found`,
        [],
        db,
      );
      return rows[0]!.found !== null;
    },
    async remove(): Promise<void> {
      for (const p of projects) await p.remove();
    },
  };
}
