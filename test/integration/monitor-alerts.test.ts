// Alerts against local HTTP servers: one Slack and one webhook message per run, bounded retries, a failing
// endpoint only warns, and the GitHub issue is opened, kept up to date, and closed, with exactly these requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deliverAlerts,
  MemoryLogger,
  monitorReportDefinition,
  POSTGRES_CHECKS,
  Secrets,
  slackNotifier,
  teamsNotifier,
  webhookNotifier,
  type MonitorReport,
} from '@dbops/core';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

interface Recorded {
  method: string;
  path: string;
  authorization?: string;
  body: any;
}

/** A local HTTP server that records every request and answers through `handle`. */
async function startRecorder(handle: (req: Recorded) => { status: number; body?: unknown }) {
  const requests: Recorded[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const recorded: Recorded = {
        method: req.method!,
        path: req.url!,
        body: text ? JSON.parse(text) : undefined,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      };
      requests.push(recorded);
      const { status, body } = handle(recorded);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Just enough of the GitHub issues API: list open issues by label, create, update, comment. */
function fakeGitHub() {
  const issues: Array<{ number: number; title: string; body: string; state: string; labels: string[] }> = [];
  const handle = (req: Recorded) => {
    const list = /^\/repos\/acme\/shop\/issues\?state=open&labels=dbops-alert&per_page=100$/.exec(req.path);
    if (req.method === 'GET' && list)
      return {
        status: 200,
        body: issues
          .filter((i) => i.state === 'open' && i.labels.includes('dbops-alert'))
          .map((i) => ({ ...i, labels: i.labels.map((name) => ({ name })) })),
      };
    if (req.method === 'POST' && req.path === '/repos/acme/shop/issues') {
      const issue = { number: issues.length + 1, state: 'open', ...req.body };
      issues.push(issue);
      return { status: 201, body: issue };
    }
    const one = /^\/repos\/acme\/shop\/issues\/(\d+)(\/comments)?$/.exec(req.path);
    const issue = one ? issues.find((i) => i.number === Number(one[1])) : undefined;
    if (issue && req.method === 'PATCH') {
      Object.assign(issue, req.body);
      return { status: 200, body: issue };
    }
    if (issue && req.method === 'POST' && one?.[2]) return { status: 201, body: { id: 1 } };
    return { status: 404, body: { message: 'Not Found' } };
  };
  return { issues, handle };
}

function report(status: 'ok' | 'warning' | 'critical'): MonitorReport {
  const findings =
    status === 'ok'
      ? []
      : [
          {
            check: 'sequence-exhaustion',
            severity: status,
            subject: 'public.orders_id_seq',
            value: 0.95,
            threshold: 0.9,
            unit: 'ratio' as const,
            detail: '2040109465 of 2147483647',
          },
        ];
  return {
    schemaVersion: 2,
    generatedAt: '2026-11-22T03:00:00.000Z',
    name: 'shop',
    database: { name: 'shop', host: 'db', port: 5432, serverVersion: '15.4', major: 15, standby: false },
    status,
    counts: { critical: status === 'critical' ? 1 : 0, warning: status === 'warning' ? 1 : 0, skipped: 0, unknown: 0 },
    durationMs: 10,
    sample: {},
    checks: [
      {
        id: 'sequence-exhaustion',
        title: 'Sequences near exhaustion',
        status,
        notes: [],
        durationMs: 3,
        unit: 'ratio',
        thresholds: { warning: 0.75, critical: 0.9, direction: 'above' },
        findings,
        top: [],
        observed: 1,
      },
    ],
    github: { repository: 'acme/shop', runUrl: 'https://github.com/acme/shop/actions/runs/1' },
  } as MonitorReport;
}

/** A report whose sequence check could not run: nothing critical seen, nothing known about the sequences. */
function unknownReport(): MonitorReport {
  const r = report('ok');
  r.status = 'unknown';
  r.counts.unknown = 1;
  r.checks[0] = {
    ...r.checks[0]!,
    status: 'unknown',
    reason: 'a query took longer than 300 ms and was cancelled (raise statement-timeout)',
    observed: 0,
  };
  return r;
}

const fastRetry = { retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 20 } };

describe('Slack and webhook messages', () => {
  it('sends one message per run to each, aggregating the findings', async () => {
    const recorder = await startRecorder(() => ({ status: 200 }));
    try {
      const log = new MemoryLogger();
      const outcome = await deliverAlerts(
        report('critical'),
        POSTGRES_CHECKS,
        {
          notifiers: [
            slackNotifier(`${recorder.url}/slack/T0/B0/secret`, fastRetry),
            webhookNotifier(`${recorder.url}/hook`, fastRetry),
          ],
          alertOn: 'warning',
          http: fastRetry,
        },
        log,
      );
      expect(outcome).toMatchObject({ sent: expect.arrayContaining(['Slack', 'webhook']), failed: [] });
      const slack = recorder.requests.filter((r) => r.path.startsWith('/slack'));
      const hook = recorder.requests.filter((r) => r.path === '/hook');
      expect(slack).toHaveLength(1);
      expect(hook).toHaveLength(1);
      expect(slack[0]!.body.text).toBe(
        'Database health: CRITICAL — shop: 1 critical, 0 warning findings on PostgreSQL 15.4 (2026-11-22T03:00:00.000Z).',
      );
      expect(JSON.stringify(slack[0]!.body.blocks)).toContain('public.orders_id_seq');
      expect(hook[0]!.body).toMatchObject({
        schema: 'dbops.alert/v1',
        source: 'monitor-report',
        status: 'critical',
        link: 'https://github.com/acme/shop/actions/runs/1',
        items: [
          {
            severity: 'critical',
            title: 'Sequences near exhaustion',
            subject: 'public.orders_id_seq',
            detail: '95.0%; 2040109465 of 2147483647',
            action: expect.stringMatching(/bigint/),
          },
        ],
        data: { name: 'shop', counts: { critical: 1 } },
      });
    } finally {
      await recorder.close();
    }
  });

  it('sends nothing for a healthy report unless told to always notify', async () => {
    const recorder = await startRecorder(() => ({ status: 200 }));
    try {
      await deliverAlerts(
        report('ok'),
        POSTGRES_CHECKS,
        { notifiers: [webhookNotifier(`${recorder.url}/hook`, fastRetry)], alertOn: 'warning', http: fastRetry },
        new MemoryLogger(),
      );
      await deliverAlerts(
        report('warning'),
        POSTGRES_CHECKS,
        { notifiers: [webhookNotifier(`${recorder.url}/hook`, fastRetry)], alertOn: 'critical', http: fastRetry },
        new MemoryLogger(),
      );
      expect(recorder.requests).toEqual([]);
      await deliverAlerts(
        report('ok'),
        POSTGRES_CHECKS,
        { notifiers: [webhookNotifier(`${recorder.url}/hook`, fastRetry)], alertOn: 'always', http: fastRetry },
        new MemoryLogger(),
      );
      expect(recorder.requests.map((r) => r.body.status)).toEqual(['ok']);
    } finally {
      await recorder.close();
    }
  });

  it('sends an unknown report at every alert-on level, saying what could not run, never as an all-clear', async () => {
    const recorder = await startRecorder(() => ({ status: 200 }));
    try {
      for (const alertOn of ['warning', 'critical'] as const) {
        await deliverAlerts(
          unknownReport(),
          POSTGRES_CHECKS,
          { notifiers: [webhookNotifier(`${recorder.url}/hook`, fastRetry)], alertOn, http: fastRetry },
          new MemoryLogger(),
        );
      }
      expect(recorder.requests).toHaveLength(2);
      expect(recorder.requests[0]!.body).toMatchObject({
        status: 'warning',
        title: 'Database health: UNKNOWN — shop',
        text: expect.stringMatching(
          /^1 check could not run \(sequence-exhaustion\), so this report cannot say the database is healthy/,
        ),
        items: [
          {
            severity: 'warning',
            title: 'Sequences near exhaustion',
            subject: 'not checked',
            detail: expect.stringMatching(/longer than 300 ms/),
          },
        ],
        data: { reportStatus: 'unknown', counts: { unknown: 1 } },
      });
    } finally {
      await recorder.close();
    }
  });

  it('retries a failing endpoint a bounded number of times, then only warns', async () => {
    const recorder = await startRecorder((req) =>
      req.path === '/down'
        ? { status: 503, body: { error: 'unavailable' } }
        : req.path === '/bad'
          ? { status: 400 }
          : { status: 200 },
    );
    try {
      const log = new MemoryLogger();
      const outcome = await deliverAlerts(
        report('critical'),
        POSTGRES_CHECKS,
        {
          notifiers: [
            slackNotifier(`${recorder.url}/bad`, fastRetry),
            webhookNotifier(`${recorder.url}/down`, fastRetry),
          ],
          alertOn: 'warning',
          http: fastRetry,
        },
        log,
      );
      expect(outcome).toMatchObject({ sent: [], failed: expect.arrayContaining(['Slack', 'webhook']) });
      // 503 is retried up to the bound; 400 is not retried at all.
      expect(recorder.requests.filter((r) => r.path === '/down')).toHaveLength(3);
      expect(recorder.requests.filter((r) => r.path === '/bad')).toHaveLength(1);
      const warnings = log.lines.filter((l) => l.startsWith('warn:'));
      expect(warnings).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/via webhook: webhook: HTTP 503/),
          expect.stringMatching(/via Slack: Slack webhook: HTTP 400/),
        ]),
      );
      // The URL (which holds the webhook token) is never logged.
      expect(log.lines.join('\n')).not.toContain(recorder.url);
    } finally {
      await recorder.close();
    }
  });
});

