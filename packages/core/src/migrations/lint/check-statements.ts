/**
 * The rules applied to one parsed migration: each statement's parse tree is checked for what locks or rewrites an
 * existing table. Tables created earlier in the migrations being linted are new, and exempt.
 */
import type { TransactionMode } from '../source.js';
import type { AstNode, ParsedStatement } from './parse.js';
import type { LintRuleId } from './rules.js';
import { type NewTables, tableRef, tableSql, type TableRef } from './tables.js';

export interface Candidate {
  rule: LintRuleId;
  /** Index of the statement in the file. */
  statement: number;
  /** Byte offset to point at. */
  offset: number;
  table?: TableRef;
  /** What exactly was found, to lead the rule's general reason. */
  detail: string;
  /** A rewrite of this statement, when one can be given. */
  fix?: string;
}

export interface FileContext {
  transactionMode: TransactionMode;
  newTables: NewTables;
  /** dbops sets lock_timeout for the session itself (its lock-timeout input): the rule is moot. */
  lockTimeoutGiven: boolean;
  /** The text of a statement's byte range (for rewrites that quote it). */
  text(start: number, end: number): string;
}

// Functions whose value differs per row: a default calling one must be computed for every existing row.
const VOLATILE_FUNCTIONS = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'clock_timestamp',
  'timeofday',
  'nextval',
]);
const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

export function checkStatements(statements: ParsedStatement[], context: FileContext): Candidate[] {
  const found: Candidate[] = [];
  let explicitTransaction = false;
  let lockTimeoutSet = context.lockTimeoutGiven;
  // A script of several statements sent at once runs as one implicit transaction (Prisma's migration.sql).
  const alwaysInTransaction =
    context.transactionMode === 'per-file' || (context.transactionMode === 'implicit-script' && statements.length > 1);

  statements.forEach((statement, index) => {
    const [type, node] = Object.entries(statement.node)[0] ?? [];
    if (!type || !node) return;
    const at = (offset: number | undefined) => (offset !== undefined && offset >= 0 ? offset : statement.firstToken);
    const add = (rule: LintRuleId, detail: string, extra: Partial<Candidate> = {}) =>
      found.push({ rule, statement: index, offset: statement.firstToken, detail, ...extra });
    const existing = (table: TableRef | undefined): table is TableRef => !!table && !context.newTables.has(table);
    let locked: TableRef | undefined;

    if (type === 'TransactionStmt') {
      if (['TRANS_STMT_BEGIN', 'TRANS_STMT_START'].includes(node.kind)) explicitTransaction = true;
      if (['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK'].includes(node.kind)) explicitTransaction = false;
    }
    if (type === 'VariableSetStmt' && node.name === 'lock_timeout') lockTimeoutSet = true;
    if (type === 'SelectStmt' && setsLockTimeout(node)) lockTimeoutSet = true;
    if (type === 'CreateStmt' || type === 'CreateTableAsStmt') {
      const table = tableRef(node.relation ?? node.into?.rel);
      if (table) context.newTables.add(table);
    }
    if (concurrent(type, node) && (alwaysInTransaction || explicitTransaction)) {
      add(
        'concurrently-in-transaction',
        explicitTransaction
          ? 'CONCURRENTLY after BEGIN.'
          : context.transactionMode === 'per-file'
            ? 'The tool runs each migration file in a transaction.'
            : 'The tool sends this file as one script of several statements, which PostgreSQL runs as one transaction.',
      );
    }

    if (type === 'IndexStmt') {
      const table = tableRef(node.relation);
      if (existing(table) && !node.concurrent) {
        locked = table;
        add('create-index-non-concurrently', `CREATE INDEX on ${tableSql(table)}.`, {
          table,
          fix: concurrentIndex(context.text(statement.firstToken, statement.end)),
        });
      }
    }
    if (type === 'AlterTableStmt' && (node.objtype ?? 'OBJECT_TABLE') === 'OBJECT_TABLE') {
      const table = tableRef(node.relation);
      if (existing(table)) {
        locked = table;
        for (const { AlterTableCmd: cmd } of (node.cmds ?? []) as AstNode[]) {
          if (cmd)
            checkAlterTableCommand(cmd, table, (rule, detail, extra) =>
              add(rule, detail, { table, ...extra, offset: at(extra?.offset) }),
            );
        }
      }
    }
    if (type === 'RenameStmt') {
      const table = tableRef(node.relation);
      if (existing(table) && node.renameType === 'OBJECT_COLUMN') {
        locked = table;
        add('rename-column', `Column ${node.subname} of ${tableSql(table)} renamed to ${node.newname}.`, { table });
      }
      if (existing(table) && node.renameType === 'OBJECT_TABLE') {
        locked = table;
        add('rename-table', `Table ${tableSql(table)} renamed to ${node.newname}.`, { table });
      }
    }
    if (type === 'DropStmt' && node.removeType === 'OBJECT_TABLE') {
      for (const table of ((node.objects ?? []) as AstNode[]).map(qualifiedName)) {
        if (!existing(table)) continue;
        locked ??= table;
        add('drop-table', `Table ${tableSql(table)} dropped.`, { table });
      }
    }
    if (type === 'VacuumStmt' && ((node.options ?? []) as AstNode[]).some((o) => o.DefElem?.defname === 'full')) {
      for (const rel of (node.rels ?? []) as AstNode[]) {
        const table = tableRef(rel.VacuumRelation?.relation);
        if (!existing(table)) continue;
        locked ??= table;
        add('vacuum-full', `VACUUM FULL of ${tableSql(table)}.`, { table });
      }
      if (!node.rels?.length) add('vacuum-full', 'VACUUM FULL of every table in the database.');
    }
    if (type === 'ClusterStmt') {
      const table = tableRef(node.relation);
      if (existing(table)) {
        locked = table;
        add('cluster', `CLUSTER of ${tableSql(table)}.`, { table });
      }
      if (!node.relation) add('cluster', 'CLUSTER of every previously clustered table in the database.');
    }

    if (locked && !lockTimeoutSet) {
      add(
        'missing-lock-timeout',
        `The first statement that locks an existing table (${tableSql(locked)}) runs without lock_timeout.`,
        { table: locked },
      );
      lockTimeoutSet = true; // once per file
    }
  });
  return found;
}

