import { describeJudgement, type FreshnessResult } from '../operations/check-freshness.js';
import type { Result } from './result.js';

/** The verdict, then one line per backup name, the stalest first. */
export function freshnessSummary(result: FreshnessResult): Result {
  return {
    status: result.fresh ? 'ok' : 'failure',
    title: `Backups ${result.fresh ? 'are fresh' : 'are stale'}`,
    blocks: [
      {
        kind: 'list',
        items: result.names.map((c) => [
          { status: c.fresh ? 'ok' : 'failure' },
          ` The ${describeJudgement(c, result)}.`,
        ]),
      },
    ],
  };
}
