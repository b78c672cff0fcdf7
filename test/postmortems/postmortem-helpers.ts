/** GraphQL documents of the postmortem tests (set-up goes through test/support/factories.ts). */

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

export const START_POSTMORTEM = `mutation($id: ID!) { startPostmortem(incidentId: $id) { ${POSTMORTEM_FIELDS} } }`;
export const UPDATE_POSTMORTEM = `mutation($id: ID!, $input: UpdatePostmortemInput!) { updatePostmortem(id: $id, input: $input) { ${POSTMORTEM_FIELDS} } }`;
export const SET_POSTMORTEM_STATUS = `mutation($id: ID!, $status: PostmortemStatus!) { setPostmortemStatus(id: $id, status: $status) { ${POSTMORTEM_FIELDS} } }`;
export const ADD_ITEM = `mutation($id: ID!, $input: ActionItemInput!) { addActionItem(postmortemId: $id, input: $input) { id title kind priority status owner { id name } dueDate trackingUrl } }`;
export const UPDATE_ITEM = `mutation($id: ID!, $input: UpdateActionItemInput!) { updateActionItem(id: $id, input: $input) { id title kind priority status owner { id name } dueDate trackingUrl } }`;
export const GET_POSTMORTEM = `query($id: ID!) { postmortem(id: $id) { ${POSTMORTEM_FIELDS} } }`;
