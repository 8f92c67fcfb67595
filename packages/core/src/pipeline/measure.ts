import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through unchanged while counting them and computing their SHA-256. */
export class Digest extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private digestHex: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digestHex = this.hash.digest('hex');
    callback();
  }

  /** The hex SHA-256 of everything that passed; only valid once the stream has ended. */
  get sha256(): string {
    if (!this.digestHex) throw new Error('Digest read before the stream ended');
    return this.digestHex;
  }
}
