// What Slack and Teams refuse or misread, against local stand-ins that answer as those services do: Slack answers
// 400 invalid_blocks (never retried) to a section over 3,000 characters, Teams refuses a message over 28 KB, and both
// read their text as markup. And a POST that timed out is not sent again: the service may have taken it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AlertMessage, MemoryLogger, sendAlerts, slackNotifier, teamsNotifier } from '@dbops/core';
import { type Recorded, startRecorder } from '../harness/http-recorder.js';

const fastRetry = { retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 } };
/** A failure whose text carries a long stderr, as migrate-deploy's does (up to 8 KB). */
const STDERR = `${'ERROR:  relation "orders" & <things> already exist\n'.repeat(200)}`;
const failure: AlertMessage = {
  source: 'migrate-deploy',
  status: 'failure',
  title: 'dbops migrate-deploy failed in acme/shop',
  text: `MIGRATION_FAILED: the migration command exited with 1: ${STDERR}`,
  items: [],
};

/** Slack's own checks of a Block Kit message: 400 for a section text over 3,000 characters. */
function slackAnswer(r: Recorded): number {
  const texts = [...(r.body.blocks ?? []), ...(r.body.attachments ?? []).flatMap((a: any) => a.blocks)]
    .flatMap((b: any) => [b.text?.text, ...(b.elements ?? []).map((e: any) => e.text)])
    .filter((t: unknown) => typeof t === 'string');
  return texts.some((t: string) => t.length > 3000) ? 400 : 200;
}

test('Slack: a failure with a long stderr is cut below 3,000 characters, visibly, and delivered', async () => {
  const slack = await startRecorder(slackAnswer);
  try {
    const log = new MemoryLogger();
    const result = await sendAlerts([slackNotifier(`${slack.url}/services/T/B/x`, fastRetry)], failure, log);
    expect(result).toEqual({ sent: ['Slack'], failed: [] });
    expect(slack.requests).toHaveLength(1);
    const { text, blocks } = slack.requests[0]!.body;
    const section = blocks[0].text.text as string;
    expect(section.length).toBeLessThanOrEqual(3000);
    expect(section.startsWith(':x: *dbops migrate-deploy failed in acme/shop*\nMIGRATION_FAILED: ')).toBe(true);
    expect(section.endsWith('… (cut: the full text is in the workflow run)')).toBe(true);
    // Cut between entities, never inside one.
    expect(section).not.toMatch(/&[a-z]{0,3}\n…/);
    // The fallback text is escaped and cut as the section is.
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toContain('&amp; &lt;things&gt;');
    expect(text).not.toContain('<things>');
    expect(text.endsWith('… (cut: the full text is in the workflow run)')).toBe(true);
  } finally {
    await slack.close();
  }
});

test('Slack: a short message is sent whole, its fallback text escaped', async () => {
  const slack = await startRecorder(slackAnswer);
  try {
    const message = { ...failure, text: 'pg_dump: <!channel> & <https://evil.example|click>' };
    await sendAlerts([slackNotifier(slack.url, fastRetry)], message, new MemoryLogger());
    expect(slack.requests[0]!.body.text).toBe(
      'dbops migrate-deploy failed in acme/shop: pg_dump: &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;',
    );
  } finally {
    await slack.close();
  }
});

test("Teams: the text is cut under the webhook's 28 KB, and names from the database are not read as Markdown", async () => {
  const teams = await startRecorder((r) => (JSON.stringify(r.body).length > 28_000 ? 413 : 202));
  try {
    const item = {
      severity: 'critical' as const,
      title: 'Sequences near exhaustion',
      subject: 'public.[orders](https://evil.example)',
      detail: `**${'x'.repeat(3000)}**`,
    };
    const message: AlertMessage = {
      ...failure,
      text: `${failure.text}${STDERR}${STDERR}`,
      items: Array.from({ length: 15 }, () => item),
    };
    const result = await sendAlerts([teamsNotifier(teams.url, fastRetry)], message, new MemoryLogger());
    expect(result).toEqual({ sent: ['Teams'], failed: [] });
    const body = teams.requests[0]!.body.attachments[0].content.body;
    expect(body[1].text.length).toBeLessThanOrEqual(4000);
    expect(body[1].text.endsWith('… (cut: the full text is in the workflow run)')).toBe(true);
    expect(
      body[2].text.startsWith('**Sequences near exhaustion**: public.\\[orders\\](https://evil.example) — \\*\\*x'),
    ).toBe(true);
  } finally {
    await teams.close();
  }
});

test('a POST that timed out is not sent again: the service may have taken it', async () => {
  // A service that takes the message and never answers.
  const taken: string[] = [];
  const server: Server = createServer((req) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => taken.push(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const log = new MemoryLogger();
    const slow = await sendAlerts([slackNotifier(url, { ...fastRetry, timeoutMs: 1500 })], failure, log);
    expect(slow).toEqual({ sent: [], failed: ['Slack'] });
    expect(taken).toHaveLength(1);
    expect(JSON.parse(taken[0]!).blocks[0].text.text).toContain('MIGRATION_FAILED');
    expect(log.lines).toContain('warn: Could not send the alert via Slack: Slack webhook: request failed (timed out)');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
