// Which tables' data pg-dump-args leave out of the archive: dbops counts exactly the rows pg_dump reads, so it must
// read these flags as pg_dump does (a value in the same or the next argument, unambiguous prefixes, short clusters).
import {
  dataExclusions,
  enablesRowSecurity,
  parsePgDumpArgs,
} from '../../packages/core/src/databases/postgres/dump.js';
import type { DbopsError } from '../../packages/core/src/errors.js';

const exclusions = (text: string) => dataExclusions(parsePgDumpArgs(text));

test.each([
  ['', { tables: [], unlogged: false, all: false }],
  ['--no-owner --exclude-table-data=audit.log', { tables: ['audit.log'], unlogged: false, all: false }],
  [
    '--exclude-table-data audit.log --exclude-table-data="Big Table"',
    { tables: ['audit.log', 'Big Table'], unlogged: false, all: false },
  ],
  // Quoted as in a shell: pg_dump gets public."Mixed Case", and so does the pattern dbops matches.
  [`--exclude-table-data='public."Mixed Case"'`, { tables: ['public."Mixed Case"'], unlogged: false, all: false }],
  ['--no-unlogged-table-data', { tables: [], unlogged: true, all: false }],
  ['--no-unlogged', { tables: [], unlogged: true, all: false }],
  ['--schema-only', { tables: [], unlogged: false, all: true }],
  ['-Os', { tables: [], unlogged: false, all: true }],
  // A value is not a flag: "-s" here is the superuser's name, and "-S" takes it.
  ['-S -s', { tables: [], unlogged: false, all: false }],
  ['--superuser --schema-only', { tables: [], unlogged: false, all: false }],
])('%s', (args, expected) => {
  expect(exclusions(args)).toEqual(expected);
});

test('flags selecting partitions are refused, pointed at the input that selects them', () => {
  const refusal = (text: string) => {
    try {
      parsePgDumpArgs(text);
    } catch (error) {
      return error as DbopsError;
    }
    throw new Error(`${text} was accepted`);
  };
  expect(refusal('--table-and-children=public.events')).toMatchObject({
    code: 'INVALID_INPUT',
    hint: expect.stringContaining('a partitioned table brings its partitions'),
  });
  expect(refusal('--exclude-table-data-and-children=public.events').hint).toContain(
    '--exclude-table-data=public.events*',
  );
});

test.each([
  ['--enable-row-security', true],
  ['--no-owner --enable', true], // getopt_long's unambiguous prefix
  ['--no-owner', false],
  ['--superuser --enable-row-security', false], // the superuser's name, not a flag
])('row-level security asked for by %s: %s', (text, expected) => {
  expect(enablesRowSecurity(parsePgDumpArgs(text))).toBe(expected);
});
