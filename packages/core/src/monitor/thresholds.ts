import { invalidInput } from '../errors.js';
import { readInputFile } from '../files/read-input-file.js';
import { readDuration } from '../duration.js';
import { readSize } from '../size.js';
import type { CheckDefinition } from './check.js';
import type { Unit } from './types.js';

/** What the thresholds file says about one check, merged over the check's defaults. */
export interface CheckSettings {
  enabled: boolean;
  warning?: number;
  critical?: number;
  params: Record<string, number>;
  /** Glob patterns (schema.table, or a subject such as a setting name) this check leaves out. */
  exclude: string[];
}

export interface MonitorSettings {
  /** Tables every check leaves out. */
  exclude: string[];
  checks: Record<string, CheckSettings>;
}

const INPUT = 'thresholds';
const TOP_KEYS = ['version', 'exclude', 'checks'];
const CHECK_KEYS = ['enabled', 'warning', 'critical', 'exclude'];

export function defaultSettings(checks: CheckDefinition[]): MonitorSettings {
  return {
    exclude: [],
    checks: Object.fromEntries(
      checks.map((c) => [
        c.id,
        {
          enabled: true,
          ...(c.warning !== undefined ? { warning: c.warning } : {}),
          ...(c.critical !== undefined ? { critical: c.critical } : {}),
          params: Object.fromEntries(Object.entries(c.params ?? {}).map(([name, p]) => [name, p.default])),
          exclude: [],
        },
      ]),
    ),
  };
}

export async function readThresholdsFile(path: string, checks: CheckDefinition[]): Promise<MonitorSettings> {
  const text = await readInputFile(
    path,
    INPUT,
    'the path of a YAML thresholds file, e.g. .github/dbops/thresholds.yml',
  );
  return parseThresholds(text, path, checks);
}

/**
 * Parses and validates a thresholds file. Every error names the file, the key path at fault and the valid form,
 * so a typo ("warnng", "tabel-bloat") is reported rather than silently ignored.
 */
