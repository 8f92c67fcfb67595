import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces a set of files all or nothing: each is written whole to a temp file beside it (a dot name ending in .tmp,
 * which a Prometheus textfile collector ignores) and flushed; only when all are written are they renamed over the
 * old ones. A full disk then fails the run and leaves the previous files as they were, never half a file to read.
 */
export async function replaceFiles(files: Array<{ path: string; text: string }>): Promise<void> {
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const temps = files.map((f) => join(dirname(f.path), `.${basename(f.path)}.${suffix}`));
  try {
    for (const [i, f] of files.entries()) await writeWhole(temps[i]!, f.text);
    for (const [i, f] of files.entries()) await rename(temps[i]!, f.path);
  } finally {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
  }
}

async function writeWhole(path: string, text: string): Promise<void> {
  const bytes = Buffer.from(text);
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    // A file system may accept fewer bytes than asked without an error: the size on disk is the proof.
    const { size } = await handle.stat();
    if (size !== bytes.length)
      throw Object.assign(new Error(`short write: ${size} of ${bytes.length} bytes`), { code: 'EIO' });
    await handle.sync();
  } finally {
    await handle.close();
  }
}
