import { putRecord } from '../storage/put-record.js';
import type { Storage } from '../storage/types.js';

/**
 * A passed restore test leaves a small record beside the manifest: `<name>/<id>.verified-<UTC time>.json`. The key
 * alone says a backup is verified and when (no read needed to list), and each test adds a record rather than
 * overwriting one (invariant 2). Failed tests leave none: only proof counts.
 */
export interface VerificationRecord {
  backupId: string;
  verifiedAt: string;
  /** host:port of the server the backup was restored on (no credentials). */
  restoredOn: string;
  restoreSeconds: number;
  checksPassed: number;
  checkNames: string[];
  dbops: { version: string };
}

const RECORD = /^(.*)\/([^/]+)\.verified-(\d{8}T\d{6}Z)\.json$/;

export function verificationKey(name: string, backupId: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${name}/${backupId}.verified-${stamp}.json`;
}

/** Parses a record key into (name, backup id, time); undefined for other keys. */
export function parseVerificationKey(key: string): { name: string; backupId: string; verifiedAt: Date } | undefined {
  const m = RECORD.exec(key);
  if (!m) return undefined;
  const s = m[3]!;
  const verifiedAt = new Date(
    `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`,
  );
  return { name: m[1]!, backupId: m[2]!, verifiedAt };
}

export async function writeVerificationRecord(
  storage: Storage,
  name: string,
  record: VerificationRecord,
): Promise<string> {
  const key = verificationKey(name, record.backupId, new Date(record.verifiedAt));
  await putRecord(storage, key, Buffer.from(`${JSON.stringify(record, null, 2)}\n`), {
    contentType: 'application/json',
  });
  return key;
}
