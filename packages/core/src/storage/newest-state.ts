// State that a run keeps for the next one in storage, where nothing is overwritten: one "<folder>/<time>.json" object
// per run, so the newest object is the state (monitor-report's history and alert state, the actions' failure state).
import { text } from 'node:stream/consumers';
import type { Logger } from '../log.js';
import type { Storage, StoredObject } from './types.js';

/**
 * A state object's own name, as stateKey writes it ("2026-12-07T19-07-17-123Z.json", "-<pid>" before ".json" when
 * two runs share a millisecond). The folder is shared with whatever else lives there: a deeper name's folder
 * ("prod/replica" under "prod"), or backups and manifests when the state sits at a backup location under a backup's
 * name. Only this pattern is the folder's state: reading another file would take its state, and pruning it would
 * delete it.
 */
const STATE_FILE = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z(?:-\d+)?\.json$/;

/** "<folder>/<time>.json": keys sort by time. `at` is an ISO 8601 time as toISOString writes it. */
export function stateKey(folder: string, at: string): string {
  return `${folder}/${at.replace(/[:.]/g, '-')}.json`;
}

/** The state objects directly in `folder`, oldest first: nothing of a deeper folder, no other file. */
export async function listStates(storage: Storage, folder: string): Promise<StoredObject[]> {
  const prefix = `${folder}/`;
  return (await storage.list(prefix)).filter((o) => STATE_FILE.test(o.key.slice(prefix.length)));
}

/**
 * The state in the newest state object in `folder`, as `read` takes it from the parsed JSON: `read` returns null when
 * the object keeps no state, undefined when it is not a state this version reads. Unreadable or unknown state is a
 * warning and starts afresh (undefined); it never fails the run.
 */
export async function readNewestState<T>(
  storage: Storage,
  folder: string,
  log: Logger,
  read: (json: unknown) => T | null | undefined,
): Promise<T | undefined> {
  const newest = (await listStates(storage, folder)).at(-1);
  if (!newest) return undefined;
  try {
    const state = read(JSON.parse(await text(await storage.get(newest.key))));
    if (state === undefined)
      log.warn(`The alert state in ${storage.locate(newest.key)} is not one this version reads: starting afresh`);
    return state ?? undefined;
  } catch (error) {
    log.warn(
      `Cannot read the alert state in ${storage.locate(newest.key)}, starting afresh: ${(error as Error).message}`,
    );
    return undefined;
  }
}
