import { AlertGroup } from '../alerts/alert-group.entity';
import { Alert } from '../alerts/alert.entity';
import { ApiToken } from '../api-tokens/api-token.entity';
import { Incident } from '../incidents/incident.entity';
import { ActionItem } from '../postmortems/action-item.entity';
import { Postmortem, PostmortemAuthor } from '../postmortems/postmortem.entity';
import { RoleAssignmentRecord } from '../incidents/roles/role-assignment.entity';
import { StatusUpdate } from '../incidents/status-updates/status-update.entity';
import { TimelineEvent } from '../incidents/timeline/timeline-event.entity';
import { User } from '../users/user.entity';

/** Every TypeORM entity. */
export const entities = [
  User,
  Incident,
  RoleAssignmentRecord,
  TimelineEvent,
  StatusUpdate,
  Postmortem,
  PostmortemAuthor,
  ActionItem,
  ApiToken,
  AlertGroup,
  Alert,
];
