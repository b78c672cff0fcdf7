/**
 * Every GraphQL operation the console sends, in one place.
 * test/console/console.test.ts validates each of them against the public
 * contract (schema/contract.graphql) and the server's schema, since no
 * browser runs in CI: keep this file free of imports and logic.
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
  document { markdown updatedAt }`;

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
