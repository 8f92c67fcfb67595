import { dataRetentionOutputs, dataRetentionSummaries } from '../report/data-retention-summary.js';
import { invalidInput } from '../errors.js';
import { readConnection } from './connection-inputs.js';
import { ENCRYPTION_INPUTS, readEncryption } from './encryption-inputs.js';
import type { InputReader } from './read-inputs.js';
import { readRetentionPolicy, RETENTION_INPUTS } from './retention-inputs.js';
import { readS3Options } from './storage-inputs.js';
import type { ActionReport, InputDefinition, RunContext } from './types.js';

/** retention-purge's data-retention inputs: the policy file and where the receipts of a real run go. */
export const DATA_RETENTION_INPUTS: InputDefinition[] = [
  {
    name: 'policy',
    description:
      'A data-retention policy file (e.g. .github/dbops/retention.yml, docs/retention.md): purges expired rows (or MongoDB documents) of database-url and rotates its backups: section. Without it, backups in from are rotated by the keep-* inputs.',
    type: 'string',
  },
  {
    name: 'receipts-to',
    description:
      'With policy and dry-run false (required then): a directory or s3://bucket/prefix where each run appends a hash-chained receipt of what it purged (dbops retention-verify checks the chain).',
    type: 'string',
  },
  // Rules with archive-to archive each batch encrypted like a backup: these say to whom.
  ...ENCRYPTION_INPUTS.map((input) => ({
    ...input,
    description:
      input.name === 'encrypt-to'
        ? 'With policy: age recipients (age1..., comma- or newline-separated) that archives of rules with archive-to are encrypted to (required then, or encrypt-passphrase). Only public keys.'
        : 'With policy: encrypt archives of rules with archive-to with an age passphrase instead of encrypt-to.',
  })),
];

export const DATA_RETENTION_OUTPUTS = [
  { name: 'rows-purged', description: 'With policy: rows deleted or anonymized (in a dry run, that would be).' },
  {
    name: 'rules',
    description:
      "With policy: the rules planned (database-url's engine: PostgreSQL tables or MongoDB collections), comma-separated.",
  },
  { name: 'outcome', description: 'With policy: planned (dry run), complete, time-budget, aborted or failed.' },
  { name: 'receipt', description: "With policy and dry-run false: the receipt's location." },
];

const KEEP_INPUTS = RETENTION_INPUTS.map((i) => i.name).filter((n) => n.startsWith('keep-'));

/** The retention-purge run with a policy; the caller has seen `policy` given. */
export async function runDataRetention(
  reader: InputReader,
  context: RunContext,
  dryRun: boolean,
): Promise<ActionReport> {
  const keep = KEEP_INPUTS.find((name) => reader.given(name) !== undefined);
  if (keep)
    throw invalidInput(
      keep,
      'is given together with policy',
      'either policy (its backups: section holds the keep rules) or the keep-* inputs with from, not both',
    );
  if (!reader.optional('database-url') && !reader.given('host'))
    throw invalidInput(
      'database-url',
      'is required with policy: the policy purges rows of a database',
      'a URL such as postgres://USER:PASSWORD@HOST:5432/DATABASE (or DATABASE_URL in the environment)',
    );
  const receiptsTo = reader.optional('receipts-to');
  if (!dryRun && !receiptsTo)
    throw invalidInput(
      'receipts-to',
      'is required when dry-run is false: every purge leaves a receipt',
      'a directory or s3://bucket/prefix for the receipt chain',
    );
  const { dataRetention } = await import(/* webpackMode: "eager" */ '../operations/data-retention.js'); // on use: libpg-query slows start-up
  const result = await dataRetention({
    policyPath: reader.optional('policy')!,
    target: await readConnection(reader),
    dryRun,
    ...(receiptsTo ? { receiptsTo } : {}),
    s3: readS3Options(reader),
    ...(context.artifacts ? { artifacts: context.artifacts } : {}),
    backupGraceSeconds: readRetentionPolicy(reader).graceSeconds,
    archiveEncryption: readEncryption(reader, context.secrets),
    secrets: context.secrets,
    log: context.log,
    signal: context.signal,
  });
  return {
    outputs: dataRetentionOutputs(result),
    results: dataRetentionSummaries(result),
    json: {
      dryRun,
      policySha256: result.policySha256,
      ...(result.policyCommit ? { policyCommit: result.policyCommit } : {}),
      plan: { ...result.plan, policy: undefined },
      ...(result.purge ? { purge: { ...result.purge, error: result.purge.error?.message } } : {}),
      ...(result.receipt ? { receipt: result.receipt } : {}),
      ...(result.rotation
        ? { rotation: { plans: result.rotation.plans, deletedIds: result.rotation.deletedIds } }
        : {}),
    },
    ...(result.failure ? { failure: result.failure } : {}),
  };
}
