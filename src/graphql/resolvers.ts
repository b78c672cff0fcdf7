import { IncidentAlertsResolver } from '../alerts/alert.resolver';
import { ApiTokenResolver } from '../api-tokens/api-token.resolver';
import { DocumentVersionResolver, IncidentDocumentHistoryResolver } from '../collab/document-history.resolver';
import { IncidentDocumentResolver } from '../collab/incident-document.resolver';
import { IncidentResolver } from '../incidents/incident.resolver';
import { ActionItemResolver } from '../postmortems/action-item.resolver';
import { IncidentMetricsResolver } from '../postmortems/incident-metrics.resolver';
import { PostmortemFieldsResolver } from '../postmortems/postmortem-fields.resolver';
import { IncidentPostmortemResolver, PostmortemResolver } from '../postmortems/postmortem.resolver';
import { RoleResolver } from '../roles/role.resolver';
import { IncidentStatusUpdatesResolver, StatusUpdateResolver } from '../status-updates/status-update.resolver';
import { IncidentTimelineResolver, TimelineResolver } from '../timeline/timeline.resolver';
import { UserResolver } from '../users/user.resolver';

/** Every resolver class of the schema. */
export const resolvers = [
  UserResolver,
  IncidentResolver,
  RoleResolver,
  TimelineResolver,
  IncidentTimelineResolver,
  StatusUpdateResolver,
  IncidentStatusUpdatesResolver,
  IncidentDocumentResolver,
  IncidentDocumentHistoryResolver,
  DocumentVersionResolver,
  PostmortemResolver,
  PostmortemFieldsResolver,
  IncidentPostmortemResolver,
  ActionItemResolver,
  IncidentMetricsResolver,
  ApiTokenResolver,
  IncidentAlertsResolver,
] as const;
