// monitor-report's serverStatus checks scored from the figures a server reports, through their default thresholds:
// connections as a share of the server's own limit (current + available), and the WiredTiger dirty share against
// its own thresholds (eviction_dirty_target 5%, eviction_dirty_trigger 20%), not the cache fill's 90%/95%.
import { defaultSettings, MONGODB_CHECKS } from '@dbops/core';
import type { CheckContext, CheckDefinition } from '../../packages/core/src/monitor/check.js';
import { evaluate } from '../../packages/core/src/monitor/evaluate.js';

/** A check's context whose serverStatus answers `status` (the check's input facts). */
const answering = (status: Record<string, unknown>) =>
  ({
    commands: { database: 'app', command: async () => status, aggregate: async () => [] },
  }) as unknown as CheckContext;

async function scored(id: string, status: Record<string, unknown>) {
  const check = MONGODB_CHECKS.find((c) => c.id === id) as CheckDefinition;
  const outcome = await check.run(answering(status));
  const result = evaluate(check, defaultSettings(MONGODB_CHECKS).checks[id]!, [], outcome.observations);
  return { ...result, notes: outcome.notes };
}

const cache = (dirtyBytes: number, usedBytes = 500) => ({
  wiredTiger: {
    cache: {
      'maximum bytes configured': 1000,
      'bytes currently in the cache': usedBytes,
      'tracked dirty bytes in the cache': dirtyBytes,
    },
  },
});

it('a dirty share past the eviction target warns, at the trigger it is critical; the cache fill does not', async () => {
  expect((await scored('wiredtiger-dirty', cache(50))).status).toBe('ok');
  expect((await scored('wiredtiger-dirty', cache(120))).status).toBe('warning');
  const trigger = await scored('wiredtiger-dirty', cache(200));
  expect(trigger.status).toBe('critical');
  expect(trigger.findings[0]).toMatchObject({ subject: 'dirty share', value: 0.2, threshold: 0.2 });
  expect((await scored('wiredtiger-cache', cache(200))).status).toBe('ok'); // 50% full
  expect((await scored('wiredtiger-cache', cache(0, 960))).status).toBe('critical');
});

it('connections are scored against the server’s limit (current + available), the count kept in the note', async () => {
  // 150 connections on a server with room for 51,200: far from the limit.
  const large = await scored('connections', { connections: { current: 150, available: 51_050 } });
  expect(large.status).toBe('ok');
  expect(large.notes).toEqual(['150 current connections, 51050 more available']);
  // 90 of 100: the limit is near.
  const small = await scored('connections', { connections: { current: 90, available: 10 } });
  expect(small.status).toBe('critical');
  expect(small.findings[0]).toMatchObject({ value: 0.9, detail: '90 current, 10 available (limit 100)' });
  expect((await scored('connections', { connections: { current: 85, available: 15 } })).status).toBe('warning');
});
