import { startTestServer, startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { ADD_EVENT, SET_STATUS, UPDATE, declare, getIncident, sql } from './core-ops';

const TRIGGERS = `query($id: ID!) { incident(id: $id) { postmortemTriggers postmortemRequired } }`;

describe('postmortem triggers', () => {
  let t: TestServer;
  let alice: TestUser;

  // This file backdates incidents in SQL, behind the server's back: no commit tells shared reads, so they are off.
  beforeAll(async () => ({ t, alice } = await startWithTeam({ sharedReads: { maxEntries: 0, maxBytes: 1024, maxAgeMs: 0 } })));
  afterAll(() => t.close());

  const triggersOf = async (id: string) => (await t.ok(TRIGGERS, { id }, alice.token)).incident;

  it('owes no postmortem for a fresh incident', async () => {
    const incident = await declare(t, alice, { severity: 'SEV1' });
    expect(incident.postmortemTriggers).toEqual([]);
    expect(incident.postmortemRequired).toBe(false);
  });

  it.each([
    ['userVisibleDowntime', 'USER_VISIBLE_DOWNTIME'],
    ['sloBreached', 'SLO_MISSED'],
    ['dataLoss', 'DATA_LOSS'],
    ['monitoringFailure', 'MONITORING_FAILURE'],
  ])('derives %s → %s from the incident flag, and drops it when the flag is cleared', async (flag, trigger) => {
    const incident = await declare(t, alice, { severity: 'SEV4' });
    const flagged = (await t.ok(UPDATE, { id: incident.id, input: { [flag]: true } }, alice.token)).updateIncident;
    expect(flagged.postmortemTriggers).toEqual([trigger]);
    expect(flagged.postmortemRequired).toBe(true);
    const cleared = (await t.ok(UPDATE, { id: incident.id, input: { [flag]: false } }, alice.token)).updateIncident;
    expect(cleared.postmortemTriggers).toEqual([]);
    expect(cleared.postmortemRequired).toBe(false);
  });

  it('lists every flag at once, in the contract’s order', async () => {
    const incident = await declare(t, alice, { severity: 'SEV4' });
    const input = { userVisibleDowntime: true, sloBreached: true, dataLoss: true, monitoringFailure: true };
    const { updateIncident } = await t.ok(UPDATE, { id: incident.id, input }, alice.token);
    expect(updateIncident.postmortemTriggers).toEqual(['USER_VISIBLE_DOWNTIME', 'SLO_MISSED', 'DATA_LOSS', 'MONITORING_FAILURE']);
  });

  it.each(['ROLLBACK', 'TRAFFIC_REROUTE'])('owes ONCALL_INTERVENTION after a %s event', async (kind) => {
    const incident = await declare(t, alice, { severity: 'SEV4' });
    await t.ok(ADD_EVENT, { i: incident.id, k: kind, b: `${kind} of the edge tier` }, alice.token);
    expect(await triggersOf(incident.id)).toEqual({ postmortemTriggers: ['ONCALL_INTERVENTION'], postmortemRequired: true });
  });

  it('does not count a NOTE as an intervention', async () => {
    const incident = await declare(t, alice, { severity: 'SEV4' });
    await t.ok(ADD_EVENT, { i: incident.id, k: 'NOTE', b: 'looking at dashboards' }, alice.token);
    expect(await triggersOf(incident.id)).toEqual({ postmortemTriggers: [], postmortemRequired: false });
  });

  describe('RESOLUTION_TIME_EXCEEDED with the default limits (SEV1 1 h, SEV2 4 h, SEV3 24 h, SEV4 72 h)', () => {
    const backdate = (id: string, hours: number) =>
      sql(t, `UPDATE incidents SET declared_at = now() - make_interval(secs => $2) WHERE id = $1`, [id, hours * 3600]);

    it.each([
      ['SEV1', 0.9, 1.1],
      ['SEV2', 3.9, 4.1],
      ['SEV3', 23.9, 24.1],
      ['SEV4', 71.9, 72.1],
    ])('applies to an open %s incident only once its limit has passed', async (severity, under, over) => {
      const incident = await declare(t, alice, { severity: severity as string });
      await backdate(incident.id, under as number);
      expect((await triggersOf(incident.id)).postmortemTriggers).toEqual([]);
      await backdate(incident.id, over as number);
      expect(await triggersOf(incident.id)).toEqual({ postmortemTriggers: ['RESOLUTION_TIME_EXCEEDED'], postmortemRequired: true });
    });

    it('measures a resolved incident up to its resolution, not to now', async () => {
      const incident = await declare(t, alice, { severity: 'SEV1' });
      await t.ok(SET_STATUS, { id: incident.id, status: 'RESOLVED' }, alice.token);
      // Declared three hours ago and resolved thirty minutes later: within the SEV1 hour.
      await sql(t, `UPDATE incidents SET declared_at = now() - interval '3 hours', resolved_at = now() - interval '150 minutes' WHERE id = $1`, [incident.id]);
      expect((await triggersOf(incident.id)).postmortemTriggers).toEqual([]);
      // Resolved after ninety minutes: over the limit.
      await sql(t, `UPDATE incidents SET resolved_at = declared_at + interval '90 minutes' WHERE id = $1`, [incident.id]);
      expect((await triggersOf(incident.id)).postmortemTriggers).toEqual(['RESOLUTION_TIME_EXCEEDED']);
    });

    it('follows a severity change: the same age can be within SEV2 and over SEV1', async () => {
      const incident = await declare(t, alice, { severity: 'SEV2' });
      await backdate(incident.id, 2);
      expect((await triggersOf(incident.id)).postmortemTriggers).toEqual([]);
      const { updateIncident } = await t.ok(UPDATE, { id: incident.id, input: { severity: 'SEV1' } }, alice.token);
      expect(updateIncident.postmortemTriggers).toEqual(['RESOLUTION_TIME_EXCEEDED']);
    });

    it('combines flags, intervention and resolution time in the contract’s order', async () => {
      const incident = await declare(t, alice, { severity: 'SEV1' });
      await backdate(incident.id, 2);
      await t.ok(ADD_EVENT, { i: incident.id, k: 'ROLLBACK', b: 'rolled back' }, alice.token);
      await t.ok(UPDATE, { id: incident.id, input: { userVisibleDowntime: true, monitoringFailure: true } }, alice.token);
      expect((await getIncident(t, incident.id)).postmortemTriggers).toEqual([
        'USER_VISIBLE_DOWNTIME',
        'ONCALL_INTERVENTION',
        'RESOLUTION_TIME_EXCEEDED',
        'MONITORING_FAILURE',
      ]);
    });
  });

  describe('with configured limits', () => {
    let fast: TestServer;
    let bob: TestUser;

    beforeAll(async () => {
      fast = await startTestServer({ resolutionLimits: { SEV1: 1, SEV2: 3600, SEV3: 3600, SEV4: 3600 } });
      bob = await fast.createUser('RESPONDER', 'Bob');
    });
    afterAll(() => fast.close());

    it('uses the configured per-severity limit instead of the default', async () => {
      const sev1 = await declare(fast, bob, { severity: 'SEV1' });
      const sev2 = await declare(fast, bob, { severity: 'SEV2' });
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const read = async (id: string) => (await fast.ok(TRIGGERS, { id }, bob.token)).incident.postmortemTriggers;
      expect(await read(sev1.id)).toEqual(['RESOLUTION_TIME_EXCEEDED']);
      expect(await read(sev2.id)).toEqual([]);
    });
  });
});
