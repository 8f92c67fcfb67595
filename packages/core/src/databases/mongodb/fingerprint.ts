import { createHash } from 'node:crypto';
import { BSON, type Document } from 'mongodb';
import type { FingerprintPart, SchemaFingerprint } from '../../manifest/manifest.js';
import { qualifiedName, type CollectionInventory } from './inventory.js';

/**
 * A MongoDB database's fingerprint, in the manifest's shape (one SHA-256 per kind of object and one over all), so
 * that a restore can compare like with like. MongoDB's objects map onto the parts as:
 *
 * - tables: each collection's name (db.collection in a backup of several databases), type and options (capped,
 *   size, max, collation, time series, clustered);
 * - indexes: each collection's index specifications, without the index version `v` and the legacy `ns`, which a
 *   restore lets the server choose;
 * - constraints: each collection's validator, validationLevel and validationAction;
 * - views: each view's viewOn and pipeline;
 * - the other parts (columns, functions, types...) have no MongoDB counterpart: the hash of an empty list.
 *
 * Descriptions are canonical Extended JSON with keys in a fixed order, so the hash is stable across servers and
 * driver versions; UUIDs are left out (a restore gives new ones unless told to keep them).
 */
export function mongoFingerprint(collections: CollectionInventory[]): SchemaFingerprint {
  const rows: Record<FingerprintPart, string[]> = {
    tables: [],
    columns: [],
    indexes: [],
    constraints: [],
    functions: [],
    triggers: [],
    types: [],
    sequences: [],
    views: [],
    policies: [],
    extensions: [],
  };
  for (const c of [...collections].sort((a, b) => compare(qualifiedName(a), qualifiedName(b)))) {
    const name = qualifiedName(c);
    const { validator, validationLevel, validationAction, viewOn, pipeline, ...options } = c.metadata.options;
    rows.tables.push(canonical([name, c.metadata.type, options]));
    if (validator !== undefined) rows.constraints.push(canonical([name, validator, validationLevel, validationAction]));
    if (viewOn !== undefined) rows.views.push(canonical([name, viewOn, pipeline ?? []]));
    const indexes = c.metadata.indexes
      .map(({ v: _, ns: __, ...spec }) => canonical([name, sortKeys(spec)]))
      .sort(compare);
    rows.indexes.push(...indexes);
  }
  const parts = Object.fromEntries(
    Object.entries(rows).map(([part, lines]) => [part, sha256(lines.join('\n'))]),
  ) as Record<FingerprintPart, string>;
  const digest = sha256(
    Object.entries(parts)
      .map(([part, hash]) => `${part}:${hash}`)
      .join('\n'),
  );
  return { digest, parts };
}

/** A document's top-level keys in code-point order; index `key` fields keep their order (it is the index). */
function sortKeys(doc: Document): Document {
  return Object.fromEntries(
    Object.keys(doc)
      .sort(compare)
      .map((k) => [k, doc[k]]),
  );
}

function canonical(value: unknown): string {
  return BSON.EJSON.stringify(value as Document, { relaxed: false });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
