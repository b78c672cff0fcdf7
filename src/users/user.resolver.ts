import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { AuthPayload } from './auth-payload.type';
import { ChangePasswordArgs } from './change-password.args';
import { CreateUserInput } from './create-user.input';
import { UpdateUserInput } from './update-user.input';
import { User } from './user.entity';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The caller; null when anonymous.' })
  me(@Ctx() { caller, loaders }: GraphQLContext): Promise<User | null> | null {
    return caller ? loaders.users.load(caller.userId) : null;
  }

  @Query(() => [User], { description: 'Active people by name; not the service users of API tokens (see apiTokens).' })
  users(@Ctx() { caller, services }: GraphQLContext): Promise<User[]> {
    return services.users.list(caller, { deactivated: false });
  }

  // A query of its own rather than an argument on `users`: the contract test refuses even an optional
  // argument added to a contract field (graphql-js counts it as a dangerous change).
  @Query(() => [User], { description: 'Deactivated people by name, for reactivating them; they still appear in history.' })
  deactivatedUsers(@Ctx() { caller, services }: GraphQLContext): Promise<User[]> {
    return services.users.list(caller, { deactivated: true });
  }

  @Mutation(() => AuthPayload, {
    description: 'At most one per operation. Failed logins are limited per (client address, email) and per client address: past the limit, FORBIDDEN with extensions.retryAfterSeconds.',
  })
  login(@Arg('email') email: string, @Arg('password') password: string, @Ctx() { services, clientIp }: GraphQLContext): Promise<AuthPayload> {
    return services.users.login(email, password, clientIp);
  }

  @Mutation(() => AuthPayload, {
    description: "Changes the caller's password and ends their other sessions; returns a new token. A wrong currentPassword is BAD_USER_INPUT.",
  })
  changePassword(@Args() args: ChangePasswordArgs, @Ctx() { caller, services, clientIp }: GraphQLContext): Promise<AuthPayload> {
    return services.users.changePassword(caller, args.currentPassword, args.newPassword, clientIp);
  }

  @Mutation(() => User)
  createUser(@Arg('input') input: CreateUserInput, @Ctx() { caller, services }: GraphQLContext): Promise<User> {
    return services.users.createUser(caller, input);
  }

  @Mutation(() => User, {
    description: 'ADMIN only. Clears the failed-login lockouts of a person (from every address), so that they can log in at once.',
  })
  unlockUser(@Arg('id', () => ID) id: string, @Ctx() { caller, services }: GraphQLContext): Promise<User> {
    return services.users.unlockUser(caller, id);
  }

  @Mutation(() => User, { description: 'ADMIN only. Rename, change role, deactivate or reactivate a person.' })
  updateUser(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateUserInput,
    @Ctx() { caller, services }: GraphQLContext,
  ): Promise<User> {
    return services.users.updateUser(caller, id, input);
  }
}
