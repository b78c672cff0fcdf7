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
 * The part of a delivery that dedup acts on: each alert's fingerprint, status
 * and times, and the truncation count. Labels and annotations are left out:
 * they do not change what Sitrep does with a delivery.
 */
export function stateHashOf(alerts: IncomingAlert[], truncatedAlerts: number): string {
  const state = alerts
    .map((a) => `${a.fingerprint}\u0000${a.status}\u0000${a.startsAt.getTime()}\u0000${a.endsAt?.getTime() ?? ''}`)
    .sort()
    .join('\u0001');
  return crypto.createHash('sha256').update(`${truncatedAlerts}\u0002${state}`).digest('hex');
}

/** True when the delivery has something firing (only then may it open an incident). */
export function hasFiring(delivery: AlertDelivery): boolean {
  return delivery.alerts.some((a) => a.status === AlertStatus.FIRING);
}

/** The dedup key: the group key scoped to the integration user, hashed to a fixed length. */
export function groupKeyHash(integrationUserId: string, groupKey: string): string {
  return crypto.createHash('sha256').update(`${integrationUserId}\n${groupKey}`).digest('hex');
}