type AddFinding = (rule: LintRuleId, detail: string, extra?: Partial<Candidate>) => void;

function checkAlterTableCommand(cmd: AstNode, table: TableRef, add: AddFinding): void {
  const name = tableSql(table);
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const column = cmd.def?.ColumnDef ?? {};
      const constraints = ((column.constraints ?? []) as AstNode[]).map((c) => c.Constraint ?? {});
      const type = (column.typeName?.names ?? []).map((n: AstNode) => n.String?.sval).at(-1);
      const volatile = constraints.find((c) => c.contype === 'CONSTR_DEFAULT' && callsVolatile(c.raw_expr));
      const rewriting = volatile
        ? `its default calls ${callsVolatile(volatile.raw_expr)}()`
        : SERIAL_TYPES.has(type)
          ? `it is ${type}, whose default is nextval()`
          : constraints.some((c) => c.contype === 'CONSTR_IDENTITY')
            ? 'it is an identity column'
            : constraints.some((c) => c.contype === 'CONSTR_GENERATED' && c.generated_kind !== 'v')
              ? 'it is a stored generated column'
              : undefined;
      if (rewriting) {
        add('add-column-volatile-default', `Column ${column.colname} added to ${name}: ${rewriting}.`, {
          offset: column.location,
        });
      }
      const key = constraints.find((c) => c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY');
      if (key)
        add('add-unique-constraint', `Column ${column.colname} added to ${name} with ${keyword(key)}.`, {
          offset: key.location,
        });
      const check = constraints.find((c) => c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN');
      if (check) {
        add('constraint-without-not-valid', `Column ${column.colname} added to ${name} with ${keyword(check)}.`, {
          offset: check.location,
          fix:
            'Add the column first, then the constraint with ALTER TABLE ... ADD CONSTRAINT ... NOT VALID, ' +
            'then VALIDATE it.',
        });
      }
      return;
    }
    case 'AT_SetNotNull':
      add('set-not-null', `Column ${cmd.name} of ${name} set NOT NULL.`, {
        fix:
          `ALTER TABLE ${name} ADD CONSTRAINT ${cmd.name}_not_null CHECK (${cmd.name} IS NOT NULL) NOT VALID; then ` +
          `ALTER TABLE ${name} VALIDATE CONSTRAINT ${cmd.name}_not_null; then ALTER TABLE ${name} ALTER COLUMN ` +
          `${cmd.name} SET NOT NULL; ALTER TABLE ${name} DROP CONSTRAINT ${cmd.name}_not_null;`,
      });
      return;
    case 'AT_AlterColumnType':
      add('alter-column-type', `Column ${cmd.name} of ${name} changes type.`, { offset: cmd.def?.ColumnDef?.location });
      return;
    case 'AT_DropColumn':
      add('drop-column', `Column ${cmd.name} dropped from ${name}.`);
      return;
    case 'AT_AddConstraint': {
      const constraint = cmd.def?.Constraint ?? {};
      const validated =
        constraint.contype === 'CONSTR_FOREIGN'
          ? !constraint.skip_validation
          : constraint.contype === 'CONSTR_CHECK' && constraint.initially_valid === true;
      if (validated) {
        const label = constraint.conname ?? keyword(constraint);
        add('constraint-without-not-valid', `${keyword(constraint)} ${label} added to ${name} without NOT VALID.`, {
          offset: constraint.location,
          ...(constraint.conname
            ? {
                fix:
                  `ADD CONSTRAINT ${constraint.conname} ... NOT VALID; then, in a later migration: ` +
                  `ALTER TABLE ${name} VALIDATE CONSTRAINT ${constraint.conname};`,
              }
            : {}),
        });
      }
      if (
        (constraint.contype === 'CONSTR_UNIQUE' || constraint.contype === 'CONSTR_PRIMARY') &&
        !constraint.indexname
      ) {
        add('add-unique-constraint', `${keyword(constraint)} added to ${name}.`, { offset: constraint.location });
      }
      return;
    }
  }
}

