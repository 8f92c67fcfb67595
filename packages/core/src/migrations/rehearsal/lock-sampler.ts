/**
 * Watches the table locks other sessions hold in one database while a migration command runs: one query per tick
 * over pg_locks, pg_stat_activity and pg_class (no per-table query), on a connection of its own. What it keeps is
 * small: one episode per (session, transaction, table, mode), with the first and last sample that saw it granted
 * or waiting, and what the session was running when it was first seen (for attribution to a migration).
 *
 * Only client sessions count (autovacuum's locks are not the migration's). Only tables (and partitioned tables, materialized views, foreign tables) outside the system schemas count. A table
 * the sampler cannot see in pg_class is one the running transaction created and has not committed: nobody else can
 * see it either, so its locks block no one and are left out (the inner join does that).
 */
import type pg from 'pg';
import { type LockMode, lockModeFromPg } from './lock-modes.js';

export interface LockEpisode {
  pid: number;
  /** The session's transaction start (pg_stat_activity.xact_start): a new transaction is a new episode. */
  transactionStart?: Date;
  /** pg_class oid, as text (oids exceed int4). */
  oid: string;
  schema: string;
  table: string;
  mode: LockMode;
  /**
   * The planner's row estimate when the lock was first seen: the sampler's snapshot shows the table as committed
   * before the migration's transaction (read then because a rewrite may leave no estimate until the next ANALYZE).
   * Absent when the table was never analyzed.
   */
  rowsEstimate?: number;
  /** When a sample first saw this lock, granted or waiting (the server's clock). */
  firstSeenAt: Date;
  /** What the session ran when the lock was first seen (pg_stat_activity.query, cut at track_activity_query_size). */
  firstQuery: string;
  /** First and last sample that saw the lock granted; absent when it was never granted while sampled. */
  firstGrantedAt?: Date;
  lastGrantedAt?: Date;
  grantedSamples: number;
  /** First and last sample that saw the session waiting for the lock. */
  firstWaitAt?: Date;
  lastWaitAt?: Date;
  waitSamples: number;
}

export interface LockObservations {
  episodes: LockEpisode[];
  /** Ticks whose query completed. */
  samples: number;
  /** Time spent in the sampling queries, summed (wall clock, this process). */
  samplingMs: number;
  intervalMs: number;
  /** Ticks that failed (the first few messages): sampling goes on, the result says it was incomplete. */
  errors: string[];
}

export interface LockSamplerOptions {
  /** Milliseconds between the end of one sample and the start of the next (default 100). */
  intervalMs?: number;
  /** Sessions to ignore besides the sampler's own (the caller's other connections). */
  ignorePids?: number[];
}

export interface LockSampler {
  /** Takes one last sample, stops, and returns what was seen. */
  stop(): Promise<LockObservations>;
}

export const DEFAULT_SAMPLE_INTERVAL_MS = 100;
const MAX_KEPT_ERRORS = 5;

// relation >= 16384 (FirstNormalObjectId) leaves out the system catalogs every DDL statement locks.
const SAMPLE_SQL = `
SELECT clock_timestamp() AS at, l.pid, l.mode, l.granted, c.oid::text AS oid, n.nspname AS schema,
       c.relname AS table, c.reltuples, a.xact_start, a.query
  FROM pg_locks l
  JOIN pg_stat_activity a ON a.pid = l.pid
  JOIN pg_class c ON c.oid = l.relation
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE l.locktype = 'relation'
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND l.relation >= 16384
   AND l.pid <> ALL ($1::int[])
   AND a.backend_type = 'client backend'
   AND c.relkind IN ('r', 'p', 'm', 'f')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')`;

interface SampleRow {
  at: Date;
  pid: number;
  mode: string;
  granted: boolean;
  oid: string;
  schema: string;
  table: string;
  reltuples: number;
  xact_start: Date | null;
  query: string | null;
}

/** Starts sampling on `client`, which must be connected to the database to watch and used for nothing else. */
export async function startLockSampler(client: pg.ClientBase, options: LockSamplerOptions = {}): Promise<LockSampler> {
  const intervalMs = options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  const own = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const ignored = [own, ...(options.ignorePids ?? [])];
  const episodes = new Map<string, LockEpisode>();
  const observations: LockObservations = { episodes: [], samples: 0, samplingMs: 0, intervalMs, errors: [] };

  const sample = async () => {
    const started = performance.now();
    try {
      // Named, so the server plans it once: planning costs more than running it (1.3 ms against 0.5 ms).
      const { rows } = await client.query<SampleRow>({
        name: 'dbops-lock-sample',
        text: SAMPLE_SQL,
        values: [ignored],
      });
      for (const row of rows) record(episodes, row);
      observations.samples += 1;
    } catch (error) {
      if (observations.errors.length < MAX_KEPT_ERRORS) observations.errors.push((error as Error).message);
    } finally {
      observations.samplingMs += performance.now() - started;
    }
  };

  // A chain of timeouts, not setInterval: a slow sample delays the next one instead of piling queries up.
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = sample();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sample().then(schedule);
    }, intervalMs);
  };
  void running.then(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await sample(); // the locks as the command left them (none, normally)
      observations.episodes = [...episodes.values()];
      return observations;
    },
  };
}

function record(episodes: Map<string, LockEpisode>, row: SampleRow): void {
  const mode = lockModeFromPg(row.mode);
  if (!mode) return;
  const key = `${row.pid}/${row.xact_start?.getTime() ?? ''}/${row.oid}/${mode}`;
  let episode = episodes.get(key);
  if (!episode) {
    episode = {
      pid: row.pid,
      ...(row.xact_start ? { transactionStart: row.xact_start } : {}),
      oid: row.oid,
      schema: row.schema,
      table: row.table,
      mode,
      ...(row.reltuples >= 0 ? { rowsEstimate: Math.round(row.reltuples) } : {}),
      firstSeenAt: row.at,
      firstQuery: row.query ?? '',
      grantedSamples: 0,
      waitSamples: 0,
    };
    episodes.set(key, episode);
  }
  if (row.granted) {
    episode.firstGrantedAt ??= row.at;
    episode.lastGrantedAt = row.at;
    episode.grantedSamples += 1;
  } else {
    episode.firstWaitAt ??= row.at;
    episode.lastWaitAt = row.at;
    episode.waitSamples += 1;
  }
}
