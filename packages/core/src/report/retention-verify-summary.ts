import type { RetentionVerifyResult } from '../operations/retention-verify.js';
import type { LastPolicy } from '../data-retention/receipt-chain.js';
import { policyCommitText } from '../data-retention/policy-commit.js';
import { code, type Result, type Text } from './result.js';

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
        columns: ['Policy', 'Receipts', 'Chain', 'Last policy applied'],
        rows: result.chains.map((c) => [
          code(c.policy),
          String(c.receipts),
          c.broken
            ? [`broken at receipt ${c.broken.sequence} `, code(c.broken.key), `: ${c.broken.problem}`]
            : 'intact',
          c.lastPolicy ? lastPolicyText(c.lastPolicy) : '—',
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

/** Commit and SHA-256 of the policy the last receipt was made under; receipts older than policyCommit name none. */
function lastPolicyText(last: LastPolicy): Text {
  const commit = last.policyCommit ? `commit ${policyCommitText(last.policyCommit)}` : 'no commit recorded';
  return [
    `${commit}, SHA-256 `,
    code(last.policySha256.slice(0, 12)),
    ` (receipt ${last.sequence}, ${last.finishedAt})`,
  ];
}
