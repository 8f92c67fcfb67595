import type { FileHandle } from 'node:fs/promises';

/**
 * A local put's check of what it wrote: each write read back from the file at once and compared byte for byte. It is
 * the proof of reading the file again after the put (the bytes come back through the file system), without a
 * second pass over the file once the stream has ended, and one buffer per put instead of garbage per chunk.
 */
export class ReadBehind {
  private buffer = Buffer.alloc(0);

  constructor(private readonly handle: FileHandle) {}

  /** Whether the file holds `written` at `position`. Errors reading the file pass through. */
  async holds(written: Buffer, position: number): Promise<boolean> {
    if (this.buffer.length < written.length) this.buffer = Buffer.allocUnsafe(written.length);
    let read = 0;
    while (read < written.length) {
      const { bytesRead } = await this.handle.read(this.buffer, read, written.length - read, position + read);
      if (bytesRead === 0) return false; // the file is shorter than what was written
      read += bytesRead;
    }
    return this.buffer.compare(written, 0, written.length, 0, read) === 0;
  }
}
