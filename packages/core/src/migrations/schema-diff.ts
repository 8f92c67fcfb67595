/**
 * What changed in a schema between two reads of its catalog (readSchemaCatalog): tables, columns, indexes,
 * constraints and the rest added, changed or removed. The fingerprint says whether anything changed; this says what.
 * Objects are matched by name (schema, table, object), not OID, so a table dropped and created again is "changed"
 * only if it differs. The columns, indexes, constraints, triggers and policies of a table added or removed as a
 * whole are not listed again.
 */
import type { FingerprintPart, SchemaCatalog } from '../databases/postgres/fingerprint.js';

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

/** Per part: the object's kind, how many leading values name it, and which value (if any) is its definition. */
const PARTS: Record<FingerprintPart, { kind: SchemaObjectKind; identity: number; definition?: number; child?: true }> =
  {
    tables: { kind: 'table', identity: 2 },
    columns: { kind: 'column', identity: 3, definition: 3, child: true },
    indexes: { kind: 'index', identity: 2, definition: 2, child: true },
    constraints: { kind: 'constraint', identity: 3, definition: 4, child: true },
    functions: { kind: 'function', identity: 3 },
    triggers: { kind: 'trigger', identity: 3, definition: 3, child: true },
    types: { kind: 'type', identity: 2 },
    sequences: { kind: 'sequence', identity: 2 },
    views: { kind: 'view', identity: 2, definition: 3 },
    policies: { kind: 'policy', identity: 3, child: true },
    extensions: { kind: 'extension', identity: 1 },
  };

export function schemaDiff(before: SchemaCatalog, after: SchemaCatalog): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const tableKeys = (catalog: SchemaCatalog, names: Set<string>) =>
    new Set(catalog.rows.tables.filter((row) => names.has(nameOf('tables', row.values))).map((row) => row.key));
  const tablesBefore = new Set(before.rows.tables.map((row) => nameOf('tables', row.values)));
  const tablesAfter = new Set(after.rows.tables.map((row) => nameOf('tables', row.values)));
  // The archive key of a table's children is the table's own: a child of a table added or removed whole is skipped.
  const addedTables = tableKeys(after, new Set([...tablesAfter].filter((t) => !tablesBefore.has(t))));
  const removedTables = tableKeys(before, new Set([...tablesBefore].filter((t) => !tablesAfter.has(t))));

  for (const part of Object.keys(PARTS) as FingerprintPart[]) {
    const { kind, definition, child } = PARTS[part];
    const index = (catalog: SchemaCatalog) =>
      new Map(catalog.rows[part].map((row) => [nameOf(part, row.values), row] as const));
    const was = index(before);
    const now = index(after);
    const defined = (values: unknown[]) =>
      definition === undefined ? {} : { definition: String(values[definition] ?? '') };
    for (const [name, row] of now) {
      const old = was.get(name);
      if (!old) {
        if (!(child && addedTables.has(row.key))) changes.push({ change: 'added', kind, name, ...defined(row.values) });
      } else if (JSON.stringify(old.values) !== JSON.stringify(row.values)) {
        changes.push({ change: 'changed', kind, name, ...defined(row.values) });
      }
    }
    for (const [name, row] of was) {
      if (!now.has(name) && !(child && removedTables.has(row.key)))
        changes.push({ change: 'removed', kind, name, ...defined(row.values) });
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

function nameOf(part: FingerprintPart, values: unknown[]): string {
  const parts = values.slice(0, PARTS[part].identity).map(String);
  if (part === 'functions') return `${parts[0]}.${parts[1]}(${parts[2]})`;
  return parts.join('.');
}
