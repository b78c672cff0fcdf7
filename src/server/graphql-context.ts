import type { Caller } from '../auth/caller';
import type { PubSub } from '../events/pubsub';
import type { GraphQLContext, ResolverLoaders } from '../graphql/context';
import type { User } from '../users/user.entity';
import type { Services } from './services';

/** Builds the GraphQL context of one HTTP request or graphql-ws operation. */
export type ContextFactory = (caller: Caller | null, clientIp: string | undefined, user?: User) => GraphQLContext;

/**
 * The one way both GraphQL transports build a context: the caller (already
 * authenticated by the transport), the services, fresh loaders, and the
 * listening half of the pub/sub. `user`, when known, primes the users loader.
 */
export function contextFactory(services: Services, pubsub: PubSub, createLoaders: () => ResolverLoaders): ContextFactory {
  return (caller, clientIp, user) => {
    const loaders = createLoaders();
    if (user) loaders.prime(user);
    return { caller, services, loaders, createLoaders, events: pubsub, clientIp };
  };
}
