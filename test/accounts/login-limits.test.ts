import crypto from 'node:crypto';
import Redis from 'ioredis';
import { describeWithRedis, uniqueRedisPrefix } from '../support/redis';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/test-server';

const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;

/** A login over real HTTP, optionally claiming an X-Forwarded-For address. */
async function login(t: TestServer, email: string, password: string, forwardedFor?: string) {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ query: LOGIN, variables: { e: email, p: password } }),
  });
  return (await response.json()) as { data?: { login: { token: string } } | null; errors?: Array<{ message: string; extensions: Record<string, unknown> }> };
}

const code = (r: Awaited<ReturnType<typeof login>>) => r.errors?.[0]?.extensions.code ?? 'OK';

describe('login limits, in memory, without a proxy', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ loginLimits: { maxFailuresPerEmail: 3, maxFailuresPerIp: 1000, windowSeconds: 60, keyPrefix: 'test:' } });
  });
  afterAll(() => t.close());

  it('locks an email out after its failures, even for the right password, with retryAfterSeconds', async () => {
    const user = await t.createUser('RESPONDER');
    for (let i = 0; i < 3; i += 1) expect(code(await login(t, user.email, 'wrong-password'))).toBe('UNAUTHENTICATED');
    const locked = await login(t, user.email, TEST_PASSWORD);
    expect(code(locked)).toBe('FORBIDDEN');
    expect(locked.errors![0].message).toMatch(/^too many failed logins; try again in \d+ seconds$/);
    expect(locked.errors![0].extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(locked.errors![0].extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another person from the same address is not locked out by it.
    const other = await t.createUser('RESPONDER');
    expect(code(await login(t, other.email, TEST_PASSWORD))).toBe('OK');
  });

  it('resets the email counter on a successful login', async () => {
    const user = await t.createUser('VIEWER');
    for (let i = 0; i < 2; i += 1) expect(code(await login(t, user.email, 'wrong-password'))).toBe('UNAUTHENTICATED');
    expect(code(await login(t, user.email.toUpperCase(), TEST_PASSWORD))).toBe('OK');
    for (let i = 0; i < 2; i += 1) expect(code(await login(t, user.email, 'wrong-password'))).toBe('UNAUTHENTICATED');
    expect(code(await login(t, user.email, TEST_PASSWORD))).toBe('OK');
  });

  it('counts guesses sent over a graphql-ws connection like those over HTTP', async () => {
    const target = await t.createUser('ADMIN');
    const insider = await t.createUser('VIEWER');
    const client = t.wsClient(insider.token);
    const overSocket = () =>
      new Promise<string>((resolve, reject) => {
        let outcome = 'OK';
        client.subscribe(
          { query: LOGIN, variables: { e: target.email, p: 'wrong-password' } },
          { next: (r) => (outcome = String(r.errors?.[0]?.extensions?.code ?? 'OK')), error: reject, complete: () => resolve(outcome) },
        );
      });
    for (let i = 0; i < 3; i += 1) expect(await overSocket()).toBe('UNAUTHENTICATED');
    expect(await overSocket()).toBe('FORBIDDEN');
    expect(code(await login(t, target.email, TEST_PASSWORD))).toBe('FORBIDDEN');
  });

  it('lets an admin clear a lockout with unlockUser, and nobody else', async () => {
    const user = await t.createUser('RESPONDER');
    const viewer = await t.createUser('VIEWER');
    for (let i = 0; i < 3; i += 1) expect(code(await login(t, user.email, 'wrong-password'))).toBe('UNAUTHENTICATED');
    expect(code(await login(t, user.email, TEST_PASSWORD))).toBe('FORBIDDEN');
    const UNLOCK = `mutation($id: ID!) { unlockUser(id: $id) { id email } }`;
    expect((await t.gql(UNLOCK, { id: user.id }, viewer.token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(UNLOCK, { id: 'nope' }, t.admin.token)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.ok(UNLOCK, { id: user.id }, t.admin.token)).unlockUser).toEqual({ id: user.id, email: user.email });
    expect(code(await login(t, user.email, TEST_PASSWORD))).toBe('OK');
  });

  it('checks at most the allowed number of guesses sent at the same moment', async () => {
    const user = await t.createUser('VIEWER');
    const results = await Promise.all(Array.from({ length: 6 }, () => login(t, user.email, 'wrong-password')));
    expect(results.map(code).filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(3);
    expect(results.map(code).filter((c) => c === 'FORBIDDEN')).toHaveLength(3);
  });

});

describe('login limits per client address', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ loginLimits: { maxFailuresPerEmail: 100, maxFailuresPerIp: 3, windowSeconds: 60, keyPrefix: 'test:' } });
  });
  afterAll(() => t.close());

  it('locks out an address spraying many emails, and ignores X-Forwarded-For without TRUST_PROXY', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect(code(await login(t, `nobody-${crypto.randomUUID()}@example.test`, 'guess', `203.0.113.${i}`))).toBe('UNAUTHENTICATED');
    }
    expect(code(await login(t, t.admin.email, 'admin-password-123', '198.51.100.1'))).toBe('FORBIDDEN');
  });
});

