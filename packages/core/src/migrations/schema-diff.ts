/**
 * What changed in a schema between two snapshots of it (takeSchemaSnapshot): tables, columns, indexes,
 * constraints and the rest added, changed or removed (an object is changed when its hash is). The snapshot's digest
 * says whether anything changed; this says what.
 * Objects are matched by name (schema, table, object), not OID, so a table dropped and created again is "changed"
 * only if it differs. The columns, indexes, constraints, triggers and policies of a table added or removed as a
 * whole are not listed again.
 */
import {
  hasDefinition,
  SCHEMA_PARTS,
  type SchemaPart,
  type SchemaSnapshot,
  type SnapshotCatalog,
  type SnapshotRow,
} from './schema-snapshot.js';

export type SchemaObjectKind =
  | 'table'
  | 'column'
  | 'index'
  | 'constraint'
  | 'function'
  | 'trigger'
  | 'type'
  | 'sequence'
  | 'view'
  | 'policy'
  | 'extension';

export interface SchemaChange {
  change: 'added' | 'removed' | 'changed';
  kind: SchemaObjectKind;
  /** Qualified: schema.table, schema.table.column, schema.index, schema.table.constraint, schema.function(args). */
  name: string;
  /** What it is now (what it was, when removed): a column's type, an index's or constraint's definition. */
  definition?: string;
}

/** Per part: the kind of object it lists; child: part of a table, not listed again with a table added or removed. */
const KINDS: Record<SchemaPart, { kind: SchemaObjectKind; child?: true }> = {
  tables: { kind: 'table' },
  columns: { kind: 'column', child: true },
  indexes: { kind: 'index', child: true },
  constraints: { kind: 'constraint', child: true },
  functions: { kind: 'function' },
  triggers: { kind: 'trigger', child: true },
  types: { kind: 'type' },
  sequences: { kind: 'sequence' },
  views: { kind: 'view' },
  policies: { kind: 'policy', child: true },
  extensions: { kind: 'extension' },
};

export function schemaDiff(before: SchemaSnapshot, after: SchemaSnapshot): SchemaChange[] {
  const changes: SchemaChange[] = [];
  // A part whose digest is the same has the same objects: at 5,000 tables, most of the work is not done.
  const changed = SCHEMA_PARTS.filter((part) => before.fingerprint.parts[part] !== after.fingerprint.parts[part]);
  const tablesBefore = new Set(changed.includes('tables') ? before.catalog.tables.map((row) => row.name) : []);
  const tablesAfter = new Set(changed.includes('tables') ? after.catalog.tables.map((row) => row.name) : []);
  const tableKeys = (catalog: SnapshotCatalog, names: Set<string>) =>
    new Set(catalog.tables.filter((row) => names.has(row.name)).map((row) => row.key));
  // The archive key of a table's children is the table's own: a child of a table added or removed whole is skipped.
  const addedTables = tableKeys(after.catalog, new Set([...tablesAfter].filter((t) => !tablesBefore.has(t))));
  const removedTables = tableKeys(before.catalog, new Set([...tablesBefore].filter((t) => !tablesAfter.has(t))));

  for (const part of changed) {
    const { kind, child } = KINDS[part];
    const was = new Map(before.catalog[part].map((row) => [row.name, row] as const));
    const now = new Map(after.catalog[part].map((row) => [row.name, row] as const));
    const defined = (row: SnapshotRow) => (hasDefinition(part) ? { definition: row.definition ?? '' } : {});
    for (const [name, row] of now) {
      const old = was.get(name);
      if (!old) {
        if (!(child && addedTables.has(row.key))) changes.push({ change: 'added', kind, name, ...defined(row) });
      } else if (old.hash !== row.hash) {
        changes.push({ change: 'changed', kind, name, ...defined(row) });
      }
    }
    for (const [name, row] of was) {
      if (!now.has(name) && !(child && removedTables.has(row.key)))
        changes.push({ change: 'removed', kind, name, ...defined(row) });
    }
  }
  return changes;
}

/**
 * The changes without the migration tool's own table, its columns and its serial's sequence (pgmigrations_id_seq):
 * the first run creates them, and they are no migration's change.
 */
export function withoutTrackingTable(changes: SchemaChange[], table: string | undefined): SchemaChange[] {
  if (!table) return changes;
  const name = table.replace(/"/g, '');
  return changes.filter((c) => c.name !== name && !c.name.startsWith(`${name}.`) && c.name !== `${name}_id_seq`);
}

/** One line for a change: "added column public.orders.status (text)". */
export function describeSchemaChange(change: SchemaChange): string {
  const definition = change.definition && change.kind === 'column' ? ` (${change.definition})` : '';
  const index = change.definition && change.kind !== 'column' ? `: ${change.definition}` : '';
  return `${change.change} ${change.kind} ${change.name}${definition}${index}`;
}
