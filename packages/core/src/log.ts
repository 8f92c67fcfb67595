/**
 * How operations talk to the outside world. Operations never print; the adapter (GitHub action, CLI, test)
 * supplies a Logger and decides where lines go. Every line passes through the adapter's redaction first.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  /** A problem that needs action (an error annotation on GitHub); the run itself may still succeed. */
  error(message: string): void;
  /** Groups related lines (a collapsible group on GitHub, an indented block in a terminal). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  group: (_title, fn) => fn(),
};

/** Collects lines in memory; tests use it to assert what an operation said. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string): void {
    this.lines.push(`debug: ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`group: ${title}`);
    return fn();
  }
}
