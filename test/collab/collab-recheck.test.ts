import { TokenService } from '../../src/auth/token.service';
import { loadConfig } from '../../src/config/config';
import { converged, editorPool, waitFor } from '../support/collab-clients';
import { declareIncident } from '../support/factories';
import { startWithTeam, type TestServer, type TestUser } from '../support/test-server';

const EDITORS = `query($id: ID!) { incident(id: $id) { activeEditors { id } document { markdown } } }`;
const RECHECK_MS = 200;

describe('collaboration sockets re-check their caller', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  const editors = editorPool();
  const editor = (incidentId: string, token: string) => editors.open(t.url, incidentId, token);

  beforeAll(async () => ({ t, alice, bob } = await startWithTeam({ collab: { ...loadConfig({}).collab, recheckIntervalMs: RECHECK_MS } })));
  afterEach(() => {
    editors.closeAll();
  });
  afterAll(async () => {
    await t.close();
  });

  it('closes a socket whose login token expires with 4401, while others with valid tokens stay', async () => {
    const id = await declareIncident(t, t.admin);
    // A real login token of Alice's, signed with the server's secret, that lives 2 to 3 seconds (JWT times are
    // whole seconds): long enough to sync on a busy machine, short enough to expire while the test watches.
    const shortLived = await new TokenService(t.server.services.config.jwtSecret!, 3).sign(alice.id, 0);
    const expiring = editor(id, shortLived);
    const lasting = editor(id, bob.token);
    await Promise.all([expiring.synced(), lasting.synced()]);
    expect(expiring.closes).toEqual([]);
    const closed = await expiring.closed(5_000);
    expect(closed).toEqual({ code: 4401, reason: 'token expired; log in again' });
    await new Promise((resolve) => setTimeout(resolve, RECHECK_MS * 3));
    expect(lasting.closes).toEqual([]);
    expect((await t.ok(EDITORS, { id }, t.admin.token)).incident.activeEditors).toEqual([{ id: bob.id }]);
  });

  it('turns a socket read-only when its user is demoted to VIEWER: no longer an editor, edits dropped, updates still received', async () => {
    const id = await declareIncident(t, t.admin);
    const carol = await t.createUser('RESPONDER', 'Carol');
    const demoted = editor(id, carol.token);
    const other = editor(id, bob.token);
    await Promise.all([demoted.synced(), other.synced()]);
    demoted.text.insert(0, 'before demotion\n');
    await converged([demoted, other]);
    expect((await t.ok(EDITORS, { id }, t.admin.token)).incident.activeEditors.map((u: { id: string }) => u.id).sort()).toEqual([bob.id, carol.id].sort());

    await t.sql(`UPDATE users SET role = 'VIEWER' WHERE id = $1`, [carol.id]);
    await waitFor(async () => (await t.ok(EDITORS, { id }, t.admin.token)).incident.activeEditors.length === 1, 5_000);
    expect((await t.ok(EDITORS, { id }, t.admin.token)).incident.activeEditors).toEqual([{ id: bob.id }]);

    demoted.text.insert(0, 'after demotion\n');
    other.text.insert(other.text.length, 'from bob\n');
    await waitFor(() => demoted.text.toString().endsWith('from bob\n'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(other.text.toString()).not.toContain('after demotion');
    expect((await t.ok(EDITORS, { id }, t.admin.token)).incident.document.markdown).not.toContain('after demotion');
    expect(demoted.closes).toEqual([]);
  });

  it('closes a socket opened with an API token with 4401 once the token is revoked', async () => {
    const id = await declareIncident(t, t.admin);
    const created = (
      await t.ok(
        `mutation { createApiToken(name: "Runbook bot", role: RESPONDER) { token apiToken { id } } }`,
        {},
        t.admin.token,
      )
    ).createApiToken;
    const bot = editor(id, created.token);
    await bot.synced();
    await t.ok(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: created.apiToken.id }, t.admin.token);
    const closed = await bot.closed(5_000 + t.server.services.config.apiTokenCacheSeconds * 1000);
    expect(closed.code).toBe(4401);
  });
});
