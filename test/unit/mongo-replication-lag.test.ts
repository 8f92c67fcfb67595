// The lag a MongoDB purge waits on, read from replSetGetStatus documents as a replica set answers them: the furthest
// SECONDARY behind the PRIMARY; arbiters, recovering members and a set without a primary count for nothing.
import { type MongoClient, MongoServerError } from 'mongodb';
import { largestSecondaryLagMs, secondaryLagMs } from '../../packages/core/src/databases/mongodb/replication-lag.js';

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

/**
 * A client whose admin commands answer as `answer` says. A stand-in at this boundary only because the real case cannot
 * run here: FerretDB has no authentication (no role lacking clusterMonitor) and no replica set status.
 */
const clientAnswering = (answer: (command: Record<string, unknown>) => Record<string, unknown>) =>
  ({ db: () => ({ command: async (command: Record<string, unknown>) => answer(command) }) }) as unknown as MongoClient;
const unauthorized = () => {
  throw new MongoServerError({ code: 13, codeName: 'Unauthorized', errmsg: 'not authorized on admin' });
};

test('a replica set member whose status this user may not read: an error naming clusterMonitor, not a lag of 0', async () => {
  const client = clientAnswering((c) => (c.hello ? { setName: 'rs0', isWritablePrimary: true } : unauthorized()));
  await expect(secondaryLagMs(client)).rejects.toMatchObject({
    code: 'PERMISSION_DENIED',
    hint: expect.stringContaining('clusterMonitor'),
  });
});

test('a standalone server has no secondaries: 0, without reading the status (no privilege needed)', async () => {
  const client = clientAnswering((c) => (c.hello ? { isWritablePrimary: true } : unauthorized()));
  await expect(secondaryLagMs(client)).resolves.toBe(0);
});
