import { registerEnumType } from 'type-graphql';

/** The body an endpoint receives. */
export enum WebhookFormat {
  /** Standard Webhooks: signed JSON `{ type, timestamp, data }`. */
  STANDARD = 'STANDARD',
  /** A Slack incoming-webhook message (`text` and `blocks`), which Mattermost and Rocket.Chat accept too. */
  SLACK = 'SLACK',
}

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}

/** The event types an endpoint may subscribe to; an empty list means all. */
export const WEBHOOK_EVENT_TYPES = [
  'incident.declared',
  'incident.updated',
  'incident.status_changed',
  'incident.role_assigned',
  'status_update.posted',
  'postmortem.published',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

registerEnumType(WebhookFormat, { name: 'WebhookFormat' });
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });
