// docs/monitor-report.md ("MongoDB checks") documents every MongoDB check with its reason and action, so the table cannot fall behind.
import { readFile } from 'node:fs/promises';
import { healthChecksFor, MONGODB_CHECKS, POSTGRES_CHECKS } from '@dbops/core';

it('lists every MongoDB check, with its reason and action, in docs/monitor-report.md', async () => {
  // Only its own section: PostgreSQL has checks of the same ids (connections, database-size).
  const doc = (await readFile('docs/monitor-report.md', 'utf8')).split('## MongoDB checks')[1]!.split('\n## ')[0]!;
  const rows = doc.split('\n').filter((line) => line.startsWith('| `'));
  for (const check of MONGODB_CHECKS) {
    const row = rows.find((r) => r.startsWith(`| \`${check.id}\` |`));
    expect(row).toBeDefined();
    expect(row).toContain(check.why);
    expect(row).toContain(check.action);
  }
});

it('each engine has its own check list, with unique ids', () => {
  expect(healthChecksFor('postgresql')).toBe(POSTGRES_CHECKS);
  expect(healthChecksFor('mongodb')).toBe(MONGODB_CHECKS);
  const ids = MONGODB_CHECKS.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
});
