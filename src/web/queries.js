// @ts-check
/** @import { Operation } from './graphql-client.js' */
/** @import * as G from './generated/graphql' */
/**
 * Every GraphQL operation the console sends, in one place. Each is typed
 * with the result and variables types GraphQL Code Generator writes for it
 * into generated/graphql.d.ts (`npm run codegen` after changing one), so
 * that `ctx.api.request(INCIDENT, { id })` is checked by `npm run typecheck`.
 * test/console/console.test.ts validates each of them against the public
 * contract (schema/contract.graphql) or, for the few that use fields this
 * server offers beyond it (marked "Beyond the contract"), against the
 * server's schema, since no browser runs in CI: keep this file free of
 * imports and logic.
 * Longer than 300 lines because it is that one place: splitting the list
 * would scatter what codegen and the contract test read as a whole.
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

/** @type {Operation<G.LoginMutation, G.LoginMutationVariables>} */
export const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token user { ${USER_FIELDS} } }
}`;

/** @type {Operation<G.MeQuery, G.MeQueryVariables>} */
export const ME = `query Me { me { ${USER_FIELDS} } }`;

/** @type {Operation<G.UsersQuery, G.UsersQueryVariables>} */
export const USERS = `query Users { users { ${USER_FIELDS} } }`;

/** @type {Operation<G.IncidentsQuery, G.IncidentsQueryVariables>} */
export const INCIDENTS = `query Incidents($filter: IncidentFilter, $first: Int, $after: String) {
  incidents(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${INCIDENT_SUMMARY} } }
  }
}`;

/** @type {Operation<G.IncidentCountQuery, G.IncidentCountQueryVariables>} */
export const INCIDENT_COUNT = `query IncidentCount($filter: IncidentFilter) {
  incidents(filter: $filter, first: 0) { totalCount }
}`;

/**
 * The wall: every open incident, and the latest resolved ones below them.
 * @type {Operation<G.WallQuery, G.WallQueryVariables>}
 */
export const WALL = `query Wall($recent: Int!) {
  open: incidents(filter: { status: [INVESTIGATING, IDENTIFIED, MITIGATED] }, first: 100) {
    totalCount
    edges { node { ${INCIDENT_SUMMARY} roles { role delegated holder { ${USER_FIELDS} } } } }
  }
  resolved: incidents(filter: { status: [RESOLVED] }, first: $recent) {
    edges { node { ${INCIDENT_SUMMARY} } }
  }
}`;

/** @type {Operation<G.IncidentQuery, G.IncidentQueryVariables>} */
export const INCIDENT = `query Incident($id: ID!) {
  incident(id: $id) { ${INCIDENT_DETAIL} timeline { ${TIMELINE_EVENT} } }
}`;

/** @type {Operation<G.DeclareIncidentMutation, G.DeclareIncidentMutationVariables>} */
export const DECLARE_INCIDENT = `mutation DeclareIncident($input: DeclareIncidentInput!) {
  declareIncident(input: $input) { id title severity }
}`;

/** @type {Operation<G.UpdateIncidentMutation, G.UpdateIncidentMutationVariables>} */
export const UPDATE_INCIDENT = `mutation UpdateIncident($id: ID!, $input: UpdateIncidentInput!) {
  updateIncident(id: $id, input: $input) { ${INCIDENT_DETAIL} }
}`;

/** @type {Operation<G.SetIncidentStatusMutation, G.SetIncidentStatusMutationVariables>} */
export const SET_INCIDENT_STATUS = `mutation SetIncidentStatus($id: ID!, $status: IncidentStatus!, $note: String) {
  setIncidentStatus(id: $id, status: $status, note: $note) { ${INCIDENT_DETAIL} }
}`;

/** @type {Operation<G.AssignRoleMutation, G.AssignRoleMutationVariables>} */
export const ASSIGN_ROLE = `mutation AssignRole($incidentId: ID!, $role: IncidentRole!, $userId: ID!) {
  assignRole(incidentId: $incidentId, role: $role, userId: $userId) { ${INCIDENT_DETAIL} }
}`;

/** @type {Operation<G.AddTimelineEventMutation, G.AddTimelineEventMutationVariables>} */
export const ADD_TIMELINE_EVENT = `mutation AddTimelineEvent($incidentId: ID!, $kind: TimelineEventKind!, $body: String!, $occurredAt: DateTime) {
  addTimelineEvent(incidentId: $incidentId, kind: $kind, body: $body, occurredAt: $occurredAt) { ${TIMELINE_EVENT} }
}`;

/** @type {Operation<G.PostStatusUpdateMutation, G.PostStatusUpdateMutationVariables>} */
export const POST_STATUS_UPDATE = `mutation PostStatusUpdate($incidentId: ID!, $audience: Audience!, $body: String!) {
  postStatusUpdate(incidentId: $incidentId, audience: $audience, body: $body) { id audience body postedAt author { ${USER_FIELDS} } }
}`;

/** @type {Operation<G.IncidentsChangedSubscription, G.IncidentsChangedSubscriptionVariables>} */
export const INCIDENTS_CHANGED = `subscription IncidentsChanged {
  incidentsChanged { kind incident { ${INCIDENT_SUMMARY} } }
}`;

/** @type {Operation<G.IncidentUpdatedSubscription, G.IncidentUpdatedSubscriptionVariables>} */
export const INCIDENT_UPDATED = `subscription IncidentUpdated($id: ID!) {
  incidentUpdated(id: $id) { ${INCIDENT_DETAIL} }
}`;

/** @type {Operation<G.TimelineEventAddedSubscription, G.TimelineEventAddedSubscriptionVariables>} */
export const TIMELINE_EVENT_ADDED = `subscription TimelineEventAdded($incidentId: ID!) {
  timelineEventAdded(incidentId: $incidentId) { ${TIMELINE_EVENT} }
}`;

/** @type {Operation<G.AcknowledgeIncidentMutation, G.AcknowledgeIncidentMutationVariables>} */
export const ACKNOWLEDGE_INCIDENT = `mutation AcknowledgeIncident($id: ID!) {
  acknowledgeIncident(id: $id) { ${INCIDENT_DETAIL} }
}`;

/**
 * Beyond the contract: what changed around the incident (PagerDuty Change Events), newest first.
 * @type {Operation<G.IncidentChangesQuery, G.IncidentChangesQueryVariables>}
 */
export const INCIDENT_CHANGES = `query IncidentChanges($id: ID!) {
  incident(id: $id) { id recentChanges { id summary source occurredAt links } }
}`;

/**
 * Beyond the contract: the previous incident of a re-firing alert group, who is in the live document, every handoff,
 * the update cadence and whether the incident is on the public status page.
 * @type {Operation<G.IncidentContextQuery, G.IncidentContextQueryVariables>}
 */
export const INCIDENT_CONTEXT = `query IncidentContext($id: ID!) {
  incident(id: $id) {
    id
    nextStatusUpdateDue statusUpdateOverdue onStatusPage
    previousIncident { id title status severity declaredAt resolvedAt }
    activeEditors { id name }
    roleHistory { role assignedAt relievedAt holder { id name } assignedBy { id name } }
  }
}`;

/**
 * Beyond the contract: when each open incident's next status update is owed (the board's countdown).
 * @type {Operation<G.UpdateCadenceQuery, G.UpdateCadenceQueryVariables>}
 */
export const UPDATE_CADENCE = `query UpdateCadence {
  incidents(filter: { status: [INVESTIGATING, IDENTIFIED, MITIGATED] }, first: 100) {
    edges { node { id nextStatusUpdateDue statusUpdateOverdue } }
  }
}`;

/**
 * Beyond the contract: show the incident on the public status page, or take it off.
 * @type {Operation<G.SetOnStatusPageMutation, G.SetOnStatusPageMutationVariables>}
 */
export const SET_ON_STATUS_PAGE = `mutation SetOnStatusPage($id: ID!, $on: Boolean!) {
  updateIncident(id: $id, input: { onStatusPage: $on }) { id onStatusPage }
}`;

/** @type {Operation<G.CreateUserMutation, G.CreateUserMutationVariables>} */
export const CREATE_USER = `mutation CreateUser($input: CreateUserInput!) {
  createUser(input: $input) { ${USER_FIELDS} }
}`;

/**
 * Beyond the contract: the live document's kept versions, with their text, for the history panel's diff.
 * @type {Operation<G.DocumentVersionsQuery, G.DocumentVersionsQueryVariables>}
 */
export const DOCUMENT_VERSIONS = `query DocumentVersions($id: ID!) {
  incident(id: $id) { id documentVersions { id takenAt reason editors { id name } markdown } }
}`;

/**
 * Beyond the contract: integration users are marked.
 * @type {Operation<G.AdminUsersQuery, G.AdminUsersQueryVariables>}
 */
export const ADMIN_USERS = `query AdminUsers { users { ${USER_FIELDS} createdAt isIntegration } }`;

/**
 * Beyond the contract: people an admin deactivated, for reactivating them.
 * @type {Operation<G.DeactivatedUsersQuery, G.DeactivatedUsersQueryVariables>}
 */
export const DEACTIVATED_USERS = `query DeactivatedUsers { deactivatedUsers { ${USER_FIELDS} createdAt deactivatedAt } }`;

/**
 * Beyond the contract: rename, change role, deactivate (ends their sessions) or reactivate.
 * @type {Operation<G.UpdateUserMutation, G.UpdateUserMutationVariables>}
 */
export const UPDATE_USER = `mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
  updateUser(id: $id, input: $input) { ${USER_FIELDS} createdAt isIntegration deactivatedAt }
}`;

/**
 * Beyond the contract: a new token for this tab; the server ends every other session.
 * @type {Operation<G.ChangePasswordMutation, G.ChangePasswordMutationVariables>}
 */
export const CHANGE_PASSWORD = `mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) { token user { ${USER_FIELDS} } }
}`;

/**
 * Beyond the contract: the token list and revocation.
 * @type {Operation<G.ApiTokensQuery, G.ApiTokensQueryVariables>}
 */
export const API_TOKENS = `query ApiTokens($includeRevoked: Boolean!) {
  apiTokens(includeRevoked: $includeRevoked) { id name role createdAt revokedAt }
}`;

/** @type {Operation<G.CreateApiTokenMutation, G.CreateApiTokenMutationVariables>} */
export const CREATE_API_TOKEN = `mutation CreateApiToken($name: String!, $role: UserRole!) {
  createApiToken(name: $name, role: $role) { token apiToken { id name role createdAt } }
}`;

/**
 * Beyond the contract.
 * @type {Operation<G.RevokeApiTokenMutation, G.RevokeApiTokenMutationVariables>}
 */
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

/** @type {Operation<G.StartPostmortemMutation, G.StartPostmortemMutationVariables>} */
export const START_POSTMORTEM = `mutation StartPostmortem($incidentId: ID!) {
  startPostmortem(incidentId: $incidentId) { id status }
}`;

/**
 * Beyond the contract.
 * @type {Operation<G.PostmortemQuery, G.PostmortemQueryVariables>}
 */
export const POSTMORTEM = `query Postmortem($id: ID!) {
  postmortem(id: $id) { ${POSTMORTEM_FIELDS} }
}`;

/** @type {Operation<G.PostmortemMarkdownQuery, G.PostmortemMarkdownQueryVariables>} */
export const POSTMORTEM_MARKDOWN = `query PostmortemMarkdown($id: ID!) {
  postmortem(id: $id) { id status markdown incident { id title } }
}`;

/**
 * Beyond the contract.
 * @type {Operation<G.UpdatePostmortemMutation, G.UpdatePostmortemMutationVariables>}
 */
export const UPDATE_POSTMORTEM = `mutation UpdatePostmortem($id: ID!, $input: UpdatePostmortemInput!) {
  updatePostmortem(id: $id, input: $input) { ${POSTMORTEM_FIELDS} }
}`;

/**
 * Beyond the contract.
 * @type {Operation<G.SetPostmortemStatusMutation, G.SetPostmortemStatusMutationVariables>}
 */
export const SET_POSTMORTEM_STATUS = `mutation SetPostmortemStatus($id: ID!, $status: PostmortemStatus!) {
  setPostmortemStatus(id: $id, status: $status) { ${POSTMORTEM_FIELDS} }
}`;

/** @type {Operation<G.AddActionItemMutation, G.AddActionItemMutationVariables>} */
export const ADD_ACTION_ITEM = `mutation AddActionItem($postmortemId: ID!, $input: ActionItemInput!) {
  addActionItem(postmortemId: $postmortemId, input: $input) { ${ACTION_ITEM} }
}`;

/** @type {Operation<G.UpdateActionItemMutation, G.UpdateActionItemMutationVariables>} */
export const UPDATE_ACTION_ITEM = `mutation UpdateActionItem($id: ID!, $input: UpdateActionItemInput!) {
  updateActionItem(id: $id, input: $input) { ${ACTION_ITEM} }
}`;

/**
 * Beyond the contract.
 * @type {Operation<G.PostmortemUpdatedSubscription, G.PostmortemUpdatedSubscriptionVariables>}
 */
export const POSTMORTEM_UPDATED = `subscription PostmortemUpdated($id: ID!) {
  postmortemUpdated(id: $id) { ${POSTMORTEM_FIELDS} }
}`;

/**
 * Beyond the contract: resolved incidents owing a postmortem, longest owed first.
 * @type {Operation<G.PostmortemsOwedQuery, G.PostmortemsOwedQueryVariables>}
 */
export const POSTMORTEMS_OWED = `query PostmortemsOwed {
  postmortemsOwed { ${INCIDENT_SUMMARY} postmortem { id status } }
}`;

const DURATION_STATS = `meanSeconds p90Seconds samples`;
const METRICS = `incidentCount openActionItems postmortemsOwed
  timeToMitigate { ${DURATION_STATS} } timeToResolve { ${DURATION_STATS} }`;

/**
 * Beyond the contract.
 * @type {Operation<G.IncidentMetricsQuery, G.IncidentMetricsQueryVariables>}
 */
export const INCIDENT_METRICS = `query IncidentMetrics($from: DateTime, $to: DateTime, $severity: [Severity!]) {
  incidentMetrics(from: $from, to: $to, severity: $severity) {
    from to ${METRICS}
    bySeverity { severity ${METRICS} }
  }
}`;

/**
 * Beyond the contract: outgoing webhook endpoints (Admin → Webhooks).
 * @type {Operation<G.WebhookEndpointsQuery, G.WebhookEndpointsQueryVariables>}
 */
export const WEBHOOK_ENDPOINTS = `query WebhookEndpoints { webhookEndpoints { id url format events enabled createdAt } }`;

/** @type {Operation<G.CreateWebhookEndpointMutation, G.CreateWebhookEndpointMutationVariables>} */
export const CREATE_WEBHOOK_ENDPOINT = `mutation CreateWebhookEndpoint($url: String!, $format: WebhookFormat!, $events: [String!]) {
  createWebhookEndpoint(url: $url, format: $format, events: $events) { secret endpoint { id url format events enabled createdAt } }
}`;

/** @type {Operation<G.DeleteWebhookEndpointMutation, G.DeleteWebhookEndpointMutationVariables>} */
export const DELETE_WEBHOOK_ENDPOINT = `mutation DeleteWebhookEndpoint($id: ID!) { deleteWebhookEndpoint(id: $id) }`;

/** @type {Operation<G.WebhookDeliveriesQuery, G.WebhookDeliveriesQueryVariables>} */
export const WEBHOOK_DELIVERIES = `query WebhookDeliveries($endpointId: ID!) {
  webhookDeliveries(endpointId: $endpointId, first: 50) { id eventType status attempts lastStatusCode lastError createdAt deliveredAt }
}`;
