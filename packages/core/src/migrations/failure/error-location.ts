/**
 * Where in migration.sql a database error happened. PostgreSQL gives a place only for errors it finds while parsing
 * or planning (the cursor position into the text it received); a runtime error (division by zero, a lock timeout)
 * has none, and then the place is inferred, and the location says how it was found.
 */
import type { DatabaseError } from './database-error.js';
import { type SqlStatement, splitSqlStatements, statementAt } from './sql-statements.js';

export type LocationBasis =
  /** PostgreSQL's error cursor, counted into the file. */
  | 'position'
  /** The line the tool showed (Prisma's "Position:" excerpt, psql's `psql:file:line:`). */
  | 'tool-line'
  /** The one statement that names what the message names (`relation "audit" already exists`, `near "SELEC"`). */
  | 'named-in-message'
  /** The one statement that can raise this error (the only statement, division, or lock of an existing table). */
  | 'only-candidate';

export interface ErrorLocation {
  /** 1-based line in the file. */
  line: number;
  /** 1-based column, in characters, where the basis gives one. */
  column?: number;
  /** The statement the error is in, as written (its first 200 characters). */
  statement: string;
  /** The line the statement starts on. */
  statementLine: number;
  basis: LocationBasis;
}

export interface LocateOptions {
  /**
   * Where the text the tool sent starts in the file, in characters: 0 for Prisma (it sends migration.sql whole),
   * the start of the up section for node-pg-migrate. psql sends one statement at a time: its line is used instead.
   */
  scriptOffset?: number;
}

export function locateError(sql: string, error: DatabaseError, options: LocateOptions = {}): ErrorLocation | undefined {
  const statements = splitSqlStatements(sql);
  if (statements.length === 0) return undefined;

  if (error.position !== undefined && error.toolFile === undefined) {
    const offset = characterOffset(sql, (options.scriptOffset ?? 0) + error.position - 1);
    if (offset !== undefined) return located(sql, statements, offset, 'position', true);
  }
  if (error.toolLine !== undefined) {
    const offset = lineStart(sql, error.toolLine);
    if (offset !== undefined) {
      const statement = statementOnLine(sql, statements, error.toolLine, error.toolFile !== undefined);
      if (statement) return { ...describe(sql, statement), line: error.toolLine, basis: 'tool-line' };
    }
  }
  const named = namedInMessage(statements, error.message);
  if (named) return located(sql, statements, named, 'named-in-message', true);
  const candidate = onlyCandidate(statements, error);
  if (candidate) return located(sql, statements, candidate.start, 'only-candidate', false);
  return undefined;
}

/** Line and column (1-based, in characters) of an offset into the string. */
export function lineAndColumn(sql: string, offset: number): { line: number; column: number } {
  const before = sql.slice(0, offset);
  const lineStartAt = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: [...sql.slice(lineStartAt, offset)].length + 1 };
}

function located(
  sql: string,
  statements: SqlStatement[],
  offset: number,
  basis: LocationBasis,
  withColumn: boolean,
): ErrorLocation {
  const statement = statementAt(statements, offset)!;
  const at = lineAndColumn(sql, offset);
  return { ...describe(sql, statement), line: at.line, ...(withColumn ? { column: at.column } : {}), basis };
}

function describe(sql: string, statement: SqlStatement): Pick<ErrorLocation, 'statement' | 'statementLine'> {
  const text = statement.text.length > 200 ? `${statement.text.slice(0, 199)}…` : statement.text;
  return { statement: text, statementLine: lineAndColumn(sql, statement.start).line };
}

/** The UTF-16 offset of the n-th character (code point), counted from 0. */
function characterOffset(sql: string, characters: number): number | undefined {
  if (characters < 0) return undefined;
  let offset = 0;
  for (let n = 0; n < characters; n++) {
    if (offset >= sql.length) return undefined;
    offset += (sql.codePointAt(offset) ?? 0) > 0xffff ? 2 : 1;
  }
  return offset < sql.length ? offset : undefined;
}

function lineStart(sql: string, line: number): number | undefined {
  let offset = 0;
  for (let n = 1; n < line; n++) {
    const next = sql.indexOf('\n', offset);
    if (next === -1) return undefined;
    offset = next + 1;
  }
  return offset;
}

/**
 * The statement on a line. psql counts the line it had read when it sent the statement, the one with its `;`, so
 * for psql the statement that ends on the line wins over one that starts there.
 */
