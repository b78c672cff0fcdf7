import { collect, startTestServer, startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { amAlert, amNotification, CREATE_TOKEN, fingerprintOf, INCIDENT, postAlertmanager } from './alertmanager-fixtures';

const HIGH_LATENCY = { summary: 'Checkout p99 latency above 2s', description: 'p99 of checkout has been above 2s for 5 minutes' };

describe('POST /webhooks/alertmanager', () => {
  let t: TestServer;
  let token: string;
  let integration: { id: string; name: string };
  let alice: TestUser;

  const incident = async (id: string) => (await t.ok(INCIDENT, { id }, t.admin.token)).incident;
  const count = async (sql: string, params: unknown[] = []) => Number((await t.sql(sql, params))[0].n);

  beforeAll(async () => {
    ({ t, alice } = await startWithTeam());
    const created = (await t.ok(CREATE_TOKEN, { name: 'Prometheus Alertmanager', role: 'RESPONDER' }, t.admin.token)).createApiToken;
    token = created.token;
    integration = (await t.ok(`{ me { id name } }`, {}, token)).me;
  });
  afterAll(async () => {
    await t.close();
  });

  it('opens an AUTOMATED_ALERT incident on the first notification, with the integration as placeholder commander', async () => {
    const alerts = [
      amAlert({ alertname: 'HighLatency', team: 'payments', severity: 'critical', instance: 'checkout-1' }, { annotations: HIGH_LATENCY }),
      amAlert({ alertname: 'HighLatency', team: 'payments', severity: 'critical', instance: 'checkout-2' }, { annotations: HIGH_LATENCY }),
    ];
    const res = await postAlertmanager(t.url, token, amNotification(alerts, { route: '{}/{team="payments"}/first' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'success', outcome: 'created' });
    const i = await incident(res.body.incidentId);
    expect(i).toMatchObject({
      title: 'Checkout p99 latency above 2s',
      summary: 'p99 of checkout has been above 2s for 5 minutes',
      severity: 'SEV1',
      status: 'INVESTIGATING',
      trigger: 'AUTOMATED_ALERT',
      acknowledgedAt: null,
      commander: { id: integration.id, name: 'Prometheus Alertmanager', isIntegration: true },
      previousIncident: null,
    });
    expect(i.alerts).toHaveLength(2);
    expect(i.alerts.map((a: any) => a.fingerprint).sort()).toEqual(alerts.map((a) => a.fingerprint).sort());
    const first = i.alerts.find((a: any) => a.fingerprint === alerts[0].fingerprint);
    expect(first).toMatchObject({ status: 'FIRING', summary: HIGH_LATENCY.summary, endsAt: null, generatorURL: alerts[0].generatorURL });
    expect(first.labels).toEqual([
      { name: 'alertname', value: 'HighLatency' },
      { name: 'instance', value: 'checkout-1' },
      { name: 'severity', value: 'critical' },
      { name: 'team', value: 'payments' },
    ]);
    expect(new Date(first.startsAt).toISOString()).toBe(new Date(alerts[0].startsAt).toISOString());
    expect(i.timeline.map((e: any) => e.kind).sort()).toEqual(['ALERT', 'DECLARED']);
    expect(i.timeline.find((e: any) => e.kind === 'ALERT').body).toMatch(/^2 alerts firing: HighLatency on checkout-1/);
    expect(i.timeline.every((e: any) => e.actor.id === integration.id)).toBe(true);
  });

  it('titles the incident after alertname without a common summary, and maps severity from the label', async () => {
    const alerts = [amAlert({ alertname: 'DiskFilling', team: 'payments', severity: 'warning', instance: 'db-1' }, { annotations: { description: 'disk 91% full' } })];
    const res = await postAlertmanager(t.url, token, amNotification(alerts, { route: '{}/title' }));
    const i = await incident(res.body.incidentId);
    expect(i).toMatchObject({ title: 'DiskFilling', summary: 'disk 91% full', severity: 'SEV3' });
  });

  it('treats a repeat delivery as a no-op: no timeline event and no publish', async () => {
    const body = amNotification([amAlert({ alertname: 'Repeat', team: 'payments', severity: 'page' })], { route: '{}/repeat' });
    const created = await postAlertmanager(t.url, token, body);
    const before = await incident(created.body.incidentId);
    expect(before.severity).toBe('SEV2');
    const sub = collect(t.wsClient(alice.token), `subscription($id: ID!) { incidentUpdated(id: $id) { id } }`, { id: before.id });
    await sub.settle();
    for (let i = 0; i < 3; i++) {
      const again = await postAlertmanager(t.url, token, body);
      expect(again.body).toMatchObject({ status: 'success', outcome: 'unchanged', incidentId: before.id });
    }
    await sub.settle(300);
    expect(sub.values).toHaveLength(0);
    expect(await incident(before.id)).toEqual(before);
    expect(await count(`SELECT count(*) AS n FROM incidents WHERE title = 'Repeat'`)).toBe(1);
  });

  it('adds a new alert of a known group to its incident with an ALERT event, and publishes it', async () => {
    const a = amAlert({ alertname: 'ErrorRate', team: 'payments', instance: 'api-1' });
    const b = amAlert({ alertname: 'ErrorRate', team: 'payments', instance: 'api-2' }, { annotations: { summary: '5xx above 5%' } });
    const created = await postAlertmanager(t.url, token, amNotification([a], { route: '{}/added' }));
    const sub = collect(t.wsClient(alice.token), `subscription { incidentsChanged { kind incident { id alerts { fingerprint } } } }`);
    await sub.settle();
    const res = await postAlertmanager(t.url, token, amNotification([a, b], { route: '{}/added' }));
    expect(res.body).toMatchObject({ outcome: 'updated', incidentId: created.body.incidentId });
    const [event] = await sub.next(1);
    expect(event.data.incidentsChanged).toMatchObject({ kind: 'UPDATED', incident: { id: created.body.incidentId } });
    expect(event.data.incidentsChanged.incident.alerts).toHaveLength(2);
    const i = await incident(created.body.incidentId);
    expect(i.alerts.map((x: any) => x.status)).toEqual(['FIRING', 'FIRING']);
    expect(i.timeline.filter((e: any) => e.kind === 'ALERT').map((e: any) => e.body)).toEqual([
      '1 alert firing: ErrorRate on api-1',
      'New: 1 alert firing: ErrorRate on api-2 (5xx above 5%)',
    ]);
  });

  it('updates exactly the alerts a partial resolution resolves, and then says when all are resolved', async () => {
    const start = new Date(Date.now() - 600_000);
    const labels = ['a', 'b', 'c'].map((x) => ({ alertname: 'QueueBacklog', team: 'payments', instance: `worker-${x}` }));
    const firing = labels.map((l) => amAlert(l, { startsAt: start }));
    const created = await postAlertmanager(t.url, token, amNotification(firing, { route: '{}/partial' }));
    const id = created.body.incidentId;

    const endsB = new Date(Date.now() - 5_000);
    const partial = amNotification([firing[0], amAlert(labels[1], { status: 'resolved', startsAt: start, endsAt: endsB }), firing[2]], { route: '{}/partial' });
    expect(partial.status).toBe('firing');
    expect((await postAlertmanager(t.url, token, partial)).body.outcome).toBe('updated');
    let i = await incident(id);
    const byInstance = (x: any) => Object.fromEntries(x.alerts.map((a: any) => [a.labels.find((l: any) => l.name === 'instance').value, a]));
    expect(byInstance(i)['worker-a']).toMatchObject({ status: 'FIRING', endsAt: null });
    expect(byInstance(i)['worker-b']).toMatchObject({ status: 'RESOLVED', endsAt: endsB.toISOString() });
    expect(byInstance(i)['worker-c']).toMatchObject({ status: 'FIRING', endsAt: null });
    // ALERT events carry the alerts' own times (startsAt, endsAt), so the timeline reads as it happened.
    expect(i.timeline.filter((e: any) => e.kind === 'ALERT').map((e: any) => e.body)).toEqual([
      '3 alerts firing: QueueBacklog on worker-a; QueueBacklog on worker-b; QueueBacklog on worker-c',
      '1 alert resolved: QueueBacklog on worker-b',
    ]);
    expect((await postAlertmanager(t.url, token, partial)).body.outcome).toBe('unchanged');

    const allResolved = amNotification(labels.map((l) => amAlert(l, { status: 'resolved', startsAt: start })), { route: '{}/partial' });
    expect(allResolved.status).toBe('resolved');
    expect((await postAlertmanager(t.url, token, allResolved)).body.outcome).toBe('updated');
    i = await incident(id);
    expect(i.alerts.every((a: any) => a.status === 'RESOLVED')).toBe(true);
    expect(i.status).toBe('INVESTIGATING');
    const bodies = i.timeline.filter((e: any) => e.kind === 'ALERT').map((e: any) => e.body);
    expect(bodies).toContain('All 3 alerts of the group are resolved; the incident stays open until a person resolves it');
    expect(bodies.filter((b: string) => b.startsWith('All '))).toHaveLength(1);
  });

  it('marks a resolved alert firing again when it re-fires, and ignores a stale re-delivery', async () => {
    const start = new Date(Date.now() - 300_000);
    const a = { alertname: 'Flapping', team: 'payments', instance: 'a' };
    const b = { alertname: 'Flapping', team: 'payments', instance: 'b' };
    const route = { route: '{}/flap' };
    const created = await postAlertmanager(t.url, token, amNotification([amAlert(a, { startsAt: start }), amAlert(b, { startsAt: start })], route));
    await postAlertmanager(t.url, token, amNotification([amAlert(a, { startsAt: start }), amAlert(b, { status: 'resolved', startsAt: start })], route));
    // A late copy of the first notification: b's episode that started at `start` is over.
    const stale = await postAlertmanager(t.url, token, amNotification([amAlert(a, { startsAt: start }), amAlert(b, { startsAt: start })], route));
    expect(stale.body.outcome).toBe('unchanged');
    const refired = await postAlertmanager(t.url, token, amNotification([amAlert(a, { startsAt: start }), amAlert(b, { startsAt: new Date() })], route));
    expect(refired.body.outcome).toBe('updated');
    const i = await incident(created.body.incidentId);
    const alertB = i.alerts.find((x: any) => x.fingerprint === fingerprintOf(b));
    expect(alertB).toMatchObject({ status: 'FIRING', endsAt: null });
    expect(i.timeline.map((e: any) => e.body)).toContain('1 alert firing again: Flapping on b');
  });

  it('updates the annotations, summary and generatorURL a later delivery changes, publishes it, and then takes the repeat as unchanged', async () => {
    const startsAt = new Date(Date.now() - 120_000);
    const labels = { alertname: 'Reworded', team: 'payments', instance: 'api-1' };
    const first = amAlert(labels, { startsAt, annotations: { summary: 'p99 above 1s' } });
    const route = { route: '{}/reworded' };
    const created = await postAlertmanager(t.url, token, amNotification([first], route));
    const id = created.body.incidentId;
    const timelineBefore = (await incident(id)).timeline;

    const sub = collect(t.wsClient(alice.token), `subscription($id: ID!) { incidentUpdated(id: $id) { alerts { summary generatorURL } } }`, { id });
    await sub.settle();
    const reworded = { ...first, annotations: { summary: 'p99 above 2s', runbook_url: 'https://runbooks.example/latency' }, generatorURL: 'http://prometheus.example:9090/graph?g0.expr=new' };
    const res = await postAlertmanager(t.url, token, amNotification([reworded], route));
    expect(res.body).toMatchObject({ outcome: 'updated', incidentId: id });
    const [event] = await sub.next(1);
    expect(event.data.incidentUpdated.alerts).toEqual([{ summary: 'p99 above 2s', generatorURL: reworded.generatorURL }]);

    const i = await incident(id);
    expect(i.alerts).toEqual([expect.objectContaining({ status: 'FIRING', summary: 'p99 above 2s', generatorURL: reworded.generatorURL })]);
    const stored = await t.sql(`SELECT annotations FROM alerts WHERE incident_id = $1`, [id]);
    expect(stored[0].annotations).toEqual(reworded.annotations);
    // Details describe the alert; they are not events of the incident.
    expect(i.timeline).toEqual(timelineBefore);

    // The new details are now the repeat: one read, no publish.
    expect((await postAlertmanager(t.url, token, amNotification([reworded], route))).body.outcome).toBe('unchanged');
    await sub.settle(300);
    expect(sub.values).toHaveLength(1);
  });

  it('updates labels that change under an explicit fingerprint', async () => {
    const startsAt = new Date(Date.now() - 120_000);
    const first = amAlert({ alertname: 'Relabelled', team: 'payments', instance: 'api-1' }, { startsAt });
    const route = { route: '{}/relabelled' };
    const created = await postAlertmanager(t.url, token, amNotification([first], route));
    const relabelled = { ...first, labels: { ...first.labels, owner: 'checkout' } };
    expect((await postAlertmanager(t.url, token, amNotification([relabelled], route))).body).toMatchObject({ outcome: 'updated', incidentId: created.body.incidentId });
    const [alert] = (await incident(created.body.incidentId)).alerts;
    expect(alert.fingerprint).toBe(first.fingerprint);
    expect(alert.labels).toContainEqual({ name: 'owner', value: 'checkout' });
  });

  it('opens a new incident linking to the resolved one when the group fires again', async () => {
    const labels = { alertname: 'PaymentsDown', team: 'payments', severity: 'critical' };
    const first = await postAlertmanager(t.url, token, amNotification([amAlert(labels)], { route: '{}/refire' }));
    const oldId = first.body.incidentId;
    await t.ok(`mutation($id: ID!) { setIncidentStatus(id: $id, status: RESOLVED) { id } }`, { id: oldId }, alice.token);

    // The resolved notification for a resolved incident opens nothing.
    const resolved = await postAlertmanager(t.url, token, amNotification([amAlert(labels, { status: 'resolved' })], { route: '{}/refire' }));
    expect(resolved.body).toMatchObject({ outcome: 'updated', incidentId: oldId });

    const again = await postAlertmanager(t.url, token, amNotification([amAlert(labels, { startsAt: new Date() })], { route: '{}/refire' }));
    expect(again.body.outcome).toBe('created');
    expect(again.body.incidentId).not.toBe(oldId);
    const i = await incident(again.body.incidentId);
    expect(i.previousIncident).toEqual({ id: oldId });
    expect(i.timeline.find((e: any) => e.kind === 'DECLARED').body).toContain(`firing again after incident "PaymentsDown" (${oldId}) was resolved`);
    expect((await incident(oldId)).status).toBe('RESOLVED');
    // And the new incident now owns the group.
    const repeat = await postAlertmanager(t.url, token, amNotification([amAlert(labels, { startsAt: new Date(Date.now() + 1000) })], { route: '{}/refire' }));
    expect(repeat.body.incidentId).toBe(again.body.incidentId);
  });

  it('creates exactly one incident from 50 concurrent deliveries of one new group', async () => {
    const body = amNotification(
      [amAlert({ alertname: 'Stampede', team: 'payments', instance: 'lb-1' }), amAlert({ alertname: 'Stampede', team: 'payments', instance: 'lb-2' })],
      { route: '{}/stampede' },
    );
    const results = await Promise.all(Array.from({ length: 50 }, () => postAlertmanager(t.url, token, body)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(results.filter((r) => r.body.outcome === 'created')).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.incidentId)).size).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM incidents WHERE title = 'Stampede'`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM alert_groups WHERE group_key = $1`, [body.groupKey])).toBe(1);
    const i = await incident(results[0].body.incidentId);
    expect(i.alerts).toHaveLength(2);
    expect(i.timeline.map((e: any) => e.kind).sort()).toEqual(['ALERT', 'DECLARED']);
    // Not luck: the database refuses a second open group for the key.
    const second = t.sql(
      `INSERT INTO alert_groups (source, key_hash, group_key) SELECT source, key_hash, group_key FROM alert_groups WHERE group_key = $1`,
      [body.groupKey],
    );
    await expect(second).rejects.toMatchObject({ code: '23505', constraint: 'alert_groups_open_key' });
  });

  it('tolerates fields it does not know, from newer Alertmanager versions', async () => {
    const alert = { ...amAlert({ alertname: 'Newer', team: 'payments' }), silencedBy: [], inhibitedBy: [], mutedBy: [] };
    const body = { ...amNotification([alert], { route: '{}/newer' }), notification_reason: 'new_alert', routeLabels: { team: 'payments' }, extra: { nested: [1, 2] } };
    const res = await postAlertmanager(t.url, token, body);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('created');
  });

  it('records on the timeline that Alertmanager truncated alerts', async () => {
    const body = amNotification([amAlert({ alertname: 'Flood', team: 'payments', instance: 'x' })], { route: '{}/trunc', truncatedAlerts: 7 });
    const res = await postAlertmanager(t.url, token, body);
    const i = await incident(res.body.incidentId);
    expect(i.timeline.map((e: any) => e.body)).toContain('Alertmanager left 7 more alerts of this group out of the notification (max_alerts); they are not listed here');
  });

  it('keys alerts by fingerprint exactly as Alertmanager computes it', () => {
    expect(fingerprintOf({})).toBe('cbf29ce484222325');
  });

  it('maps severities with a configured ALERT_SEVERITY_MAP', async () => {
    const other = await startTestServer({ alertSeverityMap: { p1: 'SEV1' as never }, alertSeverityLabel: 'priority' });
    try {
      const tok = (await other.ok(CREATE_TOKEN, { name: 'AM', role: 'RESPONDER' }, other.admin.token)).createApiToken.token;
      const res = await postAlertmanager(other.url, tok, amNotification([amAlert({ alertname: 'X', priority: 'P1', severity: 'warning' })]));
      expect((await other.ok(INCIDENT, { id: res.body.incidentId }, other.admin.token)).incident.severity).toBe('SEV1');
    } finally {
      await other.close();
    }
  });
});
