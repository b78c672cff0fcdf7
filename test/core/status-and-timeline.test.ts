import { startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { ADD_EVENT, ASSIGN, POST_UPDATE, SET_STATUS, UPDATE, codes, declare, getIncident } from './core-ops';

describe('status machine, severity, timeline and status updates', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => ({ t, alice, bob } = await startWithTeam()));
  afterAll(() => t.close());

  const setStatus = (id: string, status: string, note?: string, as: TestUser = alice) => t.gql(SET_STATUS, { id, status, note }, as.token);
  const move = async (id: string, status: string, note?: string) => {
    const result = await setStatus(id, status, note);
    expect(result.errors).toBeUndefined();
    return result.data!.setIncidentStatus;
  };

  describe('status', () => {
    it('moves forward one step at a time, setting mitigatedAt on mitigation and resolvedAt on resolve', async () => {
      const incident = await declare(t, alice);
      expect(incident).toMatchObject({ status: 'INVESTIGATING', mitigatedAt: null, resolvedAt: null });
      const identified = await move(incident.id, 'IDENTIFIED');
      expect(identified).toMatchObject({ status: 'IDENTIFIED', mitigatedAt: null, resolvedAt: null });
      const mitigated = await move(incident.id, 'MITIGATED');
      expect(mitigated.mitigatedAt).not.toBeNull();
      expect(mitigated.resolvedAt).toBeNull();
      const resolved = await move(incident.id, 'RESOLVED');
      expect(resolved.mitigatedAt).toBe(mitigated.mitigatedAt);
      expect(Date.parse(resolved.resolvedAt)).toBeGreaterThanOrEqual(Date.parse(mitigated.mitigatedAt));
    });

    it('may skip steps forward', async () => {
      const incident = await declare(t, alice);
      expect((await move(incident.id, 'MITIGATED')).status).toBe('MITIGATED');
    });

    it('sets mitigatedAt when an incident jumps straight to RESOLVED', async () => {
      const incident = await declare(t, alice);
      const resolved = await move(incident.id, 'RESOLVED');
      expect(resolved.status).toBe('RESOLVED');
      expect(resolved.mitigatedAt).not.toBeNull();
      expect(resolved.mitigatedAt).toBe(resolved.resolvedAt);
    });

    it('steps back while open and keeps the first mitigatedAt when mitigated again', async () => {
      const incident = await declare(t, alice);
      const first = await move(incident.id, 'MITIGATED');
      const back = await move(incident.id, 'INVESTIGATING', 'the fix did not hold');
      expect(back).toMatchObject({ status: 'INVESTIGATING', mitigatedAt: first.mitigatedAt, resolvedAt: null });
      expect((await move(incident.id, 'IDENTIFIED')).status).toBe('IDENTIFIED');
      const again = await move(incident.id, 'MITIGATED');
      expect(again.mitigatedAt).toBe(first.mitigatedAt);
    });

    it('allows a RESOLVED incident only to be reopened to INVESTIGATING, which clears resolvedAt and keeps mitigatedAt', async () => {
      const incident = await declare(t, alice);
      const resolved = await move(incident.id, 'RESOLVED');
      for (const status of ['IDENTIFIED', 'MITIGATED']) {
        const refused = await setStatus(incident.id, status);
        expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
        expect(refused.errors![0].message).toMatch(/RESOLVED.*INVESTIGATING/);
      }
      const reopened = await move(incident.id, 'INVESTIGATING', 'customers still see errors');
      expect(reopened).toMatchObject({ status: 'INVESTIGATING', resolvedAt: null, mitigatedAt: resolved.mitigatedAt });
      const again = await move(incident.id, 'RESOLVED');
      expect(again.resolvedAt).not.toBeNull();
      expect(again.mitigatedAt).toBe(resolved.mitigatedAt);
    });

    it('refuses a move to the current status with BAD_USER_INPUT and changes nothing', async () => {
      const incident = await declare(t, alice);
      const result = await setStatus(incident.id, 'INVESTIGATING');
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect((await getIncident(t, incident.id)).timeline).toHaveLength(1);
    });

    it('records STATUS_CHANGED with the note for every change', async () => {
      const incident = await declare(t, alice);
      await move(incident.id, 'IDENTIFIED', 'bad deploy of checkout-api');
      await move(incident.id, 'MITIGATED');
      const { timeline } = await getIncident(t, incident.id);
      const changes = timeline.filter((e: any) => e.kind === 'STATUS_CHANGED');
      expect(changes).toHaveLength(2);
      expect(changes[0]).toMatchObject({ actor: { id: alice.id } });
      expect(changes[0].body).toMatch(/INVESTIGATING to IDENTIFIED: bad deploy of checkout-api/);
      expect(changes[1].body).toMatch(/IDENTIFIED to MITIGATED/);
    });
  });

  describe('severity and fields', () => {
    it('records SEVERITY_CHANGED naming the old and new severity', async () => {
      const incident = await declare(t, alice, { severity: 'SEV3' });
      const { data } = await t.gql(UPDATE, { id: incident.id, input: { severity: 'SEV1' } }, bob.token);
      expect(data!.updateIncident.severity).toBe('SEV1');
      const event = data!.updateIncident.timeline.at(-1);
      expect(event).toMatchObject({ kind: 'SEVERITY_CHANGED', actor: { id: bob.id } });
      expect(event.body).toMatch(/SEV3 to SEV1/);
    });

    it('updates other fields without a SEVERITY_CHANGED event, and a same-severity update records nothing', async () => {
      const incident = await declare(t, alice, { severity: 'SEV2' });
      const { data } = await t.gql(UPDATE, { id: incident.id, input: { title: 'Renamed', summary: 'more detail', severity: 'SEV2' } }, alice.token);
      expect(data!.updateIncident).toMatchObject({ title: 'Renamed', summary: 'more detail', severity: 'SEV2' });
      expect(data!.updateIncident.timeline.map((e: any) => e.kind)).toEqual(['DECLARED']);
      const cleared = await t.ok(UPDATE, { id: incident.id, input: { summary: '' } }, alice.token);
      expect(cleared.updateIncident.summary).toBeNull();
    });
  });

  describe('addTimelineEvent', () => {
    const add = (incidentId: string, kind: string, body: string, at?: string, as: TestUser = bob) =>
      t.gql(ADD_EVENT, { i: incidentId, k: kind, b: body, at }, as.token);

    it('accepts the manual kinds NOTE, ROLLBACK and TRAFFIC_REROUTE from any responder', async () => {
      const incident = await declare(t, alice);
      for (const kind of ['NOTE', 'ROLLBACK', 'TRAFFIC_REROUTE']) {
        const { data, errors } = await add(incident.id, kind, `${kind} happened`);
        expect(errors).toBeUndefined();
        expect(data!.addTimelineEvent).toMatchObject({ kind, body: `${kind} happened`, actor: { id: bob.id } });
      }
      expect((await getIncident(t, incident.id)).timeline.map((e: any) => e.kind)).toEqual(['DECLARED', 'NOTE', 'ROLLBACK', 'TRAFFIC_REROUTE']);
    });

    it.each(['DECLARED', 'STATUS_CHANGED', 'SEVERITY_CHANGED', 'ROLE_ASSIGNED', 'STATUS_UPDATE', 'ALERT', 'POSTMORTEM_STARTED'])(
      'refuses the system kind %s with BAD_USER_INPUT',
      async (kind) => {
        const incident = await declare(t, alice);
        const result = await add(incident.id, kind, 'forged');
        expect(codes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors![0].message).toMatch(/NOTE, ROLLBACK, TRAFFIC_REROUTE/);
        expect((await getIncident(t, incident.id)).timeline).toHaveLength(1);
      },
    );

    it('accepts a backfilled occurredAt and orders the timeline by when things happened', async () => {
      const incident = await declare(t, alice);
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
      const { data } = await add(incident.id, 'ROLLBACK', 'rolled back checkout-api 1.42', twoHoursAgo);
      expect(data!.addTimelineEvent.occurredAt).toBe(twoHoursAgo);
      const { timeline } = await getIncident(t, incident.id);
      expect(timeline.map((e: any) => e.kind)).toEqual(['ROLLBACK', 'DECLARED']);
    });

    it('refuses an occurredAt in the future', async () => {
      const incident = await declare(t, alice);
      const result = await add(incident.id, 'NOTE', 'from the future', new Date(Date.now() + 3600_000).toISOString());
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0].message).toMatch(/future/);
    });

    it('refuses a blank body', async () => {
      const incident = await declare(t, alice);
      expect(codes(await add(incident.id, 'NOTE', '   '))).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('several mutations in one document', () => {
    it('answers each mutation with the state it left, not with what an earlier one read', async () => {
      const incident = await declare(t, alice);
      const { a, b, c } = await t.ok(
        `mutation($id: ID!, $u: ID!) {
          a: setIncidentStatus(id: $id, status: IDENTIFIED) { status timeline { kind } roles { role holder { name } } }
          b: setIncidentStatus(id: $id, status: MITIGATED) { status timeline { kind } }
          c: assignRole(incidentId: $id, role: OPERATIONS_LEAD, userId: $u) { roles { role holder { name } } timeline { kind } }
        }`,
        { id: incident.id, u: bob.id },
        alice.token,
      );
      expect(a.timeline.map((e: any) => e.kind)).toEqual(['DECLARED', 'STATUS_CHANGED']);
      expect(b.timeline.map((e: any) => e.kind)).toEqual(['DECLARED', 'STATUS_CHANGED', 'STATUS_CHANGED']);
      expect(c.roles.find((r: any) => r.role === 'OPERATIONS_LEAD').holder.name).toBe('Bob');
      expect(c.timeline.map((e: any) => e.kind)).toEqual(['DECLARED', 'STATUS_CHANGED', 'STATUS_CHANGED', 'ROLE_ASSIGNED']);
    });
  });

  describe('postStatusUpdate', () => {
    const post = (incidentId: string, as: TestUser, body = 'We are investigating elevated errors.', audience = 'EXTERNAL') =>
      t.gql(POST_UPDATE, { i: incidentId, a: audience, b: body }, as.token);

    it('lets the commander post while communications is undelegated, and records STATUS_UPDATE', async () => {
      const incident = await declare(t, alice);
      const { data, errors } = await post(incident.id, alice);
      expect(errors).toBeUndefined();
      expect(data!.postStatusUpdate).toMatchObject({ audience: 'EXTERNAL', body: 'We are investigating elevated errors.', author: { id: alice.id } });
      const after = await getIncident(t, incident.id);
      expect(after.statusUpdates).toHaveLength(1);
      const event = after.timeline.at(-1);
      expect(event).toMatchObject({ kind: 'STATUS_UPDATE', actor: { id: alice.id } });
      expect(event.body).toMatch(/External status update: We are investigating/);
    });

    it('moves the right to the delegate once communications is delegated: the commander is refused', async () => {
      const incident = await declare(t, alice);
      await t.ok(ASSIGN, { i: incident.id, r: 'COMMUNICATIONS_LEAD', u: bob.id }, alice.token);
      const byDelegate = await post(incident.id, bob, 'Internal: rollback under way', 'INTERNAL');
      expect(byDelegate.errors).toBeUndefined();
      expect(byDelegate.data!.postStatusUpdate.author.id).toBe(bob.id);
      const byCommander = await post(incident.id, alice);
      expect(codes(byCommander)).toEqual(['FORBIDDEN']);
      expect(byCommander.errors![0].message).toMatch(/communications lead/);
    });

    it('refuses other responders and allows an admin', async () => {
      const incident = await declare(t, alice);
      expect(codes(await post(incident.id, bob))).toEqual(['FORBIDDEN']);
      const byAdmin = await post(incident.id, t.admin);
      expect(byAdmin.errors).toBeUndefined();
      expect(byAdmin.data!.postStatusUpdate.author.id).toBe(t.admin.id);
      expect((await getIncident(t, incident.id)).statusUpdates).toHaveLength(1);
    });
  });
});
