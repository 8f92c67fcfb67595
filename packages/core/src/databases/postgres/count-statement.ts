/**
 * Many tables' row counts in one statement, for a backup's inventory and restore-test's check alike: one round trip
 * for a batch instead of one per table, which dominated both at 10,000 tables (bench/README.md).
 */

/** A `union all` of count(*)s over already quoted, schema-qualified names: a row per table, tagged with its place. */
export function countStatement(qualifiedNames: string[]): string {
  // The tag: union all does not promise the order of its branches.
  return qualifiedNames.map((name, i) => `select ${i} as i, count(*) as n from ${name}`).join(' union all ');
}

/** countStatement's result as counts in the names' order (NaN for a table without a row). */
export function countsOf(rows: Array<{ i: number; n: string }>, size: number): number[] {
  const counts = new Array<number>(size).fill(Number.NaN);
  for (const row of rows) counts[row.i] = Number(row.n);
  return counts;
}
