/**
 * A pg_repack to put in front of the real one on PATH: it records its arguments, and waits until `release()` either
 * before it runs the real one or after the real one has exited successfully (the table swapped), so a test can act
 * between dbops's plan and pg_repack's start, or between pg_repack's swap and what dbops does after it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually } from './eventually.js';

export interface HeldBackPgRepack {
  /** PATH with this pg_repack first. */
  path: string;
  /** Resolves true once pg_repack is held (false after `timeoutMs`). */
  held(timeoutMs: number): Promise<boolean>;
  /** Lets it go on. */
  release(): Promise<void>;
  /** The arguments it was given. */
  args(): Promise<string[]>;
}

export async function heldBackPgRepack(dir: string, when: 'before' | 'after'): Promise<HeldBackPgRepack> {
  const real = execFileSync('sh', ['-c', 'command -v pg_repack'], { encoding: 'utf8' }).trim();
  const bin = join(dir, 'held-back-bin');
  const file = (name: string) => join(dir, `held-back-pg_repack-${name}`);
  const [args, held, release] = [file('args'), file('held'), file('release')];
  const wait = `touch '${held}'\nwhile [ ! -e '${release}' ]; do sleep 0.05; done\n`;
  await mkdir(bin);
  await writeFile(
    join(bin, 'pg_repack'),
    `#!/bin/sh
printf '%s\\n' "$@" > '${args}'
${when === 'before' ? wait : ''}'${real}' "$@" || exit $?
${when === 'after' ? wait : ''}`,
  );
  await chmod(join(bin, 'pg_repack'), 0o755);
  return {
    path: `${bin}:${process.env.PATH}`,
    held: (timeoutMs) => eventually(() => existsSync(held), timeoutMs),
    release: () => writeFile(release, ''),
    args: async () => (await readFile(args, 'utf8')).split('\n').filter(Boolean),
  };
}
