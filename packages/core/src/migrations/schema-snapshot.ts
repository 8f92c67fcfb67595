/**
 * The schema of a live database at one moment, read once: its fingerprint (the one the backup manifest records,
 * which says whether anything changed) and the catalog it was computed from (which says what changed, schema-diff.ts).
 * Taken before and after a migration run.
 */
import type pg from 'pg';
import {
  catalogFingerprint,
  readSchemaCatalog,
  type SchemaCatalog,
  type SchemaFingerprint,
} from '../databases/postgres/fingerprint.js';

export interface SchemaSnapshot {
  fingerprint: SchemaFingerprint;
  catalog: SchemaCatalog;
  takenAt: Date;
}

export async function takeSchemaSnapshot(client: pg.Client): Promise<SchemaSnapshot> {
  const takenAt = new Date();
  const catalog = await readSchemaCatalog(client);
  return { fingerprint: catalogFingerprint(catalog), catalog, takenAt };
}
