// The data-retention policy file: the issue's example parses; each kind of bad input is refused with the rule, the
// field, the line and the valid form; `where` filters go through PostgreSQL's grammar and cannot escape.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import { parsePolicy } from '../../packages/core/src/data-retention/read-policy.js';
import { DbopsError } from '../../packages/core/src/errors.js';

const require = createRequire(import.meta.url);

const ISSUE_EXAMPLE = `# .github/dbops/retention.yml
version: 1
defaults: { batch-size: 5000, lock-timeout: 2s, max-replication-lag: 30s, max-runtime: 20m }
holds:                                   # legal holds: never purged, checked fail-closed
  - table: public.legal_holds            # rows (subject_table, subject_id) that must survive
data:
  - name: audit-logs
    table: public.audit_logs
    by: created_at
    keep: 365d
    archive-to: s3://acme-archive/audit-logs      # archived before deleted, encrypted like backups
  - name: page-views
    table: public.page_views                       # partitioned by month: whole partitions are dropped
    by: viewed_at
    keep: 180d
  - name: deleted-accounts
    table: public.users
    soft-delete: deleted_at
    grace: 30d
    then: erase                                    # delete the row and its dependants, or \`anonymize\` listed columns
  - name: analytics-events
    collection: analytics.events                   # MongoDB, once that issue has landed
    by: createdAt
    keep: 30d
minimums:                                          # what the policy may never shorten (compliance floors)
  - table: public.medical_records
    keep-at-least: 6y
backups:                                           # the existing rotation, same rules as keep-* inputs
  from: s3://acme-backups/prod
  keep-daily: 7
  keep-weekly: 4
  keep-monthly: 12
  keep-min-verified: 2
`;

const DAY = 86400;

async function refusal(text: string): Promise<DbopsError> {
  const error = await parsePolicy(text, 'retention.yml').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DbopsError);
  expect((error as DbopsError).code).toBe('INVALID_INPUT');
  expect((error as DbopsError).hint).toBeTruthy();
  return error as DbopsError;
}

/** The issue's example with one line replaced (the replacement keeps the line numbers unless it adds lines). */
const edit = (from: string, to: string) => {
  expect(ISSUE_EXAMPLE).toContain(from);
  return ISSUE_EXAMPLE.replace(from, to);
};

test("the issue's example parses into the typed policy", async () => {
  const policy = await parsePolicy(ISSUE_EXAMPLE, 'retention.yml');
  expect(policy.defaults).toEqual({
    batchSize: 5000,
    maxCascadeRows: 100_000,
    lockTimeoutMs: 2000,
    maxReplicationLagMs: 30_000,
    maxRuntimeMs: 1_200_000,
    sleepMs: 0,
    sleepCoefficient: 2,
  });
  expect(policy.holds).toEqual([{ kind: 'table', table: { schema: 'public', name: 'legal_holds' }, line: 5 }]);
  expect(policy.data.map((r) => [r.name, r.kind, r.line])).toEqual([
    ['audit-logs', 'age', 7],
    ['page-views', 'age', 12],
    ['deleted-accounts', 'soft-delete', 16],
    ['analytics-events', 'collection', 21],
  ]);
  expect(policy.data[0]).toMatchObject({
    keep: { years: 0, seconds: 365 * DAY },
    by: 'created_at',
    archiveTo: 's3://acme-archive/audit-logs',
  });
  expect(policy.data[2]).toMatchObject({
    softDelete: 'deleted_at',
    grace: { years: 0, seconds: 30 * DAY },
    afterGrace: { action: 'erase' },
  });
  expect(policy.data[3]).toMatchObject({ collection: { database: 'analytics', name: 'events' }, by: 'createdAt' });
  expect(policy.minimums).toEqual([
    { table: { schema: 'public', name: 'medical_records' }, keepAtLeast: { years: 6, seconds: 0 }, line: 26 },
  ]);
  expect(policy.backups).toEqual({
    from: 's3://acme-backups/prod',
    keepDaily: 7,
    keepWeekly: 4,
    keepMonthly: 12,
    keepMinVerified: 2,
    // The lines of the keys, for the pull-request comparison (policy-changes.ts).
    line: 28,
    lines: { keepDaily: 30, keepWeekly: 31, keepMonthly: 32, keepMinVerified: 33 },
  });
});

