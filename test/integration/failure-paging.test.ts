// Every action pages its failure through PagerDuty and Opsgenie (issue 18 item 4), here the real backup against a
// real PostgreSQL: one incident per job, triggered by the first failure, quiet on a repeat, updated when the error
// changes, resolved by the recovery (with alert-state), held inside a maintenance window. A local HTTP server stands
// in for both services and records the exact requests; a service that is down only warns, and the keys never reach
// any output or the state.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backup as takeBackup,
  backupDefinition,
  checkFreshnessDefinition,
  DbopsError,
  FULL_SCOPE,
  MemoryLogger,
  parsePgTarget,
  type RawInputs,
  Secrets,
  withNotifications,
} from '@dbops/core';
import { runCli } from '../harness/cli.js';
import { closedPort, type HttpRecorder, type Recorded, startRecorder } from '../harness/http-recorder.js';
import { type PostgresServer, startPostgres } from '../harness/postgres.js';

const ROUTING_KEY = 'R0UTINGKEYpd0123456789abcdef';
const GENIE_KEY = 'genie-0000-1111-2222-secretkey';
const PASSWORD = 'paging s3cret';
const RUN_URL = 'https://github.com/acme/shop/actions/runs/7';
const ALIAS = encodeURIComponent('dbops:backup-prod:failed');
/** Without alert-key, on GitHub: the repository is part of the incident key, so repositories never share one. */
const DEFAULT_KEY = 'dbops:acme/shop:backup:failed';
/** A failure the paging services already have: the same trigger again, which their dedup key makes free. */
const RETRIGGER = ['POST /og/v2/alerts', 'POST /pd/v2/enqueue trigger'];
const requestsOf = (sent: Recorded[]) => sent.map((r) => `${r.method} ${r.path} ${r.body.event_action ?? ''}`.trim());
const backup = withNotifications(backupDefinition);

/** A window from an hour ago to an hour from now, and one that starts two hours from now and lasts one. */
const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString().slice(11, 16);
const NOW_WINDOW = `daily ${at(-1)}-${at(1)} UTC`;
const LATER_WINDOW = `daily ${at(2)}-${at(3)} UTC`;

let pg: PostgresServer;
let recorder: HttpRecorder;
let service: string;
let work: string;
/** What the stand-in answers; a test may make it answer 404, as Opsgenie does for an alert closed by hand. */
let answer: (r: Recorded) => number = () => 202;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.query('create table t as select g from generate_series(1, 10) g');
  recorder = await startRecorder((r) => answer(r));
  service = recorder.url;
});

afterAll(async () => {
  await pg?.stop();
  await recorder?.close();
});

beforeEach(async () => {
  recorder.requests.length = 0;
  answer = () => 202;
  work = await mkdtemp(join(tmpdir(), 'dbops-paging-'));
});

afterEach(() => rm(work, { recursive: true, force: true }));

function context(repository = 'acme/shop') {
  return {
    log: new MemoryLogger(),
    secrets: new Secrets(),
    env: {},
    signal: new AbortController().signal,
    github: { repository, runId: '7', runUrl: RUN_URL },
  };
}

function urlFor(kind: 'ok' | 'refused' | 'missing') {
  return kind === 'ok'
    ? pg.url()
    : kind === 'refused'
      ? pg.url('postgres', 'postgres', PASSWORD)
      : pg.url('no_such_database');
}

/** One backup run: 'ok' backs up the real database; 'refused' and 'missing' fail in two different ways. */
async function run(kind: 'ok' | 'refused' | 'missing', inputs: RawInputs = {}, repository?: string) {
  const ctx = context(repository);
  const before = recorder.requests.length;
  const error = await backup
    .run(
      {
        'database-url': urlFor(kind),
        to: join(work, 'backups'),
        'pagerduty-routing-key': ROUTING_KEY,
        'pagerduty-url': `${service}/pd`,
        'opsgenie-api-key': GENIE_KEY,
        'opsgenie-url': `${service}/og/`,
        ...inputs,
      },
      ctx,
    )
    .then(
      () => undefined,
      (e: unknown) => e as DbopsError,
    );
  // The error as the incident carries it: its parts through the run's secret register.
  const failed = error && `${error.code}: ${ctx.secrets.redact(error.message)}`;
  const fix = error?.hint && ctx.secrets.redact(error.hint);
  const sent = recorder.requests.slice(before).sort((a, b) => a.path.localeCompare(b.path));
  return { outcome: error?.code ?? 'ok', failed, fix, sent, log: ctx.log.lines };
}

