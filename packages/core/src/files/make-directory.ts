import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * `mkdir -p`. Node's recursive mkdir loops for ever where a file system answers ENOENT for a directory it will
 * not create under an existing parent (/proc, /sys): this one creates each missing level itself and fails there.
 * A regular file in the way fails with ENOTDIR, as the system calls would.
 */
export async function makeDirectory(directory: string): Promise<void> {
  const missing: string[] = [];
  for (let current = path.resolve(directory); ; current = path.dirname(current)) {
    const info = await fs.stat(current).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    });
    if (info?.isDirectory()) break;
    if (info)
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${directory}' (${current} is a file)`), {
        code: 'ENOTDIR',
        path: current,
      });
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const level of missing) {
    await fs.mkdir(level).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // made meanwhile by another run
    });
  }
}