test('max-slot-wal and max-active-sessions are off unless set; sizes and counts parse', async () => {
  const bounds = (text: string) =>
    parsePolicy(edit('max-runtime: 20m }', `max-runtime: 20m, ${text} }`), 'retention.yml').then((p) => p.defaults);
  expect(await bounds('max-slot-wal: 2GB, max-active-sessions: 20')).toMatchObject({
    maxSlotWalBytes: 2 * 1024 ** 3,
    maxActiveSessions: 20,
  });
  expect((await bounds('max-slot-wal: 1048576')).maxSlotWalBytes).toBe(1048576);
  expect((await bounds('max-slot-wal: 512 MiB')).maxSlotWalBytes).toBe(512 * 1024 ** 2);
});

test('sleep and sleep-coefficient pace the purge: 0 and 2 unless set', async () => {
  const pacing = (text: string) =>
    parsePolicy(edit('max-runtime: 20m }', `max-runtime: 20m${text} }`), 'retention.yml').then((p) => [
      p.defaults.sleepMs,
      p.defaults.sleepCoefficient,
    ]);
  expect(await pacing('')).toEqual([0, 2]);
  expect(await pacing(', sleep: 250ms, sleep-coefficient: 2')).toEqual([250, 2]);
  expect(await pacing(', sleep: 0s, sleep-coefficient: 0')).toEqual([0, 0]);
});

test('min-oplog-window (MongoDB) is off unless set; a duration in ms', async () => {
  const window = (text: string) =>
    parsePolicy(edit('max-runtime: 20m }', `max-runtime: 20m${text} }`), 'retention.yml').then(
      (p) => p.defaults.minOplogWindowMs,
    );
  expect(await window('')).toBeUndefined();
  expect(await window(', min-oplog-window: 6h')).toBe(6 * 3600_000);
  expect(await window(', min-oplog-window: 2s')).toBe(2000);
  expect(await window(', min-oplog-window: 1h30m')).toBe(5400_000);
});

test('anonymize takes per-column replacements', async () => {
  const policy = await parsePolicy(
    edit(
      '    then: erase ',
      "    then: anonymize\n    anonymize: { email: null, name: 'deleted user', age: 0 }\n    #",
    ),
    'retention.yml',
  );
  expect(policy.data[2]).toMatchObject({
    afterGrace: { action: 'anonymize', columns: { email: null, name: 'deleted user', age: 0 } },
  });
});

