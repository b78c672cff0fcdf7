import { Client } from 'pg';
import { startTestServer, type TestServer } from '../support/test-server';
import { CREATE_TOKEN, INCIDENT } from './alertmanager-fixtures';

/**
 * The body of Grafana Alerting's webhook contact point, exactly as Grafana's
 * documentation ("Configure webhook notifications", example payload) shows
 * it: version "1", orgId, state, title, message, and per alert values,
 * silenceURL, dashboardURL, panelURL; firing alerts carry Go's zero endsAt.
 */
function grafanaDocumentedPayload() {
  return {
    receiver: 'My Super Webhook',
    status: 'firing',
    orgId: 1,
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1' },
        annotations: {
          description: 'The system has high memory usage',
          runbook_url: 'https://myrunbook.com/runbook/1234',
          summary: 'This alert was triggered for zone us-1',
        },
        startsAt: '2021-10-12T09:51:03.157076+02:00',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit',
        fingerprint: 'c6eadffa33fcdf37',
        silenceURL: 'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1',
        dashboardURL: '',
        panelURL: '',
        values: { B: 44.23943737541908, C: 1 },
      },
      {
        status: 'firing',
        labels: { alertname: 'High CPU usage', team: 'blue', zone: 'eu-1' },
        annotations: {
          description: 'The system has high CPU usage',
          runbook_url: 'https://myrunbook.com/runbook/1234',
          summary: 'This alert was triggered for zone eu-1',
        },
        startsAt: '2021-10-12T09:56:03.157076+02:00',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'https://play.grafana.org/alerting/d1rdpdv7k/edit',
        fingerprint: 'bc97ff14869b13e3',
        silenceURL: 'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1',
        dashboardURL: '',
        panelURL: '',
        values: { B: 44.23943737541908, C: 1 },
      },
    ],
    groupLabels: {},
    commonLabels: { team: 'blue' },
    commonAnnotations: {},
    externalURL: 'https://play.grafana.org/',
    version: '1',
    groupKey: '{}:{}',
    truncatedAlerts: 0,
    title: '[FIRING:2]  (blue)',
    state: 'alerting',
    message:
      '**Firing**\n\nLabels:\n - alertname = T2\n - team = blue\n - zone = us-1\nAnnotations:\n - description = This is the alert rule checking the second system\n - runbook_url = https://myrunbook.com\n - summary = This is my summary\nSource: https://play.grafana.org/alerting/1afz29v7z/edit\nSilence: https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1\n\nLabels:\n - alertname = T1\n - team = blue\n - zone = eu-1\nAnnotations:\nSource: https://play.grafana.org/alerting/d1rdpdv7k/edit\nSilence: https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1\n',
  };
}

type Payload = ReturnType<typeof grafanaDocumentedPayload>;

/** The same group, with its own group key (so that each test has its own incident). */
function payload(groupKey: string, edit: (p: Payload) => void = () => undefined): Payload {
  const p = grafanaDocumentedPayload();
  p.groupKey = groupKey;
  edit(p);
  return p;
}

/** Resolves alert `i` as Grafana does: status resolved, a real endsAt, values of the recovery. */
function resolve(p: Payload, i: number, endsAt = '2021-10-12T10:20:03.157076+02:00') {
  p.alerts[i] = { ...p.alerts[i], status: 'resolved', endsAt, values: { B: 12.5, C: 0 } };
  p.status = p.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
  p.state = p.status === 'firing' ? 'alerting' : 'ok';
  p.title = p.status === 'firing' ? `[FIRING:${p.alerts.filter((a) => a.status === 'firing').length}, RESOLVED:1]  (blue)` : '[RESOLVED]  (blue)';
}