function keyword(constraint: AstNode): string {
  const words: Record<string, string> = {
    CONSTR_UNIQUE: 'UNIQUE',
    CONSTR_PRIMARY: 'PRIMARY KEY',
    CONSTR_CHECK: 'CHECK',
    CONSTR_FOREIGN: 'FOREIGN KEY',
  };
  return words[constraint.contype] ?? constraint.contype;
}

/** The name of a volatile function the expression calls, if any. */
function callsVolatile(expression: unknown): string | undefined {
  let found: string | undefined;
  visit(expression, (node) => {
    const call = node.FuncCall;
    const name = call?.funcname?.map((n: AstNode) => n.String?.sval).at(-1);
    if (name && VOLATILE_FUNCTIONS.has(name)) found ??= name;
  });
  return found;
}

function setsLockTimeout(select: AstNode): boolean {
  let found = false;
  visit(select, (node) => {
    const call = node.FuncCall;
    const name = call?.funcname?.map((n: AstNode) => n.String?.sval).at(-1);
    if (name === 'set_config' && call.args?.[0]?.A_Const?.sval?.sval === 'lock_timeout') found = true;
  });
  return found;
}

function visit(value: unknown, each: (node: AstNode) => void): void {
  if (Array.isArray(value)) for (const item of value) visit(item, each);
  else if (value && typeof value === 'object') {
    each(value as AstNode);
    for (const child of Object.values(value)) visit(child, each);
  }
}

function concurrent(type: string, node: AstNode): boolean {
  if (type === 'IndexStmt' || type === 'DropStmt') return node.concurrent === true;
  if (type === 'ReindexStmt')
    return ((node.params ?? []) as AstNode[]).some((p) => p.DefElem?.defname === 'concurrently');
  if (type === 'AlterTableStmt')
    return ((node.cmds ?? []) as AstNode[]).some((c) => c.AlterTableCmd?.def?.PartitionCmd?.concurrent);
  return false;
}

function qualifiedName(object: AstNode): TableRef {
  const parts = ((object.List?.items ?? []) as AstNode[]).map((item) => item.String?.sval as string);
  const name = parts.at(-1) ?? '';
  return parts.length > 1 ? { schema: parts.at(-2)!, name } : { name };
}

/** The statement as written, with CONCURRENTLY added. */
function concurrentIndex(statement: string): string {
  const rewritten = statement.trim().replace(/^(create\s+(?:unique\s+)?index)\b/i, '$1 CONCURRENTLY');
  const terminated = rewritten.endsWith(';') ? rewritten : `${rewritten};`;
  return `${terminated} -- in a migration of its own, outside any transaction`;
}
