import type { Client } from 'graphql-ws';
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
    t = await startTestServer({ subscriptionLimits: { perSocket: 3, perUser: 5 } });
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
