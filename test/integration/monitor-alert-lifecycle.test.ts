// Incidents with a lifecycle, on a real PostgreSQL and against a local HTTP server standing in for PagerDuty and
// Opsgenie: a finding triggers once, persists quietly, resolves when it clears; a maintenance window keeps it quiet
// and its end re-arms it; a service that is down only warns; the keys never reach any output.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backupDefinition,
  MemoryLogger,
  monitorReport,
  opsgenieNotifier,
  pagerDutyNotifier,
  parsePgTarget,
  POSTGRES_CHECKS,
  renderMarkdown,
  Secrets,
  slackNotifier,
} from '@dbops/core';
import { parseWindow } from '../../packages/core/src/maintenance-window/window.js';
import { runCli } from '../harness/cli.js';
import { closedPort, startRecorder } from '../harness/http-recorder.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';

const ROUTING_KEY = 'R0UTINGKEYpd0123456789abcdef';
const GENIE_KEY = 'genie-0000-1111-2222-secretkey';
const fastRetry = { retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 } };
const KEY = 'dbops:shop:sequence-exhaustion';
const sequenceCheck = POSTGRES_CHECKS.filter((c) => c.id === 'sequence-exhaustion');

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
  await server.query('create table counters (id serial primary key)');
});
afterAll(async () => {
  await server?.stop();
});

/** monitor-report of the sequence check alone, keeping its history in `history`; `options` the rest. */
async function monitorSequences(
  history: string,
  options: Omit<
    Parameters<typeof monitorReport>[0],
    'target' | 'name' | 'checks' | 'statementTimeoutMs' | 'budgetMs' | 'outputDir' | 'history'
  >,
) {
  return monitorReport({
    target: parsePgTarget({ url: server.url() }),
    name: 'shop',
    checks: sequenceCheck,
    statementTimeoutMs: 10_000,
    budgetMs: 60_000,
    outputDir: await mkdtemp(join(tmpdir(), 'dbops-alert-out-')),
    history: { location: history, days: 90 },
    ...options,
  });
}

const setSequence = (ratio: number) =>
  server.query(`select setval('counters_id_seq', ${Math.round(2147483647 * ratio)})`);

