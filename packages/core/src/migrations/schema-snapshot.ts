/**
 * The schema of a live database at one moment, read once before and once after a migration run: every object the
 * backup's fingerprint covers (databases/postgres/fingerprint.ts: tables, columns, indexes, constraints, functions,
 * triggers, types, sequences, views, policies, extensions), each as its name, its definition where it has one, and a
 * hash of its whole description computed by the server. The hashes say whether anything changed (the snapshot's
 * digest) and what (schema-diff.ts) without shipping and re-encoding every description: at 5,000 tables the full
 * descriptions cost more in this process (decoding, JSON, GC) than reading them costs the server.
 *
 * The digest compares two snapshots of this module only; it is not the backup manifest's fingerprint.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { FingerprintPart } from '../manifest/manifest.js';

/** The same kinds of object as the backup manifest's fingerprint. */
export type SchemaPart = FingerprintPart;

export interface SnapshotRow {
  /** The archive entry that carries the object, "<catalog oid>:<object oid>": a table's children share its key. */
  key: string;
  /** Qualified: schema.table, schema.table.column, schema.index, schema.table.constraint, schema.function(args). */
  name: string;
  /** A column's type, an index's, constraint's, trigger's or view's definition; absent for other kinds. */
  definition?: string;
  /** md5 of the object's whole description (its OIDs left out): equal hashes, same object. */
  hash: string;
}

export type SnapshotCatalog = Record<SchemaPart, SnapshotRow[]>;

export interface SchemaSnapshot {
  /** sha256 over every object's hash, part by part: equal digests, the same schema. */
  fingerprint: { digest: string; parts: Record<SchemaPart, string> };
  catalog: SnapshotCatalog;
  takenAt: Date;
}

