/**
 * How operations talk to the outside world. Operations never print; the adapter (GitHub action, CLI, test)
 * supplies a Logger and decides where lines go. Every line passes through the adapter's redaction first.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  /** `at`: the line of a user's file the warning is about (an annotation on that line on GitHub). */
  warn(message: string, at?: SourceLocation): void;
  /** A problem that needs action (an error annotation on GitHub); the run itself may still succeed. */
  error(message: string, at?: SourceLocation): void;
  /** Groups related lines (a collapsible group on GitHub, an indented block in a terminal). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** A place in a user's file (a migration), for annotations. */
export interface SourceLocation {
  /** Absolute, or relative to the working directory. */
  file: string;
  /** 1-based. */
  line: number;
  column?: number;
}

/** "file:line:column", as compilers print a place. */
export function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}${at.column !== undefined ? `:${at.column}` : ''}`;
}

/** Runs one step and says at debug level how long it took (DBOPS_DEBUG shows it: the benchmarks read these lines). */
export async function timed<T>(log: Logger, what: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await step();
  log.debug(`${what} in ${Math.round(performance.now() - started)} ms`);
  return result;
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
  warn(message: string, at?: SourceLocation): void {
    this.lines.push(`warn: ${at ? `${formatLocation(at)}: ` : ''}${message}`);
  }
  error(message: string, at?: SourceLocation): void {
    this.lines.push(`error: ${at ? `${formatLocation(at)}: ` : ''}${message}`);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`group: ${title}`);
    return fn();
  }
}
