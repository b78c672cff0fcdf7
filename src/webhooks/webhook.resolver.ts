import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpointPayload } from './webhook-endpoint-payload.type';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookFormat } from './webhook.enums';

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Query(() => [WebhookEndpoint])
  webhookEndpoints(@Ctx() { caller, services }: GraphQLContext): Promise<WebhookEndpoint[]> {
    return services.webhooks.list(caller);
  }

  @Query(() => [WebhookDelivery])
  webhookDeliveries(
    @Arg('endpointId', () => ID) endpointId: string,
    @Ctx() { caller, services }: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first = 50,
  ): Promise<WebhookDelivery[]> {
    return services.webhooks.deliveries(caller, endpointId, first ?? 50);
  }

  @Mutation(() => WebhookEndpointPayload)
  createWebhookEndpoint(
    @Arg('url') url: string,
    @Ctx() { caller, services }: GraphQLContext,
    @Arg('format', () => WebhookFormat, { defaultValue: WebhookFormat.STANDARD }) format: WebhookFormat,
    @Arg('events', () => [String], { nullable: true }) events?: string[] | null,
  ): Promise<WebhookEndpointPayload> {
    return services.webhooks.create(caller, url, format, events);
  }

  @Mutation(() => Boolean)
  deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() { caller, services }: GraphQLContext): Promise<boolean> {
    return services.webhooks.delete(caller, id);
  }
}
