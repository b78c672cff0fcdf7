import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { badInput } from '../common/errors';
import { LIMITS } from '../common/limits';
import type { GraphQLContext } from './context';

/** Root fields an anonymous caller may use: logging in, and asking whether one is logged in. */
export const ANONYMOUS_ROOT_FIELDS: ReadonlySet<string> = new Set(['login', 'me']);

/**
 * Wraps the resolvers of the Query and Mutation root fields with two rules
 * of the whole request:
 *
 * - Anonymous callers are refused (`refuseAnonymous`: the policy module) before
 *   type-graphql validates arguments; otherwise an anonymous caller with bad
 *   input got BAD_USER_INPUT and the validation rules instead of
 *   UNAUTHENTICATED.
 * - Each mutation starts with fresh loaders. graphql-js runs the mutations of
 *   one document one after another; with one set of loaders per request, a
 *   later mutation's result was served from what an earlier one had read.
 *
 * - No list argument, however deep in an input object, has more than
 *   LIMITS.listArgument entries: a 100,000-entry severity filter went to
 *   PostgreSQL as 100,000 bind parameters and failed there with a 500.
 *
 * Only root fields are wrapped: a type-graphql global middleware would run on
 * every nested field too and turn each scalar into a promise.
 */
export function applyRootFieldRules(schema: GraphQLSchema, refuseAnonymous: (context: GraphQLContext) => void): GraphQLSchema {
  const mutation = schema.getMutationType();
  for (const type of [schema.getQueryType(), mutation]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const resolve: GraphQLFieldResolver<unknown, GraphQLContext> = field.resolve ?? defaultFieldResolver;
      const anonymous = ANONYMOUS_ROOT_FIELDS.has(field.name);
      const isMutation = type === mutation;
      field.resolve = (root, args, context: GraphQLContext, info) => {
        if (!anonymous) refuseAnonymous(context);
        checkListSizes(args, field.name);
        if (isMutation) context.loaders = context.createLoaders();
        return resolve(root, args, context, info);
      };
    }
  }
  return schema;
}

/** Throws BAD_USER_INPUT naming the first list in `args` longer than LIMITS.listArgument. */
function checkListSizes(args: Record<string, unknown>, fieldName: string): void {
  // Iterative: input objects nest only as deep as the schema's input types, but a walk cannot overflow either way.
  const pending: Array<[unknown, string]> = Object.entries(args).map(([name, value]) => [value, name]);
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (Array.isArray(value)) {
      if (value.length > LIMITS.listArgument) {
        throw badInput(`${fieldName}: ${path} has ${value.length} entries; at most ${LIMITS.listArgument} are allowed`);
      }
      value.forEach((item, i) => pending.push([item, `${path}[${i}]`]));
    } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      for (const [key, item] of Object.entries(value)) pending.push([item, `${path}.${key}`]);
    }
  }
}
