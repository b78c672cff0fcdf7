import type { TestServer, TestUser } from '../support/test-server';

/** Kept for the test files that import it from here. */
export { codes } from '../support/test-server';

/** GraphQL documents and small helpers shared by the core test files. */

export const INCIDENT_FIELDS = `
  id title summary severity status declaredAt mitigatedAt resolvedAt updatedAt
  commander { id name }
  roles { role delegated assignedAt holder { id name } }
  timeline { id kind body occurredAt actor { id name } }
  postmortemTriggers postmortemRequired
`;

export const DECLARE = `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { ${INCIDENT_FIELDS} } }`;
export const GET = `query($id: ID!) { incident(id: $id) { ${INCIDENT_FIELDS}
  roleHistory { role assignedAt relievedAt holder { id name } assignedBy { id name } }
  statusUpdates { id audience body postedAt author { id } } } }`;
export const UPDATE = `mutation($id: ID!, $input: UpdateIncidentInput!) { updateIncident(id: $id, input: $input) { ${INCIDENT_FIELDS} } }`;
export const SET_STATUS = `mutation($id: ID!, $status: IncidentStatus!, $note: String) {
  setIncidentStatus(id: $id, status: $status, note: $note) { ${INCIDENT_FIELDS} } }`;
export const ASSIGN = `mutation($i: ID!, $r: IncidentRole!, $u: ID!) { assignRole(incidentId: $i, role: $r, userId: $u) { ${INCIDENT_FIELDS} } }`;
export const ADD_EVENT = `mutation($i: ID!, $k: TimelineEventKind!, $b: String!, $at: DateTime) {
  addTimelineEvent(incidentId: $i, kind: $k, body: $b, occurredAt: $at) { id kind body occurredAt actor { id } } }`;
export const POST_UPDATE = `mutation($i: ID!, $a: Audience!, $b: String!) {
  postStatusUpdate(incidentId: $i, audience: $a, body: $b) { id audience body postedAt author { id } } }`;

let titles = 0;

/** Declares an incident as `user` and returns it with INCIDENT_FIELDS. */
export async function declare(
  t: TestServer,
  user: TestUser,
  input: Partial<{ title: string; summary: string; severity: string; trigger: string }> = {},
): Promise<any> {
  titles += 1;
  const data = await t.ok(
    DECLARE,
    { input: { title: `Incident ${titles}`, severity: 'SEV2', trigger: 'USER_REPORT', ...input } },
    user.token,
  );
  return data.declareIncident;
}

/** Reads an incident (with role history and status updates) as the admin. */
export async function getIncident(t: TestServer, id: string): Promise<any> {
  return (await t.ok(GET, { id }, t.admin.token)).incident;
}

/** Runs SQL against the test file's own database (for backdating and checking invariants). */
export function sql<T = any>(t: TestServer, text: string, params: unknown[] = []): Promise<T[]> {
  return t.sql<T>(text, params);
}

/** Waits `ms` milliseconds (to show that nothing arrives). */
export const quiet = (ms = 300) => new Promise<void>((resolve) => setTimeout(resolve, ms));