describe('POST /webhooks/grafana (Grafana Alerting webhook contact point)', () => {
  let t: TestServer;
  let token: string;
  let db: Client;

  /** POSTs as Grafana does, with "Authorization header" set to the API token (scheme Bearer). */
  const post = async (body: unknown, path = '/webhooks/grafana', auth: string | undefined = `Bearer ${token}`) => {
    const response = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Grafana', ...(auth ? { authorization: auth } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const incident = async (id: string) => (await t.ok(INCIDENT, { id }, t.admin.token)).incident;

  beforeAll(async () => {
    t = await startTestServer();
    token = (await t.ok(CREATE_TOKEN, { name: 'Grafana', role: 'RESPONDER' }, t.admin.token)).createApiToken.token;
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('opens an incident from the documented payload, reading Go\'s zero endsAt as still firing', async () => {
    const res = await post(payload('{}:{first}'));
    expect(res).toMatchObject({ status: 200, body: { status: 'success', outcome: 'created' } });
    const i = await incident(res.body.incidentId);
    expect(i).toMatchObject({ trigger: 'AUTOMATED_ALERT', status: 'INVESTIGATING', severity: 'SEV3', commander: { name: 'Grafana', isIntegration: true } });
    expect(i.title).toBe('High memory usage');
    expect(i.alerts).toHaveLength(2);
    expect(i.alerts.every((a: any) => a.status === 'FIRING' && a.endsAt === null)).toBe(true);
    const memory = i.alerts.find((a: any) => a.fingerprint === 'c6eadffa33fcdf37');
    expect(memory).toMatchObject({ summary: 'This alert was triggered for zone us-1', generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit' });
    expect(new Date(memory.startsAt).toISOString()).toBe('2021-10-12T07:51:03.157Z');
    expect(i.timeline.find((e: any) => e.kind === 'ALERT').body).toMatch(/^2 alerts firing/);
    const [group] = (await db.query(`SELECT source FROM alert_groups WHERE group_key = '{}:{first}'`)).rows;
    expect(group.source).toBe('grafana');
  });

  it('takes a repeat as unchanged, even with new values from the latest evaluation', async () => {
    const created = await post(payload('{}:{repeat}'));
    const repeat = await post(payload('{}:{repeat}', (p) => p.alerts.forEach((a) => (a.values = { B: 51.2, C: 1 }))));
    expect(repeat.body).toEqual({ status: 'success', outcome: 'unchanged', incidentId: created.body.incidentId });
    expect((await incident(created.body.incidentId)).timeline).toHaveLength(2);
  });

  it('resolves exactly the alert a partial resolution names, then says when all are resolved', async () => {
    const created = await post(payload('{}:{partial}'));
    const id = created.body.incidentId;
    const partial = payload('{}:{partial}', (p) => resolve(p, 1));
    expect((await post(partial)).body.outcome).toBe('updated');
    let i = await incident(id);
    const byPrint = () => Object.fromEntries(i.alerts.map((a: any) => [a.fingerprint, a]));
    expect(byPrint()['c6eadffa33fcdf37']).toMatchObject({ status: 'FIRING', endsAt: null });
    expect(byPrint()['bc97ff14869b13e3']).toMatchObject({ status: 'RESOLVED', endsAt: '2021-10-12T08:20:03.157Z' });

    const allResolved = payload('{}:{partial}', (p) => {
      resolve(p, 0);
      resolve(p, 1);
    });
    expect(allResolved.state).toBe('ok');
    expect((await post(allResolved)).body.outcome).toBe('updated');
    i = await incident(id);
    expect(i.alerts.every((a: any) => a.status === 'RESOLVED')).toBe(true);
    expect(i.status).toBe('INVESTIGATING');
    expect(i.timeline.map((e: any) => e.body)).toContain('All 2 alerts of the group are resolved; the incident stays open until a person resolves it');
  });

  it('creates exactly one incident from 50 concurrent copies of one new group', async () => {
    const body = payload('{}:{stampede}');
    const results = await Promise.all(Array.from({ length: 50 }, () => post(body)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(results.filter((r) => r.body.outcome === 'created')).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.incidentId)).size).toBe(1);
    expect(Number((await db.query(`SELECT count(*) AS n FROM alert_groups WHERE group_key = '{}:{stampede}'`)).rows[0].n)).toBe(1);
  });

  it('reads a Grafana body sent to the Alertmanager endpoint as Grafana', async () => {
    const res = await post(payload('{}:{detected}'), '/webhooks/alertmanager');
    expect(res.body.outcome).toBe('created');
    const [group] = (await db.query(`SELECT source FROM alert_groups WHERE group_key = '{}:{detected}'`)).rows;
    expect(group.source).toBe('grafana');
  });

  it('keeps the silence, dashboard and panel links as annotations', async () => {
    const res = await post(payload('{}:{links}', (p) => (p.alerts[0].dashboardURL = 'https://play.grafana.org/d/abc')));
    const [alert] = (await db.query(`SELECT annotations FROM alerts a JOIN alert_groups g ON g.id = a.group_id WHERE g.group_key = '{}:{links}' AND a.fingerprint = 'c6eadffa33fcdf37'`)).rows;
    expect(alert.annotations).toMatchObject({ dashboardURL: 'https://play.grafana.org/d/abc', silenceURL: expect.stringContaining('/alerting/silence/new') });
    expect(alert.annotations.panelURL).toBeUndefined();
    expect(res.status).toBe(200);
  });

  it('refuses a missing or wrong token (401), another version, and a bad body (400), always as JSON', async () => {
    const missing = await post(payload('{}:{bad}'), '/webhooks/grafana', '');
    expect(missing.status).toBe(401);
    expect(missing.body.message).toMatch(/Authorization header/);
    expect((await post(payload('{}:{bad}'), '/webhooks/grafana', 'Bearer srt_wrong')).status).toBe(401);
    const v4 = await post(payload('{}:{bad}', (p) => (p.version = '4')));
    expect(v4).toMatchObject({ status: 400, body: { status: 'error', code: 'BAD_USER_INPUT' } });
    expect(v4.body.message).toMatch(/version must be "1"/);
    const bad = await post(payload('{}:{bad}', (p) => ((p.alerts[0] as any).values = 'high')));
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toContain('alerts[0].values must be an object');
  });
});
