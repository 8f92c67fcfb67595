/**
 * The database error of a failed migration, read from what the tool left: Prisma's `_prisma_migrations.logs`
 * (the native engine writes the SQLSTATE, PostgreSQL's error fields and a "Position:" excerpt of migration.sql; the
 * WebAssembly engine only "Error querying the database: ERROR: ...") or the command's output (psql prints
 * `psql:<file>:<line>: ERROR:  ...`, node-postgres tools print the message and sometimes the fields).
 */

export interface DatabaseError {
  /** PostgreSQL's message, without the "ERROR:" prefix. */
  message: string;
  /** The SQLSTATE, where the text shows it (Prisma's native engine, psql with VERBOSITY verbose, node-postgres). */
  sqlstate?: string;
  detail?: string;
  hint?: string;
  /** PostgreSQL's error cursor: 1-based, in characters, into the text the tool sent. */
  position?: number;
  /** The line of migration.sql the tool itself showed (Prisma's "Position:" excerpt; psql's `psql:file:line:`). */
  toolLine?: number;
  /** The file psql named. */
  toolFile?: string;
  /** Where it was read. */
  from: 'tool-record' | 'command-output';
}

/** What PostgreSQL calls a few failures a migration meets, by SQLSTATE, and the same recognised from the message. */
const KNOWN: Array<{ sqlstate: string; message: RegExp }> = [
  { sqlstate: '55P03', message: /lock timeout|could not obtain lock/i },
  { sqlstate: '57014', message: /canceling statement due to statement timeout/i },
  { sqlstate: '22012', message: /^division by zero/i },
  { sqlstate: '40P01', message: /^deadlock detected/i },
  { sqlstate: '42P01', message: /^relation ".*" does not exist/i },
  { sqlstate: '42P07', message: /^relation ".*" already exists/i },
  { sqlstate: '42701', message: /^column ".*" of relation ".*" already exists/i },
  { sqlstate: '42703', message: /^column ".*" (of relation ".*" )?does not exist/i },
  { sqlstate: '42601', message: /^syntax error/i },
  { sqlstate: '23505', message: /^duplicate key value violates unique constraint/i },
  { sqlstate: '23502', message: /violates not-null constraint/i },
  { sqlstate: '25001', message: /cannot run inside a transaction block/i },
];

