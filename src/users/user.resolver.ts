import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { AuthPayload } from './auth-payload.type';
import { CreateUserInput } from './create-user.input';
import { User } from './user.entity';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The caller; null when anonymous.' })
  me(@Ctx() { caller, loaders }: GraphQLContext): Promise<User | null> | null {
    return caller ? loaders.users.load(caller.userId) : null;
  }

  @Query(() => [User])
  users(@Ctx() { caller, services }: GraphQLContext): Promise<User[]> {
    return services.users.list(caller);
  }

  @Mutation(() => AuthPayload)
  login(@Arg('email') email: string, @Arg('password') password: string, @Ctx() { services }: GraphQLContext): Promise<AuthPayload> {
    return services.users.login(email, password);
  }

  @Mutation(() => User)
  createUser(@Arg('input') input: CreateUserInput, @Ctx() { caller, services }: GraphQLContext): Promise<User> {
    return services.users.createUser(caller, input);
  }
}
