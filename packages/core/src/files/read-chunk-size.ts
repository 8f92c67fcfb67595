/** The largest read: 1 MiB costs a quarter less CPU than Node's default 64 KiB when a large file is hashed or decrypted. */
const MAX_READ_BYTES = 1 << 20;

/**
 * The read size for a file of `fileBytes`: 1 MiB for large files, the file's own size for smaller ones. A stream
 * allocates a whole read buffer for every read, whatever the file holds: a parallel dump reads thousands of files of
 * a few KiB (each table's), and 1 MiB buffers for each made the process's native memory grow with their number
 * (bench/README.md, memory at many tables).
 */
export function readChunkSize(fileBytes: number): number {
  return Math.max(1, Math.min(MAX_READ_BYTES, fileBytes));
}