test.each([
  [
    'an unknown key',
    edit('    by: viewed_at', '    bye: viewed_at'),
    14,
    "rule 'page-views' (data[1]) field 'bye' is not a known key",
    /name, table, by, keep/,
  ],
  [
    'an unknown top-level key',
    edit('minimums:', 'minimum:'),
    25,
    "'minimum' is not a known key",
    /version, defaults, holds, data, minimums, backups/,
  ],
  [
    'a duration outside the grammar',
    edit('keep: 180d', 'keep: 6 months'),
    15,
    "rule 'page-views' (data[1]) field 'keep' '6 months' is not a duration",
    /y \(a calendar year\)/,
  ],
  ['a bare number for a duration', edit('keep: 180d', 'keep: 180'), 15, "field 'keep' is 180", /a number with a unit/],
  [
    'minutes meant as months',
    edit('keep: 180d', 'keep: 6m'),
    15,
    "field 'keep' is '6m', less than an hour",
    /m is minutes, not months/,
  ],
  [
    'a bad lock timeout',
    edit('lock-timeout: 2s', 'lock-timeout: 2'),
    3,
    'defaults.lock-timeout is 2',
    /a number with a unit/,
  ],
  ['a batch size of 0', edit('batch-size: 5000', 'batch-size: 0'), 3, 'defaults.batch-size is 0', /1 to 1000000/],
  [
    'a fractional max-cascade-rows',
    edit('batch-size: 5000', 'batch-size: 5000, max-cascade-rows: 1.5'),
    3,
    'defaults.max-cascade-rows is 1.5',
    /1 to 100000000/,
  ],
  [
    'a slot WAL bound that is not a size',
    edit('max-runtime: 20m }', 'max-runtime: 20m, max-slot-wal: lots }'),
    3,
    "defaults.max-slot-wal 'lots' is not a size",
    /e\.g\. 512kB, 64MB or 1\.5GiB/,
  ],
  [
    'a slot WAL bound of 0',
    edit('max-runtime: 20m }', 'max-runtime: 20m, max-slot-wal: 0 }'),
    3,
    'defaults.max-slot-wal is 0',
    /a size above 0/,
  ],
  [
    'a session bound that is not a whole number',
    edit('max-runtime: 20m }', 'max-runtime: 20m, max-active-sessions: 2.5 }'),
    3,
    'defaults.max-active-sessions is 2.5',
    /whole number of sessions from 1 to 100000/,
  ],
  [
    'a sleep without a unit',
    edit('max-runtime: 20m }', 'max-runtime: 20m, sleep: 100 }'),
    3,
    'defaults.sleep is 100',
    /e\.g\. 500ms, 90s, 1h30m/,
  ],
  [
    'a negative sleep coefficient',
    edit('max-runtime: 20m }', 'max-runtime: 20m, sleep-coefficient: -1 }'),
    3,
    'defaults.sleep-coefficient is -1',
    /a number from 0 to 100: the pause after a batch per unit of its own time/,
  ],
  [
    'a sleep coefficient that is text',
    edit('max-runtime: 20m }', "max-runtime: 20m, sleep-coefficient: 'half' }"),
    3,
    'defaults.sleep-coefficient is "half"',
    /a number from 0 to 100/,
  ],
  [
    'an oplog window bound without a unit',
    edit('max-runtime: 20m }', 'max-runtime: 20m, min-oplog-window: 3600 }'),
    3,
    'defaults.min-oplog-window is 3600',
    /at least 1s \(the oplog's timestamps count whole seconds\): a number with a unit/,
  ],
  [
    'an oplog window bound that is not a duration',
    edit('max-runtime: 20m }', 'max-runtime: 20m, min-oplog-window: six hours }'),
    3,
    "defaults.min-oplog-window 'six hours' is not a duration",
    /e\.g\. 500ms, 90s, 1h30m/,
  ],
  [
    'an oplog window bound under a second',
    edit('max-runtime: 20m }', 'max-runtime: 20m, min-oplog-window: 500ms }'),
    3,
    "defaults.min-oplog-window is '500ms', less than a second",
    /at least 1s/,
  ],
  [
    'an oplog window bound of 0',
    edit('max-runtime: 20m }', 'max-runtime: 20m, min-oplog-window: 0s }'),
    3,
    "defaults.min-oplog-window is '0s', less than a second",
    /at least 1s/,
  ],
  [
    'a misspelt oplog window key',
    edit('max-runtime: 20m }', 'max-runtime: 20m, min-oplog-windows: 6h }'),
    3,
    "'min-oplog-windows' is not a known key",
    /min-oplog-window$/,
  ],
  [
    'a duplicate rule name',
    edit('name: page-views', 'name: audit-logs'),
    12,
    "rule 'audit-logs' (data[1]) field 'name' repeats the name of data[0] on line 7",
    /one rule only/,
  ],
  [
    'a rule shorter than a minimum',
    edit('table: public.medical_records', 'table: public.audit_logs'),
    10,
    "field 'keep' (365d) is shorter than the minimum for public.audit_logs on line 26 (6y)",
    /at least 6y/,
  ],
  [
    'a grace shorter than a minimum',
    edit('table: public.medical_records', 'table: users'),
    19,
    "rule 'deleted-accounts' (data[2]) field 'grace' (30d) is shorter than the minimum",
    /compliance floors/,
  ],
  [
    'then neither erase nor anonymize',
    edit('then: erase', 'then: delete'),
    20,
    'field \'then\' is "delete"',
    /then: erase, or then: anonymize/,
  ],
  [
    'anonymize without columns',
    edit('then: erase', 'then: anonymize'),
    20,
    "field 'anonymize' is missing for then: anonymize",
    /column: replacement/,
  ],
  [
    'a missing keep',
    edit('    keep: 180d\n', ''),
    12,
    "rule 'page-views' (data[1]) field 'keep' is missing",
    /a number with a unit/,
  ],
  [
    'a bad table name',
    edit('table: public.page_views', 'table: public.page-views'),
    13,
    "field 'table' is 'public.page-views'",
    /schema-qualified/,
  ],
  ['a bad rule name', edit('name: page-views', 'name: Page Views'), 12, 'field \'name\' is "Page Views"', /lowercase/],
  [
    'a table and a collection in one rule',
    edit('    by: createdAt', '    table: events\n    by: createdAt'),
    22,
    "field 'collection' is set together with table",
    /either table/,
  ],
  [
    'a where on a MongoDB rule',
    edit('    by: createdAt', '    where: a = 1\n    by: createdAt'),
    23,
    "rule 'analytics-events' (data[3]) field 'where' is not a known key",
    /collection rule/,
  ],
  [
    'a by path with an empty part',
    edit('    by: createdAt', '    by: meta..createdAt'),
    23,
    "rule 'analytics-events' (data[3]) field 'by' is 'meta..createdAt'",
    /dotted path, not starting with \$/,
  ],
  [
    'a hold collection without its database',
    edit('  - table: public.legal_holds', '  - collection: legal_holds'),
    5,
    "holds[0].collection is 'legal_holds'",
    /database\.collection/,
  ],
  [
    'an unsupported archive scheme',
    edit('s3://acme-archive/audit-logs', 'gs://acme-archive/audit-logs'),
    11,
    "field 'archive-to' uses the unsupported scheme 'gs://'",
    /s3:\/\/bucket/,
  ],
  ['a wrong version', edit('version: 1', 'version: 2'), 2, 'version is 2', /version: 1/],
  ['invalid YAML', edit('  keep-daily: 7', '  keep-daily: [7'), 31, 'the file is not valid YAML', /YAML/],
  [
    'a duplicate key',
    edit('    keep: 365d', '    keep: 365d\n    keep: 30d'),
    11,
    'the file is not valid YAML: Map keys must be unique',
    /YAML/,
  ],
  [
    'a hold query that writes',
    edit(
      '  - table: public.legal_holds',
      "  - query: WITH d AS (DELETE FROM t RETURNING *) SELECT 't' AS subject_table, '1' AS subject_id",
    ),
    5,
    'holds[0].query uses WITH, INTO or FOR UPDATE/SHARE',
    /one SELECT/,
  ],
  [
    'a hold query with a second statement',
    edit('  - table: public.legal_holds', '  - query: SELECT subject_table, subject_id FROM h; DROP TABLE h'),
    5,
    'holds[0].query contains a ";"',
    /one SELECT/,
  ],
])('%s is refused with the line, the field and the valid form', async (_, text, line, problem, valid) => {
  const error = await refusal(text);
  expect(error.message).toContain(`file retention.yml line ${line}: `);
  // Named once: a field's own error wrapped again said "file … line 3: defaults.x file … line 3: defaults.x is 2".
  expect(error.message.split('file retention.yml line').length).toBe(2);
  expect(error.message).toContain(problem);
  expect(error.hint).toMatch(valid);
});

const withWhere = (where: string) => edit('    keep: 180d\n', `    keep: 180d\n    where: ${JSON.stringify(where)}\n`);

test("a where filter that is one boolean expression on the rule's columns is kept as written", async () => {
  const where =
    "tenant_id = 7 AND lower(status) IN ('closed', 'spam') AND note IS NOT NULL AND viewed_at < now() - interval '1 day'";
  const policy = await parsePolicy(withWhere(where), 'retention.yml');
  expect(policy.data[1]!.where).toBe(where);
});

test.each([
  ['a second statement', 'true; DELETE FROM users', 'contains a ";"'],
  ['a comment hiding the rest of the predicate', 'tenant_id = 7 --', 'contains a comment'],
  ['a block comment', 'tenant_id = 7 /* x */', 'contains a comment'],
  ["closing the predicate's parentheses", 'tenant_id = 7) OR (true', 'closes a parenthesis it did not open'],
  ['an open parenthesis', '(tenant_id = 7', 'leaves a parenthesis open'],
  ['a subquery', 'id IN (SELECT id FROM admins)', 'uses a subquery'],
  ['a function that sleeps', 'pg_sleep(10) IS NOT NULL', 'calls the function pg_sleep()'],
  ['a schema-qualified function', "public.lower(note) = 'x'", 'calls the function public.lower()'],
  ['a function that writes', "set_config('role', 'postgres', false) = 'x'", 'calls the function set_config()'],
  ['a UNION', 'true UNION SELECT 1', 'is not a single boolean expression'],
  ['a LIMIT', 'true LIMIT 1', 'is not a single boolean expression'],
  ['FOR UPDATE', 'true FOR UPDATE', 'is not a single boolean expression'],
  ["another table's column", 'users.id = 1', 'names a qualified column (users.id)'],
  ['a parameter', 'id = $1', 'uses a parameter'],
  ['text that does not parse', 'tenant_id = = 7', 'does not parse as SQL'],
  ['an aggregate', 'count(*) > 0', 'calls the function count()'],
])('a where with %s is refused, naming the rule, field and line', async (_, where, problem) => {
  const error = await refusal(withWhere(where));
  expect(error.message).toContain(`file retention.yml line 16: rule 'page-views' (data[1]) field 'where' ${problem}`);
  expect(error.hint).toContain('one boolean SQL expression');
});

test('the JSON Schema accepts what the reader accepts and refuses the structural mistakes it refuses', async () => {
  const Ajv2020 = require('ajv/dist/2020').default as new (
    o: object,
  ) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
    JSON.parse(await readFile('docs/retention-policy.schema.json', 'utf8')),
  );
  expect(validate(parseYaml(ISSUE_EXAMPLE))).toBe(true);
  for (const bad of [
    edit('    by: viewed_at', '    bye: viewed_at'),
    edit('keep: 180d', 'keep: 180'),
    edit('then: erase', 'then: delete'),
    edit('then: erase', 'then: anonymize'),
    edit('version: 1', 'version: 2'),
    edit('name: page-views', 'name: Page Views'),
    edit('    by: createdAt', '    by: meta..createdAt'),
    edit('    by: createdAt', '    by: meta.$createdAt'),
    edit('  - table: public.legal_holds', '  - collection: legal_holds'),
    edit('max-runtime: 20m }', 'max-runtime: 20m, min-oplog-window: 3600 }'),
    edit('max-runtime: 20m }', 'max-runtime: 20m, min-oplog-window: six hours }'),
  ]) {
    expect(validate(parseYaml(bad))).toBe(false);
    await refusal(bad);
  }
  expect(validate(parseYaml(WITH_COLLECTION_HOLD))).toBe(true);
  expect(validate(parseYaml(edit('max-runtime: 20m }', 'max-runtime: 20m, min-oplog-window: 6h }')))).toBe(true);
  // MongoDB soft-delete rules: the schema and the reader agree.
  expect(validate(parseYaml(softCollection()))).toBe(true);
  expect(
    validate(parseYaml(softCollection("    then: anonymize\n    anonymize: { email: null, profile.name: 'x' }"))),
  ).toBe(true);
  for (const bad of [
    softCollection('    then: erase\n    by: createdAt'),
    softCollection('    then: anonymize\n    anonymize: { _id: null }'),
    softCollection("    then: anonymize\n    anonymize: { $set: 'x' }"),
    softCollection(''),
  ]) {
    expect(validate(parseYaml(bad))).toBe(false);
    await refusal(bad);
  }
});

