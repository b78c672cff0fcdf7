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

describe('status page and update cadence settings', () => {
  it('owes updates every 30m / 1h / 4h / never by default, and takes durations or none per severity', () => {
    expect(loadConfig({}).statusUpdateIntervals).toEqual({ SEV1: 1800, SEV2: 3600, SEV3: 14_400, SEV4: null });
    const config = loadConfig({ STATUS_UPDATE_INTERVAL_SEV1: '15m', STATUS_UPDATE_INTERVAL_SEV3: 'none', STATUS_UPDATE_INTERVAL_SEV4: '1d' });
    expect(config.statusUpdateIntervals).toEqual({ SEV1: 900, SEV2: 3600, SEV3: null, SEV4: 86_400 });
  });

  it('refuses a malformed interval, cache period or PUBLIC_URL with the variable named', () => {
    expect(() => loadConfig({ STATUS_UPDATE_INTERVAL_SEV2: 'soon' })).toThrow(/STATUS_UPDATE_INTERVAL_SEV2/);
    expect(() => loadConfig({ STATUS_PAGE_CACHE_SECONDS: '-1' })).toThrow(/STATUS_PAGE_CACHE_SECONDS/);
    expect(() => loadConfig({ PUBLIC_URL: 'sitrep.example.com' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://sitrep.example.com' })).toThrow(/PUBLIC_URL/);
  });

  it('names the page and keeps PUBLIC_URL without a trailing slash', () => {
    expect(loadConfig({}).statusPage).toEqual({ title: 'Sitrep status', cacheSeconds: 5, publicUrl: undefined });
    expect(loadConfig({ STATUS_PAGE_TITLE: 'Acme status', PUBLIC_URL: 'https://sitrep.acme.example/' }).statusPage).toMatchObject({
      title: 'Acme status',
      publicUrl: 'https://sitrep.acme.example',
    });
  });
});