describe('the secret register', () => {
  it('redacts a registered secret in a finding from the Slack and webhook bodies and the GitHub issue', async () => {
    const secret = 'hunter2-s3cret';
    const secrets = new Secrets();
    secrets.add(secret);
    const leaky = report('critical');
    leaky.checks[0]!.findings[0]!.detail = `2040109465 of 2147483647; nextval by postgres://app:${secret}@db/shop`;
    const recorder = await startRecorder(() => ({ status: 200 }));
    const github = fakeGitHub();
    const api = await startRecorder(github.handle);
    try {
      const outcome = await deliverAlerts(
        leaky,
        POSTGRES_CHECKS,
        {
          notifiers: [
            slackNotifier(`${recorder.url}/slack/T0/B0/x`, fastRetry),
            webhookNotifier(`${recorder.url}/hook`, fastRetry),
          ],
          alertOn: 'warning',
          githubIssue: { apiUrl: api.url, token: 'ghs_test_token', repository: 'acme/shop' },
          http: fastRetry,
        },
        new MemoryLogger(),
        undefined,
        { stateKept: false, redact: (text) => secrets.redact(text) },
      );
      expect(outcome).toMatchObject({ failed: [], issue: { action: 'created', number: 1 } });
      const detail = '95.0%; 2040109465 of 2147483647; nextval by postgres://app:***@db/shop';
      const hook = recorder.requests.find((r) => r.path === '/hook')!;
      expect(hook.body.items).toEqual([
        {
          severity: 'critical',
          title: 'Sequences near exhaustion',
          subject: 'public.orders_id_seq',
          detail,
          action: expect.stringMatching(/bigint/),
        },
      ]);
      const slack = recorder.requests.find((r) => r.path.startsWith('/slack'))!;
      expect(JSON.stringify(slack.body.blocks)).toContain(detail);
      const issue = api.requests.find((r) => r.method === 'POST')!;
      expect(issue.body.body).toContain(`| \`public.orders_id_seq\` | ${detail} |`);
      for (const r of [...recorder.requests, ...api.requests])
        expect(JSON.stringify(r.body ?? null)).not.toContain(secret);
    } finally {
      await recorder.close();
      await api.close();
    }
  });
});

