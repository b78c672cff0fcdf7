/** PostgreSQL's largest `integer`. */
const MAX_INTEGER = 2 ** 31 - 1;

/**
 * A small validator for webhook bodies that collects every problem with its
 * JSON path ("alerts[2].startsAt must be an ISO 8601 timestamp"), so that a
 * sender's operator sees exactly what to fix. Fields it is not asked about are
 * ignored: senders add fields in newer versions.
 */
export class PayloadCheck {
  readonly problems: string[] = [];

  fail(message: string): void {
    this.problems.push(message);
  }

  isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  /** A string; `undefined` when absent and optional. Blank counts as missing when required. */
  string(value: unknown, path: string, options: { required?: boolean; max?: number } = {}): string | undefined {
    if (value === undefined || value === null || (options.required && value === '')) {
      if (options.required) this.fail(`${path} is required`);
      return undefined;
    }
    if (typeof value !== 'string') return this.wrongType(path, 'a string', value);
    if (options.max !== undefined && value.length > options.max) {
      this.fail(`${path} must be at most ${options.max} characters`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (value === undefined || value === null || value === '') {
      this.fail(`${path} is required (one of ${allowed.map((a) => `"${a}"`).join(', ')})`);
      return undefined;
    }
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      this.fail(`${path} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value as T;
  }

  /** A map of string values (labels, annotations); `{}` when absent and optional. */
  stringMap(value: unknown, path: string, options: { required?: boolean } = {}): Record<string, string> {
    if (value === undefined || value === null) {
      if (options.required) this.fail(`${path} is required`);
      return {};
    }
    if (!this.isObject(value)) return this.wrongType(path, 'an object of strings', value) ?? {};
    const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
    if (bad) {
      this.fail(`${path}.${bad[0]} must be a string`);
      return {};
    }
    return value as Record<string, string>;
  }

  /** An RFC 3339 timestamp. `zeroIsNull` reads Go's zero time (0001-01-01T00:00:00Z) as "no time". */
  timestamp(value: unknown, path: string, options: { required?: boolean; zeroIsNull?: boolean } = {}): Date | null {
    if (value === undefined || value === null || value === '') {
      if (options.required) this.fail(`${path} is required`);
      return null;
    }
    const date = typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) {
      this.fail(`${path} must be an ISO 8601 timestamp, got ${JSON.stringify(value).slice(0, 80)}`);
      return null;
    }
    if (date.getUTCFullYear() <= 1) {
      if (options.zeroIsNull) return null;
      this.fail(`${path} must be a real time, not Go's zero time`);
      return null;
    }
    return date;
  }

  /** A count stored in an `integer` column: PostgreSQL refuses more than 2^31 - 1 (a 500 otherwise). */
  nonNegativeInteger(value: unknown, path: string): number {
    if (value === undefined || value === null) return 0;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_INTEGER) {
      this.fail(`${path} must be a non-negative integer of at most ${MAX_INTEGER}, got ${JSON.stringify(value)}`);
      return 0;
    }
    return value;
  }

  private wrongType(path: string, expected: string, value: unknown): undefined {
    const actual = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    this.fail(`${path} must be ${expected}, got ${actual}`);
    return undefined;
  }
}
