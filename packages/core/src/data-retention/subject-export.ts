/**
 * GDPR export (right of access): the subject's row and every row referencing it through foreign keys, as one JSON
 * document, read in one read-only REPEATABLE READ transaction so every table is seen at the same instant. Rows are
 * written as PostgreSQL's row_to_json prints them (never parsed by JavaScript, so bigint and numeric stay exact),
 * with bytea as `{"$binary": base64}`, numeric as its exact text and timestamps ISO 8601 in UTC.
 */
import type pg from 'pg';
import { checkPolicyCatalog } from '../databases/postgres/data-retention-catalog.js';
import { exportRowsSql } from '../databases/postgres/subject-rows.js';
import type { DataRetentionPolicy } from './policy.js';
import { subjectScope } from './subject-scope.js';

export const SUBJECT_EXPORT_FORMAT = 'dbops.subject-export/1';

export interface ExportedTable {
  table: string;
  /** How its rows reference the subject: a foreign key to `references` (undefined for the subject's own table). */
  constraint?: string;
  /** MongoDB: the field its documents hold the subject's `_id` in (a dependant the policy declares). */
  field?: string;
  references?: string;
  rows: number;
}

/**
 * A reference back into a table already on the path (a cycle): named, not followed. PostgreSQL names its foreign
 * key (`constraint`), MongoDB the declared `field`.
 */
export interface NotFollowed {
  table: string;
  constraint?: string;
  field?: string;
  references: string;
}

export interface SubjectExportResult {
  table: string;
  id: string;
  exportedAt: string;
  tables: ExportedTable[];
  /** References back into a table already on the path (cycles): named, not followed. */
  notFollowed: NotFollowed[];
  /** MongoDB: whether every collection was read at one point in time (a snapshot session); PostgreSQL always is. */
  snapshot?: boolean;
  /** The document: one JSON object. */
  document: string;
}

export async function exportSubject(
  client: pg.ClientBase,
  policy: DataRetentionPolicy,
  table: string,
  id: string,
  statementTimeoutMs = 60_000,
): Promise<SubjectExportResult> {
  // Fail closed, before the transaction (the check runs its own): a hold source that cannot be read stops the export.
  await checkPolicyCatalog(client, { ...policy, data: [] });
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await client.query("SELECT set_config('TimeZone', 'UTC', true), set_config('statement_timeout', $1, true)", [
      `${statementTimeoutMs}ms`,
    ]);
    const { graph } = await subjectScope(client, policy, table, id);
    const exportedAt = new Date().toISOString();
    const tables: ExportedTable[] = [];
    const parts: string[] = [];
    for (const [i, node] of graph.nodes.entries()) {
      const sql = exportRowsSql(graph.nodes, i, id);
      const { rows } = await client.query<{ row: string }>(sql.text, sql.values);
      const parent = node.parent === undefined ? undefined : graph.nodes[node.parent]!;
      const entry: ExportedTable = {
        table: node.table,
        ...(node.via && parent ? { constraint: node.via.constraint, references: parent.table } : {}),
        rows: rows.length,
      };
      tables.push(entry);
      const head = JSON.stringify({ ...entry, rows: undefined }).slice(0, -1);
      const body = rows.map((r) => `\n      ${r.row}`).join(',');
      parts.push(`    ${head}, "rows": [${body}${rows.length > 0 ? '\n    ' : ''}]}`);
    }
    const subject = JSON.stringify({ table: graph.nodes[0]!.table, id });
    const notFollowed = graph.skipped.map(({ table, constraint, references }) => ({ table, constraint, references }));
    const document = `{
  "format": ${JSON.stringify(SUBJECT_EXPORT_FORMAT)},
  "subject": ${subject},
  "exportedAt": ${JSON.stringify(exportedAt)},
  "tables": [
${parts.join(',\n')}
  ],
  "notFollowed": ${JSON.stringify(notFollowed)}
}
`;
    return { table: graph.nodes[0]!.table, id, exportedAt, tables, notFollowed, document };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}
