// The lag a MongoDB purge waits on, read from replSetGetStatus documents as a replica set answers them: the furthest
// SECONDARY behind the PRIMARY; arbiters, recovering members and a set without a primary count for nothing.
import { largestSecondaryLagMs } from '../../packages/core/src/databases/mongodb/replication-lag.js';

const at = (iso: string) => new Date(iso);

test('the furthest secondary behind the primary', () => {
  expect(
    largestSecondaryLagMs({
      members: [
        { name: 'a:27017', stateStr: 'PRIMARY', optimeDate: at('2026-12-06T10:00:30Z') },
        { name: 'b:27017', stateStr: 'SECONDARY', optimeDate: at('2026-12-06T10:00:28Z') },
        { name: 'c:27017', stateStr: 'SECONDARY', optimeDate: at('2026-12-06T10:00:00Z') },
        { name: 'd:27017', stateStr: 'ARBITER' },
        { name: 'e:27017', stateStr: 'RECOVERING', optimeDate: at('2026-12-06T09:00:00Z') },
      ],
    }),
  ).toBe(30_000);
});

test('no secondaries, no primary, or no members: 0', () => {
  expect(largestSecondaryLagMs({ members: [{ stateStr: 'PRIMARY', optimeDate: at('2026-12-06T10:00:00Z') }] })).toBe(0);
  expect(largestSecondaryLagMs({ members: [{ stateStr: 'SECONDARY', optimeDate: at('2026-12-06T10:00:00Z') }] })).toBe(
    0,
  );
  expect(largestSecondaryLagMs({})).toBe(0);
});
