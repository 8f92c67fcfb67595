/**
 * Which migration took a lock the sampler saw. A lock is attributed once, by the sample that first saw it: the
 * migration running then took it, even when it is held on afterwards (node-pg-migrate runs all pending migrations in
 * one transaction by default, so the first one's locks last until the last one commits; that is what production
 * would see, and it is reported against the migration that took them).
 *
 * Two ways, the first that applies:
 * 1. The tool's timestamps, where it records when each migration started (Prisma: `_prisma_migrations.started_at`
 *    and `finished_at`; started_at is the table's DEFAULT now(), the server's clock): the migration whose interval
 *    holds the moment the lock was first seen (the sample's clock_timestamp(), the server's clock too, so the start
 *    has no clock skew). A migration that failed has no finish; its interval runs to the end of the run.
 * 2. The query text: pg_stat_activity.query of the session when the lock was first seen, found in one migration's
 *    SQL (Prisma and node-pg-migrate send a migration's file as one query, `psql -f` one statement at a time; a text
 *    longer than track_activity_query_size is cut, and a prefix is still found). Comments and whitespace are ignored
 *    on both sides. When the text is in several migrations, the one at or after the last attributed (tools apply in
 *    order) wins. A JavaScript migration has no SQL to find and gets nothing this way.
 * A lock neither way places is reported as unattributed, not guessed.
 */
import type { LockEpisode } from './lock-sampler.js';

export interface AttributionCandidate {
  name: string;
  /** The SQL the tool sends (undefined for a JavaScript migration). */
  sql?: string;
  /** From the tool's record after the run, where it keeps them. */
  startedAt?: Date;
  finishedAt?: Date;
}

export type AttributionMethod = 'tool-timestamps' | 'query-text';

export interface Attribution {
  /** The migration's name, or undefined when neither way placed the lock. */
  migration?: string;
  method?: AttributionMethod;
}

/** Attributes every episode; `candidates` in the tool's order. */
export function attributeEpisodes(episodes: LockEpisode[], candidates: AttributionCandidate[]): Attribution[] {
  const texts = candidates.map((c) => (c.sql === undefined ? undefined : normalizeSql(c.sql)));
  const ordered = [...episodes.keys()].sort(
    (a, b) => episodes[a]!.firstSeenAt.getTime() - episodes[b]!.firstSeenAt.getTime(),
  );
  const result: Attribution[] = new Array(episodes.length);
  let cursor = 0;
  for (const index of ordered) {
    const episode = episodes[index]!;
    const byTime = byTimestamps(episode.firstSeenAt, candidates);
    if (byTime !== undefined) {
      result[index] = { migration: candidates[byTime]!.name, method: 'tool-timestamps' };
      cursor = byTime;
      continue;
    }
    const byText = byQueryText(normalizeSql(episode.firstQuery), texts, cursor);
    if (byText !== undefined) {
      result[index] = { migration: candidates[byText]!.name, method: 'query-text' };
      cursor = byText;
      continue;
    }
    result[index] = {};
  }
  return result;
}

function byTimestamps(at: Date, candidates: AttributionCandidate[]): number | undefined {
  const time = at.getTime();
  const index = candidates.findIndex(
    (c) => c.startedAt && time >= c.startedAt.getTime() && (!c.finishedAt || time <= c.finishedAt.getTime()),
  );
  return index === -1 ? undefined : index;
}

// Too short to tell migrations apart (BEGIN, COMMIT): such a text says nothing about which file runs.
const MIN_QUERY_CHARS = 12;

function byQueryText(query: string, texts: Array<string | undefined>, cursor: number): number | undefined {
  if (query.length < MIN_QUERY_CHARS) return undefined;
  const matches = texts.flatMap((text, index) => (text?.includes(query) ? [index] : []));
  if (matches.length === 0) {
    // Cut at track_activity_query_size mid-character or mid-word: try without its last characters.
    const shorter = query.slice(0, -8).trimEnd();
    return shorter.length >= MIN_QUERY_CHARS && query.length >= 512 ? byQueryText(shorter, texts, cursor) : undefined;
  }
  return matches.find((index) => index >= cursor) ?? matches[0];
}

/** Comments out, whitespace collapsed, empty statements and trailing semicolons off: the same text however a tool split or sent it. */
export function normalizeSql(sql: string): string {
  return sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/;( ?;)+/g, ';') // node-pg-migrate appends a ";" of its own
    .replace(/[\s;]+$/, '')
    .trim();
}
