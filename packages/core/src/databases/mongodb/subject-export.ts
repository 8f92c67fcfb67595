/**
 * GDPR export (right of access) on MongoDB: the subject's document and its declared dependants' documents
 * (subject-scope.ts), as one JSON document in PostgreSQL's format (data-retention/subject-export.ts). Each document
 * is canonical Extended JSON, from the BSON as the server sent it, so every type survives: an int32 as
 * `{"$numberInt": "1"}`, a long, a double, a Decimal128, a date, an ObjectId, binary data. On a replica set or a
 * sharded cluster every collection is read in one snapshot session (one point in time); a standalone server (and
 * FerretDB) has no snapshot reads, so each collection is read as it is when its turn comes (`snapshot: false`).
 */
import { BSON, type ClientSession, type Document, type MongoClient } from 'mongodb';
import type { DataRetentionPolicy } from '../../data-retention/policy.js';
import {
  type ExportedTable,
  SUBJECT_EXPORT_FORMAT,
  type SubjectExportResult,
} from '../../data-retention/subject-export.js';
import { dependantFilter, type MongoSubjectCollection, mongoSubjectScope } from './subject-scope.js';

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
    for (const of of [scope.subject, ...scope.dependants]) {
      const rows = await readDocuments(client, of, dependantFilter(scope, of), maxTimeMS, session);
      const entry: ExportedTable = {
        table: of.namespace,
        ...(of.field === undefined ? {} : { field: of.field, references: scope.subject.namespace }),
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
  "notFollowed": []
}
`;
    return { table: scope.subject.namespace, id, exportedAt, tables, notFollowed: [], snapshot, document };
  } finally {
    await session?.endSession();
  }
}

/** A collection's matching documents, `_id` order, each as canonical Extended JSON of its BSON as sent. */
async function readDocuments(
  client: MongoClient,
  of: MongoSubjectCollection,
  filter: object,
  maxTimeMS: number,
  session: ClientSession | undefined,
): Promise<string[]> {
  const cursor = client
    .db(of.collection.database)
    .collection(of.collection.name)
    .find(filter, { raw: true, sort: { _id: 1 }, maxTimeMS, ...(session ? { session } : {}) });
  const rows: string[] = [];
  for await (const raw of cursor as unknown as AsyncIterable<Buffer>) {
    // Not promoted: an int32 stays an Int32, a long a Long, so the canonical form names each type.
    const document: Document = BSON.deserialize(raw, { promoteValues: false });
    rows.push(BSON.EJSON.stringify(document, { relaxed: false }));
  }
  return rows;
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
