// The policy file's git commit, read from a real temporary repository: the commit that last changed the file (not
// the repository's head), uncommitted changes (edited, staged, untracked), and nothing outside a checkout or
// without git; receipts (purge and subject erasure) carry it, and retention-verify reports the last one applied.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { policyCommit, policyCommitText } from '../../packages/core/src/data-retention/policy-commit.js';
import type { PurgeResult } from '../../packages/core/src/data-retention/purge.js';
import { appendReceipt, verifyReceiptChains } from '../../packages/core/src/data-retention/receipt-chain.js';
import { chainReceipt, receiptSha256, retentionReceipt } from '../../packages/core/src/data-retention/receipt.js';
import type { SubjectEraseResult } from '../../packages/core/src/data-retention/subject-erase.js';
import { subjectReceipt } from '../../packages/core/src/data-retention/subject-receipt.js';
import { retentionVerifySummary } from '../../packages/core/src/report/retention-verify-summary.js';
import { renderSummary } from '../../packages/core/src/report/render-summary.js';
import { LocalStorage } from '../../packages/core/src/storage/local.js';

const run = promisify(execFile);
let root: string;
let repo: string;
const git = async (...args: string[]) =>
  (await run('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args])).stdout.trim();
const commitAll = async (message: string) => {
  await git('add', '-A');
  await git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dbops-policy-commit-'));
  repo = join(root, 'repo');
  await mkdir(join(repo, '.github', 'dbops'), { recursive: true });
  await git('init', '-q');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const policyPath = () => join(repo, '.github', 'dbops', 'retention.yml');

test('the commit that last changed the file, not a later commit of other files', async () => {
  await writeFile(policyPath(), 'version: 1\n');
  await commitAll('first policy');
  await writeFile(policyPath(), 'version: 1\ndata: []\n');
  const changed = await commitAll('policy changed');
  await writeFile(join(repo, 'README.md'), 'unrelated\n');
  const head = await commitAll('unrelated change');
  expect(head).not.toBe(changed);
  expect(await policyCommit(policyPath())).toEqual({ sha: changed, uncommittedChanges: false });
  // A relative path is resolved from the working directory, and the file's own repository is asked.
  expect(await policyCommit(relative(process.cwd(), policyPath()))).toEqual({
    sha: changed,
    uncommittedChanges: false,
  });
  expect(policyCommitText({ sha: changed, uncommittedChanges: false })).toBe(changed.slice(0, 12));
});

test('an edited or staged file has uncommitted changes; an untracked one has no commit', async () => {
  await writeFile(policyPath(), 'version: 1\n');
  const sha = await commitAll('policy');
  await writeFile(policyPath(), 'version: 1\n# edited\n');
  expect(await policyCommit(policyPath())).toEqual({ sha, uncommittedChanges: true });
  await git('add', '-A');
  expect(await policyCommit(policyPath())).toEqual({ sha, uncommittedChanges: true });
  expect(policyCommitText({ sha, uncommittedChanges: true })).toBe(`${sha.slice(0, 12)} with uncommitted changes`);

  const other = join(repo, '.github', 'dbops', 'new.yml');
  await writeFile(other, 'version: 1\n');
  expect(await policyCommit(other)).toEqual({ uncommittedChanges: true });
  expect(policyCommitText({ uncommittedChanges: true })).toBe('not committed');
});

test('none outside a git checkout, nor when git cannot be run', async () => {
  const outside = join(root, 'retention.yml');
  await writeFile(outside, 'version: 1\n');
  expect(await policyCommit(outside)).toBeUndefined();
  expect(policyCommitText(undefined)).toBe('none (not in a git checkout)');

  // Without git on PATH: in a node of its own (the test's process.env is not what child processes get), on the
  // compiled module that the bundle is built from.
  await writeFile(policyPath(), 'version: 1\n');
  await commitAll('policy');
  const lib = pathToFileURL(join(process.cwd(), 'packages/core/lib/data-retention/policy-commit.js')).href;
  const script = `const { policyCommit } = await import(${JSON.stringify(lib)});
    console.log(JSON.stringify({ commit: await policyCommit(${JSON.stringify(policyPath())}) ?? null }));`;
  const withGit = await run(process.execPath, ['--input-type=module', '-e', script]);
  expect(JSON.parse(withGit.stdout).commit).toMatchObject({ uncommittedChanges: false });
  const noGit = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: join(root, 'no-such-bin') },
  });
  expect(JSON.parse(noGit.stdout)).toEqual({ commit: null });
});

const purge: PurgeResult = {
  startedAt: '2026-06-01T02:00:01.000Z',
  finishedAt: '2026-06-01T02:00:02.000Z',
  now: '2026-06-01T02:00:00.000Z',
  outcome: 'complete',
  rules: [],
  skipped: [],
  lagWaitMs: 0,
};

test('receipts carry the commit, in their hash; retention-verify shows the last one applied', async () => {
  await writeFile(policyPath(), 'version: 1\n');
  const sha = await commitAll('policy');
  const commit = await policyCommit(policyPath());
  const receipt = retentionReceipt(purge, 'a'.repeat(64), commit);
  expect(receipt.policyCommit).toEqual({ sha, uncommittedChanges: false });
  const without = retentionReceipt(purge, 'a'.repeat(64));
  expect('policyCommit' in without).toBe(false);
  expect(receiptSha256(receipt)).not.toBe(receiptSha256(without));
  expect(receiptSha256(receipt)).not.toBe(
    receiptSha256(retentionReceipt(purge, 'a'.repeat(64), { sha, uncommittedChanges: true })),
  );

  const erased: SubjectEraseResult = {
    table: 'public.users',
    id: '42',
    rule: 'deleted-accounts',
    action: 'erase',
    dryRun: false,
    startedAt: purge.startedAt,
    finishedAt: purge.finishedAt,
    tables: [],
    tombstones: 0,
  };
  expect(subjectReceipt(erased, 'b'.repeat(64), { uncommittedChanges: true }).policyCommit).toEqual({
    uncommittedChanges: true,
  });

  // The chain: a receipt from before policyCommit existed, then one with it; verify reports the last.
  const storage = new LocalStorage(join(root, 'receipts'), 'receipts-to');
  const first = chainReceipt(without, 'retention', undefined);
  await appendReceipt(storage, first);
  const second = chainReceipt(subjectReceipt(erased, 'b'.repeat(64), commit), 'retention', first);
  await appendReceipt(storage, second);
  const chains = await verifyReceiptChains(storage);
  expect(chains).toEqual([
    {
      policy: 'retention',
      receipts: 2,
      lastPolicy: {
        sequence: 2,
        finishedAt: purge.finishedAt,
        policySha256: 'b'.repeat(64),
        policyCommit: { sha, uncommittedChanges: false },
      },
    },
  ]);
  const text = renderSummary([
    retentionVerifySummary({ location: 'receipts', chains, archivesChecked: 0, archiveProblems: [] }),
  ]);
  expect(text).toContain('Last policy applied');
  expect(text).toContain(`commit ${sha.slice(0, 12)}, SHA-256 \`${'b'.repeat(12)}\` (receipt 2, ${purge.finishedAt})`);
});
