import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { ArchiveToc } from './archive-toc.js';
import { CatalogRows } from './catalog-rows.js';
import { forEachRow } from './for-each-row.js';

/**
 * A schema fingerprint: one SHA-256 per kind of object, over a canonical, ordered description that leaves out
 * everything a faithful restore may change (OIDs, owners' OIDs, storage positions). Equal fingerprints before
 * backup and after restore mean the same tables, columns, types, indexes, constraints, functions and extensions.
 */
export type FingerprintPart =
  | 'tables'
  | 'columns'
  | 'indexes'
  | 'constraints'
  | 'functions'
  | 'triggers'
  | 'types'
  | 'sequences'
  | 'views'
  | 'policies'
  | 'extensions';

export interface SchemaFingerprint {
  /** sha256 over all parts. */
  digest: string;
  parts: Record<FingerprintPart, string>;
}

const USER_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp_%' and n.nspname not like 'pg_toast_temp_%'`;
const NOT_EXTENSION_MEMBER = (oid: string, catalog: string) =>
  `not exists (select 1 from pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;
/** The archive entry that carries a row: "<catalog oid>:<object oid>", as pg_restore --list shows it. */
const KEY = (catalog: string, oid: string) => `'${catalog}'::regclass::oid || ':' || ${oid}`;
const RELATION = (oid: string) => KEY('pg_class', oid);

/**
 * One query per part. Its first column is the key of the archive entry that brings the row's object into a restored
 * database (a table's columns, indexes, constraints, triggers and policies come with the table); the other columns
 * are the description that is hashed. `comment` is the index of a column holding a comment, if any.
 */
const QUERIES: Record<FingerprintPart, { sql: string; comment?: number }> = {
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
 * Every object the fingerprint covers, with the archive entry that carries it (its catalog's and its own OID), its
 * schema (a number into `schemas`) and the description that is hashed: read once, fingerprinted later.
 */
export interface SchemaCatalog {
  rows: Record<FingerprintPart, CatalogRows>;
  schemas: string[];
}

/**
 * Reads the catalog a row at a time, each row reduced as it arrives to its key, schema and description (its values
 * as JSON, and again without its comment when it has one), kept off V8's heap (catalog-rows.ts): at 10,000 tables
 * the rows as node-postgres parses them (70,000 arrays of values) were most of a backup's heap, and their growth
 * made V8 grow its young generation to the maximum (bench/README.md, memory at many tables).
 */
export async function readSchemaCatalog(client: pg.Client): Promise<SchemaCatalog> {
  const rows = {} as SchemaCatalog['rows'];
  const schemas: string[] = [];
  const schemaNumbers = new Map<string, number>();
  for (const [part, { sql, comment }] of Object.entries(QUERIES) as Array<
    [FingerprintPart, (typeof QUERIES)[FingerprintPart]]
  >) {
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
      const uncommented =
        comment === undefined || values[comment] === ''
          ? line
          : JSON.stringify(values.map((v, i) => (i === comment ? '' : v)));
      list.add(Number(text.slice(0, colon)), Number(text.slice(colon + 1)), schema, line, uncommented);
    });
  }
  return { rows, schemas };
}

/** The fingerprint of a whole database: what a restored database is compared by. */
export async function schemaFingerprint(client: pg.Client): Promise<SchemaFingerprint> {
  return catalogFingerprint(await readSchemaCatalog(client));
}

/** The fingerprint of every object of a catalog read earlier: schemaFingerprint without a second read. */
export function catalogFingerprint(catalog: SchemaCatalog): SchemaFingerprint {
  return fingerprintOf(catalog, () => true);
}

/**
 * The fingerprint of what an archive holds, so that a restore of it compares like with like whatever selected the
 * objects (schemas, tables, exclude-* inputs, pg_dump flags): the rows whose object has an entry in the archive's
 * table of contents, and objects every new database has (built in, OIDs below 16384, such as plpgsql). An archive
 * made without comments (--no-comments) restores none, so its fingerprint has none either.
 */
export function archiveFingerprint(catalog: SchemaCatalog, toc: ArchiveToc): SchemaFingerprint {
  const archived = archivedKeys(toc);
  const withComments = (toc.byType.COMMENT ?? 0) > 0;
  return fingerprintOf(
    catalog,
    (catalogOid, oid) => archived.has(archiveKey(catalogOid, oid)) || oid < FIRST_NORMAL_OBJECT_ID,
    withComments,
  );
}

/**
 * Schemas that hold objects of the archive but that the archive does not create (pg_dump -t dumps no schema), other
 * than public, which every new database has: a restore into a new database creates them first.
 */
export function schemasNotInArchive(catalog: SchemaCatalog, toc: ArchiveToc): string[] {
  const archived = archivedKeys(toc);
  // A SCHEMA entry reads "- <name> <owner>".
  const created = toc.entries.filter((e) => e.type === 'SCHEMA').map((e) => `${e.rest} `);
  const used = new Set<string>();
  for (const part of ['tables', 'views', 'sequences', 'functions', 'types'] as const) {
    const rows = catalog.rows[part];
    for (let row = 0; row < rows.length; row++)
      if (archived.has(archiveKey(rows.catalog(row), rows.oid(row)))) used.add(catalog.schemas[rows.schema(row)]!);
  }
  return [...used]
    .filter((schema) => schema !== 'public' && !created.some((rest) => rest.startsWith(`- ${schema} `)))
    .sort();
}

function archivedKeys(toc: ArchiveToc): Set<number> {
  return new Set(toc.entries.filter((e) => e.catalog !== 0).map((e) => archiveKey(e.catalog, e.oid)));
}

/** An archive entry's catalog and object OIDs as one number (catalog OIDs are below 2^21: exact). */
function archiveKey(catalogOid: number, oid: number): number {
  return catalogOid * 2 ** 32 + oid;
}

/** PostgreSQL's FirstNormalObjectId: objects below it come with every database (initdb's), not from an archive. */
const FIRST_NORMAL_OBJECT_ID = 16384;

function fingerprintOf(
  catalog: SchemaCatalog,
  included: (catalogOid: number, oid: number) => boolean,
  withComments = true,
): SchemaFingerprint {
  const parts = {} as Record<FingerprintPart, string>;
  for (const part of Object.keys(QUERIES) as FingerprintPart[]) {
    const rows = catalog.rows[part];
    const chosen: number[] = [];
    for (let row = 0; row < rows.length; row++) if (included(rows.catalog(row), rows.oid(row))) chosen.push(row);
    // The lines sorted here rather than in SQL (collation-dependent ORDER BY could differ between two servers),
    // joined by newlines, hashed.
    const hash = createHash('sha256');
    rows.hashSorted(chosen, withComments, hash);
    parts[part] = hash.digest('hex');
  }
  const digest = sha256(
    Object.entries(parts)
      .map(([k, v]) => `${k}:${v}`)
      .join('\n'),
  );
  return { digest, parts };
}

/** The parts that differ between two fingerprints. */
export function fingerprintDifferences(a: SchemaFingerprint, b: SchemaFingerprint): FingerprintPart[] {
  return (Object.keys(a.parts) as FingerprintPart[]).filter((part) => a.parts[part] !== b.parts[part]);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
