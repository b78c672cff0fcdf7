import { loadConfig } from '../../src/config/config';
import { editorPool, waitFor } from '../support/collab-clients';
import { declareIncident } from '../support/factories';
import { startWithTeam, type TestServer, type TestUser } from '../support/test-server';


describe('live incident document limits', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  const editors = editorPool();
  const editor = (id: string, user: TestUser) => editors.open(t.url, id, user.token);

  beforeAll(async () => {
    ({ t, alice, bob } = await startWithTeam({
      collab: { ...loadConfig({}).collab, maxDocumentBytes: 24_000, maxAwarenessBytes: 1024, awarenessPerSecond: 5 },
    }));
  });
  afterEach(() => {
    editors.closeAll();
  });
  afterAll(() => t.close());

  it('closes an editor whose edit would outgrow the document with 4413; the others carry on', async () => {
    const id = await declareIncident(t, alice);
    const a = editor(id, alice);
    const b = editor(id, bob);
    await Promise.all([a.synced(), b.synced()]);
    a.text.insert(0, 'x'.repeat(30_000));
    expect((await a.closed()).code).toBe(4413);
    b.text.insert(0, 'b is fine\n');
    const c = editor(id, alice);
    await waitFor(() => c.text.toString().startsWith('b is fine\n'));
    expect(c.text.toString()).not.toContain('xxxx');
    expect(b.text.toString()).not.toContain('xxxx');
  });

  it('takes back a reconnecting editor whose resync repeats a large document it already has', async () => {
    const id = await declareIncident(t, alice);
    const a = editor(id, alice);
    const b = editor(id, bob);
    await Promise.all([a.synced(), b.synced()]);
    a.text.insert(0, 'y'.repeat(14_000));
    await waitFor(() => b.text.length === a.text.length);
    a.provider.disconnect();
    a.text.insert(0, 'offline line\n');
    a.provider.connect();
    await waitFor(() => b.text.toString().startsWith('offline line\n'));
    expect(a.closes).toEqual([]);
  });

  it("echoes an editor's awareness back to it, so that a lone editor's y-websocket does not time out", async () => {
    const id = await declareIncident(t, alice);
    const lone = editor(id, alice);
    await lone.synced();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = lone.provider.wsLastMessageReceived;
    lone.provider.awareness.setLocalStateField('user', { name: 'Alice' });
    await waitFor(() => lone.provider.wsLastMessageReceived > before, 2000, 'no echo');
  });

  it("does not count the awareness changes an editor's y-websocket sends back against that editor's own rate", async () => {
    // y-websocket sends the server every awareness change it receives; at 5/s these echoes alone would
    // use up the observer's budget, and its own cursor would be dropped.
    const id = await declareIncident(t, alice);
    const observer = editor(id, alice);
    const others = [editor(id, bob), editor(id, bob), editor(id, bob)];
    await Promise.all([observer, ...others].map((e) => e.synced()));
    const dropped = await t.metric('sitrep_collab_dropped_messages_total{reason="awareness-rate"}');
    for (let round = 0; round < 15; round++) {
      others[round % 3].provider.awareness.setLocalStateField('cursor', round);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await waitFor(() => others.every((o) => (observer.provider.awareness.getStates().get(o.doc.clientID) as { cursor?: number } | undefined)?.cursor !== undefined));
    observer.provider.awareness.setLocalStateField('cursor', 42);
    await waitFor(() => (others[0].provider.awareness.getStates().get(observer.doc.clientID) as { cursor?: number } | undefined)?.cursor === 42, 1500, "the observer's own cursor was dropped");
    expect(await t.metric('sitrep_collab_dropped_messages_total{reason="awareness-rate"}')).toBe(dropped);
  });

  it('relays awareness between editors, and drops oversized and too frequent updates', async () => {
    const id = await declareIncident(t, alice);
    const a = editor(id, alice);
    const b = editor(id, bob);
    await Promise.all([a.synced(), b.synced()]);
    a.provider.awareness.setLocalStateField('user', { name: 'Alice', cursor: 3 });
    const seen = () => b.provider.awareness.getStates().get(a.doc.clientID) as { user?: { name: string; blob?: string } } | undefined;
    await waitFor(() => seen()?.user?.name === 'Alice');
    a.provider.awareness.setLocalStateField('user', { name: 'Alice', blob: 'z'.repeat(4096) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen()?.user?.blob).toBeUndefined();
    for (let i = 0; i < 40; i++) a.provider.awareness.setLocalStateField('user', { name: `Alice ${i}` });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await t.metric('sitrep_collab_dropped_messages_total{reason="awareness-rate"}')).toBeGreaterThan(0);
    expect(await t.metric('sitrep_collab_dropped_messages_total{reason="awareness-size"}')).toBeGreaterThan(0);
    expect(a.closes).toEqual([]);
  });
});
