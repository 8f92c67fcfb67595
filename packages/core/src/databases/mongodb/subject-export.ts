/**
 * GDPR export (right of access) on MongoDB: the subject's document and its declared dependants' documents, to any
 * depth (subject-tree.ts), as one JSON document in PostgreSQL's format (data-retention/subject-export.ts). Each
 * document is canonical Extended JSON, from the BSON as the server sent it, so every type survives: an int32 as
 * `{"$numberInt": "1"}`, a long, a double, a Decimal128, a date, an ObjectId, binary data. On a replica set or a
 * sharded cluster every collection is read in one snapshot session (one point in time); a standalone server (and
 * FerretDB) has no snapshot reads, so each collection is read as it is when its turn comes (`snapshot: false`).
 */
import { BSON, type ClientSession, type Document, type Filter, type MongoClient } from 'mongodb';
import type { DataRetentionPolicy } from '../../data-retention/policy.js';
import {
  type ExportedTable,
  SUBJECT_EXPORT_FORMAT,
  type SubjectExportResult,
} from '../../data-retention/subject-export.js';
import { idKey } from './data-retention-filter.js';
import { SubjectBudget } from './subject-budget.js';
import { levelFilters } from './subject-levels.js';
import { mongoSubjectScope } from './subject-scope.js';
import type { MongoSubjectCollection } from './subject-tree.js';

export async function exportMongoSubject(
  client: MongoClient,
  database: string,
  policy: DataRetentionPolicy,
  table: string,
  id: string,
  maxTimeMS = 60_000,
): Promise<SubjectExportResult> {
  const scope = await mongoSubjectScope(client, database, policy, table, id, maxTimeMS);
  const snapshot = await snapshotReads(client, maxTimeMS);
  const session = snapshot ? client.startSession({ snapshot: true }) : undefined;
  try {
    const exportedAt = new Date().toISOString();
    const tables: ExportedTable[] = [];
    const parts: string[] = [];
    // Breadth first: a node's documents are read once its parent's `_id`s are known.
    const ids: unknown[][] = [];
    // The document is written only once every node is read: a subject over the limit exports nothing.
    const budget = new SubjectBudget(scope, id);
    for (const of of scope.nodes) {
      const parent = of.parent === undefined ? undefined : scope.nodes[of.parent]!;
      const filters = levelFilters(scope, of, of.parent === undefined ? [] : ids[of.parent]!);
      const read = await readDocuments(client, of, filters, maxTimeMS, session, budget);
      ids.push(read.ids);
      const rows = read.rows;
      const entry: ExportedTable = {
        table: of.namespace,
        ...(parent ? { field: of.field!, references: parent.namespace } : {}),
        rows: rows.length,
      };
      tables.push(entry);
      const head = JSON.stringify({ ...entry, rows: undefined }).slice(0, -1);
      const body = rows.map((row) => `\n      ${row}`).join(',');
      parts.push(`    ${head}, "rows": [${body}${rows.length > 0 ? '\n    ' : ''}]}`);
    }
    const subject = JSON.stringify({ table: scope.subject.namespace, id });
    const document = `{
  "format": ${JSON.stringify(SUBJECT_EXPORT_FORMAT)},
  "subject": ${subject},
  "exportedAt": ${JSON.stringify(exportedAt)},
  "snapshot": ${snapshot},
  "tables": [
${parts.join(',\n')}
  ],
  "notFollowed": ${JSON.stringify(scope.notFollowed)}
}
`;
    return {
      table: scope.subject.namespace,
      id,
      exportedAt,
      tables,
      notFollowed: scope.notFollowed,
      snapshot,
      document,
    };
  } finally {
    await session?.endSession();
  }
}

/**
 * A node's documents, one query per filter (per batch of its parent's `_id`s), in `_id` order within each; each as
 * canonical Extended JSON of its BSON as sent, and once (an array field may reference parents of two batches);
 * each counted against the rule's limit as it arrives.
 */
async function readDocuments(
  client: MongoClient,
  of: MongoSubjectCollection,
  filters: Iterable<Filter<Document>>,
  maxTimeMS: number,
  session: ClientSession | undefined,
  budget: SubjectBudget,
): Promise<{ rows: string[]; ids: unknown[] }> {
  const rows: string[] = [];
  const ids: unknown[] = [];
  const seen = new Set<string>();
  for (const filter of filters) {
    const cursor = client
      .db(of.collection.database)
      .collection(of.collection.name)
      .find(filter, { raw: true, sort: { _id: 1 }, maxTimeMS, ...(session ? { session } : {}) });
    for await (const raw of cursor as unknown as AsyncIterable<Buffer>) {
      // The `_id` as the driver gives it elsewhere (an int32 as a number), to key it and find its dependants by;
      // keyed with its type, so the documents with `_id` 42 and '42' are both exported.
      const { _id } = BSON.deserialize(raw);
      const key = idKey(_id);
      if (seen.has(key)) continue;
      budget.take(of);
      seen.add(key);
      ids.push(_id);
      // Not promoted: an int32 stays an Int32, a long a Long, so the canonical form names each type.
      const document: Document = BSON.deserialize(raw, { promoteValues: false });
      rows.push(BSON.EJSON.stringify(document, { relaxed: false }));
    }
  }
  return { rows, ids };
}

/**
 * Whether the server reads at a snapshot: replica set members and mongos do; a standalone server does not, nor does
 * FerretDB, even run with a replica set name (it accepts a snapshot session and ignores it: buildInfo names it).
 */
async function snapshotReads(client: MongoClient, maxTimeMS: number): Promise<boolean> {
  const admin = client.db('admin');
  const hello = await admin.command({ hello: 1, maxTimeMS });
  if (typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid') return false;
  const info = await admin.command({ buildInfo: 1, maxTimeMS });
  return info.ferretdbVersion === undefined;
}