describe('the lifecycle through monitorReport, with the clock given', () => {
  it('triggers, stays quiet, resolves; a window holds the page back and its end re-arms it', async () => {
    const recorder = await startRecorder();
    const history = await mkdtemp(join(tmpdir(), 'dbops-alert-history-'));
    const source = `${server.host}:${server.port}/postgres`;
    const run = async (at: string) => {
      const before = recorder.requests.length;
      const log = new MemoryLogger();
      const result = await monitorSequences(history, {
        alerts: {
          // Slack keeps its one message per run, as alert-on says, except inside the window.
          notifiers: [slackNotifier(`${recorder.url}/slack/T0/B0/x`, fastRetry)],
          alertOn: 'warning',
          incidents: {
            notifiers: [
              pagerDutyNotifier(ROUTING_KEY, { ...fastRetry, url: `${recorder.url}/pd` }),
              opsgenieNotifier(GENIE_KEY, { ...fastRetry, url: `${recorder.url}/og/` }),
            ],
            escalateAfterMs: 3_600_000,
            maxPerHour: 20,
          },
        },
        maintenanceWindow: {
          text: 'Sun 01:00-03:00 UTC',
          window: parseWindow('Sun 01:00-03:00 UTC', 'maintenance-window'),
        },
        log,
        now: () => new Date(at),
      });
      const all = recorder.requests.slice(before).sort((a, b) => a.path.localeCompare(b.path));
      const requests = all.filter((r) => !r.path.startsWith('/slack'));
      return { ...result, requests, slack: all.length - requests.length, log };
    };
    const findingLine = 'critical public.counters_id_seq: 95.0%; 2040109465 of 2147483647 (public.counters.id integer)';
    const pdTrigger = (severity: string, summary: string, findings: string, status: string, at: string) => ({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: KEY,
      payload: {
        summary,
        severity,
        source,
        component: 'shop',
        group: 'dbops',
        class: 'sequence-exhaustion',
        custom_details: { check: 'sequence-exhaustion', report: 'shop', status, findings, 'checked at': at },
      },
      client: 'dbops',
    });
    try {
      // Saturday 2026-12-05: no window. Run 1 triggers on both services.
      await setSequence(0.95);
      const first = await run('2026-12-05T10:00:00.000Z');
      const summary = 'Sequences near exhaustion on shop: 1 critical finding (public.counters_id_seq)';
      expect(first.requests).toEqual([
        {
          method: 'POST',
          path: '/og/v2/alerts',
          headers: expect.objectContaining({
            authorization: `GenieKey ${GENIE_KEY}`,
            'content-type': 'application/json',
          }),
          body: {
            message: summary,
            alias: KEY,
            description: summary,
            priority: 'P1',
            source,
            entity: 'shop',
            tags: ['dbops', 'sequence-exhaustion', 'critical'],
            details: {
              check: 'sequence-exhaustion',
              report: 'shop',
              status: 'critical',
              findings: findingLine,
              'checked at': '2026-12-05T10:00:00.000Z',
            },
          },
        },
        {
          method: 'POST',
          path: '/pd/v2/enqueue',
          headers: expect.objectContaining({ 'content-type': 'application/json' }),
          body: pdTrigger('critical', summary, findingLine, 'critical', '2026-12-05T10:00:00.000Z'),
        },
      ]);
      expect(first.requests[1]!.headers.authorization).toBeUndefined();
      expect({ ...first.report.alerts, sent: [...first.report.alerts!.sent].sort() }).toEqual({
        sent: [`trigger opsgenie ${KEY} (critical)`, `trigger pagerduty ${KEY} (critical)`],
        failed: [],
        deferred: [],
        quiet: [],
        stateKept: true,
      });

      expect(first.slack).toBe(1);
      // Run 2: the same finding, already paged: nothing is sent to the incident services.
      expect((await run('2026-12-05T10:30:00.000Z')).requests).toEqual([]);

      // Run 3: a warning now: PagerDuty takes a trigger with the new severity, Opsgenie a priority change.
      await setSequence(0.8);
      const third = await run('2026-12-05T11:00:00.000Z');
      expect(third.requests.map((r) => [r.method, r.path, r.body.priority ?? r.body.payload?.severity])).toEqual([
        ['PUT', `/og/v2/alerts/${encodeURIComponent(KEY)}/priority?identifierType=alias`, 'P3'],
        ['POST', '/pd/v2/enqueue', 'warning'],
      ]);

      // Run 4: the finding is gone: both resolve.
      await setSequence(0.01);
      const fourth = await run('2026-12-05T11:30:00.000Z');
      expect(fourth.requests).toEqual([
        {
          method: 'POST',
          path: `/og/v2/alerts/${encodeURIComponent(KEY)}/close?identifierType=alias`,
          headers: expect.objectContaining({ authorization: `GenieKey ${GENIE_KEY}` }),
          body: { source: 'dbops', note: 'Resolved: Sequences near exhaustion on shop: cleared' },
        },
        {
          method: 'POST',
          path: '/pd/v2/enqueue',
          headers: expect.anything(),
          body: { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: KEY },
        },
      ]);
      expect((await run('2026-12-05T12:00:00.000Z')).requests).toEqual([]);

      // Sunday 01:30 UTC, inside the window: the finding is back, marked maintenance, and pages nobody.
      await setSequence(0.95);
      const inside = await run('2026-12-06T01:30:00.000Z');
      expect(inside.requests).toEqual([]);
      expect(inside.slack).toBe(0);
      expect(inside.log.lines).toContain(
        'info: Inside the maintenance window (Sun 01:00-03:00 UTC) until 2026-12-06T03:00:00.000Z: no alert is sent',
      );
      expect(inside.report.maintenance).toEqual({ window: 'Sun 01:00-03:00 UTC', until: '2026-12-06T03:00:00.000Z' });
      expect(inside.report.alerts?.quiet).toEqual([KEY]);
      const markdown = renderMarkdown(inside.report, sequenceCheck);
      expect(markdown).toContain('inside the window Sun 01:00-03:00 UTC until 2026-12-06T03:00:00.000Z');
      expect(markdown).toContain('🔴 maintenance');
      expect(await readFile(inside.files.markdown, 'utf8')).toContain('🔴 maintenance');
      // report.json documents both new parts (docs/monitor-report.schema.json, additionalProperties false).
      const schema = JSON.parse(await readFile('docs/monitor-report.schema.json', 'utf8'));
      const json = JSON.parse(await readFile(inside.files.json, 'utf8'));
      for (const part of ['maintenance', 'alerts']) {
        const documented = schema.properties[part];
        expect(Object.keys(json[part]).sort()).toEqual(Object.keys(documented.properties).sort());
        expect(Object.keys(json[part]).sort()).toEqual([...documented.required].sort());
      }

      // 03:30, after the window: the finding that persisted pages now, once.
      const after = await run('2026-12-06T03:30:00.000Z');
      expect(after.report.maintenance).toBeUndefined();
      expect(after.slack).toBe(1);
      expect(after.requests.map((r) => [r.path, r.body.event_action ?? r.body.priority])).toEqual([
        ['/og/v2/alerts', 'P1'],
        ['/pd/v2/enqueue', 'trigger'],
      ]);
      expect(after.requests[1]!.body).toEqual(
        pdTrigger('critical', summary, findingLine, 'critical', '2026-12-06T03:30:00.000Z'),
      );
      expect((await run('2026-12-06T04:00:00.000Z')).requests).toEqual([]);

      for (const r of [first, third, fourth, inside, after]) {
        const everything = [
          r.log.lines.join('\n'),
          JSON.stringify(r.report),
          renderMarkdown(r.report, sequenceCheck),
          await readFile(r.files.json, 'utf8'),
          await readFile(r.files.html, 'utf8'),
        ].join('\n');
        expect(everything).not.toContain(ROUTING_KEY);
        expect(everything).not.toContain(GENIE_KEY);
      }
    } finally {
      await recorder.close();
    }
  });
});

