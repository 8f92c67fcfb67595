// docs/mongodb.md documents every MongoDB check with its reason and action, so the table cannot fall behind.
import { readFile } from 'node:fs/promises';
import { healthChecksFor, MONGODB_CHECKS, POSTGRES_CHECKS } from '@dbops/core';

it('lists every MongoDB check, with its reason and action, in docs/mongodb.md', async () => {
  const doc = await readFile('docs/mongodb.md', 'utf8');
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
