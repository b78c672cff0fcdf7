import type { GraphQLSchema } from 'graphql';
import { Action, authorize } from '../auth/policy';
import { buildGraphQLSchema, printSortedSchema } from '../graphql/schema';
import { resolvers } from './modules';

let built: Promise<GraphQLSchema> | undefined;

/**
 * Sitrep's GraphQL schema, from every domain's resolvers. Anonymous callers are
 * refused at the root fields through the policy module. Built once per process:
 * type-graphql keeps its metadata globally.
 */
export function buildSitrepSchema(): Promise<GraphQLSchema> {
  built ??= buildGraphQLSchema(resolvers, (context) => authorize(context.caller, Action.Read));
  return built;
}

/** The schema as committed in `schema/schema.graphql`: sorted, so diffs stay small. */
export const printSitrepSchema = printSortedSchema;
