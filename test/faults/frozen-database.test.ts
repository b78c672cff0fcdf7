import { loadConfig } from '../../src/config/config';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { startTestServer, TEST_PASSWORD, type TestServer, type TestUser } from '../support/test-server';

const STATEMENT_MS = 1_500;
const CONNECT_MS = 1_000;
/** Scheduling slack on a loaded two-core machine. */
const SLACK_MS = 1_000;
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;

/** Runs `work` and says how long it took. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

describe('a frozen database (SIGSTOP) on a PostgreSQL of the test\'s own', () => {
  let pg: PrivatePostgres;
  let t: TestServer;
  let bob: TestUser;
  const post = (body: unknown, token?: string) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    t = await startTestServer({
      databaseUrl: pg.url,
      timeouts: { ...loadConfig({}).timeouts, statementMs: STATEMENT_MS, connectMs: CONNECT_MS, readinessMs: 900 },
      loginLimits: { maxFailuresPerEmail: 3, maxFailuresPerIp: 1000, windowSeconds: 600, keyPrefix: 'frozen:' },
    });
    bob = await t.createUser('RESPONDER', 'Bob');
  }, 60_000);
  afterAll(async () => {
    pg?.thaw();
    await t?.close();
    await pg?.stop();
  });

  it('fails requests fast with SERVICE_UNAVAILABLE and /readyz with 503, counts no login failures, and recovers after SIGCONT', async () => {
    pg.freeze();
    try {
      const query = await timed(() => post({ query: '{ incidents(first: 5) { totalCount } }' }, t.admin.token));
      expect(query.value.status).toBe(503);
      expect(query.value.headers.get('retry-after')).toBe('1');
      const body = (await query.value.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0]).toMatchObject({ message: 'the database is not answering; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } });
      // Within the timeouts: the statement's, plus the connection's when the pool had to open one.
      expect(query.ms).toBeLessThan(STATEMENT_MS + CONNECT_MS + SLACK_MS);

      const ready = await timed(() => fetch(`${t.url}/readyz`));
      expect(ready.value.status).toBe(503);
      expect(ready.ms).toBeLessThan(1_000);

      // Five logins with the right password while the database is away: each fails as ours, not as a wrong password.
      for (let i = 0; i < 5; i += 1) {
        const login = await timed(() => post({ query: LOGIN, variables: { e: bob.email, p: TEST_PASSWORD } }));
        const result = (await login.value.json()) as { errors: Array<{ extensions: { code: string } }> };
        expect(result.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
        expect(login.ms).toBeLessThan(STATEMENT_MS + CONNECT_MS + SLACK_MS);
      }
    } finally {
      pg.thaw();
    }

    // Back without a restart: the right password logs in at once, and everything answers.
    const login = (await (await post({ query: LOGIN, variables: { e: bob.email, p: TEST_PASSWORD } })).json()) as { data?: { login: { token: string } } };
    expect(login.data?.login.token).toEqual(expect.any(String));
    const again = await post({ query: '{ incidents(first: 5) { totalCount } }' }, t.admin.token);
    expect(again.status).toBe(200);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });
});
