/**
 * Query text as shown in reports: string literals replaced by '?', so a password in `ALTER ROLE ... PASSWORD '...'`
 * or personal data in a WHERE clause never reaches a job summary; whitespace collapsed and length capped.
 */
export function maskQuery(text: string | null | undefined, max = 200): string {
  if (!text) return '';
  const masked = maskLiterals(text).replace(/\s+/g, ' ').trim();
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}

const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/**
 * Replaces every string constant ('...', E'...', $tag$...$tag$) with '?', reading the text the way PostgreSQL's
 * lexer does: a quote inside a comment (`--` to the end of the line, or a block comment, which nests) or a "quoted
 * identifier" starts no string (a comment's own quoted runs are masked as well), `''` is a quote inside a string, and a backslash escapes only in an E'...' string (standard_conforming_strings, on by
 * default since 9.1). A string, comment or dollar quote left open masks to the end: cut-off text stays masked.
 */
function maskLiterals(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    const afterIdent = i > 0 && IDENT_CHAR.test(sql[i - 1]!);
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += maskCommentQuotes(sql.slice(i, stop));
      i = stop;
    } else if (c === '/' && next === '*') {
      const stop = blockCommentEnd(sql, i);
      out += maskCommentQuotes(sql.slice(i, stop));
      i = stop;
    } else if (c === '"') {
      const stop = quotedEnd(sql, i + 1, '"', false);
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "'") {
      // E'...' (or e'...'): the E is its own token only when no identifier runs into it (`name'` is not E'').
      const escapes = /[Ee]/.test(sql[i - 1] ?? '') && !(i > 1 && IDENT_CHAR.test(sql[i - 2]!));
      out += "'?'";
      i = quotedEnd(sql, i + 1, "'", escapes);
    } else if (c === '$' && !afterIdent && DOLLAR_TAG.test(sql.slice(i, i + 64))) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64))![0];
      const end = sql.indexOf(tag, i + tag.length);
      out += "'?'";
      i = end < 0 ? sql.length : end + tag.length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * A comment starts no string, but may quote values of its own (sqlcommenter's key='value' pairs, a note with a token in
 * it): every quoted run in it is masked too, an unclosed one to the comment's end. Masking an apostrophe's tail
 * ("don'?'") is the safe way to be wrong.
 */
function maskCommentQuotes(comment: string): string {
  const block = comment.startsWith('/*');
  const body = block ? comment.slice(2, comment.endsWith('*/') ? -2 : undefined) : comment.slice(2);
  const masked = body.replace(/'[^']*(?:'|$)/g, "'?'");
  return block ? `/*${masked}${comment.endsWith('*/') && comment.length >= 4 ? '*/' : ''}` : `--${masked}`;
}

/** Index just past the closing quote of a quoted run starting at `from` (a doubled quote is one quote inside). */
function quotedEnd(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

/** Index just past the end of the block comment starting at `from`; PostgreSQL's block comments nest. */
function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}
