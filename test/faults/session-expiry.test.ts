import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose/jwt/sign';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { connectEditor, rawSocket, waitFor, type Editor } from '../support/collab-clients';
import { declareIncident } from '../support/factories';
import { collect, startTestServer, type TestServer, type TestUser } from '../support/test-server';

const JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

/** A login token for `user` that expires `seconds` from now (the server's own TTL is hours). */
async function shortToken(user: TestUser, seconds: number): Promise<{ token: string; expiresAt: number }> {
  const exp = Math.floor(Date.now() / 1000) + seconds;
  const token = await new SignJWT({ gen: 0 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer('sitrep')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(JWT_SECRET));
  return { token, expiresAt: exp * 1000 };
}

/** A y-websocket awareness frame setting `clientId`'s state (null removes it). */
function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, clientId);
  encoding.writeVarUint(update, clock);
  encoding.writeVarString(update, JSON.stringify(state));
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, 1);
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
  return encoding.toUint8Array(message);
}

describe('sessions end on every socket when the token does', () => {
  let t: TestServer;
  let alice: TestUser;
  const editors: Editor[] = [];
  beforeAll(async () => {
    t = await startTestServer();
    alice = await t.createUser('RESPONDER', 'Alice');
  });
  afterEach(() => editors.splice(0).forEach((e) => e.destroy()));
  afterAll(() => t.close());

  it('closes the graphql-ws subscription and the collaboration socket with 4401 within a second of expiry, and stores no later edit', async () => {
    const id = await declareIncident(t, t.admin, { title: 'Expiring', severity: 'SEV3' });
    const { token, expiresAt } = await shortToken(alice, 3);

    let graphqlClosedAt = 0;
    let graphqlCode = 0;
    const client = createClient({
      url: t.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
      on: {
        closed: (event) => {
          graphqlClosedAt = Date.now();
          graphqlCode = (event as { code: number }).code;
        },
      },
    });
    const sub = collect(client, `subscription { incidentsChanged { kind } }`);
    await sub.settle(300);

    const editor = connectEditor(t.url, id, token);
    editors.push(editor);
    let collabClosedAt = 0;
    editor.provider.on('connection-close', () => {
      collabClosedAt ||= Date.now();
    });
    await editor.synced();
    editor.text.insert(0, 'before expiry\n');

    await waitFor(() => graphqlClosedAt > 0 && collabClosedAt > 0, expiresAt - Date.now() + 3_000, 'sockets stayed open past expiry');
    expect(graphqlCode).toBe(4401);
    expect(editor.closes[0].code).toBe(4401);
    for (const closedAt of [graphqlClosedAt, collabClosedAt]) {
      expect(closedAt).toBeGreaterThanOrEqual(expiresAt - 50);
      expect(closedAt - expiresAt).toBeLessThan(1_000);
    }

    // After expiry: the editor's edit goes nowhere, and a raw socket sending one is refused.
    editor.text.insert(0, 'after expiry\n');
    const raw = await rawSocket(t.url, id, token);
    expect((await raw.closeEvent).code).toBe(4401);
    await client.dispose();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [stored] = await t.server.services.documents.readMarkdown([id]);
    expect(stored.markdown).toContain('before expiry');
    expect(stored.markdown).not.toContain('after expiry');
  });
});

describe('awareness belongs to its socket', () => {
  let t: TestServer;
  let viewer: TestUser;
  const editors: Editor[] = [];
  beforeAll(async () => {
    t = await startTestServer();
    viewer = await t.createUser('VIEWER', 'Mallory');
  });
  afterEach(() => editors.splice(0).forEach((e) => e.destroy()));
  afterAll(() => t.close());

  it('drops awareness sent under someone else\'s clientID and keeps the owner\'s presence intact', async () => {
    const id = await declareIncident(t, t.admin, { title: 'Spoofed', severity: 'SEV3' });
    const admin = connectEditor(t.url, id, t.admin.token);
    editors.push(admin);
    await admin.synced();
    admin.provider.awareness.setLocalStateField('user', { name: 'Admin' });
    const serverState = (clientId: number) => t.server.services.collab.registry.get(id)?.awareness.getStates().get(clientId) as { user?: { name: string } } | undefined;
    await waitFor(() => serverState(admin.doc.clientID)?.user?.name === 'Admin');

    const mallory = await rawSocket(t.url, id, viewer.token);
    const clock = (admin.provider.awareness.meta.get(admin.doc.clientID)?.clock ?? 0) + 10;
    mallory.send(awarenessFrame(admin.doc.clientID, clock, { user: { name: 'Mallory as Admin' } }));
    mallory.send(awarenessFrame(admin.doc.clientID, clock + 1, null));
    // Mallory's own presence, under a clientID of her own, is fine.
    mallory.send(awarenessFrame(424242, 1, { user: { name: 'Mallory' } }));
    await waitFor(() => serverState(424242)?.user?.name === 'Mallory');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(serverState(admin.doc.clientID)?.user?.name).toBe('Admin');
    expect((admin.provider.awareness.getStates().get(admin.doc.clientID) as { user: { name: string } }).user.name).toBe('Admin');
    // And the owner still controls it.
    admin.provider.awareness.setLocalStateField('user', { name: 'Admin (away)' });
    await waitFor(() => serverState(admin.doc.clientID)?.user?.name === 'Admin (away)');
    mallory.close();
  });
});
