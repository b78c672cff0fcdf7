import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { collect, startTestServer, TEST_PASSWORD, type GqlResult, type TestServer, type TestUser } from '../support/test-server';
import { ADD_EVENT, ASSIGN, POST_UPDATE, SET_STATUS, UPDATE, codes, declare, getIncident, sql } from './core-ops';

type Who = 'anonymous' | 'viewer' | 'responder' | 'commander' | 'admin';
type Outcome = 'OK' | 'UNAUTHENTICATED' | 'FORBIDDEN';

interface Fixture {
  incidentId: string;
  users: Record<Exclude<Who, 'anonymous'>, TestUser>;
}

/** One row per core mutation: how to call it, and what each kind of caller gets. */
interface Row {
  mutation: string;
  call: (t: TestServer, f: Fixture, token: string | undefined) => Promise<GqlResult>;
  expected: Record<Who, Outcome>;
  /** Rows written by the mutation, to prove a refusal wrote nothing. */
  footprint: (t: TestServer, f: Fixture) => Promise<number>;
}

const incidentRows = async (t: TestServer) => (await sql(t, 'SELECT count(*)::int AS n FROM incidents'))[0].n as number;
const userRows = async (t: TestServer) => (await sql(t, 'SELECT count(*)::int AS n FROM users'))[0].n as number;
const incidentWrites = async (t: TestServer, f: Fixture) =>
  (await sql(t, 'SELECT (SELECT count(*) FROM timeline_events WHERE incident_id = $1) + (SELECT count(*) FROM role_assignments WHERE incident_id = $1) + (SELECT count(*) FROM status_updates WHERE incident_id = $1) AS n', [f.incidentId]))[0].n as number;

const RESPONDER_WORK = { anonymous: 'UNAUTHENTICATED', viewer: 'FORBIDDEN', responder: 'OK', commander: 'OK', admin: 'OK' } as const;
const COMMANDER_ONLY = { anonymous: 'UNAUTHENTICATED', viewer: 'FORBIDDEN', responder: 'FORBIDDEN', commander: 'OK', admin: 'OK' } as const;