export async function parseThresholds(
  text: string,
  source: string,
  checks: CheckDefinition[],
): Promise<MonitorSettings> {
  const fail = (path: string, problem: string, valid: string) =>
    invalidInput(INPUT, `file ${source}: ${path} ${problem}`, valid);
  // yaml is imported here, not at the top: its 70 modules were loaded by every command's start (bench/README.md).
  const { parse: parseYaml } = await import('yaml');
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw invalidInput(
      INPUT,
      `file ${source} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      'YAML such as "checks:\\n  table-bloat:\\n    warning: 40%"',
    );
  }
  const settings = defaultSettings(checks);
  if (doc === null || doc === undefined) return settings;
  if (!isMap(doc)) throw fail('the document', 'is not a mapping', `top-level keys: ${TOP_KEYS.join(', ')}`);

  for (const [key, value] of Object.entries(doc)) {
    if (!TOP_KEYS.includes(key)) throw fail(`'${key}'`, 'is not a known key', `top-level keys: ${TOP_KEYS.join(', ')}`);
    if (key === 'version' && value !== 1)
      throw fail('version', `is ${JSON.stringify(value)}`, 'version: 1 (or leave it out)');
  }
  settings.exclude = patternList(doc.exclude, 'exclude', fail);
  if (doc.checks === undefined || doc.checks === null) return settings;
  if (!isMap(doc.checks)) throw fail('checks', 'is not a mapping', 'checks:\n  <check-id>:\n    warning: ...');

  const byId = new Map(checks.map((c) => [c.id, c]));
  for (const [id, body] of Object.entries(doc.checks)) {
    const check = byId.get(id);
    if (!check) throw fail(`checks.${id}`, 'is not a known check', `one of: ${checks.map((c) => c.id).join(', ')}`);
    const target = settings.checks[id]!;
    if (body === false) {
      target.enabled = false;
      continue;
    }
    if (!isMap(body))
      throw fail(
        `checks.${id}`,
        'is not a mapping',
        'e.g. { warning: ..., critical: ..., enabled: false, exclude: [schema.table] }',
      );
    const paramNames = Object.keys(check.params ?? {});
    const known = [...CHECK_KEYS, ...paramNames];
    for (const [key, value] of Object.entries(body)) {
      const path = `checks.${id}.${key}`;
      if (!known.includes(key)) throw fail(path, 'is not a known setting', `one of: ${known.join(', ')}`);
      if (key === 'enabled') {
        if (typeof value !== 'boolean') throw fail(path, `is ${JSON.stringify(value)}`, 'true or false');
        target.enabled = value;
      } else if (key === 'exclude') {
        target.exclude = patternList(value, path, fail);
      } else if (key === 'warning' || key === 'critical') {
        // null or "off" removes a level, e.g. to keep a check at warnings only.
        if (value === null || value === 'off') delete target[key];
        else target[key] = parseValue(value, check.unit, path, fail);
      } else {
        target.params[key] = parseValue(value, check.params![key]!.unit, path, fail);
      }
    }
    const { warning, critical } = target;
    if (warning !== undefined && critical !== undefined) {
      const ordered = check.direction === 'above' ? warning <= critical : warning >= critical;
      if (!ordered) {
        throw fail(
          `checks.${id}`,
          `has warning ${warning} ${check.direction === 'above' ? 'above' : 'below'} critical ${critical}`,
          `for ${id} a value fires when it is ${check.direction === 'above' ? 'at or above' : 'below'} the threshold, so warning must be ${check.direction === 'above' ? '≤' : '≥'} critical`,
        );
      }
    }
  }
  return settings;
}

type Fail = (path: string, problem: string, valid: string) => Error;

const FORMS: Record<Unit, string> = {
  seconds: 'a duration such as 500ms, 90s, 5m, 1h30m or 7d (a bare number is seconds)',
  bytes: 'a size such as 1048576, 500kB, 10MB or 1.5GiB',
  ratio: 'a fraction from 0 to 1 or a percentage, e.g. 0.8 or 80%',
  count: 'a whole number ≥ 0',
  xids: 'a number of transactions ≥ 0, e.g. 500000000',
  flag: 'a number ≥ 0',
};

/** A threshold or parameter value in the unit of its check. */
export function parseValue(value: unknown, unit: Unit, path: string, fail: Fail): number {
  const bad = () => fail(path, `has the value ${JSON.stringify(value)}, which is not ${FORMS[unit]}`, FORMS[unit]);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw bad();
    if (unit === 'ratio' && value > 1) throw bad();
    if (unit === 'count' && !Number.isInteger(value)) throw bad();
    return value;
  }
  if (typeof value !== 'string') throw bad();
  // Durations and sizes use the grammar every input uses; a bare number is in the check's unit.
  if (unit === 'seconds' || unit === 'bytes') {
    const bare = /^\d+(?:\.\d+)?$/.test(value.trim());
    const result = bare ? Number(value) : unit === 'seconds' ? readDuration(value) : readSize(value);
    if (result === undefined) throw bad();
    return result;
  }
  const text = value.trim().toLowerCase();
  const match = /^(\d+(?:\.\d+)?)\s*([a-z%]*)$/.exec(text);
  if (!match) throw bad();
  const n = Number(match[1]);
  const suffix = match[2]!;
  let factor: number | undefined;
  if (unit === 'ratio') factor = suffix === '%' ? 1 / 100 : suffix === '' ? 1 : undefined;
  else factor = suffix === '' ? 1 : undefined;
  if (factor === undefined) throw bad();
  // Divide for percentages: 95 / 100 is exactly 0.95, 95 * 0.01 is not.
  const result = suffix === '%' ? n / 100 : n * factor;
  if (unit === 'ratio' && result > 1) throw bad();
  return result;
}

function patternList(value: unknown, path: string, fail: Fail): string[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p.trim() === '')) {
    throw fail(path, 'is not a list of patterns', 'a list such as [public.audit_log, archive.*]');
  }
  return list.map((p: string) => p.trim());
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether `name` matches one of the glob patterns (`*` any run of characters). A pattern without a schema
 * ("orders") matches that table in any schema.
 */
export function matchesAny(name: string, patterns: string[]): boolean {
  return patterns.some((pattern) => {
    const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
    if (regex.test(name)) return true;
    return !pattern.includes('.') && name.includes('.') && regex.test(name.slice(name.indexOf('.') + 1));
  });
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
