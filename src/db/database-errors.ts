/** What node-postgres and pg-pool say when PostgreSQL does not answer in time or cannot be reached. */
const UNAVAILABLE_MESSAGES = [
  'Query read timeout',
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
];
/** Node's socket errors on the way to PostgreSQL. */
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);
/**
 * SQLSTATEs of an unavailable or overloaded server, and 57014 (statement_timeout): the
 * request was fine, the database could not serve it in time. Classes 08 (connection
 * exception) and 53 (insufficient resources), and 57P01–57P03 (shutdown, cannot connect now).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3]$|57014$)/;

/**
 * True when `error` (a TypeORM QueryFailedError, a pg error, or one wrapping
 * them) says PostgreSQL was unreachable or too slow, rather than that the
 * request was wrong: such requests fail with SERVICE_UNAVAILABLE / 503 and
 * may be retried, and they never count against the caller (login limits).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth += 1) {
    const { message, code, driverError, cause } = e as { message?: unknown; code?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.startsWith(m))) return true;
    if (typeof code === 'string' && (UNAVAILABLE_ERRNOS.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    e = driverError ?? cause;
  }
  return false;
}

/** The message given to callers while the database is away. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'the database is not answering; try again shortly';

/**
 * The error code of a request that failed because a dependency did not answer (HTTP 503).
 * Not one of the contract's codes on purpose: those say what the caller did wrong, and
 * this says the caller did nothing wrong and may retry.
 */
export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';
