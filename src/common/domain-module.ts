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
  /**
   * Schema coordinates (`Type.field`, or `Type.*` for every field of a type)
   * whose value depends on nothing about the caller but the role (`role`) or
   * on the caller themself (`user`), and changes only by a transaction of
   * the unit of work (which invalidates shared reads on commit). A query made
   * only of declared fields shares one execution with identical queries of
   * the same scope (src/graphql/shared-reads.ts). Leave out anything that
   * changes with live state (documents, presence) or by a write outside the
   * unit of work, and anything on the clock that does not tell
   * `GraphQLContext.changesAt` when it next changes.
   */
  sharedReads?: Readonly<Record<string, 'role' | 'user'>>;
}
