import type { CheckContext, CheckDefinition, CheckOutcome } from '../check.js';
import { OTHER_SESSIONS_HIDDEN } from './sessions.js';

export const replicationLag: CheckDefinition = {
  id: 'replication-lag',
  title: 'Replication lag',
  why: 'A lagging replica serves stale reads, and a failover to it loses the transactions it has not replayed.',
  action:
    "Check the replica's disk, CPU and network, and long queries on it that conflict with replay (max_standby_streaming_delay).",
  unit: 'seconds',
  direction: 'above',
  warning: 60,
  critical: 300,
  async run({ query, standby, seesAllSessions }) {
    if (standby) return standbyLag(query);
    // Without the privilege a replica's lag columns are null, which would read as no lag at all.
    if (!seesAllSessions) return { observations: [], unknown: OTHER_SESSIONS_HIDDEN };
    const rows = await query<ReplicaRow>(
      `with r as (
         select coalesce(nullif(r.application_name, ''), r.client_addr::text, r.pid::text) as name, r.state,
                s.slot_name as slot, r.client_addr::text as addr, r.pid,
                extract(epoch from coalesce(r.replay_lag, '0'::interval))::float8 as seconds,
                pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::float8 as bytes
         from pg_stat_replication r left join pg_replication_slots s on s.active_pid = r.pid
       )
       select *, count(*) over (partition by name)::int as same_name,
              count(*) over (partition by name, addr)::int as same_addr
       from r`,
    );
    const notes = rows.length === 0 ? ['no replicas are connected to this server'] : [];
    return {
      observations: rows.map((r) => ({
        subject: replicaSubject(r),
        value: r.seconds ?? 0,
        detail: `${r.state}; ${replayed(r.bytes)}`,
      })),
      notes,
    };
  },
};

interface ReplicaRow {
  name: string;
  state: string;
  /** The replication slot it streams from, if any. */
  slot: string | null;
  addr: string | null;
  pid: number;
  seconds: number | null;
  bytes: number | null;
  /** How many connected replicas have this name, and this name and address. */
  same_name: number;
  same_addr: number;
}

/**
 * One subject per replica. Its application_name alone when no other replica has it, so a named replica keeps the
 * same alert signature run after run; otherwise (every standby left at the default 'walreceiver') the slot it
 * streams from, else its address, else its pid (the only one left when replicas share name and host, e.g.
 * several on one machine without slots): the most stable of them that tells it apart.
 */
function replicaSubject(r: ReplicaRow): string {
  if (r.same_name === 1) return `replica ${r.name}`;
  if (r.slot) return `replica ${r.name} (slot ${r.slot})`;
  if (r.addr && r.same_addr === 1) return `replica ${r.name} (${r.addr})`;
  return `replica ${r.name} (pid ${r.pid})`;
}

interface StandbyRow {
  /** pg_stat_wal_receiver's status; 'hidden' without pg_read_all_stats; null when no WAL receiver runs. */
  receiver: string | null;
  /** WAL was streamed since the server started: pg_last_wal_receive_lsn() is set (and keeps its last value). */
  received: boolean;
  /** primary_conninfo where the role may read it (pg_read_all_settings): a standby meant to stream. */
  conninfo: string | null;
  seconds: number | null;
  since_replay: number | null;
}

/**
 * A standby's own delay. The received and replayed positions are equal on a standby that is caught up, and equally
 * on one that lost its primary: the received position keeps its last value. So the delay counts only while the WAL
 * receiver streams; a standby meant to stream that does not is unknown, however current its replay looks.
 */
async function standbyLag(query: CheckContext['query']): Promise<CheckOutcome> {
  const [row] = await query<StandbyRow>(
    `select (select coalesce(status, 'hidden') from pg_stat_wal_receiver limit 1) as receiver,
            pg_last_wal_receive_lsn() is not null as received,
            (select nullif(setting, '') from pg_settings where name = 'primary_conninfo') as conninfo,
            case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                 else extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) end::float8 as seconds,
            extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8 as since_replay`,
  );
  const observe = (detail: string, notes: string[] = []): CheckOutcome => ({
    // Nothing to replay means no lag, however old the last replayed transaction is (an idle primary).
    observations: [{ subject: 'this standby', value: row?.seconds ?? 0, detail }],
    notes,
  });
  if (!row || row.receiver === 'streaming') return observe('replay delay behind the primary');
  if (row.receiver === 'hidden')
    return observe('replay delay behind the primary', [
      "the WAL receiver's state is hidden from this role, so a lost primary is not seen: grant it pg_monitor (or pg_read_all_stats)",
    ]);
  // No receiver and never streamed, nor set to: a standby that replays archived WAL (restore_command) only.
  if (!row.received && !row.conninfo) return observe('replay delay (no WAL receiver: it replays archived WAL)');
  const replayed =
    row.since_replay === null ? '' : `; its last transaction was replayed ${Math.round(row.since_replay)} s ago`;
  return {
    observations: [],
    unknown: `this standby is not streaming from its primary (WAL receiver ${row.receiver ?? 'not running'})${replayed}: how far behind it is cannot be measured; check primary_conninfo, the network and the primary`,
  };
}

// The replay position is null, not zero, for a receiver that never replays (pg_receivewal) and for a replica
// that has just connected and sent no feedback yet.
function replayed(bytes: number | null): string {
  return bytes === null
    ? 'no replay position reported (it only receives WAL, or has just connected)'
    : `${bytes} bytes of WAL not yet replayed`;
}

export const replicationSlots: CheckDefinition = {
  id: 'replication-slots',
  title: 'Inactive replication slots',
  why: 'A slot nobody reads keeps every WAL segment since its position: the disk fills and old rows cannot be vacuumed.',
  action:
    'Reconnect the consumer, or drop the slot (pg_drop_replication_slot) if it is abandoned; set max_slot_wal_keep_size.',
  unit: 'bytes',
  direction: 'above',
  warning: 0,
  critical: 10 * 1024 ** 3,
  async run({ query, major }) {
    const walStatus = major >= 13 ? 'wal_status' : `null::text as wal_status`;
    const rows = await query<{
      name: string;
      type: string;
      bytes: number | null;
      wal_status: string | null;
      xmin_age: number | null;
    }>(
      `select slot_name as name, slot_type as type, ${walStatus},
              pg_wal_lsn_diff(case when pg_is_in_recovery() then pg_last_wal_receive_lsn() else pg_current_wal_lsn() end, restart_lsn)::float8 as bytes,
              greatest(age(xmin), age(catalog_xmin))::float8 as xmin_age
       from pg_replication_slots where not active`,
    );
    return {
      observations: rows.map((r) => {
        const xmin = r.xmin_age ? `; holds back xmin by ${r.xmin_age} transactions` : '';
        // A slot whose WAL is already gone can never be used again, and what it retains is unknown (restart_lsn is
        // null): a condition, critical whatever the byte thresholds, with no byte count.
        if (r.wal_status === 'lost')
          return {
            subject: `slot ${r.name}`,
            value: 0,
            condition: 'lost',
            detail: `${r.type} slot, inactive; its WAL is lost (wal_status lost): it can never be used again, drop it and rebuild its consumer${xmin}`,
          };
        return {
          subject: `slot ${r.name}`,
          value: r.bytes ?? 0,
          detail: `${r.type} slot, inactive; retains ${r.bytes ?? 0} bytes of WAL${r.wal_status ? ` (wal_status ${r.wal_status})` : ''}${xmin}`,
        };
      }),
    };
  },
};
