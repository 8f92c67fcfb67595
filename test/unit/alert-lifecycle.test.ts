// The incident lifecycle as pure functions: random runs (findings coming and going, failed deliveries, windows,
// a clock moving on) checked against what a person on call expects: one page per finding, a resolve when it clears,
// nothing while it persists, nothing during maintenance, never more than the rate limit.
import fc from 'fast-check';
import {
  type AlertAction,
  type AlertRun,
  type AlertState,
  type CurrentAlert,
  parseAlertState,
  planAlerts,
  settleAlerts,
} from '../../packages/core/src/monitor/alert-lifecycle.js';
import { InputReader } from '../../packages/core/src/definitions/read-inputs.js';
import {
  DEFAULT_TEMPLATE,
  parseIncidentTemplate,
  renderTemplate,
} from '../../packages/core/src/monitor/incident-template.js';
import {
  INCIDENT_INPUTS,
  readIncidentTargets,
  readMaintenanceWindow,
} from '../../packages/core/src/definitions/incident-inputs.js';

const CHECKS = ['a', 'b', 'c', 'd'];
const T0 = Date.parse('2026-12-06T00:00:00Z');

const finding = (check: string, severity: 'critical' | 'warning'): CurrentAlert => ({
  key: `dbops:shop:${check}`,
  check,
  severity,
});

interface Step {
  findings: CurrentAlert[];
  unknown: string[];
  maintenance: boolean;
  /** Minutes since the previous run. */
  gap: number;
  /** Indexes of planned actions whose delivery fails. */
  failing: number[];
}

const step: fc.Arbitrary<Step> = fc.record({
  findings: fc
    .uniqueArray(fc.constantFrom(...CHECKS), { maxLength: 4 })
    .chain((checks) =>
      fc.tuple(...checks.map((c) => fc.constantFrom('critical', 'warning').map((s) => finding(c, s as 'critical')))),
    ),
  unknown: fc.uniqueArray(fc.constantFrom(...CHECKS), { maxLength: 2 }),
  maintenance: fc.boolean(),
  gap: fc.integer({ min: 1, max: 90 }),
  failing: fc.uniqueArray(fc.nat(12), { maxLength: 3 }),
});

/** A check that could not run has no findings in its report. */
function consistent(s: Step): Step {
  return { ...s, findings: s.findings.filter((f) => !s.unknown.includes(f.check)) };
}

interface Simulated {
  run: AlertRun;
  actions: AlertAction[];
  delivered: AlertAction[];
  deferred: AlertAction[];
  before: AlertState | undefined;
  after: AlertState;
}

function simulate(steps: Step[], base: Partial<AlertRun> = {}): Simulated[] {
  let state: AlertState | undefined;
  let now = T0;
  return steps.map((raw) => {
    const s = consistent(raw);
    now += s.gap * 60_000;
    const run: AlertRun = {
      now: new Date(now),
      findings: s.findings,
      unknownChecks: s.unknown,
      maintenance: s.maintenance,
      channels: ['pagerduty', 'opsgenie'],
      ...base,
    };
    const plan = planAlerts(state, run);
    const delivered = plan.actions.filter((_, i) => !s.failing.includes(i));
    // A state survives its JSON round trip through the history store.
    const after = parseAlertState(JSON.parse(JSON.stringify(settleAlerts(state, run, delivered))))!;
    const out = { run, actions: plan.actions, delivered, deferred: plan.deferred, before: state, after };
    state = after;
    return out;
  });
}

const steps = fc.array(step, { minLength: 1, maxLength: 25 });

