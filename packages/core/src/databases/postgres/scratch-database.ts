import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { DbopsError } from '../../errors.js';
import { quoteIdent } from './inventory.js';

/** A unique, recognisable name for a throwaway restore target: dbops_restore_<backup time>_<random>. */
export function scratchDatabaseName(backupId: string): string {
  return `dbops_restore_${backupId.slice(0, 15).toLowerCase()}_${randomBytes(3).toString('hex')}`;
}

export async function createScratchDatabase(admin: pg.Client, name: string): Promise<void> {
  try {
    await admin.query(`create database ${quoteIdent(name)} template template0`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new DbopsError('RESTORE_FAILED', `Cannot create the scratch database ${name}: ${(error as Error).message}`, {
      input: 'target-url',
      hint: code === '42501' ? 'The target-url role needs CREATEDB (or use a superuser on a throwaway server, e.g. a service container).' : 'Check the target server.',
      cause: error,
    });
  }
}

export async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  // WITH (FORCE) (PostgreSQL 13+) ends sessions left over by a failed check; older servers take the plain form.
  await admin.query(`drop database if exists ${quoteIdent(name)} with (force)`).catch(() => admin.query(`drop database if exists ${quoteIdent(name)}`));
}

/** Tables in user schemas: a restore over a database that has any needs an explicit --clean. */
export async function countUserTables(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
        and n.nspname not like 'pg_temp%'`,
  );
  return Number(rows[0]!.n);
}
