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
 *
 * The loaders are built on first use: a graphql-ws subscription keeps its
 * context for as long as it lasts but reads through the loaders of each event
 * (a set of every domain's DataLoaders held per subscriber was most of its
 * heap), and `{ __typename }` needs none.
 */
export function contextFactory(services: Services, pubsub: PubSub, createLoaders: () => ResolverLoaders): ContextFactory {
  return (caller, clientIp, user) => {
    let loaders: ResolverLoaders | undefined;
    return {
      caller,
      services,
      get loaders(): ResolverLoaders {
        if (!loaders) {
          loaders = createLoaders();
          if (user) loaders.prime(user);
        }
        return loaders;
      },
      set loaders(fresh: ResolverLoaders) {
        loaders = fresh;
      },
      createLoaders,
      events: pubsub,
      clientIp,
    };
  };
}
