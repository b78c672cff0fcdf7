import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../../src/config/config';
import { WebhookService } from '../../src/webhooks/webhook.service';
import { startReceiver } from '../support/webhook-receiver';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server';

const CREATE = `mutation($url: String!, $format: WebhookFormat! = STANDARD, $events: [String!]) {
  createWebhookEndpoint(url: $url, format: $format, events: $events) { secret endpoint { id url format events enabled createdAt } }
}`;
const DELIVERIES = `query($id: ID!) { webhookDeliveries(endpointId: $id) { id eventType status attempts lastStatusCode lastError createdAt deliveredAt } }`;
const DECLARE = `mutation($title: String!) { declareIncident(input: { title: $title, severity: SEV2, trigger: USER_REPORT }) { id } }`;
const FAST = { ...loadConfig({}).webhooks, firstRetryMs: 50, pollIntervalMs: 50, timeoutMs: 2_000 };

describe('outgoing webhooks', () => {
  let t: TestServer;
  let responder: TestUser;
  const receivers: Array<{ close: () => Promise<void> }> = [];
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };
  const create = async (url: string, format = 'STANDARD', events?: string[]) => (await t.ok(CREATE, { url, format, events }, t.admin.token)).createWebhookEndpoint;
  const deliveries = async (id: string) => (await t.ok(DELIVERIES, { id }, t.admin.token)).webhookDeliveries;
  const declare = async (title: string) => (await t.ok(DECLARE, { title }, responder.token)).declareIncident.id as string;
  const remove = (id: string) => t.ok(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id }, t.admin.token);

  beforeAll(async () => {
    t = await startTestServer({ webhooks: FAST, publicUrl: 'https://sitrep.example.com' });
    responder = await t.createUser('RESPONDER', 'Rita');
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await t.close();
  });

  it('sends every event once, in order, signed as Standard Webhooks (verified with the standardwebhooks library)', async () => {
    const r = await receiver();
    const { secret, endpoint } = await create(r.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(endpoint).toMatchObject({ url: r.url, format: 'STANDARD', events: [], enabled: true });
    const id = await declare('Checkout errors');
    await t.ok(`mutation($id: ID!) { setIncidentStatus(id: $id, status: IDENTIFIED) { id } }`, { id }, responder.token);
    await t.ok(`mutation($id: ID!, $u: ID!) { assignRole(incidentId: $id, role: OPERATIONS_LEAD, userId: $u) { id } }`, { id, u: t.admin.id }, responder.token);
    await t.ok(`mutation($id: ID!) { postStatusUpdate(incidentId: $id, audience: INTERNAL, body: "Rolling back") { id } }`, { id }, responder.token);
    await t.ok(`mutation($id: ID!) { updateIncident(id: $id, input: { title: "Checkout 500s" }) { id } }`, { id }, responder.token);
    const got = await r.waitFor(5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.received).toHaveLength(5);
    const verifier = new Webhook(secret);
    const events = got.map((req) => verifier.verify(req.body, req.headers as Record<string, string>) as any);
    expect(events.map((e) => e.type)).toEqual(['incident.declared', 'incident.status_changed', 'incident.role_assigned', 'status_update.posted', 'incident.updated']);
    expect(events[0].data.incident).toEqual({
      id,
      title: 'Checkout errors',
      severity: 'SEV2',
      status: 'INVESTIGATING',
      commander: { id: responder.id, name: 'Rita' },
      url: `https://sitrep.example.com/#/incidents/${id}`,
    });
    expect(events[3].data.incident.detail).toContain('Rolling back');
    expect(events[4].data.incident.title).toBe('Checkout 500s');
    expect(new Set(got.map((req) => req.headers['webhook-id'])).size).toBe(5);
    const log = await deliveries(endpoint.id);
    expect(log).toHaveLength(5);
    expect(log.every((d: any) => d.status === 'DELIVERED' && d.attempts === 1 && d.lastStatusCode === 200 && d.deliveredAt)).toBe(true);
    // A receiver with the wrong secret refuses the same request.
    const wrong = new Webhook(`whsec_${Buffer.from('not the secret at all, 32 bytes!').toString('base64')}`);
    expect(() => wrong.verify(got[0].body, got[0].headers as Record<string, string>)).toThrow();
    await remove(endpoint.id);
  });

  it('retries a 500 with backoff and delivers on the fourth attempt, with the same webhook-id every time', async () => {
    const r = await receiver((_req, all) => (all.length <= 3 ? 500 : 200));
    const { endpoint } = await create(r.url, 'STANDARD', ['incident.declared']);
    await declare('Flaky receiver');
    const got = await r.waitFor(4);
    expect(got.map((req) => req.answered)).toEqual([500, 500, 500, 200]);
    expect(new Set(got.map((req) => req.headers['webhook-id'])).size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.received).toHaveLength(4);
    const [d] = await deliveries(endpoint.id);
    expect(d).toMatchObject({ eventType: 'incident.declared', status: 'DELIVERED', attempts: 4, lastStatusCode: 200, lastError: null });
    await remove(endpoint.id);
  });

  it('does not retry a 400, and honours Retry-After on a 429', async () => {
    const bad = await receiver(() => 400);
    const busy = await receiver((_req, all) => (all.length === 1 ? { status: 429, headers: { 'retry-after': '1' } } : 200));
    const refused = await create(bad.url, 'STANDARD', ['incident.declared']);
    const limited = await create(busy.url, 'STANDARD', ['incident.declared']);
    await declare('Refused and limited');
    await bad.waitFor(1);
    const [first, second] = await busy.waitFor(2);
    expect(new Date(String(second.headers['webhook-timestamp'])).getTime()).toBeDefined();
    expect(Number(second.headers['webhook-timestamp']) - Number(first.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bad.received).toHaveLength(1);
    expect((await deliveries(refused.endpoint.id))[0]).toMatchObject({ status: 'FAILED', attempts: 1, lastStatusCode: 400, lastError: 'HTTP 400: status 400' });
    expect((await deliveries(limited.endpoint.id))[0]).toMatchObject({ status: 'DELIVERED', attempts: 2 });
    await remove(refused.endpoint.id);
    await remove(limited.endpoint.id);
  });

  it('deletes an endpoint while one of its deliveries is in flight: the delete waits for it, no deadlock', async () => {
    // The receiver holds its answer; the endpoint is deleted while the worker's transaction holds the delivery.
    const r = await receiver(() => ({ status: 200, delayMs: 300 }));
    const { endpoint } = await create(r.url);
    await declare('Deleted mid-delivery');
    await r.waitFor(1);
    expect((await remove(endpoint.id)).deleteWebhookEndpoint).toBe(true);
    expect(await t.sql(`SELECT id FROM webhook_deliveries WHERE endpoint_id = $1`, [endpoint.id])).toEqual([]);
  });

  it('sends a Slack incoming-webhook body: text, and blocks linking to the incident in the console', async () => {
    const r = await receiver((req) => {
      // Slack's documented shape: a text fallback, blocks of known types with mrkdwn text objects.
      const body = JSON.parse(req.body);
      const blocksOk =
        Array.isArray(body.blocks) &&
        body.blocks.length <= 50 &&
        body.blocks.every((b: any) => (b.type === 'section' && b.text?.type === 'mrkdwn' && typeof b.text.text === 'string' && b.text.text.length <= 3000) || (b.type === 'context' && Array.isArray(b.elements)));
      return typeof body.text === 'string' && body.text.length > 0 && blocksOk && req.headers['content-type'] === 'application/json' ? 200 : 400;
    });
    const { endpoint } = await create(r.url, 'SLACK', ['incident.declared']);
    const id = await declare('Payments <down> & out');
    const [req] = await r.waitFor(1);
    expect(req.answered).toBe(200);
    const body = JSON.parse(req.body);
    expect(body.text).toContain('Incident declared: Payments <down> & out');
    expect(body.blocks[0].text.text).toBe(`*Incident declared*: <https://sitrep.example.com/#/incidents/${id}|Payments &lt;down&gt; &amp; out>\nSEV2 · INVESTIGATING · commander Rita`);
    await remove(endpoint.id);
  });

  it('bounds what an admin may create, and only admins manage webhooks', async () => {
    const code = async (query: string, variables: Record<string, unknown>, token = t.admin.token) => (await t.gql(query, variables, token)).errors?.[0].extensions?.code;
    expect(await code(CREATE, { url: `https://example.com/${'x'.repeat(2_000)}` })).toBe('BAD_USER_INPUT');
    expect(await code(CREATE, { url: 'ftp://example.com/hook' })).toBe('BAD_USER_INPUT');
    expect(await code(CREATE, { url: 'https://example.com/hook', events: ['incident.exploded'] })).toBe('BAD_USER_INPUT');
    expect(await code(CREATE, { url: 'https://example.com/hook' }, responder.token)).toBe('FORBIDDEN');
    expect(await code(`{ webhookEndpoints { id } }`, {}, responder.token)).toBe('FORBIDDEN');
    expect(await code(DELIVERIES.replace('webhookDeliveries(endpointId: $id)', 'webhookDeliveries(endpointId: $id, first: 201)'), { id: t.admin.id })).toBe('BAD_USER_INPUT');
    const created = [];
    for (let i = 0; i < 50; i++) created.push((await create(`https://example.com/hook/${i}`, 'STANDARD', ['postmortem.published'])).endpoint.id);
    expect(await code(CREATE, { url: 'https://example.com/one-too-many' })).toBe('CONFLICT');
    for (const id of created) await remove(id);
    const denying = new WebhookService(t.server.services.dataSource, true);
    await expect(denying.create({ userId: t.admin.id, role: 'ADMIN', via: 'login' } as never, 'http://127.0.0.1:9/hook', 'STANDARD' as never, [])).rejects.toThrow(/private network/);
    await expect(denying.create({ userId: t.admin.id, role: 'ADMIN', via: 'login' } as never, 'http://[::1]:9/hook', 'STANDARD' as never, [])).rejects.toThrow(/private network/);
  });
});
