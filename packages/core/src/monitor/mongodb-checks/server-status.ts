import type { CheckDefinition } from '../check.js';
import { commandsOf, missingSection, num, serverStatusSection } from './access.js';

export const mongoConnections: CheckDefinition = {
  id: 'connections',
  title: 'Connections',
  why: 'Each connection costs the server memory (about 1 MB); when available reaches 0, new connections are refused and the application fails.',
  action:
    'Lower the drivers’ maxPoolSize or the number of application instances, close idle clients; raise net.maxIncomingConnections and the file-descriptor limit only with memory to spare.',
  // The share of the server's own limit (current + available), as PostgreSQL's connections check scores
  // max_connections: a fixed count would fire on a large server's normal load and never on a small one's limit.
  unit: 'ratio',
  direction: 'above',
  warning: 0.8,
  critical: 0.9,
  async run(context) {
    const section = await serverStatusSection(commandsOf(context), 'connections');
    const current = num(section?.current);
    if (!section || current === undefined) return { skipped: missingSection('connections'), observations: [] };
    const available = num(section.available) ?? 0;
    const share = current + available > 0 ? current / (current + available) : 0;
    return {
      observations: [
        {
          subject: 'connections in use',
          value: share,
          detail: `${current} current, ${available} available (limit ${current + available})`,
        },
      ],
      notes: [`${current} current connections, ${available} more available`],
    };
  },
};

export const opcounters: CheckDefinition = {
  id: 'opcounters',
  title: 'Operations by type',
  why: 'The mix and rate of inserts, queries, updates and deletes tells the load the server carries and how it changes.',
  action: 'Compare with earlier reports; a rate far above the usual points at a runaway job or a missing cache.',
  unit: 'count',
  direction: 'above',
  async run(context) {
    const commands = commandsOf(context);
    const status = await commands.command('admin', { serverStatus: 1 });
    const counters = status.opcounters as Record<string, unknown> | undefined;
    if (!counters) return { skipped: missingSection('opcounters'), observations: [] };
    const uptime = num(status.uptime) ?? 0;
    // The counters grow from the server's start: their rate is an average over its uptime.
    return {
      observations: Object.entries(counters)
        .filter(([, v]) => num(v) !== undefined)
        .map(([op, v]) => {
          const count = num(v)!;
          const rate = uptime > 0 ? count / uptime : 0;
          return {
            subject: op,
            value: count,
            display: `${count} (${rate.toFixed(2)}/s)`,
            detail: `average over the server's ${Math.round(uptime)} s of uptime`,
          };
        }),
    };
  },
};

/** serverStatus's WiredTiger cache figures; undefined where the server does not report them (FerretDB). */
async function wiredTigerCacheFigures(context: Parameters<CheckDefinition['run']>[0]) {
  const section = await serverStatusSection(commandsOf(context), 'wiredTiger');
  const cache = section?.cache as Record<string, unknown> | undefined;
  const max = num(cache?.['maximum bytes configured']);
  return cache && max ? { cache, max } : undefined;
}

export const wiredTigerCache: CheckDefinition = {
  id: 'wiredtiger-cache',
  title: 'WiredTiger cache fill',
  why: 'WiredTiger evicts from 80% full; from 95% application threads must evict themselves, and every operation slows down.',
  action:
    'Give the server more memory or a larger storage.wiredTiger.engineConfig.cacheSizeGB, shrink the working set (indexes that fit, projections), or spread the load.',
  unit: 'ratio',
  direction: 'above',
  warning: 0.9,
  critical: 0.95,
  async run(context) {
    const figures = await wiredTigerCacheFigures(context);
    if (!figures) return { skipped: missingSection('wiredTiger'), observations: [] };
    const { cache, max } = figures;
    const used = num(cache['bytes currently in the cache']) ?? 0;
    const byApplication = num(cache['pages evicted by application threads']) ?? 0;
    const evicted = (num(cache['unmodified pages evicted']) ?? 0) + (num(cache['modified pages evicted']) ?? 0);
    return {
      observations: [
        { subject: 'cache fill', value: used / max, detail: `${used} of ${max} bytes; ${evicted} pages evicted` },
      ],
      notes:
        byApplication > 0
          ? [`${byApplication} pages were evicted by application threads since the server started (cache pressure)`]
          : [],
    };
  },
};

export const wiredTigerDirty: CheckDefinition = {
  id: 'wiredtiger-dirty',
  title: 'WiredTiger dirty cache',
  why: 'Dirty (modified, not yet written) data above 5% of the cache makes WiredTiger evict it in the background; from 20% application threads must write it out themselves, and writes stall.',
  action:
    'Spread bulk writes out (smaller batches, pauses), check the disk’s write throughput, or give the cache more memory.',
  // Its own thresholds, not the cache fill's (a dirty share never reaches 90%): WiredTiger's eviction_dirty_target
  // is 5% and eviction_dirty_trigger 20%. Warning at 10%: well past the target, background eviction is falling
  // behind; critical at 20%: the trigger, where application threads are made to evict.
  unit: 'ratio',
  direction: 'above',
  warning: 0.1,
  critical: 0.2,
  async run(context) {
    const figures = await wiredTigerCacheFigures(context);
    if (!figures) return { skipped: missingSection('wiredTiger'), observations: [] };
    const dirty = num(figures.cache['tracked dirty bytes in the cache']) ?? 0;
    return {
      observations: [
        { subject: 'dirty share', value: dirty / figures.max, detail: `${dirty} dirty bytes of ${figures.max}` },
      ],
    };
  },
};

export const queues: CheckDefinition = {
  id: 'queues',
  title: 'Operations queued for locks',
  why: 'Operations waiting in the global lock queue are requests the server cannot serve yet: latency grows with the queue.',
  action: 'Find the long or blocking operations (long-running-operations), add missing indexes, or add capacity.',
  unit: 'count',
  direction: 'above',
  warning: 10,
  critical: 50,
  async run(context) {
    const section = await serverStatusSection(commandsOf(context), 'globalLock');
    const queue = section?.currentQueue as Record<string, unknown> | undefined;
    if (!queue) return { skipped: missingSection('globalLock'), observations: [] };
    const readers = num(queue.readers) ?? 0;
    const writers = num(queue.writers) ?? 0;
    return {
      observations: [
        {
          subject: 'queued operations',
          value: num(queue.total) ?? readers + writers,
          detail: `${readers} readers, ${writers} writers`,
        },
      ],
    };
  },
};

export const asserts: CheckDefinition = {
  id: 'asserts',
  title: 'Server asserts',
  why: 'Regular and warning asserts count internal server errors since it started; any of them deserves a look in the server log.',
  action:
    'Read the server log around the asserts; user asserts (duplicate keys, bad queries) are application errors and are left out.',
  unit: 'count',
  direction: 'above',
  warning: 1,
  async run(context) {
    const section = await serverStatusSection(commandsOf(context), 'asserts');
    if (!section) return { skipped: missingSection('asserts'), observations: [] };
    const user = num(section.user) ?? 0;
    return {
      observations: ['regular', 'warning'].map((kind) => ({
        subject: `${kind} asserts`,
        value: num(section[kind]) ?? 0,
        detail: 'since the server started',
      })),
      notes: [`${user} user asserts (application errors such as duplicate keys) since the server started`],
    };
  },
};
