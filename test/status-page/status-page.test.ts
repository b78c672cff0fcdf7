import { parseFeed } from '@rowanmanning/feed-parser';
import Ajv from 'ajv';
import { Client } from 'pg';
import { amAlert, amNotification, CREATE_TOKEN, postAlertmanager } from '../alerts/alertmanager-fixtures';
import { connectEditor, waitFor } from '../support/collab-clients';
import { startServer, type RunningServer } from '../../src/server/app';
import { createLogger } from '../../src/observability/logger';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server';

const DECLARE = `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id } }`;
const PUBLISH = `mutation($id: ID!, $on: Boolean!) { updateIncident(id: $id, input: { onStatusPage: $on }) { id onStatusPage } }`;
const POST = `mutation($i: ID!, $a: Audience!, $b: String!) { postStatusUpdate(incidentId: $i, audience: $a, body: $b) { id } }`;
const STATUS = `mutation($id: ID!, $s: IncidentStatus!) { setIncidentStatus(id: $id, status: $s) { id } }`;
const ASSIGN = `mutation($i: ID!, $r: IncidentRole!, $u: ID!) { assignRole(incidentId: $i, role: $r, userId: $u) { id } }`;

/** The public endpoints, each fetched as a reader would. */
const PUBLIC_PATHS = ['/status', '/status/feed.atom', '/api/v2/status.json', '/api/v2/summary.json', '/api/v2/incidents.json', '/api/v2/incidents/unresolved.json'];

