// report.json matches its documented schema (docs/monitor-report.schema.json), including trends: a field added
// to the report without documenting it, or a documented required field that disappears, fails here.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLogger, monitorReport, parsePgTarget, parseThresholds, POSTGRES_CHECKS } from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

type Schema = Record<string, any>;

/** The subset of JSON Schema the document uses: type, const, enum, required, properties, additionalProperties, items, $ref. */
function validate(value: unknown, schema: Schema, root: Schema, path: string, errors: string[]): void {
  if (schema.$ref) {
    validate(value, root.$defs[schema.$ref.replace('#/$defs/', '')], root, path, errors);
    return;
  }
  if ('const' in schema && value !== schema.const) errors.push(`${path}: expected ${schema.const}`);
  if (schema.enum && !schema.enum.includes(value))
    errors.push(`${path}: ${JSON.stringify(value)} not in ${schema.enum.join('|')}`);
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (schema.type) {
    const ok = schema.type === 'integer' ? Number.isInteger(value) : schema.type === type;
    if (!ok) return void errors.push(`${path}: expected ${schema.type}, got ${type}`);
  }
  if (type === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${path}: missing ${key}`);
    for (const [key, child] of Object.entries(object)) {
      if (schema.properties?.[key]) validate(child, schema.properties[key], root, `${path}.${key}`, errors);
      else if (schema.additionalProperties === false) errors.push(`${path}: undocumented property ${key}`);
      else if (typeof schema.additionalProperties === 'object')
        validate(child, schema.additionalProperties, root, `${path}.${key}`, errors);
    }
  }
  if (type === 'array' && schema.items)
    (value as unknown[]).forEach((item, i) => {
      validate(item, schema.items, root, `${path}[${i}]`, errors);
    });
}

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
  await server.query(
    `create table counters (id serial primary key); select setval('counters_id_seq', 2000000000); create table nopk (a int);`,
  );
});
afterAll(async () => {
  await server?.stop();
});

it('writes a report.json that matches docs/monitor-report.schema.json', async () => {
  const schema = JSON.parse(await readFile('docs/monitor-report.schema.json', 'utf8')) as Schema;
  const history = await mkdtemp(join(tmpdir(), 'dbops-monitor-schema-'));
  const settings = await parseThresholds(
    'checks:\n  idle-in-transaction: { warning: 0s }\n',
    'inline',
    POSTGRES_CHECKS,
  );
  let path = '';
  for (const day of [1, 2]) {
    const { files } = await monitorReport({
      target: parsePgTarget({ url: server.url() }),
      settings,
      statementTimeoutMs: 10_000,
      budgetMs: 60_000,
      outputDir: await mkdtemp(join(tmpdir(), 'dbops-monitor-schema-out-')),
      history: { location: history, days: 30 },
      github: { repository: 'acme/shop', runId: '1', runUrl: 'https://github.com/acme/shop/actions/runs/1' },
      log: new MemoryLogger(),
      now: () => new Date(Date.UTC(2026, 10, day)),
    });
    path = files.json;
  }
  const report = JSON.parse(await readFile(path, 'utf8'));
  // The report exercises the optional parts: findings with details, skipped checks, trends, github.
  expect(report.counts.critical).toBeGreaterThan(0);
  expect(report.counts.skipped).toBeGreaterThan(0);
  expect(report.trends.series.length).toBeGreaterThan(0);
  const errors: string[] = [];
  validate(report, schema, schema, '$', errors);
  expect(errors).toEqual([]);

  // The validator itself rejects what the schema forbids.
  const broken = { ...report, extra: 1, status: 'fine' };
  const brokenErrors: string[] = [];
  validate(broken, schema, schema, '$', brokenErrors);
  expect(brokenErrors).toEqual(
    expect.arrayContaining(['$: undocumented property extra', '$.status: "fine" not in ok|warning|critical|unknown']),
  );
});