const WITH_COLLECTION_HOLD = edit(
  '  - table: public.legal_holds',
  '  - table: public.legal_holds\n  - collection: compliance.legal_holds',
);

test('MongoDB: holds from a collection, a dotted by path, and minimums on a collection', async () => {
  const policy = await parsePolicy(
    WITH_COLLECTION_HOLD.replace('    by: createdAt', '    by: meta.createdAt'),
    'retention.yml',
  );
  expect(policy.holds).toEqual([
    { kind: 'table', table: { schema: 'public', name: 'legal_holds' }, line: 5 },
    { kind: 'collection', collection: { database: 'compliance', name: 'legal_holds' }, line: 6 },
  ]);
  expect(policy.data[3]).toMatchObject({ kind: 'collection', by: 'meta.createdAt' });
  const floor = edit('  - table: public.medical_records', '  - table: analytics.events');
  const error = await refusal(floor);
  expect(error.message).toContain("rule 'analytics-events' (data[3]) field 'keep' (30d) is shorter than the minimum");
  expect(error.message).toContain('for analytics.events');
});

/** The example's MongoDB rule as a soft-delete rule: soft-delete on line 23, grace 24, then 25. */
const softCollection = (then = '    then: erase') =>
  edit('    by: createdAt\n    keep: 30d', `    soft-delete: deletedAt\n    grace: 30d\n${then}`);

