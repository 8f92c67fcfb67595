import type { GitHubRunContext } from '@dbops/core';

/** The run a backup came from, read from the variables GitHub sets on every runner. */
export function githubRunContext(env: NodeJS.ProcessEnv): GitHubRunContext | undefined {
  const repository = env.GITHUB_REPOSITORY;
  const runId = env.GITHUB_RUN_ID;
  if (!repository || !runId) return undefined;
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const optional = (key: keyof GitHubRunContext, value: string | undefined) => (value ? { [key]: value } : {});
  return {
    repository,
    runId,
    ...optional('runAttempt', env.GITHUB_RUN_ATTEMPT),
    ...optional('workflow', env.GITHUB_WORKFLOW),
    ...optional('job', env.GITHUB_JOB),
    ...optional('sha', env.GITHUB_SHA),
    ...optional('ref', env.GITHUB_REF),
    ...optional('actor', env.GITHUB_ACTOR),
    runUrl: `${server}/${repository}/actions/runs/${runId}`,
  };
}
