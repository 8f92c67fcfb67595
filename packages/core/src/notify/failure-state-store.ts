// Where the failure lifecycle keeps its state between runs: one small JSON object per run under
// "<key>/<timestamp>.json" in the alert-state storage (storages never overwrite, so the newest object is the state),
// the older ones pruned. The state holds times, counts, channel ids and error messages that have passed the secret
// register: never a URL, a routing or API key, or a password.
import type { Logger } from '../log.js';
import { listStates, readNewestState, stateKey } from '../storage/newest-state.js';
import type { Storage } from '../storage/types.js';
import { type FailureState, parseFailureState } from './failure-lifecycle.js';

/** Objects kept per key: the newest is the state, the rest are a short trail for whoever looks. */
const KEEP = 10;

/** `channels`: this run's, which an older state (version 1, kept without channels) is taken to have told. */
export function readFailureState(
  storage: Storage,
  key: string,
  channels: string[],
  log: Logger,
): Promise<FailureState | undefined> {
  return readNewestState(storage, key, log, (json) => parseFailureState(json, channels));
}

/** Stores this run's state, then removes all but the newest KEEP objects of the key. */
export async function writeFailureState(storage: Storage, key: string, state: FailureState, now: Date): Promise<void> {
  const name = stateKey(key, now.toISOString());
  // Two runs in the same millisecond: the second keeps its state under a suffixed name rather than failing.
  const taken = await storage.stat(name);
  await storage.put(
    taken ? name.replace(/\.json$/, `-${process.pid}.json`) : name,
    Buffer.from(JSON.stringify(state)),
    {
      contentType: 'application/json',
    },
  );
  // Only the key's own state objects: alert-state may be a backup location, and the key a backup's name.
  const objects = await listStates(storage, key);
  for (const old of objects.slice(0, Math.max(0, objects.length - KEEP))) await storage.delete(old.key);
}
