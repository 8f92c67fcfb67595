import { parseTimeoutMs } from '../duration.js';
import { subjectEraseSummary } from '../report/subject-summary.js';
import { connectionInputs, readConnection } from './connection-inputs.js';
import { InputReader } from './read-inputs.js';
import { readS3Options, S3_INPUTS } from './storage-inputs.js';
import { SUBJECT_INPUTS } from './subject-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  ...SUBJECT_INPUTS,
  {
    name: 'dry-run',
    description: 'Only count what would be erased or anonymized. Set to false (or pass --apply) to change data.',
    default: 'true',
    type: 'boolean',
  },
  { name: 'apply', description: 'The same as dry-run false.', type: 'boolean' },
  {
    name: 'receipts-to',
    description:
      "retention-purge's receipts-to (a directory or s3://bucket/prefix): the erasure's receipt is appended to that hash chain. The receipts table dbops_retention_receipts always gets a copy.",
    type: 'string',
  },
  {
    name: 'lock-timeout',
    description:
      "lock_timeout of the erasure's one transaction (PostgreSQL): a lock held longer stops it with nothing changed. Default: the policy's.",
    type: 'duration',
  },
  ...S3_INPUTS,
  ...connectionInputs(),
];

/** `dbops subject erase` (also `subject-erase`): the policy's then (erase or anonymize) for one subject, with a receipt. */
export const subjectEraseDefinition: ActionDefinition = {
  name: 'subject-erase',
  description:
    "GDPR erasure: applies the then of the table's soft-delete rule (erase: the subject and its dependants; anonymize: the listed columns), on PostgreSQL in one transaction, with a receipt and tombstones; a dry run unless --apply.",
  cliOnly: true,
  subcommand: ['subject', 'erase'],
  inputs,
  outputs: [
    { name: 'rows', description: 'Rows erased or anonymized (in a dry run, that would be).' },
    { name: 'receipt', description: "The receipt's location, when receipts-to was given and this was not a dry run." },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const dryRun = reader.boolean('dry-run') && !(reader.given('apply') !== undefined && reader.boolean('apply'));
    const receiptsTo = reader.optional('receipts-to');
    const lockTimeout = reader.optional('lock-timeout');
    const { subjectErase } = await import(/* webpackMode: "eager" */ '../operations/subject-erase.js'); // on use: libpg-query slows start-up
    const result = await subjectErase({
      policyPath: reader.required('policy', 'the path of a YAML retention policy'),
      target: await readConnection(reader),
      table: reader.required('table', 'a table name, e.g. public.users'),
      id: reader.required('id', "the subject's primary key, e.g. 42"),
      dryRun,
      ...(receiptsTo ? { receiptsTo } : {}),
      ...(lockTimeout ? { lockTimeoutMs: parseTimeoutMs(lockTimeout, 'lock-timeout', '2s') } : {}),
      s3: readS3Options(reader),
      ...(context.artifacts ? { artifacts: context.artifacts } : {}),
      secrets: context.secrets,
      log: context.log,
      signal: context.signal,
    });
    const changed = result.tables.filter((t) => t.action === 'delete' || t.action === 'anonymize');
    return {
      outputs: {
        rows: String(changed.reduce((n, t) => n + t.rows, 0)),
        receipt: result.receipt?.location ?? '',
      },
      results: [subjectEraseSummary(result)],
      json: result,
    };
  },
};
