/**
 * A migration file cut into its top-level statements by a small lexer that knows where `;` does not end one: inside
 * '...' and E'...' strings, "quoted identifiers", -- and nested block comments, and $tag$ bodies. It needs no
 * parser, so it also works on a file PostgreSQL rejected. (`BEGIN ATOMIC ... END` bodies are not recognised.)
 */

export interface SqlStatement {
  /** Offset (in the string, UTF-16 units) of the statement's first word, past leading blanks and comments. */
  start: number;
  /** Offset just past its last character, before the `;`. */
  end: number;
  text: string;
  /**
   * The same text, of the same length, with comments and the contents of '...' strings blanked: what a search for
   * words and operators may look at.
   */
  code: string;
}

export function splitSqlStatements(sql: string): SqlStatement[] {
  const masked = maskSql(sql);
  const statements: SqlStatement[] = [];
  let from = 0;
  const close = (to: number) => {
    const lead = /\S/.exec(masked.code.slice(from, to));
    if (lead) {
      const start = from + lead.index;
      const end = start + masked.code.slice(start, to).trimEnd().length;
      statements.push({ start, end, text: sql.slice(start, end), code: masked.code.slice(start, end) });
    }
    from = to + 1;
  };
  for (const at of masked.semicolons) close(at);
  close(sql.length);
  return statements;
}

/** The statement that holds an offset, or else the one after it (an offset in the blanks between two). */
export function statementAt(statements: SqlStatement[], offset: number): SqlStatement | undefined {
  return statements.find((s) => offset < s.end || (offset === s.end && offset === s.start)) ?? statements.at(-1);
}

function maskSql(sql: string): { code: string; semicolons: number[] } {
  const out = sql.split('');
  const semicolons: number[] = [];
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const stop = sql.indexOf('\n', i);
      const to = stop === -1 ? sql.length : stop;
      blank(i, to);
      i = to;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      let k = i + 2;
      while (k < sql.length && depth > 0) {
        const pair = sql.slice(k, k + 2);
        depth += pair === '/*' ? 1 : pair === '*/' ? -1 : 0;
        k += pair === '/*' || pair === '*/' ? 2 : 1;
      }
      blank(i, k);
      i = k;
    } else if (c === "'") {
      const escapes = /[eE]/.test(sql[i - 1] ?? '') && !/[\w$]/.test(sql[i - 2] ?? '');
      let k = i + 1;
      while (k < sql.length) {
        if (escapes && sql[k] === '\\') k += 2;
        else if (sql[k] === "'" && sql[k + 1] === "'") k += 2;
        else if (sql[k] === "'") break;
        else k += 1;
      }
      blank(i + 1, Math.min(k, sql.length));
      i = k + 1;
    } else if (c === '"') {
      let k = i + 1;
      while (k < sql.length && !(sql[k] === '"' && sql[k + 1] !== '"')) k += sql[k] === '"' ? 2 : 1;
      i = k + 1;
    } else if (c === '$' && !/[\w$]/.test(sql[i - 1] ?? '')) {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const stop = sql.indexOf(tag[0], i + tag[0].length);
        i = stop === -1 ? sql.length : stop + tag[0].length;
      } else i += 1;
    } else {
      if (c === ';') semicolons.push(i);
      i += 1;
    }
  }
  return { code: out.join(''), semicolons };
}