describe('names that share a history location', () => {
  it("keeps each name's incidents and trends apart: a nested name and a backup in the same folder are not its state", async () => {
    const recorder = await startRecorder();
    const history = await mkdtemp(join(tmpdir(), 'dbops-alert-nested-'));
    // A real backup named "prod" in the same location: its files sit in prod/ beside prod's history entries.
    await backupDefinition.run(
      { 'database-url': server.url(), to: history, name: 'prod' },
      { log: new MemoryLogger(), secrets: new Secrets(), env: {}, signal: new AbortController().signal },
    );
    const run = async (name: string, at: string) => {
      const before = recorder.requests.length;
      const log = new MemoryLogger();
      const result = await monitorReport({
        target: parsePgTarget({ url: server.url() }),
        name,
        checks: sequenceCheck,
        statementTimeoutMs: 10_000,
        budgetMs: 60_000,
        outputDir: await mkdtemp(join(tmpdir(), 'dbops-alert-out-')),
        history: { location: history, days: 90 },
        alerts: {
          notifiers: [],
          alertOn: 'warning',
          incidents: {
            notifiers: [pagerDutyNotifier(ROUTING_KEY, { ...fastRetry, url: `${recorder.url}/pd` })],
            escalateAfterMs: 3_600_000,
            maxPerHour: 20,
          },
        },
        log,
        now: () => new Date(at),
      });
      const events = recorder.requests.slice(before).map((r) => `${r.body.event_action} ${r.body.dedup_key}`);
      return { ...result, events, log };
    };
    try {
      await setSequence(0.95);
      expect((await run('prod', '2026-12-05T10:00:00.000Z')).events).toEqual([
        'trigger dbops:prod:sequence-exhaustion',
      ]);
      // "prod/replica" keeps its entries in prod/replica/, whose keys sort after prod's own.
      expect((await run('prod/replica', '2026-12-05T10:10:00.000Z')).events).toEqual([
        'trigger dbops:prod/replica:sequence-exhaustion',
      ]);
      // prod reads its own state back: its incident is open, the replica's is not its to resolve.
      const again = await run('prod', '2026-12-05T10:20:00.000Z');
      expect(again.events).toEqual([]);
      expect(again.report.trends?.reportsRead).toBe(1);
      expect(again.log.lines.filter((l) => l.startsWith('warn:'))).toEqual([]);
      const replica = await run('prod/replica', '2026-12-05T10:30:00.000Z');
      expect(replica.events).toEqual([]);
      expect(replica.report.trends?.reportsRead).toBe(1);
    } finally {
      await recorder.close();
    }
  });
});

