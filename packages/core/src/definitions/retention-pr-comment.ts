import { fileAtCommit, pullRequestBaseSha } from '../data-retention/policy-at-commit.js';
import { policyLoosening } from '../data-retention/policy-changes.js';
import { parsePolicy, readPolicyFile } from '../data-retention/read-policy.js';
import { policyChangesSummary } from '../report/retention-policy-changes-summary.js';
import type { Result } from '../report/result.js';
import { PR_COMMENT_INPUTS, postSummaryComment } from './migrate-pr-comment.js';
import type { InputReader } from './read-inputs.js';
import type { ActionReport, InputDefinition, RunContext } from './types.js';

/** comment-on-pr for retention-purge: the same sticky comment mechanism as migrate-deploy's, under its own marker. */
export const RETENTION_PR_COMMENT_INPUTS: InputDefinition[] = PR_COMMENT_INPUTS.filter(
  // retention-purge has its github-token already (for artifact:// backups); the comment uses the same one.
  (input) => input.name === 'comment-on-pr',
).map((input) => ({
  ...input,
  description:
    "With policy and a dry run: keep one comment on the pull request with the plan and what the change loosens against the policy at the pull request's base commit (each rule whose keep or grace is shorter, each backups: keep-* setting that is lower, each minimum lowered or removed), updated in place on later runs; github-token needs pull-requests: write. Outside a pull request: a warning.",
}));

/** Its own marker: the migrate-deploy comment on the same pull request is left alone. */
export const RETENTION_PR_COMMENT_KEY = 'retention-purge';

/**
 * Posts or updates the plan comment; the caller has read comment-on-pr (true) before the run. Never fails the run:
 * problems are warnings.
 */
export async function commentRetentionPlan(
  reader: InputReader,
  report: ActionReport,
  context: RunContext,
  dryRun: boolean,
): Promise<void> {
  const warn = (why: string) => context.log.warn(`comment-on-pr: ${why}; no comment was posted.`);
  if (!dryRun) return warn('only a dry run posts its plan');
  await postSummaryComment(reader, context, RETENTION_PR_COMMENT_KEY, async () => [
    await policyChanges(reader.optional('policy')!, context.env),
    ...(report.results ?? []),
  ]);
}

/** The head's policy against the base's: what it loosens, or why they could not be compared. */
async function policyChanges(policyPath: string, env: NodeJS.ProcessEnv): Promise<Result> {
  const base = pullRequestBaseSha(env);
  if (!base) return policyChangesSummary('', { unknown: 'the event payload names no pull_request.base.sha' });
  const label = `${policyPath} at ${base.slice(0, 12)}`;
  const before = await fileAtCommit(policyPath, base);
  if ('absent' in before) return policyChangesSummary(label, { unknown: before.absent });
  try {
    const [baseText, head] = await Promise.all([parsePolicy(before.text, label), readPolicyFile(policyPath)]);
    return policyChangesSummary(label, policyLoosening(baseText, head));
  } catch (error) {
    return policyChangesSummary(label, { unknown: (error as Error).message });
  }
}
