import * as Y from 'yjs';
import { loadConfig, type Config } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { startServer, type RunningServer } from '../../src/server/app';
import { applyKeptSections, KEPT_HEADINGS, KEPT_NOTE, sectionRange, type KeptFacts } from '../../src/collab/kept-sections';
import { ASSIGN, SET_STATUS, sql } from '../core/core-ops';
import { converged, editorPool, waitFor } from '../support/collab-clients';
import { describeWithRedis, uniqueRedisPrefix } from '../support/redis';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server';

const DECLARE = `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id } }`;
const DOCUMENT = `query($id: ID!) { incident(id: $id) { document { markdown } } }`;

const facts: KeptFacts = {
  severity: 'SEV1',
  status: 'INVESTIGATING',
  declaredAt: new Date('2026-01-02T03:04:00Z'),
  mitigatedAt: null,
  resolvedAt: null,
  commander: 'Alice',
  operationsLead: 'Alice',
  planningLead: 'Alice',
  communicationsLead: 'Alice',
};

/** The body of a kept section in `text`. */
function section(text: string, heading: string): string {
  const range = sectionRange(text, heading);
  return range ? text.slice(range.start, range.end) : '(missing)';
}

describe('kept sections: the smallest change', () => {
  it('rewrites only the section bodies, and a concurrent edit elsewhere survives the merge', () => {
    const server = new Y.Doc();
    const text = server.getText('content');
    text.insert(0, `# T\n\n## Summary\n\nsome words\n\n${KEPT_HEADINGS.status}\n\nActive, SEV2, investigating.\n\n${KEPT_HEADINGS.command}\n\n- old\n\n## Detailed Status\n\nmine\n`);
    const person = new Y.Doc();
    Y.applyUpdate(person, Y.encodeStateAsUpdate(server));
    person.getText('content').insert(person.getText('content').toString().indexOf('some words') + 4, ' more');
    const before = Y.encodeStateVector(server);
    server.transact(() => applyKeptSections(text, facts));
    const change = Y.encodeStateAsUpdate(server, before);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(person));
    Y.applyUpdate(person, change);
    const merged = text.toString();
    expect(person.getText('content').toString()).toBe(merged);
    expect(merged).toContain('some more words');
    expect(section(merged, KEPT_HEADINGS.status)).toContain('Active, SEV1, investigating.');
    expect(section(merged, KEPT_HEADINGS.status).startsWith(KEPT_NOTE)).toBe(true);
    expect(section(merged, KEPT_HEADINGS.command)).toContain('- Current Incident Commander: Alice');
    expect(merged).toContain('## Detailed Status\n\nmine\n');
    // Already true: nothing changes.
    expect(applyKeptSections(text, facts)).toBe(false);
    // A one-word change of fact is a small edit, not a rewrite.
    const sv = Y.encodeStateVector(server);
    applyKeptSections(text, { ...facts, commander: 'Bob' });
    expect(Y.encodeStateAsUpdate(server, sv).byteLength).toBeLessThan(80);
  });

  it('leaves a document whose heading people removed alone', () => {
    const doc = new Y.Doc();
    doc.getText('content').insert(0, '# T\n\nfree text\n');
    expect(applyKeptSections(doc.getText('content'), facts)).toBe(false);
  });
});

