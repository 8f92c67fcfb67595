import { parseWindow, WINDOW_FORM } from '../maintenance-window/window.js';
import { readMonitorFindings } from '../maintenance/monitor-findings.js';
import { maintenance } from '../operations/maintenance.js';
import { maintenanceOutputs, maintenanceSummary } from '../report/maintenance-summary.js';
import { connectionInputs, readConnection } from './connection-inputs.js';
import {
  MAINTENANCE_GUARD_INPUTS,
  MAINTENANCE_MONGODB_INPUTS,
  MAINTENANCE_REBUILD_INPUTS,
  MAINTENANCE_THRESHOLD_INPUTS,
  readGuards,
  readRebuildPolicy,
  readThresholds,
} from './maintenance-inputs.js';
import { operationContext } from './operation-context.js';
import { InputReader } from './read-inputs.js';
import type { ActionDefinition, InputDefinition } from './types.js';

const inputs: InputDefinition[] = [
  ...connectionInputs(),
  {
    name: 'apply',
    description:
      'Run the plan\'s "apply" steps (VACUUM, REINDEX INDEX CONCURRENTLY, pg_repack, dropping what a failed rebuild or a killed pg_repack left). false: the plan only, nothing changes.',
    type: 'boolean',
    default: 'false',
  },
  {
    name: 'window',
    description: `When steps may start: ${WINDOW_FORM}. Outside it an apply run changes nothing and says when it opens next. Any time when unset.`,
    type: 'string',
  },
  {
    name: 'monitor-report',
    description:
      "Path of a monitor-report JSON report (report.json; monitor-report's report-path output) of the same database: its findings that maintenance answers (dead tuples, stale vacuum or statistics, transaction-ID age, table bloat, invalid, unused or duplicate indexes, sequences) plan their steps even below the thresholds, name the finding in the step's why and run first, critical before warning. PostgreSQL only.",
    type: 'string',
  },
  ...MAINTENANCE_GUARD_INPUTS,
  ...MAINTENANCE_REBUILD_INPUTS,
  ...MAINTENANCE_THRESHOLD_INPUTS,
  ...MAINTENANCE_MONGODB_INPUTS,
];

export const maintenanceDefinition: ActionDefinition = {
  name: 'maintenance',
  description:
    'Plan database maintenance from the live database (PostgreSQL: VACUUM, REINDEX CONCURRENTLY, indexes and sequences to look at; MongoDB: validate, compact) and, with apply, run it inside a maintenance window under lock and statement timeouts.',
  inputs,
  outputs: [
    { name: 'steps-planned', description: 'Steps of the plan that apply may run.' },
    { name: 'steps-applied', description: 'Steps that ran to completion.' },
    { name: 'steps-skipped', description: 'Steps not run: lock not available, window or max-runtime too short.' },
    { name: 'steps-failed', description: 'Steps that failed (the run fails).' },
    { name: 'next-window', description: 'Start (ISO 8601, UTC) of the current or next window; empty without one.' },
  ],
  run: async (raw, context) => {
    const reader = new InputReader(inputs, raw, context.env);
    const windowText = reader.optional('window');
    const monitorReport = reader.optional('monitor-report');
    const result = await maintenance({
      target: await readConnection(reader),
      apply: reader.boolean('apply'),
      ...(windowText ? { window: parseWindow(windowText, 'window'), windowText } : {}),
      thresholds: readThresholds(reader),
      rebuildPolicy: readRebuildPolicy(reader),
      validateFull: reader.boolean('validate-full'),
      ...(monitorReport ? { monitorFindings: await readMonitorFindings(monitorReport, 'monitor-report') } : {}),
      ...readGuards(reader),
      ...operationContext(context),
    });
    return {
      outputs: maintenanceOutputs(result),
      results: [maintenanceSummary(result)],
      json: result,
      ...(result.failure ? { failure: result.failure } : {}),
    };
  },
};
