import { createLogger } from '../../src/observability/logger';
import { startServer, type RunningServer } from '../../src/server/app';
import { describeWithRedis, uniqueRedisPrefix } from '../support/redis';
import { collect, startTestServer, type TestServer } from '../support/test-server';

describeWithRedis('two Sitrep instances behind one Redis', (redisUrl) => {
  let a: TestServer;
  let b: RunningServer;

  beforeAll(async () => {
    // A private channel prefix keeps this file's events away from anything else on the Redis.
    const redisPrefix = uniqueRedisPrefix();
    a = await startTestServer({ redisUrl, redisPrefix });
    const config = { ...a.server.services.config, redisUrl, redisPrefix, port: 0 };
    b = await startServer(config, createLogger('silent'));
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('delivers a change made on one instance to a dashboard subscribed on the other', async () => {
    const sub = collect(a.wsClient(a.admin.token), `subscription { incidentsChanged { kind incident { title } } }`);
    await sub.settle();
    const response = await fetch(`${b.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.admin.token}` },
      body: JSON.stringify({
        query: `mutation { declareIncident(input: { title: "Queue backlog", severity: SEV2, trigger: STAFF_IDENTIFIED }) { id } }`,
      }),
    });
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    const [event] = await sub.next(1);
    expect(event.data.incidentsChanged).toEqual({ kind: 'DECLARED', incident: { title: 'Queue backlog' } });
  });
});
