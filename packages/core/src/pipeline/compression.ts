import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import zlib from 'node:zlib';
import type { Duplex, Transform, Writable } from 'node:stream';
import { invalidInput } from '../errors.js';
import { processDuplex, spawnProcess, type ProcessExit } from './child-process.js';

export const COMPRESSIONS = ['zstd', 'gzip', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export const LEVELS: Record<Compression, { min: number; max: number; default: number }> = {
  zstd: { min: 1, max: 19, default: 3 },
  gzip: { min: 1, max: 9, default: 6 },
  none: { min: 0, max: 0, default: 0 },
};

export const EXTENSIONS: Record<Compression, string> = { zstd: '.zst', gzip: '.gz', none: '' };

export function parseCompression(text: string | undefined, input = 'compression'): Compression {
  const value = (text || 'zstd').trim().toLowerCase();
  if (!(COMPRESSIONS as readonly string[]).includes(value)) {
    throw invalidInput(input, `has an unknown value '${value}'`, `one of ${COMPRESSIONS.join(', ')}`);
  }
  return value as Compression;
}

export function parseLevel(text: string | undefined, compression: Compression, input = 'compression-level'): number {
  const range = LEVELS[compression];
  if (text === undefined || text.trim() === '') return range.default;
  const level = Number(text);
  if (!Number.isInteger(level) || level < range.min || level > range.max) {
    const valid =
      compression === 'none'
        ? 'no level with compression none'
        : `a whole number from ${range.min} to ${range.max} for ${compression}`;
    throw invalidInput(input, `'${text}' is not a valid level`, valid);
  }
  return level;
}

// The zstd command is preferred where it is installed (GitHub's runners have it): in this pipeline it costs half
// the CPU of zlib's zstd in Node 24 (bench/README.md) and runs on another core. Node 22.15+ falls back to zlib.
type ZstdZlib = {
  createZstdCompress?: (options: { params: Record<number, number>; pledgedSrcSize?: number }) => Transform;
  createZstdDecompress?: () => Transform;
  zstdCompressSync?: (data: Buffer, options: { params: Record<number, number>; pledgedSrcSize?: number }) => Buffer;
  constants: Record<string, number>;
};
const zstdZlib = zlib as unknown as ZstdZlib;

export function hasBuiltinZstd(): boolean {
  return typeof zstdZlib.createZstdCompress === 'function';
}

let commandAvailable: boolean | undefined;

/**
 * Whether an executable zstd is on PATH (checked once). Looked up rather than run (`zstd --version`): starting a
 * process blocked every backup's start for 10-70 ms, more than any other step before pg_dump starts.
 */
export function hasZstdCommand(): boolean {
  commandAvailable ??= onPath('zstd', process.env.PATH ?? '');
  return commandAvailable;
}

function onPath(command: string, path: string): boolean {
  return path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        accessSync(join(dir, command), constants.X_OK);
        return statSync(join(dir, command)).isFile();
      } catch {
        return false;
      }
    });
}

export interface CodecOptions {
  /** Force the zstd command (tests cover both paths). */
  preferCommand?: boolean;
  /** Force zlib's zstd (Node 22.15+). */
  preferZlib?: boolean;
  /**
   * The exact number of bytes that will be compressed, when known (a finished file). zlib's zstd then sizes its
   * window and tables to the input (a few KiB for a small table's file, instead of about 3 MiB per compressor),
   * records the size in the frame, and fails if the input is not that size.
   */
  pledgedBytes?: number;
  signal?: AbortSignal;
}

export function createCompressor(
  compression: Compression,
  level: number,
  options: CodecOptions = {},
): Duplex | undefined {
  switch (compression) {
    case 'none':
      return undefined;
    case 'gzip':
      return zlib.createGzip({ level });
    case 'zstd':
      if (useZlib(options)) {
        // The frame checksum lets a decompressor notice corruption even in unencrypted backups (the CLI sets it too).
        return zstdZlib.createZstdCompress!({
          params: {
            [zstdZlib.constants.ZSTD_c_compressionLevel!]: level,
            [zstdZlib.constants.ZSTD_c_checksumFlag!]: 1,
          },
          ...(options.pledgedBytes === undefined ? {} : { pledgedSrcSize: options.pledgedBytes }),
        });
      }
      return processDuplex('zstd', zstdCompressArgs(level), { ...signalOption(options), onFailure: zstdFailure });
  }
}

