import type { IncidentChangeKind } from '../incidents/incident.enums';

/** Every topic of the pub/sub. Payloads carry ids; subscribers load fresh rows. */
export enum Topic {
  IncidentChanged = 'incident.changed',
  TimelineEventAdded = 'timeline.event-added',
  PostmortemChanged = 'postmortem.changed',
  /** A user was deactivated, changed role or changed password: open sockets must follow. */
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
  /** `sessionsEnded`: the user's tokens no longer work (deactivated, or password changed). */
  [Topic.UserChanged]: { userId: string; sessionsEnded: boolean; roleChanged: boolean };
}

export type EventOf<T extends Topic> = { topic: T; payload: TopicPayloads[T] };
export type AnyEvent = { [T in Topic]: EventOf<T> }[Topic];
