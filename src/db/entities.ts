import { AlertGroup } from '../alerts/alert-group.entity';
import { Alert } from '../alerts/alert.entity';
import { ApiToken } from '../api-tokens/api-token.entity';
import { Incident } from '../incidents/incident.entity';
import { ActionItem } from '../postmortems/action-item.entity';
import { Postmortem, PostmortemAuthor } from '../postmortems/postmortem.entity';
import { RoleAssignmentRecord } from '../roles/role-assignment.entity';
import { StatusUpdate } from '../status-updates/status-update.entity';
import { TimelineEvent } from '../timeline/timeline-event.entity';
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