describe('a paging service that is down', () => {
  // The state keeps, per channel, what was delivered: an event lost to a service that was down is sent by the next
  // run, as that run's findings decide, and one that went through is not sent again.
  const source = () => `${server.host}:${server.port}/postgres`;
  const summary = 'Sequences near exhaustion on shop: 1 critical finding (public.counters_id_seq)';
  const findingLine = 'critical public.counters_id_seq: 95.0%; 2040109465 of 2147483647 (public.counters.id integer)';
  const monitor = async (history: string, at: string, urls: { pd: string; og: string }) => {
    const log = new MemoryLogger();
    const { report } = await monitorSequences(history, {
      alerts: {
        notifiers: [],
        alertOn: 'warning',
        incidents: {
          notifiers: [
            pagerDutyNotifier(ROUTING_KEY, { ...fastRetry, url: urls.pd }),
            opsgenieNotifier(GENIE_KEY, { ...fastRetry, url: urls.og }),
          ],
          escalateAfterMs: 3_600_000,
          maxPerHour: 20,
        },
      },
      log,
      now: () => new Date(at),
    });
    return { report, log: log.lines };
  };

  it('sends the trigger it could not deliver on the next run, and not again after that', async () => {
    const recorder = await startRecorder();
    const down = await closedPort();
    const history = await mkdtemp(join(tmpdir(), 'dbops-alert-down-history-'));
    const up = { pd: `${recorder.url}/pd`, og: `${recorder.url}/og` };
    try {
      await setSequence(0.95);
      // Run 1: both services down: two warnings, nothing delivered, the report's result unchanged.
      const lost = await monitor(history, '2026-12-05T10:00:00.000Z', { pd: `${down}/pd`, og: `${down}/og` });
      expect(lost.report.status).toBe('critical');
      expect(recorder.requests).toEqual([]);
      for (const service of ['PagerDuty', 'Opsgenie'])
        expect(lost.log).toContainEqual(
          expect.stringMatching(
            new RegExp(`^warn: Could not send trigger ${KEY} to ${service}: ${service}: request failed`),
          ),
        );
      expect(lost.report.alerts).toMatchObject({
        sent: [],
        failed: expect.arrayContaining([`trigger pagerduty ${KEY} (critical)`, `trigger opsgenie ${KEY} (critical)`]),
      });

      // Run 2: both back, the finding persists: the lost trigger goes out now, exactly as a first trigger would.
      const resent = await monitor(history, '2026-12-05T10:30:00.000Z', up);
      expect(resent.report.alerts?.failed).toEqual([]);
      const requests = [...recorder.requests].sort((a, b) => a.path.localeCompare(b.path));
      expect(requests.map((r) => ({ method: r.method, path: r.path, body: r.body }))).toEqual([
        {
          method: 'POST',
          path: '/og/v2/alerts',
          body: {
            message: summary,
            alias: KEY,
            description: summary,
            priority: 'P1',
            source: source(),
            entity: 'shop',
            tags: ['dbops', 'sequence-exhaustion', 'critical'],
            details: {
              check: 'sequence-exhaustion',
              report: 'shop',
              status: 'critical',
              findings: findingLine,
              'checked at': '2026-12-05T10:30:00.000Z',
            },
          },
        },
        {
          method: 'POST',
          path: '/pd/v2/enqueue',
          body: {
            routing_key: ROUTING_KEY,
            event_action: 'trigger',
            dedup_key: KEY,
            payload: {
              summary,
              severity: 'critical',
              source: source(),
              component: 'shop',
              group: 'dbops',
              class: 'sequence-exhaustion',
              custom_details: {
                check: 'sequence-exhaustion',
                report: 'shop',
                status: 'critical',
                findings: findingLine,
                'checked at': '2026-12-05T10:30:00.000Z',
              },
            },
            client: 'dbops',
          },
        },
      ]);
      expect(requests[0]!.headers.authorization).toBe(`GenieKey ${GENIE_KEY}`);

      // Run 3: the finding persists, both services have it: nothing is sent.
      recorder.requests.length = 0;
      await monitor(history, '2026-12-05T11:00:00.000Z', up);
      expect(recorder.requests).toEqual([]);
    } finally {
      await recorder.close();
    }
  });

  it('sends the resolve it could not deliver on the next run, and not again after that', async () => {
    let status = 202;
    const recorder = await startRecorder(() => status);
    const history = await mkdtemp(join(tmpdir(), 'dbops-alert-down-history-'));
    const up = { pd: `${recorder.url}/pd`, og: `${recorder.url}/og` };
    try {
      await setSequence(0.95);
      await monitor(history, '2026-12-05T10:00:00.000Z', up);
      expect(recorder.requests.map((r) => r.body.event_action ?? r.path).sort()).toEqual(['/og/v2/alerts', 'trigger']);

      // The finding clears while both services answer 500: the resolves are tried, warn, and are not delivered.
      await setSequence(0.01);
      status = 500;
      recorder.requests.length = 0;
      const lost = await monitor(history, '2026-12-05T10:30:00.000Z', up);
      expect(lost.report.status).toBe('ok');
      expect(
        new Set(recorder.requests.map((r) => `${r.method} ${r.path} ${r.body.event_action ?? ''}`.trim())),
      ).toEqual(
        new Set([
          `POST /og/v2/alerts/${encodeURIComponent(KEY)}/close?identifierType=alias`,
          'POST /pd/v2/enqueue resolve',
        ]),
      );
      for (const service of ['PagerDuty', 'Opsgenie'])
        expect(lost.log).toContain(
          `warn: Could not send resolve ${KEY} to ${service}: ${service}: HTTP 500 {"status":"success"}`,
        );

      // The next run, services back, finding still gone: each service gets its resolve, once.
      status = 202;
      recorder.requests.length = 0;
      await monitor(history, '2026-12-05T11:00:00.000Z', up);
      expect(
        [...recorder.requests]
          .sort((a, b) => a.path.localeCompare(b.path))
          .map((r) => ({ method: r.method, path: r.path, body: r.body })),
      ).toEqual([
        {
          method: 'POST',
          path: `/og/v2/alerts/${encodeURIComponent(KEY)}/close?identifierType=alias`,
          body: { source: 'dbops', note: 'Resolved: Sequences near exhaustion on shop: cleared' },
        },
        {
          method: 'POST',
          path: '/pd/v2/enqueue',
          body: { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: KEY },
        },
      ]);
      recorder.requests.length = 0;
      await monitor(history, '2026-12-05T11:30:00.000Z', up);
      expect(recorder.requests).toEqual([]);
    } finally {
      await recorder.close();
    }
  });
});

