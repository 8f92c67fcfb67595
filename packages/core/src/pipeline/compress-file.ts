import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, type Duplex } from 'node:stream';
import { compressingProcess, createCompressor, type Compression } from './compression.js';

/**
 * A local file, compressed: `source` piped through `stages`. The zstd command reads the file itself, so its
 * uncompressed bytes never pass through Node; elsewhere Node reads it and compresses (or not) in `stages`.
 */
export async function compressedFile(
  path: string,
  compression: Compression,
  level: number,
  signal: AbortSignal,
): Promise<{ source: Readable; stages: Duplex[] }> {
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
