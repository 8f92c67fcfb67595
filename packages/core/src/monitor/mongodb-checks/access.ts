import type { HealthCommands } from '../../databases/engine.js';
import type { CheckContext } from '../check.js';

/** The MongoDB commands a check runs; a MongoDB check run on a SQL engine fails saying so. */
export function commandsOf(context: CheckContext): HealthCommands {
  if (!context.commands) throw new Error('this check is for MongoDB, and the server is not MongoDB');
  return context.commands;
}

export type Doc = Record<string, unknown>;

/** serverStatus's section `name`, or undefined when the server does not report it (FerretDB lacks most). */
export async function serverStatusSection(commands: HealthCommands, name: string): Promise<Doc | undefined> {
  const status = await commands.command('admin', { serverStatus: 1 });
  const section = status[name];
  return typeof section === 'object' && section !== null ? (section as Doc) : undefined;
}

/** Why a check is skipped when serverStatus lacks the section it reads. */
export function missingSection(name: string): string {
  return `the server's serverStatus has no ${name} section (FerretDB does not report it), so there is nothing to check`;
}

/** A number out of a server document (BSON Long, Double or Int32 alike); undefined when absent. */
export function num(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The user collections of the report's database (views and system collections have no storage or indexes). */
export async function userCollections(commands: HealthCommands): Promise<string[]> {
  const listed = await commands.command(commands.database, {
    listCollections: 1,
    nameOnly: true,
    authorizedCollections: true,
    filter: { type: 'collection' },
  });
  const batch = ((listed.cursor as Doc | undefined)?.firstBatch ?? []) as Doc[];
  return batch
    .map((c) => String(c.name))
    .filter((name) => !name.startsWith('system.'))
    .sort();
}

/** Whether the server is a replica set member; checks of the set are skipped on others. */
export async function replicaSetName(commands: HealthCommands): Promise<string | undefined> {
  const hello = await commands.command('admin', { hello: 1 });
  return typeof hello.setName === 'string' ? hello.setName : undefined;
}

export const NOT_A_REPLICA_SET =
  'the server is not a replica set member (a standalone server, or FerretDB, which has no replication)';
