// MongoDB's maintenance plan from plain facts: on a replica set primary compact is only reported (MongoDB refuses it
// there without force: true) and the index rebuilds are planned beside it; validate runs with background: true where
// MongoDB has it (4.4 and later, not full), and is only reported on a primary where it would lock the collection.
// A standalone server and FerretDB (not a primary) keep the plan they had.
import {
  type CollectionStorage,
  type MaintenanceServerFacts,
  planCollections,
} from '../../packages/core/src/databases/mongodb/maintenance-plan.js';

const MB = 1024 * 1024;
const SETTINGS = {
  validateFull: false,
  minFreeRatio: 0.2,
  minStorageBytes: MB,
  minIndexFreeRatio: 0.2,
  minIndexBytes: MB,
};
const LEASES = { held: new Map(), specs: new Map() };
/** A collection with half its storage free and one bloated index. */
const BLOATED: CollectionStorage = {
  name: 'events',
  storageBytes: 100 * MB,
  freeBytes: 50 * MB,
  indexBytes: 20 * MB,
  documents: 1000,
  indexes: [{ name: 'at_1', spec: { key: { at: 1 }, name: 'at_1' }, bytes: 20 * MB, freeBytes: 10 * MB }],
  standIns: [],
};
const STANDALONE: MaintenanceServerFacts = { uniqueStandIn: true, replicaSetPrimary: false, version: [7, 0] };
const PRIMARY: MaintenanceServerFacts = { ...STANDALONE, replicaSetPrimary: true };

const plan = (server: MaintenanceServerFacts, settings = SETTINGS) =>
  planCollections('app', [BLOATED], settings, server, LEASES).map((s) => [s.kind, s.mode, s.statement.split(';')[0]]);

it('elsewhere than on a primary: validate and compact applied, no index rebuild (compact rewrites the indexes)', () => {
  expect(plan(STANDALONE)).toEqual([
    ['validate-collection', 'apply', 'db.runCommand({ validate: "events" })'],
    ['compact-collection', 'apply', 'db.runCommand({ compact: "events" })'],
  ]);
});

it('on a primary: compact reported with the reason, the index rebuilt, validate in the background', () => {
  expect(plan(PRIMARY)).toEqual([
    ['validate-collection', 'apply', 'db.runCommand({ validate: "events", background: true })'],
    ['compact-collection', 'report', 'db.runCommand({ compact: "events" })'],
    ['rebuild-index', 'apply', expect.stringContaining('"createIndexes":"events"')],
  ]);
  const compact = planCollections('app', [BLOATED], SETTINGS, PRIMARY, LEASES)[1]!;
  expect(compact.why).toMatch(
    /not applied: this server is a replica set primary, where MongoDB refuses compact without force: true; run it on each secondary/,
  );
});

it('on a primary, validate is only reported where background validation is not possible (before 4.4, or full)', () => {
  for (const [server, settings] of [
    [{ ...PRIMARY, version: [4, 2] }, SETTINGS],
    [PRIMARY, { ...SETTINGS, validateFull: true }],
  ] as const) {
    const validate = planCollections('app', [BLOATED], settings, server, LEASES)[0]!;
    expect(validate.mode).toBe('report');
    expect(validate.statement).not.toContain('background');
    expect(validate.why).toMatch(
      /not applied: this server is a replica set primary, where this validate would hold an exclusive lock/,
    );
  }
  // 4.4 is the first with background validation; not a primary: full validate applied as before.
  expect(plan({ ...PRIMARY, version: [4, 4] })[0]).toEqual([
    'validate-collection',
    'apply',
    'db.runCommand({ validate: "events", background: true })',
  ]);
  expect(plan({ ...STANDALONE, version: [4, 2] }, { ...SETTINGS, validateFull: true })[0]).toEqual([
    'validate-collection',
    'apply',
    'db.runCommand({ validate: "events", full: true })',
  ]);
});
