import { Client } from 'pg';
import { CREATE_TOKEN } from '../alerts/alertmanager-fixtures';
import { declareIncident } from '../support/factories';
import { startTestServer, type TestServer } from '../support/test-server';

/** A change event as pdjs's `change()` sends it (PagerDuty's documented example). */
function changeEvent(routingKey: string, overrides: { summary?: string; timestamp?: string; [k: string]: unknown } = {}) {
  const { summary, timestamp, ...rest } = overrides;
  return {
    routing_key: routingKey,
    payload: {
      summary: summary ?? 'Build Success - Increase snapshot create timeout to 30 seconds',
      timestamp: timestamp ?? new Date().toISOString().replace('Z', '+0000'),
      source: 'acme-build-pipeline-tool-default-i-9999',
      custom_details: { build_state: 'passed', build_number: '2', run_time: '1236s', nested: { ignored: true } },
    },
    links: [{ href: 'https://acme.pagerduty.dev/build/2', text: 'View more details in Acme!' }],
    ...rest,
  };
}

describe('POST /webhooks/pagerduty/v2/change/enqueue (PagerDuty Change Events v2)', () => {
  let t: TestServer;
  let token: string;
  let db: Client;
  const post = async (body: unknown) => {
    const response = await fetch(`${t.url}/webhooks/pagerduty/v2/change/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as any };
  };
  const CHANGES = `query($since: DateTime, $first: Int) { changes(since: $since, first: $first) { id summary source occurredAt labels { name value } links } }`;

  beforeAll(async () => {
    t = await startTestServer();
    token = (await t.ok(CREATE_TOKEN, { name: 'CI pipeline', role: 'RESPONDER' }, t.admin.token)).createApiToken.token;
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('stores a change and answers 202 like PagerDuty; changes lists it newest first', async () => {
    const older = await post(changeEvent(token, { summary: 'Deploy api v41', timestamp: new Date(Date.now() - 60_000).toISOString() }));
    expect(older).toMatchObject({ status: 202, body: { status: 'success', message: 'Change event processed' } });
    expect((await post(changeEvent(token, { summary: 'Deploy api v42' }))).status).toBe(202);
    const { changes } = await t.ok(CHANGES, { first: 2 }, t.admin.token);
    expect(changes.map((c: any) => c.summary)).toEqual(['Deploy api v42', 'Deploy api v41']);
    expect(changes[0]).toMatchObject({
      source: 'acme-build-pipeline-tool-default-i-9999',
      links: ['https://acme.pagerduty.dev/build/2'],
      labels: [
        { name: 'build_number', value: '2' },
        { name: 'build_state', value: 'passed' },
        { name: 'run_time', value: '1236s' },
      ],
    });
    const since = await t.ok(CHANGES, { since: new Date(Date.now() - 30_000).toISOString() }, t.admin.token);
    expect(since.changes.map((c: any) => c.summary)).toEqual(['Deploy api v42']);
  });

  it('attaches changes from CHANGE_WINDOW before the declaration until resolution to the incident', async () => {
    const hours = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
    await post(changeEvent(token, { summary: 'Config push: 3h ago', timestamp: hours(3) }));
    await post(changeEvent(token, { summary: 'Feature flag: 1h ago', timestamp: hours(1) }));
    const incidentId = await declareIncident(t, t.admin, { title: 'Checkout errors' });
    await post(changeEvent(token, { summary: 'Rollback during the incident' }));
    const recent = async () =>
      (await t.ok(`query($id: ID!) { incident(id: $id) { recentChanges { summary } } }`, { id: incidentId }, t.admin.token)).incident.recentChanges.map(
        (c: any) => c.summary,
      );
    const during = await recent();
    expect(during.slice(0, 2)).toEqual(['Rollback during the incident', 'Deploy api v42']);
    expect(during).toContain('Feature flag: 1h ago');
    expect(during).not.toContain('Config push: 3h ago');
    await t.ok(`mutation($id: ID!) { setIncidentStatus(id: $id, status: RESOLVED) { id } }`, { id: incidentId }, t.admin.token);
    await post(changeEvent(token, { summary: 'After resolution' }));
    expect(await recent()).not.toContain('After resolution');
  });

  it.each([
    ['malformed JSON', '{"routing_key":', /malformed JSON/],
    ['no summary', { routing_key: 'x', payload: { source: 'ci' } }, /payload.summary is required/],
    ['no payload', { routing_key: 'x' }, /payload is required/],
    ['a summary over 1024 characters', { routing_key: 'x', payload: { summary: 'x'.repeat(1025) } }, /at most 1024/],
    ['a bad timestamp', { routing_key: 'x', payload: { summary: 's', timestamp: 'yesterday' } }, /timestamp/],
    ['too many links', { routing_key: 'x', payload: { summary: 's' }, links: Array(21).fill({ href: 'https://a.b' }) }, /at most 20/],
    ['a link that is not http(s)', { routing_key: 'x', payload: { summary: 's' }, links: [{ href: 'javascript:alert(1)' }] }, /http\(s\) URL/],
  ])('answers %s with 400 and a JSON error', async (_name, body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/application\/json/);
    expect(res.body.status).toBe('invalid event');
    expect(JSON.stringify(res.body)).toMatch(message);
  });

  it('refuses a routing_key that is not an API token (401), and changes are readable by viewers only when logged in', async () => {
    const res = await post(changeEvent('not-a-token'));
    expect(res.status).toBe(401);
    const anonymous = await t.gql(CHANGES, {});
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const tooMany = await t.gql(CHANGES, { first: 201 }, t.admin.token);
    expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
