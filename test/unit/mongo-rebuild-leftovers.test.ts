// Which MongoDB indexes are a rebuild's stand-ins left over (name AND key shape), and the step each gets: a drop with
// the original in place, a build of the original (its key without the trailing field, the same options) first
// without it, and only a report when a run holds the index's lease or the original's key changed since.
import { isStandIn } from '../../packages/core/src/databases/mongodb/maintenance-indexes.js';
import { leftoverSteps, standInsOf } from '../../packages/core/src/databases/mongodb/maintenance-leftovers.js';
import { leaseKey } from '../../packages/core/src/databases/mongodb/maintenance-lease.js';

const S = '__dbops_rebuild';

it('a stand-in has the suffixed name and the key ending with the trailing field, an ascending/descending key before it', () => {
  expect(isStandIn({ name: `a_1${S}`, key: { a: 1, [S]: 1 } })).toBe(true);
  expect(isStandIn({ name: `a_b${S}`, key: { a: -1, b: 1, [S]: 1 } })).toBe(true);
  // A user's index that merely ends with the same text:
  expect(isStandIn({ name: `note${S}`, key: { note: 1 } })).toBe(false);
  expect(isStandIn({ name: `a_1${S}`, key: { [S]: 1, a: 1 } })).toBe(false);
  expect(isStandIn({ name: `a_1${S}`, key: { a: 1, [S]: -1 } })).toBe(false);
  expect(isStandIn({ name: `t${S}`, key: { t: 'text', [S]: 1 } })).toBe(false);
  expect(isStandIn({ name: S, key: { a: 1, [S]: 1 } })).toBe(false);
  expect(isStandIn({ name: 'a_1_x', key: { a: 1, [S]: 1 } })).toBe(false);
});

it('plans a drop beside the original, a build from the stand-in (options kept) without it, a report while leased', () => {
  const standIn = {
    v: 2,
    key: { e: 1, [S]: 1 },
    name: `e_1${S}`,
    unique: true,
    partialFilterExpression: { e: { $exists: true } },
  };
  const specs = [
    { v: 2, name: '_id_', key: { _id: 1 } },
    standIn,
    { name: `f_1${S}`, key: { f: 1, [S]: 1 } },
    { name: 'f_1', key: { f: 1 } },
  ];
  const standIns = standInsOf(specs, { indexSizes: { [`e_1${S}`]: 4096 } });
  const free = leftoverSteps('db', 'c', standIns, { held: new Map(), specs: new Map() });
  expect(free.map((s) => [s.index, s.mode, s.statement])).toEqual([
    [
      `e_1${S}`,
      'apply',
      `db.runCommand({"createIndexes":"c","indexes":[{"key":{"e":1},"name":"e_1","unique":true,"partialFilterExpression":{"e":{"$exists":true}}}]}); db.runCommand({"dropIndexes":"c","index":"e_1${S}"})`,
    ],
    [`f_1${S}`, 'apply', `db.runCommand({"dropIndexes":"c","index":"f_1${S}"})`],
  ]);
  expect(free[0]!.figures).toEqual({ indexBytes: 4096 });
  expect(free[0]!.why).toContain('set it again with collMod');
  const lease = { holder: 'run-1', host: 'h', pid: 1, since: new Date(0), until: new Date(60_000) };
  const busy = leftoverSteps('db', 'c', standIns, {
    held: new Map([[leaseKey('c', 'f_1'), lease]]),
    specs: new Map(),
  });
  expect(busy.map((s) => s.mode)).toEqual(['apply', 'report']);
  expect(busy[1]!.why).toBe(
    `stand-in "f_1${S}" of index "f_1": a maintenance run in progress (h pid 1, since 1970-01-01T00:00:00.000Z) holds dbops's lease on it until 1970-01-01T00:01:00.000Z: it is rebuilding the index now; left alone. If that run is gone, a run after 1970-01-01T00:01:00.000Z cleans up`,
  );
  const unknown = leftoverSteps('db', 'c', standIns, { unreadable: 'not authorized' });
  expect(unknown.map((s) => s.mode)).toEqual(['report', 'report']);
  expect(unknown[0]!.why).toContain('(db.dbops_leases) could not be read (not authorized)');
  const changed = standInsOf(
    [
      { name: `f_1${S}`, key: { f: 1, [S]: 1 } },
      { name: 'f_1', key: { f: -1 } },
    ],
    {},
  );
  expect(leftoverSteps('db', 'c', changed, { held: new Map(), specs: new Map() })[0]).toMatchObject({ mode: 'report' });
  // The spec the killed rebuild recorded in its lease (with its TTL) is built instead of the stand-in's key; one of
  // another index, or of another key, is not.
  const ttl = { key: { e: 1 }, name: 'e_1', unique: true, partialFilterExpression: { e: { $exists: true } } };
  const recorded = (spec: object) => ({
    held: new Map(),
    specs: new Map([[leaseKey('c', 'e_1'), { ...spec, expireAfterSeconds: 3600 }]]),
  });
  const fromLease = leftoverSteps('db', 'c', standIns, recorded(ttl));
  expect(fromLease[0]!.statement).toBe(
    `db.runCommand({"createIndexes":"c","indexes":[{"key":{"e":1},"name":"e_1","unique":true,"partialFilterExpression":{"e":{"$exists":true}},"expireAfterSeconds":3600}]}); db.runCommand({"dropIndexes":"c","index":"e_1${S}"})`,
  );
  expect(fromLease[0]!.why).toContain(
    "from the spec that rebuild recorded in dbops's lease (its options, expireAfterSeconds included)",
  );
  for (const other of [
    { ...ttl, name: 'f_1' },
    { ...ttl, key: { e: -1 } },
  ])
    expect(leftoverSteps('db', 'c', standIns, recorded(other))[0]!.statement).toBe(free[0]!.statement);
});
