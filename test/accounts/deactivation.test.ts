import { connectEditor, waitFor } from '../support/collab-clients';
import { collect, startTestServer, TEST_PASSWORD, type TestServer } from '../support/test-server';
import { ASSIGN, codes, declare, getIncident, sql } from '../core/core-ops';

const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id name role deactivatedAt } }`;
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;
const ME = `{ me { id role } }`;
const DEACTIVATED_USERS = `{ deactivatedUsers { id name deactivatedAt isIntegration } }`;
const INCIDENTS_CHANGED = `subscription { incidentsChanged { kind incident { id } } }`;

describe('updateUser and deactivation', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  const update = (id: string, input: Record<string, unknown>, token = t.admin.token) => t.gql(UPDATE_USER, { id, input }, token);

  it('lets an admin rename a person and change their role, which applies to their existing token at once', async () => {
    const viewer = await t.createUser('VIEWER', 'Vera');
    const result = await t.ok(UPDATE_USER, { id: viewer.id, input: { name: '  Vera Lynn ', role: 'RESPONDER' } }, t.admin.token);
    expect(result.updateUser).toEqual({ id: viewer.id, name: 'Vera Lynn', role: 'RESPONDER', deactivatedAt: null });
    expect((await t.ok(ME, {}, viewer.token)).me.role).toBe('RESPONDER');
    await declare(t, viewer);
  });

  it('refuses non-admins, unknown ids, blank names and integration users with contract codes', async () => {
    const responder = await t.createUser('RESPONDER');
    const other = await t.createUser('VIEWER');
    expect(codes(await update(other.id, { role: 'ADMIN' }, responder.token))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(UPDATE_USER, { id: other.id, input: { role: 'ADMIN' } }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await update('00000000-0000-4000-8000-000000000000', { name: 'x' }))).toEqual(['NOT_FOUND']);
    expect(codes(await update('not-an-id', { name: 'x' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await update(other.id, { name: '   ' }))).toEqual(['BAD_USER_INPUT']);
    const token = await t.ok(`mutation { createApiToken(name: "Grafana", role: RESPONDER) { apiToken { id } } }`, {}, t.admin.token);
    expect(token).toBeTruthy();
    const [integration] = await sql(t, `SELECT id FROM users WHERE is_integration`);
    const refused = await update(integration.id, { deactivated: true });
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0].message).toMatch(/API token/);
    expect((await t.ok(ME, {}, other.token)).me.role).toBe('VIEWER');
  });

  it('never leaves the team without an active admin, and admins cannot deactivate themselves', async () => {
    const selfDeactivation = await update(t.admin.id, { deactivated: true });
    expect(codes(selfDeactivation)).toEqual(['BAD_USER_INPUT']);
    const lastAdmin = await update(t.admin.id, { role: 'RESPONDER' });
    expect(codes(lastAdmin)).toEqual(['CONFLICT']);
    expect(lastAdmin.errors![0].message).toMatch(/last active admin/);

    const second = await t.createUser('ADMIN', 'Second Admin');
    // Both tokens in use (and so both principals cached), so that neither request is slower to authenticate.
    await t.ok('{ __typename }', {}, second.token);
    // Two admins demoting each other at the same moment: exactly one succeeds.
    const [a, b] = await Promise.all([update(second.id, { role: 'RESPONDER' }), update(t.admin.id, { role: 'VIEWER' }, second.token)]);
    expect([codes(a), codes(b)].sort()).toEqual([[], ['CONFLICT']].sort());
    const [{ n }] = await sql(t, `SELECT count(*)::int AS n FROM users WHERE role = 'ADMIN' AND deactivated_at IS NULL`);
    expect(n).toBe(1);
    // Restore: the bootstrap admin stays the admin for the other tests.
    if (codes(b).length === 0) {
      const [row] = await sql(t, `SELECT id FROM users WHERE role = 'ADMIN' AND deactivated_at IS NULL`);
      expect(row.id).toBe(second.id);
      await t.ok(UPDATE_USER, { id: t.admin.id, input: { role: 'ADMIN' } }, second.token);
      await t.ok(UPDATE_USER, { id: second.id, input: { role: 'RESPONDER' } }, t.admin.token);
    }
    expect((await t.ok(ME, {}, t.admin.token)).me.role).toBe('ADMIN');
  });

  it('also counts deactivation as losing an admin', async () => {
    const second = await t.createUser('ADMIN');
    expect(codes(await update(t.admin.id, { deactivated: true }, second.token))).toEqual([]);
    expect(codes(await update(second.id, { role: 'VIEWER' }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await update(second.id, { deactivated: true }, second.token))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await update(second.id, { role: 'VIEWER' }, second.token))).toEqual(['CONFLICT']);
    await t.ok(UPDATE_USER, { id: t.admin.id, input: { deactivated: false } }, second.token);
    // Reactivation does not revive old tokens: the admin logs in again.
    expect(codes(await t.gql(ME, {}, t.admin.token))).toEqual(['UNAUTHENTICATED']);
    const { login } = await t.ok(LOGIN, { e: t.admin.email, p: 'admin-password-123' });
    t.admin.token = login.token;
    await t.ok(UPDATE_USER, { id: second.id, input: { deactivated: true } }, t.admin.token);
  });

  it('ends a deactivated user’s sessions at once on HTTP, graphql-ws and the collaboration socket', async () => {
    const responder = await t.createUser('RESPONDER', 'Departing Responder');
    const incident = await declare(t, responder);
    const client = t.wsClient(responder.token);
    const closes: number[] = [];
    client.on('closed', (event) => closes.push((event as { code: number }).code));
    const sub = collect(client, INCIDENTS_CHANGED);
    await sub.settle();
    const editor = connectEditor(t.url, incident.id, responder.token);
    await editor.synced();

    const result = await t.ok(UPDATE_USER, { id: responder.id, input: { deactivated: true } }, t.admin.token);
    expect(result.updateUser.deactivatedAt).toEqual(expect.any(String));

    await waitFor(() => closes.length > 0, 5000, 'graphql-ws socket was not closed');
    expect(closes[0]).toBe(4401);
    expect((await editor.closed()).code).toBe(4401);
    editor.destroy();

    const http = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${responder.token}` },
      body: JSON.stringify({ query: ME }),
    });
    expect(http.status).toBe(401);
    expect(((await http.json()) as { errors: Array<{ message: string }> }).errors[0].message).toMatch(/deactivated/);

    // A new graphql-ws connection is refused at connection init (graphql-ws answers 4403 Forbidden).
    const again = t.wsClient(responder.token);
    const refused = waitForClose(again);
    again.subscribe({ query: INCIDENTS_CHANGED }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    expect(await refused).toBe(4403);

    const reconnect = connectEditor(t.url, incident.id, responder.token);
    expect((await reconnect.closed()).code).toBe(4401);
    reconnect.destroy();

    const login = await t.gql(LOGIN, { e: responder.email, p: TEST_PASSWORD });
    expect(codes(login)).toEqual(['UNAUTHENTICATED']);
    expect(login.errors![0].message).toMatch(/deactivated/);
  });

  it('keeps deactivated users in history, marks them, and refuses to give them roles', async () => {
    const commander = await t.createUser('RESPONDER', 'Former Commander');
    const incident = await declare(t, commander);
    await t.ok(UPDATE_USER, { id: commander.id, input: { deactivated: true } }, t.admin.token);
    const stored = await getIncident(t, incident.id);
    expect(stored.commander.name).toBe('Former Commander');
    const history = await t.ok(`query($id: ID!) { incident(id: $id) { commander { name deactivatedAt } timeline { actor { name } } } }`, { id: incident.id }, t.admin.token);
    expect(history.incident.commander.deactivatedAt).toEqual(expect.any(String));
    expect(history.incident.timeline[0].actor.name).toBe('Former Commander');

    const assign = await t.gql(ASSIGN, { i: incident.id, r: 'INCIDENT_COMMANDER', u: commander.id }, t.admin.token);
    expect(codes(assign)).toEqual(['BAD_USER_INPUT']);
    expect(assign.errors![0].message).toMatch(/deactivated/);
  });

  it('refuses a deactivated person or an integration as the owner of an action item', async () => {
    const owner = await t.createUser('RESPONDER', 'Departed Owner');
    await t.ok(UPDATE_USER, { id: owner.id, input: { deactivated: true } }, t.admin.token);
    const incident = await declare(t, t.admin);
    const { startPostmortem } = await t.ok(`mutation($id: ID!) { startPostmortem(incidentId: $id) { id } }`, { id: incident.id }, t.admin.token);
    const ADD = `mutation($id: ID!, $input: ActionItemInput!) { addActionItem(postmortemId: $id, input: $input) { id } }`;
    const refused = await t.gql(ADD, { id: startPostmortem.id, input: { title: 'Add a canary', kind: 'PREVENT', priority: 'P1', ownerId: owner.id } }, t.admin.token);
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0].message).toBe('Departed Owner is deactivated and cannot own an action item');
    const [integration] = await sql(t, `SELECT id FROM users WHERE is_integration LIMIT 1`);
    const byBot = await t.gql(ADD, { id: startPostmortem.id, input: { title: 'Add a canary', kind: 'PREVENT', priority: 'P1', ownerId: integration.id } }, t.admin.token);
    expect(codes(byBot)).toEqual(['BAD_USER_INPUT']);
    const items = await t.ok(`query($id: ID!) { postmortem(id: $id) { actionItems { id } } }`, { id: startPostmortem.id }, t.admin.token);
    expect(items.postmortem.actionItems).toEqual([]);
  });

  it('lists active people in users, deactivated ones in deactivatedUsers, integration users in neither', async () => {
    const leaving = await t.createUser('VIEWER', 'Leaving Viewer');
    await t.ok(UPDATE_USER, { id: leaving.id, input: { deactivated: true } }, t.admin.token);
    const viewer = await t.createUser('VIEWER');
    const active = (await t.ok(`{ users { id isIntegration deactivatedAt } }`, {}, viewer.token)).users;
    expect(active.map((u: { id: string }) => u.id)).not.toContain(leaving.id);
    expect(active.every((u: { isIntegration: boolean; deactivatedAt: string | null }) => !u.isIntegration && u.deactivatedAt === null)).toBe(true);
    const gone = (await t.ok(DEACTIVATED_USERS, {}, viewer.token)).deactivatedUsers;
    expect(gone.find((u: { id: string }) => u.id === leaving.id)).toMatchObject({ name: 'Leaving Viewer', deactivatedAt: expect.any(String) });
    expect(gone.every((u: { isIntegration: boolean; deactivatedAt: string | null }) => !u.isIntegration && u.deactivatedAt !== null)).toBe(true);
    const [{ n }] = await sql(t, `SELECT count(*)::int AS n FROM users WHERE is_integration`);
    expect(n).toBeGreaterThan(0);
  });

  it('keeps an integration’s name in the timelines it wrote though users does not list it', async () => {
    const { createApiToken } = await t.ok(`mutation { createApiToken(name: "Status Bot", role: RESPONDER) { token } }`, {}, t.admin.token);
    const declared = await t.ok(`mutation { declareIncident(input: { title: "From a bot", severity: SEV4, trigger: AUTOMATED_ALERT }) { id } }`, {}, createApiToken.token);
    const read = await t.ok(`query($id: ID!) { incident(id: $id) { timeline { actor { name isIntegration } } } }`, { id: declared.declareIncident.id }, t.admin.token);
    expect(read.incident.timeline[0].actor).toEqual({ name: 'Status Bot', isIntegration: true });
    const listed = (await t.ok(`{ users { name } }`, {}, t.admin.token)).users;
    expect(listed.map((u: { name: string }) => u.name)).not.toContain('Status Bot');
  });
});

/** Resolves with the code of the next close of a graphql-ws client. */
function waitForClose(client: ReturnType<TestServer['wsClient']>): Promise<number> {
  return new Promise((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
}
