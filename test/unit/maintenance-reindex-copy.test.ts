// Which invalid index a failed REINDEX CONCURRENTLY left: only its own copy (<index>_ccnew, _ccold, numbered when
// taken, the index's name cut when long) is dropped after the failure, never another invalid index of the table.
import { isReindexCopy } from '../../packages/core/src/maintenance/apply.js';

const long = 'x'.repeat(63);

it.each([
  ['"public"."orders_v_ccnew"', '"public"."orders_v"', true],
  ['"public"."orders_v_ccold"', '"public"."orders_v"', true],
  ['"public"."orders_v_ccnew12"', '"public"."orders_v"', true],
  ['"Odd ""Schema"""."a"".""b_ccnew"', '"Odd ""Schema"""."a"".""b"', true],
  // PostgreSQL cuts a 63-byte name so that the copy's name fits: x × 57 + _ccnew, x × 56 + _ccnew1.
  [`"public"."${'x'.repeat(57)}_ccnew"`, `"public"."${long}"`, true],
  [`"public"."${'x'.repeat(56)}_ccnew1"`, `"public"."${long}"`, true],
  // A user's invalid index on the same table (a CREATE INDEX CONCURRENTLY that failed) is not the rebuild's.
  ['"public"."orders_note"', '"public"."orders_v"', false],
  ['"public"."orders_note_ccnew"', '"public"."orders_v"', false],
  ['"public"."orders_v2_ccnew"', '"public"."orders_v"', false],
  ['"public"."orders_v_ccnewer"', '"public"."orders_v"', false],
  ['"other"."orders_v_ccnew"', '"public"."orders_v"', false],
  // Cut only when the copy's name is 63 bytes: a short name that begins the index's is someone else's.
  ['"public"."orders_ccnew"', '"public"."orders_v"', false],
])('%s left by REINDEX of %s: %s', (candidate, index, expected) => {
  expect(isReindexCopy(candidate, index)).toBe(expected);
});
