// The pure parts of the data-retention plan and purge: cutoffs under compliance minimums, the pacing between
// batches and the time budget, the SQL a batch runs (values as parameters, the filter in its parentheses, typed
// keyset bounds), and the receipt (fields picked one by one, an error recorded by its code only).
import { createHash } from 'node:crypto';
import { ruleCutoffs } from '../../packages/core/src/data-retention/cutoffs.js';
import type { Period } from '../../packages/core/src/data-retention/period.js';
import type { Minimum } from '../../packages/core/src/data-retention/policy.js';
import type { PurgeResult } from '../../packages/core/src/data-retention/purge.js';
import { policySha256, retentionReceipt } from '../../packages/core/src/data-retention/receipt.js';
import type { RuleTarget } from '../../packages/core/src/data-retention/targets.js';
import { budgetSpent, pauseAfterBatch } from '../../packages/core/src/data-retention/throttle.js';
import { batchSql, countSql, keyText } from '../../packages/core/src/databases/postgres/data-retention-predicate.js';
import { DbopsError } from '../../packages/core/src/errors.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400;
const days = (n: number) => ({ years: 0, seconds: n * DAY });
const minimum = (name: string, days: Period): Minimum => ({ table: { name }, keepAtLeast: days, line: 1 });

describe('ruleCutoffs', () => {
  test('without a minimum the effective cutoff is the rule’s own', () => {
    expect(ruleCutoffs(days(30), [], () => true, NOW)).toEqual({
      cutoff: new Date('2026-05-02T00:00:00Z'),
      effectiveCutoff: new Date('2026-05-02T00:00:00Z'),
    });
  });

  test('the longest minimum on the table moves the effective cutoff back; others are ignored', () => {
    const minimums = [minimum('audit', days(40)), minimum('audit', days(60)), minimum('other', days(900))];
    expect(ruleCutoffs(days(30), minimums, (m) => m.table.name === 'audit', NOW)).toEqual({
      cutoff: new Date('2026-05-02T00:00:00Z'),
      effectiveCutoff: new Date('2026-04-02T00:00:00Z'),
      minimumSeconds: 60 * DAY,
    });
  });

  test('a minimum shorter than the rule changes nothing', () => {
    const cutoffs = ruleCutoffs(days(365), [minimum('audit', days(30))], () => true, NOW);
    expect(cutoffs.effectiveCutoff).toEqual(cutoffs.cutoff);
  });
});

describe('pacing', () => {
  const pacing = { sleepMs: 100, sleepCoefficient: 0.5, maxRuntimeMs: 10_000 };

  test('the pause is the fixed sleep plus a share of the batch’s time', () => {
    expect(pauseAfterBatch(pacing, 0)).toBe(100);
    expect(pauseAfterBatch(pacing, 400)).toBe(300);
    expect(pauseAfterBatch({ ...pacing, sleepMs: 0, sleepCoefficient: 0 }, 5000)).toBe(0);
  });

  test('the budget is spent when the pause would end at or past it', () => {
    expect(budgetSpent(pacing, 9000, 999)).toBe(false);
    expect(budgetSpent(pacing, 9000, 1000)).toBe(true);
    expect(budgetSpent(pacing, 10_001, 0)).toBe(true);
  });
});

const target = (over: Partial<RuleTarget> = {}): RuleTarget => ({
  rule: 'audit-logs',
  kind: 'age',
  action: 'delete',
  table: 'public.audit_log',
  partitioned: false,
  holdNames: ['audit_log', 'public.audit_log'],
  primaryKey: [{ name: 'id', type: 'bigint' }],
  timeColumn: 'created_at',
  timeType: 'timestamp with time zone',
  holdSources: ['legal_holds'],
  cutoff: new Date('2025-06-01T00:00:00Z'),
  effectiveCutoff: new Date('2025-06-01T00:00:00Z'),
  dependants: [],
  ...over,
});

