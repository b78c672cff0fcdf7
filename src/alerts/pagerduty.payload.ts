import crypto from 'node:crypto';
import { LIMITS } from '../common/limits';
import { stateHashOf, type AlertDelivery, type IncomingAlert } from './alert-delivery';
import { AlertSource, AlertStatus } from './alert-status.enum';
import type { SeverityMapping } from './alertmanager.payload';
import { PayloadCheck } from './payload-check';
import { severityFor } from './severity';

const ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

/** A PagerDuty Events API v2 event, checked. */
export type PagerDutyEvent =
  | { action: 'trigger'; routingKey: string; dedupKey: string; delivery: AlertDelivery }
  | { action: 'acknowledge'; routingKey: string; dedupKey: string }
  | { action: 'resolve'; routingKey: string; dedupKey: string; delivery: AlertDelivery };

/** What PagerDuty answers to an event it cannot take: `400 {status, message, errors}`. */
export class InvalidPagerDutyEvent extends Error {
  constructor(readonly errors: string[]) {
    super('Event object is invalid');
  }
}

/**
 * Reads a PagerDuty Events API v2 body (`routing_key`, `event_action`,
 * `dedup_key`, `payload.summary/source/severity/timestamp/component/group/class`,
 * `custom_details`, `links`, `images`, `client`, `client_url`). The event's
 * dedup_key is both its group key and its alert's fingerprint: one alert per
 * dedup key, as in PagerDuty. A trigger without one gets a fresh key, which
 * is returned to the sender.
 */
export function parsePagerDutyEvent(body: unknown, mapping: SeverityMapping, now = new Date()): PagerDutyEvent {
  const check = new PayloadCheck();
  if (!check.isObject(body)) throw new InvalidPagerDutyEvent(['body must be a JSON object']);
  const routingKey = check.string(body.routing_key, 'routing_key', { required: true, max: 200 });
  const action = check.oneOf(body.event_action, 'event_action', ACTIONS);
  const dedupKey = check.string(body.dedup_key, 'dedup_key', { required: action !== undefined && action !== 'trigger', max: 255 });
  let alert: IncomingAlert | undefined;
  let severity = 'info';
  if (action === 'trigger') {
    const payload = body.payload;
    if (!check.isObject(payload)) check.fail(payload === undefined ? 'payload is required for a trigger' : 'payload must be an object');
    else {
      const summary = check.string(payload.summary, 'payload.summary', { required: true, max: 1024 });
      const source = check.string(payload.source, 'payload.source', { required: true, max: 255 });
      severity = check.oneOf(payload.severity, 'payload.severity', SEVERITIES) ?? severity;
      const timestamp = check.timestamp(payload.timestamp, 'payload.timestamp');
      const component = check.string(payload.component, 'payload.component', { max: 255 });
      const group = check.string(payload.group, 'payload.group', { max: 255 });
      const klass = check.string(payload.class, 'payload.class', { max: 255 });
      const clientUrl = check.string(body.client_url, 'client_url', { max: 2_000 });
      if (summary && source) {
        const labels: Record<string, string> = { source, severity };
        if (component) labels.component = component;
        if (group) labels.group = group;
        if (klass) labels.class = klass;
        const details = payload.custom_details === undefined ? undefined : JSON.stringify(payload.custom_details);
        alert = {
          fingerprint: '',
          status: AlertStatus.FIRING,
          labels,
          annotations: { summary, ...(details ? { custom_details: details.slice(0, LIMITS.summary) } : {}) },
          summary: summary.slice(0, LIMITS.title),
          startsAt: timestamp ?? now,
          endsAt: null,
          generatorURL: clientUrl || null,
        };
      }
    }
  }
  if (check.problems.length || !routingKey || !action) throw new InvalidPagerDutyEvent(check.problems);

  const key = dedupKey || crypto.randomUUID().replaceAll('-', '');
  if (action === 'acknowledge') return { action, routingKey, dedupKey: key };
  if (action === 'resolve') {
    const resolved: IncomingAlert = { fingerprint: key, status: AlertStatus.RESOLVED, labels: {}, annotations: {}, summary: null, startsAt: now, endsAt: now, generatorURL: null, withoutDetails: true };
    return { action, routingKey, dedupKey: key, delivery: delivery(key, resolved, mapping, 'info') };
  }
  return { action, routingKey, dedupKey: key, delivery: delivery(key, { ...alert!, fingerprint: key }, mapping, severity) };
}

function delivery(key: string, alert: IncomingAlert, mapping: SeverityMapping, severity: string): AlertDelivery {
  const labels = alert.labels;
  return {
    source: AlertSource.PagerDuty,
    groupKey: key,
    alerts: [alert],
    truncatedAlerts: 0,
    title: alert.summary ?? `Event ${key}`,
    summary: [labels.source && `source: ${labels.source}`, labels.component && `component: ${labels.component}`, labels.group && `group: ${labels.group}`, labels.class && `class: ${labels.class}`]
      .filter(Boolean)
      .join('; ') || null,
    severity: severityFor([severity], mapping.alertSeverityMap),
    // A trigger's time is "now" unless given, so identical triggers differ; they take the
    // transactional path, which still changes nothing for a firing alert.
    stateHash: alert.status === AlertStatus.FIRING ? stateHashOf([alert], 0) : null,
  };
}
