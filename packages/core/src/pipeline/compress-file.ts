import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, type Duplex } from 'node:stream';
import { readChunkSize } from '../files/read-chunk-size.js';
import { compressingProcess, createCompressor, hasBuiltinZstd, type Compression } from './compression.js';

/**
 * A local file of `bytes` bytes (it no longer changes), compressed: `source` piped through `stages`. Where Node has
 * zstd in zlib (22.15+, 24) it compresses in-process on libuv's threads: a parallel dump compresses many files, and
 * starting a zstd process for each costs more than the compression of a small one. Elsewhere the zstd command reads
 * the file itself. Reads and zlib's zstd are sized to the file: thousands of small files each given a 1 MiB read
 * buffer and a compressor's full window grew the process's native memory with their number.
 */
export async function compressedFile(
  path: string,
  bytes: number,
  compression: Compression,
  level: number,
  signal: AbortSignal,
): Promise<{ source: Readable; stages: Duplex[] }> {
  const read = () => createReadStream(path, { highWaterMark: readChunkSize(bytes) });
  if (compression === 'zstd' && hasBuiltinZstd()) {
    const compressor = createCompressor(compression, level, { preferZlib: true, pledgedBytes: bytes, signal })!;
    return { source: read(), stages: [compressor] };
  }
  const file = await open(path, 'r');
  try {
    // The child gets its own copy of the descriptor when it starts; ours is closed below either way.
    const zstd = compressingProcess(compression, level, file.fd, { signal });
    if (zstd) return { source: Readable.from(zstd.output()), stages: [] };
  } finally {
    await file.close();
  }
  const compressor = createCompressor(compression, level, { signal });
  return { source: read(), stages: compressor ? [compressor] : [] };
}
