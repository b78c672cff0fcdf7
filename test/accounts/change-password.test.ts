import { connectEditor } from '../support/collab-clients';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/test-server';
import { codes, declare } from '../core/core-ops';

const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token user { id } } }`;
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;
const ME = `{ me { id } }`;

describe('changePassword', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ loginLimits: { maxFailuresPerEmail: 3, maxFailuresPerIp: 1000, windowSeconds: 60, keyPrefix: 'test:' } });
  });
  afterAll(() => t.close());

  it('changes the password, returns a working token and ends every other session, sockets included', async () => {
    const user = await t.createUser('RESPONDER');
    const incident = await declare(t, user);
    const other = (await t.ok(LOGIN, { e: user.email, p: TEST_PASSWORD })).login.token;
    const editor = connectEditor(t.url, incident.id, other);
    await editor.synced();

    const { changePassword } = await t.ok(CHANGE, { c: TEST_PASSWORD, n: 'a-brand-new-passphrase' }, user.token);
    expect(changePassword.user.id).toBe(user.id);
    expect((await t.ok(ME, {}, changePassword.token)).me.id).toBe(user.id);
    expect(codes(await t.gql(ME, {}, user.token))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await t.gql(ME, {}, other))).toEqual(['UNAUTHENTICATED']);
    expect((await editor.closed()).code).toBe(4401);
    editor.destroy();

    expect(codes(await t.gql(LOGIN, { e: user.email, p: TEST_PASSWORD }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await t.gql(LOGIN, { e: user.email, p: 'a-brand-new-passphrase' }))).toEqual([]);
  });

  it('lets exactly one of two simultaneous changes win; the other is refused and the winner’s password works', async () => {
    const user = await t.createUser('RESPONDER');
    const [first, second] = await Promise.all([
      t.gql(CHANGE, { c: TEST_PASSWORD, n: 'first-new-passphrase' }, user.token),
      t.gql(CHANGE, { c: TEST_PASSWORD, n: 'second-new-passphrase' }, user.token),
    ]);
    const winners = [first, second].filter((r) => !r.errors);
    expect(winners).toHaveLength(1);
    const loser = [first, second].find((r) => r.errors)!;
    expect(['CONFLICT', 'BAD_USER_INPUT', 'UNAUTHENTICATED']).toContain(codes(loser)[0]);
    const winning = winners[0] === first ? 'first-new-passphrase' : 'second-new-passphrase';
    const losing = winners[0] === first ? 'second-new-passphrase' : 'first-new-passphrase';
    expect((await t.gql(LOGIN, { e: user.email, p: winning })).errors).toBeUndefined();
    expect(codes(await t.gql(LOGIN, { e: user.email, p: losing }))).toEqual(['UNAUTHENTICATED']);
  });

  it('answers a wrong current password with BAD_USER_INPUT and counts it against the login limit', async () => {
    const user = await t.createUser('VIEWER');
    for (let i = 0; i < 3; i += 1) {
      const wrong = await t.gql(CHANGE, { c: 'not-my-password', n: 'another-passphrase' }, user.token);
      expect(codes(wrong)).toEqual(['BAD_USER_INPUT']);
      expect(wrong.errors![0].message).toBe('currentPassword is incorrect');
    }
    const locked = await t.gql(CHANGE, { c: TEST_PASSWORD, n: 'another-passphrase' }, user.token);
    expect(codes(locked)).toEqual(['FORBIDDEN']);
    expect(locked.errors![0].extensions!.retryAfterSeconds).toEqual(expect.any(Number));
    // Nothing changed: the session still works and the old password is still the password.
    expect(codes(await t.gql(ME, {}, user.token))).toEqual([]);
  });

  it('applies createUser’s length rules, refuses the same password, and needs a login, not an API token', async () => {
    const user = await t.createUser('VIEWER');
    const short = await t.gql(CHANGE, { c: TEST_PASSWORD, n: 'short' }, user.token);
    expect(codes(short)).toEqual(['BAD_USER_INPUT']);
    expect(short.errors![0].message).toMatch(/newPassword must be between 8 and 200 characters/);
    expect(codes(await t.gql(CHANGE, { c: TEST_PASSWORD, n: 'x'.repeat(201) }, user.token))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(CHANGE, { c: TEST_PASSWORD, n: TEST_PASSWORD }, user.token))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(CHANGE, { c: TEST_PASSWORD, n: 'long-enough-pw' }))).toEqual(['UNAUTHENTICATED']);
    const { createApiToken } = await t.ok(`mutation { createApiToken(name: "CI", role: RESPONDER) { token } }`, {}, t.admin.token);
    expect(codes(await t.gql(CHANGE, { c: 'anything', n: 'long-enough-pw' }, createApiToken.token))).toEqual(['FORBIDDEN']);
    expect(codes(await t.gql(ME, {}, user.token))).toEqual([]);
  });
});
