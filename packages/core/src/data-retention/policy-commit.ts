/**
 * The git commit a policy file was applied from, for receipts: the SHA-256 says what text ran, the commit says where
 * that text is reviewed and who changed it. Read from the file's own repository (git -C its folder), so a policy
 * outside the working directory's repository is still found; absent when there is no repository or no git.
 */
import { execFile } from 'node:child_process';
import { basename, dirname, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PolicyCommit {
  /** The commit that last changed the file (`git log -1`); absent when no commit has it yet (a new file). */
  sha?: string;
  /** `git status` lists the file (modified, staged or untracked): what ran is not what `sha` holds. */
  uncommittedChanges: boolean;
}

/**
 * The commit of the policy file at `path`; undefined when it is not in a git checkout or git cannot be run. In a
 * shallow clone (actions/checkout's default) the last change may lie before the fetched history: the commit is then
 * the oldest one fetched, which still holds exactly this file.
 */
export async function policyCommit(path: string): Promise<PolicyCommit | undefined> {
  const file = resolve(path);
  const git = async (...args: string[]) =>
    (await run('git', ['-C', dirname(file), ...args, '--', basename(file)], { maxBuffer: 1024 * 1024 })).stdout;
  try {
    const [log, status] = await Promise.all([git('log', '-1', '--format=%H'), git('status', '--porcelain')]);
    const sha = log.trim();
    return {
      ...(sha ? { sha } : {}),
      uncommittedChanges: status.trim() !== '' || !sha,
    };
  } catch {
    return undefined; // not a repository, no git, or a repository git refuses to read (another owner's)
  }
}

/** As summaries and retention-verify show it: `3f2a9c1b7d0e`, `3f2a9c1b7d0e with uncommitted changes`. */
export function policyCommitText(commit: PolicyCommit | undefined): string {
  if (!commit) return 'none (not in a git checkout)';
  if (!commit.sha) return 'not committed';
  return `${commit.sha.slice(0, 12)}${commit.uncommittedChanges ? ' with uncommitted changes' : ''}`;
}
