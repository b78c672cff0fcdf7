import type { DomainModule } from '../common/domain-module';
import type { UserLoaders } from './user.loaders';
import { User } from './user.entity';
import { UserResolver } from './user.resolver';
import type { UserService } from './user.service';
import { UserTopic } from './user.topics';

export { createUserLoaders } from './user.loaders';

/** People: accounts, logins and roles in Sitrep. */
export const usersModule: DomainModule = {
  name: 'users',
  entities: [User],
  resolvers: [UserResolver],
  topics: Object.values(UserTopic),
  // A user's fields change only in the unit of work. Not `users`: createUser inserts outside it.
  sharedReads: { 'User.*': 'role', 'Query.me': 'user' },
};

declare module '../graphql/context' {
  interface ResolverServices {
    users: UserService;
  }
  interface ResolverLoaders extends UserLoaders {}
}
