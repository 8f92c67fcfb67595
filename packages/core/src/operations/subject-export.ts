import { rename, rm, writeFile } from 'node:fs/promises';
import { parsePolicy } from '../data-retention/read-policy.js';
import { exportSubject, type SubjectExportResult } from '../data-retention/subject-export.js';
import type { DatabaseTarget } from '../databases/engine.js';
import { documentRetentionFor, sqlEngineFor } from '../databases/index.js';
import { invalidInput } from '../errors.js';
import { readInputFile } from '../files/read-input-file.js';
import type { Logger } from '../log.js';
import type { Secrets } from '../secrets.js';

export interface SubjectExportOptions {
  /** The retention policy: its legal holds are checked (fail-closed) before anything is read. */
  policyPath: string;
  target: DatabaseTarget;
  table: string;
  id: string;
  /** A file to write the document to; without it, the result carries the document (the CLI prints it). */
  to?: string;
  secrets: Secrets;
  log: Logger;
  signal?: AbortSignal;
}

export type SubjectExportOutcome = Omit<SubjectExportResult, 'document'> & { document?: string; file?: string };

/**
 * `dbops subject export`: one data subject's rows, with every row referencing them through foreign keys (MongoDB: its
 * document, with the documents the policy declares as its dependants), as one JSON document (docs/retention.md, "Data
 * subjects"). Reads only. A file is written whole or not at all.
 */
export async function subjectExport(options: SubjectExportOptions): Promise<SubjectExportOutcome> {
  const { target, log } = options;
  options.secrets.add(target.password);
  const text = await readInputFile(options.policyPath, 'policy', 'the path of a YAML retention policy');
  const policy = await parsePolicy(text, options.policyPath);
  const context = { log, ...(options.signal ? { signal: options.signal } : {}) };
  // MongoDB (no SQL): the session of its engine; PostgreSQL: one SQL session.
  const document = documentRetentionFor(target);
  const result = document
    ? await document(target, context, (session) => session.exportSubject(policy, options.table, options.id))
    : await sqlEngineFor(target, 'subject export').withSqlSession(target, context, (client) =>
        exportSubject(client, policy, options.table, options.id),
      );
  const { document: content, ...summary } = result;
  if (options.to === undefined) return result;
  // Written next to its place and renamed: a crash leaves no half document under the name asked for.
  const partial = `${options.to}.partial`;
  try {
    await writeFile(partial, content, { mode: 0o600 });
    await rename(partial, options.to);
  } catch (error) {
    await rm(partial, { force: true });
    throw invalidInput('to', `could not be written (${(error as Error).message})`, 'a writable file path');
  }
  log.info(
    `Subject ${options.id} of ${result.table}: ${result.tables.reduce((n, t) => n + t.rows, 0)} ${document ? 'documents' : 'rows'} written to ${options.to}`,
  );
  return { ...summary, file: options.to };
}
