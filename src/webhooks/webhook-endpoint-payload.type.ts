import { Field, ObjectType } from 'type-graphql';
import { WebhookEndpoint } from './webhook-endpoint.entity';

@ObjectType()
export class WebhookEndpointPayload {
  @Field({ description: 'whsec_..., shown once' })
  secret!: string;

  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;
}
