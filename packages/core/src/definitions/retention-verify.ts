import { retentionVerify } from '../operations/retention-verify.js';
import { retentionVerifySummary } from '../report/retention-verify-summary.js';
import { InputReader } from './read-inputs.js';
import { readS3Options, S3_INPUTS } from './storage-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  {
    name: 'receipts',
    description: 'Where retention-purge stored its receipts (its receipts-to): a directory or s3://bucket/prefix.',
    type: 'string',
    required: true,
  },
  ...S3_INPUTS,
];

/** `dbops retention-verify`: checks the receipt chains a data-retention purge wrote; exit 1 when one is broken. */
export const retentionVerifyDefinition: ActionDefinition = {
  name: 'retention-verify',
  description:
    "Check the hash chain of data-retention receipts: each receipt's own SHA-256 and its link to the one before; names the first tampered entry.",
  cliOnly: true,
  inputs,
  outputs: [
    { name: 'receipts', description: 'How many receipts were checked.' },
    { name: 'broken', description: 'The first broken receipt, if any.' },
  ],
  async run(raw, context) {
    const reader = new InputReader(inputs, raw, context.env);
    const result = await retentionVerify({
      receipts: reader.required('receipts', 'a directory or s3://bucket/prefix'),
      s3: readS3Options(reader),
      ...(context.artifacts ? { artifacts: context.artifacts } : {}),
    });
    const broken = result.chains.find((c) => c.broken)?.broken;
    return {
      outputs: {
        receipts: String(result.chains.reduce((sum, c) => sum + c.receipts, 0)),
        broken: broken?.location ?? '',
      },
      results: [retentionVerifySummary(result)],
      json: { location: result.location, chains: result.chains },
      ...(result.failure ? { failure: result.failure } : {}),
    };
  },
};
