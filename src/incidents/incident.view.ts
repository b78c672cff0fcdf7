import type { SeverityName } from '../config/config';
import type { UserLoaders } from '../users/user.loaders';
import type { User } from '../users/user.entity';
import type { Incident } from './incident.entity';
import type { PostmortemTrigger } from './incident.enums';
import type { IncidentLoaders } from './incident.loaders';
import { postmortemTriggers } from './postmortem-triggers';
import { INTERVENTION_KINDS } from './timeline/timeline-event-kind.enum';

/** The loaders incident reads go through (one request's, or one subscription event's). */
export type IncidentViewLoaders = IncidentLoaders & UserLoaders;

/**
 * Reads about incidents that are computed rather than stored, over one
 * request's loaders: used by the incident resolvers and by the postmortem's
 * view (its fields and its Markdown) alike. The one place where the
 * postmortem-trigger rule (postmortem-triggers.ts) is called for a read; the
 * same rule in SQL (postmortems/incident-metrics.service.ts) is pinned to it
 * by test/postmortems/postmortem-trigger-rule.test.ts.
 */
export class IncidentView {
  /** @param resolutionLimits seconds to resolve, per severity, before a postmortem is owed (configuration). */
  constructor(private readonly resolutionLimits: Record<SeverityName, number>) {}

  /** Why a postmortem is owed for `incident`, in the contract's order; empty when none is. */
  async postmortemTriggers(loaders: IncidentViewLoaders, incident: Incident): Promise<PostmortemTrigger[]> {
    const events = await loaders.timeline.load(incident.id);
    return postmortemTriggers(incident, events.some((e) => INTERVENTION_KINDS.has(e.kind)), this.resolutionLimits);
  }

  /** The incident's commander (every incident has one). */
  async commander(loaders: IncidentViewLoaders, incident: Pick<Incident, 'commanderId'>): Promise<User> {
    return (await loaders.users.load(incident.commanderId))!;
  }

  /** The incident with `id`, which the caller reached through something that refers to it. */
  async incident(loaders: IncidentViewLoaders, id: string): Promise<Incident> {
    return (await loaders.incidents.load(id))!;
  }
}
