import { loadConfig } from '../../src/config/config';
import { converged, editorPool, rawSocket, waitFor } from '../support/collab-clients';
import { declareIncident } from '../support/factories';
import { startWithTeam, type TestServer, type TestUser } from '../support/test-server';

const DOCUMENT = `query($id: ID!) { incident(id: $id) { document { markdown updatedAt } activeEditors { id } } }`;

describe('live incident document over the y-websocket protocol', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let viewer: TestUser;
  const editors = editorPool();
  const editor = (incidentId: string, token?: string) => editors.open(t.url, incidentId, token);
  const documentOf = async (id: string) => (await t.ok(DOCUMENT, { id }, alice.token)).incident;

  beforeAll(async () => ({ t, alice, bob, viewer } = await startWithTeam({ collab: { ...loadConfig({}).collab, unloadDelayMs: 200 } })));
  afterEach(() => {
    editors.closeAll();
  });
  afterAll(() => t.close());

  it('seeds the SRE live incident document once, filled in from the incident', async () => {
    const id = await declareIncident(t, alice, { title: 'Payments outage', summary: 'Checkout fails for EU users' });
    const first = editor(id, alice.token);
    const second = editor(id, bob.token);
    await Promise.all([first.synced(), second.synced()]);
    const text = await converged([first, second]);
    for (const section of ['Summary', 'Status', 'Command Post(s)', 'Command Hierarchy', 'Detailed Status', 'Exit Criteria', 'TODO list and bugs filed', 'Incident timeline']) {
      expect(text).toContain(`## ${section}`);
    }
    expect(text).toMatch(/^# Payments outage: \d{4}-\d{2}-\d{2}\n/);
    expect(text).toContain('Current Incident Commander: Alice');
    expect(text).toContain('Operations lead: Alice');
    expect(text).toContain('Checkout fails for EU users');
    // Reconnects and fresh clients never add a second copy.
    first.provider.disconnect();
    first.provider.connect();
    const third = editor(id, alice.token);
    await Promise.all([first.synced(), third.synced()]);
    const after = await converged([first, second, third]);
    expect(after.split('# Payments outage').length - 1).toBe(1);
    expect((await documentOf(id)).document.markdown).toBe(after);
  });

  it('converges 10 clients making concurrent random inserts and deletes, and GraphQL reads the same text', async () => {
    const id = await declareIncident(t, alice);
    const clients = Array.from({ length: 10 }, (_, i) => editor(id, i % 2 ? alice.token : bob.token));
    await Promise.all(clients.map((c) => c.synced()));
    for (let round = 0; round < 30; round++) {
      for (const [i, c] of clients.entries()) {
        const length = c.text.length;
        if (Math.random() < 0.3 && length > 10) c.text.delete(Math.floor(Math.random() * (length - 5)), 1 + Math.floor(Math.random() * 4));
        else c.text.insert(Math.floor(Math.random() * (length + 1)), `<${i}:${round}>`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
    }
    const text = await converged(clients);
    expect(text).toContain('<');
    const { document, activeEditors } = await documentOf(id);
    expect(document.markdown).toBe(text);
    expect(document.updatedAt).not.toBeNull();
    expect(activeEditors.map((u: { id: string }) => u.id).sort()).toEqual([alice.id, bob.id].sort());
  });

  it("never lets a viewer's local edits reach other clients or the store", async () => {
    const id = await declareIncident(t, alice);
    const writer = editor(id, alice.token);
    const reader = editor(id, viewer.token);
    await Promise.all([writer.synced(), reader.synced()]);
    reader.text.insert(0, 'VIEWER WAS HERE\n');
    writer.text.insert(0, 'responder line\n');
    await waitFor(() => reader.text.toString().includes('responder line'));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(writer.text.toString()).not.toContain('VIEWER WAS HERE');
    const late = editor(id, bob.token);
    await late.synced();
    expect(late.text.toString()).toContain('responder line');
    expect(late.text.toString()).not.toContain('VIEWER WAS HERE');
    // The viewer is connected but not editing.
    expect((await documentOf(id)).activeEditors.map((u: { id: string }) => u.id).sort()).toEqual([alice.id, bob.id].sort());
    editors.closeAll();
    // Once unloaded, GraphQL reads PostgreSQL: the viewer's text was never stored.
    await waitFor(async () => !t.server.services.collab.registry.get(id), 5000, 'document never unloaded');
    const stored = (await documentOf(id)).document.markdown;
    expect(stored).toContain('responder line');
    expect(stored).not.toContain('VIEWER WAS HERE');
  });

  it('closes a client without a token with 4401 and one on an unknown incident with 4404', async () => {
    const id = await declareIncident(t, alice);
    expect((await editor(id).closed()).code).toBe(4401);
    expect((await editor(id, 'not-a-token').closed()).code).toBe(4401);
    expect((await editor('00000000-0000-4000-8000-000000000000', alice.token).closed()).code).toBe(4404);
    expect((await editor('not-a-uuid', alice.token).closed()).code).toBe(4404);
  });

  it('closes only the sender of a malformed or oversized frame; the others carry on', async () => {
    const id = await declareIncident(t, alice);
    const a = editor(id, alice.token);
    const b = editor(id, bob.token);
    await Promise.all([a.synced(), b.synced()]);
    const garbage = await rawSocket(t.url, id, alice.token);
    garbage.send(Buffer.from([0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]));
    expect((await garbage.closeEvent).code).toBe(4400);
    const unknownType = await rawSocket(t.url, id, alice.token);
    unknownType.send(Buffer.from([9, 9, 9]));
    expect((await unknownType.closeEvent).code).toBe(4400);
    const empty = await rawSocket(t.url, id, alice.token);
    empty.send(Buffer.alloc(0));
    expect((await empty.closeEvent).code).toBe(4400);
    const huge = await rawSocket(t.url, id, alice.token);
    huge.send(Buffer.alloc(t.server.services.config.collab.maxFrameBytes + 1, 1));
    expect((await huge.closeEvent).code).toBe(1009);
    a.text.insert(0, 'still here\n');
    await waitFor(() => b.text.toString().startsWith('still here\n'));
    expect(a.closes).toEqual([]);
    expect(b.closes).toEqual([]);
  });
});
