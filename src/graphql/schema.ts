import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import type { GraphQLContext } from './context';
import { applyRootFieldRules } from './root-field-rules';

/**
 * Builds a GraphQL schema from resolver classes (src/server passes every
 * domain's). The contract names the date scalar `DateTime` (type-graphql 2's
 * default is `DateTimeISO`). Build it once per process: type-graphql keeps its
 * metadata globally.
 */
export function buildGraphQLSchema(
  resolvers: readonly Function[],
  refuseAnonymous: (context: GraphQLContext) => void,
): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...resolvers] as [Function, ...Function[]],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
    // Every subscription brings its own `subscribe` over Sitrep's typed pub/sub (graphql/subscriptions.ts);
    // type-graphql still insists on a pubSub for topic-based ones, which Sitrep does not use.
    pubSub: {
      publish: () => {
        throw new Error('publish through a service, not type-graphql');
      },
      subscribe: () => {
        throw new Error('topic subscriptions are not used; give the @Subscription a subscribe function');
      },
    },
  }).then((schema) => applyRootFieldRules(schema, refuseAnonymous));
}

/** The schema as committed in `schema/schema.graphql`: sorted, so diffs stay small. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
