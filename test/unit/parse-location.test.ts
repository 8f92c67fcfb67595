// Storage locations as users write them (`to`, `from`): parsed without touching any storage.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseLocation } from '../../packages/core/src/storage/index.js';
import { catchError } from '../harness/errors.js';

const SECRET = `secret-${randomBytes(8).toString('hex')}`;

describe('parseLocation', () => {
  test.each([
    ['s3://acme-backups/prod', { kind: 's3', bucket: 'acme-backups', prefix: 'prod' }],
    ['s3://acme-backups', { kind: 's3', bucket: 'acme-backups', prefix: '' }],
    ['s3://acme-backups/', { kind: 's3', bucket: 'acme-backups', prefix: '' }],
    ['  s3://acme.backups.eu/prod/pre-deploy/ ', { kind: 's3', bucket: 'acme.backups.eu', prefix: 'prod/pre-deploy' }],
    ['/var/backups/db', { kind: 'local', path: '/var/backups/db' }],
    ['./backups', { kind: 'local', path: path.resolve('backups') }],
    ['backups/../other', { kind: 'local', path: path.resolve('other') }],
    ['file:///var/backups/db', { kind: 'local', path: '/var/backups/db' }],
    ['file:///var/my%20backups', { kind: 'local', path: '/var/my backups' }],
    ['./backups:2026', { kind: 'local', path: path.resolve('backups:2026') }],
  ])('%s', (text, expected) => {
    expect(parseLocation(text, 'to')).toEqual(expected);
  });

  test.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['s3://', 'no bucket'],
    ['s3:///prod', 'no bucket'],
    ['s3://Acme_Backups/prod', "invalid S3 bucket name 'Acme_Backups'"],
    ['s3://ab', "invalid S3 bucket name 'ab'"],
    ['s3://-acme', "invalid S3 bucket name '-acme'"],
    ['s3://acme..backups', 'two adjacent dots'],
    ['s3://192.168.1.10/x', 'IP address'],
    ['s3://acme/a//b', 'invalid prefix'],
    ['s3://acme/a/../b', 'invalid prefix'],
    ['gs://acme/prod', "unsupported scheme 'gs://'"],
    ['http://example.com/backups', "unsupported scheme 'http://'"],
    ['file://server/share', 'not a valid local file URL'],
    ['s3:/acme/prod', "starts with 's3:' but not 's3://'"],
    ['S3:acme', "starts with 'S3:' but not 'S3://'"],
    ['artifact:db', "starts with 'artifact:' but not 'artifact://'"],
    ['backups:2026', "starts with 'backups:' but not 'backups://'"],
    ['~/backups', "starts with '~'"],
  ])('rejects %j', (text, problem) => {
    const error = catchError(() => parseLocation(text, 'from'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.input).toBe('from');
    expect(error.message).toContain("Input 'from'");
    expect(error.message).toContain(problem);
    expect(error.hint).toBeTruthy();
  });

  test('never echoes credentials in a location', () => {
    for (const text of [`s3://AKIAEXAMPLE:${SECRET}@acme/prod`, `https://user:${SECRET}@example.com/x`]) {
      const error = catchError(() => parseLocation(text, 'to'));
      expect(`${error.message} ${error.hint}`).not.toContain(SECRET);
    }
  });
});
