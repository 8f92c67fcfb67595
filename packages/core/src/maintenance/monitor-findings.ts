// monitor-report's findings as input to the maintenance plan (the monitor-report input: its report.json). A finding
// whose check maps to maintenance steps makes its object's step planned even below the plan's own thresholds, names
// the finding in the step's why, and moves the step ahead (critical first) so that a short window runs it first.
import { readFile } from 'node:fs/promises';
import { invalidInput } from '../errors.js';
import type { Finding } from '../monitor/types.js';
import type { MaintenanceStep, StepKind } from './step.js';

export interface MonitorFindings {
  /** The file as the user named it. */
  file: string;
  generatedAt: string;
  /** The database the report is about, and the server's host and port as monitor-report connected to them. */
  database: string;
  host: string;
  port: number;
  findings: Finding[];
}

const FORM =
  "the path of a monitor-report JSON report (report.json in monitor-report's output-dir; its report-path output), schemaVersion 2";

/** Reads and checks the report; anything else is an INVALID_INPUT error naming `input`. */
export async function readMonitorFindings(file: string, input: string): Promise<MonitorFindings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : String(code ?? error);
    throw invalidInput(input, `names '${file}', which cannot be read: ${problem}`, FORM);
  }
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (error) {
    throw invalidInput(input, `names '${file}', which is not JSON (${(error as Error).message})`, FORM);
  }
  const bad = (what: string) =>
    invalidInput(input, `names '${file}', which is not a monitor-report report: ${what}`, FORM);
  if (typeof report !== 'object' || report === null || Array.isArray(report)) throw bad('not a JSON object');
  const r = report as {
    schemaVersion?: unknown;
    generatedAt?: unknown;
    database?: { name?: unknown; host?: unknown; port?: unknown };
    checks?: unknown;
  };
  if (r.schemaVersion !== 2) throw bad(`schemaVersion is ${JSON.stringify(r.schemaVersion)}, not 2`);
  if (typeof r.generatedAt !== 'string') throw bad('no generatedAt');
  if (typeof r.database?.name !== 'string') throw bad('no database.name');
  if (typeof r.database.host !== 'string' || typeof r.database.port !== 'number')
    throw bad('no database.host and database.port');
  if (!Array.isArray(r.checks)) throw bad('no checks array');
  const findings: Finding[] = [];
  for (const [i, check] of (r.checks as Array<{ findings?: unknown } | null>).entries()) {
    if (!Array.isArray(check?.findings)) throw bad(`checks[${i}] has no findings array`);
    for (const [j, f] of (check.findings as Array<Partial<Finding> | null>).entries()) {
      const ok =
        typeof f?.check === 'string' &&
        (f.severity === 'critical' || f.severity === 'warning') &&
        typeof f.subject === 'string' &&
        typeof f.value === 'number' &&
        typeof f.threshold === 'number';
      if (!ok) throw bad(`checks[${i}].findings[${j}] lacks check, severity, subject, value or threshold`);
      findings.push(f as Finding);
    }
  }
  const { name, host, port } = r.database as { name: string; host: string; port: number };
  return { file, generatedAt: r.generatedAt, database: name, host, port, findings };
}

/** Which monitor checks each step kind answers: a finding of one of them names the step as its remedy. */
const VACUUMED = ['dead-tuples', 'vacuum-staleness', 'analyze-staleness'];
const FROZEN = ['xid-wraparound', 'multixact-wraparound'];
export const CHECKS_FOR_STEP: Partial<Record<StepKind, readonly string[]>> = {
  'vacuum-analyze': VACUUMED,
  'vacuum-freeze': [...FROZEN, ...VACUUMED],
  // A rewrite leaves no dead rows, fresh statistics and new transaction IDs.
  'repack-table': ['table-bloat', ...VACUUMED, ...FROZEN],
  'vacuum-full': ['table-bloat', ...VACUUMED, ...FROZEN],
  'reindex-invalid': ['invalid-indexes'],
  'drop-invalid-leftover': ['invalid-indexes'],
  'drop-unused-index': ['unused-indexes'],
  'drop-duplicate-index': ['duplicate-indexes'],
  'widen-sequence': ['sequence-exhaustion'],
  'tune-autovacuum': ['dead-tuples', 'vacuum-staleness'],
};
/** Checks the plan raises steps for even below its own thresholds (the others only add their reason). */
export const RAISING_CHECKS = {
  vacuum: VACUUMED,
  freeze: FROZEN,
  bloat: ['table-bloat'],
  sequence: ['sequence-exhaustion'],
};

/** Findings by the quoted, qualified name of their subject ("public"."items"), as the plan names objects. */
export type FindingsByObject = ReadonlyMap<string, readonly Finding[]>;

/** The findings of `object` from `checks`. */
export function findingsOf(byObject: FindingsByObject, object: string, checks: readonly string[]): Finding[] {
  return (byObject.get(object) ?? []).filter((f) => checks.includes(f.check));
}

const describe = (f: Finding) => `${f.check} ${f.severity} (${round(f.value)} past ${round(f.threshold)})`;
const round = (x: number) => String(Number(x.toPrecision(3)));

/**
 * Names each step's findings in its why and `findings`, then orders the steps: what a killed pg_repack left first
 * (a rebuild is refused until it is gone), then steps with a critical finding, then a warning, then the rest, each
 * group in the plan's order. Returns the findings no step answers.
 */
export function attachFindings(
  steps: MaintenanceStep[],
  byObject: FindingsByObject,
  generatedAt: string,
): { steps: MaintenanceStep[]; unused: Finding[] } {
  const used = new Set<Finding>();
  const rank = new Map<MaintenanceStep, number>();
  const named = steps.map((step) => {
    const found = findingsOf(byObject, step.object, CHECKS_FOR_STEP[step.kind] ?? []);
    if (step.kind === 'drop-repack-leftovers') rank.set(step, 0);
    if (found.length === 0) return step;
    for (const f of found) used.add(f);
    const named: MaintenanceStep = {
      ...step,
      why: `${step.why}; monitor-report of ${generatedAt}: ${found.map(describe).join(', ')}`,
      findings: found.map((f) => `${f.check} ${f.severity}`),
    };
    rank.set(named, found.some((f) => f.severity === 'critical') ? 1 : 2);
    return named;
  });
  const ordered = named
    .map((step, i) => ({ step, i, r: rank.get(step) ?? 3 }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.step);
  const unused = [...byObject.values()].flat().filter((f) => !used.has(f));
  return { steps: ordered, unused };
}
