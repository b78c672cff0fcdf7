import { ConfigError, loadConfig } from '../../src/config/config';
import { Severity } from '../../src/incidents/incident.enums';

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

describe('severities in the configuration', () => {
  it('spells exactly the incident severities (configuration declares its own names, the enum is the domain\'s)', () => {
    const map = loadConfig({ ALERT_SEVERITY_MAP: 'a=SEV1,b=SEV2,c=SEV3,d=SEV4' }).alertSeverityMap;
    expect(Object.values(map).sort()).toEqual(Object.values(Severity).sort());
    expect(() => loadConfig({ ALERT_SEVERITY_MAP: 'a=SEV5' })).toThrow(ConfigError);
  });
});
