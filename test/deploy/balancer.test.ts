import crypto from 'node:crypto';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startChildServer, type ChildServer } from '../support/child-server';
import { converged, editorPool, waitFor } from '../support/collab-clients';
import { describeWithRedis } from '../support/redis';
import { createTestDatabase } from '../support/test-db';
import { collect, okAt } from '../support/test-server';
import { collabSockets, haproxyInstalled, startHaproxy, startRedis, type Helper } from './topology';

const JWT_SECRET = 'balancer-test-secret-long-enough-for-hs256-0123456789';
const ADMIN = { email: 'admin@balancer.test', password: 'balancer-password-123' };

/**
 * docker-compose.yml's topology without Docker: two Sitrep processes on one
 * PostgreSQL database and a private Redis, behind a real HAProxy running
 * deploy/haproxy.cfg (the file compose mounts; only addresses differ).
 */
describeWithRedis('two instances behind HAProxy (the compose topology)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let redis: Helper;
  let haproxy: Helper;
  const instances: ChildServer[] = [];
  const clients: WsClient[] = [];
  const editors = editorPool();
  let lb: string;
  let token: string;

  const gql = (url: string, query: string, variables?: Record<string, unknown>) => okAt(url, query, variables, token);
  const declare = async (title: string): Promise<string> =>
    (await gql(lb, `mutation($t: String!) { declareIncident(input: { title: $t, severity: SEV2, trigger: USER_REPORT }) { id } }`, { t: title }))
      .declareIncident.id;
  const wsClient = (url: string) => {
    const client = createClient({
      url: url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    clients.push(client);
    return client;
  };
  const editor = (id: string) => editors.open(lb, id, token);

  beforeAll(async () => {
    if (!haproxyInstalled()) throw new Error('HAProxy is not installed: apt-get install -y haproxy (.ci/run installs it)');
    [db, redis] = await Promise.all([createTestDatabase({ empty: true }), startRedis()]);
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      REDIS_PREFIX: `sitrep-lb-${crypto.randomBytes(4).toString('hex')}:`,
      JWT_SECRET,
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      TRUST_PROXY: 'loopback',
      HOST: '127.0.0.1',
      PORT: '0',
    };
    // Together, on an empty database, as `docker compose up` starts them: migrations run once.
    instances.push(...(await Promise.all([startChildServer(env), startChildServer(env)])));
    haproxy = await startHaproxy([`127.0.0.1:${instances[0].port}`, `127.0.0.1:${instances[1].port}`]);
    lb = `http://127.0.0.1:${haproxy.port}`;
    // Both instances pass HAProxy's health check before the test drives traffic.
    await waitFor(async () => (await fetch(`${lb}/readyz`).catch(() => undefined))?.status === 200, 20_000, 'balancer never ready');
    const login = await gql(lb, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, {
      e: ADMIN.email,
      p: ADMIN.password,
    });
    token = login.login.token;
  }, 300_000);

  afterEach(() => {
    editors.closeAll();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await haproxy?.stop();
    for (const instance of instances) {
      if (instance.process.exitCode === null && instance.process.signalCode === null) {
        instance.process.kill('SIGTERM');
        await instance.exited;
      }
    }
    await redis?.stop();
    await db?.drop();
  }, 60_000);

  it('balances HTTP requests over both instances', async () => {
    // leastconn with idle connections alternates; each instance counts what it served on /metrics.
    const served = async () =>
      Promise.all(
        instances.map(async (i) => {
          const text = await (await fetch(`${i.url}/metrics`)).text();
          return text
            .split('\n')
            .filter((l) => l.startsWith('sitrep_graphql_operations_total{'))
            .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
        }),
      );
    const before = await served();
    for (let i = 0; i < 10; i++) await gql(lb, '{ me { id } }');
    const after = await served();
    expect(after[0] - before[0]).toBeGreaterThan(0);
    expect(after[1] - before[1]).toBeGreaterThan(0);
    expect(after[0] - before[0] + after[1] - before[1]).toBe(10);
  });

  it('delivers a mutation made through the balancer to subscribers on both instances', async () => {
    const query = 'subscription { incidentsChanged { kind incident { title } } }';
    const subscribers = [collect(wsClient(instances[0].url), query), collect(wsClient(instances[1].url), query), collect(wsClient(lb), query)];
    await Promise.all(subscribers.map((s) => s.settle(300)));
    await declare('Balanced declaration');
    for (const s of subscribers) {
      const [event] = await s.next(1);
      expect(event.data.incidentsChanged).toEqual({ kind: 'DECLARED', incident: { title: 'Balanced declaration' } });
    }
  });

  it('routes every editor of one document to the same instance, and they converge', async () => {
    const id = await declare('One home per document');
    const group = [editor(id), editor(id), editor(id)];
    await Promise.all(group.map((e) => e.synced()));
    const sockets = await Promise.all(instances.map((i) => collabSockets(i.url)));
    expect(sockets.sort()).toEqual([0, 3]);
    group.forEach((e, n) => {
      for (let i = 0; i < 10; i++) e.text.insert(e.text.length, `${n}:${i} `);
    });
    const text = await converged(group);
    for (let n = 0; n < 3; n++) expect(text).toContain(`${n}:9 `);
  });

  it('moves the editors of a killed instance (kill -9) through the balancer to the other, losing nothing typed', async () => {
    const id = await declare('Instance lost mid-edit');
    const group = [editor(id), editor(id)];
    await Promise.all(group.map((e) => e.synced()));
    const home = (await Promise.all(instances.map((i) => collabSockets(i.url)))).findIndex((n) => n === 2);
    expect(home).toBeGreaterThanOrEqual(0);
    const survivor = instances[1 - home];

    // Typed just before the crash: some of it is still only in the dead instance's memory.
    group[0].text.insert(group[0].text.length, 'typed before the crash\n');
    await waitFor(() => group[1].text.toString().includes('typed before the crash'));
    group[1].text.insert(group[1].text.length, 'typed at the moment of the crash\n');
    instances[home].process.kill('SIGKILL');
    await instances[home].exited;
    // Typed while the editors are cut off and reconnecting.
    group[0].text.insert(group[0].text.length, 'typed while reconnecting\n');

    await waitFor(async () => (await collabSockets(survivor.url)) === 2, 20_000, 'editors did not reconnect to the surviving instance');
    await Promise.all(group.map((e) => e.synced(20_000)));
    const text = await converged(group, 20_000);
    for (const line of ['typed before the crash', 'typed at the moment of the crash', 'typed while reconnecting']) expect(text).toContain(line);

    // A newcomer through the balancer, and the stored document, have all of it.
    const late = editor(id);
    await late.synced(20_000);
    expect(await converged([group[0], late], 20_000)).toBe(text);
    await waitFor(
      async () => ((await gql(lb, 'query($id: ID!) { incident(id: $id) { document { markdown } } }', { id })).incident.document.markdown as string).includes('typed while reconnecting'),
      20_000,
      'the edits were not kept',
    );
  }, 60_000);
});
