import { Client } from 'pg';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { startServer, type RunningServer } from '../../src/server/app';
import { startChildServer, type ChildServer } from '../support/child-server';
import { createTestDatabase } from '../support/test-db';
import { startTestServer, type TestServer } from '../support/test-server';
import { startReceiver } from '../support/webhook-receiver';

const JWT_SECRET = 'webhook-crash-secret-that-is-long-enough-0123456789';
const ADMIN = { email: 'admin@webhooks.test', password: 'webhooks-password-123' };
const CREATE = `mutation($url: String!) { createWebhookEndpoint(url: $url, events: ["incident.declared"]) { endpoint { id } } }`;
const DECLARE = `mutation($title: String!) { declareIncident(input: { title: $title, severity: SEV3, trigger: USER_REPORT }) { id } }`;

async function gql(url: string, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: any; errors?: unknown[] };
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

describe('outgoing webhooks across a crash', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: ChildServer | undefined;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    if (server && server.process.exitCode === null) {
      server.process.kill('SIGTERM');
      await server.exited;
    }
    await Promise.all(closers.map((c) => c()));
    await db.drop();
  });

  it('delivers once what was committed before a kill -9, after the restart', async () => {
    // The receiver is down at first: the delivery is committed, attempted, and waits for its retry.
    const probe = await startReceiver();
    const port = probe.port;
    await probe.close();
    const env = { DATABASE_URL: db.url, JWT_SECRET, BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, WEBHOOK_FIRST_RETRY_MS: '2000', WEBHOOK_POLL_INTERVAL_MS: '100' };
    server = await startChildServer(env);
    const token = (await gql(server.url, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: ADMIN.email, p: ADMIN.password })).login.token;
    await gql(server.url, CREATE, { url: `http://127.0.0.1:${port}/hook` }, token);
    await gql(server.url, DECLARE, { title: 'Committed, not delivered' }, token);
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    closers.push(() => sql.end());
    const row = async () => (await sql.query(`SELECT status, attempts FROM webhook_deliveries`)).rows;
    const deadline = Date.now() + 10_000;
    while ((await row())[0]?.attempts !== 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await row()).toEqual([{ status: 'PENDING', attempts: 1 }]);

    server.process.kill('SIGKILL');
    await server.exited;
    const receiver = await startReceiver(() => 200, port);
    closers.push(receiver.close);
    server = await startChildServer(env);
    const [request] = await receiver.waitFor(1);
    expect(JSON.parse(request.body).type).toBe('incident.declared');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received).toHaveLength(1);
    expect(await row()).toEqual([{ status: 'DELIVERED', attempts: 2 }]);
  }, 120_000);
});

describe('outgoing webhooks with two instances', () => {
  let a: TestServer;
  let b: RunningServer;

  beforeAll(async () => {
    const webhooks = { ...loadConfig({}).webhooks, pollIntervalMs: 20, firstRetryMs: 50 };
    a = await startTestServer({ webhooks });
    b = await startServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', databaseUrl: a.databaseUrl, jwtSecret: 'test-secret-that-is-long-enough-for-hs256-0123456789', logLevel: 'silent', dataDir: '/tmp', webhooks }, createLogger('silent'));
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('sends each delivery exactly once (FOR UPDATE SKIP LOCKED), in order per endpoint', async () => {
    const receiver = await startReceiver();
    try {
      await a.ok(CREATE, { url: receiver.url }, a.admin.token);
      const titles = Array.from({ length: 20 }, (_, i) => `Incident ${i}`);
      // Declared through both instances, so that both workers are woken and race for the outbox.
      for (const [i, title] of titles.entries()) await gql(i % 2 ? b.url : a.url, DECLARE, { title }, a.admin.token);
      await receiver.waitFor(20);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.received).toHaveLength(20);
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(20);
      expect(receiver.received.map((r) => JSON.parse(r.body).data.incident.title)).toEqual(titles);
    } finally {
      await receiver.close();
    }
  });
});
