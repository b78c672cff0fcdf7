import { collect, startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { amAlert, amNotification, CREATE_TOKEN, INCIDENT, postAlertmanager } from './alertmanager-fixtures';

const ACKNOWLEDGE = `mutation($id: ID!) { acknowledgeIncident(id: $id) {
  id acknowledgedAt declaredAt commander { id name } roles { role holder { id } delegated }
} }`;

describe('acknowledgeIncident', () => {
  let t: TestServer;
  let token: string;
  let alice: TestUser;
  let bob: TestUser;
  let viewer: TestUser;
  let route = 0;
  const openAlertIncident = async (): Promise<string> => {
    route += 1;
    const res = await postAlertmanager(t.url, token, amNotification([amAlert({ alertname: 'AckMe', team: 'core' })], { route: `{}/ack-${route}` }));
    return res.body.incidentId;
  };

  beforeAll(async () => {
    ({ t, alice, bob, viewer } = await startWithTeam());
    token = (await t.ok(CREATE_TOKEN, { name: 'Alertmanager', role: 'RESPONDER' }, t.admin.token)).createApiToken.token;
  });
  afterAll(() => t.close());

  it('hands command from the integration to the person and records it, setting acknowledgedAt once', async () => {
    const id = await openAlertIncident();
    const sub = collect(t.wsClient(bob.token), `subscription($id: ID!) { incidentUpdated(id: $id) { commander { name } acknowledgedAt } }`, { id });
    await sub.settle();
    const { acknowledgeIncident: acked } = await t.ok(ACKNOWLEDGE, { id }, alice.token);
    expect(acked.commander).toEqual({ id: alice.id, name: 'Alice' });
    expect(acked.roles.every((r: any) => r.holder.id === alice.id && !r.delegated)).toBe(true);
    expect(new Date(acked.acknowledgedAt).getTime()).toBeGreaterThanOrEqual(new Date(acked.declaredAt).getTime());
    const [event] = await sub.next(1);
    expect(event.data.incidentUpdated).toEqual({ commander: { name: 'Alice' }, acknowledgedAt: acked.acknowledgedAt });

    const i = (await t.ok(INCIDENT, { id }, t.admin.token)).incident;
    expect(i.timeline.at(-1)).toMatchObject({ kind: 'ROLE_ASSIGNED', body: 'Acknowledged by Alice, who takes command from Alertmanager', actor: { id: alice.id } });

    // A second acknowledgement changes nothing: Bob uses assignRole to take over from here.
    const { acknowledgeIncident: again } = await t.ok(ACKNOWLEDGE, { id }, bob.token);
    expect(again).toEqual(acked);
    expect((await t.ok(INCIDENT, { id }, t.admin.token)).incident.timeline).toHaveLength(i.timeline.length);
  });

  it('returns a human-declared incident unchanged: its declaration was its acknowledgement', async () => {
    const { declareIncident } = await t.ok(
      `mutation { declareIncident(input: { title: "Manual", severity: SEV3, trigger: USER_REPORT }) { id acknowledgedAt declaredAt } }`,
      {},
      alice.token,
    );
    expect(declareIncident.acknowledgedAt).toBe(declareIncident.declaredAt);
    const { acknowledgeIncident } = await t.ok(ACKNOWLEDGE, { id: declareIncident.id }, bob.token);
    expect(acknowledgeIncident).toMatchObject({ acknowledgedAt: declareIncident.declaredAt, commander: { id: alice.id } });
  });

  it('counts a person declaring from an alert they saw as acknowledged at declaration', async () => {
    const { declareIncident } = await t.ok(
      `mutation { declareIncident(input: { title: "Saw the page", severity: SEV2, trigger: AUTOMATED_ALERT }) { acknowledgedAt declaredAt } }`,
      {},
      alice.token,
    );
    expect(declareIncident.acknowledgedAt).toBe(declareIncident.declaredAt);
  });

  it('sets acknowledgedAt when command of an alert-opened incident is handed to a person with assignRole', async () => {
    const id = await openAlertIncident();
    const { assignRole } = await t.ok(
      `mutation($i: ID!, $u: ID!) { assignRole(incidentId: $i, role: INCIDENT_COMMANDER, userId: $u) { acknowledgedAt declaredAt commander { id } } }`,
      { i: id, u: bob.id },
      t.admin.token,
    );
    expect(assignRole.commander.id).toBe(bob.id);
    expect(assignRole.acknowledgedAt).not.toBeNull();
    expect(new Date(assignRole.acknowledgedAt).getTime()).toBeGreaterThanOrEqual(new Date(assignRole.declaredAt).getTime());
    // Already acknowledged: acknowledgeIncident changes nothing now.
    const { acknowledgeIncident } = await t.ok(ACKNOWLEDGE, { id }, alice.token);
    expect(acknowledgeIncident).toMatchObject({ acknowledgedAt: assignRole.acknowledgedAt, commander: { id: bob.id } });
  });

  it('refuses viewers, integrations, unknown ids and resolved unacknowledged incidents', async () => {
    const id = await openAlertIncident();
    expect((await t.gql(ACKNOWLEDGE, { id }, viewer.token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(ACKNOWLEDGE, { id }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(ACKNOWLEDGE, { id })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(ACKNOWLEDGE, { id: '00000000-0000-4000-8000-000000000000' }, alice.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    await t.ok(`mutation($id: ID!) { setIncidentStatus(id: $id, status: RESOLVED) { id } }`, { id }, alice.token);
    expect((await t.gql(ACKNOWLEDGE, { id }, alice.token)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
