import { Command, Option } from 'commander';
import {
  asDbopsError,
  DBOPS_VERSION,
  formatLocation,
  kindNote,
  Secrets,
  type ActionDefinition,
  type Logger,
  type RawInputs,
} from '@dbops/core';
import { renderForTerminal } from './terminal-report.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

/** Exit codes: 0 success, 1 the operation failed, 2 the input was invalid. */
export function buildProgram(definitions: ActionDefinition[], io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('dbops')
    .description('Database operations you can trust with production data: verified, encrypted backups and more.')
    .version(DBOPS_VERSION)
    .showHelpAfterError()
    // Commander's own errors go through io too, with what was typed after an unknown flag's '=' left out: a typo
    // such as --databse-url=postgres://u:pw@h/db would otherwise echo the password. Set before the commands are
    // added, which copy it.
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(redactUsageError(text, definitions, io.env)),
    })
    // Usage errors (unknown option, missing value) exit 2 like invalid input, not commander's 1; see main.ts.
    .exitOverride();

  const groups = new Map<string, Command>();
  for (const definition of definitions) {
    const command = program.command(definition.name);
    if (definition.aliases) command.aliases(definition.aliases);
    addCommand(command, definition, io, setExitCode);
    if (definition.subcommand) {
      const [group, name] = definition.subcommand;
      let parent = groups.get(group);
      if (!parent) {
        parent = program.command(group).description(`${group} commands (also ${group}-<command>)`);
        groups.set(group, parent);
      }
      addCommand(parent.command(name), definition, io, setExitCode);
    }
  }
  return program;
}

/** The definition's inputs as flags, and its run as the command's action. */
function addCommand(command: Command, definition: ActionDefinition, io: CliIo, setExitCode: (code: number) => void) {
  command.description(definition.description);
  for (const input of definition.inputs) {
    const envNote = input.env?.length ? ` [env: ${input.env.join(', ')}]` : '';
    // A boolean flag may stand alone: `--dry-run` means `--dry-run true`.
    const flag = input.type === 'boolean' ? `--${input.name} [value]` : `--${input.name} <value>`;
    const option = new Option(flag, `${input.description}${kindNote(input)}${envNote}`);
    // An input named no-... (no-owner) is a flag of its own, not commander's negation of another one.
    option.negate = false;
    if (input.type === 'boolean') option.preset('true');
    if (input.default !== undefined) option.default(input.default);
    // Commander keeps only the last of a repeated option: a list collects every value (the reader splits on
    // newlines and commas), anything else given twice is refused rather than one of its values silently dropped.
    option.argParser((value: string, previous: unknown) => {
      if (command.getOptionValueSource(option.attributeName()) !== 'cli') return value;
      if (input.type === 'list') return `${previous}\n${value}`;
      return command.error(
        `error: option '--${input.name}' was given more than once: give it once (only list options such as --encrypt-to repeat)`,
        { exitCode: 2, code: 'dbops.repeatedOption' },
      );
    });
    command.addOption(option);
  }
  command.option('--json', 'print the result as JSON on stdout');
  command.action(async (flags: Record<string, string | boolean | undefined>) => {
    setExitCode(await runCommand(definition, flags, io));
  });
}

async function runCommand(
  definition: ActionDefinition,
  flags: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<number> {
  const secrets = new Secrets();
  const raw: RawInputs = {};
  for (const input of definition.inputs) {
    const value = flags[camelCase(input.name)];
    // Commander fills defaults in, as GitHub does: the reader counts a value equal to the default as not given, so env
    // fallbacks come before defaults and `given` means the same here and on GitHub.
    raw[input.name] = typeof value === 'string' ? value : undefined;
    if (input.secret) {
      secrets.add(raw[input.name]);
      for (const variable of input.env ?? []) secrets.add(io.env[variable]);
    }
  }
  const say = (line: string) => io.stderr(`${secrets.redact(line)}\n`);
  const log: Logger = {
    debug: (message) => (io.env.DBOPS_DEBUG ? say(`debug: ${message}`) : undefined),
    info: (message) => say(message),
    // A place in a file comes first, as compilers print it, so editors and terminals link it.
    warn: (message, at) => say(`${at ? `${formatLocation(at)}: ` : ''}warning: ${message}`),
    error: (message, at) => say(`${at ? `${formatLocation(at)}: ` : ''}error: ${message}`),
    group: async (title, fn) => {
      say(`▸ ${title}`);
      return fn();
    },
  };
  try {
    const report = await definition.run(raw, { log, secrets, env: io.env, signal: io.signal });
    if (flags.json) io.stdout(`${secrets.redact(JSON.stringify(report.json, null, 2))}\n`);
    else if (report.document !== undefined) {
      io.stdout(secrets.redact(report.document));
      io.stderr(`${secrets.redact(renderForTerminal(report.results))}\n`);
    } else io.stdout(`${secrets.redact(renderForTerminal(report.results))}\n`);
    if (report.failure) return fail(report.failure, say);
    return 0;
  } catch (error) {
    // With --json, a script reading stdout gets the error as JSON too (a failed report has printed its own).
    if (flags.json) io.stdout(`${secrets.redact(JSON.stringify({ error: errorJson(error) }, null, 2))}\n`);
    return fail(error, say);
  }
}

function fail(error: unknown, say: (line: string) => void): number {
  const e = asDbopsError(error);
  say(`error [${e.code}]: ${e.message}`);
  if (e.hint) say(`  fix: ${e.hint}`);
  return e.code === 'INVALID_INPUT' ? 2 : 1;
}

function errorJson(error: unknown): { code: string; message: string; input?: string; hint?: string } {
  const e = asDbopsError(error);
  return {
    code: e.code,
    message: e.message,
    ...(e.input ? { input: e.input } : {}),
    ...(e.hint ? { hint: e.hint } : {}),
  };
}

/**
 * A commander error as it may be shown: an option quoted with what followed its '=' (`'--databse-url=postgres://...'`)
 * keeps only its name, a URL's password is replaced, and the values of the secret inputs' environment variables too.
 */
export function redactUsageError(text: string, definitions: ActionDefinition[], env: NodeJS.ProcessEnv): string {
  const secrets = new Secrets();
  for (const input of definitions.flatMap((d) => d.inputs)) {
    if (input.secret) for (const variable of input.env ?? []) secrets.add(env[variable]);
  }
  const flagsOnly = text
    .replace(/'(--[^'=\s]*)[=\s][^']*'/g, "'$1'")
    // No dbops option is a short one: of `-Upw...` only `-U` is a flag.
    .replace(/'(-[^-'])[^']+'/g, "'$1'")
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:']*:)[^\s/?#@']*@/gi, '$1***@');
  return secrets.redact(flagsOnly);
}

function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