let emails = 0;
const MATRIX: Row[] = [
  {
    mutation: 'login',
    call: (t, f, token) =>
      t.gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id } } }`, { e: f.users.responder.email, p: TEST_PASSWORD }, token),
    expected: { anonymous: 'OK', viewer: 'OK', responder: 'OK', commander: 'OK', admin: 'OK' },
    footprint: userRows,
  },
  {
    mutation: 'createUser',
    call: (t, _f, token) => {
      emails += 1;
      return t.gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, {
        input: { email: `matrix${emails}@example.test`, name: `Matrix ${emails}`, password: 'long-enough-pw', role: 'RESPONDER' },
      }, token);
    },
    expected: { anonymous: 'UNAUTHENTICATED', viewer: 'FORBIDDEN', responder: 'FORBIDDEN', commander: 'FORBIDDEN', admin: 'OK' },
    footprint: userRows,
  },
  {
    mutation: 'declareIncident',
    call: (t, _f, token) =>
      t.gql(`mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id } }`, { input: { title: 'Matrix', severity: 'SEV3', trigger: 'USER_REPORT' } }, token),
    expected: RESPONDER_WORK,
    footprint: incidentRows,
  },
  {
    mutation: 'updateIncident',
    call: (t, f, token) => t.gql(UPDATE, { id: f.incidentId, input: { severity: 'SEV1' } }, token),
    expected: RESPONDER_WORK,
    footprint: incidentWrites,
  },
  {
    mutation: 'setIncidentStatus',
    call: (t, f, token) => t.gql(SET_STATUS, { id: f.incidentId, status: 'IDENTIFIED', note: 'matrix' }, token),
    expected: RESPONDER_WORK,
    footprint: incidentWrites,
  },
  {
    mutation: 'assignRole',
    call: (t, f, token) => t.gql(ASSIGN, { i: f.incidentId, r: 'OPERATIONS_LEAD', u: f.users.responder.id }, token),
    expected: COMMANDER_ONLY,
    footprint: incidentWrites,
  },
  {
    mutation: 'addTimelineEvent',
    call: (t, f, token) => t.gql(ADD_EVENT, { i: f.incidentId, k: 'NOTE', b: 'matrix note' }, token),
    expected: RESPONDER_WORK,
    footprint: incidentWrites,
  },
  {
    mutation: 'postStatusUpdate',
    call: (t, f, token) => t.gql(POST_UPDATE, { i: f.incidentId, a: 'INTERNAL', b: 'matrix update' }, token),
    expected: COMMANDER_ONLY,
    footprint: incidentWrites,
  },
];

const CALLERS: Who[] = ['anonymous', 'viewer', 'responder', 'commander', 'admin'];
const CASES = MATRIX.flatMap((row) => CALLERS.map((who) => [row.mutation, who, row.expected[who], row] as const));

describe('authorization', () => {
  let t: TestServer;
  let users: Fixture['users'];

  beforeAll(async () => {
    t = await startTestServer();
    users = {
      viewer: await t.createUser('VIEWER', 'Vic Viewer'),
      responder: await t.createUser('RESPONDER', 'Rita Responder'),
      commander: await t.createUser('RESPONDER', 'Cora Commander'),
      admin: t.admin,
    };
  });
  afterAll(() => t.close());

  describe('every core mutation × anonymous / viewer / responder / commander / admin', () => {
    it.each(CASES)('%s by %s → %s', async (_mutation, who, expected, row) => {
      // A fresh incident per case, commanded by the "commander" responder.
      const incident = await declare(t, users.commander);
      const fixture: Fixture = { incidentId: incident.id, users };
      const token = who === 'anonymous' ? undefined : users[who].token;
      const before = await row.footprint(t, fixture);
      const result = await row.call(t, fixture, token);
      if (expected === 'OK') {
        expect(result.errors).toBeUndefined();
        expect(result.data).not.toBeNull();
      } else {
        expect(codes(result)).toEqual([expected]);
        expect(result.data).toBeNull();
        expect(await row.footprint(t, fixture)).toBe(before);
      }
    });
  });

  describe('queries', () => {
    const QUERIES: Array<[string, string]> = [
      ['users', `{ users { id } }`],
      ['incident', `{ incident(id: "00000000-0000-4000-8000-000000000000") { id } }`],
      ['incidents', `{ incidents { totalCount } }`],
    ];

    it.each(QUERIES)('answers UNAUTHENTICATED to an anonymous %s query', async (_name, query) => {
      const result = await t.gql(query);
      expect(codes(result)).toEqual(['UNAUTHENTICATED']);
    });

    it.each(QUERIES)('lets a viewer run the %s query', async (_name, query) => {
      const result = await t.gql(query, undefined, users.viewer.token);
      expect(result.errors).toBeUndefined();
    });

    it.each([
      ['declareIncident', `mutation { declareIncident(input: { title: "${'x'.repeat(300)}", severity: SEV1, trigger: USER_REPORT }) { id } }`],
      ['createUser', `mutation { createUser(input: { email: "bad", name: "x", password: "y", role: ADMIN }) { id } }`],
      ['setIncidentStatus', `mutation { setIncidentStatus(id: "bad", status: RESOLVED, note: "${'x'.repeat(3000)}") { id } }`],
      ['incident', `{ incident(id: "bad") { id } }`],
    ])('answers UNAUTHENTICATED to an anonymous %s with invalid input, without revealing the validation rules', async (_name, query) => {
      const result = await t.gql(query);
      expect(codes(result)).toEqual(['UNAUTHENTICATED']);
      expect(result.errors![0]).not.toHaveProperty('extensions.validationErrors');
    });

    it('answers me with null for an anonymous caller and with the user otherwise', async () => {
      expect((await t.ok(`{ me { id } }`)).me).toBeNull();
      expect((await t.ok(`{ me { id role } }`, undefined, users.viewer.token)).me).toEqual({ id: users.viewer.id, role: 'VIEWER' });
    });

    it.each([
      ['a malformed header', 'Token abc'],
      ['a forged token', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
      ['garbage', 'Bearer not-a-jwt'],
    ])('refuses %s with UNAUTHENTICATED and HTTP 401', async (_what, authorization) => {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query: `{ incidents { totalCount } }` }),
      });
      expect(response.status).toBe(401);
      const body = (await response.json()) as GqlResult;
      expect(codes(body)).toEqual(['UNAUTHENTICATED']);
    });

    it('answers UNAUTHENTICATED to a wrong password, naming neither which part was wrong', async () => {
      const wrong = await t.gql(`mutation { login(email: "${users.viewer.email}", password: "wrong-password") { token } }`);
      const unknown = await t.gql(`mutation { login(email: "nobody@example.test", password: "wrong-password") { token } }`);
      expect(codes(wrong)).toEqual(['UNAUTHENTICATED']);
      expect(codes(unknown)).toEqual(['UNAUTHENTICATED']);
      expect(wrong.errors![0].message).toBe(unknown.errors![0].message);
    });
  });

  describe('graphql-ws connection init', () => {
    const SUBSCRIPTION = `subscription { incidentsChanged { kind incident { id } } }`;

    async function refusal(token: string | undefined, params?: Record<string, unknown>) {
      const client = params
        ? createClient({ url: t.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: params })
        : t.wsClient(token);
      const sub = collect(client, SUBSCRIPTION);
      await expect(sub.next(1, 3000)).rejects.toBeDefined();
      await client.dispose();
      return sub.error as { code?: number };
    }

    it('refuses a connection without a token at connection init', async () => {
      expect((await refusal(undefined)).code).toBe(4403);
    });

    it('refuses a connection with a bad token at connection init', async () => {
      expect((await refusal('not-a-jwt')).code).toBe(4403);
    });

    it('refuses connection params that are not a bearer header', async () => {
      expect((await refusal(undefined, { authorization: users.viewer.token })).code).toBe(4403);
    });

    it('lets a viewer subscribe and receive changes', async () => {
      const sub = collect(t.wsClient(users.viewer.token), SUBSCRIPTION);
      await sub.settle();
      const incident = await declare(t, users.commander);
      const [event] = await sub.next(1);
      expect(event.data.incidentsChanged).toEqual({ kind: 'DECLARED', incident: { id: incident.id } });
      sub.unsubscribe();
    });
  });

  describe('token lifetime', () => {
    let short: TestServer;
    beforeAll(async () => {
      // JWT times are whole seconds: a 1 s token can be dead on arrival; 3 s lives 2 to 3 s.
      short = await startTestServer({ jwtTtlSeconds: 3 });
    });
    afterAll(() => short.close());

    it('refuses an expired token over HTTP and at graphql-ws connection init', async () => {
      const user = await short.createUser('RESPONDER', 'Ephemeral');
      expect((await short.gql(`{ me { id } }`, undefined, user.token)).errors).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 3100));
      const result = await short.gql(`{ me { id } }`, undefined, user.token);
      expect(codes(result)).toEqual(['UNAUTHENTICATED']);
      expect(result.errors![0].message).toMatch(/expired/);
      const sub = collect(short.wsClient(user.token), `subscription { incidentsChanged { kind } }`);
      await expect(sub.next(1, 3000)).rejects.toBeDefined();
      expect((sub.error as { code?: number }).code).toBe(4403);
    });
  });

  it('refuses the token of a user who no longer exists', async () => {
    const user = await t.createUser('VIEWER', 'Gone');
    await sql(t, 'DELETE FROM users WHERE id = $1', [user.id]);
    const result = await t.gql(`{ me { id } }`, undefined, user.token);
    expect(codes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('never lets a refused caller change an incident (the fixture stays as declared)', async () => {
    const incident = await declare(t, users.commander);
    for (const row of MATRIX.filter((r) => r.footprint === incidentWrites)) {
      await row.call(t, { incidentId: incident.id, users }, users.viewer.token);
    }
    const after = await getIncident(t, incident.id);
    expect(after).toMatchObject({ status: 'INVESTIGATING', severity: incident.severity, updatedAt: incident.updatedAt });
    expect(after.timeline).toHaveLength(1);
  });
});
