import type { SeverityName } from '../config/config';
import type { UserLoaders } from '../users/user.loaders';
import type { User } from '../users/user.entity';
import type { Incident } from './incident.entity';
import { PostmortemTrigger } from './incident.enums';
import type { IncidentLoaders } from './incident.loaders';
import { postmortemTriggers } from './postmortem-triggers';
import type { RoleAssignment, RoleStint } from './roles/role-assignment.type';
import { effectiveRoles } from './roles/role.service';
import { INTERVENTION_KINDS } from './timeline/timeline-event-kind.enum';
import { nextStatusUpdateDue, type UpdateIntervals } from './update-cadence';

/** The loaders incident reads go through (one request's, or one subscription event's). */
export type IncidentViewLoaders = IncidentLoaders & UserLoaders;

/**
 * Reads about incidents that are computed rather than stored, over one
 * request's loaders: used by the incident resolvers and by the postmortem's
 * view (its fields and its Markdown) alike; also the update cadence. The one place where the
 * postmortem-trigger rule (postmortem-triggers.ts) is called for a read; the
 * same rule in SQL (postmortems/incident-metrics.service.ts) is pinned to it
 * by test/postmortems/postmortem-trigger-rule.test.ts.
 */
export class IncidentView {
  /**
   * @param resolutionLimits seconds to resolve, per severity, before a postmortem is owed (configuration).
   * @param updateIntervals seconds between the status updates owed, per severity; null: none (configuration).
   */
  constructor(
    private readonly resolutionLimits: Record<SeverityName, number>,
    private readonly updateIntervals: UpdateIntervals,
  ) {}

  /**
   * When the communications lead owes the next status update; null once resolved or when the
   * severity owes none. The overdue sweep computes the same in SQL (update-cadence.ts), pinned
   * to it by test/core/update-cadence.test.ts.
   */
  async nextStatusUpdateDue(loaders: IncidentViewLoaders, incident: Incident): Promise<Date | null> {
    const updates = await loaders.statusUpdates.load(incident.id);
    const last = updates.reduce<Date | null>((latest, u) => (!latest || u.postedAt > latest ? u.postedAt : latest), null);
    return nextStatusUpdateDue(incident, last, this.updateIntervals);
  }

  /**
   * Whether the next status update is past due. `changesAt` hears when a `false` turns `true` by the
   * clock alone (GraphQLContext.changesAt).
   */
  async statusUpdateOverdue(loaders: IncidentViewLoaders, incident: Incident, changesAt?: (at: Date) => void): Promise<boolean> {
    const due = await this.nextStatusUpdateDue(loaders, incident);
    const overdue = due !== null && due.getTime() <= Date.now();
    if (due && !overdue) changesAt?.(due);
    return overdue;
  }

  /**
   * Why a postmortem is owed for `incident`, in the contract's order; empty when none is. `changesAt`
   * hears when an open incident will exceed its resolution limit by the clock alone.
   */
  async postmortemTriggers(loaders: IncidentViewLoaders, incident: Incident, changesAt?: (at: Date) => void): Promise<PostmortemTrigger[]> {
    const events = await loaders.timeline.load(incident.id);
    const triggers = postmortemTriggers(incident, events.some((e) => INTERVENTION_KINDS.has(e.kind)), this.resolutionLimits);
    if (!incident.resolvedAt && !triggers.includes(PostmortemTrigger.RESOLUTION_TIME_EXCEEDED)) {
      changesAt?.(new Date(incident.declaredAt.getTime() + this.resolutionLimits[incident.severity] * 1000));
    }
    return triggers;
  }

  /** The incident's commander (every incident has one). */
  async commander(loaders: IncidentViewLoaders, incident: Pick<Incident, 'commanderId'>): Promise<User> {
    return (await loaders.users.load(incident.commanderId))!;
  }

  /** All four roles, each with its effective holder (the commander holds every role not delegated). */
  async roles(loaders: IncidentViewLoaders, incident: Pick<Incident, 'id'>): Promise<RoleAssignment[]> {
    const current = await loaders.currentRoles.load(incident.id);
    return Promise.all(
      effectiveRoles(current).map(async (r) => ({
        role: r.role,
        delegated: r.delegated,
        assignedAt: r.assignedAt,
        holder: (await loaders.users.load(r.holderId))!,
      })),
    );
  }

  /** Every assignment, handoff and relief, oldest first. */
  async roleHistory(loaders: IncidentViewLoaders, incident: Pick<Incident, 'id'>): Promise<RoleStint[]> {
    const rows = await loaders.roleHistory.load(incident.id);
    return Promise.all(
      rows.map(async (r) => ({
        role: r.role,
        holder: (await loaders.users.load(r.userId))!,
        assignedBy: r.assignedById ? await loaders.users.load(r.assignedById) : null,
        assignedAt: r.assignedAt,
        relievedAt: r.relievedAt,
      })),
    );
  }

  /** The incident with `id`, which the caller reached through something that refers to it. */
  async incident(loaders: IncidentViewLoaders, id: string): Promise<Incident> {
    return (await loaders.incidents.load(id))!;
  }
}
