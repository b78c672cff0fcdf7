import crypto from 'node:crypto';
import { connectEditor, waitFor } from '../support/collab-clients';
import { collect, startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { CREATE_TOKEN } from './alertmanager-fixtures';

describe('API tokens', () => {
  let t: TestServer;
  let alice: TestUser;

  beforeAll(async () => ({ t, alice } = await startWithTeam()));
  afterAll(async () => {
    await t.close();
  });

  it('lets only an admin create a token, shows the secret once and stores only its SHA-256', async () => {
    const denied = await t.gql(CREATE_TOKEN, { name: 'Nope', role: 'RESPONDER' }, alice.token);
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await t.gql(CREATE_TOKEN, { name: 'Nope', role: 'RESPONDER' });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const blank = await t.gql(CREATE_TOKEN, { name: '  ', role: 'RESPONDER' }, t.admin.token);
    expect(blank.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const { createApiToken } = await t.ok(CREATE_TOKEN, { name: 'Grafana', role: 'RESPONDER' }, t.admin.token);
    expect(createApiToken.token).toMatch(/^sitrep_[A-Za-z0-9_-]{43}$/);
    expect(createApiToken.apiToken).toMatchObject({ name: 'Grafana', role: 'RESPONDER' });
    const rows = await t.sql(`SELECT * FROM api_tokens WHERE id = $1`, [createApiToken.apiToken.id]);
    expect(rows[0].token_hash).toBe(crypto.createHash('sha256').update(createApiToken.token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(createApiToken.token.slice(7));
  });

  it('authenticates over HTTP and graphql-ws as its integration user, with the role it was given', async () => {
    const { createApiToken } = await t.ok(CREATE_TOKEN, { name: 'Deploy bot', role: 'RESPONDER' }, t.admin.token);
    const { me } = await t.ok(`{ me { id name role isIntegration } }`, {}, createApiToken.token);
    expect(me).toMatchObject({ name: 'Deploy bot', role: 'RESPONDER', isIntegration: true });
    const declared = await t.ok(
      `mutation { declareIncident(input: { title: "From a bot", severity: SEV4, trigger: STAFF_IDENTIFIED }) { commander { id } } }`,
      {},
      createApiToken.token,
    );
    expect(declared.declareIncident.commander.id).toBe(me.id);
    const ws = t.wsClient(createApiToken.token);
    const result = await new Promise<any>((resolve, reject) =>
      ws.subscribe({ query: `{ me { id } }` }, { next: resolve, error: reject, complete: () => undefined }),
    );
    expect(result.data.me.id).toBe(me.id);

    const viewer = (await t.ok(CREATE_TOKEN, { name: 'Dashboard', role: 'VIEWER' }, t.admin.token)).createApiToken.token;
    const refused = await t.gql(`mutation { declareIncident(input: { title: "x", severity: SEV4, trigger: STAFF_IDENTIFIED }) { id } }`, {}, viewer);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('gives each token an integration user that cannot log in', async () => {
    const { createApiToken } = await t.ok(CREATE_TOKEN, { name: 'Login attempt', role: 'ADMIN' }, t.admin.token);
    const user = (await t.sql(`SELECT u.* FROM users u JOIN api_tokens t ON t.user_id = u.id WHERE t.id = $1`, [createApiToken.apiToken.id]))[0];
    expect(user).toMatchObject({ is_integration: true, password_hash: null, role: 'ADMIN' });
    const login = await t.gql(`mutation($e: String!) { login(email: $e, password: "whatever-123") { token } }`, { e: user.email });
    expect(login.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('closes the open graphql-ws and document sockets of a revoked token at once (4401)', async () => {
    const { createApiToken } = await t.ok(CREATE_TOKEN, { name: 'Wallboard', role: 'RESPONDER' }, t.admin.token);
    const { declareIncident } = await t.ok(
      `mutation { declareIncident(input: { title: "Revoked token", severity: SEV3, trigger: USER_REPORT }) { id } }`,
      {},
      alice.token,
    );
    const client = t.wsClient(createApiToken.token);
    const closes: number[] = [];
    client.on('closed', (event) => closes.push((event as { code: number }).code));
    const sub = collect(client, `subscription { incidentsChanged { kind } }`);
    await sub.settle();
    const editor = connectEditor(t.url, declareIncident.id, createApiToken.token);
    await editor.synced();

    await t.ok(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: createApiToken.apiToken.id }, t.admin.token);

    await waitFor(() => closes.length > 0, 5000, 'the revoked token kept its graphql-ws socket');
    expect(closes[0]).toBe(4401);
    expect((await editor.closed()).code).toBe(4401);
    editor.destroy();
  });

  it('lists tokens for admins and revokes them at once', async () => {
    const { createApiToken } = await t.ok(CREATE_TOKEN, { name: 'Short lived', role: 'RESPONDER' }, t.admin.token);
    const list = async (includeRevoked = false) =>
      (await t.ok(`query($r: Boolean) { apiTokens(includeRevoked: $r) { id name revokedAt } }`, { r: includeRevoked }, t.admin.token)).apiTokens;
    expect((await list()).map((x: any) => x.id)).toContain(createApiToken.apiToken.id);
    expect((await t.gql(`{ apiTokens { id } }`, {}, alice.token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: createApiToken.apiToken.id }, alice.token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const { revokeApiToken } = await t.ok(`mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }`, { id: createApiToken.apiToken.id }, t.admin.token);
    expect(revokeApiToken.revokedAt).not.toBeNull();
    const again = await t.ok(`mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id: createApiToken.apiToken.id }, t.admin.token);
    expect(again.revokeApiToken.revokedAt).toBe(revokeApiToken.revokedAt);

    const after = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${createApiToken.token}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(after.status).toBe(401);
    expect((await list()).map((x: any) => x.id)).not.toContain(createApiToken.apiToken.id);
    expect((await list(true)).map((x: any) => x.id)).toContain(createApiToken.apiToken.id);

    const unknown = await t.gql(`mutation { revokeApiToken(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, t.admin.token);
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const bad = await t.gql(`mutation { revokeApiToken(id: "nope") { id } }`, {}, t.admin.token);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
