import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { resolvers } from './resolvers';
import { applyRootFieldRules } from './root-field-rules';

let built: Promise<GraphQLSchema> | undefined;

/**
 * Builds the GraphQL schema from the resolver classes. The contract names the
 * date scalar `DateTime` (type-graphql 2's default is `DateTimeISO`).
 * Built once per process: type-graphql keeps its metadata globally.
 */
export function buildSitrepSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [...resolvers] as [Function, ...Function[]],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
    // Every subscription brings its own `subscribe` over Sitrep's typed pub/sub (graphql/subscriptions.ts);
    // type-graphql still insists on a pubSub for topic-based ones, which Sitrep does not use.
    pubSub: {
      publish: () => {
        throw new Error('publish through services.pubsub, not type-graphql');
      },
      subscribe: () => {
        throw new Error('topic subscriptions are not used; give the @Subscription a subscribe function');
      },
    },
  }).then(applyRootFieldRules);
  return built;
}

/** The schema as committed in `schema/schema.graphql`: sorted, so diffs stay small. */
export function printSitrepSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
