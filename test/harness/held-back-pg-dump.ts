/**
 * A pg-bin-dir whose pg_dump waits to start: it touches `started`, then waits until `release()` (`--version` answers
 * at once), so a test can act between dbops's snapshot and pg_dump's reading. pg_restore and psql are the real ones.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually } from './eventually.js';

export interface HeldBackPgDump {
  /** The folder to pass as pg-bin-dir. */
  bin: string;
  /** Resolves true once pg_dump has started and is held (false after `timeoutMs`). */
  started(timeoutMs: number): Promise<boolean>;
  /** Lets pg_dump go on. */
  release(): Promise<void>;
}

export async function heldBackPgDump(dir: string, realBinDir: string): Promise<HeldBackPgDump> {
  const bin = join(dir, 'held-back-bin');
  const started = join(dir, 'held-back-pg_dump-started');
  const release = join(dir, 'held-back-release');
  await mkdir(bin);
  for (const tool of ['pg_restore', 'psql']) await symlink(join(realBinDir, tool), join(bin, tool));
  await writeFile(
    join(bin, 'pg_dump'),
    `#!/bin/bash
if [ "$1" = --version ]; then exec '${realBinDir}/pg_dump' "$@"; fi
touch '${started}'
while [ ! -e '${release}' ]; do sleep 0.05; done
exec '${realBinDir}/pg_dump' "$@"
`,
  );
  await chmod(join(bin, 'pg_dump'), 0o755);
  return {
    bin,
    started: (timeoutMs) => eventually(() => existsSync(started), timeoutMs),
    release: () => writeFile(release, ''),
  };
}
