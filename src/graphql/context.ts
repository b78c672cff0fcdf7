import type { PubSub } from '../events/pubsub';

/**
 * The services resolvers may reach. Declared empty here so that the GraphQL
 * mechanism names no domain: each domain's module (`src/<domain>/<domain>.module.ts`)
 * adds the services its resolvers use (TypeScript declaration merging), and
 * src/server provides them. Data sources, units of work and the publishing side
 * of the pub/sub are deliberately not among them: resolvers go through services.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ResolverServices {}

/**
 * The batching loaders of one request or subscription event. Each domain's
 * module adds its own (declaration merging); src/server creates them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ResolverLoaders {}

/**
 * What every resolver receives. The caller is added by src/auth (declaration
 * merging), so that this folder imports no domain.
 */
export interface GraphQLContext {
  services: ResolverServices;
  /** Replaced before each subscription event and each mutation, so they never share a cache. */
  loaders: ResolverLoaders;
  /** A fresh set of loaders (src/server builds them from every domain's). */
  createLoaders: () => ResolverLoaders;
  /** The listening half of the pub/sub: subscriptions listen; only services publish (after commit). */
  events: Pick<PubSub, 'subscribe'>;
  /** The client's address (X-Forwarded-For honoured only as TRUST_PROXY allows), for login limits. */
  clientIp?: string;
  /**
   * Set while a shared read executes (shared-reads.ts): a field computed against the clock calls it with
   * the next instant its value would change without any write, and the result is reused no longer.
   */
  changesAt?: (at: Date) => void;
}