async function get(url: string): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** The public shape of Atlassian Statuspage's v2 API, as aggregators and widgets read it. */
const PAGE = {
  type: 'object',
  required: ['id', 'name', 'url', 'time_zone', 'updated_at'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' }, time_zone: { type: 'string' }, updated_at: { type: 'string', format: 'date-time' } },
};
const STATUS_OBJECT = {
  type: 'object',
  required: ['indicator', 'description'],
  properties: { indicator: { enum: ['none', 'minor', 'major', 'critical'] }, description: { type: 'string' } },
};
const INCIDENT = {
  type: 'object',
  required: ['id', 'name', 'status', 'created_at', 'updated_at', 'monitoring_at', 'resolved_at', 'impact', 'shortlink', 'started_at', 'page_id', 'incident_updates', 'components'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { enum: ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'] },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    monitoring_at: { type: ['string', 'null'] },
    resolved_at: { type: ['string', 'null'] },
    impact: { enum: ['none', 'minor', 'major', 'critical'] },
    shortlink: { type: 'string' },
    started_at: { type: 'string' },
    page_id: { type: 'string' },
    components: { type: 'array' },
    incident_updates: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'status', 'body', 'incident_id', 'created_at', 'updated_at', 'display_at'],
        properties: {
          id: { type: 'string' },
          status: { enum: ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'] },
          body: { type: 'string' },
          incident_id: { type: 'string' },
          created_at: { type: 'string', format: 'date-time' },
          updated_at: { type: 'string', format: 'date-time' },
          display_at: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
};
const SHAPES = {
  '/api/v2/status.json': { type: 'object', required: ['page', 'status'], properties: { page: PAGE, status: STATUS_OBJECT } },
  '/api/v2/summary.json': {
    type: 'object',
    required: ['page', 'components', 'incidents', 'scheduled_maintenances', 'status'],
    properties: { page: PAGE, status: STATUS_OBJECT, components: { type: 'array' }, scheduled_maintenances: { type: 'array' }, incidents: { type: 'array', items: INCIDENT } },
  },
  '/api/v2/incidents.json': { type: 'object', required: ['page', 'incidents'], properties: { page: PAGE, incidents: { type: 'array', items: INCIDENT } } },
  '/api/v2/incidents/unresolved.json': { type: 'object', required: ['page', 'incidents'], properties: { page: PAGE, incidents: { type: 'array', items: INCIDENT } } },
};

describe('the public status page', () => {
  let t: TestServer;
  let cached: RunningServer;
  let db: Client;
  let comms: TestUser;
  let bystander: TestUser;
  let viewer: TestUser;
  /** Strings planted in every internal field; none may ever reach a public page. */
  const secret = (what: string) => `SECRET-${what}-d41d8cd9`;
  let publicId: string;
  let resolvedId: string;
  let privateId: string;
  let oldId: string;

  beforeAll(async () => {
    t = await startTestServer({ statusPage: { title: 'Acme <Status>', cacheSeconds: 0, publicUrl: undefined } });
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    comms = await t.createUser('RESPONDER', secret('COMMS-NAME'));
    bystander = await t.createUser('RESPONDER', secret('BYSTANDER-NAME'));
    viewer = await t.createUser('VIEWER');
    const declare = async (title: string, severity: string) =>
      (await t.ok(DECLARE, { input: { title, summary: secret(`SUMMARY-${title}`), severity, trigger: 'USER_REPORT' } }, t.admin.token)).declareIncident.id as string;

    publicId = await declare('Checkout errors', 'SEV1');
    await t.ok(ASSIGN, { i: publicId, r: 'COMMUNICATIONS_LEAD', u: comms.id }, t.admin.token);
    await t.ok(PUBLISH, { id: publicId, on: true }, comms.token);
    await t.ok(POST, { i: publicId, a: 'EXTERNAL', b: 'We are investigating failed checkouts.' }, comms.token);
    await t.ok(POST, { i: publicId, a: 'INTERNAL', b: secret('INTERNAL-UPDATE') }, comms.token);
    await t.ok(
      `mutation($i: ID!, $b: String!) { addTimelineEvent(incidentId: $i, kind: NOTE, body: $b) { id } }`,
      { i: publicId, b: secret('TIMELINE-NOTE') },
      t.admin.token,
    );
    await t.ok(STATUS, { id: publicId, s: 'IDENTIFIED' }, t.admin.token);
    await t.ok(POST, { i: publicId, a: 'EXTERNAL', b: 'Cause found: a faulty deploy. Rolling back.' }, comms.token);

    resolvedId = await declare('Slow search <b>results</b>', 'SEV3');
    await t.ok(PUBLISH, { id: resolvedId, on: true }, t.admin.token);
    await t.ok(POST, { i: resolvedId, a: 'EXTERNAL', b: 'Search is slower than usual.' }, t.admin.token);
    await t.ok(STATUS, { id: resolvedId, s: 'RESOLVED' }, t.admin.token);
    await t.ok(POST, { i: resolvedId, a: 'EXTERNAL', b: 'Search is back to normal.' }, t.admin.token);
    await t.ok(`mutation($id: ID!) { startPostmortem(incidentId: $id) { id } }`, { id: resolvedId }, t.admin.token);
    const pm = await t.ok(`query($id: ID!) { incident(id: $id) { postmortem { id } } }`, { id: resolvedId }, t.admin.token);
    await t.ok(
      `mutation($id: ID!, $s: String!) { updatePostmortem(id: $id, input: { summary: $s, rootCauses: $s }) { id } }`,
      { id: pm.incident.postmortem.id, s: secret('POSTMORTEM') },
      t.admin.token,
    );

    privateId = await declare(secret('PRIVATE-TITLE'), 'SEV1');
    await t.ok(POST, { i: privateId, a: 'EXTERNAL', b: secret('PRIVATE-EXTERNAL') }, t.admin.token);

    oldId = await declare(secret('OLD-TITLE'), 'SEV2');
    await t.ok(PUBLISH, { id: oldId, on: true }, t.admin.token);
    await t.ok(STATUS, { id: oldId, s: 'RESOLVED' }, t.admin.token);
    // Resolved 20 days ago: past the page's 14-day history.
    await db.query(`UPDATE incidents SET declared_at = now() - interval '21 days', resolved_at = now() - interval '20 days' WHERE id = $1`, [oldId]);

    // An alert with planted labels, grouped into the public incident's neighbour and made public too.
    const token = (await t.ok(CREATE_TOKEN, { name: 'am', role: 'RESPONDER' }, t.admin.token)).createApiToken.token;
    const sent = await postAlertmanager(t.url, token, amNotification([amAlert({ alertname: 'CheckoutDown', team: secret('ALERT-LABEL') }, { annotations: { summary: 'Checkout API down', description: secret('ALERT-DESCRIPTION') } })]));
    expect(sent.status).toBeLessThan(300);
    const alerted = await t.ok(`{ incidents(first: 10) { edges { node { id trigger } } } }`, {}, t.admin.token);
    const alertIncident = alerted.incidents.edges.find((e: any) => e.node.trigger === 'AUTOMATED_ALERT').node.id;
    await t.ok(PUBLISH, { id: alertIncident, on: true }, t.admin.token);

    // The live document of the public incident holds planted text too.
    const editor = connectEditor(t.url, publicId, t.admin.token);
    await editor.synced();
    editor.text.insert(0, `${secret('DOCUMENT')}\n`);
    await waitFor(async () => {
      const doc = await t.ok(`query($id: ID!) { incident(id: $id) { document { markdown } } }`, { id: publicId }, t.admin.token);
      return doc.incident.document.markdown.includes(secret('DOCUMENT'));
    });
    editor.destroy();

    // A second instance on the same database with a long cache, for the flood test.
    cached = await startServer(
      {
        ...t.server.services.config,
        port: 0,
        statusPage: { title: 'Acme', cacheSeconds: 60, publicUrl: 'https://status.acme.example' },
        statusUpdateIntervals: { SEV1: null, SEV2: null, SEV3: null, SEV4: null },
      },
      createLogger('silent'),
    );
  });

  afterAll(async () => {
    await cached?.close();
    await db?.end();
    await t?.close();
  });

  it('leaks nothing internal: no summary, internal update, name, email, note, document, alert, postmortem or private incident', async () => {
    for (const path of PUBLIC_PATHS) {
      const { status, text } = await get(`${t.url}${path}`);
      expect(status).toBe(200);
      expect(text).not.toMatch(/SECRET-/);
      for (const user of [comms, bystander, viewer, t.admin]) expect(text).not.toContain(user.email);
      expect(text).not.toMatch(/@example\.test/);
    }
  });

  it('renders the page as HTML without a script: overall state, open incidents with external updates, recent resolved ones', async () => {
    const { type, text } = await get(`${t.url}/status`);
    expect(type).toMatch(/text\/html/);
    expect(text).not.toMatch(/<script/i);
    expect(text).toContain('<title>Acme &lt;Status&gt;</title>');
    expect(text).toContain('Major Service Outage'); // a public SEV1 is open
    expect(text).toContain('Checkout errors');
    expect(text).toContain('We are investigating failed checkouts.');
    expect(text).toContain('Cause found: a faulty deploy. Rolling back.');
    // Resolved within 14 days: shown under past incidents, its markup escaped.
    expect(text).toContain('Slow search &lt;b&gt;results&lt;/b&gt;');
    expect(text).not.toContain('<b>results</b>');
    expect(text).toContain('Search is back to normal.');
    expect(text.indexOf('Checkout errors')).toBeLessThan(text.indexOf('Past incidents'));
    expect(text.indexOf('Slow search')).toBeGreaterThan(text.indexOf('Past incidents'));
  });

  it('serves a valid Atom feed of external updates with stable entry ids', async () => {
    const first = await get(`${t.url}/status/feed.atom`);
    expect(first.type).toMatch(/application\/atom\+xml/);
    const feed = parseFeed(first.text);
    expect(feed.meta.type).toBe('atom');
    expect(feed.title).toBe('Acme <Status>');
    const bodies = feed.items.map((item) => item.content);
    expect(bodies).toEqual(
      expect.arrayContaining(['We are investigating failed checkouts.', 'Cause found: a faulty deploy. Rolling back.', 'Search is slower than usual.', 'Search is back to normal.']),
    );
    expect(feed.items).toHaveLength(4);
    expect(feed.items.every((item) => /^urn:uuid:[0-9a-f-]{36}$/.test(item.id ?? ''))).toBe(true);
    // Newest first.
    const times = feed.items.map((item) => new Date(item.updated as unknown as string).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    await t.ok(POST, { i: publicId, a: 'EXTERNAL', b: 'A fix is being rolled out.' }, comms.token);
    const second = parseFeed((await get(`${t.url}/status/feed.atom`)).text);
    expect(second.items).toHaveLength(5);
    expect(second.items[0].content).toBe('A fix is being rolled out.');
    expect(second.items.slice(1).map((i) => i.id)).toEqual(feed.items.map((i) => i.id));
  });

  it('serves the Statuspage v2 JSON that aggregators read, in its shape', async () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const bodies: Record<string, any> = {};
    for (const [path, shape] of Object.entries(SHAPES)) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const body = await response.json();
      const validate = ajv.compile(shape);
      if (!validate(body)) throw new Error(`${path}: ${ajv.errorsText(validate.errors)}`);
      bodies[path] = body;
    }
    expect(bodies['/api/v2/status.json'].status).toEqual({ indicator: 'critical', description: 'Major Service Outage' });
    const unresolved = bodies['/api/v2/incidents/unresolved.json'].incidents;
    expect(unresolved.map((i: any) => i.name)).toEqual(expect.arrayContaining(['Checkout errors']));
    expect(unresolved.every((i: any) => i.status !== 'resolved')).toBe(true);
    const checkout = unresolved.find((i: any) => i.id === publicId);
    expect(checkout.status).toBe('identified');
    expect(checkout.impact).toBe('critical');
    // Each update carries the incident's status when it was posted.
    expect(checkout.incident_updates.map((u: any) => [u.status, u.body]).reverse().slice(0, 2)).toEqual([
      ['investigating', 'We are investigating failed checkouts.'],
      ['identified', 'Cause found: a faulty deploy. Rolling back.'],
    ]);
    const all = bodies['/api/v2/incidents.json'].incidents;
    expect(all.map((i: any) => i.id)).toEqual(expect.arrayContaining([publicId, resolvedId]));
    expect(all.map((i: any) => i.id)).not.toContain(oldId);
    expect(all.map((i: any) => i.id)).not.toContain(privateId);
    const resolved = all.find((i: any) => i.id === resolvedId);
    expect(resolved.status).toBe('resolved');
    expect(resolved.incident_updates[0]).toMatchObject({ status: 'resolved', body: 'Search is back to normal.' });
    expect(bodies['/api/v2/summary.json'].incidents.map((i: any) => i.id)).not.toContain(resolvedId);
  });

  it('reads the database once per cache period however many readers arrive at once', async () => {
    const base = cached.url;
    const count = async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return text
        .split('\n')
        .filter((l) => l.startsWith('sitrep_db_queries_total'))
        .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    };
    const before = await count();
    const paths = Array.from({ length: 200 }, (_, n) => PUBLIC_PATHS[n % PUBLIC_PATHS.length]);
    const responses = await Promise.all(paths.map((path) => fetch(`${base}${path}`).then(async (r) => ({ path, status: r.status, text: await r.text() }))));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    // Every view that lists incidents shows the open public one (status.json holds only the overall state).
    const listing = responses.filter((r) => r.path !== '/api/v2/status.json');
    expect(listing.filter((r) => r.text.includes('Checkout errors'))).toHaveLength(listing.length);
    expect((await count()) - before).toBe(1);
    // Links use PUBLIC_URL when it is set.
    const summary = JSON.parse(responses[3].text);
    expect(summary.page.url).toBe('https://status.acme.example/status');
  });

  it('lets only the commander, the communications lead or an admin change what the page shows', async () => {
    const id = (await t.ok(DECLARE, { input: { title: 'Login latency', severity: 'SEV2', trigger: 'STAFF_IDENTIFIED' } }, comms.token)).declareIncident.id;
    const fresh = await t.ok(`query($id: ID!) { incident(id: $id) { onStatusPage } }`, { id }, viewer.token);
    expect(fresh.incident.onStatusPage).toBe(false);
    for (const user of [bystander, viewer]) {
      const refused = await t.gql(PUBLISH, { id, on: true }, user.token);
      expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect((await t.ok(`query($id: ID!) { incident(id: $id) { onStatusPage } }`, { id }, viewer.token)).incident.onStatusPage).toBe(false);
    // The commander (comms declared it) may; so may a delegated communications lead.
    await t.ok(ASSIGN, { i: id, r: 'COMMUNICATIONS_LEAD', u: bystander.id }, comms.token);
    expect((await t.ok(PUBLISH, { id, on: true }, bystander.token)).updateIncident.onStatusPage).toBe(true);
    expect((await t.ok(PUBLISH, { id, on: false }, comms.token)).updateIncident.onStatusPage).toBe(false);
    const timeline = await t.ok(`query($id: ID!) { incident(id: $id) { timeline { body actor { id } } } }`, { id }, viewer.token);
    expect(timeline.incident.timeline.filter((e: any) => /public status page/.test(e.body)).map((e: any) => [e.body, e.actor.id])).toEqual([
      ['Shown on the public status page', bystander.id],
      ['Taken off the public status page', comms.id],
    ]);
  });

  it('answers unknown API routes with JSON, and nothing internal through them', async () => {
    const response = await fetch(`${t.url}/api/v2/components.json`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
  });
});
