/**
 * `keysSha256` of a subject erasure's receipt, on both engines: HMAC-SHA256 keyed with the database's tombstone salt
 * (tombstones.ts) over the keys, each as text followed by "\n", sorted. A plain SHA-256 of the subject's own entry (one
 * key) would let anyone holding the receipts confirm "was 42 erased?" by hashing candidate ids; keyed, only whoever
 * also holds the database or a backup of it (where the salt lives, never in a receipt) can recompute it.
 */
import { createHmac } from 'node:crypto';

export function subjectKeysHash(salt: string, keys: string[]): string {
  const hmac = createHmac('sha256', salt);
  for (const key of [...keys].sort()) hmac.update(`${key}\n`);
  return hmac.digest('hex');
}
