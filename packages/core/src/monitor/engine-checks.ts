import type { EngineName } from '../databases/engine.js';
import type { CheckDefinition } from './check.js';
import { POSTGRES_CHECKS } from './checks/index.js';
import { MONGODB_CHECKS } from './mongodb-checks/index.js';

const CHECKS: Record<EngineName, CheckDefinition[]> = { postgresql: POSTGRES_CHECKS, mongodb: MONGODB_CHECKS };

/** The checks monitor-report runs on an engine's servers (and that its thresholds file may name). */
export function healthChecksFor(engine: EngineName): CheckDefinition[] {
  return CHECKS[engine];
}
