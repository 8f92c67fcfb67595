import type { Logger } from '../log.js';
import type { Secrets } from '../secrets.js';
import type { GitHubRunContext } from '../manifest/manifest.js';
import type { ArtifactStorageOpener } from '../storage/open-storage.js';
import type { Result } from '../report/result.js';

/**
 * An action's interface, defined once. action.yml, the CLI's flags and docs/reference are generated from it
 * (scripts/generate.mjs), and both adapters read inputs through it.
 */
export interface InputDefinition {
  /** kebab-case: the action input and the CLI flag (--name). */
  name: string;
  description: string;
  required?: boolean;
  /** Default as the string a user would type. */
  default?: string;
  /** A default for action.yml only, such as '${{ github.token }}'. */
  actionDefault?: string;
  /** Masked on GitHub; the CLI also reads it from `env` so it need not sit in shell history. */
  secret?: boolean;
  /** Environment variables the CLI falls back to, in order. */
  env?: string[];
  /**
   * What the input holds. Every value arrives as a string; InputReader (or the parser its kind names) reads it, and
   * kindNote states the kind in action.yml, the CLI help and docs/reference. A secret is any kind with `secret`.
   */
  type: InputKind;
  /** The values of an enum input; InputReader.oneOf checks against them (case-insensitive) and the description names them. */
  values?: readonly string[];
  /** The bounds of an integer input (min defaults to 0, max to none); InputReader.integer checks them. */
  min?: number;
  max?: number;
  /** The schemes a url input takes, without '://' (https, postgres, smtps, ...). */
  schemes?: readonly string[];
}

export type InputKind = 'string' | 'boolean' | 'integer' | 'list' | 'duration' | 'size' | 'enum' | 'url';

export interface OutputDefinition {
  name: string;
  description: string;
}

/** Everything an adapter hands an action besides its inputs. */
export interface RunContext {
  log: Logger;
  secrets: Secrets;
  /** The environment for child processes and for the standard variables (AWS_REGION, ...). */
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  github?: GitHubRunContext;
  /** artifact:// storage, supplied by the GitHub adapter only. */
  artifacts?: ArtifactStorageOpener;
}

/** What an adapter shows once an action has run. */
export interface ActionReport {
  outputs: Record<string, string>;
  /** What the run shows a person: the GitHub adapter renders it as the job summary, the CLI as terminal text. */
  results: Result[];
  /** Machine-readable result (the CLI's --json). */
  json: unknown;
  /** When set, the run is reported as failed with this error after the summary is shown. */
  failure?: Error;
  /**
   * A document that is the command's output (subject-export without a file): the CLI prints it alone on stdout, and
   * the summary on stderr, so a pipe gets the document only.
   */
  document?: string;
}

export type RawInputs = Record<string, string | undefined>;

export interface ActionDefinition {
  name: string;
  /** Other names the CLI accepts for the command (`dbops monitor` for monitor-report). */
  aliases?: string[];
  /** One line, for action.yml and `dbops --help`. */
  description: string;
  inputs: InputDefinition[];
  outputs: OutputDefinition[];
  /** A command-line tool only (dbops list, dbops restore): no action.yml is generated. */
  cliOnly?: boolean;
  /** Also a subcommand of a group: ['subject', 'export'] makes `dbops subject export` run it too. */
  subcommand?: readonly [group: string, name: string];
  run(inputs: RawInputs, context: RunContext): Promise<ActionReport>;
}
