// A detach marker's bound is spliced into ATTACH PARTITION: only bounds in the form pg_get_expr prints pass.
import { isPrintedRangeBound } from '../../packages/core/src/databases/postgres/data-retention-partitions.js';

test.each([
  "FOR VALUES FROM ('2025-11-01 00:00:00+00') TO ('2025-12-01 00:00:00+00')",
  "FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')",
  'FOR VALUES FROM (MINVALUE) TO (100)',
  "FOR VALUES FROM ('-5') TO (1.5e+20)",
  "FOR VALUES FROM ('a', 1) TO ('b', MAXVALUE)",
  "FOR VALUES FROM ('O''Brien') TO ('P')",
])('accepts %s', (bound) => {
  expect(isPrintedRangeBound(bound)).toBe(true);
});

test.each([
  // A second statement after the bound.
  "FOR VALUES FROM ('2025-11-01') TO ('2025-12-01'); DROP TABLE users",
  // A function call evaluated when the partition is attached.
  "FOR VALUES FROM (pg_terminate_backend(1)) TO ('2025-12-01')",
  'FOR VALUES FROM ((SELECT 1)) TO (2)',
  // A backslash that, with standard_conforming_strings off, escapes the quote and opens the statement.
  "FOR VALUES FROM ('x\\') TO (''); DROP TABLE t; --')",
  // Other partition kinds and shapes the purge never detaches.
  'FOR VALUES IN (1, 2)',
  'DEFAULT',
  '',
])('refuses %s', (bound) => {
  expect(isPrintedRangeBound(bound)).toBe(false);
});
