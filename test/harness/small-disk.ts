import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A file system that fills up: a tmpfs of a given size. Mounting needs root, or sudo without a password (GitHub's
 * runners); `available` says whether this machine can, so that a test can report itself skipped otherwise.
 */
export interface SmallDisk {
  path: string;
  unmount(): Promise<void>;
}

const sudo = process.getuid?.() === 0 ? false : canSudo() ? true : undefined;

export const smallDiskAvailable = sudo !== undefined;

export async function mountSmallDisk(bytes: number): Promise<SmallDisk> {
  if (sudo === undefined) throw new Error('Mounting a tmpfs needs root or passwordless sudo');
  const path = await mkdtemp(join(tmpdir(), 'dbops-small-disk-'));
  asAdmin('mount', ['-t', 'tmpfs', '-o', `size=${Math.ceil(bytes / 4096) * 4096},mode=1777`, 'tmpfs', path]);
  return {
    path,
    async unmount() {
      asAdmin('umount', [path]);
      await rm(path, { recursive: true, force: true });
    },
  };
}

function asAdmin(command: string, args: string[]): void {
  execFileSync(sudo ? 'sudo' : command, sudo ? ['-n', command, ...args] : args);
}

function canSudo(): boolean {
  try {
    execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
