import { AlertStatus } from './alert-status.enum';
import type { IncomingAlert } from './alert-delivery';

/** What is stored of an alert, as far as dedup needs it. */
export interface StoredAlert {
  id: string;
  fingerprint: string;
  status: AlertStatus;
  startsAt: Date;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  summary: string | null;
  generatorURL: string | null;
}

/** What one delivery changes in a known group. */
export interface AlertChanges {
  added: IncomingAlert[];
  /** Resolved again firing with a later startsAt (a stale re-delivery is ignored). */
  refired: Array<{ id: string; alert: IncomingAlert }>;
  resolved: Array<{ id: string; alert: IncomingAlert }>;
  /** Known alerts whose labels, annotations, summary or generatorURL the sender changed. */
  described: Array<{ id: string; alert: IncomingAlert }>;
}

/** Compares a delivery with the stored alerts of its group: a pure function. */
export function diffAlerts(stored: StoredAlert[], incoming: IncomingAlert[]): AlertChanges {
  const byFingerprint = new Map(stored.map((a) => [a.fingerprint, a]));
  const changes: AlertChanges = { added: [], refired: [], resolved: [], described: [] };
  for (const alert of incoming) {
    const known = byFingerprint.get(alert.fingerprint);
    if (!known) changes.added.push(alert);
    else if (known.status === AlertStatus.FIRING && alert.status === AlertStatus.RESOLVED) changes.resolved.push({ id: known.id, alert });
    else if (known.status === AlertStatus.RESOLVED && alert.status === AlertStatus.FIRING && alert.startsAt > known.startsAt) {
      changes.refired.push({ id: known.id, alert });
    }
    // A stale re-delivery (an earlier firing) must not bring back details the sender has since changed.
    if (known && !alert.withoutDetails && alert.startsAt >= known.startsAt && !sameDetails(known, alert)) {
      changes.described.push({ id: known.id, alert });
    }
  }
  return changes;
}

/** True when a delivery changes nothing: a repeat, or a stale re-delivery. */
export function isEmpty(changes: AlertChanges): boolean {
  return !changes.added.length && !changes.refired.length && !changes.resolved.length && !changes.described.length;
}

function sameDetails(stored: StoredAlert, incoming: IncomingAlert): boolean {
  return (
    stored.summary === incoming.summary &&
    stored.generatorURL === incoming.generatorURL &&
    sameMap(stored.labels, incoming.labels) &&
    sameMap(stored.annotations, incoming.annotations)
  );
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

const LISTED = 10;

/** A short name for an alert on the timeline: alertname, where, and its summary. */
export function describeAlert(alert: Pick<IncomingAlert, 'labels' | 'summary' | 'fingerprint'>): string {
  const name = alert.labels.alertname ?? alert.fingerprint;
  const where = alert.labels.instance ?? alert.labels.service ?? alert.labels.source ?? alert.labels.job;
  return `${name}${where ? ` on ${where}` : ''}${alert.summary ? ` (${alert.summary})` : ''}`;
}

/** "3 alerts firing: a; b; c", listing at most ten. */
export function listAlerts(heading: string, alerts: Array<Pick<IncomingAlert, 'labels' | 'summary' | 'fingerprint'>>): string {
  const names = alerts.slice(0, LISTED).map(describeAlert);
  const more = alerts.length > LISTED ? `; and ${alerts.length - LISTED} more` : '';
  const count = alerts.length === 1 ? `1 alert ${heading}` : `${alerts.length} alerts ${heading}`;
  return `${count}: ${names.join('; ')}${more}`;
}

/** The earliest of `dates`, but never in the future (senders' clocks drift). */
export function earliest(dates: Date[], now: Date): Date {
  const min = Math.min(now.getTime(), ...dates.map((d) => d.getTime()));
  return new Date(min);
}
