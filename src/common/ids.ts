import { badInput } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
