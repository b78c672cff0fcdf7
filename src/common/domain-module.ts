import type { Topic } from '../events/topics';

/**
 * What a domain folder hands to the assembly in src/server, from its one
 * `<domain>.module.ts`. Infrastructure (db/, graphql/, events/) never lists a
 * domain's parts; the server collects them from these modules. Each module
 * also exports its loader factory and adds the services and loaders its
 * resolvers use to the GraphQL context's types (graphql/context.ts).
 */
export interface DomainModule {
  /** A short name, for messages. */
  name: string;
  /** TypeORM entity classes. */
  entities: readonly Function[];
  /** type-graphql resolver classes. */
  resolvers: readonly Function[];
  /** Pub/sub topics the domain publishes (a Redis-backed pub/sub subscribes to each). */
  topics: readonly Topic[];
}
