import { startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { ASSIGN, codes, declare, getIncident, sql } from './core-ops';

const ALL_ROLES = ['INCIDENT_COMMANDER', 'COMMUNICATIONS_LEAD', 'OPERATIONS_LEAD', 'PLANNING_LEAD'];

describe('incident command roles', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  let viewer: TestUser;

  beforeAll(async () => {
    ({ t, alice, bob } = await startWithTeam());
    carol = await t.createUser('RESPONDER', 'Carol');
    dave = await t.createUser('RESPONDER', 'Dave');
    viewer = await t.createUser('VIEWER', 'Vera Viewer');
  });
  afterAll(() => t.close());

  const assign = (incidentId: string, role: string, userId: string, as: TestUser) => t.gql(ASSIGN, { i: incidentId, r: role, u: userId }, as.token);
  const holders = (incident: any) => Object.fromEntries(incident.roles.map((r: any) => [r.role, { id: r.holder.id, delegated: r.delegated }]));

  it('lists all four roles, every one held by the declaring commander without delegation', async () => {
    const incident = await declare(t, alice);
    expect(incident.roles.map((r: any) => r.role)).toEqual(ALL_ROLES);
    for (const r of incident.roles) expect(r).toMatchObject({ holder: { id: alice.id }, delegated: false });
    const history = (await getIncident(t, incident.id)).roleHistory;
    expect(history).toEqual([
      expect.objectContaining({ role: 'INCIDENT_COMMANDER', holder: { id: alice.id, name: 'Alice' }, assignedBy: { id: alice.id, name: 'Alice' }, relievedAt: null }),
    ]);
  });

  it('delegates a role, keeps the other roles with the commander, and names both people in the timeline', async () => {
    const incident = await declare(t, alice);
    const { data } = await assign(incident.id, 'COMMUNICATIONS_LEAD', bob.id, alice);
    const after = data!.assignRole;
    expect(after.roles.map((r: any) => r.role)).toEqual(ALL_ROLES);
    expect(holders(after)).toEqual({
      INCIDENT_COMMANDER: { id: alice.id, delegated: false },
      COMMUNICATIONS_LEAD: { id: bob.id, delegated: true },
      OPERATIONS_LEAD: { id: alice.id, delegated: false },
      PLANNING_LEAD: { id: alice.id, delegated: false },
    });
    const event = after.timeline.at(-1);
    expect(event).toMatchObject({ kind: 'ROLE_ASSIGNED', actor: { id: alice.id } });
    expect(event.body).toMatch(/Communications Lead.*from Alice to Bob/);
  });

  it('moves a delegated role from one delegate to another and records from whom to whom', async () => {
    const incident = await declare(t, alice);
    await assign(incident.id, 'OPERATIONS_LEAD', bob.id, alice);
    const { data } = await assign(incident.id, 'OPERATIONS_LEAD', carol.id, alice);
    expect(holders(data!.assignRole).OPERATIONS_LEAD).toEqual({ id: carol.id, delegated: true });
    expect(data!.assignRole.timeline.at(-1).body).toMatch(/Operations Lead.*from Bob to Carol/);
    const ops = (await getIncident(t, incident.id)).roleHistory.filter((s: any) => s.role === 'OPERATIONS_LEAD');
    expect(ops.map((s: any) => s.holder.name)).toEqual(['Bob', 'Carol']);
    expect(ops[0].relievedAt).toBe(ops[1].assignedAt);
    expect(ops[1].relievedAt).toBeNull();
  });

  it('takes a delegation back when the role is assigned to the commander', async () => {
    const incident = await declare(t, alice);
    await assign(incident.id, 'PLANNING_LEAD', bob.id, alice);
    const { data, errors } = await assign(incident.id, 'PLANNING_LEAD', alice.id, alice);
    expect(errors).toBeUndefined();
    expect(holders(data!.assignRole).PLANNING_LEAD).toEqual({ id: alice.id, delegated: false });
    const event = data!.assignRole.timeline.at(-1);
    expect(event.kind).toBe('ROLE_ASSIGNED');
    expect(event.body).toMatch(/Planning Lead taken back from Bob.*Alice/);
    const stint = (await getIncident(t, incident.id)).roleHistory.find((s: any) => s.role === 'PLANNING_LEAD');
    expect(stint.relievedAt).not.toBeNull();
    const current = await sql(t, `SELECT * FROM role_assignments WHERE incident_id = $1 AND role = 'PLANNING_LEAD' AND relieved_at IS NULL`, [incident.id]);
    expect(current).toHaveLength(0);
  });

  it('records nothing when a role is assigned to the person who already holds it', async () => {
    const incident = await declare(t, alice);
    await assign(incident.id, 'OPERATIONS_LEAD', bob.id, alice);
    const before = (await getIncident(t, incident.id)).timeline.length;
    await assign(incident.id, 'OPERATIONS_LEAD', bob.id, alice);
    await assign(incident.id, 'COMMUNICATIONS_LEAD', alice.id, alice);
    await assign(incident.id, 'INCIDENT_COMMANDER', alice.id, alice);
    expect((await getIncident(t, incident.id)).timeline).toHaveLength(before);
  });

  it('hands over command: the new commander’s delegated roles fold into command, others keep theirs', async () => {
    const incident = await declare(t, alice);
    await assign(incident.id, 'COMMUNICATIONS_LEAD', bob.id, alice);
    await assign(incident.id, 'OPERATIONS_LEAD', carol.id, alice);
    const { data, errors } = await assign(incident.id, 'INCIDENT_COMMANDER', bob.id, alice);
    expect(errors).toBeUndefined();
    const after = data!.assignRole;
    expect(after.commander).toEqual({ id: bob.id, name: 'Bob' });
    expect(holders(after)).toEqual({
      INCIDENT_COMMANDER: { id: bob.id, delegated: false },
      COMMUNICATIONS_LEAD: { id: bob.id, delegated: false },
      OPERATIONS_LEAD: { id: carol.id, delegated: true },
      PLANNING_LEAD: { id: bob.id, delegated: false },
    });
    const handoff = after.timeline.at(-1);
    expect(handoff).toMatchObject({ kind: 'ROLE_ASSIGNED', actor: { id: alice.id } });
    expect(handoff.body).toMatch(/Command handed over from Alice to Bob/);
  });

  it('folds every role the new commander held into command, and hands command back cleanly', async () => {
    const incident = await declare(t, alice);
    await assign(incident.id, 'COMMUNICATIONS_LEAD', bob.id, alice);
    await assign(incident.id, 'OPERATIONS_LEAD', bob.id, alice);
    await assign(incident.id, 'PLANNING_LEAD', carol.id, alice);
    const toBob = (await assign(incident.id, 'INCIDENT_COMMANDER', bob.id, alice)).data!.assignRole;
    expect(holders(toBob)).toEqual({
      INCIDENT_COMMANDER: { id: bob.id, delegated: false },
      COMMUNICATIONS_LEAD: { id: bob.id, delegated: false },
      OPERATIONS_LEAD: { id: bob.id, delegated: false },
      PLANNING_LEAD: { id: carol.id, delegated: true },
    });
    const back = (await assign(incident.id, 'INCIDENT_COMMANDER', alice.id, bob)).data!.assignRole;
    expect(holders(back)).toEqual({
      INCIDENT_COMMANDER: { id: alice.id, delegated: false },
      COMMUNICATIONS_LEAD: { id: alice.id, delegated: false },
      OPERATIONS_LEAD: { id: alice.id, delegated: false },
      PLANNING_LEAD: { id: carol.id, delegated: true },
    });
    expect(back.timeline.at(-1).body).toMatch(/Command handed over from Bob to Alice/);
    const current = await sql(t, `SELECT role, user_id FROM role_assignments WHERE incident_id = $1 AND relieved_at IS NULL ORDER BY role`, [incident.id]);
    expect(current).toEqual([
      { role: 'INCIDENT_COMMANDER', user_id: alice.id },
      { role: 'PLANNING_LEAD', user_id: carol.id },
    ]);
  });

  it('keeps the role history with assigned and relieved times across a handoff', async () => {
    const incident = await declare(t, alice);
    await assign(incident.id, 'COMMUNICATIONS_LEAD', bob.id, alice);
    await assign(incident.id, 'INCIDENT_COMMANDER', bob.id, alice);
    const { roleHistory } = await getIncident(t, incident.id);
    const stints = roleHistory.map((s: any) => [s.role, s.holder.name, s.assignedBy?.name, s.relievedAt === null ? 'current' : 'relieved']);
    expect(stints).toEqual(
      expect.arrayContaining([
        ['INCIDENT_COMMANDER', 'Alice', 'Alice', 'relieved'],
        ['COMMUNICATIONS_LEAD', 'Bob', 'Alice', 'relieved'],
        ['INCIDENT_COMMANDER', 'Bob', 'Alice', 'current'],
      ]),
    );
    expect(roleHistory).toHaveLength(3);
    const [first, ...rest] = roleHistory;
    expect(first).toMatchObject({ role: 'INCIDENT_COMMANDER', holder: { name: 'Alice' } });
    // Alice's stint ends exactly when Bob's begins: no gap, no overlap.
    const bobCommand = rest.find((s: any) => s.role === 'INCIDENT_COMMANDER');
    expect(first.relievedAt).toBe(bobCommand.assignedAt);
    for (const s of roleHistory) if (s.relievedAt) expect(Date.parse(s.relievedAt)).toBeGreaterThanOrEqual(Date.parse(s.assignedAt));
    const [row] = await sql(t, `SELECT commander_id FROM incidents WHERE id = $1`, [incident.id]);
    expect(row.commander_id).toBe(bob.id);
  });

  it('lets only the current commander or an admin assign roles; the old commander is refused after a handoff', async () => {
    const incident = await declare(t, alice);
    const byBob = await assign(incident.id, 'OPERATIONS_LEAD', bob.id, bob);
    expect(codes(byBob)).toEqual(['FORBIDDEN']);
    expect(byBob.errors![0].message).toMatch(/commander/);

    const byAdmin = await assign(incident.id, 'OPERATIONS_LEAD', carol.id, t.admin);
    expect(byAdmin.errors).toBeUndefined();
    expect(holders(byAdmin.data!.assignRole).OPERATIONS_LEAD).toEqual({ id: carol.id, delegated: true });

    const handoffByAdmin = await assign(incident.id, 'INCIDENT_COMMANDER', dave.id, t.admin);
    expect(handoffByAdmin.data!.assignRole.commander.id).toBe(dave.id);
    expect(handoffByAdmin.data!.assignRole.timeline.at(-1).body).toMatch(/from Alice to Dave/);

    const byOldCommander = await assign(incident.id, 'PLANNING_LEAD', bob.id, alice);
    expect(codes(byOldCommander)).toEqual(['FORBIDDEN']);
    const byNewCommander = await assign(incident.id, 'PLANNING_LEAD', bob.id, dave);
    expect(byNewCommander.errors).toBeUndefined();
  });

  it('refuses to give any role to a VIEWER', async () => {
    const incident = await declare(t, alice);
    for (const role of ALL_ROLES) {
      const result = await assign(incident.id, role, viewer.id, alice);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0].message).toMatch(/VIEWER/);
    }
    const after = await getIncident(t, incident.id);
    expect(after.commander.id).toBe(alice.id);
    expect(after.roleHistory).toHaveLength(1);
  });

  it('answers NOT_FOUND for an unknown user or incident and BAD_USER_INPUT for malformed ids', async () => {
    const incident = await declare(t, alice);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(codes(await assign(incident.id, 'OPERATIONS_LEAD', unknown, alice))).toEqual(['NOT_FOUND']);
    expect(codes(await assign(unknown, 'OPERATIONS_LEAD', bob.id, alice))).toEqual(['NOT_FOUND']);
    expect(codes(await assign(incident.id, 'OPERATIONS_LEAD', 'bob', alice))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await assign('42', 'OPERATIONS_LEAD', bob.id, alice))).toEqual(['BAD_USER_INPUT']);
  });
});
