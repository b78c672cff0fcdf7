import type { MiddlewareFn } from 'type-graphql';
import { Action, authorize } from '../auth/policy';
import type { GraphQLContext } from './context';

/** Root fields an anonymous caller may use: logging in, and asking whether one is logged in. */
export const ANONYMOUS_ROOT_FIELDS: ReadonlySet<string> = new Set(['login', 'me']);

/**
 * Refuses anonymous callers at every other root field. It runs as a global
 * middleware because type-graphql validates arguments before a resolver (and
 * so its service) can authorize: without it an anonymous caller with bad input
 * got BAD_USER_INPUT and the validation rules instead of UNAUTHENTICATED.
 */
export const requireCaller: MiddlewareFn<GraphQLContext> = ({ context, info }, next) => {
  if (info.path.prev === undefined && !ANONYMOUS_ROOT_FIELDS.has(info.fieldName)) authorize(context.caller, Action.Read);
  return next();
};
