import { createHash } from 'node:crypto';
import type pg from 'pg';

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

const QUERIES: Record<FingerprintPart, string> = {
  tables: `select n.nspname, c.relname, c.relkind, c.relpersistence, c.relrowsecurity, coalesce(pg_get_partkeydef(c.oid), ''),
             coalesce(pg_get_expr(c.relpartbound, c.oid), ''), coalesce(obj_description(c.oid, 'pg_class'), '')
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where c.relkind in ('r', 'p', 'f') and ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  columns: `select n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated,
              coalesce(pg_get_expr(ad.adbin, ad.adrelid), ''), a.attidentity, coalesce(col_description(c.oid, a.attnum), '')
            from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
            where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'f', 'v', 'm') and ${USER_SCHEMAS}
              and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  indexes: `select n.nspname, c.relname, pg_get_indexdef(i.indexrelid)
            from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
            where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('i.indrelid', 'pg_class')}`,
  constraints: `select n.nspname, c.relname, co.conname, co.contype, pg_get_constraintdef(co.oid)
                from pg_constraint co join pg_class c on c.oid = co.conrelid join pg_namespace n on n.oid = c.relnamespace
                where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  functions: `select n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid),
                md5(coalesce(p.prosrc, '')), p.prokind, p.provolatile
              from pg_proc p join pg_namespace n on n.oid = p.pronamespace
              where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('p.oid', 'pg_proc')}`,
  triggers: `select n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled
             from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
             where not t.tgisinternal and ${USER_SCHEMAS}`,
  types: `select n.nspname, t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
            coalesce((select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), ''),
            coalesce((select string_agg(pg_get_constraintdef(co.oid), ',' order by co.conname) from pg_constraint co where co.contypid = t.oid), '')
          from pg_type t join pg_namespace n on n.oid = t.typnamespace
          where t.typtype in ('e', 'd', 'c', 'r') and ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('t.oid', 'pg_type')}
            and (t.typtype <> 'c' or exists (select 1 from pg_class c where c.oid = t.typrelid and c.relkind = 'c'))`,
  sequences: `select n.nspname, c.relname, format_type(s.seqtypid, null), s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcycle
              from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
              where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  views: `select n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid)
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('v', 'm') and ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  policies: `select schemaname, tablename, policyname, permissive, roles::text, cmd, coalesce(qual, ''), coalesce(with_check, '')
             from pg_policies`,
  extensions: `select e.extname from pg_extension e`,
};

export async function schemaFingerprint(client: pg.Client): Promise<SchemaFingerprint> {
  const parts = {} as Record<FingerprintPart, string>;
  for (const [part, sql] of Object.entries(QUERIES) as Array<[FingerprintPart, string]>) {
    const { rows } = await client.query({ text: sql, rowMode: 'array' });
    // Rows are sorted here rather than in SQL: collation-dependent ORDER BY could differ between two servers.
    const lines = (rows as unknown[][]).map((row) => JSON.stringify(row)).sort();
    parts[part] = sha256(lines.join('\n'));
  }
  const digest = sha256(Object.entries(parts).map(([k, v]) => `${k}:${v}`).join('\n'));
  return { digest, parts };
}

/** The parts that differ between two fingerprints. */
export function fingerprintDifferences(a: SchemaFingerprint, b: SchemaFingerprint): FingerprintPart[] {
  return (Object.keys(a.parts) as FingerprintPart[]).filter((part) => a.parts[part] !== b.parts[part]);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
