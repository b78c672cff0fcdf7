import * as Y from 'yjs';
import { loadConfig, type Config } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { startServer, type RunningServer } from '../../src/server/app';
import { editorPool, waitFor } from '../support/collab-clients';
import { declareIncident } from '../support/factories';
import { startWithTeam, type TestServer, type TestUser } from '../support/test-server';

const DOCUMENT = `query($id: ID!) { incident(id: $id) { document { markdown } } }`;
const collab = (overrides: Partial<Config['collab']>) => ({ ...loadConfig({}).collab, unloadDelayMs: 100, ...overrides });

describe('live incident document persistence in PostgreSQL', () => {
  let t: TestServer;
  let alice: TestUser;
  const editors = editorPool();
  const servers: RunningServer[] = [];
  const editor = (url: string, incidentId: string) => editors.open(url, incidentId, alice.token);
  const declare = () => declareIncident(t, alice, { title: 'Disk full on db-3' });
  /** Another Sitrep on the same database, as after a restart or next to this one. */
  const sibling = async (overrides: Partial<Config['collab']> = {}) => {
    const server = await startServer(
      { ...t.server.services.config, port: 0, collab: collab(overrides) },
      createLogger('silent'),
    );
    servers.push(server);
    return server;
  };
  const logRows = async (id: string) =>
    Number((await t.sql(`SELECT count(*) FROM incident_document_updates WHERE incident_id = $1`, [id]))[0].count);
  const unloaded = (server: RunningServer, id: string) =>
    waitFor(() => !server.services.collab.registry.get(id), 5000, 'document never unloaded');

  beforeAll(async () => ({ t, alice } = await startWithTeam({ collab: collab({ compactAfterUpdates: 1_000_000 }) })));
  afterEach(() => {
    editors.closeAll();
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await t.close();
  });

  it('brings the content back from PostgreSQL after a restart', async () => {
    const first = await sibling();
    const id = await declare();
    const before = editor(first.url, id);
    await before.synced();
    before.text.insert(before.text.length, '\n- 16:02 UTC rolled back release 42\n');
    const expected = before.text.toString();
    await waitFor(async () => (await logRows(id)) > 0, 2000, 'edit never flushed');
    before.destroy();
    await first.close();
    const restarted = await sibling();
    const after = editor(restarted.url, id);
    await after.synced();
    expect(after.text.toString()).toBe(expected);
    expect(after.text.toString().split('# Disk full on db-3').length - 1).toBe(1);
  });

  it('stores every edit when the server closes right after it (flush on shutdown)', async () => {
    const server = await sibling({ flushIntervalMs: 60_000 });
    const id = await declare();
    const e = editor(server.url, id);
    await e.synced();
    e.text.insert(0, 'typed just before shutdown\n');
    await waitFor(() => server.services.collab.registry.get(id)?.markdown.startsWith('typed just before shutdown') ?? false);
    await server.close();
    expect((await t.ok(DOCUMENT, { id }, alice.token)).incident.document.markdown).toBe(e.text.toString());
  });

  it('stores a burst of edits that one flush takes as one row of the log', async () => {
    const id = await declare();
    const e = editor(t.url, id);
    await e.synced();
    await waitFor(() => t.server.services.collab.registry.get(id)?.isClean ?? false, 5000, 'seed never stored');
    const before = await logRows(id);
    for (let i = 0; i < 50; i++) e.text.insert(0, `line ${i}\n`);
    await waitFor(async () => (await logRows(id)) > before, 5000, 'burst never flushed');
    expect(await logRows(id)).toBe(before + 1);
    const expected = e.text.toString();
    e.destroy();
    await unloaded(t.server, id);
    expect((await t.ok(DOCUMENT, { id }, alice.token)).incident.document.markdown).toBe(expected);
  });

  it('loads 1,000 stored updates into the same text after compaction, deleting exactly the folded rows', async () => {
    const id = await declare();
    const seed = editor(t.url, id);
    await seed.synced();
    seed.destroy();
    await unloaded(t.server, id);
    // A thousand rows, as a thousand flushes of the live document leave them.
    const { doc } = await t.server.services.documents.load(id);
    const rows: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => rows.push(update));
    const text = doc.getText('content');
    for (let i = 0; i < 1000; i++) {
      if (i % 7 === 6) text.delete(Math.floor(Math.random() * text.length), 1);
      else text.insert(Math.floor(Math.random() * text.length), String.fromCharCode(97 + (i % 26)));
    }
    await t.server.services.documents.append(id, rows);
    const expected = text.toString();
    doc.destroy();
    expect(await logRows(id)).toBeGreaterThanOrEqual(1000);
    expect((await t.ok(DOCUMENT, { id }, alice.token)).incident.document.markdown).toBe(expected);
    // A row appended by someone else while compaction runs must survive it.
    const extra = new Y.Doc();
    extra.getText('content').insert(0, 'x');
    const folded = await t.server.services.documents.compact(id);
    await t.sql(`INSERT INTO incident_document_updates (incident_id, update) VALUES ($1, $2)`, [id, Buffer.from(Y.encodeStateAsUpdate(extra))]);
    expect(folded).toBeGreaterThanOrEqual(1000);
    expect(await logRows(id)).toBe(1);
    const stored = await t.server.services.documents.load(id);
    expect(stored.doc.getText('content').toString().length).toBe(expected.length + 1);
    await t.sql(`DELETE FROM incident_document_updates WHERE incident_id = $1`, [id]);
    const reloaded = editor(t.url, id);
    await reloaded.synced();
    expect(reloaded.text.toString()).toBe(expected);
  });

  it('loads a document once for many clients arriving together, and sends nothing before it is loaded', async () => {
    const id = await declare();
    const seed = editor(t.url, id);
    await seed.synced();
    seed.text.insert(0, 'line one\n'.repeat(50));
    const expected = seed.text.toString();
    await waitFor(async () => (await logRows(id)) > 0);
    seed.destroy();
    await unloaded(t.server, id);
    const store = t.server.services.documents;
    const load = store.load.bind(store);
    // A slow database: the load takes 300 ms while the crowd arrives.
    const spy = jest.spyOn(store, 'load').mockImplementation(async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return load(...args);
    });
    try {
      const crowd = Array.from({ length: 20 }, () => editor(t.url, id));
      const seenAtSync: string[] = [];
      crowd.forEach((c) => c.provider.once('sync', () => seenAtSync.push(c.text.toString())));
      await Promise.all(crowd.map((c) => c.synced()));
      expect(spy).toHaveBeenCalledTimes(1);
      expect(seenAtSync).toEqual(Array(20).fill(expected));
    } finally {
      spy.mockRestore();
    }
  });

  it('never stores an empty document over the real one when a load fails; clients retry', async () => {
    const id = await declare();
    const original = (await t.ok(DOCUMENT, { id }, alice.token)).incident.document.markdown;
    const store = t.server.services.documents;
    const spy = jest.spyOn(store, 'load').mockRejectedValueOnce(new Error('connection reset'));
    try {
      const e = editor(t.url, id);
      await e.synced();
      expect(e.closes[0]?.code).toBe(4500);
      expect(e.text.toString()).toBe(original);
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps every edit when clients come and go while the document unloads', async () => {
    const server = await sibling({ unloadDelayMs: 0 });
    const id = await declare();
    for (let i = 0; i < 15; i++) {
      const e = editor(server.url, id);
      await e.synced();
      e.text.insert(0, `visit ${i}\n`);
      if (i % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      e.destroy();
    }
    const last = editor(server.url, id);
    await last.synced();
    await waitFor(() => Array.from({ length: 15 }, (_, i) => `visit ${i}\n`).every((line) => last.text.toString().includes(line)), 5000);
  });

  it('two instances on one database both store their edits and compact without losing rows', async () => {
    const one = await sibling({ compactAfterUpdates: 25 });
    const two = await sibling({ compactAfterUpdates: 25 });
    const id = await declare();
    const a = editor(one.url, id);
    const b = editor(two.url, id);
    await Promise.all([a.synced(), b.synced()]);
    for (let i = 0; i < 200; i++) {
      a.text.insert(a.text.length, `a${i} `);
      b.text.insert(0, `b${i} `);
      if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    a.destroy();
    b.destroy();
    await Promise.all([unloaded(one, id), unloaded(two, id)]);
    const fresh = editor(t.url, id);
    await fresh.synced();
    const text = fresh.text.toString();
    for (let i = 0; i < 200; i++) {
      expect(text).toContain(`a${i} `);
      expect(text).toContain(`b${i} `);
    }
    expect(text.split('# Disk full on db-3').length - 1).toBe(1);
    expect(await logRows(id)).toBeLessThan(400);
  });
});
