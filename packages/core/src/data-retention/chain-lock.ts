/**
 * One PostgreSQL run at a time per receipt chain: a purge or an erasure reads the chain's head before it deletes and
 * appends the next link after, so two runs of one policy at once (a scheduled run and a manual one) would both
 * delete and then race for the same link, the loser's deletions left without a receipt. A session-level advisory
 * lock on the chain's name, taken before anything is read or deleted and held until the session ends, keeps the
 * second run out. MongoDB's runs hold leases per collection instead (databases/mongodb/lease.ts).
 */
import type pg from 'pg';
import { DbopsError } from '../errors.js';

/** Takes the chain's lock for this session; CONFLICT, before anything is deleted, when another run holds it. */
export async function lockReceiptChain(client: pg.ClientBase, chain: string): Promise<void> {
  const { rows } = await client.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
    [`dbops receipt chain ${chain}`],
  );
  if (!rows[0]?.locked)
    throw new DbopsError(
      'CONFLICT',
      `Another run of policy '${chain}' (a retention-purge or a subject erase) is at work on this database: nothing was deleted`,
      {
        hint: 'Runs of one policy append to one receipt chain, one at a time: run again once the other has finished (its lock ends with its session).',
      },
    );
}
