/**
 * Which migration tool a project uses and where its folder is: said explicitly (`tool`, `path`), or recognised from
 * the project (a Prisma project, a node-pg-migrate dependency) or from the folder's own layout.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DbopsError } from '../errors.js';
import { folderEntries, isDirectory, isFile, noMigrationsFolder } from './folder.js';
import { isNodePgMigrateFile, NodePgMigrateSource } from './node-pg-migrate-source.js';
import { findPrismaProject } from './prisma-project.js';
import { PRISMA_LOCK_FILE, PrismaSource } from './prisma-source.js';
import type { MigrationSource, MigrationTool } from './source.js';
import { SqlFolderSource } from './sql-folder-source.js';

// node-pg-migrate's SQL migrations mark their sections; plain SQL files have no reason to.
const UP_MARKER = /^\s*--\s*up migration\b/im;

export interface FindSourceOptions {
  /** The project's root (where package.json is). */
  projectDir: string;
  /** The migrations folder, relative to projectDir; found from the project when absent. */
  path?: string;
  /** The tool; recognised from the project or the folder when absent. */
  tool?: MigrationTool;
  /** The schema holding the tool's table (Prisma: the URL's `schema` parameter). */
  schema?: string;
  /** The connection URL's `schema` parameter: where Prisma keeps `_prisma_migrations`; no other tool reads it. */
  prismaSchema?: string;
}

export async function findMigrationSource(options: FindSourceOptions): Promise<MigrationSource> {
  const projectDir = resolve(options.projectDir);
  if (options.path !== undefined) {
    const folder = resolve(projectDir, options.path);
    if (!(await isDirectory(folder))) throw noMigrationsFolder(folder);
    const tool = options.tool ?? (await recogniseLayout(folder));
    return sourceFor(tool, folder, tool === 'prisma' ? (options.schema ?? options.prismaSchema) : options.schema);
  }
  if (options.tool === undefined || options.tool === 'prisma') {
    const prisma = await findPrismaProject(projectDir);
    if (prisma) {
      if (!(await isDirectory(prisma.migrations))) throw noMigrationsFolder(prisma.migrations, prisma.foundFrom);
      return new PrismaSource(prisma.migrations, options.schema ?? options.prismaSchema);
    }
  }
  if (
    options.tool === 'node-pg-migrate' ||
    (options.tool === undefined && (await dependsOnNodePgMigrate(projectDir)))
  ) {
    const folder = join(projectDir, 'migrations'); // node-pg-migrate's default --migrations-dir
    if (!(await isDirectory(folder))) throw noMigrationsFolder(folder);
    return new NodePgMigrateSource(folder, { ...(options.schema ? { schema: options.schema } : {}) });
  }
  throw new DbopsError('INVALID_INPUT', `No migrations found in ${projectDir}`, {
    hint:
      'dbops looks for a Prisma project (prisma.config.ts, package.json "prisma.schema", prisma/schema.prisma) ' +
      "and node-pg-migrate's migrations/ folder; give the migrations folder explicitly otherwise.",
  });
}

function sourceFor(tool: MigrationTool, folder: string, schema: string | undefined): MigrationSource {
  switch (tool) {
    case 'prisma':
      return new PrismaSource(folder, schema);
    case 'node-pg-migrate':
      return new NodePgMigrateSource(folder, { ...(schema ? { schema } : {}) });
    case 'sql':
      return new SqlFolderSource(folder);
  }
}

/** The tool whose layout a folder has: Prisma's migration.sql folders, node-pg-migrate's numbered files, or SQL. */
export async function recogniseLayout(folder: string): Promise<MigrationTool> {
  const entries = await folderEntries(folder);
  if (entries.some((e) => e.isFile() && e.name === PRISMA_LOCK_FILE)) return 'prisma';
  for (const entry of entries) {
    if (entry.isDirectory() && (await isFile(join(folder, entry.name, 'migration.sql')))) return 'prisma';
  }
  const files = entries.filter((e) => e.isFile()).map((e) => e.name);
  if (files.some((name) => isNodePgMigrateFile(name) && !name.endsWith('.sql'))) return 'node-pg-migrate';
  for (const name of files.filter(isNodePgMigrateFile)) {
    if (UP_MARKER.test(await readFile(join(folder, name), 'utf8'))) return 'node-pg-migrate';
  }
  if (files.some((name) => name.endsWith('.sql'))) return 'sql';
  throw new DbopsError('INVALID_INPUT', `${folder} has no layout dbops knows`, {
    hint:
      "Expected Prisma's <name>/migration.sql folders, node-pg-migrate's <number>_<name>.js|ts|sql files, " +
      'or .sql files; name the tool explicitly if it is one of these.',
  });
}

async function dependsOnNodePgMigrate(projectDir: string): Promise<boolean> {
  const packageFile = join(projectDir, 'package.json');
  if (!(await isFile(packageFile))) return false;
  const manifest = JSON.parse(await readFile(packageFile, 'utf8')) as Record<
    string,
    Record<string, string> | undefined
  >;
  return ['dependencies', 'devDependencies'].some((field) => manifest[field]?.['node-pg-migrate'] !== undefined);
}
