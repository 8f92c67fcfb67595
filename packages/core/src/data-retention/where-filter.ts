/**
 * A rule's `where` filter through PostgreSQL's own grammar (libpg-query). The filter is later put inside a purge's
 * predicate, next to the cutoff and the legal holds, so it must be one boolean expression that cannot reach out of
 * its parentheses: no `;`, no comments, no unbalanced parentheses, no subqueries, no parameters, and only the
 * functions of a small allow-list (a function call could write, sleep or read other tables).
 */
type PgQuery = typeof import('libpg-query');

/** A parse tree node as libpg-query returns it: { NodeType: { ...fields } }. */
// biome-ignore lint/suspicious/noExplicitAny: libpg-query's JSON tree is untyped; the walk reads it by node name.
type AstNode = Record<string, any>;

export interface WhereFilter {
  /** The text as written, safe to put inside parentheses in a predicate. */
  sql: string;
  /** Column names the filter reads, for the catalog check. */
  columns: string[];
}

/** Thrown as { problem, valid }; read-policy.ts adds the rule, field and line. */
export class WhereFilterError extends Error {
  constructor(
    readonly problem: string,
    readonly valid: string,
  ) {
    super(problem);
    this.name = 'WhereFilterError';
  }
}

export const WHERE_FORM =
  "one boolean SQL expression on the rule's own columns, e.g. \"tenant_id = 7 AND status IN ('closed', 'spam')\"; " +
  `functions allowed: ${[...allowedFunctionNames()].join(', ')}`;

/** Pure, read-only functions a filter may call: no side effects, no other tables, no sleeping. */
function allowedFunctionNames(): Set<string> {
  return new Set([
    'lower',
    'upper',
    'length',
    'btrim',
    'trim',
    'abs',
    'coalesce',
    'nullif',
    'date_trunc',
    'now',
    'jsonb_typeof',
    'starts_with',
  ]);
}
const ALLOWED_FUNCTIONS = allowedFunctionNames();

/** Expression nodes a filter may contain; anything else (SubLink, ParamRef, ...) is refused. */
const ALLOWED_NODES = new Set([
  'A_Expr',
  'BoolExpr',
  'ColumnRef',
  'A_Const',
  'TypeCast',
  'TypeName',
  'NullTest',
  'BooleanTest',
  'FuncCall',
  'SQLValueFunction',
  'CoalesceExpr',
  'MinMaxExpr',
  'CaseExpr',
  'CaseWhen',
  'A_ArrayExpr',
  'List',
  'String',
  'Integer',
  'Float',
  'Boolean',
  'BitString',
]);

let loaded: Promise<void> | undefined;
let pgQuery: PgQuery | undefined;

/**
 * Loads the parser and its WebAssembly module once; parseWhereFilter can be called only after it. Imported here,
 * not at the top: evaluating libpg-query instantiates its WebAssembly, which every command's start-up paid.
 */
export function loadWhereParser(): Promise<void> {
  loaded ??= import(/* webpackMode: "eager" */ 'libpg-query').then(async (module) => {
    await module.loadModule();
    pgQuery = module;
  });
  return loaded;
}

function parser(): PgQuery {
  if (!pgQuery) throw new Error('loadWhereParser() must have resolved before a filter is parsed');
  return pgQuery;
}

export function parseWhereFilter(text: string): WhereFilter {
  if (text.trim() === '') throw new WhereFilterError('is empty', WHERE_FORM);
  checkTokens(text);
  let tree: { stmts?: { stmt: AstNode }[] };
  try {
    tree = parser().parseSync(`SELECT WHERE ${text}`) as typeof tree;
  } catch (error) {
    throw new WhereFilterError(`does not parse as SQL: ${(error as Error).message}`, WHERE_FORM);
  }
  const statements = tree.stmts ?? [];
  const select = statements.length === 1 ? statements[0]!.stmt.SelectStmt : undefined;
  const extra = select && Object.keys(select).filter((k) => !['whereClause', 'limitOption', 'op'].includes(k));
  if (!select?.whereClause || extra?.length || select.op !== 'SETOP_NONE')
    throw new WhereFilterError('is not a single boolean expression', WHERE_FORM);
  const columns = new Set<string>();
  walk(select.whereClause, columns);
  return { sql: text.trim(), columns: [...columns] };
}