describe('login limits behind a trusted proxy', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ trustProxy: 'loopback', loginLimits: { maxFailuresPerEmail: 100, maxFailuresPerIp: 2, windowSeconds: 60, keyPrefix: 'test:' } });
  });
  afterAll(() => t.close());

  it('counts per forwarded client address when TRUST_PROXY trusts the proxy', async () => {
    const email = `nobody-${crypto.randomUUID()}@example.test`;
    for (let i = 0; i < 2; i += 1) expect(code(await login(t, email, 'guess', '203.0.113.7'))).toBe('UNAUTHENTICATED');
    expect(code(await login(t, email, 'guess', '203.0.113.7'))).toBe('FORBIDDEN');
    expect(code(await login(t, email, 'guess', '203.0.113.8'))).toBe('UNAUTHENTICATED');
    expect(code(await login(t, t.admin.email, 'admin-password-123', '203.0.113.8'))).toBe('OK');
  });
});

describeWithRedis('login limits in Redis', (redisUrl) => {
  const prefix = `${uniqueRedisPrefix()}login:`;
  const limits = { maxFailuresPerEmail: 2, maxFailuresPerIp: 100, windowSeconds: 60, keyPrefix: prefix };
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer({ redisUrl, redisPrefix: `${prefix}events:`, loginLimits: limits });
    b = await startTestServer({ redisUrl, redisPrefix: `${prefix}events:`, loginLimits: limits });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('clears a lockout counted in Redis from another instance with unlockUser', async () => {
    const user = await a.createUser('RESPONDER');
    for (let i = 0; i < 2; i += 1) expect(code(await login(a, user.email, 'wrong-password'))).toBe('UNAUTHENTICATED');
    expect(code(await login(a, user.email, TEST_PASSWORD))).toBe('FORBIDDEN');
    // b never saw these attempts: it finds the counters in the shared Redis (unlockUser on b calls this).
    await b.server.services.loginThrottle.unlock(user.email);
    expect(code(await login(a, user.email, TEST_PASSWORD))).toBe('OK');
  });

  it('shares failures between instances under its own key prefix', async () => {
    // Both test servers bootstrap the same admin email; failures on one lock it out on the other.
    for (let i = 0; i < 2; i += 1) expect(code(await login(a, a.admin.email, 'wrong-password'))).toBe('UNAUTHENTICATED');
    expect(code(await login(b, b.admin.email, 'admin-password-123'))).toBe('FORBIDDEN');
    const redis = new Redis(redisUrl);
    try {
      // Counted per (address, email): the key names both.
      const keys = await redis.keys(`${prefix}address-email:*`);
      expect(keys).toHaveLength(1);
      expect(keys[0].startsWith(`${prefix}address-email:`) && keys[0].endsWith(`|${a.admin.email}`)).toBe(true);
    } finally {
      await redis.del(...(await redis.keys(`${prefix}*`)));
      redis.disconnect();
    }
  });
});
