// MongoDB connection URLs (issue 15 step 1): parsed by the driver's parser, the password never echoed.
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { describeMongoTarget } from '../../packages/core/src/databases/mongodb/target.js';

describe('parseMongoTarget', () => {
  it('reads host, port, database, user and TLS; describe() leaves the password out', () => {
    const target = parseMongoTarget('mongodb://app:s3cret-pw@db.example:27018/shop?tls=true');
    expect(target).toMatchObject({ engine: 'mongodb', host: 'db.example', port: 27018, database: 'shop' });
    expect(target).toMatchObject({ user: 'app', password: 's3cret-pw', tls: true });
    expect(describeMongoTarget(target)).toBe('app@db.example:27018/shop');
  });

  it('reads mongodb+srv:// URLs without resolving them, with TLS on', () => {
    const target = parseMongoTarget('mongodb+srv://app:pw@cluster0.example.net/shop');
    expect(describeMongoTarget(target)).toBe('app@cluster0.example.net/shop');
    expect(target.tls).toBe(true);
  });

  it.each([
    ['http://app:s3cret-pw@host/shop', 'is not a MongoDB connection URL'],
    ['mongodb://app:s3cret-pw@host:notaport/shop', 'is not a valid MongoDB connection URL'],
    ['mongodb://app:s3cret-pw@host/', 'names no database'],
  ])('refuses %s naming the input and the valid form, without the password', (url, problem) => {
    let error: (Error & { code?: string; hint?: string }) | undefined;
    try {
      parseMongoTarget(url, 'target-url');
    } catch (caught) {
      error = caught as typeof error;
    }
    expect(error?.code).toBe('INVALID_INPUT');
    expect(error?.message).toContain(`Input 'target-url' ${problem}`);
    expect(error?.hint).toContain('mongodb://USER:PASSWORD@HOST:27017/DATABASE');
    expect(`${error?.message} ${error?.hint}`).not.toContain('s3cret-pw');
  });
});
