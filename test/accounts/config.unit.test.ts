import { ConfigError, loadConfig } from '../../src/config/config';

describe('account settings in the configuration', () => {
  it('defaults to 5 failures per (address, email) and 500 per address in 15 minutes, Redis keys under REDIS_PREFIX, no proxy trusted', () => {
    const config = loadConfig({});
    expect(config.loginLimits).toEqual({ maxFailuresPerEmail: 5, maxFailuresPerIp: 500, windowSeconds: 900, keyPrefix: 'sitrep:login:' });
    expect(config.trustProxy).toBe(false);
    expect(loadConfig({ REDIS_PREFIX: 'prod:' }).loginLimits.keyPrefix).toBe('prod:login:');
  });

  it('turns introspection off in production unless GRAPHQL_INTROSPECTION=true, and reads the timeouts', () => {
    expect(loadConfig({}).graphqlIntrospection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development' }).graphqlIntrospection).toBe(true);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'true' }).graphqlIntrospection).toBe(true);
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'maybe' })).toThrow(/GRAPHQL_INTROSPECTION/);
    expect(loadConfig({}).timeouts).toEqual({ statementMs: 10_000, connectMs: 3_000, readinessMs: 900, redisCommandMs: 2_000 });
    expect(loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '5000' }).timeouts.statementMs).toBe(5_000);
    expect(() => loadConfig({ READINESS_TIMEOUT_MS: '0' })).toThrow(/READINESS_TIMEOUT_MS/);
    expect(loadConfig({}).eventLog).toEqual({ pollIntervalMs: 1_000, retentionSeconds: 3_600 });
    expect(loadConfig({ EVENT_LOG_RETENTION: '2h' }).eventLog.retentionSeconds).toBe(7_200);
    expect(loadConfig({}).collab.repairIntervalMs).toBe(10_000);
    expect(() => loadConfig({ COLLAB_REPAIR_INTERVAL_MS: '5' })).toThrow(/COLLAB_REPAIR_INTERVAL_MS/);
  });

  it('reads the login limits and TRUST_PROXY from the environment', () => {
    const config = loadConfig({
      LOGIN_MAX_FAILURES_PER_EMAIL: '10',
      LOGIN_MAX_FAILURES_PER_IP: '200',
      LOGIN_FAILURE_WINDOW: '1h',
      LOGIN_LIMIT_KEY_PREFIX: 'sitrep-eu:logins:',
      TRUST_PROXY: '1',
    });
    expect(config.loginLimits).toEqual({ maxFailuresPerEmail: 10, maxFailuresPerIp: 200, windowSeconds: 3600, keyPrefix: 'sitrep-eu:logins:' });
    expect(config.trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ LOGIN_MAX_FAILURES_PER_EMAIL: '0' })).toThrow(/LOGIN_MAX_FAILURES_PER_EMAIL/);
    expect(() => loadConfig({ LOGIN_FAILURE_WINDOW: 'soon' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: 'yes please!' })).toThrow(/TRUST_PROXY/);
  });
});
