// How pg_dump is given the partitions of a partitioned table named in tables / exclude-tables: pg_dump 16+ selects
// them itself (--table-and-children, a flag per partitioned table); an older one gets a --table per partition, up to
// a bound that keeps the command line inside ARG_MAX, past which the backup is refused with the ways round it.
import { MAX_PARTITIONS_NAMED, partitionArgs } from '../../packages/core/src/databases/postgres/dump.js';
import { DbopsError } from '../../packages/core/src/errors.js';

const named = (count: number) => Array.from({ length: count }, (_, i) => `"public"."events_${i}"`);
const selection = (tables: number, excluded: number) => ({
  tables: { oids: [], names: named(tables), parents: tables ? ['"public"."events"'] : [] },
  excludeTables: { oids: [], names: named(excluded), parents: excluded ? ['"public"."logs"'] : [] },
});

test('pg_dump 16 and newer: one flag per partitioned table, however many partitions', () => {
  for (const major of [16, 17, 18])
    expect(partitionArgs(major, selection(50_000, 40_000))).toEqual([
      '--table-and-children="public"."events"',
      '--exclude-table-and-children="public"."logs"',
    ]);
});

test('before 16: a --table / --exclude-table per partition, up to the bound', () => {
  expect(partitionArgs(15, selection(2, 1))).toEqual([
    '--table="public"."events_0"',
    '--table="public"."events_1"',
    '--exclude-table="public"."events_0"',
  ]);
  expect(partitionArgs(12, selection(MAX_PARTITIONS_NAMED - 1, 1))).toHaveLength(MAX_PARTITIONS_NAMED);
});

test('before 16, past the bound: refused, naming the input and the ways round it', () => {
  const error = (() => {
    try {
      partitionArgs(15, selection(MAX_PARTITIONS_NAMED, 1));
    } catch (e) {
      return e;
    }
  })() as DbopsError;
  expect(error).toBeInstanceOf(DbopsError);
  expect(error.code).toBe('INVALID_INPUT');
  expect(error.input).toBe('tables');
  expect(error.message).toBe(
    `Input 'tables' names partitioned tables with ${MAX_PARTITIONS_NAMED + 1} partitions, which pg_dump 15 must be given one by one (dbops gives it at most ${MAX_PARTITIONS_NAMED})`,
  );
  expect(error.hint).toMatch(/public\.events\*.*schemas.*pg_dump 16 or newer in pg-bin-dir/);
  expect(() => partitionArgs(14, selection(0, MAX_PARTITIONS_NAMED + 1))).toThrow(/Input 'exclude-tables'/);
});
