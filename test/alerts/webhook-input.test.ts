import { startTestServer, type TestServer } from '../support/test-server';
import { amAlert, amNotification, CREATE_TOKEN, postAlertmanager, postPagerDuty } from './alertmanager-fixtures';

describe('webhook authentication and bad input', () => {
  let t: TestServer;
  let token: string;
  const valid = () => amNotification([amAlert({ alertname: 'InputCheck', team: 'core' })], { route: `{}/input-${Math.random()}` });
  const writes = async () => Number((await t.sql(`SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM alert_groups) AS n`))[0].n);

  beforeAll(async () => {
    t = await startTestServer();
    token = (await t.ok(CREATE_TOKEN, { name: 'Alertmanager', role: 'RESPONDER' }, t.admin.token)).createApiToken.token;
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 401 without a token, with a malformed one, an unknown one and a revoked one', async () => {
    expect(await postAlertmanager(t.url, undefined, valid())).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect((await postAlertmanager(t.url, 'not-a-token', valid())).status).toBe(401);
    expect((await postAlertmanager(t.url, 'sitrep_tooshort', valid())).body.message).toBe('malformed API token');
    const unknown = `sitrep_${'A'.repeat(43)}`;
    expect(await postAlertmanager(t.url, unknown, valid())).toMatchObject({ status: 401, body: { message: 'unknown API token' } });

    const doomed = (await t.ok(CREATE_TOKEN, { name: 'Doomed', role: 'RESPONDER' }, t.admin.token)).createApiToken;
    expect((await postAlertmanager(t.url, doomed.token, valid())).status).toBe(200);
    await t.ok(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: doomed.apiToken.id }, t.admin.token);
    expect(await postAlertmanager(t.url, doomed.token, valid())).toMatchObject({ status: 401, body: { message: 'API token revoked' } });
  });

  it('answers 403 to a login token and to a VIEWER API token', async () => {
    const login = await postAlertmanager(t.url, t.admin.token, valid());
    expect(login.status).toBe(403);
    expect(login.body.message).toMatch(/API token/);
    const viewer = (await t.ok(CREATE_TOKEN, { name: 'Read only', role: 'VIEWER' }, t.admin.token)).createApiToken.token;
    expect((await postAlertmanager(t.url, viewer, valid())).status).toBe(403);
  });

  it('answers 400 naming the problem for malformed JSON, a wrong version and missing fields, writing nothing', async () => {
    const before = await writes();
    const malformed = await postAlertmanager(t.url, token, '{"version": "4", "groupKey": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^malformed JSON/);

    const v3 = await postAlertmanager(t.url, token, { ...valid(), version: '3' });
    expect(v3.status).toBe(400);
    expect(v3.body.message).toContain('version must be "4"');

    const { groupKey: _g, alerts: _a, ...bare } = valid();
    const missing = await postAlertmanager(t.url, token, bare);
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual(expect.arrayContaining(['groupKey is required', 'alerts is required']));

    const badAlert = valid();
    const { fingerprint: _f, ...noFingerprint } = badAlert.alerts[0];
    const broken = await postAlertmanager(t.url, token, { ...badAlert, alerts: [{ ...noFingerprint, startsAt: 'yesterday' }] });
    expect(broken.status).toBe(400);
    expect(broken.body.errors).toEqual(['alerts[0].startsAt must be an ISO 8601 timestamp, got "yesterday"', 'alerts[0].fingerprint is required']);

    const notObject = await postAlertmanager(t.url, token, [valid()]);
    expect(notObject.status).toBe(400);
    expect(await writes()).toBe(before);
  });

  it('answers 400 (not a 500 that senders retry forever) to a NUL character in a label or a dedup key, writing nothing', async () => {
    const before = await writes();
    const nul = valid();
    nul.alerts[0].labels = { ...nul.alerts[0].labels, instance: 'db\u00001' };
    const am = await postAlertmanager(t.url, token, nul);
    expect(am.status).toBe(400);
    expect(am.body.message).toMatch(/NUL/);
    const pd = await postPagerDuty(t.url, {
      routing_key: token,
      event_action: 'trigger',
      dedup_key: 'nul\u0000key',
      payload: { summary: 'NUL', source: 'probe', severity: 'error' },
    });
    expect(pd.status).toBe(400);
    expect(pd.body).toMatchObject({ status: 'invalid event' });
    expect(await writes()).toBe(before);
  });

  it('answers 400 to a truncatedAlerts past what the database counts, writing nothing', async () => {
    const before = await writes();
    const res = await postAlertmanager(t.url, token, { ...valid(), truncatedAlerts: 2 ** 31 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.stringMatching(/^truncatedAlerts must be/)]);
    expect(await writes()).toBe(before);
  });

  it('answers 400 to a body over 1 MiB', async () => {
    const before = await writes();
    const huge = valid();
    huge.commonAnnotations = { description: 'x'.repeat(1024 * 1024) };
    const res = await postAlertmanager(t.url, token, huge);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('the body is larger than the 1 MiB limit');
    expect(await writes()).toBe(before);
  });

  it('answers 405 with JSON to anything but POST', async () => {
    const res = await fetch(`${t.url}/webhooks/alertmanager`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(((await res.json()) as any).message).toMatch(/GET is not allowed/);
  });

  it('counts deliveries by outcome on /metrics', async () => {
    const rejected = await t.metric('sitrep_alert_deliveries_total{source="alertmanager",outcome="rejected"}');
    expect(rejected).toBeGreaterThanOrEqual(10);
    await postAlertmanager(t.url, token, valid());
    expect(await t.metric('sitrep_alert_deliveries_total{source="alertmanager",outcome="created"}')).toBeGreaterThanOrEqual(1);
  });
});
