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

/** `dbops retention-verify`: checks the receipt chains a data-retention purge wrote and the archives they name; exit 1 on a break. */
export const retentionVerifyDefinition: ActionDefinition = {
  name: 'retention-verify',
  description:
    "Check data-retention receipts: each receipt's own SHA-256, its link to the one before, and every archive object it names (read back: size and SHA-256); names the first tampered entry and each failing archive.",
  cliOnly: true,
  inputs,
  outputs: [
    { name: 'receipts', description: 'How many receipts were checked.' },
    { name: 'broken', description: 'The first broken receipt, if any.' },
    { name: 'archives', description: 'How many archive objects the receipts name were read back and checked.' },
    { name: 'archive-problems', description: 'How many of them are missing or differ from their receipt.' },
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
        archives: String(result.archivesChecked),
        'archive-problems': String(result.archiveProblems.length),
      },
      results: [retentionVerifySummary(result)],
      json: {
        location: result.location,
        chains: result.chains,
        archivesChecked: result.archivesChecked,
        archiveProblems: result.archiveProblems,
      },
      ...(result.failure ? { failure: result.failure } : {}),
    };
  },
};
