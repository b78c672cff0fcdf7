import { Field, ObjectType } from 'type-graphql';
import { ApiToken } from './api-token.entity';

/** The answer to createApiToken: the only time the secret is ever shown. */
@ObjectType()
export class ApiTokenPayload {
  @Field({ description: 'The secret, "sitrep_..."; send it as "Authorization: Bearer <token>". Shown once.' })
  token!: string;

  @Field(() => ApiToken)
  apiToken!: ApiToken;
}
