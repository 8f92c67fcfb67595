// The commands of examples/ (GitLab CI, a Kubernetes CronJob, cron) and of docs/install.md are what users copy:
// each `dbops ...` in them must parse as the CLI parses it (a known command, known flags, values where needed), and
// none may pass a secret input as a flag, where every process listing would show it (docs/architecture.md
// invariant 5): secrets come from the environment.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { definitions, type ActionDefinition } from '@dbops/core';
import { buildProgram } from '../../packages/cli/src/program.js';

interface Invocation {
  file: string;
  argv: string[];
}

/** Shell words of one command line: quotes and backslashes resolved, operators (&&, |, ;, >>, 2>&1...) as words. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (/[;&|<>]/.test(c)) {
      // In 2>&1 and 2>file the digits name the redirected descriptor: part of the operator, not a word.
      if (word !== undefined && !/^\d+$/.test(word)) words.push(word);
      const operator = /^(>>?(&\d+)?|<|&&|\|\||[;&|])/.exec(line.slice(i))![0];
      words.push(`\0${operator}`);
      i += operator.length - 1;
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * The argv of dbops in one command's words: `dbops ...`, `npx [--yes] dbops@<version> ...`, or `docker run ...
 * <image named dbops> ...` (the image's entrypoint is dbops); undefined for other commands (npm install dbops...).
 */
function dbopsArgv(command: string[]): string[] | undefined {
  const words = command.slice(command.findIndex((w) => !/^\w+=/.test(w))); // past VAR=value assignments
  const at = (pattern: RegExp) => {
    const i = words.findIndex((w, n) => n > 0 && pattern.test(w));
    return i < 0 ? undefined : words.slice(i + 1);
  };
  if (words[0] === 'dbops') return words.slice(1);
  if (words[0] === 'npx') return at(/^dbops(@[\w.-]+)?$/);
  if (words[0] === 'docker' && words[1] === 'run' && !words.includes('--entrypoint'))
    return at(/^(.+\/)?dbops(:[\w.-]+)?$/);
  return undefined;
}

/** The argv of each dbops command in a shell text. */
function dbopsInShell(file: string, text: string): Invocation[] {
  const invocations: Invocation[] = [];
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    if (/^\s*#/.test(line)) continue;
    let command: string[] = [];
    const words = shellWords(line);
    for (let i = 0; i <= words.length; i++) {
      const word = words[i];
      if (word === undefined || word.startsWith('\0')) {
        const argv = dbopsArgv(command);
        if (argv) invocations.push({ file, argv });
        command = [];
        // A redirection's target (>> file, < file) is not part of the next command; 2>&1 has none.
        if (word && /^\0[<>]+$/.test(word)) i++;
      } else command.push(word);
    }
  }
  return invocations;
}

async function exampleInvocations(): Promise<Invocation[]> {
  const found: Invocation[] = [];

  const gitlab = 'examples/gitlab-ci.yml';
  for (const job of Object.values<{ script?: string[] }>(parse(await readFile(gitlab, 'utf8')))) {
    for (const line of job.script ?? []) found.push(...dbopsInShell(gitlab, line));
  }

  const kubernetes = 'examples/kubernetes-cronjob.yaml';
  const cronJob = parse(await readFile(kubernetes, 'utf8'));
  expect(cronJob).toMatchObject({ apiVersion: 'batch/v1', kind: 'CronJob' });
  for (const container of cronJob.spec.jobTemplate.spec.template.spec.containers) {
    // The image's entrypoint is dbops: args alone are its argv.
    const argv = [...(container.command ?? ['dbops']), ...(container.args ?? [])].map(String);
    expect(argv[0]).toBe('dbops');
    found.push({ file: kubernetes, argv: argv.slice(1) });
  }

  const cron = 'examples/crontab';
  for (const line of (await readFile(cron, 'utf8')).split('\n')) {
    // A schedule line: five time fields, then the command (variable lines and comments are not commands).
    const command = /^\s*(?:\S+\s+){5}(.*)$/.exec(line);
    if (command && !/^\s*#/.test(line) && !/^\w+=/.test(line)) found.push(...dbopsInShell(cron, command[1]!));
  }

  const docs = 'docs/install.md';
  for (const [, block] of (await readFile(docs, 'utf8')).matchAll(/```(?:sh|shell|bash|console)\n([\s\S]*?)```/g)) {
    found.push(...dbopsInShell(docs, block!));
  }
  return found;
}

const PROGRAM_FLAGS = ['--version', '-V', '--help', '-h'];

/** Parses argv as the CLI does, with each operation replaced by a recorder; returns the definition it reached. */
async function parseAsCli(argv: string[]): Promise<ActionDefinition | undefined> {
  let reached: ActionDefinition | undefined;
  const errors: string[] = [];
  const recording = definitions.map((d) => ({
    ...d,
    run: async () => {
      reached = d;
      return { outputs: {}, results: [], json: null };
    },
  }));
  const program = buildProgram(
    recording,
    { stdout: () => undefined, stderr: (t) => errors.push(t), env: {}, signal: new AbortController().signal },
    () => undefined,
  );
  // Commander's own messages (unknown option, help after an error) go to the errors, not the test's output.
  for (const command of [program, ...program.commands])
    command.configureOutput({ writeOut: () => undefined, writeErr: (t) => errors.push(t) });
  await program.parseAsync(['node', 'dbops', ...argv]).catch((error: Error) => {
    throw new Error(`dbops ${argv.join(' ')}: ${errors.join('') || error.message}`);
  });
  return reached;
}

test('every dbops command of the examples and docs/install.md parses, with no secret among its flags', async () => {
  const invocations = await exampleInvocations();
  for (const file of ['examples/gitlab-ci.yml', 'examples/kubernetes-cronjob.yaml', 'examples/crontab']) {
    expect({ file, backups: invocations.filter((i) => i.file === file && i.argv[0] === 'backup').length }).toEqual({
      file,
      backups: 1,
    });
  }
  expect(invocations.filter((i) => i.file === 'docs/install.md').length).toBeGreaterThan(3);

  for (const { file, argv } of invocations) {
    if (PROGRAM_FLAGS.includes(argv[0]!)) {
      expect({ file, argv }).toEqual({ file, argv: [argv[0]] });
      continue;
    }
    const definition = await parseAsCli(argv);
    expect({ file, argv, command: definition?.name }).toEqual({ file, argv, command: expect.any(String) });
    const secrets = definition!.inputs.filter((i) => i.secret).map((i) => `--${i.name}`);
    expect({ file, argv, secretFlags: argv.filter((w) => secrets.includes(w)) }).toEqual({
      file,
      argv,
      secretFlags: [],
    });
  }
});

test('the shell reading finds dbops commands as a shell would, and a wrong flag fails the parse', async () => {
  expect(
    dbopsInShell(
      't',
      'set -a && . /etc/env && dbops backup --to "/var/b k" >> /var/log/x.log 2>&1\nnpx dbops@1.2.3 list --from s3://b/p\n' +
        'npm install -g dbops; docker build -t dbops . && docker run --rm -e A=1 \\\n  x/dbops:1 list --from /b',
    ),
  ).toEqual([
    { file: 't', argv: ['backup', '--to', '/var/b k'] },
    { file: 't', argv: ['list', '--from', 's3://b/p'] },
    { file: 't', argv: ['list', '--from', '/b'] },
  ]);
  await expect(parseAsCli(['backup', '--to', '/b', '--keep-dayly', '3'])).rejects.toThrow(
    /unknown option '--keep-dayly'/,
  );
  await expect(parseAsCli(['backup', '--to'])).rejects.toThrow(/argument missing/);
});
