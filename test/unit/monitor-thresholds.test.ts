// The thresholds file: defaults, overrides, exclusions, and errors that name the key or value at fault.
import { DbopsError, parseThresholds, POSTGRES_CHECKS } from '@dbops/core';

const parse = (yaml: string) => parseThresholds(yaml, 'thresholds.yml', POSTGRES_CHECKS);

async function errorOf(yaml: string): Promise<DbopsError> {
  try {
    await parse(yaml);
  } catch (error) {
    return error as DbopsError;
  }
  throw new Error('expected the thresholds file to be rejected');
}

it('gives every check its defaults when the file is empty', async () => {
  const settings = await parse('');
  expect(settings.checks['sequence-exhaustion']).toMatchObject({
    enabled: true,
    warning: 0.75,
    critical: 0.9,
    exclude: [],
  });
  expect(settings.checks['table-bloat']!.params['min-size']).toBe(10 * 1024 * 1024);
});

it('reads overrides in each unit, disabled checks, parameters and exclusions', async () => {
  const settings = await parse(`
version: 1
exclude: [public.audit_log, archive.*]
checks:
  long-running-queries: { warning: 2m, critical: 1h }
  table-bloat:
    warning: 40%
    critical: off
    min-size: 100MB
    exclude: [public.events]
  cache-hit-ratio: { warning: 0.99, critical: 0.97 }
  unused-indexes: false
  duplicate-indexes: { enabled: false }
  xid-wraparound: { warning: 800000000 }
`);
  expect(settings.exclude).toEqual(['public.audit_log', 'archive.*']);
  expect(settings.checks['long-running-queries']).toMatchObject({ warning: 120, critical: 3600 });
  expect(settings.checks['table-bloat']).toMatchObject({ warning: 0.4, exclude: ['public.events'] });
  expect(settings.checks['table-bloat']!.critical).toBeUndefined();
  expect(settings.checks['table-bloat']!.params['min-size']).toBe(100 * 1024 * 1024);
  expect(settings.checks['cache-hit-ratio']).toMatchObject({ warning: 0.99, critical: 0.97 });
  expect(settings.checks['unused-indexes']!.enabled).toBe(false);
  expect(settings.checks['duplicate-indexes']!.enabled).toBe(false);
  expect(settings.checks['xid-wraparound']).toMatchObject({ warning: 800_000_000, critical: 1_000_000_000 });
});

it.each([
  [
    'an unknown check',
    'checks:\n  tabel-bloat: { warning: 40% }\n',
    /checks\.tabel-bloat is not a known check/,
    /table-bloat/,
  ],
  [
    'an unknown setting',
    'checks:\n  table-bloat: { warnng: 40% }\n',
    /checks\.table-bloat\.warnng is not a known setting/,
    /warning, critical, exclude, min-size/,
  ],
  ['an unknown top-level key', 'excludes: [x]\n', /'excludes' is not a known key/, /exclude, checks/],
  [
    'a bad duration',
    'checks:\n  long-running-queries: { warning: soon }\n',
    /checks\.long-running-queries\.warning has the value "soon"/,
    /duration/,
  ],
  [
    'a ratio over 100%',
    'checks:\n  connections: { critical: 150% }\n',
    /checks\.connections\.critical has the value "150%"/,
    /fraction/,
  ],
  [
    'a bad size',
    'checks:\n  table-bloat: { min-size: 10 parsecs }\n',
    /checks\.table-bloat\.min-size has the value "10 parsecs"/,
    /size/,
  ],
  [
    'a negative number',
    'checks:\n  xid-wraparound: { warning: -1 }\n',
    /checks\.xid-wraparound\.warning has the value -1/,
    /number/,
  ],
  [
    'a non-boolean enabled',
    'checks:\n  settings: { enabled: maybe }\n',
    /checks\.settings\.enabled is "maybe"/,
    /true or false/,
  ],
  ['exclusions that are not a list', 'exclude: { a: 1 }\n', /exclude is not a list of patterns/, /list/],
  [
    'warning above critical',
    'checks:\n  sequence-exhaustion: { warning: 95%, critical: 90% }\n',
    /warning 0.95 above critical 0.9/,
    /≤/,
  ],
  [
    'warning below critical on a "below" check',
    'checks:\n  cache-hit-ratio: { warning: 0.8, critical: 0.9 }\n',
    /warning 0.8 below critical 0.9/,
    /≥/,
  ],
  ['invalid YAML', 'checks: [unclosed\n', /not valid YAML/, /YAML/],
])('rejects %s, naming it', async (_name, yaml, message, hint) => {
  const error = await errorOf(yaml);
  expect(error).toBeInstanceOf(DbopsError);
  expect(error.code).toBe('INVALID_INPUT');
  expect(error.input).toBe('thresholds');
  expect(error.message).toMatch(/thresholds\.yml/);
  expect(error.message).toMatch(message);
  expect(error.hint).toMatch(hint);
});
