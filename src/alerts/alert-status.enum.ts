import { registerEnumType } from 'type-graphql';

export enum AlertStatus {
  FIRING = 'FIRING',
  RESOLVED = 'RESOLVED',
}

/** Where an alert group came from; part of its dedup key. */
export enum AlertSource {
  Alertmanager = 'alertmanager',
  PagerDuty = 'pagerduty',
}

/** Human names, for the timeline. */
export const SOURCE_LABELS: Record<AlertSource, string> = {
  [AlertSource.Alertmanager]: 'Alertmanager',
  [AlertSource.PagerDuty]: 'PagerDuty Events v2',
};

registerEnumType(AlertStatus, { name: 'AlertStatus' });