describe('kept sections and document history on a live server', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const editors = editorPool();
  const editor = (url: string, id: string, user: TestUser) => editors.open(url, id, user.token);
  const declare = async (title = 'Checkout 500s') =>
    (await t.ok(DECLARE, { input: { title, severity: 'SEV1', trigger: 'USER_REPORT' } }, alice.token)).declareIncident.id as string;
  const markdownOf = async (id: string) => (await t.ok(DOCUMENT, { id }, alice.token)).incident.document.markdown as string;

  beforeAll(async () => {
    const collab: Config['collab'] = { ...loadConfig({}).collab, unloadDelayMs: 200, versionIntervalMs: 60 * 60 * 1000, maxVersions: 10 };
    t = await startTestServer({ collab });
    alice = await t.createUser('RESPONDER', 'Alice');
    bob = await t.createUser('RESPONDER', 'Bob');
    carol = await t.createUser('RESPONDER', 'Carol');
  });
  afterEach(() => {
    editors.closeAll();
  });
  afterAll(() => t.close());

  it('keeps Status and Command Hierarchy true through handover, delegation, mitigation and resolution while someone types elsewhere', async () => {
    const id = await declare();
    const typist = editor(t.url, id, alice);
    const watcher = editor(t.url, id, bob);
    await Promise.all([typist.synced(), watcher.synced()]);
    let typed = '';
    let typing = true;
    const keys = (async () => {
      for (let i = 0; typing; i += 1) {
        const at = typist.text.toString().indexOf('## Summary') + '## Summary\n\n'.length + typed.length;
        const ch = String.fromCharCode(97 + (i % 26));
        typist.text.insert(at, ch);
        typed += ch;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const both = async (check: (text: string) => void) => {
      await waitFor(async () => {
        try {
          check(watcher.text.toString());
          check(typist.text.toString());
          check(await markdownOf(id));
          return true;
        } catch {
          return false;
        }
      }, 10_000, 'the sections never read correctly');
    };

    await t.ok(ASSIGN, { i: id, r: 'INCIDENT_COMMANDER', u: bob.id }, alice.token);
    await both((text) => expect(section(text, KEPT_HEADINGS.command)).toContain('- Current Incident Commander: Bob\n  - Operations lead: Bob'));
    await t.ok(ASSIGN, { i: id, r: 'COMMUNICATIONS_LEAD', u: carol.id }, bob.token);
    await both((text) => expect(section(text, KEPT_HEADINGS.command)).toContain('  - Communications lead: Carol'));
    await t.ok(SET_STATUS, { id, status: 'MITIGATED', note: 'rolled back' }, bob.token);
    await both((text) => {
      expect(section(text, KEPT_HEADINGS.status)).toContain('Active, SEV1, mitigated.');
      expect(section(text, KEPT_HEADINGS.status)).toMatch(/- Mitigated: \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    });
    await t.ok(SET_STATUS, { id, status: 'RESOLVED' }, bob.token);
    await both((text) => {
      expect(section(text, KEPT_HEADINGS.status)).toContain('Resolved, SEV1.');
      expect(section(text, KEPT_HEADINGS.status)).toMatch(/- Resolved: \d{4}/);
    });
    typing = false;
    await keys;
    const final = await converged([typist, watcher]);
    // Not one keystroke lost, and each section appears once.
    expect(final).toContain(`## Summary\n\n${typed}`);
    expect(final.split(KEPT_NOTE).length - 1).toBe(2);
    await waitFor(async () => (await markdownOf(id)) === final);
  });

  it('does not let an editor undo Sitrep’s edit (UndoManager tracks only its own origin)', async () => {
    const id = await declare();
    const person = editor(t.url, id, alice);
    await person.synced();
    const mine = { me: true };
    const undo = new Y.UndoManager(person.text, { trackedOrigins: new Set([mine]), captureTimeout: 0 });
    person.doc.transact(() => person.text.insert(person.text.toString().indexOf('## Summary'), 'typed by Alice\n\n'), mine);
    await t.ok(SET_STATUS, { id, status: 'IDENTIFIED' }, alice.token);
    await waitFor(() => person.text.toString().includes('Active, SEV1, identified.'));
    undo.undo();
    expect(person.text.toString()).not.toContain('typed by Alice');
    expect(person.text.toString()).toContain('Active, SEV1, identified.');
    undo.destroy();
  });

  it('keeps the sections of a document nobody has open (stored, then loaded with them)', async () => {
    const id = await declare();
    await t.ok(SET_STATUS, { id, status: 'MITIGATED' }, alice.token);
    expect(section(await markdownOf(id), KEPT_HEADINGS.status)).toContain('Active, SEV1, mitigated.');
    const late = editor(t.url, id, bob);
    await late.synced();
    expect(section(late.text.toString(), KEPT_HEADINGS.status)).toContain('Active, SEV1, mitigated.');
  });

  it('keeps a version at declaration and at each status and command change, naming the editors since the version before', async () => {
    const id = await declare();
    const person = editor(t.url, id, carol);
    await person.synced();
    person.text.insert(0, 'Carol was here\n');
    await waitFor(async () => (await markdownOf(id)).startsWith('Carol was here'));
    await t.server.services.collab.registry.get(id)!.flush();
    await t.ok(ASSIGN, { i: id, r: 'INCIDENT_COMMANDER', u: bob.id }, alice.token);
    await t.ok(SET_STATUS, { id, status: 'RESOLVED' }, bob.token);
    const { incident } = await t.ok(
      `query($id: ID!) { incident(id: $id) { documentVersions { id takenAt reason editors { name } markdown } } }`,
      { id },
      alice.token,
    );
    const versions = incident.documentVersions;
    expect(versions.map((v: any) => v.reason)).toEqual(['DECLARED', 'ROLE_ASSIGNED', 'STATUS_CHANGED']);
    expect(versions[0].editors).toEqual([]);
    expect(versions[1].editors.map((e: any) => e.name)).toEqual(['Carol']);
    expect(versions[2].editors).toEqual([]);
    expect(versions[0].markdown).not.toContain('Carol was here');
    expect(versions[1].markdown).toContain('Current Incident Commander: Bob');
    expect(versions[2].markdown).toContain('Resolved, SEV1.');
  });

  it('documentAt: the document before and after a known edit, also after compaction and a restart; the postmortem holds it as at resolution', async () => {
    const id = await declare('Known edit');
    const person = editor(t.url, id, alice);
    await person.synced();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = new Date();
    await new Promise((resolve) => setTimeout(resolve, 50));
    person.text.insert(0, 'KNOWN EDIT\n');
    await waitFor(async () => (await markdownOf(id)).startsWith('KNOWN EDIT'));
    await t.server.services.collab.registry.get(id)!.flush();
    const after = new Date();
    const AT = `query($id: ID!, $time: DateTime!) { incident(id: $id) { documentAt(time: $time) { markdown updatedAt } } }`;
    const at = async (server: { url: string }, time: Date) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
        body: JSON.stringify({ query: AT, variables: { id, time: time.toISOString() } }),
      });
      return ((await response.json()) as any).data.incident.documentAt.markdown as string;
    };
    expect(await at(t, before)).toContain('# Known edit');
    expect(await at(t, before)).not.toContain('KNOWN EDIT');
    expect(await at(t, after)).toContain('KNOWN EDIT');
    expect(await at(t, new Date('2000-01-01T00:00:00Z'))).toBe('');

    // Resolve, then keep writing: the postmortem quotes the document as the resolution left it.
    await t.ok(SET_STATUS, { id, status: 'RESOLVED' }, alice.token);
    person.text.insert(0, 'WRITTEN AFTER RESOLUTION\n');
    await waitFor(async () => (await markdownOf(id)).startsWith('WRITTEN AFTER'));
    const { startPostmortem } = await t.ok(`mutation($id: ID!) { startPostmortem(incidentId: $id) { markdown } }`, { id }, alice.token);
    expect(startPostmortem.markdown).toContain('### Live incident document (as at resolution)');
    expect(startPostmortem.markdown).toContain('> Resolved, SEV1.');
    expect(startPostmortem.markdown).toContain('> KNOWN EDIT');
    expect(startPostmortem.markdown).not.toContain('WRITTEN AFTER RESOLUTION');
    expect(startPostmortem.markdown).toMatch(/### Document history\n\n- \[.* DECLARED\]\(\/#\/incidents\/[0-9a-f-]+\?version=[0-9a-f-]+\)/);

    // Fold the log into the snapshot, then read it from a fresh instance: nothing of the history is lost.
    person.destroy();
    await t.server.services.collab.registry.get(id)?.flush();
    expect(await t.server.services.documents.compact(id)).toBeGreaterThan(0);
    expect(await sql(t, `SELECT 1 FROM incident_document_updates WHERE incident_id = $1`, [id])).toHaveLength(0);
    const restarted: RunningServer = await startServer({ ...t.server.services.config, port: 0 }, createLogger('silent'));
    try {
      expect(await at(restarted, before)).not.toContain('KNOWN EDIT');
      expect(await at(restarted, new Date())).toContain('WRITTEN AFTER RESOLUTION');
      const versions = await restarted.services.documentHistory.list([id]);
      expect(versions[0].map((v) => v.reason)).toEqual(['DECLARED', 'STATUS_CHANGED']);
    } finally {
      await restarted.close();
    }
  });

  it('keeps a PERIODIC version while people edit, at most once per interval, and bounds the versions per document', async () => {
    const id = await declare();
    const history = t.server.services.documentHistory;
    const person = editor(t.url, id, bob);
    await person.synced();
    person.text.insert(0, 'periodic edit\n');
    const live = t.server.services.collab.registry.get(id)!;
    await waitFor(() => live.markdown.startsWith('periodic edit'));
    await live.flush();
    // The interval is an hour: backdate the declaration's version past it, and the next stored edit keeps one.
    await sql(t, `UPDATE incident_document_versions SET taken_at = now() - interval '2 hours' WHERE incident_id = $1`, [id]);
    await history.keepPeriodic(id, live.doc);
    await history.keepPeriodic(id, live.doc);
    const rows = (await history.list([id]))[0];
    expect(rows.map((v) => v.reason)).toEqual(['DECLARED', 'PERIODIC']);
    expect(rows[1].editorIds).toEqual([bob.id]);
    expect(rows[1].bytes).toBeLessThan(live.markdown.length * 2);

    const manager = t.server.services.dataSource.manager;
    for (let i = 0; i < 12; i += 1) await history.record(manager, id, live.doc, 'PERIODIC');
    await history.record(manager, id, live.doc, 'STATUS_CHANGED');
    const kept = (await history.list([id]))[0];
    expect(kept).toHaveLength(t.server.services.config.collab.maxVersions);
    expect(kept.map((v) => v.reason)).toEqual(expect.arrayContaining(['DECLARED', 'STATUS_CHANGED']));
  });
});

describeWithRedis('kept sections with two instances (Redis)', (redisUrl) => {
  let t: TestServer;
  let other: RunningServer;
  let alice: TestUser;
  let bob: TestUser;
  const editors = editorPool();

  beforeAll(async () => {
    const collab: Config['collab'] = { ...loadConfig({}).collab, unloadDelayMs: 200 };
    t = await startTestServer({ redisUrl, redisPrefix: uniqueRedisPrefix(), collab });
    other = await startServer({ ...t.server.services.config, port: 0 }, createLogger('silent'));
    alice = await t.createUser('RESPONDER', 'Alice');
    bob = await t.createUser('RESPONDER', 'Bob');
  });
  afterAll(async () => {
    editors.closeAll();
    await other.close();
    await t.close();
  });

  it('makes each change exactly once, whichever instance commits it and wherever the editors are', async () => {
    const id = (await t.ok(DECLARE, { input: { title: 'Two instances', severity: 'SEV2', trigger: 'USER_REPORT' } }, alice.token)).declareIncident.id;
    const a = editors.open(t.url, id, alice.token);
    const b = editors.open(other.url, id, bob.token);
    await Promise.all([a.synced(), b.synced()]);
    const onOther = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`${other.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as any;
      expect(body.errors).toBeUndefined();
    };
    await t.ok(ASSIGN, { i: id, r: 'INCIDENT_COMMANDER', u: bob.id }, alice.token);
    await onOther(SET_STATUS, { id, status: 'IDENTIFIED' });
    await t.ok(SET_STATUS, { id, status: 'MITIGATED' }, bob.token);
    await onOther(SET_STATUS, { id, status: 'RESOLVED' });
    await waitFor(() => a.text.toString().includes('Resolved, SEV2.') && b.text.toString().includes('Resolved, SEV2.'));
    const text = await converged([a, b]);
    expect(text.split(KEPT_NOTE).length - 1).toBe(2);
    expect(text.split('Resolved, SEV2.').length - 1).toBe(1);
    expect(text.split('- Current Incident Commander: Bob').length - 1).toBe(1);
    expect(text).not.toContain('Active,');
    const versions = await sql(t, `SELECT reason FROM incident_document_versions WHERE incident_id = $1 ORDER BY taken_at`, [id]);
    expect(versions.map((v) => v.reason)).toEqual(['DECLARED', 'ROLE_ASSIGNED', 'STATUS_CHANGED', 'STATUS_CHANGED', 'STATUS_CHANGED']);
  });
});