describe('an Opsgenie alert deleted by hand', () => {
  it('counts its close as done, and opens it afresh when its severity changes', async () => {
    // Opsgenie answers 404 for an alias it no longer has.
    const recorder = await startRecorder((r) => (r.method === 'PUT' || r.path.includes('/close') ? 404 : 202));
    const history = await mkdtemp(join(tmpdir(), 'dbops-alert-og-history-'));
    const run = async (at: string) => {
      const before = recorder.requests.length;
      const { report } = await monitorSequences(history, {
        alerts: {
          notifiers: [],
          alertOn: 'warning',
          incidents: {
            notifiers: [opsgenieNotifier(GENIE_KEY, { ...fastRetry, url: recorder.url })],
            escalateAfterMs: 0,
            maxPerHour: 20,
          },
        },
        log: new MemoryLogger(),
        now: () => new Date(at),
      });
      return { report, requests: recorder.requests.slice(before).map((r) => `${r.method} ${r.path}`) };
    };
    try {
      await setSequence(0.95);
      expect((await run('2026-12-01T10:00:00.000Z')).requests).toEqual(['POST /v2/alerts']);
      await setSequence(0.8);
      const update = await run('2026-12-01T10:30:00.000Z');
      expect(update.requests).toEqual([
        `PUT /v2/alerts/${encodeURIComponent(KEY)}/priority?identifierType=alias`,
        'POST /v2/alerts',
      ]);
      expect(recorder.requests.at(-1)!.body.priority).toBe('P3');
      await setSequence(0.01);
      const closed = await run('2026-12-01T11:00:00.000Z');
      expect(closed.report.alerts).toMatchObject({ sent: [`resolve opsgenie ${KEY} (warning)`], failed: [] });
      expect((await run('2026-12-01T11:30:00.000Z')).requests).toEqual([]);
    } finally {
      await recorder.close();
    }
  });
});