/**
 * Token checks the tree cannot show: a comment or a `;` is gone from the tree, and parentheses that close before
 * the end (`a = 1) OR (true`) parse as one expression here but escape the parentheses the predicate adds.
 */
function checkTokens(text: string, form = WHERE_FORM): void {
  let tokens: { text: string; tokenName: string }[];
  try {
    tokens = parser().scanSync(text).tokens;
  } catch (error) {
    throw new WhereFilterError(`does not scan as SQL: ${(error as Error).message}`, form);
  }
  let depth = 0;
  for (const token of tokens) {
    if (token.tokenName === 'SQL_COMMENT' || token.tokenName === 'C_COMMENT')
      throw new WhereFilterError(`contains a comment (${token.text.slice(0, 20)})`, `${form}; no comments`);
    if (token.text === ';') throw new WhereFilterError('contains a ";"', `${form}; no ";"`);
    if (token.text === '(') depth++;
    if (token.text === ')' && --depth < 0)
      throw new WhereFilterError(
        'closes a parenthesis it did not open',
        `${form}; parentheses balanced within the filter`,
      );
  }
  if (depth !== 0) throw new WhereFilterError('leaves a parenthesis open', `${form}; balanced parentheses`);
}

function walk(node: unknown, columns: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, columns);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [type, body] of Object.entries(node as AstNode)) {
    if (!/^[A-Z]/.test(type)) {
      walk(body, columns); // a field of the node above (args, lexpr, ...), not a node type
      continue;
    }
    if (!ALLOWED_NODES.has(type)) throw new WhereFilterError(`uses ${describe(type)}`, WHERE_FORM);
    if (type === 'ColumnRef') columns.add(columnName(body));
    if (type === 'FuncCall') checkFunction(body);
    walk(body, columns);
  }
}

function describe(type: string): string {
  if (type === 'SubLink') return 'a subquery, which may read other tables or call functions that write';
  if (type === 'ParamRef') return 'a parameter ($1), which has no value in a policy';
  return `${type}, which a filter may not contain`;
}

function columnName(ref: AstNode): string {
  const fields = (ref.fields ?? []) as AstNode[];
  if (fields.some((f) => f.A_Star)) throw new WhereFilterError('uses *', WHERE_FORM);
  // Only the rule's own table is in scope: a qualified name (other_table.col) is refused.
  if (fields.length !== 1)
    throw new WhereFilterError(
      `names a qualified column (${fields.map((f) => f.String?.sval).join('.')})`,
      `${WHERE_FORM}; columns of the rule's table, unqualified`,
    );
  return fields[0]!.String.sval as string;
}

function checkFunction(call: AstNode): void {
  const parts = ((call.funcname ?? []) as AstNode[]).map((p) => p.String?.sval as string);
  const name = parts.join('.');
  const plain = parts.length === 1 || (parts.length === 2 && parts[0] === 'pg_catalog') ? parts.at(-1)! : name;
  if (!ALLOWED_FUNCTIONS.has(plain)) throw new WhereFilterError(`calls the function ${name}()`, WHERE_FORM);
  if (call.agg_star || call.over || call.agg_filter || call.agg_order)
    throw new WhereFilterError(`uses ${name}() as an aggregate or window function`, WHERE_FORM);
}

export const HOLD_QUERY_FORM =
  'one SELECT returning subject_table and subject_id, without ";", comments, WITH, INTO or FOR UPDATE, e.g. "SELECT subject_table, subject_id FROM compliance.holds WHERE active"';

/**
 * A hold query: put inside `FROM (...)` and run in a read-only transaction, so it must be one plain SELECT that
 * cannot close its parentheses, lock rows or hide a data-modifying WITH.
 */
export function checkHoldQuery(text: string): void {
  checkTokens(text, HOLD_QUERY_FORM);
  let tree: { stmts?: { stmt: AstNode }[] };
  try {
    tree = parser().parseSync(text) as typeof tree;
  } catch (error) {
    throw new WhereFilterError(`does not parse as SQL: ${(error as Error).message}`, HOLD_QUERY_FORM);
  }
  const statements = tree.stmts ?? [];
  const select = statements.length === 1 ? statements[0]!.stmt.SelectStmt : undefined;
  if (!select) throw new WhereFilterError('is not a single SELECT', HOLD_QUERY_FORM);
  if (select.withClause || select.intoClause || select.lockingClause)
    throw new WhereFilterError('uses WITH, INTO or FOR UPDATE/SHARE', HOLD_QUERY_FORM);
}
