// One grammar for durations and one for sizes: the same text means the same in an input and in a thresholds file.
import {
  type DbopsError,
  parseDuration,
  parseSize,
  parseThresholds,
  parseTimeoutMs,
  POSTGRES_CHECKS,
} from '@dbops/core';

function errorOf(run: () => unknown): DbopsError {
  try {
    run();
  } catch (error) {
    return error as DbopsError;
  }
  throw new Error('expected the value to be rejected');
}

it.each([
  ['500ms', 0.5],
  ['90s', 90],
  ['1h30m', 5400],
  ['1h 30m', 5400],
  ['5 min', 300],
  ['7d', 7 * 86400],
  ['2w', 14 * 86400],
  ['1.5h', 5400],
])('reads the duration %s in an input and in a thresholds file alike', async (text, seconds) => {
  expect(parseDuration(text, 'keep-within')).toBeCloseTo(seconds, 9);
  const settings = await parseThresholds(
    `checks:\n  long-running-queries: { warning: "${text}", critical: off }\n`,
    'thresholds.yml',
    POSTGRES_CHECKS,
  );
  expect(settings.checks['long-running-queries']!.warning).toBeCloseTo(seconds, 9);
});

it('takes milliseconds for timeouts, which it keeps in whole milliseconds', () => {
  expect(parseTimeoutMs('500ms', 'statement-timeout', '10m')).toBe(500);
  expect(parseTimeoutMs('1m30s', 'statement-timeout', '10m')).toBe(90_000);
});

it.each(['90', 'soon', '5 parsecs', '1h30', 'm5', ''])(
  'rejects %j as a duration, naming the input and the valid form',
  (text) => {
    const error = errorOf(() => parseDuration(text, 'keep-within'));
    expect(error.message).toContain('keep-within');
    expect(error.message).toContain(`'${text}' is not a duration`);
    expect(error.message + error.hint).toMatch(/500ms, 90s, 1h30m, 7d or 2w/);
  },
);

it.each([
  ['1048576', 1048576],
  ['512kB', 512 * 1024],
  ['512 KiB', 512 * 1024],
  ['500k', 500 * 1024],
  ['10MB', 10 * 1024 ** 2],
  ['1.5GiB', 1.5 * 1024 ** 3],
  ['2tb', 2 * 1024 ** 4],
  ['1PB', 1024 ** 5],
])('reads the size %s in an input and in a thresholds file alike', async (text, bytes) => {
  expect(parseSize(text, 'exact-count-max-size')).toBe(bytes);
  const settings = await parseThresholds(
    `checks:\n  table-bloat: { min-size: "${text}" }\n`,
    'thresholds.yml',
    POSTGRES_CHECKS,
  );
  expect(settings.checks['table-bloat']!.params['min-size']).toBe(bytes);
});

it.each(['10 parsecs', '5ib', 'MB', '-1MB', '10XB'])(
  'rejects %j as a size, naming the input and the valid form',
  (text) => {
    const error = errorOf(() => parseSize(text, 'exact-count-max-size'));
    expect(error.message).toContain('exact-count-max-size');
    expect(error.message + error.hint).toMatch(/512kB, 64MB or 1.5GiB/);
  },
);

it('refuses a size beyond what a bigint compares exactly', () => {
  expect(errorOf(() => parseSize('9PB', 'exact-count-max-size')).message).toMatch(/larger than dbops takes/);
});
