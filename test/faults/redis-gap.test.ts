import crypto from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig, type Config } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { startServer, type RunningServer } from '../../src/server/app';
import { editorPool, waitFor } from '../support/collab-clients';
import { declareIncident } from '../support/factories';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis';
import { describeWithRedis } from '../support/redis';
import { collect, startTestServer, type TestServer, type TestUser } from '../support/test-server';

const ADD_EVENT = `mutation($i: ID!, $b: String!) { addTimelineEvent(incidentId: $i, kind: NOTE, body: $b) { id } }`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A multi-instance suite: it needs redis-server (it starts its own), so it runs where the run has Redis.
describeWithRedis('a Redis gap between two instances (a Redis of the test\'s own, killed and restarted empty)', () => {
  let redis: PrivateRedis;
  let t: TestServer;
  let other: RunningServer;
  let alice: TestUser;
  let bob: TestUser;
  const editors = editorPool();

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startTestServer({
      redisUrl: redis.url,
      redisPrefix: `faults-${crypto.randomUUID()}:`,
      // Long enough that only the reconnect can be what repairs within the test's 5 seconds.
      collab: { ...loadConfig({}).collab, repairIntervalMs: 120_000 },
      eventLog: { pollIntervalMs: 120_000, retentionSeconds: 3600 },
    });
    other = await startServer({ ...t.server.services.config, port: 0 } as Config, createLogger('silent'));
    alice = await t.createUser('RESPONDER', 'Alice');
    bob = await t.createUser('RESPONDER', 'Bob');
  }, 60_000);
  afterEach(async () => {
    editors.closeAll();
    await redis.start().catch(() => undefined);
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
    await redis?.stop();
  });

  /** Stops Redis for `ms` while `during` runs, then starts it again, empty. */
  async function outage(ms: number, during: () => Promise<void>): Promise<void> {
    await redis.stop();
    await Promise.all([during(), sleep(ms)]);
    await redis.start();
  }

  it('converges the live document within 5 s of Redis returning, with every character typed on either side, and no client reconnects', async () => {
    const id = await declareIncident(t, alice, { title: 'Split brain', severity: 'SEV2' });
    const a = editors.open(t.url, id, alice.token);
    const b = editors.open(other.url, id, bob.token);
    await Promise.all([a.synced(), b.synced()]);
    a.text.insert(0, 'a-before;');
    await waitFor(() => b.text.toString().includes('a-before;'));

    const typed: string[] = [];
    await outage(10_000, async () => {
      for (let i = 0; i < 100; i += 1) {
        a.text.insert(0, `a${i};`);
        b.text.insert(b.text.length, `b${i};`);
        typed.push(`a${i};`, `b${i};`);
        await sleep(80);
      }
    });
    const back = Date.now();
    await waitFor(() => a.text.toString() === b.text.toString() && typed.every((s) => a.text.toString().includes(s)), 5_000, 'the two sides did not converge within 5 s of Redis returning');
    expect(Date.now() - back).toBeLessThan(5_000);
    for (const s of typed) expect(a.text.toString().split(s).length - 1).toBe(1);
    expect(a.closes).toEqual([]);
    expect(b.closes).toEqual([]);

    // And the relay works live again afterwards.
    b.text.insert(0, 'b-after;');
    await waitFor(() => a.text.toString().includes('b-after;'));
  }, 40_000);

  it('delivers to subscribers on B every event of the changes made on A during the outage, in order, each once', async () => {
    const id = await declareIncident(t, alice, { title: 'Events', severity: 'SEV3' });
    const client = createClient({ url: other.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${bob.token}` } });
    const sub = collect(client, `subscription($i: ID!) { timelineEventAdded(incidentId: $i) { body } }`, { i: id });
    await sub.settle(300);
    const bodies = Array.from({ length: 13 }, (_, i) => `during the outage ${i}`);
    await outage(3_000, async () => {
      for (const body of bodies) await t.ok(ADD_EVENT, { i: id, b: body }, alice.token);
    });
    await sub.next(13, 5_000);
    await sleep(500);
    expect(sub.values.map((v) => v.data.timelineEventAdded.body)).toEqual(bodies);
    await client.dispose();
  }, 30_000);

  it('ends on B the sockets of a user deactivated on A while Redis was down, once it returns', async () => {
    const carol = await t.createUser('RESPONDER', 'Carol');
    let closeCode = 0;
    const client = createClient({
      url: other.url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${carol.token}` },
      on: { closed: (event) => (closeCode = (event as { code: number }).code) },
    });
    const sub = collect(client, `subscription { incidentsChanged { kind } }`);
    await sub.settle(300);
    await outage(2_000, async () => {
      await t.ok(`mutation($id: ID!) { updateUser(id: $id, input: { deactivated: true }) { id } }`, { id: carol.id }, t.admin.token);
    });
    await waitFor(() => closeCode !== 0, 5_000, 'the socket on B stayed open');
    expect(closeCode).toBe(4401);
    await client.dispose();
  }, 30_000);
});

describeWithRedis('the event log is bounded', () => {
  let redis: PrivateRedis;
  let t: TestServer;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startTestServer({ redisUrl: redis.url, redisPrefix: `faults-${crypto.randomUUID()}:`, eventLog: { pollIntervalMs: 1_000, retentionSeconds: 1 } });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('writes each change\'s events with it and prunes them past EVENT_LOG_RETENTION', async () => {
    const count = async () => Number((await t.server.services.dataSource.query(`SELECT count(*) AS n FROM event_log`))[0].n);
    await declareIncident(t, t.admin, { title: 'Logged', severity: 'SEV4' });
    expect(await count()).toBeGreaterThan(0);
    await waitFor(async () => (await count()) === 0, 5_000, 'old events were never pruned');
  }, 20_000);
});
