// Which database engine serves a URL, a target or a stored backup (databases/index.ts): no server needed.
import { randomBytes } from 'node:crypto';
import { connectionInputs, readConnection } from '../../packages/core/src/definitions/connection-inputs.js';
import { InputReader } from '../../packages/core/src/definitions/read-inputs.js';
import { engineFor, engineForBackup, engineForUrl } from '../../packages/core/src/databases/index.js';
import type { BackupManifest } from '../../packages/core/src/manifest/manifest.js';
import type { DatabaseTarget } from '../../packages/core/src/databases/engine.js';
import { DbopsError } from '../../packages/core/src/errors.js';
import { catchError } from '../harness/errors.js';

const SECRET = `secret-${randomBytes(8).toString('hex')}`;

describe('engineForUrl', () => {
  const urls = [
    'postgres://app@db/shop',
    'postgresql://app@db/shop',
    'POSTGRES://app@db/shop',
    '  postgresql://db/shop',
  ];
  test.each(urls)('%s is PostgreSQL', (url) => {
    expect(engineForUrl(url, 'database-url').name).toBe('postgresql');
  });

  test.each([
    ['mongodb', `mongodb://app:${SECRET}@db/shop`],
    ['MongoDB+SRV', `MongoDB+SRV://app:${SECRET}@cluster.example.com/shop`],
  ])('%s:// is MongoDB', (_scheme, url) => {
    expect(engineForUrl(url, 'database-url').name).toBe('mongodb');
  });

  test.each([
    ['mysql', `mysql://app:${SECRET}@db/shop`],
    ['mongo', `mongo://app:${SECRET}@db/shop`],
  ])('an unknown scheme (%s) is refused naming the input, the scheme and the valid forms', (scheme, url) => {
    const error = catchError(() => engineForUrl(url, 'target-url'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.input).toBe('target-url');
    const problem = `has the scheme '${scheme}://', which names no database engine dbops supports`;
    expect(error.message).toBe(`Input 'target-url' ${problem}`);
    expect(error.hint).toContain('postgres:// or postgresql:// or mongodb:// or mongodb+srv://');
    expect(`${error.message} ${error.hint}`).not.toContain(SECRET);
  });

  test('a value without a scheme is refused as no connection URL', () => {
    const error = catchError(() => engineForUrl(`app:${SECRET}@db:5432/shop`, 'database-url'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      "Input 'database-url' is not a connection URL (it does not start with a scheme such as postgres://)",
    );
    expect(`${error.message} ${error.hint}`).not.toContain(SECRET);
  });

  test('the connection inputs refuse an unknown scheme before parsing the URL', async () => {
    const reader = new InputReader(connectionInputs(), { 'database-url': `mysql://app:${SECRET}@db/shop` });
    const error = await readConnection(reader).then(
      () => {
        throw new Error('expected an error');
      },
      (e: DbopsError) => e,
    );
    expect(error).toBeInstanceOf(DbopsError);
    expect(error.message).toBe(
      "Input 'database-url' has the scheme 'mysql://', which names no database engine dbops supports",
    );
  });

  test('a parsed PostgreSQL target names its engine', async () => {
    const target = await readConnection(
      new InputReader(connectionInputs(), { 'database-url': 'postgres://app@db/shop' }),
    );
    expect(target.engine).toBe('postgresql');
    expect(engineFor(target).describe(target)).toBe('app@db:5432/shop');
  });
});

describe('engineForBackup', () => {
  const inputs = new InputReader(connectionInputs('target-url'), { 'target-url': 'postgres://app@scratch/postgres' });
  let target: DatabaseTarget;
  beforeAll(async () => {
    target = await readConnection(inputs, 'target-url');
  });
  const manifest = (fields: Record<string, unknown>) =>
    ({ backupId: '20250101T000000Z-abcd', ...fields }) as unknown as BackupManifest;

  test('a PostgreSQL backup is restored by the PostgreSQL engine', () => {
    expect(engineForBackup(manifest({ engine: 'postgresql' }), target).name).toBe('postgresql');
  });

  test("a manifest without an engine field is PostgreSQL's", () => {
    expect(engineForBackup(manifest({}), target).name).toBe('postgresql');
  });

  test('a backup of an engine this dbops does not know is refused, naming it', () => {
    const error = catchError(() => engineForBackup(manifest({ engine: 'cassandra' }), target));
    expect(error.message).toBe(
      'Backup 20250101T000000Z-abcd was made by the cassandra engine, which this dbops does not support',
    );
  });
});
