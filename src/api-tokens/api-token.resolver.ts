import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { UserRole } from '../users/user-role.enum';
import { ApiTokenPayload } from './api-token-payload.type';
import { ApiToken } from './api-token.entity';

@Resolver(() => ApiToken)
export class ApiTokenResolver {
  @Mutation(() => ApiTokenPayload, { description: 'ADMIN only. Use RESPONDER for an alert integration.' })
  createApiToken(
    @Arg('name') name: string,
    @Arg('role', () => UserRole) role: UserRole,
    @Ctx() { caller, services }: GraphQLContext,
  ): Promise<ApiTokenPayload> {
    return services.apiTokens.create(caller, name, role);
  }

  @Query(() => [ApiToken], { description: 'ADMIN only. Newest first.' })
  apiTokens(
    @Ctx() { caller, services }: GraphQLContext,
    @Arg('includeRevoked', () => Boolean, { defaultValue: false }) includeRevoked: boolean,
  ): Promise<ApiToken[]> {
    return services.apiTokens.list(caller, includeRevoked);
  }

  @Mutation(() => ApiToken, { description: 'ADMIN only. The token stops authenticating at once.' })
  revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() { caller, services }: GraphQLContext): Promise<ApiToken> {
    return services.apiTokens.revoke(caller, id);
  }
}
