import { collect, startWithTeam, type TestServer, type TestUser } from '../support/test-server';

const DECLARE = `mutation($input: DeclareIncidentInput!) {
  declareIncident(input: $input) { id status commander { id } roles { role holder { id } delegated } timeline { kind body actor { id } } }
}`;

describe('incident lifecycle over HTTP and graphql-ws', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => ({ t, alice, bob } = await startWithTeam()));
  afterAll(() => t.close());

  it('makes the declarer the commander holding every role, and records DECLARED', async () => {
    const { declareIncident: incident } = await t.ok(
      DECLARE,
      { input: { title: 'Checkout 500s', severity: 'SEV2', trigger: 'USER_REPORT' } },
      alice.token,
    );
    expect(incident.status).toBe('INVESTIGATING');
    expect(incident.commander.id).toBe(alice.id);
    expect(incident.roles).toEqual([
      { role: 'INCIDENT_COMMANDER', holder: { id: alice.id }, delegated: false },
      { role: 'COMMUNICATIONS_LEAD', holder: { id: alice.id }, delegated: false },
      { role: 'OPERATIONS_LEAD', holder: { id: alice.id }, delegated: false },
      { role: 'PLANNING_LEAD', holder: { id: alice.id }, delegated: false },
    ]);
    expect(incident.timeline).toHaveLength(1);
    expect(incident.timeline[0]).toMatchObject({ kind: 'DECLARED', actor: { id: alice.id } });
  });

  it('hands command to the new commander and delivers it to a subscriber', async () => {
    const { declareIncident: incident } = await t.ok(
      DECLARE,
      { input: { title: 'Search latency', severity: 'SEV3', trigger: 'STAFF_IDENTIFIED' } },
      alice.token,
    );
    const sub = collect(t.wsClient(bob.token), `subscription($id: ID!) { incidentUpdated(id: $id) { id commander { name } } }`, {
      id: incident.id,
    });
    await sub.settle();
    await t.ok(
      `mutation($i: ID!, $u: ID!) { assignRole(incidentId: $i, role: INCIDENT_COMMANDER, userId: $u) { id } }`,
      { i: incident.id, u: bob.id },
      alice.token,
    );
    const [event] = await sub.next(1);
    expect(event.data.incidentUpdated.commander.name).toBe('Bob');
  });
});
