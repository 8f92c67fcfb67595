import type { CheckResult } from './checks.js';

/** restore-test's check that erased subjects stay erased, as both engines' replays name it. */
export const TOMBSTONE_CHECK = 'erased rows absent';

/** What a replay of tombstones on a restored copy found (databases/<engine>/tombstone-check.ts). */
export interface TombstoneReplay {
  /** Tombstones replayed. */
  total: number;
  /** Where they came from: tombstones-from, or the copy's own. */
  source: string;
  /**
   * "table: n" for each table holding subjects whose erasure had completed before the backup read that table: an
   * erasure undone.
   */
  reappeared: string[];
  /**
   * "table: n" for each table holding subjects erased after (or while) the backup read it: expected, until the
   * backup rotates out.
   */
  held: string[];
}

/** The check's verdict, in the engine's words for what was erased (rows, documents). */
export function tombstoneVerdict(replay: TombstoneReplay, noun: { one: string; many: string }): CheckResult {
  const { total, source, reappeared, held } = replay;
  if (reappeared.length > 0)
    return {
      name: TOMBSTONE_CHECK,
      passed: false,
      detail: `${noun.many} erased before this backup was taken are in it (${reappeared.join('; ')}): an erasure was undone; the backup must not be restored as it is`,
    };
  return {
    name: TOMBSTONE_CHECK,
    passed: true,
    detail:
      held.length > 0
        ? `${total} tombstones from ${source} replayed; this backup predates erasures and still holds those ${noun.many} (${held.join('; ')}) until it rotates out`
        : `${total} tombstones from ${source} replayed: no erased ${noun.one} is in the backup`,
  };
}
