// docs/monitor-report.md documents every check with its default thresholds, so the table cannot fall behind.
import { readFile } from 'node:fs/promises';
import { POSTGRES_CHECKS } from '@dbops/core';

it('lists every check, with its reason, in docs/monitor-report.md', async () => {
  const doc = await readFile('docs/monitor-report.md', 'utf8');
  const rows = doc.split('\n').filter((line) => line.startsWith('| `'));
  for (const check of POSTGRES_CHECKS) {
    const row = rows.find((r) => r.startsWith(`| \`${check.id}\` |`));
    expect(row).toBeDefined();
    expect(row).toContain(check.why);
    expect(row).toContain(check.action);
  }
});
