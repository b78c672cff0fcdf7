import * as Y from 'yjs';
import { loadConfig } from '../../src/config/config';
import { converged, editorPool, rawSocket, waitFor } from '../support/collab-clients';
import { declareIncident } from '../support/factories';
import { startWithTeam, type TestServer, type TestUser } from '../support/test-server';

const MARKDOWN = `query($id: ID!) { incident(id: $id) { document { markdown } } }`;

describe('batched broadcast of the live document', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  const editors = editorPool();
  const editor = (id: string, user: TestUser) => editors.open(t.url, id, user.token);
  const stored = async (id: string): Promise<string> => {
    await waitFor(() => !t.server.services.collab.registry.get(id), 5000, 'document never unloaded');
    return (await t.ok(MARKDOWN, { id }, alice.token)).incident.document.markdown;
  };

  // A long interval, so that the edits of a burst certainly share frames.
  beforeAll(async () => ({ t, alice, bob } = await startWithTeam({ collab: { ...loadConfig({}).collab, broadcastIntervalMs: 80, unloadDelayMs: 200 } })));
  afterEach(() => {
    editors.closeAll();
  });
  afterAll(() => t.close());

  it('merges a burst of edits from many editors into fewer frames; every editor converges and every edit is stored', async () => {
    const id = await declareIncident(t, alice);
    const clients = Array.from({ length: 6 }, (_, i) => editor(id, i % 2 ? alice : bob));
    await Promise.all(clients.map((c) => c.synced()));
    // A raw socket counts the update frames the server sends it (sync message 0, update 2).
    const observer = await rawSocket(t.url, id, alice.token);
    let updateFrames = 0;
    observer.on('message', (data: Buffer) => {
      if (data[0] === 0 && data[1] === 2) updateFrames += 1;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The server applies the edits of one interval together: one Yjs transaction each, not one per edit.
    let transactions = 0;
    t.server.services.collab.registry.get(id)!.doc.on('afterTransaction', () => (transactions += 1));
    const edits = 6 * 20;
    // One edit every 4 ms, each in a turn of its own on the server: only the interval gathers them.
    for (let round = 0; round < 20; round++) {
      for (const [i, c] of clients.entries()) {
        // At the start, so that no marker lands inside another.
        c.text.insert(0, `[${i}.${round}]`);
        await new Promise((resolve) => setTimeout(resolve, 4));
      }
    }
    const text = await converged(clients);
    for (let i = 0; i < 6; i++) for (let round = 0; round < 20; round++) expect(text).toContain(`[${i}.${round}]`);
    expect(updateFrames).toBeGreaterThan(0);
    expect(updateFrames).toBeLessThan(edits / 4);
    expect(transactions).toBeGreaterThan(0);
    expect(transactions).toBeLessThan(edits / 4);
    observer.close();
    editors.closeAll();
    expect(await stored(id)).toBe(text);
  });

  it('delivers and stores the edit of an editor that disconnects in the same tick, before its batch went out', async () => {
    const id = await declareIncident(t, alice);
    const leaving = editor(id, alice);
    const staying = editor(id, bob);
    await Promise.all([leaving.synced(), staying.synced()]);
    // Within the interval of a first send: the next edit waits for the batch.
    staying.text.insert(0, 'opening line\n');
    leaving.text.insert(0, 'last words\n');
    leaving.provider.destroy();
    await waitFor(() => staying.text.toString().includes('last words\n'), 5000, 'the edit never reached the other editor');
    editors.closeAll();
    const markdown = await stored(id);
    expect(markdown).toContain('last words\n');
    expect(markdown).toContain('opening line\n');
  });

  it('closes only the sender of an update Yjs cannot read; the edits applied with it in the same batch are delivered and stored', async () => {
    const id = await declareIncident(t, alice);
    const a = editor(id, alice);
    const b = editor(id, bob);
    await Promise.all([a.synced(), b.synced()]);
    const garbage = await rawSocket(t.url, id, alice.token);
    // A first edit goes out at once and starts an interval; what follows within it waits for the batch.
    a.text.insert(0, 'first\n');
    await waitFor(() => b.text.toString().includes('first\n'));
    a.text.insert(0, 'before\n');
    // A well-framed sync update (0, 2, 5 bytes) whose content claims 2^32-1 clients: only Yjs finds it wrong.
    garbage.send(Buffer.from([0, 2, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    b.text.insert(0, 'after\n');
    expect((await garbage.closeEvent).code).toBe(4400);
    const text = await converged([a, b]);
    expect(text).toContain('before\n');
    expect(text).toContain('after\n');
    expect(a.closes).toEqual([]);
    expect(b.closes).toEqual([]);
    editors.closeAll();
    expect(await stored(id)).toBe(text);
  });

  it('answers a sync with the edits accepted and not yet broadcast', async () => {
    const id = await declareIncident(t, alice);
    const a = editor(id, alice);
    await a.synced();
    a.text.insert(0, 'first\n');
    // The first edit leaves at once; this one waits up to 80 ms for the next batch.
    await new Promise((resolve) => setTimeout(resolve, 5));
    a.text.insert(0, 'pending\n');
    const late = editor(id, bob);
    await late.synced();
    expect(late.text.toString()).toContain('pending\n');
  });

  it('applies at most 64 waiting edits in one transaction: a burst past that is applied and sent in parts without waiting for the interval', async () => {
    const id = await declareIncident(t, alice);
    const typist = editor(id, alice);
    await typist.synced();
    const doc = t.server.services.collab.registry.get(id)!.doc;
    const me = typist.doc.clientID;
    const perTransaction: number[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      const added = (tr.afterState.get(me) ?? 0) - (tr.beforeState.get(me) ?? 0);
      if (added > 0) perTransaction.push(added);
    });
    // 150 one-character edits, each its own y-websocket message, written in one turn of the event loop.
    for (let i = 0; i < 150; i++) typist.text.insert(0, 'x');
    await waitFor(() => perTransaction.reduce((a, b) => a + b, 0) === 150, 5000, 'the edits never reached the document');
    expect(Math.max(...perTransaction)).toBeLessThanOrEqual(64);
    expect(perTransaction.length).toBeGreaterThanOrEqual(3);
  });
});
