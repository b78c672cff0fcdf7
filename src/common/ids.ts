import { badInput } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID (the form of every Sitrep id). */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/**
 * Checks that `id` is a UUID before it reaches SQL, so that a malformed id is
 * the caller's BAD_USER_INPUT and not PostgreSQL's 22P02 turned into a 500.
 */
export function parseId(id: string, what = 'id'): string {
  if (typeof id !== 'string' || !UUID.test(id)) {
    throw badInput(`${what} must be a UUID, got "${String(id).slice(0, 64)}"`);
  }
  return id.toLowerCase();
}
