import type { DomainModule } from '../common/domain-module';
import type { AcknowledgementService } from './acknowledgement.service';
import { AlertGroup } from './alert-group.entity';
import type { AlertLoaders } from './alert.loaders';
import { Alert } from './alert.entity';
import { IncidentAlertsResolver } from './alert.resolver';

export { createAlertLoaders } from './alert.loaders';
export { webhooksRouter, type WebhookServices } from './webhooks.router';

/** Alerts: Alertmanager and PagerDuty webhooks open, update and resolve incidents. */
export const alertsModule: DomainModule = {
  name: 'alerts',
  entities: [AlertGroup, Alert],
  resolvers: [IncidentAlertsResolver],
  topics: [],
};

declare module '../graphql/context' {
  interface ResolverServices {
    acknowledgements: AcknowledgementService;
  }
  interface ResolverLoaders extends AlertLoaders {}
}
