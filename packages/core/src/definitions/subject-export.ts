import { subjectExportSummary } from '../report/subject-summary.js';
import { connectionInputs, readConnection } from './connection-inputs.js';
import { InputReader } from './read-inputs.js';
import { SUBJECT_INPUTS } from './subject-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  ...SUBJECT_INPUTS,
  {
    name: 'to',
    description: 'A file to write the JSON document to (written whole or not at all); without it, stdout.',
    type: 'string',
  },
  ...connectionInputs(),
];

/** `dbops subject export` (also `subject-export`): one subject's rows across foreign keys, as one JSON document. */
export const subjectExportDefinition: ActionDefinition = {
  name: 'subject-export',
  description:
    "GDPR export: a data subject's row and every row referencing it through foreign keys (recursively, every schema), or on MongoDB its document and the dependants the policy declares, as one JSON document; refuses subjects under legal hold.",
  cliOnly: true,
  subcommand: ['subject', 'export'],
  inputs,
  outputs: [
    { name: 'rows', description: 'Rows exported, over every table.' },
    { name: 'file', description: 'The file written, when to was given.' },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const to = reader.optional('to');
    const { subjectExport } = await import(/* webpackMode: "eager" */ '../operations/subject-export.js'); // on use: libpg-query slows start-up
    const result = await subjectExport({
      policyPath: reader.required('policy', 'the path of a YAML retention policy'),
      target: await readConnection(reader),
      table: reader.required('table', 'a table name, e.g. public.users'),
      id: reader.required('id', "the subject's primary key, e.g. 42"),
      ...(to ? { to } : {}),
      secrets: context.secrets,
      log: context.log,
      signal: context.signal,
    });
    const { document, ...summary } = result;
    return {
      outputs: { rows: String(result.tables.reduce((n, t) => n + t.rows, 0)), file: result.file ?? '' },
      results: [subjectExportSummary(result)],
      json: summary,
      // Without a file the document is the command's output: a terminal or a pipe gets it alone on stdout.
      ...(document !== undefined ? { document } : {}),
    };
  },
};
