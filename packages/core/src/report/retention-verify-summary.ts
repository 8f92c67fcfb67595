import type { RetentionVerifyResult } from '../operations/retention-verify.js';
import { code, type Result } from './result.js';

/** Each receipt chain: how many receipts, intact or where it breaks. */
export function retentionVerifySummary(result: RetentionVerifyResult): Result {
  const broken = result.chains.some((c) => c.broken);
  const total = result.chains.reduce((sum, c) => sum + c.receipts, 0);
  return {
    status: result.failure ? 'failure' : 'ok',
    title: [
      'Retention receipts in ',
      code(result.location),
      broken ? ': the chain is broken' : `: ${total} receipts, every link intact`,
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
    ],
  };
}
