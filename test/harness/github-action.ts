/**
 * Test harness: a committed action run as GitHub runs it — `node actions/<name>/main.mjs` over the shared bundle, its
 * inputs in INPUT_* variables (every action.yml default filled in, as the runner does), outputs and the job summary
 * written to the files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name, annotations and masks as workflow commands on stdout.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Workflow commands (`::error file=...,line=...::message`) the run printed, masks left out. */
  commands: string[];
}

/**
 * Runs actions/<name>/main.mjs with `inputs` (names as in action.yml) and `env`; `cwd` is the workspace. Inputs not
 * given get their action.yml default, as the runner sets INPUT_* for every input that has one.
 */
export async function runActionAsGitHub(
  name: string,
  inputs: Record<string, string>,
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<ActionRun> {
  const files = await mkdtemp(join(tmpdir(), 'dbops-action-'));
  const outputFile = join(files, 'output');
  const summaryFile = join(files, 'summary.md');
  await Promise.all([writeFile(outputFile, ''), writeFile(summaryFile, '')]);
  const withDefaults = { ...(await actionDefaults(name)), ...inputs };
  const inputEnv = Object.fromEntries(Object.entries(withDefaults).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  try {
    const { code, stdout, stderr } = await spawnNode(
      join(ROOT, 'actions', name, 'main.mjs'),
      [],
      options.cwd ?? files,
      {
        ...cleanEnv(),
        ...inputEnv,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: options.cwd ?? files,
        RUNNER_TEMP: files,
        ...options.env,
      },
    );
    return {
      code,
      stdout,
      stderr,
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8'),
      commands: stdout.split('\n').filter((l) => l.startsWith('::') && !l.startsWith('::add-mask::')),
    };
  } finally {
    await rm(files, { recursive: true, force: true });
  }
}

/**
 * The defaults actions/<name>/action.yml declares, by input name; an expression (`${{ github.token }}`) is left out:
 * the runner evaluates it, and a test gives what it needs.
 */
export async function actionDefaults(name: string): Promise<Record<string, string>> {
  const action = parse(await readFile(join(ROOT, 'actions', name, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: string }>;
  };
  return Object.fromEntries(
    Object.entries(action.inputs ?? {}).flatMap(([input, { default: value }]) =>
      value === undefined || String(value).includes('${{') ? [] : [[input, String(value)]],
    ),
  );
}

/** The environment without what a run must get only from the test: PG*, AWS_*, DATABASE_URL, DBOPS_*, GITHUB_*, INPUT_*. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(PG|AWS_|DATABASE_URL|DBOPS_|GITHUB_|INPUT_|RUNNER_|NODE_OPTIONS)/.test(k),
    ),
  );
}

/** GITHUB_OUTPUT's format: `name=value` lines and `name<<DELIMITER` heredocs. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]!);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const simple = /^([^=]+)=(.*)$/.exec(lines[i]!);
    if (simple) outputs[simple[1]!] = simple[2]!;
  }
  return outputs;
}

/** Runs `node script args` in `cwd` with exactly `env`; resolves with its exit code and output. */
export function spawnNode(
  script: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