describe('planAlerts and settleAlerts', () => {
  it('run 1 triggers, run 2 sends nothing, a severity change updates, run 4 resolves, run 5 sends nothing', () => {
    const runs = simulate([
      { findings: [finding('a', 'warning')], unknown: [], maintenance: false, gap: 30, failing: [] },
      { findings: [finding('a', 'warning')], unknown: [], maintenance: false, gap: 30, failing: [] },
      { findings: [finding('a', 'critical')], unknown: [], maintenance: false, gap: 30, failing: [] },
      { findings: [], unknown: [], maintenance: false, gap: 30, failing: [] },
      { findings: [], unknown: [], maintenance: false, gap: 30, failing: [] },
    ]);
    const kinds = runs.map((r) => r.actions.map((a) => `${a.kind} ${a.channel} ${a.severity}`));
    expect(kinds).toEqual([
      ['trigger pagerduty warning', 'trigger opsgenie warning'],
      [],
      ['update pagerduty critical', 'update opsgenie critical'],
      ['resolve pagerduty critical', 'resolve opsgenie critical'],
      [],
    ]);
    expect(runs[4]!.after).toEqual({ version: 1, open: {}, sent: {} });
  });

  it('while every delivery succeeds, the channels know exactly the findings of the last run, at their severity', () => {
    fc.assert(
      fc.property(steps, (list) => {
        const runs = simulate(list.map((s) => ({ ...s, failing: [], maintenance: false })));
        for (const r of runs) {
          const told = Object.fromEntries(
            Object.entries(r.after.open)
              .filter(([, rec]) => Object.keys(rec.channels).length > 0)
              .map(([key, rec]) => [key, rec.channels]),
          );
          const expected: Record<string, Record<string, string>> = {};
          for (const f of r.run.findings) expected[f.key] = { pagerduty: f.severity, opsgenie: f.severity };
          // An alert whose check could not run stays as the channels last heard it.
          for (const [key, rec] of Object.entries(r.before?.open ?? {}))
            if (r.run.unknownChecks.includes(rec.check) && Object.keys(rec.channels).length > 0)
              expected[key] = rec.channels;
          expect(told).toEqual(expected);
        }
      }),
    );
  });

  it('triggers a channel once per appearance of a finding, and resolves only what that channel was told', () => {
    fc.assert(
      fc.property(steps, (list) => {
        const runs = simulate(list);
        for (const r of runs) {
          for (const a of r.actions) {
            const told = r.before?.open[a.key]?.channels[a.channel];
            if (a.kind === 'trigger') expect(told).toBeUndefined();
            if (a.kind === 'update' || a.kind === 'resolve') expect(told).toBeDefined();
            if (a.kind === 'resolve') {
              expect(r.run.findings.some((f) => f.key === a.key)).toBe(false);
              expect(r.run.unknownChecks).not.toContain(a.check);
            }
          }
          const keys = r.actions.map((a) => `${a.kind} ${a.channel} ${a.key}`);
          expect(new Set(keys).size).toBe(keys.length);
        }
      }),
    );
  });

  it('pages nobody inside a maintenance window, and pages what persists on the first run after it', () => {
    fc.assert(
      fc.property(steps, (list) => {
        const runs = simulate(list.map((s) => ({ ...s, failing: [] })));
        for (const [i, r] of runs.entries()) {
          if (r.run.maintenance) {
            expect(r.actions.filter((a) => a.kind !== 'resolve')).toEqual([]);
            continue;
          }
          // Out of the window, every finding no channel has heard of is triggered on every channel.
          for (const f of r.run.findings)
            for (const channel of ['pagerduty', 'opsgenie'])
              if (runs[i - 1]?.after.open[f.key]?.channels[channel] === undefined)
                expect(r.actions).toContainEqual({ kind: 'trigger', channel, ...f });
        }
      }),
    );
  });

  it('tries a failed delivery again on the next run', () => {
    fc.assert(
      fc.property(steps, (list) => {
        const runs = simulate(list);
        for (const [i, r] of runs.entries()) {
          const next = runs[i + 1];
          if (!next || next.run.maintenance) continue;
          for (const failed of r.actions.filter((a) => !r.delivered.includes(a) && a.kind === 'trigger')) {
            const still = next.run.findings.find((f) => f.key === failed.key);
            if (still) expect(next.actions).toContainEqual({ ...failed, severity: still.severity });
          }
        }
      }),
    );
  });

  it('sends each channel at most max-alerts-per-hour triggers and updates in any hour, and defers the rest', () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: 1, max: 3 }), (list, max) => {
        const runs = simulate(
          list.map((s) => ({ ...s, gap: Math.ceil(s.gap / 6) })),
          { maxPerHour: max },
        );
        const sent = runs.flatMap((r) =>
          r.delivered.filter((a) => a.kind !== 'resolve').map((a) => ({ at: r.run.now.getTime(), channel: a.channel })),
        );
        for (const s of sent) {
          const inHour = sent.filter((o) => o.channel === s.channel && o.at <= s.at && o.at > s.at - 3_600_000);
          expect(inHour.length).toBeLessThanOrEqual(max);
        }
        for (const r of runs) for (const d of r.deferred) expect(d.kind).not.toBe('resolve');
      }),
    );
  });

  it('escalates a critical finding once, when it has lasted escalate-after, and never a warning', () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: 0, max: 240 }), (list, minutes) => {
        const afterMs = minutes * 60_000;
        const runs = simulate(
          list.map((s) => ({ ...s, failing: [], maintenance: false })),
          { channels: ['opsgenie'], escalation: { channel: 'pagerduty', afterMs } },
        );
        for (const r of runs) {
          for (const a of r.actions.filter((x) => x.kind === 'escalate')) {
            expect(a.severity).toBe('critical');
            expect(r.before?.open[a.key]?.channels.pagerduty).toBeUndefined();
            const since = Date.parse(r.after.open[a.key]!.criticalSince!);
            expect(r.run.now.getTime() - since).toBeGreaterThanOrEqual(afterMs);
          }
          // The escalation channel takes nothing else first: no trigger goes to it.
          expect(r.actions.filter((a) => a.channel === 'pagerduty' && a.kind === 'trigger')).toEqual([]);
        }
      }),
    );
  });

  it('escalates after the time given, not before', () => {
    const critical = { findings: [finding('a', 'critical')], unknown: [], maintenance: false, failing: [] };
    const runs = simulate(
      [
        { ...critical, gap: 10 },
        { ...critical, gap: 30 },
        { ...critical, gap: 30 },
        { ...critical, gap: 30 },
      ],
      { channels: ['opsgenie'], escalation: { channel: 'pagerduty', afterMs: 60 * 60_000 } },
    );
    expect(runs.map((r) => r.actions.map((a) => `${a.kind} ${a.channel}`))).toEqual([
      ['trigger opsgenie'],
      [],
      ['escalate pagerduty'],
      [],
    ]);
  });

  it('reads back only a state of its own version', () => {
    expect(parseAlertState({ version: 2, open: {}, sent: {} })).toBeUndefined();
    expect(parseAlertState('x')).toBeUndefined();
    expect(parseAlertState({ version: 1, open: {} })).toEqual({ version: 1, open: {}, sent: {} });
  });
});

