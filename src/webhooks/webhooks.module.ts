import type { DomainModule } from '../common/domain-module';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookResolver } from './webhook.resolver';
import type { WebhookService } from './webhook.service';

export { WebhookOutbox } from './webhook-outbox';
export { WebhookService } from './webhook.service';
export { WebhookWorker } from './webhook-worker';

/** Outgoing webhooks: ADMIN-managed endpoints (Standard Webhooks or Slack), an outbox and its worker. */
export const webhooksModule: DomainModule = {
  name: 'webhooks',
  entities: [WebhookEndpoint, WebhookDelivery],
  resolvers: [WebhookResolver],
  topics: [],
};

declare module '../graphql/context' {
  interface ResolverServices {
    webhooks: WebhookService;
  }
}
