import { isAbsolute, relative } from 'node:path';
import * as core from '@actions/core';
import {
  asDbopsError,
  keepYoungGenerationSmall,
  loadDefinition,
  renderSummary,
  Secrets,
  type ActionDefinition,
  type ArtifactStorageOpener,
  type Logger,
  type RawInputs,
  type SourceLocation,
} from '@dbops/core';
import { ArtifactStorage, restArtifactLookup } from './artifact-storage.js';
import { githubRunContext } from './github-context.js';

/**
 * Runs the action of that name: what each actions/<name>/main.mjs calls in the one shared bundle. Its definition
 * (and with it its operation) is loaded now, so an action compiles only its own code.
 */
export async function runNamedAction(name: string): Promise<void> {
  keepYoungGenerationSmall();
  return runAction(await loadDefinition(name));
}

/**
 * Runs one action the way GitHub runs it: inputs from the workflow, secrets masked before anything is logged,
 * outputs and a job summary set, failures shown as an error annotation with the fix. SIGTERM/SIGINT (a cancelled
 * workflow) abort the operation, which stops its child processes and uploads.
 */
export async function runAction(definition: ActionDefinition): Promise<void> {
  const secrets = new Secrets();
  secrets.onAdd((value) => core.setSecret(value));

  const raw: RawInputs = {};
  for (const input of definition.inputs) {
    const value = core.getInput(input.name);
    if (input.secret) secrets.add(value);
    raw[input.name] = value;
  }
  // Secrets that arrive through the environment fallback (DATABASE_URL, AWS keys) are masked too.
  for (const input of definition.inputs.filter((i) => i.secret)) {
    for (const variable of input.env ?? []) secrets.add(process.env[variable]);
  }

  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    core.warning(`Received ${signal}: cancelling ${definition.name}`);
    abort.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  const log: Logger = {
    debug: (message) => core.debug(secrets.redact(message)),
    info: (message) => core.info(secrets.redact(message)),
    warn: (message, at) => core.warning(secrets.redact(message), annotationProperties(at)),
    error: (message, at) => core.error(secrets.redact(message), annotationProperties(at)),
    group: (title, fn) => core.group(secrets.redact(title), fn),
  };

  try {
    const github = githubRunContext(process.env);
    const token = core.getInput('github-token') || undefined;
    // @actions/artifact is most of the bundle: loaded only by a run that uses artifact:// storage.
    const artifacts: ArtifactStorageOpener = async (name, { retentionDays }) =>
      ArtifactStorage.open(name, {
        api: new (await import('@actions/artifact')).DefaultArtifactClient(),
        lookup: restArtifactLookup(
          process.env.GITHUB_API_URL ?? 'https://api.github.com',
          process.env.GITHUB_REPOSITORY ?? '',
          token,
        ),
        repository: process.env.GITHUB_REPOSITORY ?? '',
        ...(token ? { token } : {}),
        ...(retentionDays ? { retentionDays } : {}),
        ...(process.env.RUNNER_TEMP ? { tempRoot: process.env.RUNNER_TEMP } : {}),
      });
    const report = await definition.run(raw, {
      log,
      secrets,
      env: process.env,
      signal: abort.signal,
      artifacts,
      ...(github ? { github } : {}),
    });
    for (const [name, value] of Object.entries(report.outputs)) core.setOutput(name, secrets.redact(value));
    await writeSummary(secrets.redact(renderSummary(report.results)));
    if (report.failure) fail(report.failure, secrets);
  } catch (error) {
    fail(error, secrets);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

/**
 * The job summary, when the runner offers one: without GITHUB_STEP_SUMMARY (an older or self-hosted runner, a local
 * runner such as act) it cannot be written, which is a warning; the run's own result and exit code stand.
 */
async function writeSummary(markdown: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    core.warning(`The job summary was not written: ${(error as Error).message}`);
  }
}

function fail(error: unknown, secrets: Secrets): void {
  const e = asDbopsError(error);
  const message = secrets.redact(e.message);
  const hint = e.hint ? secrets.redact(e.hint) : undefined;
  core.error(hint ? `${message}\nFix: ${hint}` : message, {
    title: `dbops ${e.code}${e.input ? ` (input ${e.input})` : ''}`,
  });
  // What core.setFailed does, minus its second error annotation: the one above already carries the message.
  process.exitCode = 1;
}

/** An annotation on a file's line; GitHub wants the path relative to the workspace (the checkout). */
function annotationProperties(at: SourceLocation | undefined): core.AnnotationProperties {
  if (!at) return {};
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const file = isAbsolute(at.file) ? relative(workspace, at.file) : at.file;
  return { file, startLine: at.line, ...(at.column !== undefined ? { startColumn: at.column } : {}) };
}