describe('incident inputs', () => {
  const read = (raw: Record<string, string>) => readIncidentTargets(new InputReader(INCIDENT_INPUTS, raw));
  it('reads the channels, the escalation and the limit', async () => {
    const targets = await read({
      'pagerduty-routing-key': 'R',
      'opsgenie-api-key': 'K',
      'escalate-to': 'PagerDuty',
      'escalate-after': '2h',
    });
    expect(targets.notifiers.map((n) => n.id)).toEqual(['pagerduty', 'opsgenie']);
    expect(targets).toMatchObject({ escalateTo: 'pagerduty', escalateAfterMs: 7_200_000, maxPerHour: 20 });
    expect((await read({})).notifiers).toEqual([]);
  });

  it('refuses an escalation channel without its key, and a URL that is not http(s), naming the input', async () => {
    await expect(read({ 'opsgenie-api-key': 'K', 'escalate-to': 'pagerduty' })).rejects.toMatchObject({
      message: "Input 'escalate-to' is pagerduty, which has no key set",
      hint: 'set pagerduty-routing-key too',
    });
    await expect(read({ 'pagerduty-routing-key': 'R', 'pagerduty-url': 'ftp://x' })).rejects.toMatchObject({
      message: "Input 'pagerduty-url' is not an http(s) URL",
    });
    await expect(read({ 'max-alerts-per-hour': '0' })).rejects.toMatchObject({
      message: "Input 'max-alerts-per-hour' '0' is out of range",
    });
    await expect(read({ 'alert-template': '/nonexistent/template.yml' })).rejects.toMatchObject({
      message: expect.stringContaining("Input 'alert-template' names a file that cannot be read"),
    });
  });

  it('reads the maintenance window in the syntax maintenance uses, and refuses a malformed one', () => {
    const window = (text: string) =>
      readMaintenanceWindow(new InputReader(INCIDENT_INPUTS, { 'maintenance-window': text }));
    expect(window('Sun 01:00-03:00 UTC')!.window.contains(new Date('2026-12-06T02:00:00Z'))).toBe(true);
    expect(error(() => window('Sun 25:00-03:00 UTC')).message).toContain(
      "Input 'maintenance-window' has a start time '25:00'",
    );
    expect(error(() => window('Sun 01:00-03:00 Mars/Olympus')).message).toContain("unknown time zone 'Mars/Olympus'");
  });
});

describe('incident templates', () => {
  const values = {
    name: 'shop',
    database: 'shop',
    host: 'db',
    check: 'sequence-exhaustion',
    title: 'Sequences near exhaustion',
    severity: 'critical',
    count: '2',
    findings: '2 critical findings',
    subjects: 'a, b',
    status: 'critical',
    link: '',
  };

  it('fills the placeholders; keys left out keep their default', async () => {
    const t = await parseIncidentTemplate('summary: "[{{ severity }}] {{title}} on {{name}}:\n {{subjects}}"', 't.yml');
    expect(renderTemplate(t.summary, values)).toBe('[critical] Sequences near exhaustion on shop: a, b');
    expect(t.resolved).toBe(DEFAULT_TEMPLATE.resolved);
    expect(renderTemplate(DEFAULT_TEMPLATE.summary, values)).toBe(
      'Sequences near exhaustion on shop: 2 critical findings (a, b)',
    );
  });

  it('refuses an unknown key or placeholder, naming the file and the valid ones', async () => {
    const refused = (text: string) => expect(parseIncidentTemplate(text, 't.yml')).rejects;
    await refused('summary: "{{titel}}"').toMatchObject({
      message: "Input 'alert-template' file t.yml: summary has an unknown placeholder {{titel}}",
      hint: expect.stringContaining('name, database, host, check, title, severity, count, findings, subjects'),
    });
    await refused('sumary: x').toThrow(/^Input 'alert-template' file t.yml: has an unknown key 'sumary'$/);
    await refused('summary: 3').toThrow(/^Input 'alert-template' file t.yml: summary is not a text$/);
    await refused('- a').toThrow(/^Input 'alert-template' file t.yml: is not a mapping of texts$/);
  });
});

function error(fn: () => unknown): { message: string; hint?: string } {
  try {
    fn();
  } catch (e) {
    return e as { message: string; hint?: string };
  }
  throw new Error('no error');
}