/** What was sent, as the services receive it: method, path, the headers that matter, the body. */
const shape = (r: Recorded) => ({
  method: r.method,
  path: r.path,
  headers: {
    'content-type': r.headers['content-type'],
    'user-agent': r.headers['user-agent'],
    authorization: r.headers.authorization,
  },
  body: r.body,
});
const PD_HEADERS = { 'content-type': 'application/json', 'user-agent': 'dbops', authorization: undefined };
const OG_HEADERS = {
  'content-type': 'application/json',
  'user-agent': 'dbops',
  authorization: `GenieKey ${GENIE_KEY}`,
};

test('one incident per job: triggered, re-triggered on a repeat (paging services only), updated on another error, resolved by the recovery', async () => {
  const state = { 'alert-state': join(work, 'state'), 'alert-key': 'backup-prod' };
  const first = await run('refused', state);
  expect(first.outcome).toBe('CONNECTION_FAILED');
  expect(first.failed).toMatch(/^CONNECTION_FAILED: .*password authentication failed/);
  const since = JSON.parse(
    await readFile(join(work, 'state', 'backup-prod', (await readdir(join(work, 'state', 'backup-prod')))[0]!), 'utf8'),
  ).failing.since;
  const summary = `dbops backup failed in acme/shop (run 7): ${first.failed}`;
  const details = (failed: string, fix: string | undefined, runs: number) => ({
    action: 'backup',
    'alert-key': 'backup-prod',
    error: failed,
    ...(fix ? { fix } : {}),
    'failed runs': runs,
    'failing since': since,
  });
  expect(first.sent.map(shape)).toEqual([
    {
      method: 'POST',
      path: '/og/v2/alerts',
      headers: OG_HEADERS,
      body: {
        message: summary.slice(0, 130),
        alias: 'dbops:backup-prod:failed',
        description: `${summary}\nRun: ${RUN_URL}`,
        priority: 'P1',
        source: 'acme/shop',
        entity: 'backup',
        tags: ['dbops', 'CONNECTION_FAILED', 'critical'],
        details: Object.fromEntries(
          Object.entries(details(first.failed!, first.fix, 1)).map(([k, v]) => [k, String(v)]),
        ),
      },
    },
    pagerDutyTrigger(summary, details(first.failed!, first.fix, 1)),
  ]);
  expect(first.log).toContain('info: PagerDuty: trigger dbops:backup-prod:failed (critical)');

  // The same error again: only the paging services are sent the same trigger again (one incident still: the same
  // key), so an incident resolved meanwhile (by hand, or by another job under the same key) is opened again.
  const repeat = await run('refused', state);
  expect(repeat.outcome).toBe('CONNECTION_FAILED');
  expect(requestsOf(repeat.sent)).toEqual(RETRIGGER);
  expect(repeat.sent.map((r) => r.body.dedup_key ?? r.body.alias)).toEqual([
    'dbops:backup-prod:failed',
    'dbops:backup-prod:failed',
  ]);

  // Another error: PagerDuty gets a trigger with the same dedup key, Opsgenie its priority and a note.
  const changed = await run('missing', state);
  expect(changed.failed).toMatch(/^CONNECTION_FAILED: .*does not exist/);
  const changedSummary = `dbops backup failed in acme/shop (run 7) with another error: ${changed.failed}`;
  expect(changed.sent.map(shape)).toEqual([
    {
      method: 'POST',
      path: `/og/v2/alerts/${ALIAS}/notes?identifierType=alias`,
      headers: OG_HEADERS,
      body: { source: 'dbops', note: `The error changed (3 failed runs since ${since}): ${changed.failed}` },
    },
    {
      method: 'PUT',
      path: `/og/v2/alerts/${ALIAS}/priority?identifierType=alias`,
      headers: OG_HEADERS,
      body: { priority: 'P1' },
    },
    pagerDutyTrigger(changedSummary, details(changed.failed!, changed.fix, 3)),
  ]);
  // The note follows the priority on Opsgenie's side.
  const og = recorder.requests.filter((r) => r.path.startsWith('/og/')).map((r) => r.method);
  expect(og).toEqual(['POST', 'POST', 'PUT', 'POST']);

  // The recovery resolves both.
  const recovered = await run('ok', state);
  expect(recovered.outcome).toBe('ok');
  expect(recovered.sent.map(shape)).toEqual(resolvesBoth('3 failed runs', since));

  // A success after a success: nothing.
  expect((await run('ok', state)).sent).toEqual([]);

  // The keys are nowhere in the state or the logs; the password neither.
  const files = await readdir(join(work, 'state', 'backup-prod'));
  const texts = await Promise.all(files.map((f) => readFile(join(work, 'state', 'backup-prod', f), 'utf8')));
  for (const text of [...texts, ...first.log, ...changed.log, ...recovered.log]) {
    expect(text).not.toContain(ROUTING_KEY);
    expect(text).not.toContain(GENIE_KEY);
    expect(text).not.toContain('s3cret');
  }
  // A key travels only where its service reads it: PagerDuty's in routing_key, Opsgenie's in the header.
  for (const { body } of recorder.requests) {
    const { routing_key, ...rest } = body;
    expect([undefined, ROUTING_KEY]).toContain(routing_key);
    for (const secret of [ROUTING_KEY, GENIE_KEY, 's3cret']) expect(JSON.stringify(rest)).not.toContain(secret);
  }
});

