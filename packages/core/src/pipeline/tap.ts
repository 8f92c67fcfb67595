import { Transform, type TransformCallback, type Writable } from 'node:stream';

/**
 * Passes bytes through and copies them to a side consumer (pg_restore --list reading the archive's table of
 * contents) for as long as the side consumer reads. A side consumer that has read what it needs and exited is
 * normal, not an error; the main flow waits for the side consumer only when it is slower (its backpressure).
 */
export class Tap extends Transform {
  private open = true;

  constructor(private readonly side: Writable) {
    super();
    const close = () => {
      this.open = false;
    };
    side.once('close', close);
    side.once('finish', close);
    // EPIPE once the side consumer exits is expected.
    side.on('error', close);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.push(chunk);
    if (!this.open || this.side.write(chunk)) return callback();
    const resume = () => {
      this.side.off('drain', resume);
      this.side.off('close', resume);
      callback();
    };
    this.side.once('drain', resume);
    this.side.once('close', resume);
  }

  override _flush(callback: TransformCallback): void {
    if (this.open) this.side.end();
    callback();
  }
}
