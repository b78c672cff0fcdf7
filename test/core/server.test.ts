import WebSocket from 'ws';
import { collect, startTestServer, type TestServer } from '../support/test-server';
import { declare, sql } from './core-ops';

/** Opens a raw websocket and reports how the server answered the upgrade. */
function upgrade(url: string, protocol = 'graphql-transport-ws'): Promise<{ opened: boolean; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocol);
    ws.once('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode });
      ws.terminate();
    });
    ws.once('error', () => resolve({ opened: false }));
  });
}

describe('the HTTP server', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('answers /healthz while the process is up', async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz once the database is reachable and migrated', async () => {
    const response = await fetch(`${t.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('serves Prometheus metrics on /metrics, counting operations and statements', async () => {
    await t.ok(`{ me { id } }`, {}, t.admin.token);
    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^# TYPE sitrep_db_queries_total counter$/m);
    expect(text).toMatch(/^sitrep_graphql_operations_total\{type="query",outcome="ok"\} \d+$/m);
    expect(await t.metric('sitrep_db_queries_total')).toBeGreaterThan(0);
  });

  it('accepts graphql-ws upgrades on /graphql', async () => {
    expect(await upgrade(t.wsUrl)).toEqual({ opened: true });
  });

  it.each(['/', '/graphql/extra', '/nope', '/subscriptions', '/graphqlx'])('refuses a websocket upgrade to the unknown path %s with 404', async (p) => {
    expect(await upgrade(`${t.url.replace(/^http/, 'ws')}${p}`)).toEqual({ opened: false, status: 404 });
  });

  describe('GraphQL over HTTP', () => {
    it('answers GET queries that carry a CSRF preflight header', async () => {
      const query = encodeURIComponent('{ me { email } }');
      const response = await fetch(`${t.url}/graphql?query=${query}`, {
        headers: { authorization: `Bearer ${t.admin.token}`, 'apollo-require-preflight': 'true' },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { me: { email: t.admin.email } } });
    });

    it('answers a plain GET query, as urql sends by default (bearer tokens, no cookies: nothing for CSRF to ride on)', async () => {
      const query = encodeURIComponent('{ me { email } }');
      const response = await fetch(`${t.url}/graphql?query=${query}`, { headers: { authorization: `Bearer ${t.admin.token}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { me: { email: t.admin.email } } });
    });

    it('refuses mutations over GET', async () => {
      const query = encodeURIComponent('mutation { login(email: "a@b.c", password: "12345678") { token } }');
      const response = await fetch(`${t.url}/graphql?query=${query}`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });

    it.each([
      ['GET', '/graphql/extra'],
      ['POST', '/graphql/v2'],
      ['GET', '/webhooks'],
      ['POST', '/webhooks/unknown'],
      ['POST', '/webhooks/pagerduty/v3/enqueue'],
      ['GET', '/api/incidents'],
      ['DELETE', '/healthz'],
      ['GET', '/no/such/page'],
    ])('answers the unknown route %s %s with a JSON 404, never HTML', async (method, path) => {
      const response = await fetch(`${t.url}${path}`, { method, headers: { accept: 'text/html,*/*' } });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await response.json();
      expect(JSON.stringify(body)).toMatch(/NOT_FOUND|no webhook/);
    });
  });
});

describe('graceful close', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('closes subscribers with 1001, stops serving, and releases the database', async () => {
    await declare(t, t.admin);
    const closes: number[] = [];
    const client = t.wsClient(t.admin.token);
    client.on('closed', (event) => closes.push((event as { code: number }).code));
    const sub = collect(client, `subscription { incidentsChanged { kind } }`);
    await sub.settle();
    const [before] = await sql(t, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'sitrep'`);
    expect(before.n).toBeGreaterThan(0);

    await t.server.close();

    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closes).toContain(1001);
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
    expect(t.server.services.dataSource.isInitialized).toBe(false);
    const [after] = await sql(t, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'sitrep'`);
    expect(after.n).toBe(0);
    // Closing again is harmless (SIGTERM and SIGINT may both arrive).
    await expect(t.server.close()).resolves.toBeUndefined();
  });
});

describe('graceful close with work in flight', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ shutdownGraceMs: 300 });
  });
  afterAll(() => t.close());

  it('gives in-flight requests SHUTDOWN_GRACE_MS to finish, then cuts their connections', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inHook = new Promise<void>((resolve) => (entered = resolve));
    t.server.services.incidents.onDeclare(async () => {
      entered();
      await held;
    });
    const started = Date.now();
    const request = t
      .gql(`mutation { declareIncident(input: { title: "slow", severity: SEV3, trigger: USER_REPORT }) { id } }`, undefined, t.admin.token)
      .then(
        () => ({ settled: 'answered', after: Date.now() - started }),
        () => ({ settled: 'cut', after: Date.now() - started }),
      );
    await inHook;
    const closing = t.server.close();
    const outcome = await request;
    release();
    await closing;
    expect(outcome.settled).toBe('cut');
    expect(outcome.after).toBeLessThan(3000);
  });
});

describe('graceful close draining', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ shutdownGraceMs: 5000 });
  });
  afterAll(() => t.close());

  it('lets a request in flight finish and answers it before stopping', async () => {
    let entered!: () => void;
    const inHook = new Promise<void>((resolve) => (entered = resolve));
    t.server.services.incidents.onDeclare(async () => {
      entered();
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const request = t.gql(`mutation { declareIncident(input: { title: "drained", severity: SEV3, trigger: USER_REPORT }) { title } }`, undefined, t.admin.token);
    await inHook;
    const closing = t.server.close();
    expect((await request).data).toEqual({ declareIncident: { title: 'drained' } });
    await closing;
  });
});