/** Whether Node itself compresses (gzip, zlib's zstd where Node has it, or nothing to do), rather than the zstd command. */
export function compressesInProcess(compression: Compression): boolean {
  return compression !== 'zstd' || hasBuiltinZstd();
}

/**
 * A small buffer compressed whole, on this thread: the zlib stream an asynchronous call makes, and what it holds,
 * outlived young garbage collections by the thousand in a parallel backup (bench/README.md, memory at many tables),
 * and a part of at most a few hundred KiB takes about a millisecond at zstd's default level. Only where Node
 * compresses (compressesInProcess); zstd gets the same parameters as createCompressor's, and the size in the frame.
 */
export function compressWhole(data: Buffer, compression: Compression, level: number): Buffer {
  // zlib's result is a view of a 64 KiB buffer whatever its length: copied to its own size, a part of a few KiB
  // does not keep 64 KiB of native memory alive until a full garbage collection.
  const ownSize = (result: Buffer) => (result.length < result.buffer.byteLength / 2 ? Buffer.from(result) : result);
  switch (compression) {
    case 'none':
      return data;
    case 'gzip':
      return ownSize(zlib.gzipSync(data, { level }));
    case 'zstd':
      return ownSize(
        zstdZlib.zstdCompressSync!(data, {
          params: {
            [zstdZlib.constants.ZSTD_c_compressionLevel!]: level,
            [zstdZlib.constants.ZSTD_c_checksumFlag!]: 1,
          },
          pledgedSrcSize: data.length,
        }),
      );
  }
}

export function createDecompressor(compression: Compression, options: CodecOptions = {}): Duplex | undefined {
  switch (compression) {
    case 'none':
      return undefined;
    case 'gzip':
      return zlib.createGunzip();
    case 'zstd':
      if (useZlib(options)) return zstdZlib.createZstdDecompress!();
      return processDuplex('zstd', ['-d', '-q', '-c'], { ...signalOption(options), onFailure: zstdFailure });
  }
}

/**
 * Where the zstd command compresses, that process reading the read end of an OS pipe (`input`), so the
 * uncompressed bytes never pass through Node; its stdout fails unless zstd exits 0. undefined where Node
 * compresses (gzip, zlib's zstd) or nothing does (none): then use createCompressor.
 */
export function compressingProcess(compression: Compression, level: number, input: number, options: CodecOptions = {}) {
  if (compression !== 'zstd' || useZlib(options) || !hasZstdCommand()) return undefined;
  return spawnProcess('zstd', zstdCompressArgs(level), { ...signalOption(options), input, onFailure: zstdFailure });
}

/**
 * -T0: one compression thread per core. A single-threaded zstd is what limits a dump pipeline whenever the server
 * leaves a core idle (bench/README.md); the output differs from single-threaded zstd only in how it is cut into
 * blocks, and any zstd decompresses it.
 */
function zstdCompressArgs(level: number): string[] {
  return [`-${level}`, '-T0', '-q', '-c'];
}

/**
 * Where the zstd command decompresses, a sink that has it write the file itself: the decompressed bytes (several
 * times the stored size) then never pass through Node. undefined where zlib decompresses instead.
 */
export function zstdCommandToFile(
  path: string,
  options: CodecOptions = {},
): { stdin: Writable; done: Promise<void> } | undefined {
  if (useZlib(options) || !hasZstdCommand()) return undefined;
  const proc = spawnProcess('zstd', ['-d', '-q', '-o', path], { ...signalOption(options), onFailure: zstdFailure });
  const done = (async () => {
    for await (const _ of proc.output()) {
      // zstd writes to the file; stdout stays empty.
    }
  })();
  done.catch(() => undefined);
  return { stdin: proc.stdin!, done };
}

function useZlib(options: CodecOptions): boolean {
  if (options.preferCommand || !hasBuiltinZstd()) return false;
  return options.preferZlib === true || !hasZstdCommand();
}

function signalOption(options: CodecOptions) {
  return options.signal ? { signal: options.signal } : {};
}

function zstdFailure(exit: ProcessExit): Error {
  const how = exit.signal ? `was killed by ${exit.signal}` : `failed (exit ${exit.code})`;
  return new Error(`zstd ${how}: ${exit.stderr || 'no message'}`);
}
