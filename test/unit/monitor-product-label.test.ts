// The monitor report's headline names the server's product: a MongoDB report must not say "PostgreSQL".
import {
  healthChecksFor,
  monitorSummary,
  renderHtml,
  renderMarkdown,
  renderNotification,
  type CheckDefinition,
  type MonitorReport,
} from '@dbops/core';

function report(serverVersion: string, port: number): MonitorReport {
  return {
    schemaVersion: 2,
    generatedAt: '2026-12-06T00:00:00.000Z',
    name: 'shop',
    database: {
      name: 'shop',
      host: 'h',
      port,
      serverVersion,
      major: Number.parseInt(serverVersion, 10),
      standby: false,
    },
    status: 'ok',
    counts: { critical: 0, warning: 0, skipped: 0, unknown: 0 },
    durationMs: 5,
    sample: {},
    checks: [],
  } as MonitorReport;
}

function rendered(r: MonitorReport, checks: CheckDefinition[]): string[] {
  const summary = monitorSummary(r, checks);
  return [renderMarkdown(r, checks), renderHtml(r, checks), String(summary.text), renderNotification(summary).text];
}

it('a MongoDB report says MongoDB in its Markdown, HTML, summary and notification', () => {
  const outputs = rendered(report('7.0.42', 27017), healthChecksFor('mongodb'));
  for (const text of outputs) {
    expect(text).toContain('MongoDB 7.0.42');
    expect(text).not.toContain('PostgreSQL');
  }
});

it('a PostgreSQL report says PostgreSQL', () => {
  for (const text of rendered(report('17.2', 5432), healthChecksFor('postgresql'))) {
    expect(text).toContain('PostgreSQL 17.2');
    expect(text).not.toContain('MongoDB');
  }
});
