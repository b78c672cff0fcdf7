import type { DomainModule } from '../common/domain-module';
import { Incident } from './incident.entity';
import type { IncidentLoaders } from './incident.loaders';
import { IncidentResolver } from './incident.resolver';
import type { IncidentService } from './incident.service';
import type { IncidentView } from './incident.view';
import { IncidentTopic } from './incident.topics';
import { RoleAssignmentRecord } from './roles/role-assignment.entity';
import { RoleResolver } from './roles/role.resolver';
import type { RoleService } from './roles/role.service';
import { StatusUpdate } from './status-updates/status-update.entity';
import { IncidentStatusUpdatesResolver, StatusUpdateResolver } from './status-updates/status-update.resolver';
import type { StatusUpdateService } from './status-updates/status-update.service';
import { TimelineEvent } from './timeline/timeline-event.entity';
import { IncidentTimelineResolver, TimelineResolver } from './timeline/timeline.resolver';
import type { TimelineService } from './timeline/timeline.service';

export { createIncidentLoaders } from './incident.loaders';
export { IncidentView } from './incident.view';

/** Incident command: incidents, the roles of the people running them, the timeline and status updates. */
export const incidentsModule: DomainModule = {
  name: 'incidents',
  entities: [Incident, RoleAssignmentRecord, TimelineEvent, StatusUpdate],
  resolvers: [
    IncidentResolver,
    RoleResolver,
    TimelineResolver,
    IncidentTimelineResolver,
    StatusUpdateResolver,
    IncidentStatusUpdatesResolver,
  ],
  topics: Object.values(IncidentTopic),
  sharedReads: {
    'Query.incidents': 'role',
    'Query.incident': 'role',
    'IncidentConnection.*': 'role',
    'IncidentEdge.*': 'role',
    'PageInfo.*': 'role',
    'RoleAssignment.*': 'role',
    'RoleStint.*': 'role',
    'TimelineEvent.*': 'role',
    'StatusUpdate.*': 'role',
    // Incident's stored fields and those computed from them; the two on the clock (statusUpdateOverdue, the
    // postmortem triggers of an open incident) tell GraphQLContext.changesAt when they turn. Not the live
    // document, its versions and its editors, nor other domains' alerts, changes and postmortem.
    ...Object.fromEntries(
      [
        'id', 'title', 'summary', 'severity', 'status', 'trigger', 'declaredAt', 'acknowledgedAt', 'mitigatedAt', 'resolvedAt', 'updatedAt',
        'dataLoss', 'userVisibleDowntime', 'sloBreached', 'monitoringFailure', 'onStatusPage', 'commander', 'roles', 'roleHistory',
        'timeline', 'statusUpdates', 'nextStatusUpdateDue', 'statusUpdateOverdue', 'postmortemTriggers', 'postmortemRequired',
      ].map((field) => [`Incident.${field}`, 'role' as const]),
    ),
  },
};

declare module '../graphql/context' {
  interface ResolverServices {
    incidents: IncidentService;
    roles: RoleService;
    timeline: TimelineService;
    statusUpdates: StatusUpdateService;
    /** Computed reads about incidents, over the request's loaders. */
    incidentView: IncidentView;
  }
  interface ResolverLoaders extends IncidentLoaders {}
}
