import crypto from 'node:crypto';
import type { Severity } from '../incidents/incident.enums';
import { AlertStatus, type AlertSource } from './alert-status.enum';

/** One alert as a sender reported it, whatever the sender. */
export interface IncomingAlert {
  fingerprint: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  summary: string | null;
  startsAt: Date;
  /** Null while firing (Alertmanager's Go zero time means "no end"). */
  endsAt: Date | null;
  generatorURL: string | null;
  /**
   * Set when the sender named the alert without describing it (a PagerDuty
   * `resolve` carries only the dedup key): its empty labels and annotations
   * must not replace the stored ones.
   */
  withoutDetails?: boolean;
}

/** One notification about one alert group, normalised from Alertmanager or PagerDuty. */
export interface AlertDelivery {
  source: AlertSource;
  groupKey: string;
  /** Unique by fingerprint (the last one wins). */
  alerts: IncomingAlert[];
  /** Alerts the sender left out (Alertmanager's max_alerts). */
  truncatedAlerts: number;
  /** For the incident the group opens, when it opens one. */
  title: string;
  summary: string | null;
  severity: Severity;
  /**
   * Hash of what dedup acts on; equal to the open group's stored hash means a
   * repeat that is answered without a transaction. Null turns that shortcut off.
   */
  stateHash: string | null;
}

/** Drops earlier duplicates of a fingerprint, keeping the sender's order otherwise. */
export function uniqueByFingerprint(alerts: IncomingAlert[]): IncomingAlert[] {
  return [...new Map(alerts.map((a) => [a.fingerprint, a])).values()];
}

/**
 * The part of a delivery that dedup acts on: each alert's fingerprint, status,
 * times, labels, annotations (summary included) and generatorURL, and the
 * truncation count. Two deliveries with one hash are the same to Sitrep, so
 * anything that Sitrep stores of an alert is in it: a repeat stays one read,
 * and a relabelled or re-annotated alert takes the transactional path.
 */
export function stateHashOf(alerts: IncomingAlert[], truncatedAlerts: number): string {
  const state = alerts
    .map((a) =>
      [
        a.fingerprint,
        a.status,
        a.startsAt.getTime(),
        a.endsAt?.getTime() ?? '',
        canonical(a.labels),
        canonical(a.annotations),
        a.summary ?? '',
        a.generatorURL ?? '',
        a.withoutDetails ? '-' : '',
      ].join('\u0000'),
    )
    .sort()
    .join('\u0001');
  return crypto.createHash('sha256').update(`${truncatedAlerts}\u0002${state}`).digest('hex');
}

/** A map as JSON with its keys sorted, so that the senders' key order does not matter. */
function canonical(map: Record<string, string>): string {
  return JSON.stringify(Object.keys(map).sort().map((k) => [k, map[k]]));
}

/** True when the delivery has something firing (only then may it open an incident). */
export function hasFiring(delivery: AlertDelivery): boolean {
  return delivery.alerts.some((a) => a.status === AlertStatus.FIRING);
}

/** The dedup key: the group key scoped to the integration user, hashed to a fixed length. */
export function groupKeyHash(integrationUserId: string, groupKey: string): string {
  return crypto.createHash('sha256').update(`${integrationUserId}\n${groupKey}`).digest('hex');
}
