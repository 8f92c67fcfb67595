/**
 * GDPR erasure of one subject, as the policy's soft-delete rule for its table says (`then`): erase deletes the
 * subject's row and every row that depends on it (dependants first, deepest first, so no foreign key has to cascade),
 * anonymize replaces the listed columns of its row. One transaction under lock_timeout and statement_timeout:
 * everything or nothing. Erased keys are recorded as tombstones in the same transaction. A dry run counts in a
 * read-only transaction and changes nothing. Refused, with nothing changed, when a legal hold names the subject or
 * any row the erase would delete, or when a foreign key it does not follow would cascade (`cycleEdges`).
 */
import type pg from 'pg';
import { resolveMinimumTables, resolveTable } from '../databases/postgres/data-retention-target.js';
import { isLockTimeout } from '../databases/postgres/lock-wait.js';
import { translateServerError } from '../databases/postgres/server-errors.js';
import { type SubjectGraph, type SubjectNode, subjectTable } from '../databases/postgres/subject-graph.js';
import { anonymizeRowSql, countRowsSql, deleteRowsSql, hangingRowsSql } from '../databases/postgres/subject-rows.js';
import { checkPolicyCatalog } from '../databases/postgres/data-retention-catalog.js';
import { asDbopsError, DbopsError, invalidInput } from '../errors.js';
import { type DataRetentionPolicy, qualifiedNameText, type SoftDeleteRule } from './policy.js';
import { heldError } from './subject-held.js';
import { refuseUnderMinimums } from './subject-minimums.js';
import { type SubjectScope, subjectScope } from './subject-scope.js';
import { subjectKeysHash } from './subject-keys.js';
import { completeTombstones, ensureTombstoneTables, recordTombstones } from './tombstones.js';

export interface SubjectEraseOptions {
  table: string;
  id: string;
  dryRun: boolean;
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  /**
   * MongoDB: called after each batch of a collection's documents is deleted and its tombstones completed, while the
   * run still holds that collection's lease. PostgreSQL: after each table's rows are deleted, inside the (uncommitted)
   * transaction. For tests of what another run sees meanwhile; nothing else should use it.
   */
  onBatch?: (event: { table: string; rows: number }) => void | Promise<void>;
}

export interface ErasedTable {
  table: string;
  /** The foreign key its rows reference the subject by (undefined for the subject's own table). */
  constraint?: string;
  /** MongoDB: the field its documents hold the subject's `_id` in (a dependant the policy declares). */
  field?: string;
  references?: string;
  /** delete, anonymize, or `set null` / `set default`: rows PostgreSQL's own ON DELETE rule detaches, not deleted. */
  action: 'delete' | 'anonymize' | 'set null' | 'set default';
  /** Rows changed (or, in a dry run, that would be). */
  rows: number;
  /** SHA-256 over the changed rows' keys (key text + "\n", sorted); empty in a dry run. */
  keysSha256: string;
}

export interface SubjectEraseResult {
  rule: string;
  /** The subject's id as given (the summary shows it; the receipt does not carry it). */
  id: string;
  action: 'erase' | 'anonymize';
  table: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  tables: ErasedTable[];
  /** Tombstones written (erase, applied). */
  tombstones: number;
}

