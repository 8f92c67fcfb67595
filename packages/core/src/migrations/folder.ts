/** Reading a migrations folder: its entries and files, with errors that say which folder and why. */
import { readdir, readFile, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { DbopsError } from '../errors.js';
import { sha256Hex } from './checksum.js';

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

export async function folderEntries(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw noMigrationsFolder(folder);
    throw error;
  }
}

export function noMigrationsFolder(folder: string, foundFrom?: string): DbopsError {
  return new DbopsError(
    'INVALID_INPUT',
    `No migrations folder at ${folder}${foundFrom ? ` (from ${foundFrom})` : ''}`,
    {
      hint: 'Point dbops at the folder that holds the migrations, or create the first migration with your tool.',
    },
  );
}

/** A file's text and the sha256 of its bytes. */
export async function readMigrationFile(file: string): Promise<{ text: string; sha256: string }> {
  const bytes = await readFile(file);
  return { text: bytes.toString('utf8'), sha256: sha256Hex(bytes) };
}

/** Names in the order tools sort them: by code point, as Prisma and node-pg-migrate do. */
export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
