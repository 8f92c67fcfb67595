import type { RunContext } from './types.js';

/** What every operation takes from the adapter's run context: logging, cancellation, secrets, environment. */
export function operationContext(
  context: RunContext,
): Pick<RunContext, 'log' | 'secrets' | 'env' | 'signal' | 'github' | 'artifacts'> {
  return {
    log: context.log,
    secrets: context.secrets,
    env: context.env,
    signal: context.signal,
    ...(context.github ? { github: context.github } : {}),
    ...(context.artifacts ? { artifacts: context.artifacts } : {}),
  };
}