/** The SQLSTATE a message implies, for tools that print only the message. */
export function impliedSqlstate(message: string): string | undefined {
  return KNOWN.find((k) => k.message.test(message))?.sqlstate;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: Prisma colours its "Position:" excerpt.
const ANSI = /\x1b\[[0-9;]*m/g;

export function parseDatabaseError(text: string, from: DatabaseError['from']): DatabaseError | undefined {
  const clean = text.replace(ANSI, '').replace(/\r/g, '');
  const debug = /DbError \{(.*)\}\s*$/m.exec(clean)?.[1];
  const lines = clean.split('\n');
  // PostgreSQL's own prefix (psql, Prisma), or node-postgres's DatabaseError as Node prints it ("error: ...", its
  // stack, then its fields: severity: 'ERROR', code: '42703', position: '81').
  const printed = /^\s*severity: '(ERROR|FATAL)',?$/m.test(clean)
    ? lines.findIndex((line) => /^error: /.test(line))
    : -1;
  const errorAt = printed !== -1 ? printed : lines.findIndex((line) => /(^|\s|:)(ERROR|FATAL):\s/.test(line));
  if (errorAt === -1 && !debug) return adapterError(lines, from);

  const psql = errorAt === -1 ? undefined : /^psql:(.+?):(\d+): ERROR:/.exec(lines[errorAt]!);
  const fromDebug = (field: string) =>
    /^"((?:[^"\\]|\\.)*)"$/.exec(debugField(debug, field) ?? '')?.[1]?.replace(/\\(.)/g, '$1');
  const prefix = printed !== -1 ? /^error:\s+/ : /^.*?(ERROR|FATAL):\s+/;
  const message = fromDebug('message') ?? lines[errorAt]!.replace(prefix, '').trim();
  const field = (name: string) => {
    const line = lines.slice(errorAt + 1).find((l) => new RegExp(`^\\s*${name}:\\s`).test(l));
    return line?.replace(new RegExp(`^\\s*${name}:\\s+`), '').trim();
  };
  const sqlstate =
    /SqlState\(E?([0-9A-Z]{5})\)/.exec(debug ?? '')?.[1] ??
    /Database error code: ([0-9A-Z]{5})\b/.exec(clean)?.[1] ??
    /\bERROR:\s+([0-9A-Z]{5}):/.exec(clean)?.[1] ??
    /\bcode: '([0-9A-Z]{5})'/.exec(clean)?.[1] ??
    impliedSqlstate(message);
  const position =
    /position: Some\(Original\((\d+)\)\)/.exec(debug ?? '')?.[1] ?? /\bposition: '(\d+)'/.exec(clean)?.[1];
  const toolLine = prismaExcerptLine(lines) ?? (psql ? Number(psql[2]) : undefined);
  const printedField = (name: string) =>
    printed === -1 ? undefined : new RegExp(`^\\s*${name}: '(.*)',?$`, 'm').exec(clean)?.[1];
  const detail = fromDebug('detail') ?? field('DETAIL') ?? printedField('detail');
  const hint = fromDebug('hint') ?? field('HINT') ?? printedField('hint');
  return {
    message: message.replace(/^[0-9A-Z]{5}:\s+/, ''),
    ...(sqlstate ? { sqlstate } : {}),
    ...(detail ? { detail } : {}),
    ...(hint ? { hint } : {}),
    ...(position ? { position: Number(position) } : {}),
    ...(toolLine ? { toolLine } : {}),
    ...(psql ? { toolFile: psql[1] } : {}),
    from,
  };
}

/**
 * Prisma's driver adapters (the WebAssembly engine's route) turn some PostgreSQL errors into their own words on the
 * line after "external connector error": "Unique constraint failed: (note)", "Error accessing result set, column not
 * found: nocol". The SQLSTATE is implied from those words.
 */
function adapterError(lines: string[], from: DatabaseError['from']): DatabaseError | undefined {
  const at = lines.findIndex((line) => /^(Error: )?external connector error$/i.test(line.trim()));
  const message = at === -1 ? undefined : lines[at + 1]?.trim();
  if (!message || /^\d+: /.test(message)) return undefined;
  const sqlstate = ADAPTER_KNOWN.find((k) => k.message.test(message))?.sqlstate;
  return { message, ...(sqlstate ? { sqlstate } : {}), from };
}

const ADAPTER_KNOWN: Array<{ sqlstate: string; message: RegExp }> = [
  { sqlstate: '23505', message: /^Unique constraint failed/i },
  { sqlstate: '23503', message: /^Foreign key constraint failed/i },
  { sqlstate: '23502', message: /^Null constraint violation/i },
  { sqlstate: '42703', message: /column not found/i },
  { sqlstate: '42P01', message: /^The table .* does not exist/i },
];

/** A field of Rust's Debug form of tokio-postgres's DbError: `detail: Some("...")`, `message: "..."`. */
function debugField(debug: string | undefined, name: string): string | undefined {
  if (!debug) return undefined;
  const found = new RegExp(`\\b${name}: (?:Some\\()?("(?:[^"\\\\]|\\\\.)*")`).exec(debug);
  return found?.[1];
}

/**
 * Prisma's native engine follows the error with "Position:" and up to six numbered lines of migration.sql, the last
 * being the line of the error.
 */
function prismaExcerptLine(lines: string[]): number | undefined {
  const at = lines.findIndex((line) => line.trim() === 'Position:');
  if (at === -1) return undefined;
  let last: number | undefined;
  for (const line of lines.slice(at + 1)) {
    const numbered = /^\s*(\d+)(\s|$)/.exec(line);
    if (!numbered) break;
    last = Number(numbered[1]);
  }
  return last;
}
