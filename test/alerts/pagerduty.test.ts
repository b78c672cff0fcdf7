import { collect, startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { CREATE_TOKEN, INCIDENT, postPagerDuty } from './alertmanager-fixtures';

describe('POST /webhooks/pagerduty/v2/enqueue', () => {
  let t: TestServer;
  let routingKey: string;
  let alice: TestUser;
  const incident = async (id: string) => (await t.ok(INCIDENT, { id }, t.admin.token)).incident;
  const incidentOf = async (dedupKey: string) =>
    (await t.ok(`{ incidents(first: 100) { edges { node { id alerts { fingerprint } } } } }`, {}, t.admin.token)).incidents.edges
      .map((e: any) => e.node)
      .filter((n: any) => n.alerts.some((a: any) => a.fingerprint === dedupKey));

  beforeAll(async () => {
    ({ t, alice } = await startWithTeam());
    routingKey = (await t.ok(CREATE_TOKEN, { name: 'Datadog', role: 'RESPONDER' }, t.admin.token)).createApiToken.token;
  });
  afterAll(() => t.close());

  it('runs the trigger, acknowledge and resolve cycle, answering like PagerDuty', async () => {
    const trigger = {
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: 'disk-full-db-1',
      payload: {
        summary: 'Disk full on db-1',
        source: 'db-1.prod',
        severity: 'critical',
        timestamp: '2026-11-26T10:00:00.000+0000',
        component: 'postgres',
        group: 'storage',
        class: 'disk',
        custom_details: { free: '0.2%' },
      },
      client: 'Datadog',
      client_url: 'https://datadog.example/monitors/1',
    };
    const sub = collect(t.wsClient(alice.token), `subscription { incidentsChanged { kind incident { id } } }`);
    await sub.settle();
    const res = await postPagerDuty(t.url, trigger);
    expect(res).toEqual({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'disk-full-db-1' } });
    const [declared] = await incidentOf('disk-full-db-1');
    let i = await incident(declared.id);
    expect(i).toMatchObject({
      title: 'Disk full on db-1',
      severity: 'SEV1',
      trigger: 'AUTOMATED_ALERT',
      summary: 'source: db-1.prod; component: postgres; group: storage; class: disk',
      commander: { name: 'Datadog', isIntegration: true },
    });
    expect(i.alerts).toEqual([
      expect.objectContaining({ fingerprint: 'disk-full-db-1', status: 'FIRING', summary: 'Disk full on db-1', startsAt: '2026-11-26T10:00:00.000Z', generatorURL: 'https://datadog.example/monitors/1' }),
    ]);
    expect((await sub.next(1))[0].data.incidentsChanged).toEqual({ kind: 'DECLARED', incident: { id: i.id } });

    // A repeated trigger is deduplicated.
    expect((await postPagerDuty(t.url, trigger)).status).toBe(202);
    expect(await incidentOf('disk-full-db-1')).toHaveLength(1);
    expect((await incident(i.id)).timeline).toHaveLength(i.timeline.length);

    const ack = { routing_key: routingKey, event_action: 'acknowledge', dedup_key: 'disk-full-db-1' };
    expect((await postPagerDuty(t.url, ack)).body).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'disk-full-db-1' });
    await postPagerDuty(t.url, ack);
    i = await incident(i.id);
    const acks = i.timeline.filter((e: any) => e.body.includes('acknowledged in PagerDuty'));
    expect(acks).toHaveLength(1);
    expect(acks[0].kind).toBe('ALERT');
    expect(i.commander.name).toBe('Datadog');
    expect(i.acknowledgedAt).toBeNull();
    expect((await sub.next(2))[1].data.incidentsChanged.kind).toBe('UPDATED');

    const resolve = { routing_key: routingKey, event_action: 'resolve', dedup_key: 'disk-full-db-1' };
    expect((await postPagerDuty(t.url, resolve)).status).toBe(202);
    i = await incident(i.id);
    expect(i.alerts[0].status).toBe('RESOLVED');
    expect(i.alerts[0].endsAt).not.toBeNull();
    // A resolve names the alert without describing it: what the trigger said stays.
    expect(i.alerts[0]).toMatchObject({ summary: 'Disk full on db-1', generatorURL: 'https://datadog.example/monitors/1' });
    expect(i.status).toBe('INVESTIGATING');
    expect(i.timeline.map((e: any) => e.body)).toContain('The only alert of the group is resolved; the incident stays open until a person resolves it');
  });

  it('updates the labels and summary a later trigger of the same dedup_key changes', async () => {
    const trigger = (summary: string, component: string, timestamp: string) => ({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: 'replica-lag',
      payload: { summary, source: 'db-2.prod', severity: 'warning', component, timestamp },
    });
    await postPagerDuty(t.url, trigger('Replica lag 30s', 'postgres', '2026-11-26T10:00:00.000+0000'));
    const [opened] = await incidentOf('replica-lag');
    await postPagerDuty(t.url, trigger('Replica lag 90s', 'pgbouncer', '2026-11-26T10:05:00.000+0000'));
    const [alert] = (await incident(opened.id)).alerts;
    expect(alert.summary).toBe('Replica lag 90s');
    expect(alert.labels).toContainEqual({ name: 'component', value: 'pgbouncer' });
    expect(await incidentOf('replica-lag')).toHaveLength(1);
  });

  it('generates a dedup_key for a trigger without one, and ignores a resolve for an unknown key', async () => {
    const res = await postPagerDuty(t.url, { routing_key: routingKey, event_action: 'trigger', payload: { summary: 'No key', source: 'cron', severity: 'info' } });
    expect(res.status).toBe(202);
    expect(res.body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
    const [opened] = await incidentOf(res.body.dedup_key);
    expect((await incident(opened.id)).severity).toBe('SEV4');
    const unknown = await postPagerDuty(t.url, { routing_key: routingKey, event_action: 'resolve', dedup_key: 'never-seen' });
    expect(unknown).toEqual({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'never-seen' } });
    expect(await incidentOf('never-seen')).toHaveLength(0);
  });

  it('answers 400 "invalid event" with every problem, and 401 to a bad routing key', async () => {
    const res = await postPagerDuty(t.url, { routing_key: routingKey, event_action: 'trigger', payload: { summary: '', severity: 'fatal' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ['payload.summary is required', 'payload.source is required', 'payload.severity must be one of "critical", "error", "warning", "info", got "fatal"'],
    });
    expect((await postPagerDuty(t.url, { routing_key: routingKey, event_action: 'resolve' })).body.errors).toEqual(['dedup_key is required']);
    expect((await postPagerDuty(t.url, { routing_key: routingKey, event_action: 'snooze', dedup_key: 'x' })).body.errors[0]).toMatch(/^event_action must be one of/);
    expect((await postPagerDuty(t.url, { event_action: 'resolve', dedup_key: 'x' })).body.errors).toEqual(['routing_key is required']);
    const malformed = await postPagerDuty(t.url, '{"routing_key":');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ status: 'invalid event', message: expect.stringMatching(/^malformed JSON/) });

    const bad = await postPagerDuty(t.url, { routing_key: 'R0UT1NGKEY', event_action: 'resolve', dedup_key: 'x' });
    expect(bad.status).toBe(401);
    expect(bad.body.message).toMatch(/routing_key is not a valid API token/);
  });
});