const USER_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp_%' and n.nspname not like 'pg_toast_temp_%'`;
const NOT_EXTENSION_MEMBER = (oid: string, catalog: string) =>
  `not exists (select 1 from pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;
const KEY = (catalog: string, oid: string) => `'${catalog}'::regclass::oid || ':' || ${oid}`;
const RELATION = (oid: string) => KEY('pg_class', oid);
/** A comment joined rather than read with obj_description/col_description: those run a query per row. */
const COMMENT = (alias: string, oid: string, sub: string) =>
  `left join pg_description ${alias} on ${alias}.objoid = ${oid} and ${alias}.classoid = 'pg_class'::regclass and ${alias}.objsubid = ${sub}`;

/**
 * Per part: the archive key, the described values (what the backup's fingerprint describes), how many leading values
 * name the object, which value is its definition, and the rest of the query.
 */
interface PartQuery {
  key: string;
  values: string[];
  identity: number;
  definition?: number;
  from: string;
}

const PARTS: Record<SchemaPart, PartQuery> = {
  tables: {
    key: RELATION('c.oid'),
    values: [
      'n.nspname',
      'c.relname',
      'c.relkind',
      'c.relpersistence',
      'c.relrowsecurity',
      `coalesce(pg_get_partkeydef(c.oid), '')`,
      `coalesce(pg_get_expr(c.relpartbound, c.oid), '')`,
      `coalesce(ds.description, '')`,
    ],
    identity: 2,
    from: `from pg_class c join pg_namespace n on n.oid = c.relnamespace ${COMMENT('ds', 'c.oid', '0')}
          where c.relkind in ('r', 'p', 'f') and ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  },
  columns: {
    key: RELATION('c.oid'),
    values: [
      'n.nspname',
      'c.relname',
      'a.attname',
      'format_type(a.atttypid, a.atttypmod)',
      'a.attnotnull',
      'a.attgenerated',
      `coalesce(pg_get_expr(ad.adbin, ad.adrelid), '')`,
      'a.attidentity',
      `coalesce(ds.description, '')`,
    ],
    identity: 3,
    definition: 3,
    from: `from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
          left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum ${COMMENT('ds', 'c.oid', 'a.attnum')}
          where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'f', 'v', 'm') and ${USER_SCHEMAS}
            and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  },
  indexes: {
    key: RELATION('i.indrelid'),
    values: ['n.nspname', 'c.relname', 'pg_get_indexdef(i.indexrelid)'],
    identity: 2,
    definition: 2,
    from: `from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
          where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('i.indrelid', 'pg_class')}`,
  },
  constraints: {
    key: RELATION('c.oid'),
    values: ['n.nspname', 'c.relname', 'co.conname', 'co.contype', 'pg_get_constraintdef(co.oid)'],
    identity: 3,
    definition: 4,
    from: `from pg_constraint co join pg_class c on c.oid = co.conrelid join pg_namespace n on n.oid = c.relnamespace
          where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  },
  functions: {
    key: KEY('pg_proc', 'p.oid'),
    values: [
      'n.nspname',
      'p.proname',
      'pg_get_function_identity_arguments(p.oid)',
      'pg_get_function_result(p.oid)',
      `md5(coalesce(p.prosrc, ''))`,
      'p.prokind',
      'p.provolatile',
    ],
    identity: 3,
    from: `from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('p.oid', 'pg_proc')}`,
  },
  triggers: {
    key: RELATION('c.oid'),
    values: ['n.nspname', 'c.relname', 't.tgname', 'pg_get_triggerdef(t.oid)', 't.tgenabled'],
    identity: 3,
    definition: 3,
    from: `from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
          where not t.tgisinternal and ${USER_SCHEMAS}`,
  },
  types: {
    key: KEY('pg_type', 't.oid'),
    values: [
      'n.nspname',
      't.typname',
      't.typtype',
      'format_type(t.typbasetype, t.typtypmod)',
      't.typnotnull',
      `coalesce((select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), '')`,
      `coalesce((select string_agg(pg_get_constraintdef(co.oid), ',' order by co.conname) from pg_constraint co where co.contypid = t.oid), '')`,
    ],
    identity: 2,
    from: `from pg_type t join pg_namespace n on n.oid = t.typnamespace
          where t.typtype in ('e', 'd', 'c', 'r') and ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('t.oid', 'pg_type')}
            and (t.typtype <> 'c' or exists (select 1 from pg_class c where c.oid = t.typrelid and c.relkind = 'c'))`,
  },
  sequences: {
    key: RELATION('c.oid'),
    values: [
      'n.nspname',
      'c.relname',
      'format_type(s.seqtypid, null)',
      's.seqstart',
      's.seqincrement',
      's.seqmax',
      's.seqmin',
      's.seqcycle',
    ],
    identity: 2,
    from: `from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
          where ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  },
  views: {
    key: RELATION('c.oid'),
    values: ['n.nspname', 'c.relname', 'c.relkind', 'pg_get_viewdef(c.oid)'],
    identity: 2,
    definition: 3,
    from: `from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('v', 'm') and ${USER_SCHEMAS} and ${NOT_EXTENSION_MEMBER('c.oid', 'pg_class')}`,
  },
  policies: {
    key: RELATION('c.oid'),
    values: [
      'p.schemaname',
      'p.tablename',
      'p.policyname',
      'p.permissive',
      'p.roles::text',
      'p.cmd',
      `coalesce(p.qual, '')`,
      `coalesce(p.with_check, '')`,
    ],
    identity: 3,
    from: `from pg_policies p join pg_namespace n on n.nspname = p.schemaname join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename`,
  },
  extensions: { key: KEY('pg_extension', 'e.oid'), values: ['e.extname'], identity: 1, from: 'from pg_extension e' },
};

export const SCHEMA_PARTS = Object.keys(PARTS) as SchemaPart[];

/**
 * The snapshot's query over `parts`, one round trip: rows of (part, key, name, definition, hash). The inner query
 * computes each value once (offset 0 keeps the planner from inlining it twice: pg_get_indexdef is the costly one),
 * the outer one names the object and hashes its row of values; the key (OIDs) is not hashed, so an object dropped
 * and created again the same is unchanged.
 */
function snapshotSql(parts: SchemaPart[]): string {
  return parts
    .map((part) => {
      const { key, values, identity, definition, from } = PARTS[part];
      const v = values.map((_, i) => `v${i}`);
      const name =
        part === 'functions' ? `v0 || '.' || v1 || '(' || v2 || ')'` : v.slice(0, identity).join(` || '.' || `);
      const described = values.map((value, i) => `${value} as v${i}`).join(', ');
      const defined = definition === undefined ? 'null' : `v${definition}::text`;
      return `select '${part}', k, (${name})::text, ${defined}, md5(row(${v.join(', ')})::text)
    from (select ${key} as k, ${described} ${from} offset 0) q`;
    })
    .join('\nunion all\n');
}

/**
 * The parts in two halves of about the same cost for the server (columns and tables; indexes, whose definitions are
 * the costliest, and constraints), read at once on two sessions when the caller has a second one.
 */
const HALVES: [string, string] = [
  snapshotSql(['tables', 'columns', 'functions', 'types', 'sequences', 'extensions']),
  snapshotSql(['indexes', 'constraints', 'triggers', 'views', 'policies']),
];
const WHOLE = snapshotSql(SCHEMA_PARTS);

type SnapshotResultRow = [SchemaPart, string, string, string | null, string];

/**
 * Reads the snapshot on `client`, or on `client` and `alongside` at once (half the parts each: the server reads
 * them on two cores). `alongside` must be connected to the same database.
 */
export async function takeSchemaSnapshot(client: pg.ClientBase, alongside?: pg.ClientBase): Promise<SchemaSnapshot> {
  const takenAt = new Date();
  const read = (on: pg.ClientBase, text: string) =>
    on.query<SnapshotResultRow>({ text, rowMode: 'array' }).then((result) => result.rows);
  const results = alongside
    ? await Promise.all([read(client, HALVES[0]), read(alongside, HALVES[1])])
    : [await read(client, WHOLE)];
  const catalog = Object.fromEntries(SCHEMA_PARTS.map((part) => [part, [] as SnapshotRow[]])) as SnapshotCatalog;
  for (const rows of results) {
    for (const [part, key, name, definition, hash] of rows) {
      catalog[part].push(definition === null ? { key, name, hash } : { key, name, definition, hash });
    }
  }
  return { fingerprint: digestOf(catalog), catalog, takenAt };
}

/** Whether a part describes its objects' definitions (schema-diff shows them). */
export function hasDefinition(part: SchemaPart): boolean {
  return PARTS[part].definition !== undefined;
}

function digestOf(catalog: SnapshotCatalog): SchemaSnapshot['fingerprint'] {
  const parts = {} as Record<SchemaPart, string>;
  // Sorted here rather than in SQL: collation-dependent ORDER BY could differ between two servers.
  for (const part of SCHEMA_PARTS)
    parts[part] = sha256(
      catalog[part]
        .map((row) => row.hash)
        .sort()
        .join('\n'),
    );
  return { digest: sha256(SCHEMA_PARTS.map((part) => `${part}:${parts[part]}`).join('\n')), parts };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
