import { buffer } from 'node:stream/consumers';
import { DbopsError } from '../errors.js';
import type { PutOptions, Storage } from './types.js';

/**
 * Puts a small file that other runs read (a manifest, a verification record, a history entry) and reads it back
 * whole: it is stored exactly as sent, or this fails and nothing remains under the key. A storage can report success
 * for less than it was given (a nearly full disk, an S3-compatible server that rewrites bodies), and a record cut
 * short is only found when the next run trips over it.
 */
export async function putRecord(
  storage: Storage,
  key: string,
  content: Buffer,
  options: PutOptions = {},
): Promise<void> {
  await storage.put(key, content, options);
  let stored: Buffer;
  try {
    stored = await buffer(await storage.get(key, options.signal ? { signal: options.signal } : {}));
  } catch (error) {
    await storage.delete(key).catch(() => undefined);
    throw error;
  }
  if (!stored.equals(content)) {
    await storage.delete(key).catch(() => undefined);
    throw new DbopsError(
      'STORAGE_FAILED',
      `${storage.locate(key)} did not store what was written: ${stored.length} bytes read back, ${content.length} sent${stored.length === content.length ? ' (different content)' : ''}`,
      {
        hint: 'It was removed. The storage accepted the write but kept something else: check for a full disk or quota, or an S3-compatible server that alters uploads (try s3-checksum WHEN_REQUIRED).',
      },
    );
  }
}
