import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { DomainError, ErrorCode } from '../common/errors';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, SERVICE_UNAVAILABLE } from '../db/database-errors';
import { unstorableTextError } from '../db/unstorable-text';
import type { Logger } from '../observability/logger';

/** Codes graphql-js and Apollo use for a request the client got wrong. */
const CLIENT_FAULT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_SUPPORTED', 'PERSISTED_QUERY_NOT_FOUND']);
const CONTRACT_CODES = new Set<string>(Object.values(ErrorCode));

function validationMessages(error: ArgumentValidationError): string[] {
  const messages: string[] = [];
  const walk = (errors: ArgumentValidationError['extensions']['validationErrors'], prefix: string) => {
    for (const e of errors ?? []) {
      const property = prefix ? `${prefix}.${e.property}` : e.property;
      for (const message of Object.values(e.constraints ?? {})) messages.push(message.startsWith(e.property) && prefix ? `${prefix}.${message}` : message);
      walk(e.children as never, property);
    }
  };
  walk(error.extensions.validationErrors, '');
  return messages;
}

/**
 * Maps any error that reaches the GraphQL edge to one with a contract code:
 * the one exhaustive place where domain errors become GraphQL errors.
 * Unexpected errors are logged and masked.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { log: Logger; includeStack: boolean },
): GraphQLFormattedError {
  const unwrapped = unwrapResolverError(error);
  const original = unstorableTextError(unwrapped) ?? unwrapped;
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  const stack = options.includeStack && original instanceof Error ? { stacktrace: original.stack?.split('\n') } : {};

  if (original instanceof DomainError) {
    switch (original.code) {
      case ErrorCode.UNAUTHENTICATED:
      case ErrorCode.FORBIDDEN:
      case ErrorCode.NOT_FOUND:
      case ErrorCode.BAD_USER_INPUT:
      case ErrorCode.CONFLICT:
        return { ...base, message: original.message, extensions: { code: original.code, ...original.details, ...stack } };
      default: {
        const unreachable: never = original.code;
        throw new Error(`unmapped error code ${String(unreachable)}`);
      }
    }
  }
  if (original instanceof ArgumentValidationError) {
    const messages = validationMessages(original);
    return {
      ...base,
      message: messages.length ? `Invalid input: ${messages.join('; ')}` : 'Invalid input',
      extensions: { code: ErrorCode.BAD_USER_INPUT, validationErrors: messages, ...stack },
    };
  }
  const code = formatted.extensions?.code as string | undefined;
  if (code && CONTRACT_CODES.has(code)) return { ...formatted, extensions: { ...formatted.extensions, code } };
  // Apollo gives its own request errors that lack a code INTERNAL_SERVER_ERROR (e.g. a persisted-query hash
  // that does not match); their HTTP status of 4xx says whose fault they are.
  const httpStatus = original instanceof GraphQLError ? (original.extensions.http as { status?: number } | undefined)?.status : undefined;
  const clientFault = (code && CLIENT_FAULT_CODES.has(code)) || (httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500);
  if (clientFault || (original instanceof GraphQLError && !original.originalError && !code)) {
    return { ...base, extensions: { code: ErrorCode.BAD_USER_INPUT, ...stack } };
  }
  if (code === SERVICE_UNAVAILABLE || isDatabaseUnavailable(original)) {
    options.log.warn({ err: original }, 'a GraphQL operation failed: the database is not answering');
    return { ...base, message: DATABASE_UNAVAILABLE_MESSAGE, extensions: { code: SERVICE_UNAVAILABLE, ...stack } };
  }
  options.log.error({ err: original }, 'unexpected error in a GraphQL operation');
  return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', ...stack } };
}
