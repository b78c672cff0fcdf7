import type { IncidentChangeKind } from '../incidents/incident.enums';

/** Every topic of the pub/sub. Payloads carry ids; subscribers load fresh rows. */
export enum Topic {
  IncidentChanged = 'incident.changed',
  TimelineEventAdded = 'timeline.event-added',
  PostmortemChanged = 'postmortem.changed',
  /** A user was deactivated, changed role or changed password, or an API token was revoked: open sockets must follow. */
  UserChanged = 'user.changed',
}

/** The payload type of each topic. */
export interface TopicPayloads {
  /**
   * `postmortemId` is set when the change is that postmortem's own and the same
   * commit publishes PostmortemChanged too (postmortemUpdated delivers it once).
   */
  [Topic.IncidentChanged]: { kind: IncidentChangeKind; incidentId: string; postmortemId?: string };
  [Topic.TimelineEventAdded]: { incidentId: string; eventId: string };
  [Topic.PostmortemChanged]: { postmortemId: string; incidentId: string };
  /** `sessionsEnded`: the user's tokens no longer work (deactivated, password changed, or its API token revoked). */
  [Topic.UserChanged]: { userId: string; sessionsEnded: boolean; roleChanged: boolean };
}
