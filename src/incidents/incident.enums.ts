import { registerEnumType } from 'type-graphql';

/** How bad it is: SEV1 is the worst. */
export enum Severity {
  SEV1 = 'SEV1',
  SEV2 = 'SEV2',
  SEV3 = 'SEV3',
  SEV4 = 'SEV4',
}

/** Where the incident came from (the three trigger conditions of IMAG). */
export enum IncidentTrigger {
  USER_REPORT = 'USER_REPORT',
  AUTOMATED_ALERT = 'AUTOMATED_ALERT',
  STAFF_IDENTIFIED = 'STAFF_IDENTIFIED',
}

export enum IncidentStatus {
  INVESTIGATING = 'INVESTIGATING',
  IDENTIFIED = 'IDENTIFIED',
  MITIGATED = 'MITIGATED',
  RESOLVED = 'RESOLVED',
}

/** Why a postmortem is owed. */
export enum PostmortemTrigger {
  USER_VISIBLE_DOWNTIME = 'USER_VISIBLE_DOWNTIME',
  SLO_MISSED = 'SLO_MISSED',
  DATA_LOSS = 'DATA_LOSS',
  ONCALL_INTERVENTION = 'ONCALL_INTERVENTION',
  RESOLUTION_TIME_EXCEEDED = 'RESOLUTION_TIME_EXCEEDED',
  MONITORING_FAILURE = 'MONITORING_FAILURE',
}

export enum IncidentChangeKind {
  DECLARED = 'DECLARED',
  UPDATED = 'UPDATED',
  /** A status update has just become overdue (announced once per due time, by one instance). */
  STATUS_UPDATE_OVERDUE = 'STATUS_UPDATE_OVERDUE',
}

registerEnumType(Severity, { name: 'Severity' });
registerEnumType(IncidentTrigger, {
  name: 'IncidentTrigger',
  description: 'Where the incident came from (the three trigger conditions).',
});
registerEnumType(IncidentStatus, { name: 'IncidentStatus' });
registerEnumType(PostmortemTrigger, { name: 'PostmortemTrigger' });
registerEnumType(IncidentChangeKind, { name: 'IncidentChangeKind' });
