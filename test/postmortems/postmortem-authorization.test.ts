import { declareIncident, declareWithPostmortem } from '../support/factories';
import { codeOf, startTestServer, type TestServer, type TestUser } from '../support/test-server';
import { ADD_ITEM, GET_POSTMORTEM, SET_POSTMORTEM_STATUS, START_POSTMORTEM, UPDATE_ITEM, UPDATE_POSTMORTEM } from './postmortem-helpers';

describe('postmortem authorization: responders and admins write, viewers read, anonymous callers do neither', () => {
  let t: TestServer;
  let responder: TestUser;
  let viewer: TestUser;
  let admin: TestUser;
  let postmortemId: string;
  let actionItemId: string;

  beforeAll(async () => {
    t = await startTestServer();
    responder = await t.createUser('RESPONDER', 'Rita');
    viewer = await t.createUser('VIEWER', 'Vic');
    admin = t.admin;
    ({ postmortemId } = await declareWithPostmortem(t, responder));
    const { addActionItem } = await t.ok(ADD_ITEM, { id: postmortemId, input: { title: 'Seed', kind: 'PREVENT', priority: 'P2' } }, responder.token);
    actionItemId = addActionItem.id;
  });
  afterAll(() => t.close());

  /** Each new mutation, with variables that would succeed for a permitted caller. */
  const mutations: Array<[string, string, () => Promise<Record<string, unknown>>]> = [
    ['startPostmortem', START_POSTMORTEM, async () => ({ id: await declareIncident(t, responder) })],
    ['updatePostmortem', UPDATE_POSTMORTEM, async () => ({ id: postmortemId, input: { summary: `summary ${Math.random()}` } })],
    ['addActionItem', ADD_ITEM, async () => ({ id: postmortemId, input: { title: 'Another', kind: 'DETECT', priority: 'P3' } })],
    ['updateActionItem', UPDATE_ITEM, async () => ({ id: actionItemId, input: { title: `title ${Math.random()}` } })],
  ];

  for (const [name, query, variables] of mutations) {
    it(`${name}: UNAUTHENTICATED when anonymous, FORBIDDEN for a viewer, allowed to responders and admins`, async () => {
      expect(codeOf(await t.gql(query, await variables()))).toBe('UNAUTHENTICATED');
      const asViewer = await t.gql(query, await variables(), viewer.token);
      expect(codeOf(asViewer)).toBe('FORBIDDEN');
      expect(asViewer.errors![0].message).toBe('VIEWER may not write postmortems; RESPONDER or above is required');
      await t.ok(query, await variables(), responder.token);
      await t.ok(query, await variables(), admin.token);
    });
  }

  it('setPostmortemStatus: UNAUTHENTICATED when anonymous, FORBIDDEN for a viewer, allowed to responders and admins', async () => {
    expect(codeOf(await t.gql(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'IN_REVIEW' }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'IN_REVIEW' }, viewer.token))).toBe('FORBIDDEN');
    expect((await t.ok(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'IN_REVIEW' }, responder.token)).setPostmortemStatus.status).toBe('IN_REVIEW');
    expect((await t.ok(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'DRAFT' }, admin.token)).setPostmortemStatus.status).toBe('DRAFT');
  });

  it('lets a viewer read postmortems, postmortems owed and metrics, and refuses anonymous readers', async () => {
    const reads: Array<[string, Record<string, unknown>]> = [
      [GET_POSTMORTEM, { id: postmortemId }],
      [`{ postmortemsOwed { id } }`, {}],
      [`{ incidentMetrics { incidentCount } }`, {}],
    ];
    for (const [query, variables] of reads) {
      expect(codeOf(await t.gql(query, variables))).toBe('UNAUTHENTICATED');
      const result = await t.gql(query, variables, viewer.token);
      expect(result.errors).toBeUndefined();
    }
    expect((await t.ok(GET_POSTMORTEM, { id: postmortemId }, viewer.token)).postmortem.id).toBe(postmortemId);
  });

  it('leaves nothing written when a viewer is refused', async () => {
    const { postmortem: before } = await t.ok(GET_POSTMORTEM, { id: postmortemId }, admin.token);
    await t.gql(UPDATE_POSTMORTEM, { id: postmortemId, input: { summary: 'viewer was here' } }, viewer.token);
    await t.gql(ADD_ITEM, { id: postmortemId, input: { title: 'viewer item', kind: 'PROCESS', priority: 'P3' } }, viewer.token);
    const { postmortem: after } = await t.ok(GET_POSTMORTEM, { id: postmortemId }, admin.token);
    expect(after.summary).toBe(before.summary);
    expect(after.actionItems).toEqual(before.actionItems);
  });
});
