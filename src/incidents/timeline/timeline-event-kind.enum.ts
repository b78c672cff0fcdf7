import { registerEnumType } from 'type-graphql';

export enum TimelineEventKind {
  DECLARED = 'DECLARED',
  STATUS_CHANGED = 'STATUS_CHANGED',
  SEVERITY_CHANGED = 'SEVERITY_CHANGED',
  ROLE_ASSIGNED = 'ROLE_ASSIGNED',
  STATUS_UPDATE = 'STATUS_UPDATE',
  NOTE = 'NOTE',
  ALERT = 'ALERT',
  ROLLBACK = 'ROLLBACK',
  TRAFFIC_REROUTE = 'TRAFFIC_REROUTE',
  POSTMORTEM_STARTED = 'POSTMORTEM_STARTED',
}

/** Kinds a person may add by hand; the rest are written by Sitrep itself. */
export const MANUAL_TIMELINE_KINDS: ReadonlySet<TimelineEventKind> = new Set([
  TimelineEventKind.NOTE,
  TimelineEventKind.ROLLBACK,
  TimelineEventKind.TRAFFIC_REROUTE,
]);

/** Kinds that mean on-call intervened (a rollback, a traffic reroute): a postmortem is owed. */
export const INTERVENTION_KINDS: ReadonlySet<TimelineEventKind> = new Set([
  TimelineEventKind.ROLLBACK,
  TimelineEventKind.TRAFFIC_REROUTE,
]);

registerEnumType(TimelineEventKind, { name: 'TimelineEventKind' });