/** The state the lifecycle keeps, as the newest object under alert-state/<key> holds it. */
async function keptState(key: string) {
  const dir = join(work, 'state', key);
  const files = (await readdir(dir)).sort();
  return JSON.parse(await readFile(join(dir, files.at(-1)!), 'utf8'));
}

test('a page lost to a paging service that was down is sent by the next run, and Slack is not sent it again', async () => {
  const down = await closedPort();
  const state = { 'alert-state': join(work, 'state'), 'alert-key': 'backup-prod' };
  const slack = { 'notify-slack': `${service}/slack/T0/B0/x` };
  // Run 1: both paging services and Slack are down. The run fails as it would without them; they only warn.
  const lost = await run('refused', {
    ...state,
    'pagerduty-url': `${down}/pd`,
    'opsgenie-url': `${down}/og/`,
    'notify-slack': `${down}/slack/T0/B0/x`,
  });
  expect(lost.outcome).toBe('CONNECTION_FAILED');
  expect(lost.sent).toEqual([]);
  for (const service of ['PagerDuty', 'Opsgenie'])
    expect(lost.log).toContainEqual(
      expect.stringMatching(
        new RegExp(`^warn: Could not send trigger dbops:backup-prod:failed to ${service}: ${service}: request failed`),
      ),
    );
  expect(lost.log).toContainEqual(expect.stringMatching(/^warn: Could not send the alert via Slack: /));
  const since = (await keptState('backup-prod')).failing.since;
  // What the state keeps: the streak, and no channel told of it. No key, no URL.
  expect(await keptState('backup-prod')).toEqual({
    version: 2,
    failing: { since, runs: 1, error: lost.failed },
    told: {},
  });

  // Run 2: the services are back and the backup still fails: the trigger the first run lost goes out now.
  const resent = await run('refused', { ...state, ...slack });
  expect(resent.outcome).toBe('CONNECTION_FAILED');
  const summary = `dbops backup failed in acme/shop (run 7): ${resent.failed}`;
  const details = {
    action: 'backup',
    'alert-key': 'backup-prod',
    error: resent.failed,
    ...(resent.fix ? { fix: resent.fix } : {}),
    'failed runs': 2,
    'failing since': since,
  };
  expect(resent.sent.filter((r) => !r.path.startsWith('/slack')).map(shape)).toEqual([
    {
      method: 'POST',
      path: '/og/v2/alerts',
      headers: OG_HEADERS,
      body: {
        message: summary.slice(0, 130),
        alias: 'dbops:backup-prod:failed',
        description: `${summary}\nRun: ${RUN_URL}`,
        priority: 'P1',
        source: 'acme/shop',
        entity: 'backup',
        tags: ['dbops', 'CONNECTION_FAILED', 'critical'],
        details: Object.fromEntries(Object.entries(details).map(([k, v]) => [k, String(v)])),
      },
    },
    pagerDutyTrigger(summary, details),
  ]);
  // Slack, which shares the state, gets the failure message it missed, with the streak.
  const slackSent = resent.sent.filter((r) => r.path.startsWith('/slack'));
  expect(slackSent).toHaveLength(1);
  expect(JSON.stringify(slackSent[0]!.body)).toContain(`2 failed runs since ${since}`);
  expect(await keptState('backup-prod')).toEqual({
    version: 2,
    failing: { since, runs: 2, error: resent.failed },
    told: { slack: resent.failed, pagerduty: resent.failed, opsgenie: resent.failed },
  });

  // Run 3: still failing with the same error: every channel has it; Slack is sent nothing, the paging services the
  // same trigger again.
  const repeat = await run('refused', { ...state, ...slack });
  expect(repeat.outcome).toBe('CONNECTION_FAILED');
  expect(requestsOf(repeat.sent)).toEqual(RETRIGGER);
  expect(repeat.log).toContain(
    `info: The run failed with the error already notified (3 failed runs since ${since}): not notified again (the paging services are sent the trigger again: it keeps their incident open, or opens it again if it was resolved)`,
  );
});

