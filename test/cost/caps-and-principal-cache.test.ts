import type { Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { codes, declare } from '../core/core-ops';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server';

const CHANGES = `subscription { incidentsChanged { kind incident { id } } }`;
const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }`;

/** Starts a subscription; resolves 'open' once the server has taken it (a quiet moment), or with its error. */
function start(client: Client, query = CHANGES): { outcome: Promise<'open' | { code: string; limit: unknown }>; stop: () => void } {
  let stop = () => undefined as void;
  const outcome = new Promise<'open' | { code: string; limit: unknown }>((resolve) => {
    const timer = setTimeout(() => resolve('open'), 400);
    stop = client.subscribe(
      { query },
      {
        next: () => undefined,
        error: (errors) => {
          clearTimeout(timer);
          const [first] = errors as Array<{ extensions: { code: string; limit: unknown } }>;
          resolve({ code: first.extensions.code, limit: first.extensions.limit });
        },
        complete: () => undefined,
      },
    );
  });
  return { outcome, stop };
}

describe('subscription caps', () => {
  let t: TestServer;
  let viewer: TestUser;

  beforeAll(async () => {
    t = await startTestServer({ subscriptionLimits: { perSocket: 3, perUser: 5, maxBufferedBytes: 16 * 1024 * 1024 } });
    viewer = await t.createUser('VIEWER');
  }, 180_000);
  afterAll(() => t.close());

  it('refuses the subscription past the per-socket cap and keeps the socket and its other subscriptions', async () => {
    const client = t.wsClient(viewer.token);
    const taken = [start(client), start(client), start(client)];
    expect(await Promise.all(taken.map((s) => s.outcome))).toEqual(['open', 'open', 'open']);
    expect(await start(client).outcome).toEqual({ code: 'BAD_USER_INPUT', limit: { name: 'maxSubscriptionsPerSocket', max: 3, actual: 4 } });
    // The socket still answers, and a completed subscription frees its slot.
    expect((await client.iterate({ query: '{ __typename }' }).next()).value).toEqual({ data: { __typename: 'Query' } });
    taken[0].stop();
    await new Promise((r) => setTimeout(r, 100));
    expect(await start(client).outcome).toBe('open');
    // The others still deliver.
    const received: unknown[] = [];
    client.subscribe({ query: '{ __typename }' }, { next: (v) => received.push(v), error: () => undefined, complete: () => undefined });
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([{ data: { __typename: 'Query' } }]);
  });

  it('refuses the subscription past the per-user cap, counted over all of the user\'s sockets', async () => {
    const user = await t.createUser('RESPONDER');
    const first = t.wsClient(user.token);
    const second = t.wsClient(user.token);
    expect(await Promise.all([start(first), start(first), start(first)].map((s) => s.outcome))).toEqual(['open', 'open', 'open']);
    expect(await Promise.all([start(second), start(second)].map((s) => s.outcome))).toEqual(['open', 'open']);
    expect(await start(second).outcome).toEqual({ code: 'BAD_USER_INPUT', limit: { name: 'maxSubscriptionsPerUser', max: 5, actual: 6 } });
    // Another user is not affected, and closing a socket gives its slots back.
    expect(await start(t.wsClient(viewer.token)).outcome).toBe('open');
    await first.dispose();
    await new Promise((r) => setTimeout(r, 200));
    expect(await start(second).outcome).toBe('open');
    const third = t.wsClient(user.token);
    expect(await Promise.all([start(third), start(third)].map((s) => s.outcome))).toEqual(['open', 'open']);
    expect(await start(third).outcome).toEqual({ code: 'BAD_USER_INPUT', limit: { name: 'maxSubscriptionsPerUser', max: 5, actual: 6 } });
  });
});

describe('a subscriber too slow to keep up', () => {
  let t: TestServer;
  let responder: TestUser;

  beforeAll(async () => {
    t = await startTestServer({ subscriptionLimits: { perSocket: 50, perUser: 100, maxBufferedBytes: 256 * 1024 } });
    responder = await t.createUser('RESPONDER');
  }, 180_000);
  afterAll(() => t.close());

  it('is closed with 1013 once its unsent frames pass the limit, and the other subscribers keep receiving', async () => {
    const incident = await declare(t, responder);
    const UPDATED = `subscription($id: ID!) { incidentUpdated(id: $id) { id summary } }`;
    // 40 subscriptions on one socket that stops reading: each update is 40 frames of about 10 KB for it.
    const slow = new WebSocket(t.wsUrl, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => slow.once('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => slow.once('open', resolve).once('error', reject));
    const acked = new Promise((resolve) => slow.once('message', resolve));
    slow.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${responder.token}` } }));
    await acked;
    for (let i = 0; i < 40; i++) slow.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query: UPDATED, variables: { id: incident.id } } }));
    const watcher = t.wsClient(t.admin.token);
    const seen: string[] = [];
    watcher.subscribe({ query: UPDATED, variables: { id: incident.id } }, { next: (v: any) => seen.push(v.data.incidentUpdated.summary.slice(0, 7)), error: () => undefined, complete: () => undefined });
    await new Promise((r) => setTimeout(r, 500));
    slow.pause();
    let frames = 0;
    slow.on('message', () => (frames += 1));
    // 40 updates are 16 MB for the slow socket: the kernel's buffers take a few MB, the server the limit.
    const updates = 40;
    for (let i = 1; i <= updates; i++) {
      await t.ok(`mutation($id: ID!, $s: String) { updateIncident(id: $id, input: { summary: $s }) { id } }`, { id: incident.id, s: `${String(i).padStart(7, '0')} ${'x'.repeat(9_990)}` }, responder.token);
    }
    slow.resume(); // reads what the kernel holds, then the close frame
    const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 20_000))]);
    expect(code).toBe(1013);
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(40 * updates);
    // The watcher got every update, in order.
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(Array.from({ length: updates }, (_, i) => String(i + 1).padStart(7, '0')));
  }, 120_000);
});

