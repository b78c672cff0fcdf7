import type { Incident } from '../incidents/incident.entity';
import { IncidentTrigger } from '../incidents/incident.enums';

/** The sections a new postmortem starts with, from what the incident already records. */
export interface Prefill {
  summary: string | null;
  impact: string | null;
  detection: string;
}

const DETECTED_BY: Record<IncidentTrigger, string> = {
  [IncidentTrigger.USER_REPORT]: 'A user reported the problem',
  [IncidentTrigger.AUTOMATED_ALERT]: 'An automated alert detected the problem',
  [IncidentTrigger.STAFF_IDENTIFIED]: 'Staff identified the problem',
};

/**
 * Summary from the incident's summary, impact from its flags (null when no
 * flag is set: the writer still owes that section), detection from its trigger.
 */
export function prefillFrom(incident: Incident): Prefill {
  const impact: string[] = [];
  if (incident.userVisibleDowntime) impact.push('- Users saw downtime.');
  if (incident.sloBreached) impact.push('- The service missed its SLO.');
  if (incident.dataLoss) impact.push('- Data was lost.');
  if (incident.monitoringFailure) impact.push('- Monitoring failed to detect the problem.');

  const declared = utc(incident.declaredAt);
  let detection = `${DETECTED_BY[incident.trigger]}; the incident was declared at ${declared}.`;
  if (incident.trigger === IncidentTrigger.AUTOMATED_ALERT && incident.acknowledgedAt) {
    detection += ` A responder acknowledged it at ${utc(incident.acknowledgedAt)}.`;
  }
  if (incident.monitoringFailure) detection += ' Monitoring did not detect it.';
  return { summary: incident.summary?.trim() || null, impact: impact.length ? impact.join('\n') : null, detection };
}

/** `2026-11-26 14:05 UTC` */
export function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
