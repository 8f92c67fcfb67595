/**
 * Prisma's parameters on a PostgreSQL target's URL (parsed in target.ts, never applied to dbops's sessions): what the
 * migration operations read from them.
 */
import type { DatabaseTarget } from '../databases/engine.js';
import { asPgTarget } from '../databases/postgres/target.js';

function prismaParameters(target: DatabaseTarget | undefined): Record<string, string> | undefined {
  return target?.engine === 'postgresql' ? asPgTarget(target).prismaParameters : undefined;
}

/** The URL's `schema` parameter: where Prisma migrates and keeps `_prisma_migrations`. */
export function prismaSchemaOf(target: DatabaseTarget | undefined): string | undefined {
  return prismaParameters(target)?.schema || undefined;
}

/** `target` with Prisma's `schema` set (the command's DATABASE_URL carries it), its other Prisma parameters kept. */
export function withPrismaSchema(target: DatabaseTarget, schema: string | undefined): DatabaseTarget {
  if (!schema) return target;
  return { ...target, prismaParameters: { ...prismaParameters(target), schema } } as DatabaseTarget;
}

/**
 * Prisma's pgbouncer=true says the URL goes through a pooler, most likely in transaction mode, where the deploy
 * lock's lock and unlock may run on different server sessions (deploy-lock.ts lockNotHeld).
 */
export function pgbouncerWarning(target: DatabaseTarget): string | undefined {
  if (prismaParameters(target)?.pgbouncer !== 'true') return undefined;
  return (
    'database-url says pgbouncer=true: the deploy lock needs a session-mode connection (lock and unlock on one ' +
    'server session). Point database-url at the server directly (Prisma: directUrl) or at a session-mode pool.'
  );
}
