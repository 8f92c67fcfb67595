import type pg from 'pg';
import { quoteIdent } from './inventory.js';

/**
 * A database's encoding and locale, which CREATE DATABASE fixes and pg_dump does not carry: a restore into a
 * database with other settings sorts differently (collations), or holds bytes its encoding does not allow.
 */
export interface DatabaseLocale {
  /** e.g. UTF8, SQL_ASCII, LATIN1. */
  encoding: string;
  /** LC_COLLATE and LC_CTYPE (the libc locale; with ICU, still the one the operating system uses for some functions). */
  collate: string;
  ctype: string;
  provider: 'libc' | 'icu' | 'builtin';
  /** The ICU locale (icu) or builtin locale (builtin), e.g. de-DE, C.UTF-8. */
  locale?: string;
  /** ICU tailoring rules (PostgreSQL 16+). */
  icuRules?: string;
}

const PROVIDERS: Record<string, DatabaseLocale['provider']> = { c: 'libc', i: 'icu', b: 'builtin' };

/** Reads the current database's encoding and locale; pg_database's columns differ by major, so the row is read whole. */
export async function readDatabaseLocale(client: pg.Client): Promise<DatabaseLocale> {
  const { rows } = await client.query<{ encoding: string; row: Record<string, string | null> }>(
    'select pg_encoding_to_char(d.encoding) as encoding, to_jsonb(d) as row from pg_database d where d.datname = current_database()',
  );
  const { encoding, row } = rows[0]!;
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
export function createDatabaseStatement(name: string, locale?: DatabaseLocale): string {
  const clauses = [`create database ${quoteIdent(name)} template template0`];
  if (locale) {
    clauses.push(
      `encoding ${literal(locale.encoding)} lc_collate ${literal(locale.collate)} lc_ctype ${literal(locale.ctype)}`,
    );
    // Only when it is not libc, so a libc database can still be created on servers older than 15.
    if (locale.provider === 'icu') clauses.push(`locale_provider icu icu_locale ${literal(locale.locale ?? '')}`);
    if (locale.provider === 'builtin')
      clauses.push(`locale_provider builtin builtin_locale ${literal(locale.locale ?? '')}`);
    if (locale.icuRules) clauses.push(`icu_rules ${literal(locale.icuRules)}`);
  }
  return clauses.join(' ');
}

/** "encoding SQL_ASCII, LC_COLLATE C, LC_CTYPE C, ICU locale de-DE": how a locale is named to people. */
export function describeLocale(locale: DatabaseLocale): string {
  const provider =
    locale.provider === 'icu'
      ? `, ICU locale ${locale.locale}`
      : locale.provider === 'builtin'
        ? `, builtin locale ${locale.locale}`
        : '';
  return `encoding ${locale.encoding}, LC_COLLATE ${locale.collate}, LC_CTYPE ${locale.ctype}${provider}${locale.icuRules ? ', ICU rules' : ''}`;
}

/** The differences between two locales that change what a database may hold or how it sorts. */
export function localeDifferences(expected: DatabaseLocale, actual: DatabaseLocale): string[] {
  const differences: string[] = [];
  if (expected.encoding !== actual.encoding) differences.push(`encoding ${actual.encoding}, not ${expected.encoding}`);
  if (expected.collate !== actual.collate) differences.push(`LC_COLLATE ${actual.collate}, not ${expected.collate}`);
  if (expected.ctype !== actual.ctype) differences.push(`LC_CTYPE ${actual.ctype}, not ${expected.ctype}`);
  if (expected.provider !== actual.provider || (expected.locale ?? '') !== (actual.locale ?? '')) {
    differences.push(
      `locale provider ${actual.provider}${actual.locale ? ` ${actual.locale}` : ''}, not ${expected.provider}${expected.locale ? ` ${expected.locale}` : ''}`,
    );
  }
  return differences;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
