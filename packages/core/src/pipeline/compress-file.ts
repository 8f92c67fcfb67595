import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, type Duplex } from 'node:stream';
import { compressingProcess, createCompressor, hasBuiltinZstd, type Compression } from './compression.js';

/**
 * A local file, compressed: `source` piped through `stages`. Where Node has zstd in zlib (22.15+, 24) it compresses
 * in-process on libuv's threads: a parallel dump compresses many files, and starting a zstd process for each costs
 * more than the compression of a small one. Elsewhere the zstd command reads the file itself.
 */
export async function compressedFile(
  path: string,
  compression: Compression,
  level: number,
  signal: AbortSignal,
): Promise<{ source: Readable; stages: Duplex[] }> {
  if (compression === 'zstd' && hasBuiltinZstd()) {
    const compressor = createCompressor(compression, level, { preferZlib: true, signal })!;
    return { source: createReadStream(path, { highWaterMark: 1 << 20 }), stages: [compressor] };
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
  return { source: createReadStream(path, { highWaterMark: 1 << 20 }), stages: compressor ? [compressor] : [] };
}