describe('the GitHub issue', () => {
  it('opens one issue while critical, updates it on later runs, and closes it when the finding clears', async () => {
    const github = fakeGitHub();
    const api = await startRecorder(github.handle);
    const target = {
      githubIssue: { apiUrl: api.url, token: 'ghs_test_token', repository: 'acme/shop' },
      notifiers: [],
      alertOn: 'warning' as const,
      http: fastRetry,
    };
    const run = async (status: 'ok' | 'warning' | 'critical') => {
      const before = api.requests.length;
      const outcome = await deliverAlerts(report(status), POSTGRES_CHECKS, target, new MemoryLogger());
      return { outcome, requests: api.requests.slice(before).map((r) => `${r.method} ${r.path}`) };
    };
    try {
      const list = 'GET /repos/acme/shop/issues?state=open&labels=dbops-alert&per_page=100';
      const first = await run('critical');
      expect(first.outcome.issue).toEqual({ action: 'created', number: 1 });
      expect(first.requests).toEqual([list, 'POST /repos/acme/shop/issues']);
      const created = api.requests.at(-1)!;
      expect(created.authorization).toBe('Bearer ghs_test_token');
      expect(created.body).toMatchObject({
        title: 'dbops: critical database health findings on shop',
        labels: ['dbops-alert'],
      });
      expect(created.body.body).toMatch(/^<!-- dbops:monitor-report:shop -->\n/);
      expect(created.body.body).toContain('public.orders_id_seq');

      const second = await run('critical');
      expect(second.outcome.issue).toEqual({ action: 'updated', number: 1 });
      expect(second.requests).toEqual([list, 'PATCH /repos/acme/shop/issues/1']);

      // A warning is not critical: the issue closes (with a comment saying so), and no new one is opened.
      const third = await run('warning');
      expect(third.outcome.issue).toEqual({ action: 'closed', number: 1 });
      expect(third.requests).toEqual([
        list,
        'POST /repos/acme/shop/issues/1/comments',
        'PATCH /repos/acme/shop/issues/1',
      ]);
      expect(api.requests.at(-1)!.body).toEqual({ state: 'closed', state_reason: 'completed' });

      // Checks that could not run cannot show the critical finding cleared: the issue is left open, untouched.
      await run('critical');
      const before = api.requests.length;
      const log = new MemoryLogger();
      expect((await deliverAlerts(unknownReport(), POSTGRES_CHECKS, target, log)).issue).toEqual({
        action: 'unchanged',
      });
      expect(api.requests.length).toBe(before);
      expect(log.lines).toEqual(
        expect.arrayContaining([expect.stringMatching(/GitHub issue is left as it is: 1 check could not run/)]),
      );
      expect(github.issues.map((i) => i.state)).toEqual(['closed', 'open']);
      await run('ok');

      const fourth = await run('ok');
      expect(fourth.outcome.issue).toEqual({ action: 'none' });
      expect(fourth.requests).toEqual([list]);
      expect(github.issues.map((i) => i.state)).toEqual(['closed', 'closed']);
    } finally {
      await api.close();
    }
  });

  it("closes stray duplicates and leaves other databases' issues alone", async () => {
    const github = fakeGitHub();
    github.issues.push(
      {
        number: 1,
        title: 'a',
        body: '<!-- dbops:monitor-report:shop -->\nold',
        state: 'open',
        labels: ['dbops-alert'],
      },
      {
        number: 2,
        title: 'b',
        body: '<!-- dbops:monitor-report:shop -->\ndup',
        state: 'open',
        labels: ['dbops-alert'],
      },
      {
        number: 3,
        title: 'c',
        body: '<!-- dbops:monitor-report:billing -->\nother',
        state: 'open',
        labels: ['dbops-alert'],
      },
    );
    const api = await startRecorder(github.handle);
    try {
      const outcome = await deliverAlerts(
        report('critical'),
        POSTGRES_CHECKS,
        {
          githubIssue: { apiUrl: api.url, token: 't', repository: 'acme/shop' },
          notifiers: [],
          alertOn: 'warning',
          http: fastRetry,
        },
        new MemoryLogger(),
      );
      expect(outcome.issue).toEqual({ action: 'updated', number: 1 });
      expect(github.issues.map((i) => [i.number, i.state])).toEqual([
        [1, 'open'],
        [2, 'closed'],
        [3, 'open'],
      ]);
    } finally {
      await api.close();
    }
  });

  it('shows names from the database as text: a backtick, a link or an image in a name stays in its cell', async () => {
    const github = fakeGitHub();
    const api = await startRecorder(github.handle);
    const teams = await startRecorder(() => ({ status: 202 }));
    // Names a database can hold: a sequence called so, and a detail that quotes one.
    const hostile = report('critical');
    const finding = hostile.checks[0]!.findings[0]!;
    finding.subject = 'public.a` <img src=x onerror=alert(1)> `[pay](https://evil.example)\n\n# b';
    finding.detail = 'owner <b>[x](https://evil.example)</b> & co';
    try {
      await deliverAlerts(
        hostile,
        POSTGRES_CHECKS,
        {
          githubIssue: { apiUrl: api.url, token: 't', repository: 'acme/shop' },
          notifiers: [teamsNotifier(teams.url, fastRetry)],
          alertOn: 'warning',
          http: fastRetry,
        },
        new MemoryLogger(),
      );
      const row = (github.issues[0]!.body.split('\n').find((l) => l.startsWith('| Sequences')) ?? '').split(' | ');
      // The subject is one code span, fenced longer than the backtick inside it, on one line.
      expect(row[1]).toBe('`` public.a` <img src=x onerror=alert(1)> `[pay](https://evil.example)  # b ``');
      expect(row[2]).toContain('owner &lt;b&gt;\\[x\\](https://evil.example)&lt;/b&gt; &amp; co');
      const card = teams.requests[0]!.body.attachments[0].content.body;
      const item = card.find((b: { text?: string }) => b.text?.startsWith('**Sequences near exhaustion**'));
      expect(item.text).toContain('public.a\\` <img src=x onerror=alert(1)> \\`\\[pay\\](https://evil.example)');
      expect(item.text).toContain('owner <b>\\[x\\](https://evil.example)</b> & co');
    } finally {
      await api.close();
      await teams.close();
    }
  });

  it('warns and carries on when the GitHub API refuses', async () => {
    const api = await startRecorder(() => ({
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    }));
    try {
      const log = new MemoryLogger();
      const outcome = await deliverAlerts(
        report('critical'),
        POSTGRES_CHECKS,
        {
          githubIssue: { apiUrl: api.url, token: 't', repository: 'acme/shop' },
          notifiers: [],
          alertOn: 'warning',
          http: fastRetry,
        },
        log,
      );
      expect(outcome.issue).toEqual({ action: 'failed' });
      expect(log.lines).toEqual(
        expect.arrayContaining([expect.stringMatching(/^warn: Could not update the GitHub issue: .*HTTP 403/)]),
      );
    } finally {
      await api.close();
    }
  });
});

