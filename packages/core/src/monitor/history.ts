import { text } from 'node:stream/consumers';
import type { Logger } from '../log.js';
import { listStates, readNewestState, stateKey } from '../storage/newest-state.js';
import type { Storage } from '../storage/types.js';
import { type AlertState, parseAlertState } from './alert-lifecycle.js';
import type { HistoryEntry } from './trends.js';
import type { MonitorReport } from './types.js';

/** Entries read back at most: about three months of runs every 30 minutes would be far more than a chart needs. */
const MAX_ENTRIES = 500;
const READ_CONCURRENCY = 8;

/** "<name>/<timestamp>.json": keys sort by time, and names keep several databases apart under one prefix. */
export function historyKey(name: string, generatedAt: string): string {
  return stateKey(name, generatedAt);
}

/** Reads earlier entries for `name`, newest MAX_ENTRIES, oldest first. Unreadable entries are skipped with a warning. */
export async function readHistory(
  storage: Storage,
  name: string,
  log: Logger,
  sinceMs?: number,
): Promise<HistoryEntry[]> {
  // Keys sort by time, so entries older than `sinceMs` are left out before anything is read.
  const oldest = sinceMs === undefined ? '' : historyKey(name, new Date(sinceMs).toISOString());
  // Only this name's own entries: "prod/replica" keeps its history under "prod/", and backups may share the folder.
  const objects = (await listStates(storage, name)).filter((o) => o.key >= oldest).slice(-MAX_ENTRIES);
  const entries: HistoryEntry[] = [];
  for (let i = 0; i < objects.length; i += READ_CONCURRENCY) {
    const batch = await Promise.all(
      objects.slice(i, i + READ_CONCURRENCY).map(async (object) => {
        try {
          const parsed = JSON.parse(await text(await storage.get(object.key))) as Partial<HistoryEntry>;
          if (typeof parsed.generatedAt !== 'string' || typeof parsed.sample !== 'object' || parsed.sample === null)
            throw new Error('not a history entry');
          // The trend charts place each entry by its time: one that is not a time would stop the report being written.
          if (Number.isNaN(Date.parse(parsed.generatedAt)))
            throw new Error(`generatedAt '${parsed.generatedAt.slice(0, 40)}' is not a time`);
          return { generatedAt: parsed.generatedAt, sample: parsed.sample };
        } catch (error) {
          log.warn(`Skipping history entry ${storage.locate(object.key)}: ${(error as Error).message}`);
          return undefined;
        }
      }),
    );
    for (const entry of batch) if (entry) entries.push(entry);
  }
  return entries.sort((a, b) => a.generatedAt.localeCompare(b.generatedAt));
}

/**
 * The incident state the newest entry kept, if it kept one. Entries are never overwritten, so each run's state rides
 * in its own entry and the newest is the one that counts.
 */
export function readAlertState(storage: Storage, name: string, log: Logger): Promise<AlertState | undefined> {
  return readNewestState(storage, name, log, (json) => {
    const alerts = (json as { alerts?: unknown }).alerts;
    return alerts === undefined ? null : parseAlertState(alerts);
  });
}

export function historyEntry(report: MonitorReport, alerts?: AlertState): Buffer {
  const entry = {
    schemaVersion: 2,
    generatedAt: report.generatedAt,
    name: report.name,
    status: report.status,
    counts: report.counts,
    sample: report.sample,
    ...(alerts ? { alerts } : {}),
  };
  return Buffer.from(`${JSON.stringify(entry)}\n`);
}
