/**
 * The policy file as a pull request's base commit had it, read from the checkout's own history with `git show`, so a
 * dry run on a pull request can say what the change shortens. The base commit is in the checkout only when it was
 * fetched (actions/checkout with fetch-depth: 0, or a fetch of the base): otherwise the caller says so.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The base commit of the pull request this run is for, from the event payload (pull_request.base.sha). */
export function pullRequestBaseSha(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      pull_request?: { base?: { sha?: unknown } };
    };
    const sha = event.pull_request?.base?.sha;
    return typeof sha === 'string' && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The file's text at `sha`; `{ absent }` when git cannot give it (the commit is not in the checkout, the file did not
 * exist there, no git): the reason, for a note in the comment. The path is resolved from the file's own folder.
 */
export async function fileAtCommit(path: string, sha: string): Promise<{ text: string } | { absent: string }> {
  const file = resolve(path);
  const git = (...args: string[]) => run('git', ['-C', dirname(file), ...args], { maxBuffer: 16 * 1024 * 1024 });
  try {
    await git('cat-file', '-e', `${sha}^{commit}`);
  } catch {
    return {
      absent: `the base commit ${sha.slice(0, 12)} is not in the checkout (actions/checkout with fetch-depth: 0 fetches it)`,
    };
  }
  try {
    return { text: (await git('show', `${sha}:./${basename(file)}`)).stdout };
  } catch {
    return { absent: `it did not exist at ${sha.slice(0, 12)}` };
  }
}
