import { collect, type GqlResult, startTestServer, startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { ADD_EVENT, ASSIGN, DECLARE, GET, POST_UPDATE, SET_STATUS, UPDATE, codes, declare } from './core-ops';

const CONTRACT_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT'];
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const long = (n: number) => 'x'.repeat(n);

/** No error of a response may carry a stack trace (or anything that looks like one). */
function expectNoStack(result: GqlResult) {
  for (const error of result.errors ?? []) {
    expect(error.extensions).not.toHaveProperty('stacktrace');
    expect(JSON.stringify(error)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  }
}

describe('error codes', () => {
  let t: TestServer;
  let alice: TestUser;
  let incidentId: string;

  beforeAll(async () => {
    ({ t, alice } = await startWithTeam());
    incidentId = (await declare(t, alice)).id;
  });
  afterAll(() => t.close());

  /** Each id-taking entry point, called with `id` in the incident slot. */
  const BY_INCIDENT_ID: Array<[string, (id: string) => Promise<GqlResult>]> = [
    ['updateIncident', (id) => t.gql(UPDATE, { id, input: { title: 'x' } }, alice.token)],
    ['setIncidentStatus', (id) => t.gql(SET_STATUS, { id, status: 'IDENTIFIED' }, alice.token)],
    ['assignRole', (id) => t.gql(ASSIGN, { i: id, r: 'OPERATIONS_LEAD', u: alice.id }, alice.token)],
    ['addTimelineEvent', (id) => t.gql(ADD_EVENT, { i: id, k: 'NOTE', b: 'x' }, alice.token)],
    ['postStatusUpdate', (id) => t.gql(POST_UPDATE, { i: id, a: 'INTERNAL', b: 'x' }, alice.token)],
  ];

  describe('ids', () => {
    it.each(BY_INCIDENT_ID)('%s answers BAD_USER_INPUT (not a 500) for a malformed id', async (_name, call) => {
      for (const id of ['42', 'not-a-uuid', "'; DROP TABLE incidents; --", `${UNKNOWN}0`]) {
        const result = await call(id);
        expect(codes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors![0].message).toMatch(/must be a UUID/);
      }
    });

    it.each(BY_INCIDENT_ID)('%s answers NOT_FOUND for an unknown incident id', async (_name, call) => {
      const result = await call(UNKNOWN);
      expect(codes(result)).toEqual(['NOT_FOUND']);
      expect(result.errors![0].message).toContain(UNKNOWN);
    });

    it('answers BAD_USER_INPUT for a malformed id in the incident query', async () => {
      expect(codes(await t.gql(GET, { id: 'nope' }, alice.token))).toEqual(['BAD_USER_INPUT']);
    });

    it('answers null (the contract’s nullable field) for an unknown id in the incident query', async () => {
      const result = await t.gql(GET, { id: UNKNOWN }, alice.token);
      expect(result.errors).toBeUndefined();
      expect(result.data!.incident).toBeNull();
    });

    it.each([
      ['incidentUpdated', `subscription($id: ID!) { incidentUpdated(id: $id) { id } }`],
      ['timelineEventAdded', `subscription($id: ID!) { timelineEventAdded(incidentId: $id) { id } }`],
    ])('%s answers BAD_USER_INPUT for a malformed id and NOT_FOUND for an unknown one', async (_name, query) => {
      const client = t.wsClient(alice.token);
      for (const [id, code] of [['nope', 'BAD_USER_INPUT'], [UNKNOWN, 'NOT_FOUND']]) {
        // graphql-ws answers a subscription that cannot start with one result carrying the errors, then completes it.
        const sub = collect(client, query, { id });
        const [result] = await sub.next(1, 3000);
        expect(result.data ?? null).toBeNull();
        expect(codes(result)).toEqual([code]);
        expectNoStack(result);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(sub.completed).toBe(true);
      }
    });
  });

  describe('oversized and blank strings are refused with the limit named', () => {
    const CASES: Array<[string, () => Promise<GqlResult>, string]> = [
      ['declareIncident title', () => t.gql(DECLARE, { input: { title: long(201), severity: 'SEV2', trigger: 'USER_REPORT' } }, alice.token), '200'],
      ['declareIncident summary', () => t.gql(DECLARE, { input: { title: 'ok', summary: long(10_001), severity: 'SEV2', trigger: 'USER_REPORT' } }, alice.token), '10000'],
      ['updateIncident title', () => t.gql(UPDATE, { id: incidentId, input: { title: long(201) } }, alice.token), '200'],
      ['updateIncident summary', () => t.gql(UPDATE, { id: incidentId, input: { summary: long(10_001) } }, alice.token), '10000'],
      ['setIncidentStatus note', () => t.gql(SET_STATUS, { id: incidentId, status: 'IDENTIFIED', note: long(2_001) }, alice.token), '2000'],
      ['addTimelineEvent body', () => t.gql(ADD_EVENT, { i: incidentId, k: 'NOTE', b: long(10_001) }, alice.token), '10000'],
      ['postStatusUpdate body', () => t.gql(POST_UPDATE, { i: incidentId, a: 'INTERNAL', b: long(10_001) }, alice.token), '10000'],
      [
        'createUser name',
        () => t.gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, { input: { email: 'n@example.test', name: long(201), password: 'long-enough', role: 'VIEWER' } }, t.admin.token),
        '200',
      ],
      [
        'createUser password',
        () => t.gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, { input: { email: 'p@example.test', name: 'P', password: 'short', role: 'VIEWER' } }, t.admin.token),
        '8',
      ],
    ];

    it.each(CASES)('%s', async (_name, call, limit) => {
      const result = await call();
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0].message).toContain(limit);
      expectNoStack(result);
    });

    it('refuses a blank title', async () => {
      const result = await t.gql(DECLARE, { input: { title: '   ', severity: 'SEV2', trigger: 'USER_REPORT' } }, alice.token);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0].message).toMatch(/title must not be blank/);
    });

    it('leaves the incident untouched after a refused update', async () => {
      await t.gql(SET_STATUS, { id: incidentId, status: 'IDENTIFIED', note: long(2_001) }, alice.token);
      const { incident } = await t.ok(GET, { id: incidentId }, alice.token);
      expect(incident.status).toBe('INVESTIGATING');
    });
  });

  describe('other input', () => {
    it('answers CONFLICT for a second user with the same email (in any case)', async () => {
      const create = (email: string) =>
        t.gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, { input: { email, name: 'Dup', password: 'long-enough', role: 'VIEWER' } }, t.admin.token);
      expect((await create('dup@example.test')).errors).toBeUndefined();
      const second = await create('DUP@example.test');
      expect(codes(second)).toEqual(['CONFLICT']);
    });

    it('answers BAD_USER_INPUT for an invalid email', async () => {
      const result = await t.gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, { input: { email: 'not-an-email', name: 'X', password: 'long-enough', role: 'VIEWER' } }, t.admin.token);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    });

    it.each(['garbage', Buffer.from('["not a date","x"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url'), Buffer.from(JSON.stringify([new Date().toISOString(), 'nope'])).toString('base64url')])(
      'answers BAD_USER_INPUT for a cursor the server did not issue (%s)',
      async (after) => {
        const result = await t.gql(`query($after: String) { incidents(after: $after) { totalCount } }`, { after }, alice.token);
        expect(codes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors![0].message).toMatch(/cursor/);
      },
    );

    it('answers BAD_USER_INPUT for an invalid DateTime', async () => {
      const result = await t.gql(ADD_EVENT, { i: incidentId, k: 'NOTE', b: 'x', at: 'yesterday' }, alice.token);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    });

    it.each([
      ['declareIncident title', () => t.gql(DECLARE, { input: { title: 'disk\u0000full', severity: 'SEV2', trigger: 'USER_REPORT' } }, alice.token)],
      ['addTimelineEvent body', () => t.gql(ADD_EVENT, { i: incidentId, k: 'NOTE', b: 'a\u0000b' }, alice.token)],
      ['login email (anonymous)', () => t.gql(`mutation($e: String!) { login(email: $e, password: "whatever-123") { token } }`, { e: 'a\u0000@example.test' })],
    ])('answers BAD_USER_INPUT (not a 500) for a NUL character, which PostgreSQL cannot store: %s', async (_name, call) => {
      const result = await call();
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0].message).toMatch(/NUL/);
      expectNoStack(result);
    });

    it('answers BAD_USER_INPUT for an unknown enum value in variables', async () => {
      const result = await t.gql(SET_STATUS, { id: incidentId, status: 'PANICKING' }, alice.token);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('GraphQL documents', () => {
    it.each([
      ['a syntax error', `{ incidents { `],
      ['an unknown field', `{ incidents { edges { node { nope } } } }`],
      ['a missing required argument', `mutation { setIncidentStatus(status: RESOLVED) { id } }`],
      ['a wrongly typed literal', `{ incidents(first: "ten") { totalCount } }`],
    ])('gives %s a contract code over HTTP', async (_what, query) => {
      const result = await t.gql(query, undefined, alice.token);
      expect(result.errors!.length).toBeGreaterThan(0);
      for (const code of codes(result)) expect(CONTRACT_CODES).toContain(code);
      expect(codes(result)[0]).toBe('BAD_USER_INPUT');
      expectNoStack(result);
    });

    it.each([
      ['a syntax error', `subscription { incidentsChanged { `],
      ['an unknown field', `subscription { incidentsChanged { nope } }`],
      ['a missing required argument', `subscription { incidentUpdated { id } }`],
    ])('gives %s a contract code over graphql-ws', async (_what, query) => {
      const sub = collect(t.wsClient(alice.token), query);
      await expect(sub.next(1, 3000)).rejects.toBeDefined();
      const errors = sub.error as Array<{ extensions?: { code?: string } }>;
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(e.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(errors)).not.toMatch(/stacktrace/);
    });

    it('keeps the connection and its other subscriptions alive after a bad document', async () => {
      const client = t.wsClient(alice.token);
      const closes: number[] = [];
      client.on('closed', (event) => closes.push((event as { code: number }).code));
      const good = collect(client, `subscription($id: ID!) { incidentUpdated(id: $id) { title } }`, { id: incidentId });
      await good.settle();
      const bad = collect(client, `subscription { incidentsChanged { `);
      await expect(bad.next(1, 3000)).rejects.toBeDefined();
      await t.ok(UPDATE, { id: incidentId, input: { title: 'still delivered' } }, alice.token);
      const [event] = await good.next(1);
      expect(event.data.incidentUpdated.title).toBe('still delivered');
      expect(closes).toEqual([]);
      good.unsubscribe();
    });
  });

  describe('HTTP bodies', () => {
    const post = (body: string) => fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    it.each([
      ['a body that is not JSON', '{"query": ', 400, /not valid JSON/],
      ['a body over the 1 MiB limit', JSON.stringify({ query: '{ me { id } }', pad: long(2 * 1024 * 1024) }), 413, /at most 1048576 bytes/],
    ])('answers %s with a JSON error carrying a contract code and no stack trace', async (_what, body, status, message) => {
      const response = await post(body as string);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      const result = (await response.json()) as GqlResult;
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0].message).toMatch(message as RegExp);
      expectNoStack(result);
    });
  });

  describe('HTTP requests Apollo refuses', () => {
    it.each([
      ['a batch (batching is off)', [{ query: '{ me { id } }' }]],
      ['a body without a query', {}],
      ['a query that is not a string', { query: 5 }],
      ['an unknown operation name', { query: '{ me { id } }', operationName: 'Nope' }],
      ['several operations without a name', { query: 'query A { me { id } } query B { me { id } }' }],
      ['a persisted-query hash that does not match the query', { query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }],
    ])('answers %s with BAD_USER_INPUT', async (_what, body) => {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
        body: JSON.stringify(body),
      });
      const result = (await response.json()) as GqlResult;
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0].message).not.toBe('Internal server error');
    });
  });

  describe('stack traces', () => {
    it('are absent from domain, validation and unexpected errors outside development', async () => {
      const hookFailure = 'explode-in-production';
      t.server.services.incidents.onDeclare(async (_tx, incident) => {
        if (incident.title === hookFailure) throw new Error('a declaration hook failed');
      });
      const unexpected = await t.gql(DECLARE, { input: { title: hookFailure, severity: 'SEV2', trigger: 'USER_REPORT' } }, alice.token);
      expect(unexpected.errors![0].message).toBe('Internal server error');
      expect(unexpected.errors![0].message).not.toMatch(/hook/);
      for (const result of [
        unexpected,
        await t.gql(GET, { id: 'bad' }, alice.token),
        await t.gql(DECLARE, { input: { title: long(300), severity: 'SEV2', trigger: 'USER_REPORT' } }, alice.token),
        await t.gql(`{ nope }`, undefined, alice.token),
      ]) {
        expect(result.errors).toBeDefined();
        expectNoStack(result);
      }
    });

    describe('with NODE_ENV=development', () => {
      let dev: TestServer;
      beforeAll(async () => {
        dev = await startTestServer({ nodeEnv: 'development' });
      });
      afterAll(() => dev.close());

      it('includes them, to help whoever is developing', async () => {
        const result = await dev.gql(GET, { id: 'bad' }, dev.admin.token);
        expect(codes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors![0].extensions).toHaveProperty('stacktrace');
      });
    });
  });
});