describe('batch SQL', () => {
  test('values are parameters; the filter sits in its own parentheses; holds are part of the statement', () => {
    const sql = batchSql(target({ where: "tenant_id = 7 OR note = 'x'" }), 500, undefined);
    expect(sql.values).toEqual(['2025-06-01T00:00:00.000Z', ['audit_log', 'public.audit_log'], 500]);
    expect(sql.text).toContain(`t.created_at < $1::timestamptz AND (tenant_id = 7 OR note = 'x')`);
    expect(sql.text).toContain(
      'NOT (EXISTS (SELECT 1 FROM legal_holds AS h WHERE h.subject_table::text = ANY($2::text[]) AND h.subject_id::text = t.id::text))',
    );
    expect(sql.text).toContain('ORDER BY t.id LIMIT $3 FOR UPDATE OF t SKIP LOCKED');
    expect(sql.text).toContain('DELETE FROM public.audit_log AS d USING batch AS b WHERE (d.id) = (b.id)');
  });

  test('later batches start after the last key, cast to the key’s types so the bound is an index condition', () => {
    const composite = target({
      primaryKey: [
        { name: 'id', type: 'bigint' },
        { name: 'Viewed At', type: 'timestamp without time zone' },
      ],
      holdSources: [],
    });
    const sql = batchSql(composite, 10, ['42', '2025-01-01 00:00:00']);
    expect(sql.text).toContain('(t.id, t."Viewed At") > ($2::bigint, $3::timestamp without time zone)');
    expect(sql.text).toContain('AND NOT false');
    expect(sql.values).toEqual(['2025-06-01T00:00:00.000Z', '42', '2025-01-01 00:00:00', 10]);
    expect(keyText(composite, 't')).toBe('ROW(t.id, t."Viewed At")::text');
  });

  test('an anonymize rule updates the listed columns and skips rows already anonymized', () => {
    const sql = batchSql(
      target({ kind: 'soft-delete', action: 'anonymize', anonymize: { email: null, name: 'deleted user' } }),
      10,
      undefined,
    );
    expect(sql.text).toContain('NOT (t.email IS NOT DISTINCT FROM $2 AND t.name IS NOT DISTINCT FROM $3)');
    expect(sql.text).toContain('UPDATE public.audit_log AS d SET email = $5, name = $6 FROM batch AS b');
    expect(sql.values).toEqual([
      '2025-06-01T00:00:00.000Z',
      null,
      'deleted user',
      ['audit_log', 'public.audit_log'],
      null,
      'deleted user',
      10,
    ]);
  });

  test('the batch deletes only before the effective cutoff; the plan counts from the rule’s own and flags the rest', () => {
    const floored = target({ effectiveCutoff: new Date('2025-01-01T00:00:00Z') });
    expect(batchSql(floored, 10, undefined).values[0]).toBe('2025-01-01T00:00:00.000Z');
    const count = countSql(floored, 1000);
    expect(count.text).toContain('t.created_at >= $2::timestamptz AS young');
    expect(count.values).toEqual([
      ['audit_log', 'public.audit_log'],
      '2025-01-01T00:00:00.000Z',
      '2025-06-01T00:00:00.000Z',
      1001,
    ]);
  });
});

describe('receipt', () => {
  const result: PurgeResult = {
    startedAt: '2026-06-01T00:00:01.000Z',
    finishedAt: '2026-06-01T00:00:09.000Z',
    now: '2026-06-01T00:00:00.000Z',
    outcome: 'failed',
    error: new DbopsError('TIMEOUT', "Rule 'audit-logs' on audit_log: value 'alice@example.com' ..."),
    rules: [
      {
        rule: 'audit-logs',
        table: 'audit_log',
        action: 'delete',
        cutoff: '2025-06-01T00:00:00.000Z',
        effectiveCutoff: '2025-06-01T00:00:00.000Z',
        rows: 10,
        batches: 1,
        durationMs: 12,
        complete: false,
        keysSha256: 'ab'.repeat(32),
        archives: [],
      },
    ],
    skipped: [{ rule: 'events', reason: 'a MongoDB collection' }],
    lagWaitMs: 0,
  };

  test('records counts, cutoffs and hashes, and a failure by its code alone', () => {
    const receipt = retentionReceipt(result, policySha256('version: 1\n'));
    expect(receipt).toEqual({
      format: 'dbops.retention-receipt/1',
      policySha256: createHash('sha256').update('version: 1\n').digest('hex'),
      startedAt: result.startedAt,
      finishedAt: result.finishedAt,
      now: result.now,
      outcome: 'failed',
      errorCode: 'TIMEOUT',
      // A rule without archive-to: no archives field, so such receipts read as they did before archives existed.
      rules: [{ ...result.rules[0], archives: undefined }],
    });
    expect('archives' in receipt.rules[0]!).toBe(false);
    expect(receipt.policySha256).not.toBe(policySha256('version: 1\n# changed\n'));
    expect(JSON.stringify(receipt)).not.toContain('alice');
  });

  test('lists the archive objects of committed batches by location, manifest, rows, bytes and SHA-256 only', () => {
    const archive = {
      location: 's3://archive/audit-logs/20260601T000001Z-abcdef/000001.jsonl.zst.age',
      manifest: 's3://archive/audit-logs/20260601T000001Z-abcdef/000001.jsonl.zst.age.manifest.json',
      rows: 10,
      bytes: 1234,
      sha256: 'cd'.repeat(32),
    };
    const withArchive: PurgeResult = {
      ...result,
      rules: [{ ...result.rules[0]!, archives: [{ ...archive, extra: 'not for receipts' } as typeof archive] }],
    };
    const receipt = retentionReceipt(withArchive, policySha256('version: 1\n'));
    expect(receipt.rules[0]!.archives).toEqual([archive]);
  });
});
