import type { IncidentChangeKind } from './incident.enums';

/** The pub/sub topics of incident command. */
export const IncidentTopic = {
  /**
   * An incident, its roles or its status updates changed. Declarations, updates, status changes,
   * timeline notes and status updates hand their subscribers on this instance the committed incident as well
   * (committed-incidents.ts).
   */
  Changed: 'incident.changed',
  TimelineEventAdded: 'timeline.event-added',
} as const;

declare module '../events/topics' {
  interface TopicPayloads {
    /**
     * `postmortemId` is set when the change is that postmortem's own and the same
     * commit publishes PostmortemTopic.Changed too (postmortemUpdated delivers it once).
     */
    'incident.changed': { kind: IncidentChangeKind; incidentId: string; postmortemId?: string };
    'timeline.event-added': { incidentId: string; eventId: string };
  }
}
