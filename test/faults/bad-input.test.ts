import crypto from 'node:crypto';
import { SignJWT } from 'jose/jwt/sign';
import { CREATE_TOKEN, postPagerDuty } from '../alerts/alertmanager-fixtures';
import { startTestServer, type TestServer } from '../support/test-server';

const JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
const INCIDENTS = `query($filter: IncidentFilter) { incidents(first: 5, filter: $filter) { totalCount } }`;
const count = async (t: TestServer, table: string) => Number((await t.server.services.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

describe('bad inputs get a coded 4xx and write nothing', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('refuses a 100,000-entry severity filter with BAD_USER_INPUT naming the limit', async () => {
    const result = await t.gql(INCIDENTS, { filter: { severity: Array.from({ length: 100_000 }, () => 'SEV1') } }, t.admin.token);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/filter\.severity has 100000 entries; at most 100/);
    // The limit, not the filter, is what refuses: 100 entries still work.
    const ok = await t.gql(INCIDENTS, { filter: { severity: Array.from({ length: 100 }, () => 'SEV2') } }, t.admin.token);
    expect(ok.errors).toBeUndefined();
  });

  it('refuses an oversized list argument of any root field (incidentMetrics(severity:)), writing nothing', async () => {
    const before = await count(t, 'incidents');
    const result = await t.gql(`query($s: [Severity!]) { incidentMetrics(severity: $s) { incidentCount } }`, { s: Array.from({ length: 101 }, () => 'SEV3') }, t.admin.token);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count(t, 'incidents')).toBe(before);
  });

  it('answers 401 UNAUTHENTICATED (not a 500) for a validly signed token whose subject is not a user id', async () => {
    const key = new TextEncoder().encode(JWT_SECRET);
    const token = await new SignJWT({ gen: 0 }).setProtectedHeader({ alg: 'HS256' }).setSubject('not-a-uuid').setIssuer('sitrep').setIssuedAt().setExpirationTime('1h').sign(key);
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0].message).toMatch(/subject/);
  });

  it('answers 400 for a PagerDuty custom_details nested 5,000 levels deep, and opens no incident', async () => {
    const routingKey = (await t.ok(CREATE_TOKEN, { name: 'Deep', role: 'RESPONDER' }, t.admin.token)).createApiToken.token;
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const body = `{"routing_key":"${routingKey}","event_action":"trigger","dedup_key":"deep-${crypto.randomUUID()}","payload":{"summary":"deep","source":"x","severity":"critical","custom_details":${deep}}}`;
    const before = await count(t, 'incidents');
    const response = await postPagerDuty(t.url, body);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/nested deeper than 32 levels/);
    expect(await count(t, 'incidents')).toBe(before);
  });

  it('refuses more than one login in one operation before checking any password', async () => {
    const aliased = `mutation { ${Array.from({ length: 100 }, (_, i) => `l${i}: login(email: "${t.admin.email}", password: "admin-password-123") { token }`).join(' ')} }`;
    const started = Date.now();
    const result = await t.gql(aliased);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    // 100 aliases are past the alias limit too, which answers first; the same BAD_USER_INPUT, and no scrypt ran.
    expect(result.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    // Within the alias limit, the login rule itself answers.
    const few = `mutation { ${Array.from({ length: 10 }, (_, i) => `l${i}: login(email: "${t.admin.email}", password: "admin-password-123") { token }`).join(' ')} }`;
    const refused = await t.gql(few);
    expect(refused.data).toBeUndefined();
    expect(refused.errors![0]).toMatchObject({ message: 'at most one login per operation; this one has 10', extensions: { code: 'BAD_USER_INPUT' } });
    const viaFragment = await t.gql(`mutation { ...L a: login(email: "x@y.z", password: "whatever-1") { token } } fragment L on Mutation { login(email: "x@y.z", password: "whatever-1") { token } }`);
    expect(viaFragment.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('introspection in production', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ nodeEnv: 'production', graphqlIntrospection: false });
  });
  afterAll(() => t.close());

  it('refuses introspection and gives no field suggestions, over HTTP and graphql-ws', async () => {
    const schema = await t.gql(`{ __schema { types { name } } }`);
    expect(schema.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(schema)).not.toMatch(/Incident/);
    const typo = await t.gql(`{ incidnets { totalCount } }`, undefined, t.admin.token);
    expect(typo.errors?.[0].message).toBe('Cannot query field "incidnets" on type "Query".');

    const client = t.wsClient(t.admin.token);
    const errors = await new Promise<Array<{ message: string }>>((resolve) =>
      client.subscribe({ query: `subscription { incidentsChangd { kind } }` }, { next: () => undefined, error: (e) => resolve(e as never), complete: () => resolve([]) }),
    );
    expect(errors[0].message).toBe('Cannot query field "incidentsChangd" on type "Subscription".');
    const introspection = await new Promise<Array<{ message: string }>>((resolve) =>
      client.subscribe({ query: `{ __type(name: "Incident") { name } }` }, { next: () => resolve([]), error: (e) => resolve(e as never), complete: () => resolve([]) }),
    );
    expect(introspection[0].message).toMatch(/introspection/i);
  });
});
