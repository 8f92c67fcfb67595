/**
 * What a deploy changed in the schema, object by object: the catalog the schema fingerprint is computed from, read
 * before and after the migration command, and compared by each object's identity (schema, table, name). A tool's own
 * record says which migrations ran; this says what they did, and proves what a failed one left behind.
 */
import type pg from 'pg';
import { type FingerprintPart, readSchemaCatalog, type SchemaCatalog } from '../databases/postgres/fingerprint.js';

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
  kind: SchemaObjectKind;
  /** Qualified: "public.orders", "public.orders.status", "public.orders_status_idx". */
  name: string;
  change: 'added' | 'removed' | 'changed';
  /** The definition (a column's type, an index's or constraint's SQL): after for added and changed, before for removed. */
  definition?: string;
  /** For changed: the definition before. */
  was?: string;
}

/** Per fingerprint part: its kind of object, how many leading values identify one, and which value defines it. */
const PARTS: Record<FingerprintPart, { kind: SchemaObjectKind; identity: number; definition?: number }> = {
  tables: { kind: 'table', identity: 2 },
  columns: { kind: 'column', identity: 3, definition: 3 },
  indexes: { kind: 'index', identity: 2, definition: 2 },
  constraints: { kind: 'constraint', identity: 3, definition: 4 },
  functions: { kind: 'function', identity: 3 },
  triggers: { kind: 'trigger', identity: 3, definition: 3 },
  types: { kind: 'type', identity: 2 },
  sequences: { kind: 'sequence', identity: 2 },
  views: { kind: 'view', identity: 2, definition: 3 },
  policies: { kind: 'policy', identity: 3 },
  extensions: { kind: 'extension', identity: 1 },
};

/** The schema's objects as the fingerprint sees them; read before and after a deploy. */
export function readSchemaSnapshot(client: pg.Client): Promise<SchemaCatalog> {
  return readSchemaCatalog(client);
}

/** Objects added, removed and changed between two snapshots, tables first (the order of the fingerprint's parts). */
export function schemaDiff(before: SchemaCatalog, after: SchemaCatalog): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const [part, shape] of Object.entries(PARTS) as Array<[FingerprintPart, (typeof PARTS)[FingerprintPart]]>) {
    const was = objectsOf(before, part, shape.identity);
    const now = objectsOf(after, part, shape.identity);
    const definitionOf = (values: unknown[]) =>
      shape.definition === undefined ? undefined : String(values[shape.definition]);
    for (const [name, values] of now) {
      const old = was.get(name);
      const definition = definitionOf(values);
      if (!old) changes.push({ kind: shape.kind, name, change: 'added', ...(definition ? { definition } : {}) });
      else if (JSON.stringify(old) !== JSON.stringify(values)) {
        const previous = definitionOf(old);
        changes.push({
          kind: shape.kind,
          name,
          change: 'changed',
          ...(definition ? { definition } : {}),
          ...(previous && previous !== definition ? { was: previous } : {}),
        });
      }
    }
    for (const [name, values] of was) {
      if (now.has(name)) continue;
      const definition = definitionOf(values);
      changes.push({ kind: shape.kind, name, change: 'removed', ...(definition ? { definition } : {}) });
    }
  }
  return changes;
}

function objectsOf(catalog: SchemaCatalog, part: FingerprintPart, identity: number): Map<string, unknown[]> {
  const objects = new Map<string, unknown[]>();
  for (const row of catalog.rows[part]) {
    objects.set(row.values.slice(0, identity).map(String).join('.'), row.values);
  }
  return objects;
}
