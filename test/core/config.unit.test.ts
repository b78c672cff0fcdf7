import { ConfigError, loadConfig } from '../../src/config/config';

describe('general settings in the configuration', () => {
  it('refuses an unknown LOG_LEVEL at start with the variable named, rather than crashing in the logger', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
  });

  it('takes every documented LOG_LEVEL, in any case', () => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'silent']) expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
    expect(loadConfig({ LOG_LEVEL: 'WARN' }).logLevel).toBe('warn');
    expect(loadConfig({}).logLevel).toBe('info');
  });
});