describe('the principal cache', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  }, 180_000);
  afterAll(() => t.close());

  const statementsFor = async (work: () => Promise<unknown>) => {
    const before = await t.metric('sitrep_db_queries_total');
    await work();
    return (await t.metric('sitrep_db_queries_total')) - before;
  };

  it('serves a known token without reading the user again', async () => {
    const viewer = await t.createUser('VIEWER');
    expect(await statementsFor(() => t.ok('{ __typename }', {}, viewer.token))).toBe(1);
    expect(await statementsFor(() => t.ok('{ __typename }', {}, viewer.token))).toBe(0);
    expect(await statementsFor(() => t.ok('{ __typename }', {}, viewer.token))).toBe(0);
  });

  it('applies a role change, a deactivation and a password change at once', async () => {
    const person = await t.createUser('VIEWER');
    expect(codes(await t.gql(`mutation { declareIncident(input: { title: "x", severity: SEV3, trigger: STAFF_IDENTIFIED }) { id } }`, {}, person.token))).toEqual(['FORBIDDEN']);
    await t.ok(UPDATE_USER, { id: person.id, input: { role: 'RESPONDER' } }, t.admin.token);
    await declare(t, person);
    await t.ok(UPDATE_USER, { id: person.id, input: { deactivated: true } }, t.admin.token);
    expect(codes(await t.gql('{ __typename }', {}, person.token))).toEqual(['UNAUTHENTICATED']);

    const other = await t.createUser('RESPONDER');
    await t.ok('{ __typename }', {}, other.token);
    await t.ok(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token } }`, { c: 'responder-pass-123', n: 'another-pass-456' }, other.token);
    expect(codes(await t.gql('{ __typename }', {}, other.token))).toEqual(['UNAUTHENTICATED']);
  });

  it('keeps `me` fresh after a rename, which ends no session', async () => {
    const person = await t.createUser('VIEWER', 'Before');
    await t.ok('{ me { name } }', {}, person.token);
    await t.ok(UPDATE_USER, { id: person.id, input: { name: 'After' } }, t.admin.token);
    expect((await t.ok('{ me { name } }', {}, person.token)).me.name).toBe('After');
  });
});
