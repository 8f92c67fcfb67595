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
  /** Shown in docs; every value arrives as a string and is parsed by the definition. */
  type?: 'string' | 'boolean' | 'integer' | 'list' | 'duration' | 'size' | 'enum';
  /** The values of an enum input, lowercase; InputReader.oneOf checks against them and the description names them. */
  values?: readonly string[];
}

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
  run(inputs: RawInputs, context: RunContext): Promise<ActionReport>;
}
