/**
 * Splits SQL text into its statements at top-level semicolons, the way PostgreSQL's lexer sees them: semicolons
 * inside quoted strings ('...', E'...', "..."), dollar quotes ($tag$...$tag$) and comments (--, nested /* *\/) do
 * not end a statement. Comments are dropped; empty statements are left out. Only the lexical structure is read:
 * this tells how many statements a text holds, not whether they are valid.
 *
 * Written by hand because only the count is needed, and only for an early error that names the check: the server
 * enforces the rule itself (the extended protocol refuses several statements, the transaction is read-only).
 * A real parse (libpg-query, PostgreSQL's own parser as 1.8 MB of wasm) is worth its size once SQL must be
 * understood, as migration linting will need.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const take = (end: number) => {
    current += sql.slice(i, end);
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      current += ' ';
    } else if (c === '/' && next === '*') {
      i = blockCommentEnd(sql, i);
      current += ' ';
    } else if (c === "'") {
      // E'...' strings take backslash escapes; standard strings only '' (standard_conforming_strings, the default).
      const escapes = /[eE]$/.test(current) && !/[\w$]$/.test(current.slice(0, -1));
      take(quotedEnd(sql, i, "'", escapes));
    } else if (c === '"') {
      take(quotedEnd(sql, i, '"', false));
    } else if (c === '$' && !/[\w$]$/.test(current)) {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        take(close === -1 ? sql.length : close + tag.length);
      } else {
        take(i + 1);
      }
    } else if (c === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
      i++;
    } else {
      take(i + 1);
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

function quotedEnd(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (backslashEscapes && sql[i] === '\\') {
      i++;
    } else if (sql[i] === quote) {
      if (sql[i + 1] === quote) i++;
      else return i + 1;
    }
  }
  return sql.length;
}

function blockCommentEnd(sql: string, start: number): number {
  let depth = 0;
  for (let i = start; i < sql.length - 1; i++) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i++;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return sql.length;
}