test('a resolve lost to a paging service that answered 500 is sent by the next successful run, once', async () => {
  const state = { 'alert-state': join(work, 'state'), 'alert-key': 'backup-prod' };
  const failed = await run('refused', state);
  expect(failed.sent.map((r) => r.body.event_action ?? r.path)).toEqual(['/og/v2/alerts', 'trigger']);
  const since = (await keptState('backup-prod')).failing.since;

  // The backup recovers while both services answer 500: each resolve is tried (with its retries) and warns.
  answer = () => 500;
  const lost = await run('ok', state);
  expect(lost.outcome).toBe('ok');
  expect(lost.sent.length).toBeGreaterThan(0);
  expect(new Set(lost.sent.map((r) => `${r.method} ${r.path} ${r.body.event_action ?? ''}`.trim()))).toEqual(
    new Set([`POST /og/v2/alerts/${ALIAS}/close?identifierType=alias`, 'POST /pd/v2/enqueue resolve']),
  );
  for (const service of ['PagerDuty', 'Opsgenie'])
    expect(lost.log).toContain(
      `warn: Could not send resolve dbops:backup-prod:failed to ${service}: ${service}: HTTP 500 {"status":"success"}`,
    );
  // The state still owes both services the recovery of the streak that ended.
  expect(await keptState('backup-prod')).toEqual({
    version: 2,
    told: { pagerduty: failed.failed, opsgenie: failed.failed },
    recovered: { since, runs: 1, error: failed.failed },
  });

  // The next successful run, with the services back, resolves both, naming the streak that ended.
  answer = () => 202;
  const resolved = await run('ok', state);
  expect(resolved.outcome).toBe('ok');
  expect(resolved.sent.map(shape)).toEqual(resolvesBoth('1 failed run', since));
  expect(await keptState('backup-prod')).toEqual({ version: 2, told: {} });

  // And once only.
  expect((await run('ok', state)).sent).toEqual([]);
});