export async function eraseSubject(
  client: pg.ClientBase,
  policy: DataRetentionPolicy,
  options: SubjectEraseOptions,
): Promise<SubjectEraseResult> {
  const startedAt = new Date().toISOString();
  const { id, dryRun } = options;
  // Before the transaction (the catalog check runs its own): the rule's table and columns, and the holds readable.
  const rule = await ruleFor(client, policy, (await subjectTable(client, options.table)).table);
  await checkPolicyCatalog(client, { ...policy, data: [rule] });
  await client.query(dryRun ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
  try {
    await client.query(
      "SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true), set_config('TimeZone', 'UTC', true)",
      [`${options.lockTimeoutMs ?? policy.defaults.lockTimeoutMs}ms`, `${options.statementTimeoutMs ?? 60_000}ms`],
    );
    const scope = await subjectScope(client, policy, options.table, id);
    const root = scope.graph.nodes[0]!;
    const then = rule.afterGrace;
    let tables: ErasedTable[];
    let tombstones = 0;
    if (then.action === 'anonymize') {
      const rows = dryRun ? [{ key: '' }] : await anonymizeRow(client, scope, then.columns);
      const keysSha256 = dryRun ? '' : keysHash(await ensureTombstoneTables(client), rows);
      tables = [{ table: root.table, action: 'anonymize', rows: rows.length, keysSha256 }];
    } else {
      const plan = await planErase(client, scope);
      const nodes = scope.graph.nodes;
      // Minimums named as the purge resolves them (search_path), so the erase honours every minimum the purge does.
      const minimumTables = await resolveMinimumTables(client, policy.minimums);
      refuseUnderMinimums(
        policy,
        root.table,
        id,
        plan.order.map((i, at) => ({
          name: { schema: nodes[i]!.schema, name: nodes[i]!.name },
          table: nodes[i]!.table,
          rows: plan.tables[at]!.rows,
        })),
        'rows',
        (minimum, erased) => minimumTables.get(minimum) === erased.table,
      );
      tables = plan.tables;
      if (!dryRun) tombstones = await applyErase(client, scope, plan, options.onBatch);
    }
    await client.query(dryRun ? 'ROLLBACK' : 'COMMIT');
    // Committed: only now may a backup no longer hold the erased rows (tombstones.ts). The erasure stands if this
    // fails: its tombstones then read as not yet completed (a backup holding the rows is not flagged) until the next
    // erasure completes them.
    if (tombstones > 0) await completeTombstones(client).catch(() => undefined);
    const action = then.action;
    return {
      rule: rule.name,
      id,
      action,
      table: root.table,
      dryRun,
      startedAt,
      finishedAt: new Date().toISOString(),
      tables,
      tombstones,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw eraseError(error, options);
  }
}

interface ErasePlan {
  /** Nodes to delete, deepest first. */
  order: number[];
  /** One entry per node of `order` (same position), then the detached tables. */
  tables: ErasedTable[];
}

/** What an erase deletes (and detaches), counted; refused when a legal hold names any row it would delete. */
async function planErase(client: pg.ClientBase, { graph, holdSources, id }: SubjectScope): Promise<ErasePlan> {
  const order = erasable(graph.nodes);
  const tables: ErasedTable[] = [];
  for (const i of order) {
    const count = countRowsSql(graph.nodes, i, id, holdSources);
    const { rows } = await client.query<{ rows: number; held: number }>(count.text, count.values);
    if (rows[0]!.held > 0)
      throw heldError(
        graph.nodes[0]!.table,
        id,
        `${rows[0]!.held} of its dependant rows in ${graph.nodes[i]!.table} are held`,
      );
    tables.push({ ...described(graph.nodes, i, 'delete'), rows: rows[0]!.rows, keysSha256: '' });
  }
  // Rows that only point at erased rows through ON DELETE SET NULL / SET DEFAULT: detached by PostgreSQL, kept.
  for (const [i, node] of graph.nodes.entries())
    if (isDetached(graph.nodes, i) && order.includes(node.parent!)) {
      const count = countRowsSql(graph.nodes, i, id, []);
      const { rows } = await client.query<{ rows: number }>(count.text, count.values);
      const action = node.via!.onDelete as 'set null' | 'set default';
      tables.push({ ...described(graph.nodes, i, action), rows: rows[0]!.rows, keysSha256: '' });
    }
  tables.push(...(await cycleEdges(client, graph, id, order)));
  return { order, tables };
}

/**
 * The foreign keys back into a table already on the path (subject-graph.ts does not follow them) still act when
 * their node's rows are deleted, on rows that are not the subject's (the user a deleted user referred, replies to a
 * deleted comment). ON DELETE CASCADE would delete them unseen: no hold check, no minimum, no receipt, no tombstone,
 * and deleted rows may cascade further. So the erase is refused when any row hangs on such a key, other than rows
 * the erase deletes itself by then (a subject's reply to its own comment). Walking the key instead would erase
 * other subjects, which no one asked for. SET NULL / SET DEFAULT only detach those rows, as they do below the
 * subject's tables (`erasable`): they are listed as detached. NO ACTION / RESTRICT would fail the delete: refused
 * up front, so that a dry run says so too.
 */
async function cycleEdges(client: pg.ClientBase, graph: SubjectGraph, id: string, order: number[]) {
  const detached: ErasedTable[] = [];
  const nodes = graph.nodes;
  for (const edge of graph.skipped) {
    const at = order.indexOf(edge.parent);
    const action = edge.via.onDelete;
    if (at < 0) continue;
    // A cascade reaches (and NO ACTION / RESTRICT refuse) the rows still there when the edge's node is deleted; a
    // detach, those the erase leaves.
    const blocks = action === 'no action' || action === 'restrict';
    const deletedWith = (action === 'cascade' || blocks ? order.slice(0, at + 1) : order).filter(
      (j) => nodes[j]!.table === edge.table,
    );
    const count = hangingRowsSql(nodes, edge, id, deletedWith);
    const rows = (await client.query<{ rows: number }>(count.text, count.values)).rows[0]!.rows;
    if (rows === 0) continue;
    // Known before anything is deleted, so a dry run says it too: the DELETE itself would fail on them.
    if (blocks)
      throw new DbopsError(
        'CHECK_FAILED',
        `Erasing subject ${id} of ${nodes[0]!.table}: ${rows} row(s) of ${edge.table} that the erase does not delete first reference its rows in ${edge.references} through ${edge.constraint}, which is ON DELETE ${action.toUpperCase()}: the erase would fail on them; nothing was erased`,
        {
          hint: `Erase the subjects those rows belong to first, or make ${edge.constraint} ON DELETE SET NULL to detach them.`,
        },
      );
    if (action === 'cascade')
      throw new DbopsError(
        'CHECK_FAILED',
        `Erasing subject ${id} of ${nodes[0]!.table}: ${rows} row(s) of ${edge.table} that the erase does not delete first reference its rows in ${edge.references} through ${edge.constraint}, which is ON DELETE CASCADE: PostgreSQL would delete them (and what cascades from them) unchecked by legal holds and minimums and missing from the receipt; nothing was erased`,
        {
          hint: `Make ${edge.constraint} ON DELETE RESTRICT or NO ACTION, or SET NULL to detach those rows; or erase the subjects those rows belong to first.`,
        },
      );
    detached.push({
      table: edge.table,
      constraint: edge.constraint,
      references: edge.references,
      action,
      rows,
      keysSha256: '',
    });
  }
  return detached;
}

/**
 * Anonymizes the subject's row. The UPDATE itself leaves a held row alone (subject-rows.ts), so a hold committed
 * after subjectScope checked it still protects; the row it then kept refuses the erase, rolled back, as a DELETE's.
 */
async function anonymizeRow(
  client: pg.ClientBase,
  { graph, holdSources, id }: SubjectScope,
  columns: Record<string, string | number | boolean | null>,
): Promise<{ key: string | null }[]> {
  const rows = await changed(client, anonymizeRowSql(graph.nodes, id, columns, holdSources));
  if (rows.length > 0) return rows;
  // The row is still there (subjectScope found it), so the UPDATE's hold condition kept it: the hold may be gone
  // again, or (a hold query) not be seen by this SELECT, so the row's presence decides, not a second hold check.
  const count = countRowsSql(graph.nodes, 0, id, holdSources);
  const left = (await client.query<{ rows: number; held: number }>(count.text, count.values)).rows[0]!;
  if (left.rows > 0) throw heldError(graph.nodes[0]!.table, id, 'a legal hold placed during the erase names it');
  return rows;
}

/** Deletes the plan's nodes in its order, each deleted key a tombstone; returns how many tombstones. */
async function applyErase(
  client: pg.ClientBase,
  { graph, holdSources, id }: SubjectScope,
  plan: ErasePlan,
  onBatch: SubjectEraseOptions['onBatch'],
): Promise<number> {
  let tombstones = 0;
  const salt = await ensureTombstoneTables(client);
  for (const [at, i] of plan.order.entries()) {
    const rows = await changed(client, deleteRowsSql(graph.nodes, i, id, holdSources));
    // The plan's hold check ran in earlier statements: a hold committed since kept its rows out of the DELETE. Any
    // such row left behind fails the erase (rolled back whole): an erase is never half done around a hold.
    const count = countRowsSql(graph.nodes, i, id, holdSources);
    const left = (await client.query<{ rows: number; held: number }>(count.text, count.values)).rows[0]!;
    if (left.held > 0)
      throw heldError(
        graph.nodes[0]!.table,
        id,
        `a legal hold placed during the erase names ${left.held} of its rows in ${graph.nodes[i]!.table}`,
      );
    plan.tables[at]!.rows = rows.length;
    plan.tables[at]!.keysSha256 = keysHash(salt, rows);
    const keys = rows.map((r) => r.key).filter((k): k is string => k !== null);
    await recordTombstones(client, graph.nodes[i]!.table, keys, 'subject-erase');
    tombstones += new Set(keys).size;
    await onBatch?.({ table: graph.nodes[i]!.table, rows: rows.length });
  }
  return tombstones;
}

/** The soft-delete rule whose table is the subject's: its `then` is what erasing a subject means there. */
async function ruleFor(client: pg.ClientBase, policy: DataRetentionPolicy, table: string): Promise<SoftDeleteRule> {
  const rules = policy.data.filter((r): r is SoftDeleteRule => r.kind === 'soft-delete');
  const covering: SoftDeleteRule[] = [];
  for (const rule of rules)
    if ((await resolveTable(client, qualifiedNameText(rule.table))) === table) covering.push(rule);
  // Split by `where` for purges, the rules may say different things of one subject: which applies is not guessed.
  if (covering.length > 1)
    throw invalidInput(
      'policy',
      `has ${covering.length} soft-delete rules on ${table} (${covering.map((r) => `'${r.name}' on line ${r.line}`).join(', ')}), so which one's then applies to a subject is ambiguous`,
      `one soft-delete rule on ${table} for subject erase`,
    );
  if (covering[0]) return covering[0];
  throw invalidInput(
    'table',
    `names ${table}, which no soft-delete rule of the policy covers`,
    `a table with a soft-delete rule (soft-delete, grace, then: erase or anonymize)${rules.length ? `: ${rules.map((r) => qualifiedNameText(r.table)).join(', ')}` : ''}`,
  );
}

/**
 * The nodes an erase deletes, deepest first: every node reached only through foreign keys that would block or
 * cascade the delete. Below an ON DELETE SET NULL / SET DEFAULT key the rows are not the subject's: PostgreSQL
 * detaches them and they stay.
 */
function erasable(nodes: SubjectNode[]): number[] {
  const chosen = nodes.map((_, i) => i).filter((i) => !isDetachedPath(nodes, i));
  return chosen.sort((a, b) => nodes[b]!.depth - nodes[a]!.depth || b - a);
}

function isDetached(nodes: SubjectNode[], i: number): boolean {
  const onDelete = nodes[i]!.via?.onDelete;
  return onDelete === 'set null' || onDelete === 'set default';
}

function isDetachedPath(nodes: SubjectNode[], i: number): boolean {
  for (let at: number | undefined = i; at !== undefined; at = nodes[at]!.parent) if (isDetached(nodes, at)) return true;
  return false;
}

function described(nodes: SubjectNode[], i: number, action: ErasedTable['action']) {
  const node = nodes[i]!;
  const parent = node.parent === undefined ? undefined : nodes[node.parent]!;
  return {
    table: node.table,
    ...(node.via && parent ? { constraint: node.via.constraint, references: parent.table } : {}),
    action,
  };
}

async function changed(client: pg.ClientBase, sql: { text: string; values: unknown[] }) {
  return (await client.query<{ key: string | null }>(sql.text, sql.values)).rows;
}

/** The receipt's hash of the changed rows' keys, keyed with the tombstones' salt (subject-keys.ts). */
function keysHash(salt: string, rows: { key: string | null }[]): string {
  return subjectKeysHash(
    salt,
    rows.map((r) => r.key ?? ''),
  );
}

function eraseError(error: unknown, options: SubjectEraseOptions): DbopsError {
  if (error instanceof DbopsError) return error;
  const at = `Erasing subject ${options.id} of ${options.table}`;
  if (isLockTimeout(error))
    return new DbopsError('TIMEOUT', `${at}: a row or table was locked longer than lock-timeout; nothing was erased`, {
      input: 'lock-timeout',
      cause: error,
      hint: 'Another session holds a lock on one of the tables; run again once it is released, or raise lock-timeout.',
    });
  if ((error as { code?: string }).code === '23503')
    return new DbopsError('CHECK_FAILED', `${at}: ${(error as Error).message}; nothing was erased`, {
      cause: error,
      hint: 'A row outside the followed foreign keys (a cycle back into a table already erased) still references the subject: delete or detach it first.',
    });
  const translated = translateServerError(error) ?? asDbopsError(error);
  return new DbopsError(translated.code, `${at}: ${translated.message}; nothing was erased`, {
    cause: error,
    ...(translated.hint ? { hint: translated.hint } : {}),
  });
}
