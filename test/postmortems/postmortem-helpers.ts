import type { TestServer, TestUser } from '../support/test-server';

/** Every field of a postmortem that the tests look at. */
export const POSTMORTEM_FIELDS = `
  id status summary impact rootCauses trigger detection resolution publishedAt
  incident { id title }
  lessonsLearned { wentWell wentWrong gotLucky }
  actionItems { id title kind priority status owner { id name } dueDate trackingUrl }
  checklist { key label done }
  triggers
  authors { id name }
  timeline { kind body occurredAt }
`;

export const START = `mutation($id: ID!) { startPostmortem(incidentId: $id) { ${POSTMORTEM_FIELDS} } }`;
export const UPDATE = `mutation($id: ID!, $input: UpdatePostmortemInput!) { updatePostmortem(id: $id, input: $input) { ${POSTMORTEM_FIELDS} } }`;
export const SET_STATUS = `mutation($id: ID!, $status: PostmortemStatus!) { setPostmortemStatus(id: $id, status: $status) { ${POSTMORTEM_FIELDS} } }`;
export const ADD_ITEM = `mutation($id: ID!, $input: ActionItemInput!) { addActionItem(postmortemId: $id, input: $input) { id title kind priority status owner { id name } dueDate trackingUrl } }`;
export const UPDATE_ITEM = `mutation($id: ID!, $input: UpdateActionItemInput!) { updateActionItem(id: $id, input: $input) { id title kind priority status owner { id name } dueDate trackingUrl } }`;
export const GET = `query($id: ID!) { postmortem(id: $id) { ${POSTMORTEM_FIELDS} } }`;

/** Declares an incident as `user` and returns its id. */
export async function declare(
  t: TestServer,
  user: TestUser,
  input: { title?: string; summary?: string; severity?: string; trigger?: string } = {},
): Promise<string> {
  const { declareIncident } = await t.ok(
    `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id } }`,
    { input: { title: 'Checkout 500s', severity: 'SEV2', trigger: 'USER_REPORT', ...input } },
    user.token,
  );
  return declareIncident.id;
}

/** Declares an incident and starts its postmortem; returns both ids. */
export async function declareWithPostmortem(t: TestServer, user: TestUser, input?: Parameters<typeof declare>[2]) {
  const incidentId = await declare(t, user, input);
  const { startPostmortem } = await t.ok(START, { id: incidentId }, user.token);
  return { incidentId, postmortemId: startPostmortem.id as string };
}

/** Creates a user with a chosen name and email through the API, as the admin. */
export async function createNamedUser(t: TestServer, name: string, email: string, role = 'RESPONDER'): Promise<string> {
  const { createUser } = await t.ok(
    `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
    { input: { name, email, password: 'named-user-pass-1', role } },
    t.admin.token,
  );
  return createUser.id;
}

/** The extensions.code of the first error. */
export function codeOf(result: { errors?: Array<{ extensions?: { code?: string } }> }): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}