function statementOnLine(
  sql: string,
  statements: SqlStatement[],
  line: number,
  endsThere: boolean,
): SqlStatement | undefined {
  const lines = statements.map((s) => ({
    s,
    first: lineAndColumn(sql, s.start).line,
    last: lineAndColumn(sql, s.end).line,
  }));
  if (endsThere) {
    const ending = lines.filter((l) => l.last <= line).at(-1);
    if (ending) return ending.s;
  }
  return (lines.find((l) => l.first <= line && line <= l.last) ?? lines.find((l) => l.first > line))?.s;
}

/**
 * The one statement that names what the message quotes: `syntax error at or near "SELEC"` (the word itself),
 * `relation "audit" already exists` (the name, as written or quoted). Several statements naming it: no answer.
 */
function namedInMessage(statements: SqlStatement[], message: string): number | undefined {
  const quoted = [...message.matchAll(/"((?:[^"]|"")+)"/g)].map((m) => m[1]!);
  const word = quoted[0];
  if (!word) return undefined;
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = /^\w+$/.test(word)
    ? new RegExp(`(^|[^\\w$])"?(${escaped})"?(?![\\w$])`, 'i')
    : new RegExp(`()(${escaped})`);
  const hits = statements
    .map((s) => ({ s, hit: pattern.exec(s.code) }))
    .filter((h): h is { s: SqlStatement; hit: RegExpExecArray } => h.hit !== null);
  if (hits.length !== 1) {
    // A syntax error is reported at the first place the word appears where it cannot stand: ambiguous otherwise.
    return undefined;
  }
  const { s, hit } = hits[0]!;
  return s.start + hit.index + hit[1]!.length + (s.code[hit.index + hit[1]!.length] === '"' ? 1 : 0);
}

/** Statements that can raise the error, when only one can. */
function onlyCandidate(statements: SqlStatement[], error: DatabaseError): SqlStatement | undefined {
  if (statements.length === 1) return statements[0];
  const can = CANDIDATES[error.sqlstate ?? ''];
  if (!can) return undefined;
  const created = new Set<string>();
  const candidates: SqlStatement[] = [];
  for (const statement of statements) {
    if (can(statement, created)) candidates.push(statement);
    const table = /^\s*create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([^\s(]+)/i.exec(statement.code);
    if (table) created.add(bareName(table[1]!));
  }
  return candidates.length === 1 ? candidates[0] : undefined;
}

const CANDIDATES: Record<string, (statement: SqlStatement, created: Set<string>) => boolean> = {
  // A division outside strings and comments (a `/` that opens no comment: those are blanked already).
  '22012': (s) => /[^/*]\/[^/*]/.test(s.code),
  // RAISE EXCEPTION in a DO block (a function that raises is found by its call only when named in the message).
  P0001: (s) => /\braise\b/i.test(s.code),
  // A statement that locks a table the file did not create itself.
  '55P03': (s, created) => tablesOf(s).some((table) => !created.has(bareName(table))),
};

/** The tables a statement locks, as written: what a lock timeout can have waited for. */
export function tablesOf(statement: Pick<SqlStatement, 'code'>): string[] {
  const name = '((?:"(?:[^"]|"")+"|[\\w$]+)(?:\\.(?:"(?:[^"]|"")+"|[\\w$]+))?)';
  const patterns = [
    new RegExp(`^\\s*alter\\s+table\\s+(?:if\\s+exists\\s+)?(?:only\\s+)?${name}`, 'i'),
    new RegExp(`^\\s*lock\\s+(?:table\\s+)?(?:only\\s+)?${name}`, 'i'),
    new RegExp(`^\\s*create\\s+(?:unique\\s+)?index\\s+.*?\\bon\\s+(?:only\\s+)?${name}`, 'is'),
    new RegExp(`^\\s*(?:drop|truncate)\\s+table\\s+(?:if\\s+exists\\s+)?${name}`, 'i'),
    new RegExp(`^\\s*(?:insert\\s+into|update|delete\\s+from)\\s+(?:only\\s+)?${name}`, 'i'),
    new RegExp(`\\breferences\\s+${name}`, 'gi'),
  ];
  const tables: string[] = [];
  for (const pattern of patterns) {
    for (const match of statement.code.matchAll(
      new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`),
    ))
      tables.push(match[1]!);
  }
  return [...new Set(tables)];
}

/** A table name as written, without quotes and schema, lower-cased unless quoted: for comparing two mentions. */
export function bareName(written: string): string {
  const last = written.match(/"(?:[^"]|"")+"|[^."]+/g)?.at(-1) ?? written;
  return last.startsWith('"') ? last.slice(1, -1).replace(/""/g, '"') : last.toLowerCase();
}
