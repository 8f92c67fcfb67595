import type { EngineName } from '../databases/engine.js';
import type { CheckDefinition } from './check.js';
import { POSTGRES_CHECKS } from './checks/index.js';
import { MONGODB_CHECKS } from './mongodb-checks/index.js';

const CHECKS: Record<EngineName, CheckDefinition[]> = { postgresql: POSTGRES_CHECKS, mongodb: MONGODB_CHECKS };

/** The checks monitor-report runs on an engine's servers (and that its thresholds file may name). */
export function healthChecksFor(engine: EngineName): CheckDefinition[] {
  return CHECKS[engine];
}

const PRODUCTS: Record<EngineName, string> = { postgresql: 'PostgreSQL', mongodb: 'MongoDB' };

/**
 * The product a report's checks were written for ("MongoDB"), for its headline: the renderers get the engine's check
 * definitions, not the engine. A list of neither engine's definitions (a test's own) reads as PostgreSQL.
 */
export function productOf(checks: CheckDefinition[]): string {
  const engines = Object.keys(CHECKS) as EngineName[];
  const engine = engines.find((name) => checks.some((check) => CHECKS[name].includes(check)));
  return PRODUCTS[engine ?? 'postgresql'];
}
