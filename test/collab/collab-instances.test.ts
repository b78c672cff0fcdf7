import { loadConfig, type Config } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { startServer, type RunningServer } from '../../src/server/app';
import { describeWithRedis, uniqueRedisPrefix } from '../support/redis';
import { converged, editorPool, waitFor } from '../support/collab-clients';
import { declareIncident } from '../support/factories';
import { startWithTeam, type TestServer, type TestUser } from '../support/test-server';

const EDITORS = `query($id: ID!) { incident(id: $id) { activeEditors { id } } }`;

describeWithRedis('live incident document across instances (Redis relay)', (redisUrl) => {
  let t: TestServer;
  let other: RunningServer;
  let alice: TestUser;
  let bob: TestUser;
  const editors = editorPool();
  const editor = (url: string, id: string, user: TestUser) => editors.open(url, id, user.token);
  const declare = () => declareIncident(t, alice, { title: 'Two regions' });

  beforeAll(async () => {
    // Edits stay in memory for a minute: what a late instance sees can only have come over the relay.
    const collab: Config['collab'] = { ...loadConfig({}).collab, flushIntervalMs: 60_000 };
    ({ t, alice, bob } = await startWithTeam({ redisUrl, redisPrefix: uniqueRedisPrefix(), collab }));
    other = await startServer({ ...t.server.services.config, port: 0 }, createLogger('silent'));
  });
  afterEach(() => {
    editors.closeAll();
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  it('shows each editor the edits made on the other instance, live', async () => {
    const id = await declare();
    const a = editor(t.url, id, alice);
    const b = editor(other.url, id, bob);
    await Promise.all([a.synced(), b.synced()]);
    for (let i = 0; i < 20; i++) {
      a.text.insert(0, `a${i}\n`);
      b.text.insert(b.text.length, `b${i}\n`);
    }
    const text = await converged([a, b]);
    expect(text).toContain('a19\n');
    expect(text).toContain('b19\n');
    expect(text.split('# Two regions').length - 1).toBe(1);
    a.provider.awareness.setLocalStateField('user', { name: 'Alice' });
    await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID) as { user?: { name: string } } | undefined)?.user?.name === 'Alice');
  });

  it('reports an editor connected to either instance as active on both, and neither once they leave', async () => {
    const id = await declare();
    const editorsOn = async (url: string) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
        body: JSON.stringify({ query: EDITORS, variables: { id } }),
      });
      const { data } = (await response.json()) as { data: { incident: { activeEditors: Array<{ id: string }> } } };
      return data.incident.activeEditors.map((u) => u.id).sort();
    };
    const a = editor(t.url, id, alice);
    const b = editor(other.url, id, bob);
    await Promise.all([a.synced(), b.synced()]);
    const both = [alice.id, bob.id].sort();
    expect(await editorsOn(t.url)).toEqual(both);
    expect(await editorsOn(other.url)).toEqual(both);

    b.destroy();
    await waitFor(async () => (await editorsOn(t.url)).join() === alice.id);
    expect(await editorsOn(other.url)).toEqual([alice.id]);
    a.destroy();
    await waitFor(async () => (await editorsOn(other.url)).length === 0);
    expect(await editorsOn(t.url)).toEqual([]);
  });

  it("gives an instance that loads the document later the other instance's unflushed edits", async () => {
    const id = await declare();
    const a = editor(t.url, id, alice);
    await a.synced();
    a.text.insert(0, 'not in PostgreSQL yet\n');
    await waitFor(() => t.server.services.collab.registry.get(id)?.markdown.startsWith('not in PostgreSQL yet') ?? false);
    const b = editor(other.url, id, bob);
    await b.synced();
    await waitFor(() => b.text.toString().startsWith('not in PostgreSQL yet\n'));
    expect(await converged([a, b])).toBe(a.text.toString());
  });
});