describe('through the command line', () => {
  it('escalates a lasting critical finding, warns when a service is down, and keeps the result and the keys unchanged', async () => {
    const recorder = await startRecorder();
    const down = await closedPort();
    const history = await mkdtemp(join(tmpdir(), 'dbops-alert-cli-history-'));
    const template = join(history, '..', `template-${process.pid}.yml`);
    await writeFile(template, 'summary: "[{{severity}}] {{title}} on {{name}} ({{subjects}})"\n');
    await setSequence(0.95);
    const args = (out: string) => [
      'monitor-report',
      '--database-url',
      server.url(),
      '--name',
      'shop',
      '--output-dir',
      out,
      '--history',
      history,
      '--escalate-to',
      'pagerduty',
      '--escalate-after',
      '0s',
      '--alert-template',
      template,
    ];
    try {
      const plain = await runCli(args(await mkdtemp(join(tmpdir(), 'dbops-alert-cli-'))).slice(0, 7));
      // The keys come from the environment, as a scheduled job passes them; Opsgenie is down.
      const env = {
        DBOPS_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
        DBOPS_PAGERDUTY_URL: recorder.url,
        DBOPS_OPSGENIE_API_KEY: GENIE_KEY,
        DBOPS_OPSGENIE_URL: down,
      };
      const out = await mkdtemp(join(tmpdir(), 'dbops-alert-cli-'));
      const paged = await runCli(args(out), env);
      expect(paged.code).toBe(plain.code);
      expect(paged.code).not.toBe(0); // fail-on critical: the finding, not the notifier, decides
      expect(paged.stderr).toMatch(
        /Could not send trigger dbops:shop:sequence-exhaustion to Opsgenie: Opsgenie: request failed/,
      );
      // Opsgenie takes the ordinary alerts; PagerDuty only the escalation, here at once (escalate-after 0s).
      const escalations = recorder.requests.filter((r) => r.body.dedup_key === KEY);
      expect(escalations.map((r) => [r.path, r.body.event_action, r.body.payload.custom_details.escalation])).toEqual([
        ['/v2/enqueue', 'trigger', 'yes'],
      ]);
      expect(escalations[0]!.body.payload.summary).toBe(
        '[critical] Sequences near exhaustion on shop (public.counters_id_seq)',
      );
      const summary = await readFile(join(out, 'summary.md'), 'utf8');
      expect(summary).toContain(`Sent: escalate pagerduty ${KEY} (critical)`);
      expect(summary).toContain(`Failed (a warning; tried again next run): trigger opsgenie ${KEY} (critical)`);
      for (const text of [paged.stdout, paged.stderr, summary, await readFile(join(out, 'report.json'), 'utf8')]) {
        expect(text).not.toContain(ROUTING_KEY);
        expect(text).not.toContain(GENIE_KEY);
      }
      // The next run does not escalate again; Opsgenie, still down, is tried again.
      const again = await runCli(args(await mkdtemp(join(tmpdir(), 'dbops-alert-cli-'))), env);
      expect(recorder.requests.filter((r) => r.body.dedup_key === KEY)).toHaveLength(1);
      expect(again.stderr).toMatch(/Could not send trigger dbops:shop:sequence-exhaustion to Opsgenie/);
      // Cleared: the escalation channel, which was told, takes the resolve.
      await setSequence(0.01);
      await runCli(args(await mkdtemp(join(tmpdir(), 'dbops-alert-cli-'))), env);
      expect(recorder.requests.filter((r) => r.body.dedup_key === KEY).map((r) => r.body.event_action)).toEqual([
        'trigger',
        'resolve',
      ]);
    } finally {
      await recorder.close();
    }
  });

  it('refuses a malformed maintenance window before touching the database', async () => {
    const run = await runCli([
      'monitor-report',
      '--database-url',
      'postgres://nobody@127.0.0.1:1/none',
      '--maintenance-window',
      'Sun 25:00-03:00 UTC',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("Input 'maintenance-window' has a start time '25:00' that is not a time of day");
  });
});
