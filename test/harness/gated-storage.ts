/**
 * Test harness: a local storage whose stored streams stop once `gateBytes` of one have passed, while `during` runs,
 * once. A test changes the database in the middle of a backup this way, whatever the server's speed. Buffers (the
 * manifest) pass untouched.
 */
import { pipeline, Transform, type Readable } from 'node:stream';
import { LocalStorage } from '../../packages/core/src/storage/index.js';
import type { Storage } from '../../packages/core/src/storage/types.js';

export interface GatedStorage {
  storage: Storage;
  /** Whether the gate opened: `during` ran while an object was being stored. */
  readonly ran: boolean;
}

export function gatedStorage(dir: string, during: () => Promise<void>, gateBytes = 1 << 20): GatedStorage {
  const storage = new LocalStorage(dir, 'to');
  let ran = false;
  const put: Storage['put'] = (key, body, putOptions) => {
    if (Buffer.isBuffer(body)) return storage.put(key, body, putOptions);
    let seen = 0;
    const gate = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        if (ran || seen < gateBytes) return callback(null, chunk);
        ran = true;
        during().then(() => callback(null, chunk), callback);
      },
    });
    return storage.put(key, pipeline(body, gate, () => undefined) as Readable, putOptions);
  };
  const gated = new Proxy(storage, {
    get: (target, property) => {
      if (property === 'put') return put;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    storage: gated,
    get ran() {
      return ran;
    },
  };
}
