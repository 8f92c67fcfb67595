// State that a run keeps for the next one in storage, where nothing is overwritten: one "<prefix>/<time>.json" object
// per run, so the newest object is the state (monitor-report's alert state, the actions' failure state).
import { text } from 'node:stream/consumers';
import type { Logger } from '../log.js';
import type { Storage } from './types.js';

/**
 * The state in the newest object under `prefix`, as `read` takes it from the parsed JSON: `read` returns null when
 * the object keeps no state, undefined when it is not a state this version reads. Unreadable or unknown state is a
 * warning and starts afresh (undefined); it never fails the run.
 */
export async function readNewestState<T>(
  storage: Storage,
  prefix: string,
  log: Logger,
  read: (json: unknown) => T | null | undefined,
): Promise<T | undefined> {
  const newest = (await storage.list(prefix)).filter((o) => o.key.endsWith('.json')).at(-1);
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
