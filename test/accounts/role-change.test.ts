import { connectEditor, waitFor } from '../support/collab-clients';
import { startTestServer, type GqlResult, type TestServer } from '../support/test-server';
import { declare } from '../core/core-ops';

const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id role } }`;
const DECLARE = `mutation { declareIncident(input: { title: "Over the socket", severity: SEV3, trigger: USER_REPORT }) { id } }`;

/** Runs one operation over an open graphql-ws client and returns its result. */
function run(client: ReturnType<TestServer['wsClient']>, query: string): Promise<GqlResult> {
  return new Promise((resolve, reject) => {
    let result: GqlResult | undefined;
    client.subscribe({ query }, { next: (value) => (result = value as GqlResult), error: reject, complete: () => resolve(result!) });
  });
}

describe('a role change on open sockets', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('applies to the next operation of an open graphql-ws connection', async () => {
    const responder = await t.createUser('RESPONDER');
    const client = t.wsClient(responder.token);
    expect((await run(client, DECLARE)).errors).toBeUndefined();
    await t.ok(UPDATE_USER, { id: responder.id, input: { role: 'VIEWER' } }, t.admin.token);
    const refused = await run(client, DECLARE);
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('reconnects the collaboration socket (4000) so that it is admitted with the new rights', async () => {
    const responder = await t.createUser('RESPONDER');
    const incident = await declare(t, responder);
    const editor = connectEditor(t.url, incident.id, responder.token);
    await editor.synced();
    expect(await t.server.services.collab.activeEditorIds(incident.id)).toContain(responder.id);
    await t.ok(UPDATE_USER, { id: responder.id, input: { role: 'VIEWER' } }, t.admin.token);
    expect(await editor.closed()).toMatchObject({ code: 4000 });
    await waitFor(() => editor.provider.wsconnected && editor.provider.synced, 10_000, 'editor did not reconnect');
    expect(await t.server.services.collab.activeEditorIds(incident.id)).not.toContain(responder.id);
    editor.destroy();
  });
});
