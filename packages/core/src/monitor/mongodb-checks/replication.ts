import { readOplogWindow } from '../../databases/mongodb/oplog-window.js';
import type { CheckDefinition } from '../check.js';
import { commandsOf, type Doc, NOT_A_REPLICA_SET, num, replicaSetName } from './access.js';

/** Member states that serve the set; any other (RECOVERING, STARTUP2, ROLLBACK, DOWN...) does not. */
const SERVING = new Set(['PRIMARY', 'SECONDARY', 'ARBITER']);

export const replicaSetMembers: CheckDefinition = {
  id: 'replica-set-members',
  title: 'Replica set members',
  why: 'A member that is down or not serving lowers the set’s redundancy: one more failure can cost the majority, and writes with it.',
  action:
    'Look at the member’s log and rs.status(); bring it back or resync it; replace it if its host is gone. 2 = unreachable, 1 = not serving.',
  unit: 'flag',
  direction: 'above',
  warning: 1,
  critical: 2,
  async run(context) {
    const commands = commandsOf(context);
    if (!(await replicaSetName(commands))) return { skipped: NOT_A_REPLICA_SET, observations: [] };
    const status = await commands.command('admin', { replSetGetStatus: 1 });
    return {
      observations: ((status.members ?? []) as Doc[]).map((m) => {
        const state = String(m.stateStr ?? 'UNKNOWN');
        const value = num(m.health) === 0 ? 2 : SERVING.has(state) ? 0 : 1;
        return { subject: String(m.name), value, display: state, detail: `health ${String(m.health)}, ${state}` };
      }),
    };
  },
};

export const mongoReplicationLag: CheckDefinition = {
  id: 'replication-lag',
  title: 'Replication lag',
  why: 'A lagging secondary serves stale reads, and a failover to it loses or rolls back the writes it has not applied.',
  action:
    'Check the secondary’s disk, network and load, and long operations on it; a lag that only grows needs a resync before the oplog window closes.',
  unit: 'seconds',
  direction: 'above',
  warning: 60,
  critical: 300,
  async run(context) {
    const commands = commandsOf(context);
    if (!(await replicaSetName(commands))) return { skipped: NOT_A_REPLICA_SET, observations: [] };
    const members = ((await commands.command('admin', { replSetGetStatus: 1 })).members ?? []) as Doc[];
    const primary = members.find((m) => m.stateStr === 'PRIMARY');
    if (!primary)
      return {
        unknown: 'the replica set has no primary, so the lag has nothing to be measured from',
        observations: [],
      };
    const head = millis(primary.optimeDate);
    return {
      observations: members
        .filter((m) => m.stateStr === 'SECONDARY')
        .map((m) => ({
          subject: String(m.name),
          value: Math.max(0, (head - millis(m.optimeDate)) / 1000),
          detail: `applied up to ${new Date(millis(m.optimeDate)).toISOString()}`,
        })),
    };
  },
};

export const oplogWindow: CheckDefinition = {
  id: 'oplog-window',
  title: 'Oplog window',
  why: 'A member that falls further behind than the oplog window (its first to last entry) can no longer catch up and needs a full resync; point-in-time backups need it too.',
  action:
    'Enlarge the oplog (replSetResizeOplog) or lower the write volume, so the window covers a member’s longest outage.',
  unit: 'seconds',
  direction: 'below',
  warning: 24 * 3600,
  critical: 6 * 3600,
  async run(context) {
    const commands = commandsOf(context);
    if (!(await replicaSetName(commands))) return { skipped: NOT_A_REPLICA_SET, observations: [] };
    const window = await readOplogWindow((order) => commands.naturalEnd('local', 'oplog.rs', order));
    if (!window) return { unknown: 'the oplog (local.oplog.rs) has no entries to measure', observations: [] };
    return {
      observations: [
        {
          subject: 'oplog window',
          value: window.seconds,
          display: `${(window.seconds / 3600).toFixed(1)} h`,
          detail: `first entry ${window.first.toISOString()}`,
        },
      ],
    };
  },
};

/** A member's optimeDate (a Date from the driver) in milliseconds. */
function millis(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(String(value));
}
