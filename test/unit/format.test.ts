// The figures in logs and summaries: whole bytes below a KiB, one decimal above, and rates rounded like sizes.
import { formatBytes, formatRate } from '../../packages/core/src/format.js';

test('sizes below a KiB are whole bytes; larger ones take a unit and one decimal below 100', () => {
  expect(formatBytes(0)).toBe('0 B');
  expect(formatBytes(1023)).toBe('1023 B');
  expect(formatBytes(1536)).toBe('1.5 KiB');
  expect(formatBytes(150 * 1024 * 1024)).toBe('150 MiB');
});

test('a rate is rounded like a size, never printed with every digit of the division', () => {
  expect(formatRate(1579, 2)).toBe('790 B/s');
  expect(formatRate(789.7153351698806 * 3, 3)).toBe('790 B/s');
  expect(formatRate(3 * 1024 * 1024, 2)).toBe('1.5 MiB/s');
  expect(formatRate(100, 0)).toBe('n/a');
});
