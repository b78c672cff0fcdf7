import { Webhook } from 'standardwebhooks';
import type { WebhookEventBody } from './webhook-delivery.entity';
import { WebhookFormat } from './webhook.enums';

/** One HTTP request of one attempt. */
export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
}

const HEADLINES: Record<string, string> = {
  'incident.declared': 'Incident declared',
  'incident.updated': 'Incident updated',
  'incident.status_changed': 'Incident status changed',
  'incident.role_assigned': 'Incident role assigned',
  'status_update.posted': 'Status update posted',
  'postmortem.published': 'Postmortem published',
};

/** Escapes text for Slack's mrkdwn (`&`, `<`, `>`), so that a title cannot forge a link or a mention. */
function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * The request for one attempt of a delivery. STANDARD follows the Standard
 * Webhooks specification, signed with the `standardwebhooks` library:
 * `webhook-id` (the delivery's id, the same on every attempt),
 * `webhook-timestamp` (this attempt, in seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`). SLACK is an
 * incoming-webhook message: `text` (the notification fallback) and `blocks`
 * with a link to the incident in the console.
 */
export function webhookRequest(format: WebhookFormat, secret: string, deliveryId: string, event: WebhookEventBody, now = new Date()): WebhookRequest {
  const body = format === WebhookFormat.SLACK ? JSON.stringify(slackMessage(event)) : JSON.stringify(event);
  const signature = new Webhook(secret).sign(deliveryId, now, body);
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Sitrep-Webhooks/1',
      'webhook-id': deliveryId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body,
  };
}

/** A Slack (Mattermost, Rocket.Chat) incoming-webhook message for one event. */
export function slackMessage(event: WebhookEventBody): { text: string; blocks: unknown[] } {
  const i = event.data.incident;
  const headline = HEADLINES[event.type] ?? event.type;
  const facts = `${i.severity} · ${i.status}${i.commander ? ` · commander ${i.commander.name}` : ''}`;
  const text = `${headline}: ${i.title} (${facts}) ${i.url}`;
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${headline}*: <${i.url}|${slackEscape(i.title)}>\n${slackEscape(facts)}` } },
  ];
  if (i.detail) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: slackEscape(i.detail.slice(0, 2_900)) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${i.url}|Open in Sitrep>` }] });
  return { text, blocks };
}
