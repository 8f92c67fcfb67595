// A value equal to an input's default is not "given" (definitions/read-inputs.ts): GitHub fills every action.yml
// default into the inputs, commander every default into the CLI's flags, so such a value cannot mean "set on purpose".
// Through each action's real definition; the service file is a real file that libpq's rules read.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConnection } from '../../packages/core/src/definitions/connection-inputs.js';
import { loadDefinition } from '../../packages/core/src/definitions/load-definition.js';
import { InputReader } from '../../packages/core/src/definitions/read-inputs.js';
import type { PgTarget } from '../../packages/core/src/databases/postgres/target.js';

let dir: string;
let serviceFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbops-input-defaults-'));
  serviceFile = join(dir, 'pg_service.conf');
  await writeFile(serviceFile, '[shop]\nhost=db.internal\ndbname=shop\nuser=app\nconnect_timeout=3\n');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const readerFor = async (action: string, raw: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  new InputReader((await loadDefinition(action)).inputs, raw, env);

test.each(['backup', 'restore-test', 'migrate-deploy', 'monitor-report', 'retention-purge', 'maintenance'])(
  "%s: connect-timeout at its default ('10', as GitHub passes it) leaves a service's connect_timeout in force",
  async (action) => {
    const urlInput = action === 'restore-test' ? 'target-url' : 'database-url';
    const read = async (timeout: string) =>
      (await readConnection(
        await readerFor(
          action,
          { [urlInput]: 'postgres:///?service=shop', 'connect-timeout': timeout },
          {
            PGSERVICEFILE: serviceFile,
          },
        ),
        urlInput,
      )) as PgTarget;
    expect((await read('10')).connectTimeoutSeconds).toBe(3);
    expect((await read('')).connectTimeoutSeconds).toBe(3);
    expect((await read('20')).connectTimeoutSeconds).toBe(20);
  },
);

test('keep-min-verified at its default is not given; another value is', async () => {
  expect((await readerFor('retention-purge', { 'keep-min-verified': '0' })).given('keep-min-verified')).toBeUndefined();
  expect((await readerFor('retention-purge', { 'keep-min-verified': '2' })).given('keep-min-verified')).toBe('2');
});

test('an input at its default falls back to its environment variable first, as an unset one does', async () => {
  const env = { DBOPS_PAGERDUTY_URL: 'https://pagerduty.internal' };
  const reader = await readerFor('backup', { 'pagerduty-url': 'https://events.pagerduty.com' }, env);
  expect(reader.optional('pagerduty-url')).toBe('https://pagerduty.internal');
  expect((await readerFor('backup', {}, {})).optional('pagerduty-url')).toBe('https://events.pagerduty.com');
});
