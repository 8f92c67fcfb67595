/**
 * A migration file through PostgreSQL's own parser (libpg-query: the server's grammar compiled to WebAssembly):
 * its statements with their byte ranges and its comments, or the parse error with its place.
 */
import { setFlagsFromString } from 'node:v8';

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

/**
 * The parser runs on V8's baseline wasm code only. A few parses are enough for V8 to start recompiling the parser's
 * huge functions with its optimizing compiler in the background, which took 1.3 s of CPU and grew the process by
 * 550 MB over the next ten seconds (a migrate-deploy's peak RSS of 719 MB) for code a deploy hardly uses again.
 * An instance takes its tier-up budget from V8's flag when it is instantiated, and importing libpg-query starts
 * instantiating it (asynchronously): so the budget is raised just before the import, and V8's default
 * (node --v8-options) restored once the instance exists. Only libpg-query's instance gets it.
 * The import happens on first use, not at start-up: instantiating the parser slowed every command's start.
 * webpackMode eager keeps it inside the actions bundle's index.js (not a chunk), where scripts/ncc-bundle.mjs defines
 * the __dirname it finds libpg-query.wasm by; the dynamic imports of the data-retention operations do the same.
 */
let parser: typeof import('libpg-query') | undefined;
let instantiated: Promise<void> | undefined;

/** Loads the parser's WebAssembly module (once); parseFile can be called only after it. */
export function loadParser(): Promise<void> {
  instantiated ??= (async () => {
    setFlagsFromString('--wasm-tiering-budget=2000000000');
    try {
      const loaded = await import(/* webpackMode: "eager" */ 'libpg-query');
      await loaded.loadModule();
      parser = loaded;
    } finally {
      setFlagsFromString('--wasm-tiering-budget=13000000');
    }
  })();
  return instantiated;
}

function loadedParser(): typeof import('libpg-query') {
  if (!parser) throw new Error('the SQL parser is not loaded: call loadParser() first');
  return parser;
}

export function parseFile(sql: string): ParsedFile {
  const tokens = scanTokens(sql);
  const comments = tokens.filter((t) => t.comment).map(({ text, start, end }) => ({ text, start, end }));
  let tree: { stmts?: { stmt: AstNode; stmt_location?: number; stmt_len?: number }[] };
  try {
    tree = loadedParser().parseSync(sql) as typeof tree;
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
function scanTokens(sql: string): Token[] {
  try {
    return loadedParser()
      .scanSync(sql)
      .tokens.map((t) => ({
        text: t.text,
        start: t.start,
        end: t.end,
        comment: t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT',
      }));
  } catch {
    return [];
  }
}
