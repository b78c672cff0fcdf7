/**
 * Parsers for environment variables: each validates one kind of value and
 * throws a ConfigError that names the variable. Used by config.ts only.
 */

/** A configuration problem, reported at start-up with the variable named. */
export class ConfigError extends Error {}

/** The environment variables, as `process.env` holds them. */
export type Env = Record<string, string | undefined>;

/** An integer variable within [min, max]; `fallback` when unset. */
export function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

/** Parses a duration such as `90s`, `30m`, `4h`, `3d` or a plain number of seconds. */
export function parseDuration(name: string, raw: string): number {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(raw.trim());
  if (!match) throw new ConfigError(`${name} must be a duration like 45m, 4h or 3d, got "${raw}"`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0) throw new ConfigError(`${name} must be positive, got "${raw}"`);
  return seconds;
}

/** A duration variable in seconds (see `parseDuration`); `fallbackSeconds` when unset. */
export function duration(env: Env, name: string, fallbackSeconds: number): number {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallbackSeconds : parseDuration(name, raw);
}

/** Like `duration`, where `none` (or `off`) means no interval at all. */
export function optionalDuration(env: Env, name: string, fallbackSeconds: number | null): number | null {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === 'none' || raw === 'off') return null;
  return raw === undefined || raw === '' ? fallbackSeconds : parseDuration(name, raw);
}

/** Parses PUBLIC_URL: an absolute http(s) URL, kept without a trailing slash. */
export function publicUrl(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL such as https://sitrep.example.com, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  return url.toString().replace(/\/+$/, '');
}

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;

/**
 * A severity as configuration spells it. Configuration names no domain type:
 * these are the values of the incidents' `Severity` enum, and
 * test/core/config.unit.test.ts pins the two together.
 */
export type SeverityName = (typeof SEVERITIES)[number];

/** Parses ALERT_SEVERITY_MAP, e.g. `critical=SEV1,page=SEV2,error=SEV2,warning=SEV3`. */
export function parseSeverityMap(name: string, raw: string): Record<string, SeverityName> {
  const map: Record<string, SeverityName> = {};
  for (const pair of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [value, severity, extra] = pair.split('=').map((p) => p.trim());
    if (!value || extra !== undefined || !SEVERITIES.includes(severity as SeverityName)) {
      throw new ConfigError(`${name} must be a list like critical=SEV1,warning=SEV3 (severities ${SEVERITIES.join(', ')}), got "${pair}"`);
    }
    map[value.toLowerCase()] = severity as SeverityName;
  }
  return map;
}

/** Parses TRUST_PROXY into what express's `trust proxy` setting accepts. */
export function parseTrustProxy(name: string, raw: string | undefined): boolean | number | string {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  if (!/^[\w.:/,\s]+$/.test(value)) {
    throw new ConfigError(`${name} must be true, false, a number of hops or a list of proxy addresses/subnets, got "${raw}"`);
  }
  return value;
}

/** A `true`/`false` variable; `fallback` when unset. */
export function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Parses LOG_LEVEL; pino would otherwise refuse an unknown level with an error that names no variable. */
export function logLevel(env: Env, name: string): string {
  const level = (env[name] || 'info').trim().toLowerCase();
  if (!LOG_LEVELS.includes(level as (typeof LOG_LEVELS)[number])) {
    throw new ConfigError(`${name} must be one of ${LOG_LEVELS.join(', ')}, got "${env[name]}"`);
  }
  return level;
}
