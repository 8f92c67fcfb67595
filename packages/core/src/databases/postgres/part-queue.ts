import type { DumpPart } from '../engine.js';

/** The parts of a parallel dump as they become complete, for one consumer: ends, or fails with the dump's error. */
export class PartQueue implements AsyncIterable<DumpPart> {
  private readonly items: DumpPart[] = [];
  private ended = false;
  private error: unknown;
  private failed = false;
  private wake: (() => void) | undefined;

  push(part: DumpPart): void {
    this.items.push(part);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: unknown): void {
    if (this.ended || this.failed) return;
    this.failed = true;
    this.error = error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<DumpPart> {
    for (;;) {
      // A failure wins over parts still queued: they belong to a dump that will not be recorded.
      if (this.failed) throw this.error;
      const next = this.items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
