import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { ArchiveToc } from './archive-toc.js';
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
 * One object the fingerprint covers: the key of the archive entry that carries it, its schema, and the description
 * that is hashed (`line`, its values as JSON; `uncommented`, the same without its comment, as an archive made with
 * --no-comments restores it).
 */
export interface CatalogRow {
  key: string;
  schema: string;
  line: string;
  uncommented: string;
}

/** Every object the fingerprint covers, with the archive entry that carries it: read once, fingerprinted later. */
export interface SchemaCatalog {
  rows: Record<FingerprintPart, CatalogRow[]>;
}

/**
 * Reads the catalog a row at a time, each row reduced to its key and description as it arrives: at 10,000 tables
 * the rows as node-postgres parses them (70,000 arrays of values) were most of a backup's heap, and their growth
 * made V8 grow its young generation to the maximum (bench/README.md, many tables: memory).
 */
export async function readSchemaCatalog(client: pg.Client): Promise<SchemaCatalog> {
  const rows = {} as SchemaCatalog['rows'];
  const schemas = new Map<string, string>(); // one copy of each schema name, not one per row
  for (const [part, { sql, comment }] of Object.entries(QUERIES) as Array<
    [FingerprintPart, (typeof QUERIES)[FingerprintPart]]
  >) {
    const list: CatalogRow[] = [];
    rows[part] = list;
    await forEachRow(client, sql, ([key, ...values]) => {
      const name = String(values[0]);
      const known = schemas.get(name);
      if (known === undefined) schemas.set(name, name);
      const schema = known ?? name;
      const line = JSON.stringify(values);
      const uncommented =
        comment === undefined || values[comment] === ''
          ? line
          : JSON.stringify(values.map((v, i) => (i === comment ? '' : v)));
      list.push({ key: String(key), schema, line, uncommented });
    });
  }
  return { rows };
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
    (key) => archived.has(key) || Number(key.split(':')[1]) < FIRST_NORMAL_OBJECT_ID,
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
    for (const row of catalog.rows[part]) if (archived.has(row.key)) used.add(row.schema);
  }
  return [...used]
    .filter((schema) => schema !== 'public' && !created.some((rest) => rest.startsWith(`- ${schema} `)))
    .sort();
}

function archivedKeys(toc: ArchiveToc): Set<string> {
  return new Set(toc.entries.filter((e) => e.catalog !== 0).map((e) => `${e.catalog}:${e.oid}`));
}

/** PostgreSQL's FirstNormalObjectId: objects below it come with every database (initdb's), not from an archive. */
const FIRST_NORMAL_OBJECT_ID = 16384;

function fingerprintOf(
  catalog: SchemaCatalog,
  included: (key: string) => boolean,
  withComments = true,
): SchemaFingerprint {
  const parts = {} as Record<FingerprintPart, string>;
  for (const part of Object.keys(QUERIES) as FingerprintPart[]) {
    const lines = catalog.rows[part]
      .filter((row) => included(row.key))
      .map((row) => (withComments ? row.line : row.uncommented))
      // Sorted here rather than in SQL: collation-dependent ORDER BY could differ between two servers.
      .sort();
    // The lines joined by newlines, hashed without building that string (megabytes at 10,000 tables).
    const hash = createHash('sha256');
    lines.forEach((line, i) => {
      hash.update(i === 0 ? line : `\n${line}`);
    });
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
