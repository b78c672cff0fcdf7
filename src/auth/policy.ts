import { forbidden, unauthenticated } from '../common/errors';
import { UserRole } from '../users/user-role.enum';
import type { Caller } from './caller';

/**
 * Everything a caller can try. GraphQL resolvers' services, the collaboration
 * socket and the webhooks all ask this one module.
 */
export enum Action {
  /** Read incidents, users, timelines; subscribe. */
  Read = 'read',
  DeclareIncident = 'declare-incident',
  /** Update fields, move status, add timeline events, take command of an alert's incident. */
  WorkIncident = 'work-incident',
  /** Hand over command or delegate a role: the current commander, or an admin. */
  AssignRole = 'assign-role',
  /** Post a status update: the effective communications lead, or an admin. */
  PostStatusUpdate = 'post-status-update',
  /** Show an incident on the public status page, or take it off: the commander, the communications lead, or an admin. */
  PublishToStatusPage = 'publish-to-status-page',
  /** Type in the live incident document (viewers connect read-only). */
  EditDocument = 'edit-document',
  WritePostmortem = 'write-postmortem',
  ManageUsers = 'manage-users',
  ManageApiTokens = 'manage-api-tokens',
  /** Outgoing webhook endpoints and their delivery log. */
  ManageWebhooks = 'manage-webhooks',
  /** Send alerts to the webhooks: an API token of RESPONDER or above, never a person's login. */
  IngestAlerts = 'ingest-alerts',
  /** Take command of an incident an alert opened: a person (RESPONDER+), not an integration. */
  AcknowledgeIncident = 'acknowledge-incident',
  /** Change one's own password: anyone logged in with a password, not an API token. */
  ChangeOwnPassword = 'change-own-password',
}

/** What the policy may need to know about the thing acted on. */
export interface PolicyResource {
  /** The incident's current commander. */
  commanderId?: string;
  /** Who effectively holds the communications lead role (the commander while undelegated). */
  communicationsLeadId?: string;
}

const RANK: Record<UserRole, number> = { VIEWER: 0, RESPONDER: 1, ADMIN: 2 };

const MINIMUM_ROLE: Record<Action, UserRole> = {
  [Action.Read]: UserRole.VIEWER,
  [Action.DeclareIncident]: UserRole.RESPONDER,
  [Action.WorkIncident]: UserRole.RESPONDER,
  [Action.AssignRole]: UserRole.RESPONDER,
  [Action.PostStatusUpdate]: UserRole.RESPONDER,
  [Action.PublishToStatusPage]: UserRole.RESPONDER,
  [Action.EditDocument]: UserRole.RESPONDER,
  [Action.WritePostmortem]: UserRole.RESPONDER,
  [Action.ManageUsers]: UserRole.ADMIN,
  [Action.ManageApiTokens]: UserRole.ADMIN,
  [Action.ManageWebhooks]: UserRole.ADMIN,
  [Action.IngestAlerts]: UserRole.RESPONDER,
  [Action.AcknowledgeIncident]: UserRole.RESPONDER,
  [Action.ChangeOwnPassword]: UserRole.VIEWER,
};

const DESCRIPTION: Record<Action, string> = {
  [Action.Read]: 'read incidents',
  [Action.DeclareIncident]: 'declare incidents',
  [Action.WorkIncident]: 'work on incidents',
  [Action.AssignRole]: 'assign incident roles',
  [Action.PostStatusUpdate]: 'post status updates',
  [Action.PublishToStatusPage]: 'change what the public status page shows',
  [Action.EditDocument]: 'edit the incident document',
  [Action.WritePostmortem]: 'write postmortems',
  [Action.ManageUsers]: 'manage users',
  [Action.ManageApiTokens]: 'manage API tokens',
  [Action.ManageWebhooks]: 'manage webhooks',
  [Action.IngestAlerts]: 'send alerts',
  [Action.AcknowledgeIncident]: 'acknowledge incidents',
  [Action.ChangeOwnPassword]: 'change their password',
};

/** Why `caller` may not do `action`, or null when it may. */
export function denial(caller: Caller | null, action: Action, resource: PolicyResource = {}): string | null {
  if (!caller) return 'unauthenticated';
  const needed = MINIMUM_ROLE[action];
  if (RANK[caller.role] < RANK[needed]) {
    return `${caller.role} may not ${DESCRIPTION[action]}; ${needed} or above is required`;
  }
  // Checked before the admin shortcut: these hinge on what the caller is, not on rank.
  if (action === Action.IngestAlerts && caller.via !== 'api-token') {
    return 'alerts are sent with an API token (createApiToken), not a login token';
  }
  if (action === Action.AcknowledgeIncident && caller.via === 'api-token') {
    return 'an integration cannot acknowledge an incident; a person takes command';
  }
  if (action === Action.ChangeOwnPassword && caller.via === 'api-token') {
    return 'an API token has no password to change; revoke it and create another instead';
  }
  if (caller.role === UserRole.ADMIN) return null;
  switch (action) {
    case Action.AssignRole:
      return resource.commanderId === caller.userId
        ? null
        : 'only the incident commander (or an admin) may assign roles on this incident';
    case Action.PostStatusUpdate:
      return resource.communicationsLeadId === caller.userId
        ? null
        : 'only the communications lead (the commander while the role is not delegated) or an admin may post status updates';
    case Action.PublishToStatusPage:
      return resource.commanderId === caller.userId || resource.communicationsLeadId === caller.userId
        ? null
        : 'only the incident commander, the communications lead or an admin may change what the public status page shows';
    default:
      return null;
  }
}

/** True when `caller` may do `action`. */
export function can(caller: Caller | null, action: Action, resource?: PolicyResource): boolean {
  return denial(caller, action, resource) === null;
}

/**
 * Throws UNAUTHENTICATED for an anonymous caller and FORBIDDEN for one who
 * lacks the right; returns the caller otherwise.
 */
export function authorize(caller: Caller | null, action: Action, resource?: PolicyResource): Caller {
  const reason = denial(caller, action, resource);
  if (!caller) throw unauthenticated();
  if (reason) throw forbidden(reason);
  return caller;
}