test('MongoDB soft-delete rules: a field path, a grace, then erase or anonymize with per-field replacements', async () => {
  expect((await parsePolicy(softCollection(), 'retention.yml')).data[3]).toEqual({
    kind: 'collection',
    name: 'analytics-events',
    index: 3,
    line: 21,
    collection: { database: 'analytics', name: 'events' },
    softDelete: 'deletedAt',
    grace: { years: 0, seconds: 30 * DAY },
    afterGrace: { action: 'erase' },
    dependants: [],
    maxSubjectDocuments: 1_000_000,
  });
  const anonymize = await parsePolicy(
    softCollection("    then: anonymize\n    anonymize: { email: null, profile.name: 'deleted user', score: 0 }"),
    'retention.yml',
  );
  expect(anonymize.data[3]).toMatchObject({
    softDelete: 'deletedAt',
    afterGrace: { action: 'anonymize', columns: { email: null, 'profile.name': 'deleted user', score: 0 } },
  });
});

test.each([
  [
    'by and keep on a soft-delete collection rule',
    softCollection('    then: erase\n    by: createdAt'),
    26,
    "rule 'analytics-events' (data[3]) field 'by' is not a known key",
    /keys of a collection soft-delete rule: name, collection, soft-delete, grace, then, anonymize, dependants, max-subject-documents, archive-to/,
  ],
  [
    'a soft-delete field starting with $',
    softCollection().replace('soft-delete: deletedAt', 'soft-delete: $deletedAt'),
    23,
    "field 'soft-delete' is '$deletedAt'",
    /dotted path, not starting with \$/,
  ],
  [
    'a missing then',
    softCollection(''),
    21,
    "rule 'analytics-events' (data[3]) field 'then' is missing",
    /then: erase, or then: anonymize with anonymize: \{ field: replacement/,
  ],
  [
    'a missing grace',
    edit('    by: createdAt\n    keep: 30d', '    soft-delete: deletedAt\n    then: erase'),
    21,
    "field 'grace' is missing",
    /a number with a unit/,
  ],
  [
    'anonymizing the _id',
    softCollection('    then: anonymize\n    anonymize: { _id: null }'),
    26,
    "field 'anonymize._id' is the _id, which MongoDB never changes",
    /other than _id/,
  ],
  [
    'anonymizing a $ field',
    softCollection("    then: anonymize\n    anonymize: { $set: 'x' }"),
    26,
    "field 'anonymize.$set' is not a field name",
    /dotted path, not starting with \$/,
  ],
  [
    'a grace shorter than a minimum on the collection',
    softCollection().replace('  - table: public.medical_records', '  - table: analytics.events'),
    24,
    "rule 'analytics-events' (data[3]) field 'grace' (30d) is shorter than the minimum for analytics.events",
    /compliance floors/,
  ],
])(
  'a MongoDB soft-delete rule with %s is refused, naming the line and field',
  async (_, text, line, problem, valid) => {
    const error = await refusal(text);
    expect(error.message).toContain(`file retention.yml line ${line}: `);
    expect(error.message).toContain(problem);
    expect(error.hint).toMatch(valid);
  },
);

/** The example's MongoDB soft-delete rule with `dependants` (its first entry on line 27). */
const withDependants = (entries: string) => softCollection(`    then: erase\n    dependants:\n${entries}`);

test('MongoDB soft-delete rules declare the documents that belong to a subject: collection and field', async () => {
  const policy = await parsePolicy(
    withDependants(
      '      - { collection: shop.orders, field: userId }\n      - collection: analytics.sessions\n        field: owner.id\n',
    ),
    'retention.yml',
  );
  expect(policy.data[3]).toMatchObject({
    dependants: [
      { collection: { database: 'shop', name: 'orders' }, field: 'userId', line: 27 },
      { collection: { database: 'analytics', name: 'sessions' }, field: 'owner.id', line: 28 },
    ],
  });
});

test.each([
  [
    'a dependant without its field',
    withDependants('      - { collection: shop.orders }\n'),
    "rule 'analytics-events' (data[3]) field 'dependants[0].field' is missing",
  ],
  [
    'a dependant with an unknown key',
    withDependants('      - { collection: shop.orders, field: userId, on: x }\n'),
    "field 'dependants[0].on' is not a known key",
  ],
  [
    'a dependant collection without its database',
    withDependants('      - { collection: orders, field: userId }\n'),
    "field 'dependants[0].collection' is 'orders'",
  ],
  [
    "a dependant that is the rule's own collection",
    withDependants('      - { collection: analytics.events, field: parent }\n'),
    "field 'dependants[0].collection' is the rule's own collection",
  ],
  [
    'a dependant declared twice',
    withDependants(
      '      - { collection: shop.orders, field: userId }\n      - { collection: shop.orders, field: userId }\n',
    ),
    "field 'dependants[1]' repeats shop.orders userId",
  ],
  [
    'dependants that are not a list',
    softCollection('    then: erase\n    dependants: shop.orders'),
    "field 'dependants' is not a list",
  ],
])('a MongoDB soft-delete rule with %s is refused, naming the field and the valid form', async (_, text, problem) => {
  const error = await refusal(text);
  expect(error.message).toContain('file retention.yml line 2');
  expect(error.message).toContain(problem);
  expect(error.hint).toMatch(/collection|list|_id/);
});

test('a second soft-delete rule on one collection is refused: its dependants would be left out of every subject', async () => {
  const second =
    '  - name: events-again\n    collection: analytics.events\n    soft-delete: removedAt\n    grace: 30d\n    then: erase\n';
  const text = softCollection().replace('minimums:', `${second}minimums:`);
  expect(text).toContain(second);
  const error = await refusal(text);
  expect(error.message).toContain(
    "rule 'events-again' (data[4]) field 'collection' analytics.events already has a soft-delete rule: 'analytics-events' (data[3]) on line 21",
  );
  expect(error.hint).toMatch(/one soft-delete rule per collection/);
  // An age rule beside it is another matter.
  const age = '  - name: events-age\n    collection: analytics.events\n    by: createdAt\n    keep: 400d\n';
  expect(
    (await parsePolicy(softCollection().replace('minimums:', `${age}minimums:`), 'retention.yml')).data,
  ).toHaveLength(5);
});

test('the JSON Schema and the reader agree on dependants', async () => {
  const Ajv2020 = require('ajv/dist/2020').default as new (
    o: object,
  ) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
    JSON.parse(await readFile('docs/retention-policy.schema.json', 'utf8')),
  );
  expect(validate(parseYaml(withDependants('      - { collection: shop.orders, field: userId }\n')))).toBe(true);
  for (const bad of [
    withDependants('      - { collection: shop.orders }\n'),
    withDependants('      - { collection: shop.orders, field: userId, on: x }\n'),
    withDependants('      - { collection: orders, field: userId }\n'),
    withDependants('      - { collection: shop.orders, field: $userId }\n'),
  ]) {
    expect(validate(parseYaml(bad))).toBe(false);
    await refusal(bad);
  }
});

