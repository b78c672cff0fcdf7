import type { Client } from 'graphql-ws';
import { declare, quiet } from '../core/core-ops';
import { collect, startTestServer, type TestServer, type TestUser } from '../support/test-server';

const SELECTION = `id title status severity commander { name } roles { role holder { name } } timeline { kind body actor { name } }`;
const INCIDENT_UPDATED = `subscription($id: ID!) { incidentUpdated(id: $id) { ${SELECTION} } }`;
const INCIDENTS_CHANGED = `subscription { incidentsChanged { kind incident { ${SELECTION} } } }`;
const OWN_INCIDENT = `query($id: ID!) { incident(id: $id) { ${SELECTION} } }`;
const UPDATE = `mutation($id: ID!, $title: String!) { updateIncident(id: $id, input: { title: $title }) { id } }`;
const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }`;

interface Subscriber {
  user: TestUser;
  kind: 'updated-a' | 'updated-b' | 'changed';
  sub: ReturnType<typeof collect>;
}

describe('shared subscription execution', () => {
  let t: TestServer;
  let users: TestUser[];
  let a: { id: string };
  let b: { id: string };
  const subscribers: Subscriber[] = [];
  const clients = new Map<string, Client[]>();

  beforeAll(async () => {
    t = await startTestServer();
    users = [];
    for (const role of ['VIEWER', 'RESPONDER', 'ADMIN', 'VIEWER', 'RESPONDER', 'VIEWER'] as const) users.push(await t.createUser(role));
    a = await declare(t, users[1], { title: 'Incident A' });
    b = await declare(t, users[4], { title: 'Incident B' });
  }, 180_000);
  afterAll(() => t.close());

  /** Opens subscriptions until there are `total`, cycling through users and the three operations, ten per socket. */
  async function subscribeUpTo(total: number) {
    const kinds = ['updated-a', 'updated-b', 'changed'] as const;
    while (subscribers.length < total) {
      const i = subscribers.length;
      // The first nine are every role (users 0-2) with every operation; the rest cycle through all six users.
      const user = i < 9 ? users[i % 3] : users[i % users.length];
      const kind = i < 9 ? kinds[Math.floor(i / 3)] : kinds[Math.floor(i / users.length) % 3];
      const sockets = clients.get(user.id) ?? [];
      clients.set(user.id, sockets);
      const perUser = subscribers.filter((s) => s.user === user).length;
      if (perUser % 10 === 0) sockets.push(t.wsClient(user.token));
      const client = sockets[sockets.length - 1];
      const sub = kind === 'changed' ? collect(client, INCIDENTS_CHANGED) : collect(client, INCIDENT_UPDATED, { id: kind === 'updated-a' ? a.id : b.id });
      subscribers.push({ user, kind, sub });
    }
    // Until the server serves them all: an event published before a subscription is taken is not for it.
    const deadline = Date.now() + 90_000;
    while ((await t.metric('sitrep_graphql_subscriptions{kind="subscribers"}')) < total && Date.now() < deadline) await quiet(100);
    expect(await t.metric('sitrep_graphql_subscriptions{kind="subscribers"}')).toBe(total);
    expect(await t.metric('sitrep_graphql_subscriptions{kind="groups"}')).toBe(9);
  }

  /** Updates incident A and returns the SQL statements the server ran until every delivery was made. */
  async function updateA(title: string, receivers: Subscriber[]): Promise<number> {
    const before = await t.metric('sitrep_db_queries_total');
    const counts = receivers.map((s) => s.sub.values.length);
    await t.ok(UPDATE, { id: a.id, title }, users[1].token);
    await Promise.all(receivers.map((s, i) => s.sub.next(counts[i] + 1, 15_000)));
    await quiet(300);
    return (await t.metric('sitrep_db_queries_total')) - before;
  }

  const receiversOf = (list: Subscriber[]) => list.filter((s) => s.kind !== 'updated-b');

  it('runs the same number of statements for one event with 10 subscribers as with 200, and each gets what its own query gives', async () => {
    await subscribeUpTo(10);
    // Every role meets every operation among the first ten: the same groups as with 200.
    const statementsFor10 = await updateA('A, seen by 10', receiversOf(subscribers));

    await subscribeUpTo(200);
    const statementsFor200 = await updateA('A, seen by 200', receiversOf(subscribers));
    expect(statementsFor200).toBe(statementsFor10);
    expect(statementsFor10).toBeLessThan(20);

    // Exactly what each subscriber's own execution gives, read with its own token.
    const own = new Map<string, unknown>();
    for (const user of users) own.set(user.id, (await t.ok(OWN_INCIDENT, { id: a.id }, user.token)).incident);
    for (const s of subscribers) {
      const last = s.sub.values.at(-1);
      if (s.kind === 'updated-b') {
        expect(s.sub.values).toHaveLength(0);
      } else if (s.kind === 'updated-a') {
        expect(last).toEqual({ data: { incidentUpdated: own.get(s.user.id) } });
      } else {
        expect(last).toEqual({ data: { incidentsChanged: { kind: 'UPDATED', incident: own.get(s.user.id) } } });
      }
    }
  }, 240_000);

  it('sends nothing to a subscriber whose account was deactivated', async () => {
    const gone = users[5];
    const theirs = subscribers.filter((s) => s.user === gone);
    const counts = theirs.map((s) => s.sub.values.length);
    await t.ok(UPDATE_USER, { id: gone.id, input: { deactivated: true } }, t.admin.token);
    await quiet(200);
    const others = receiversOf(subscribers).filter((s) => s.user !== gone);
    await updateA('A, after a deactivation', others);
    expect(theirs.map((s) => s.sub.values.length)).toEqual(counts);
  }, 60_000);

  it('keeps a subscription that fails its own checks out of the group', async () => {
    const client = t.wsClient(users[0].token);
    const missing = collect(client, INCIDENT_UPDATED, { id: '00000000-0000-4000-8000-000000000000' });
    const deadline = Date.now() + 20_000;
    while (!missing.values.length && !missing.error && Date.now() < deadline) await quiet(100);
    expect(missing.values.length + (missing.error ? 1 : 0)).toBe(1);
    const errors = (missing.values[0]?.errors ?? missing.error) as Array<{ extensions: { code: string } }>;
    expect(errors[0].extensions.code).toBe('NOT_FOUND');
  });
});
