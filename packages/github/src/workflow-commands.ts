/**
 * The runner's side of an action run: inputs from INPUT_* variables, workflow commands on stdout (`::error::`,
 * `::add-mask::`, `::group::`), outputs and the job summary appended to the files GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY name. The same protocol as @actions/core's functions of these names, which the adapter used
 * before: importing @actions/core 3 evaluates its OIDC client, and with it undici, a quarter of the bundle and
 * about a third of an action's start-up (bench/README.md, "Start-up and fixed overhead").
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { EOL } from 'node:os';

/** Where an annotation points; the names of @actions/core's AnnotationProperties. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

/** An input as the runner passes it (INPUT_<NAME>, spaces as underscores), trimmed; '' when unset. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** The runner masks this value in every later line of the log. */
export function setSecret(value: string): void {
  issue('add-mask', {}, value);
}

export function debug(message: string): void {
  issue('debug', {}, message);
}

export function info(message: string): void {
  process.stdout.write(message + EOL);
}

export function warning(message: string, properties: AnnotationProperties = {}): void {
  issue('warning', annotation(properties), message);
}

export function error(message: string, properties: AnnotationProperties = {}): void {
  issue('error', annotation(properties), message);
}

/** `fn`'s log lines folded under `title`. */
export async function group<T>(title: string, fn: () => Promise<T>): Promise<T> {
  issue('group', {}, title);
  try {
    return await fn();
  } finally {
    issue('endgroup', {}, '');
  }
}

/** A step output, as a heredoc in GITHUB_OUTPUT whose delimiter the value cannot contain. */
export function setOutput(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT;
  if (!file) {
    // Runners older than the output file read the deprecated command.
    process.stdout.write(EOL);
    issue('set-output', { name }, value);
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`Output ${name} contains its own delimiter ${delimiter}`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
}

/** Appends markdown to the job summary (GITHUB_STEP_SUMMARY). */
export async function appendSummary(markdown: string): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) {
    throw new Error(
      'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
    );
  }
  await appendFile(file, markdown, 'utf8');
}

function annotation(properties: AnnotationProperties): Record<string, string | number | undefined> {
  return {
    title: properties.title,
    file: properties.file,
    line: properties.startLine,
    endLine: properties.endLine,
    col: properties.startColumn,
    endColumn: properties.endColumn,
  };
}

/** `::command key=value,key=value::message`, with % CR LF escaped (and : , in properties) as the runner reads them. */
function issue(command: string, properties: Record<string, string | number | undefined>, message: string): void {
  const set = Object.entries(properties).filter(([, value]) => value !== undefined && value !== '' && value !== 0);
  const props = set.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
  process.stdout.write(`::${command}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`);
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
