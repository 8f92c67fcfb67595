// An action's failure as a PagerDuty/Opsgenie incident: the event the lifecycle's notice becomes, and the exact
// bodies the two services are sent for it.
import { failureIncident, failureSeverity, opsgenieNoteRequest, opsgenieRequest, pagerDutyPayload } from '@dbops/core';

const github = { repository: 'acme/shop', runId: '42', runUrl: 'https://github.com/acme/shop/actions/runs/42' };
const error = {
  code: 'CONNECTION_FAILED',
  message: 'Cannot connect to db.internal:5432: password authentication failed for user "app"',
  hint: 'check the password in database-url',
};

test('a first failure triggers one incident per job, naming the action, the run and the error', () => {
  const event = failureIncident({
    action: 'migrate-deploy',
    alertKey: 'deploy-prod',
    notice: 'failure',
    error,
    place: github,
    streak: { runs: 1, since: '2026-12-06T01:00:00.000Z' },
  });
  expect(event).toEqual({
    action: 'trigger',
    key: 'dbops:deploy-prod:failed',
    severity: 'error',
    summary: `dbops migrate-deploy failed in acme/shop (run 42): CONNECTION_FAILED: ${error.message}`,
    source: 'acme/shop',
    component: 'migrate-deploy',
    class: 'CONNECTION_FAILED',
    details: {
      action: 'migrate-deploy',
      'alert-key': 'deploy-prod',
      error: `CONNECTION_FAILED: ${error.message}`,
      fix: error.hint,
      'failed runs': 1,
      'failing since': '2026-12-06T01:00:00.000Z',
    },
    link: github.runUrl,
  });
  expect(pagerDutyPayload('RK', event)).toMatchObject({
    event_action: 'trigger',
    dedup_key: 'dbops:deploy-prod:failed',
    payload: { severity: 'error', group: 'dbops' },
    client_url: github.runUrl,
  });
  expect(opsgenieRequest(event)).toMatchObject({
    method: 'POST',
    path: '/v2/alerts',
    body: { alias: 'dbops:deploy-prod:failed', priority: 'P2', tags: ['dbops', 'CONNECTION_FAILED', 'error'] },
  });
});

test('a missed backup is critical (P1), any other failed action an error (P2)', () => {
  expect(failureSeverity('backup')).toBe('critical');
  expect(failureSeverity('check-freshness')).toBe('critical');
  for (const action of ['restore-test', 'migrate-deploy', 'retention-purge', 'maintenance'])
    expect(failureSeverity(action)).toBe('error');
  const backup = failureIncident({ action: 'backup', alertKey: 'backup', notice: 'failure', error, place: github });
  expect(opsgenieRequest(backup).body).toMatchObject({ priority: 'P1' });
});

test('another error is an update with a note; the recovery resolves; outside GitHub the host names the place', () => {
  const streak = { runs: 3, since: '2026-12-06T01:00:00.000Z' };
  const update = failureIncident({
    action: 'backup',
    alertKey: 'backup-prod',
    notice: 'update',
    error: { code: 'DUMP_FAILED', message: 'pg_dump exited with code 1' },
    place: { host: 'cron-1' },
    streak,
  });
  expect(update).toMatchObject({
    action: 'update',
    summary: 'dbops backup failed on cron-1 with another error: DUMP_FAILED: pg_dump exited with code 1',
    source: 'cron-1',
    note: 'The error changed (3 failed runs since 2026-12-06T01:00:00.000Z): DUMP_FAILED: pg_dump exited with code 1',
  });
  expect(update.link).toBeUndefined();
  // PagerDuty has no update event: a trigger with the same dedup key.
  expect(pagerDutyPayload('RK', update)).toMatchObject({
    event_action: 'trigger',
    dedup_key: 'dbops:backup-prod:failed',
  });
  expect(opsgenieRequest(update)).toEqual({
    method: 'PUT',
    path: '/v2/alerts/dbops%3Abackup-prod%3Afailed/priority?identifierType=alias',
    body: { priority: 'P1' },
  });
  expect(opsgenieNoteRequest(update.key, update.note!)).toEqual({
    method: 'POST',
    path: '/v2/alerts/dbops%3Abackup-prod%3Afailed/notes?identifierType=alias',
    body: { source: 'dbops', note: update.note },
  });

  const resolve = failureIncident({
    action: 'backup',
    alertKey: 'backup-prod',
    notice: 'recovery',
    error: { code: 'DUMP_FAILED', message: 'pg_dump exited with code 1' },
    place: github,
    streak,
  });
  expect(resolve.summary).toBe(
    'dbops backup recovered in acme/shop (run 42) after 3 failed runs since 2026-12-06T01:00:00.000Z',
  );
  expect(pagerDutyPayload('RK', resolve)).toEqual({
    routing_key: 'RK',
    event_action: 'resolve',
    dedup_key: 'dbops:backup-prod:failed',
  });
  expect(opsgenieRequest(resolve)).toEqual({
    method: 'POST',
    path: '/v2/alerts/dbops%3Abackup-prod%3Afailed/close?identifierType=alias',
    body: { source: 'dbops', note: `Resolved: ${resolve.summary}` },
  });
});