describe('through the action, on a real server', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
    await server.query(
      `create table counters (id serial primary key); select setval('counters_id_seq', (2147483647 * 0.95)::int);`,
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('alerts once per run through the shared notifiers (Teams too), and a failing notification never changes the result', async () => {
    const github = fakeGitHub();
    const api = await startRecorder((req) =>
      req.path.startsWith('/repos/') ? github.handle(req) : req.path === '/down' ? { status: 500 } : { status: 200 },
    );
    try {
      const log = new MemoryLogger();
      const secrets = new Secrets();
      const inputs = {
        'database-url': server.url(),
        'output-dir': await mkdtemp(join(tmpdir(), 'dbops-monitor-alerts-')),
        'notify-slack': `${api.url}/slack/T0/B0/xoxsecret`,
        'notify-teams': `${api.url}/teams/workflow`,
        'notify-webhook': `${api.url}/down`,
        'alert-on': 'critical',
        'github-issue': 'true',
        'github-token': 'ghs_from_input',
        'fail-on': 'never',
      };
      for (const name of ['database-url', 'notify-slack', 'notify-teams', 'notify-webhook', 'github-token'] as const)
        secrets.add(inputs[name]);
      const result = await monitorReportDefinition.run(inputs, {
        log,
        secrets,
        signal: new AbortController().signal,
        env: { GITHUB_API_URL: api.url },
        github: { repository: 'acme/shop', runId: '7', runUrl: 'https://github.com/acme/shop/actions/runs/7' },
      });
      expect(result.failure).toBeUndefined();
      expect(result.outputs.status).toBe('critical');
      expect(api.requests.filter((r) => r.path.startsWith('/slack'))).toHaveLength(1);
      expect(api.requests.filter((r) => r.path.startsWith('/teams'))).toHaveLength(1);
      expect(JSON.stringify(api.requests.find((r) => r.path.startsWith('/teams'))!.body)).toContain(
        'public.counters_id_seq',
      );
      expect(api.requests.filter((r) => r.path === '/down')).toHaveLength(3);
      expect(github.issues).toHaveLength(1);
      expect(github.issues[0]!.body).toContain('public.counters_id_seq');
      expect(log.lines).toEqual(
        expect.arrayContaining([expect.stringMatching(/^warn: Could not send the alert via webhook/)]),
      );
    } finally {
      await api.close();
    }
  });
});