test('the next run decides: a failure never delivered ends quietly; a lost update is sent, a lost trigger to one service too', async () => {
  const down = await closedPort();
  const state = { 'alert-state': join(work, 'state') };
  // A trigger that never reached anyone, then a success: no page for a failure that is over, no resolve.
  await run('refused', { ...state, 'pagerduty-url': `${down}/pd`, 'opsgenie-url': `${down}/og/` });
  const quiet = await run('ok', state);
  expect(quiet.sent).toEqual([]);
  expect(quiet.log).toContain(
    'info: The run succeeded after a failure that no channel was notified of (a maintenance window or a channel that was down held it back): nothing to resolve',
  );

  // PagerDuty takes the trigger, Opsgenie is down; then another error with PagerDuty down and Opsgenie back.
  const first = await run('refused', { ...state, 'opsgenie-url': `${down}/og/` });
  expect(first.sent.map((r) => `${r.path} ${r.body.event_action}`)).toEqual(['/pd/v2/enqueue trigger']);
  const changed = await run('missing', { ...state, 'pagerduty-url': `${down}/pd` });
  // Opsgenie was never told: it gets the trigger, with the error as it is now.
  expect(changed.sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /og/v2/alerts']);
  expect(changed.sent[0]!.body.message).toBe(
    `dbops backup failed in acme/shop (run 7): ${changed.failed}`.slice(0, 130),
  );
  // Both up, the same new error: PagerDuty gets the update it missed, Opsgenie the trigger it has, again.
  const caughtUp = await run('missing', state);
  expect(requestsOf(caughtUp.sent)).toEqual(RETRIGGER);
  expect(caughtUp.sent[1]!.body.payload.summary).toBe(
    `dbops backup failed in acme/shop (run 7) with another error: ${caughtUp.failed}`,
  );
  expect(caughtUp.sent[1]!.body.payload.custom_details['failed runs']).toBe(3);
  expect(requestsOf((await run('missing', state)).sent)).toEqual(RETRIGGER);
});

test('a state kept by an earlier version (no delivery record) still loads: its recovery resolves both services', async () => {
  const dir = join(work, 'state', 'backup');
  await mkdir(dir, { recursive: true });
  const error = 'CONNECTION_FAILED: Cannot connect to db:5432: connection refused';
  await writeFile(
    join(dir, '2026-12-01T00-00-00-000Z.json'),
    JSON.stringify({ version: 1, failing: { since: '2026-12-01T00:00:00.000Z', runs: 4, error, notified: error } }),
  );
  const recovered = await run('ok', { 'alert-state': join(work, 'state') });
  expect(recovered.sent.map((r) => `${r.method} ${r.path} ${r.body.event_action ?? ''}`.trim())).toEqual([
    `POST /og/v2/alerts/${encodeURIComponent(DEFAULT_KEY)}/close?identifierType=alias`,
    'POST /pd/v2/enqueue resolve',
  ]);
  expect(recovered.sent[0]!.body.note).toBe(
    'Resolved: dbops backup recovered in acme/shop (run 7) after 4 failed runs since 2026-12-01T00:00:00.000Z',
  );
  expect(recovered.log.filter((l) => l.startsWith('warn:') && l.includes('alert state'))).toEqual([]);
});

test('inside a maintenance window nothing pages; the first failed run after it does', async () => {
  const state = { 'alert-state': join(work, 'state') };
  const quiet = await run('refused', { ...state, 'maintenance-window': NOW_WINDOW });
  expect(quiet.outcome).toBe('CONNECTION_FAILED');
  expect(quiet.sent).toEqual([]);

  const after = await run('refused', { ...state, 'maintenance-window': LATER_WINDOW });
  expect(after.sent.map((r) => [r.method, r.path, r.body.event_action])).toEqual([
    ['POST', '/og/v2/alerts', undefined],
    ['POST', '/pd/v2/enqueue', 'trigger'],
  ]);
  // Without alert-key the key is the repository and the action's name; the streak counts the held run.
  expect(after.sent[1]!.body.dedup_key).toBe(DEFAULT_KEY);
  expect(after.sent[0]!.body.alias).toBe(DEFAULT_KEY);
  expect(after.sent[1]!.body.payload.custom_details['failed runs']).toBe(2);
});

test('an Opsgenie alert closed by hand is opened afresh by the next update', async () => {
  const state = { 'alert-state': join(work, 'state') };
  await run('refused', state);
  answer = (r) => (r.method === 'PUT' ? 404 : 202);
  const changed = await run('missing', state);
  expect(changed.sent.map((r) => `${r.method} ${r.path}`)).toEqual([
    'POST /og/v2/alerts',
    `PUT /og/v2/alerts/${encodeURIComponent(DEFAULT_KEY)}/priority?identifierType=alias`,
    'POST /pd/v2/enqueue',
  ]);
  expect(changed.sent[0]!.body).toMatchObject({
    alias: DEFAULT_KEY,
    message: `dbops backup failed in acme/shop (run 7) with another error: ${changed.failed}`.slice(0, 130),
  });
  expect(changed.log.some((l) => l.startsWith('warn:'))).toBe(false);
});

test('a stale backup growing older messages once and keeps one incident: its age and backup id are not another error', async () => {
  const freshness = withNotifications(checkFreshnessDefinition);
  const backups = join(work, 'backups');
  const dump = { compression: 'gzip' as const, compressionLevel: 1, recipients: [], scope: FULL_SCOPE, pgDumpArgs: [] };
  /** A real backup of `name`, dated `hours` ago: its id and age follow the clock. */
  const takeAt = (name: string, hours: number) =>
    takeBackup({
      ...dump,
      target: parsePgTarget({ url: pg.url() }),
      to: backups,
      name,
      exactCountMaxBytes: 1 << 20,
      env: process.env,
      secrets: new Secrets(),
      log: new MemoryLogger(),
      clock: () => new Date(Date.now() - hours * 3_600_000),
    });
  const check = async () => {
    const before = recorder.requests.length;
    const ctx = context();
    const report = await freshness.run(
      {
        from: backups,
        'max-age': '26h',
        'notify-slack': `${service}/slack`,
        'pagerduty-routing-key': ROUTING_KEY,
        'pagerduty-url': `${service}/pd`,
        'opsgenie-api-key': GENIE_KEY,
        'opsgenie-url': `${service}/og/`,
        'alert-state': join(work, 'state'),
        'alert-key': 'freshness-prod',
      },
      ctx,
    );
    const failure = report.failure as DbopsError;
    const sent = recorder.requests.slice(before).sort((a, b) => a.path.localeCompare(b.path));
    return { failed: `${failure.code}: ${failure.message}`, hint: failure.hint, sent, log: ctx.log.lines };
  };

  const first = (await takeAt('prod', 27)).manifest.backupId;
  const stale = await check();
  expect(stale.failed).toBe(
    `CHECK_FAILED: The newest backup of prod (postgres), ${first}, is 27 h 0 min old (limit 26 h 0 min)`,
  );
  const since = (await keptState('freshness-prod')).failing.since;
  expect(stale.sent.map((r) => `${r.method} ${r.path}`)).toEqual([
    'POST /og/v2/alerts',
    'POST /pd/v2/enqueue',
    'POST /slack',
  ]);
  expect(stale.sent[1]!.body).toEqual({
    routing_key: ROUTING_KEY,
    event_action: 'trigger',
    dedup_key: 'dbops:freshness-prod:failed',
    payload: {
      summary: `dbops check-freshness failed in acme/shop (run 7): ${stale.failed}`,
      severity: 'critical',
      source: 'acme/shop',
      component: 'check-freshness',
      group: 'dbops',
      class: 'CHECK_FAILED',
      custom_details: {
        action: 'check-freshness',
        'alert-key': 'freshness-prod',
        error: stale.failed,
        fix: stale.hint,
        'failed runs': 1,
        'failing since': since,
      },
    },
    client: 'dbops',
    client_url: RUN_URL,
    links: [{ href: RUN_URL, text: 'Workflow run' }],
  });

  // The next run: the newest backup is another one, of another age, and still too old: the same failure.
  const second = (await takeAt('prod', 26.5)).manifest.backupId;
  const older = await check();
  expect(older.failed).toBe(
    `CHECK_FAILED: The newest backup of prod (postgres), ${second}, is 26 h 30 min old (limit 26 h 0 min)`,
  );
  // Slack is sent nothing; the paging services the same trigger again (one incident, its age not another error).
  expect(older.sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /og/v2/alerts', 'POST /pd/v2/enqueue']);
  expect(older.sent[1]!.body.payload.summary).toBe(
    `dbops check-freshness failed in acme/shop (run 7): ${older.failed}`,
  );
  expect(older.log.some((l) => /error already notified \(2 failed runs since .+\): not notified again/.test(l))).toBe(
    true,
  );

  // Another name goes stale as well: that is another error, sent as an update.
  await takeAt('staging', 30);
  const more = await check();
  expect(more.failed).toMatch(
    /^CHECK_FAILED: The newest backup of staging .+, is 30 h 0 min old .+; the newest backup of prod /,
  );
  expect(more.sent.map((r) => `${r.method} ${r.path} ${r.body.event_action ?? ''}`.trim())).toEqual([
    `POST /og/v2/alerts/${encodeURIComponent('dbops:freshness-prod:failed')}/notes?identifierType=alias`,
    `PUT /og/v2/alerts/${encodeURIComponent('dbops:freshness-prod:failed')}/priority?identifierType=alias`,
    'POST /pd/v2/enqueue trigger',
    'POST /slack',
  ]);
  expect(JSON.stringify(more.sent[3]!.body)).toContain('The error changed; 3 failed runs');
});

test('without alert-state every failed run outside a window triggers, and a success sends nothing', async () => {
  const runs = [
    await run('refused'),
    await run('refused', { 'maintenance-window': NOW_WINDOW }),
    await run('missing'),
    await run('ok'),
  ];
  expect(runs.map((r) => r.outcome)).toEqual(['CONNECTION_FAILED', 'CONNECTION_FAILED', 'CONNECTION_FAILED', 'ok']);
  expect(runs.map((r) => r.sent.map((s) => `${s.method} ${s.path} ${s.body.event_action ?? ''}`.trim()))).toEqual([
    ['POST /og/v2/alerts', 'POST /pd/v2/enqueue trigger'],
    [],
    ['POST /og/v2/alerts', 'POST /pd/v2/enqueue trigger'],
    [],
  ]);
  // Same job, same key: the services merge the triggers into one incident. No streak without state.
  expect(new Set(recorder.requests.map((r) => r.body.dedup_key ?? r.body.alias))).toEqual(new Set([DEFAULT_KEY]));
  expect(runs[2]!.sent[1]!.body.payload.custom_details).toEqual({
    action: 'backup',
    'alert-key': 'backup',
    error: runs[2]!.failed,
    ...(runs[2]!.fix ? { fix: runs[2]!.fix } : {}),
  });
});

test('through the command line: a paging service that is down warns, the exit code stays, the keys stay secret', async () => {
  const down = await closedPort();
  const state = join(work, 'state');
  const args = (url: string) => [
    'backup',
    '--database-url',
    url,
    '--to',
    join(work, 'backups'),
    '--alert-state',
    state,
  ];
  const plainFailed = await runCli(args(urlFor('refused')));
  await rm(state, { recursive: true, force: true });
  // The keys come from the environment, as a scheduled job passes them; Opsgenie is down, PagerDuty answers.
  const env = {
    DBOPS_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    DBOPS_PAGERDUTY_URL: service,
    DBOPS_OPSGENIE_API_KEY: GENIE_KEY,
    DBOPS_OPSGENIE_URL: down,
  };
  const failed = await runCli(args(urlFor('refused')), env);
  expect(plainFailed.code).not.toBe(0);
  expect(failed.code).toBe(plainFailed.code);
  expect(failed.stderr).toMatch(
    /warning: Could not send trigger dbops:backup:failed to Opsgenie: Opsgenie: request failed/,
  );
  expect(failed.stderr).toContain('PagerDuty: trigger dbops:backup:failed (critical)');
  // Outside GitHub the incident names the host it ran on.
  expect(recorder.requests).toHaveLength(1);
  expect(recorder.requests[0]!.body.payload.summary).toMatch(/^dbops backup failed on \S+: CONNECTION_FAILED: /);

  const ok = await runCli(args(urlFor('ok')), { ...env, DBOPS_PAGERDUTY_URL: down });
  expect(ok.code).toBe(0);
  expect(ok.stderr).toMatch(
    /warning: Could not send resolve dbops:backup:failed to PagerDuty: PagerDuty: request failed/,
  );
  // Opsgenie never took the trigger, so it has no incident to resolve: it is sent nothing.
  expect(ok.stderr).not.toMatch(/Opsgenie/);

  const stateTexts = await Promise.all(
    (await readdir(join(state, 'backup'))).map((f) => readFile(join(state, 'backup', f), 'utf8')),
  );
  for (const text of [failed.stdout, failed.stderr, ok.stdout, ok.stderr, ...stateTexts]) {
    expect(text).not.toContain(ROUTING_KEY);
    expect(text).not.toContain(GENIE_KEY);
  }
});

test('a bad paging URL is refused before the run, naming the input', async () => {
  const error = await backup
    .run(
      {
        'database-url': pg.url(),
        to: join(work, 'backups'),
        'pagerduty-routing-key': ROUTING_KEY,
        'pagerduty-url': 'ftp://events.example',
      },
      context(),
    )
    .catch((e: unknown) => e as DbopsError);
  expect(error).toBeInstanceOf(DbopsError);
  expect((error as DbopsError).code).toBe('INVALID_INPUT');
  expect((error as DbopsError).message).toContain("'pagerduty-url'");
  expect(JSON.stringify(error)).not.toContain(ROUTING_KEY);
  expect(await readdir(work)).toEqual([]);
});

/** The two requests that resolve the incident on Opsgenie and PagerDuty, naming the streak that ended. */
function resolvesBoth(streak: string, since: string) {
  return [
    {
      method: 'POST',
      path: `/og/v2/alerts/${ALIAS}/close?identifierType=alias`,
      headers: OG_HEADERS,
      body: {
        source: 'dbops',
        note: `Resolved: dbops backup recovered in acme/shop (run 7) after ${streak} since ${since}`,
      },
    },
    {
      method: 'POST',
      path: '/pd/v2/enqueue',
      headers: PD_HEADERS,
      body: { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'dbops:backup-prod:failed' },
    },
  ];
}

/** The PagerDuty event that triggers (or, with a new summary, updates) the backup's incident. */
function pagerDutyTrigger(summary: string, customDetails: unknown) {
  return {
    method: 'POST',
    path: '/pd/v2/enqueue',
    headers: PD_HEADERS,
    body: {
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'dbops:backup-prod:failed',
      payload: {
        summary,
        severity: 'critical',
        source: 'acme/shop',
        component: 'backup',
        group: 'dbops',
        class: 'CONNECTION_FAILED',
        custom_details: customDetails,
      },
      client: 'dbops',
      client_url: RUN_URL,
      links: [{ href: RUN_URL, text: 'Workflow run' }],
    },
  };
}

test('two repositories on one paging service: one recovering never silences the other', async () => {
  const shop = { 'alert-state': join(work, 'shop') };
  const billing = { 'alert-state': join(work, 'billing') };
  const keys = (sent: Recorded[]) => sent.map((r) => `${r.body.event_action ?? r.path} ${r.body.dedup_key ?? ''}`);
  // Both fail with their default alert-key: each repository has its own incident.
  expect((await run('refused', shop, 'acme/shop')).sent[1]!.body.dedup_key).toBe('dbops:acme/shop:backup:failed');
  expect((await run('refused', billing, 'acme/billing')).sent[1]!.body.dedup_key).toBe(
    'dbops:acme/billing:backup:failed',
  );
  // acme/shop recovers: only its own incident is resolved.
  const recovered = await run('ok', shop, 'acme/shop');
  expect(keys(recovered.sent)).toEqual([
    `/og/v2/alerts/${encodeURIComponent('dbops:acme/shop:backup:failed')}/close?identifierType=alias `,
    'resolve dbops:acme/shop:backup:failed',
  ]);

  // The same alert-key given in both (one key, one incident): shop's recovery resolves it while billing still fails;
  // billing's next failed run, a repeat of what it already sent, triggers it again, so it is paged, not silenced.
  const shared = { 'alert-key': 'backup-prod' };
  await run('refused', { ...shop, ...shared }, 'acme/shop');
  await run('refused', { ...billing, ...shared }, 'acme/billing');
  expect(keys((await run('ok', { ...shop, ...shared }, 'acme/shop')).sent)).toEqual([
    `/og/v2/alerts/${ALIAS}/close?identifierType=alias `,
    'resolve dbops:backup-prod:failed',
  ]);
  const again = await run('refused', { ...billing, ...shared }, 'acme/billing');
  expect(again.log).toContainEqual(expect.stringMatching(/error already notified .*: not notified again/));
  expect(keys(again.sent)).toEqual(['/og/v2/alerts ', 'trigger dbops:backup-prod:failed']);
  expect(again.sent[0]!.body.alias).toBe('dbops:backup-prod:failed');
});
