import type { RetentionVerifyResult } from '../operations/retention-verify.js';
import { code, type Result } from './result.js';

/** Each receipt chain: how many receipts, intact or where it breaks; then each archive that failed its check. */
export function retentionVerifySummary(result: RetentionVerifyResult): Result {
  const broken = result.chains.some((c) => c.broken);
  const total = result.chains.reduce((sum, c) => sum + c.receipts, 0);
  const archives = result.archiveProblems;
  const archived =
    archives.length > 0
      ? `, but ${archives.length} of ${result.archivesChecked} archives fail their check`
      : `, ${result.archivesChecked} archives present with their checksums`;
  return {
    status: result.failure ? 'failure' : 'ok',
    title: [
      'Retention receipts in ',
      code(result.location),
      broken ? ': the chain is broken' : `: ${total} receipts, every link intact${archived}`,
    ],
    blocks: [
      {
        kind: 'table',
        columns: ['Policy', 'Receipts', 'Chain'],
        rows: result.chains.map((c) => [
          code(c.policy),
          String(c.receipts),
          c.broken
            ? [`broken at receipt ${c.broken.sequence} `, code(c.broken.key), `: ${c.broken.problem}`]
            : 'intact',
        ]),
      },
      ...(archives.length > 0
        ? [
            {
              kind: 'table' as const,
              columns: ['Receipt', 'Rule', 'Archive', 'Problem'],
              rows: archives.map((a) => [
                code(a.receipt),
                a.partition ? [code(a.rule), ' partition ', code(a.partition)] : code(a.rule),
                code(a.location),
                a.problem,
              ]),
            },
          ]
        : []),
    ],
  };
}
