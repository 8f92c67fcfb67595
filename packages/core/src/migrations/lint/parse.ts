/**
 * A migration file through PostgreSQL's own parser (libpg-query: the server's grammar compiled to WebAssembly):
 * its statements with their byte ranges and its comments, or the parse error with its place.
 */

/** A parse tree node as libpg-query returns it: { NodeType: { ...fields } }. */
// biome-ignore lint/suspicious/noExplicitAny: libpg-query's JSON tree is untyped; the rules read it by node name.
export type AstNode = Record<string, any>;

export interface ParsedStatement {
  /** { IndexStmt: {...} }, { AlterTableStmt: {...} }, ... */
  node: AstNode;
  /** Byte range in the file, without the `;` (where it starts differs between parser versions: use firstToken). */
  start: number;
  end: number;
  /** Byte offset of the statement's first word. */
  firstToken: number;
}

export interface SqlComment {
  text: string;
  start: number;
  end: number;
}

export type ParsedFile =
  | { statements: ParsedStatement[]; comments: SqlComment[]; error?: undefined }
  /** `offset` counts characters, not bytes (the server's error cursor). */
  | { error: { message: string; offset?: number }; statements?: undefined; comments: SqlComment[] };

/** libpg-query's module, loaded (loadModule resolved): only the parser process has one (parse-files.ts says why). */
export type SqlParser = Pick<typeof import('libpg-query'), 'parseSync' | 'scanSync'>;

export function parseFile(parser: SqlParser, sql: string): ParsedFile {
  // An empty file has nothing to lint (libpg-query refuses an empty string: "Query cannot be empty").
  if (sql === '') return { statements: [], comments: [] };
  const tokens = scanTokens(parser, sql);
  const comments = tokens.filter((t) => t.comment).map(({ text, start, end }) => ({ text, start, end }));
  let tree: { stmts?: { stmt: AstNode; stmt_location?: number; stmt_len?: number }[] };
  try {
    tree = parser.parseSync(sql) as typeof tree;
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    return {
      error: {
        message: (error as Error).message,
        ...(details?.cursorPosition !== undefined ? { offset: details.cursorPosition } : {}),
      },
      comments,
    };
  }
  const fileBytes = Buffer.byteLength(sql);
  const words = tokens.filter((t) => !t.comment);
  const statements = (tree.stmts ?? []).map((s) => {
    const start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : fileBytes; // stmt_len 0: up to the end of the file
    const firstToken = words.find((t) => t.start >= start)?.start ?? start;
    return { node: s.stmt, start, end, firstToken };
  });
  return { statements, comments };
}

interface Token {
  text: string;
  start: number;
  end: number;
  comment: boolean;
}

/** The file's tokens; none when the scanner itself gives up (an unterminated string), as the parser then reports. */
function scanTokens(parser: SqlParser, sql: string): Token[] {
  try {
    return parser.scanSync(sql).tokens.map((t) => ({
      text: t.text,
      start: t.start,
      end: t.end,
      comment: t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT',
    }));
  } catch {
    return [];
  }
}
