import { startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { ADD_EVENT, ASSIGN, SET_STATUS, codes, declare, getIncident, sql } from './core-ops';

describe('concurrent responders', () => {
  let t: TestServer;
  let alice: TestUser;
  let team: TestUser[];

  beforeAll(async () => {
    ({ t, alice } = await startWithTeam());
    team = [];
    for (const name of ['Bob', 'Carol', 'Dave', 'Erin', 'Frank']) team.push(await t.createUser('RESPONDER', name));
  });
  afterAll(() => t.close());

  /** What the database says about command of an incident. */
  async function commandState(incidentId: string) {
    const [incident] = await sql(t, `SELECT commander_id FROM incidents WHERE id = $1`, [incidentId]);
    const current = await sql(t, `SELECT user_id FROM role_assignments WHERE incident_id = $1 AND role = 'INCIDENT_COMMANDER' AND relieved_at IS NULL`, [incidentId]);
    const stints = await sql(
      t,
      `SELECT user_id, assigned_at, relieved_at FROM role_assignments WHERE incident_id = $1 AND role = 'INCIDENT_COMMANDER' ORDER BY assigned_at, relieved_at NULLS LAST`,
      [incidentId],
    );
    return { commanderId: incident.commander_id as string, current: current.map((r) => r.user_id as string), stints };
  }

  /** Each stint of command ends exactly when the next begins: one chain, no overlap, no gap. */
  function expectOneChain(stints: Array<{ user_id: string; assigned_at: Date; relieved_at: Date | null }>) {
    for (let i = 0; i < stints.length - 1; i++) {
      expect(stints[i].relieved_at).not.toBeNull();
      expect(stints[i].relieved_at!.getTime()).toBe(stints[i + 1].assigned_at.getTime());
      expect(stints[i].user_id).not.toBe(stints[i + 1].user_id);
    }
    expect(stints.at(-1)!.relieved_at).toBeNull();
  }

  it('lets exactly one of five simultaneous handoffs by the commander win; the others are FORBIDDEN', async () => {
    const incident = await declare(t, alice);
    const results = await Promise.all(team.map((u) => t.gql(ASSIGN, { i: incident.id, r: 'INCIDENT_COMMANDER', u: u.id }, alice.token)));
    const winners = results.filter((r) => !r.errors);
    const losers = results.filter((r) => r.errors);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(4);
    // Once the first handoff commits, Alice is no longer the commander.
    for (const loser of losers) expect(codes(loser)).toEqual(['FORBIDDEN']);

    const winner = winners[0].data!.assignRole.commander.id;
    const state = await commandState(incident.id);
    expect(state.commanderId).toBe(winner);
    expect(state.current).toEqual([winner]);
    expect(state.stints.map((s) => s.user_id)).toEqual([alice.id, winner]);
    expectOneChain(state.stints);

    const after = await getIncident(t, incident.id);
    expect(after.commander.id).toBe(winner);
    expect(after.roles.every((r: any) => r.holder.id === winner && !r.delegated)).toBe(true);
    const handoffs = after.timeline.filter((e: any) => e.kind === 'ROLE_ASSIGNED');
    expect(handoffs).toHaveLength(1);
    expect(handoffs[0].body).toMatch(new RegExp(`from Alice to ${after.commander.name}`));
  });

  it('serialises five simultaneous handoffs by an admin into one consistent chain of command', async () => {
    const incident = await declare(t, alice);
    const results = await Promise.all(team.map((u) => t.gql(ASSIGN, { i: incident.id, r: 'INCIDENT_COMMANDER', u: u.id }, t.admin.token)));
    for (const r of results) expect(r.errors).toBeUndefined();

    const state = await commandState(incident.id);
    expect(state.current).toHaveLength(1);
    expect(state.current[0]).toBe(state.commanderId);
    expect(state.stints).toHaveLength(6);
    expect(state.stints[0].user_id).toBe(alice.id);
    expect(new Set(state.stints.slice(1).map((s) => s.user_id))).toEqual(new Set(team.map((u) => u.id)));
    expectOneChain(state.stints);

    // The timeline tells the same story as the role history: every handoff starts from the previous commander.
    const after = await getIncident(t, incident.id);
    const names = new Map([alice, ...team].map((u) => [u.id, u.name]));
    const chain = state.stints.map((s) => names.get(s.user_id));
    const handoffs = after.timeline.filter((e: any) => e.kind === 'ROLE_ASSIGNED').map((e: any) => e.body);
    expect([...handoffs].sort()).toEqual(chain.slice(1).map((to, i) => `Command handed over from ${chain[i]} to ${to}`).sort());
    expect(after.commander.name).toBe(chain.at(-1));
  });

  it('keeps one current holder when an admin delegates the same role to five people at once', async () => {
    const incident = await declare(t, alice);
    const results = await Promise.all(team.map((u) => t.gql(ASSIGN, { i: incident.id, r: 'OPERATIONS_LEAD', u: u.id }, t.admin.token)));
    for (const r of results) expect(r.errors).toBeUndefined();
    const current = await sql(t, `SELECT user_id FROM role_assignments WHERE incident_id = $1 AND role = 'OPERATIONS_LEAD' AND relieved_at IS NULL`, [incident.id]);
    expect(current).toHaveLength(1);
    const after = await getIncident(t, incident.id);
    expect(after.roles.find((r: any) => r.role === 'OPERATIONS_LEAD').holder.id).toBe(current[0].user_id);
    expect(after.timeline.filter((e: any) => e.kind === 'ROLE_ASSIGNED')).toHaveLength(5);
  });

  it('stores every one of many simultaneous timeline additions', async () => {
    const incident = await declare(t, alice);
    const bodies = Array.from({ length: 30 }, (_, i) => `note ${i}`);
    const authors = [alice, ...team];
    const results = await Promise.all(bodies.map((b, i) => t.gql(ADD_EVENT, { i: incident.id, k: 'NOTE', b }, authors[i % authors.length].token)));
    for (const r of results) expect(r.errors).toBeUndefined();
    const { timeline } = await getIncident(t, incident.id);
    expect(timeline).toHaveLength(31);
    expect(timeline.filter((e: any) => e.kind === 'NOTE').map((e: any) => e.body).sort()).toEqual([...bodies].sort());
  });

  it('applies simultaneous status changes one after another, each recorded against the status it found', async () => {
    const incident = await declare(t, alice);
    const moves = ['IDENTIFIED', 'MITIGATED', 'RESOLVED'];
    const results = await Promise.all(moves.map((status) => t.gql(SET_STATUS, { id: incident.id, status }, alice.token)));
    // Whichever order the row lock grants, a move is applied to the status the previous one left, or refused by the rules.
    const succeeded = results.filter((r) => !r.errors).length;
    for (const r of results.filter((r) => r.errors)) expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    const after = await getIncident(t, incident.id);
    const changes = after.timeline.filter((e: any) => e.kind === 'STATUS_CHANGED').map((e: any) => /from (\w+) to (\w+)/.exec(e.body)!.slice(1));
    expect(changes).toHaveLength(succeeded);
    // Each change starts where the previous one ended: no lost update.
    let status = 'INVESTIGATING';
    for (const [from, to] of changes) {
      expect(from).toBe(status);
      status = to;
    }
    expect(after.status).toBe(status);
  });
});
