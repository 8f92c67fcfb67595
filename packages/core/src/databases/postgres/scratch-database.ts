import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { DbopsError } from '../../errors.js';
import type { BackupManifest } from '../../manifest/manifest.js';
import { createDatabaseStatement, describeLocale, type DatabaseLocale } from './database-locale.js';
import { quoteIdent } from './inventory.js';

/** A unique, recognisable name for a throwaway restore target: dbops_restore_<backup time>_<random>. */
export function scratchDatabaseName(backupId: string): string {
  return `dbops_restore_${backupId.slice(0, 15).toLowerCase()}_${randomBytes(3).toString('hex')}`;
}

/**
 * Creates the scratch database like the source (encoding, LC_COLLATE / LC_CTYPE, ICU or builtin locale) when the
 * manifest records it: with the server's defaults a restore may sort differently or hold bytes its encoding forbids,
 * and still pass every check.
 */
export async function createScratchDatabase(admin: pg.Client, name: string, locale?: DatabaseLocale): Promise<void> {
  try {
    await admin.query(createDatabaseStatement(name, locale));
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = (error as Error).message;
    if (code === '42501') {
      throw new DbopsError('RESTORE_FAILED', `Cannot create the scratch database ${name}: ${reason}`, {
        input: 'target-url',
        hint: 'The target-url role needs CREATEDB (or use a superuser on a throwaway server, e.g. a service container).',
        cause: error,
      });
    }
    if (locale) {
      throw new DbopsError(
        'RESTORE_FAILED',
        `The server of target-url cannot create a database like the source (${describeLocale(locale)}): ${reason}`,
        {
          input: 'target-url',
          hint: localeHint(locale),
          cause: error,
        },
      );
    }
    throw new DbopsError('RESTORE_FAILED', `Cannot create the scratch database ${name}: ${reason}`, {
      input: 'target-url',
      hint: 'Check the target server.',
      cause: error,
    });
  }
}

function localeHint(locale: DatabaseLocale): string {
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
export async function dropEmptyPublicSchema(client: pg.Client, where: string): Promise<void> {
  try {
    await client.query('drop schema if exists public');
  } catch (error) {
    throw new DbopsError(
      'RESTORE_FAILED',
      `The backup creates schema public, but public in ${where} cannot be dropped first: ${(error as Error).message}`,
      {
        input: 'target-url',
        hint: 'Restore into a new, empty database, or pass --clean to empty this one first.',
        cause: error,
      },
    );
  }
}

/**
 * Creates the schemas a tables backup holds objects in but does not create (pg_dump -t dumps no schema; the manifest
 * lists them): pg_restore would fail on the first of its tables. A target may have them already (IF NOT EXISTS).
 */
export async function createSchemasNotInArchive(client: pg.Client, manifest: BackupManifest): Promise<void> {
  for (const schema of manifest.schemasNotInArchive ?? [])
    await client.query(`create schema if not exists ${quoteIdent(schema)}`);
}

export async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  // WITH (FORCE) (PostgreSQL 13+) ends sessions left over by a failed check; older servers take the plain form.
  await admin
    .query(`drop database if exists ${quoteIdent(name)} with (force)`)
    .catch(() => admin.query(`drop database if exists ${quoteIdent(name)}`));
}

/** Objects in user schemas (relations, functions) and large objects: a restore over any needs an explicit --clean. */
export async function countUserObjects(client: pg.Client): Promise<number> {
  const userSchema = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'`;
  const notExtension = (catalog: string, oid: string) =>
    `not exists (select 1 from pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;
  const { rows } = await client.query<{ n: string }>(
    `select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and ${userSchema} and ${notExtension('pg_class', 'c.oid')})
          + (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${userSchema} and ${notExtension('pg_proc', 'p.oid')})
          + (select count(*) from pg_largeobject_metadata) as n`,
  );
  return Number(rows[0]!.n);
}

/**
 * Empties a database for a clean restore: every user schema dropped with its contents (public recreated empty),
 * publications dropped, large objects unlinked. pg_restore --clean cannot do this reliably: it fails on partitioned
 * tables' inherited constraints ("cannot drop inherited constraint") and leaves objects the archive does not know
 * about. Publications belong to the database, not to a schema: left, the archive's CREATE PUBLICATION fails.
 */
export async function clearDatabase(client: pg.Client): Promise<void> {
  await refuseSubscriptions(client);
  const { rows } = await client.query<{ nspname: string }>(
    `select nspname from pg_namespace
      where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg_toast%' and nspname not like 'pg_temp%'`,
  );
  const publications = await client.query<{ pubname: string }>('select pubname from pg_publication');
  await client.query('begin');
  try {
    for (const { pubname } of publications.rows) await client.query(`drop publication ${quoteIdent(pubname)}`);
    for (const { nspname } of rows) await client.query(`drop schema ${quoteIdent(nspname)} cascade`);
    await client.query('create schema public');
    // PostgreSQL 15+ gives public to pg_database_owner; older servers grant it to everyone.
    await client.query(`do $$ begin
      if current_setting('server_version_num')::int >= 150000 then alter schema public owner to pg_database_owner;
      else grant all on schema public to public; end if; end $$`);
    await client.query('select lo_unlink(oid) from pg_largeobject_metadata');
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * A subscription is not dropped for a clean restore: DROP SUBSCRIPTION drops its replication slot on the publisher
 * (a remote server, outside the transaction that empties the database), and dropping it without (slot_name = NONE)
 * leaves that slot holding the publisher's WAL forever. The user decides; the target is still untouched.
 */
async function refuseSubscriptions(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ subname: string }>(
    `select subname from pg_subscription
      where subdbid = (select oid from pg_database where datname = current_database()) order by subname`,
  );
  if (rows.length === 0) return;
  throw new DbopsError(
    'UNSAFE_TARGET',
    `The target database has subscriptions (${rows.map((r) => r.subname).join(', ')}), which a clean restore does not drop; nothing was changed`,
    {
      input: 'target-url',
      hint: `Drop them first (DROP SUBSCRIPTION ${quoteIdent(rows[0]!.subname)} also drops its replication slot on the publisher), or restore into another database.`,
    },
  );
}
