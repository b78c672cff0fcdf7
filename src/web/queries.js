/**
 * Every GraphQL operation the console sends, in one place.
 * test/console/console.test.ts validates each of them against the public
 * contract (schema/contract.graphql) or, for the few that use fields this
 * server offers beyond it (marked "Beyond the contract"), against the
 * server's schema, since no browser runs in CI: keep this file free of
 * imports and logic.
 */

const USER_FIELDS = `id name email role`;

const INCIDENT_SUMMARY = `
  id title severity status trigger declaredAt acknowledgedAt mitigatedAt resolvedAt
  commander { ${USER_FIELDS} }
  postmortemRequired postmortemTriggers`;

const INCIDENT_DETAIL = `
  ${INCIDENT_SUMMARY}
  summary userVisibleDowntime sloBreached dataLoss monitoringFailure
  roles { role delegated assignedAt holder { ${USER_FIELDS} } }
  statusUpdates { id audience body postedAt author { ${USER_FIELDS} } }
  document { markdown updatedAt }
  alerts { id fingerprint status summary labels { name value } startsAt endsAt generatorURL }
  postmortem { id status }`;

const TIMELINE_EVENT = `id kind occurredAt body actor { ${USER_FIELDS} }`;

export const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token user { ${USER_FIELDS} } }
}`;

export const ME = `query Me { me { ${USER_FIELDS} } }`;

export const USERS = `query Users { users { ${USER_FIELDS} } }`;

export const INCIDENTS = `query Incidents($filter: IncidentFilter, $first: Int, $after: String) {
  incidents(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${INCIDENT_SUMMARY} } }
  }
}`;

export const INCIDENT_COUNT = `query IncidentCount($filter: IncidentFilter) {
  incidents(filter: $filter, first: 0) { totalCount }
}`;

/** The wall: every open incident, and the latest resolved ones below them. */
export const WALL = `query Wall($recent: Int!) {
  open: incidents(filter: { status: [INVESTIGATING, IDENTIFIED, MITIGATED] }, first: 100) {
    totalCount
    edges { node { ${INCIDENT_SUMMARY} roles { role delegated holder { ${USER_FIELDS} } } } }
  }
  resolved: incidents(filter: { status: [RESOLVED] }, first: $recent) {
    edges { node { ${INCIDENT_SUMMARY} } }
  }
}`;

export const INCIDENT = `query Incident($id: ID!) {
  incident(id: $id) { ${INCIDENT_DETAIL} timeline { ${TIMELINE_EVENT} } }
}`;

export const DECLARE_INCIDENT = `mutation DeclareIncident($input: DeclareIncidentInput!) {
  declareIncident(input: $input) { id title severity }
}`;

export const UPDATE_INCIDENT = `mutation UpdateIncident($id: ID!, $input: UpdateIncidentInput!) {
  updateIncident(id: $id, input: $input) { ${INCIDENT_DETAIL} }
}`;

export const SET_INCIDENT_STATUS = `mutation SetIncidentStatus($id: ID!, $status: IncidentStatus!, $note: String) {
  setIncidentStatus(id: $id, status: $status, note: $note) { ${INCIDENT_DETAIL} }
}`;

export const ASSIGN_ROLE = `mutation AssignRole($incidentId: ID!, $role: IncidentRole!, $userId: ID!) {
  assignRole(incidentId: $incidentId, role: $role, userId: $userId) { ${INCIDENT_DETAIL} }
}`;

export const ADD_TIMELINE_EVENT = `mutation AddTimelineEvent($incidentId: ID!, $kind: TimelineEventKind!, $body: String!, $occurredAt: DateTime) {
  addTimelineEvent(incidentId: $incidentId, kind: $kind, body: $body, occurredAt: $occurredAt) { ${TIMELINE_EVENT} }
}`;

export const POST_STATUS_UPDATE = `mutation PostStatusUpdate($incidentId: ID!, $audience: Audience!, $body: String!) {
  postStatusUpdate(incidentId: $incidentId, audience: $audience, body: $body) { id audience body postedAt author { ${USER_FIELDS} } }
}`;

export const INCIDENTS_CHANGED = `subscription IncidentsChanged {
  incidentsChanged { kind incident { ${INCIDENT_SUMMARY} } }
}`;

export const INCIDENT_UPDATED = `subscription IncidentUpdated($id: ID!) {
  incidentUpdated(id: $id) { ${INCIDENT_DETAIL} }
}`;

export const TIMELINE_EVENT_ADDED = `subscription TimelineEventAdded($incidentId: ID!) {
  timelineEventAdded(incidentId: $incidentId) { ${TIMELINE_EVENT} }
}`;

export const ACKNOWLEDGE_INCIDENT = `mutation AcknowledgeIncident($id: ID!) {
  acknowledgeIncident(id: $id) { ${INCIDENT_DETAIL} }
}`;

/** Beyond the contract: the previous incident of a re-firing alert group, who is in the live document, every handoff. */
export const INCIDENT_CONTEXT = `query IncidentContext($id: ID!) {
  incident(id: $id) {
    id
    previousIncident { id title status severity declaredAt resolvedAt }
    activeEditors { id name }
    roleHistory { role assignedAt relievedAt holder { id name } assignedBy { id name } }
  }
}`;

export const CREATE_USER = `mutation CreateUser($input: CreateUserInput!) {
  createUser(input: $input) { ${USER_FIELDS} }
}`;

/** Beyond the contract: the live document's kept versions, with their text, for the history panel's diff. */
export const DOCUMENT_VERSIONS = `query DocumentVersions($id: ID!) {
  incident(id: $id) { id documentVersions { id takenAt reason editors { id name } markdown } }
}`;

/** Beyond the contract: integration users are marked. */
export const ADMIN_USERS = `query AdminUsers { users { ${USER_FIELDS} createdAt isIntegration } }`;

/** Beyond the contract: people an admin deactivated, for reactivating them. */
export const DEACTIVATED_USERS = `query DeactivatedUsers { deactivatedUsers { ${USER_FIELDS} createdAt deactivatedAt } }`;

/** Beyond the contract: rename, change role, deactivate (ends their sessions) or reactivate. */
export const UPDATE_USER = `mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
  updateUser(id: $id, input: $input) { ${USER_FIELDS} createdAt isIntegration deactivatedAt }
}`;

/** Beyond the contract: a new token for this tab; the server ends every other session. */
export const CHANGE_PASSWORD = `mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) { token user { ${USER_FIELDS} } }
}`;

/** Beyond the contract: the token list and revocation. */
export const API_TOKENS = `query ApiTokens($includeRevoked: Boolean!) {
  apiTokens(includeRevoked: $includeRevoked) { id name role createdAt revokedAt }
}`;

export const CREATE_API_TOKEN = `mutation CreateApiToken($name: String!, $role: UserRole!) {
  createApiToken(name: $name, role: $role) { token apiToken { id name role createdAt } }
}`;

/** Beyond the contract. */
export const REVOKE_API_TOKEN = `mutation RevokeApiToken($id: ID!) {
  revokeApiToken(id: $id) { id name role createdAt revokedAt }
}`;

const ACTION_ITEM = `id title kind priority status dueDate trackingUrl owner { ${USER_FIELDS} }`;

/** Checklist, findings and triggers are beyond the contract. */
const POSTMORTEM_FIELDS = `
  id status summary impact rootCauses trigger detection resolution publishedAt updatedAt
  incident { id title severity status declaredAt resolvedAt }
  lessonsLearned { wentWell wentWrong gotLucky }
  actionItems { ${ACTION_ITEM} }
  checklist { key label done }
  findings { section excerpt reason }
  triggers
  timeline { ${TIMELINE_EVENT} }`;

export const START_POSTMORTEM = `mutation StartPostmortem($incidentId: ID!) {
  startPostmortem(incidentId: $incidentId) { id status }
}`;

/** Beyond the contract. */
export const POSTMORTEM = `query Postmortem($id: ID!) {
  postmortem(id: $id) { ${POSTMORTEM_FIELDS} }
}`;

export const POSTMORTEM_MARKDOWN = `query PostmortemMarkdown($id: ID!) {
  postmortem(id: $id) { id status markdown incident { id title } }
}`;

/** Beyond the contract. */
export const UPDATE_POSTMORTEM = `mutation UpdatePostmortem($id: ID!, $input: UpdatePostmortemInput!) {
  updatePostmortem(id: $id, input: $input) { ${POSTMORTEM_FIELDS} }
}`;

/** Beyond the contract. */
export const SET_POSTMORTEM_STATUS = `mutation SetPostmortemStatus($id: ID!, $status: PostmortemStatus!) {
  setPostmortemStatus(id: $id, status: $status) { ${POSTMORTEM_FIELDS} }
}`;

export const ADD_ACTION_ITEM = `mutation AddActionItem($postmortemId: ID!, $input: ActionItemInput!) {
  addActionItem(postmortemId: $postmortemId, input: $input) { ${ACTION_ITEM} }
}`;

export const UPDATE_ACTION_ITEM = `mutation UpdateActionItem($id: ID!, $input: UpdateActionItemInput!) {
  updateActionItem(id: $id, input: $input) { ${ACTION_ITEM} }
}`;

/** Beyond the contract. */
export const POSTMORTEM_UPDATED = `subscription PostmortemUpdated($id: ID!) {
  postmortemUpdated(id: $id) { ${POSTMORTEM_FIELDS} }
}`;

/** Beyond the contract: resolved incidents owing a postmortem, longest owed first. */
export const POSTMORTEMS_OWED = `query PostmortemsOwed {
  postmortemsOwed { ${INCIDENT_SUMMARY} postmortem { id status } }
}`;

const DURATION_STATS = `meanSeconds p90Seconds samples`;
const METRICS = `incidentCount openActionItems postmortemsOwed
  timeToMitigate { ${DURATION_STATS} } timeToResolve { ${DURATION_STATS} }`;

/** Beyond the contract. */
export const INCIDENT_METRICS = `query IncidentMetrics($from: DateTime, $to: DateTime, $severity: [Severity!]) {
  incidentMetrics(from: $from, to: $to, severity: $severity) {
    from to ${METRICS}
    bySeverity { severity ${METRICS} }
  }
}`;
