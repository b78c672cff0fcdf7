import { registerEnumType } from 'type-graphql';

export enum AlertStatus {
  FIRING = 'FIRING',
  RESOLVED = 'RESOLVED',
}

/** Where an alert group came from; part of its dedup key. */
export enum AlertSource {
  Alertmanager = 'alertmanager',
  PagerDuty = 'pagerduty',
  Grafana = 'grafana',
}

/** Human names, for the timeline. */
export const SOURCE_LABELS: Record<AlertSource, string> = {
  [AlertSource.Alertmanager]: 'Alertmanager',
  [AlertSource.PagerDuty]: 'PagerDuty Events v2',
  [AlertSource.Grafana]: 'Grafana Alerting',
};

registerEnumType(AlertStatus, { name: 'AlertStatus' });
