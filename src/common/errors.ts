/** The error codes of the public contract; every GraphQL error carries one. */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
}

/**
 * A failure the caller can act on. Services throw these; the GraphQL edge,
 * the webhooks and the collaboration socket each map them to their transport.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra structured detail for the client (e.g. which checklist items are open). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** UNAUTHENTICATED: no credential, or one that no longer works. */
export const unauthenticated = (message = 'Authentication required: log in and send "Authorization: Bearer <token>"') =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message);
/** FORBIDDEN: the caller is known but may not do this (the policy's reason as message). */
export const forbidden = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.FORBIDDEN, message, details);
/** NOT_FOUND: `what` with `id` does not exist. */
export const notFound = (what: string, id: string) => new DomainError(ErrorCode.NOT_FOUND, `${what} ${id} not found`);
/** BAD_USER_INPUT: the request itself is wrong; the message says how. */
export const badInput = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, details);
/** CONFLICT: valid input that clashes with the current state (a duplicate, a frozen record). */
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.CONFLICT, message, details);
