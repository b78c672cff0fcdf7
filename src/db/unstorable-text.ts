import { badInput, type DomainError } from '../common/errors';

/**
 * PostgreSQL's answers to text it cannot store: 22021 for a NUL byte in a
 * `text` parameter, 22P05 for `\u0000` inside `jsonb`. JSON and GraphQL strings
 * may carry U+0000, so any string a client sends can end in one of these.
 */
const UNSTORABLE_TEXT_CODES = new Set(['22021', '22P05']);

/**
 * The caller's BAD_USER_INPUT for a database error caused by a NUL character
 * in their input, or null for any other error. The edges (GraphQL, webhooks)
 * ask this before treating an error as the server's own: otherwise one NUL in
 * a title is a 500, and a sender such as Alertmanager retries it forever.
 */
export function unstorableTextError(error: unknown): DomainError | null {
  const code = (error as { driverError?: { code?: unknown }; code?: unknown } | null)?.driverError?.code ?? (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !UNSTORABLE_TEXT_CODES.has(code)) return null;
  return badInput('text must not contain NUL characters (U+0000)');
}
