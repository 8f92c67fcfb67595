import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A file system without hard links: an exFAT image on a loop device, mounted through FUSE (exfat-fuse; no kernel
 * module needed), as a USB disk or a share formatted exFAT would be. Needs root, /dev/fuse, losetup, mkfs.exfat and
 * mount.exfat-fuse (scripts/install-test-deps.sh installs the last two); `noLinkDiskUnavailable` says what is
 * missing, so that a test can report itself skipped otherwise.
 */
export interface NoLinkDisk {
  path: string;
  unmount(): Promise<void>;
}

export const noLinkDiskUnavailable = missing();

export async function mountNoLinkDisk(): Promise<NoLinkDisk> {
  if (noLinkDiskUnavailable) throw new Error(`Cannot mount an exFAT volume: ${noLinkDiskUnavailable}`);
  const work = await mkdtemp(join(tmpdir(), 'dbops-exfat-'));
  const image = join(work, 'volume.img');
  const path = join(work, 'mnt');
  await mkdir(path);
  const file = await open(image, 'w');
  await file.truncate(64 * 1024 * 1024); // sparse
  await file.close();
  execFileSync('mkfs.exfat', [image], { stdio: 'ignore' });
  const device = execFileSync('losetup', ['--find', '--show', image], { encoding: 'utf8' }).trim();
  try {
    execFileSync('mount.exfat-fuse', [device, path], { stdio: 'ignore' });
  } catch (error) {
    execFileSync('losetup', ['-d', device]);
    throw error;
  }
  return {
    path,
    async unmount() {
      execFileSync('umount', [path]);
      execFileSync('losetup', ['-d', device], { stdio: 'ignore' });
      await rm(work, { recursive: true, force: true });
    },
  };
}

function missing(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  if (!existsSync('/dev/fuse')) return 'no /dev/fuse';
  for (const tool of ['losetup', 'mkfs.exfat', 'mount.exfat-fuse']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed`;
    }
  }
  return undefined;
}