test('max-subject-documents caps what one subject of a MongoDB soft-delete rule may take: 1 to 100000000', async () => {
  const capped = (value: string) => softCollection(`    then: erase\n    max-subject-documents: ${value}`);
  expect((await parsePolicy(capped('5000000'), 'retention.yml')).data[3]).toMatchObject({ maxSubjectDocuments: 5e6 });
  const Ajv2020 = require('ajv/dist/2020').default as new (
    o: object,
  ) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
    JSON.parse(await readFile('docs/retention-policy.schema.json', 'utf8')),
  );
  expect(validate(parseYaml(capped('1')))).toBe(true);
  expect(validate(parseYaml(capped('100000000')))).toBe(true);
  for (const [value, shown] of [
    ['0', '0'],
    ['2.5', '2.5'],
    ['100000001', '100000001'],
    ['many', '"many"'],
  ]) {
    expect(validate(parseYaml(capped(value!)))).toBe(false);
    const error = await refusal(capped(value!));
    expect(error.message).toContain(
      `file retention.yml line 26: rule 'analytics-events' (data[3]) field 'max-subject-documents' is ${shown}`,
    );
    expect(error.hint).toBe(
      'a whole number of documents from 1 to 100000000 (about 100 bytes of memory each), e.g. 5000000',
    );
  }
  // Only a MongoDB soft-delete rule has subjects with dependants to cap.
  await expect(
    parsePolicy(edit('    keep: 30d', '    keep: 30d\n    max-subject-documents: 10'), 'retention.yml'),
  ).rejects.toThrow("field 'max-subject-documents' is not a known key");
});
