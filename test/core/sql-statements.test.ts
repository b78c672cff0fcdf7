import { addTimelineEvent, assignRole, declareIncident, postStatusUpdate } from '../support/factories';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server';

const LIST = `query($first: Int) {
  incidents(first: $first) { edges { node { commander { name } roles { holder { name } } timeline { actor { name } } } } }
}`;

/** The budget for the list query, whatever the page size. */
const MAX_STATEMENTS = 5;

describe('SQL statements per request', () => {
  let t: TestServer;
  let team: TestUser[];

  beforeAll(async () => {
    // What one execution costs: shared reads off, or a repeated query would cost nothing (test/cost/shared-reads.test.ts).
    t = await startTestServer({ sharedReads: { maxEntries: 0, maxBytes: 1024, maxAgeMs: 0 } });
    team = [];
    for (const name of ['Alice', 'Bob', 'Carol', 'Dave']) team.push(await t.createUser('RESPONDER', name));
    // 50 incidents commanded by different people, each with delegated roles, a handoff on some,
    // and timeline events by several actors, so every field resolver has rows and users to load.
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, k) => {
          const i = batch * 10 + k;
          const commander = team[i % 4];
          const id = await declareIncident(t, commander, { title: `Counted ${i}` });
          await assignRole(t, commander, id, 'COMMUNICATIONS_LEAD', team[(i + 1) % 4]);
          await assignRole(t, commander, id, 'OPERATIONS_LEAD', team[(i + 2) % 4]);
          await addTimelineEvent(t, team[(i + 3) % 4], id, 'a note');
          await postStatusUpdate(t, team[(i + 1) % 4], id, 'INTERNAL', 'update');
          if (i % 3 === 0) await assignRole(t, commander, id, 'INCIDENT_COMMANDER', team[(i + 3) % 4]);
        }),
      );
    }
  }, 60_000);
  afterAll(() => t.close());

  /** Runs `query` and returns its data and the statements the server sent to PostgreSQL for it. */
  async function counted(query: string, variables: Record<string, unknown>) {
    const before = await t.metric('sitrep_db_queries_total');
    const data = await t.ok(query, variables, team[0].token);
    const after = await t.metric('sitrep_db_queries_total');
    return { data, statements: after - before };
  }

  it('the counter counts every statement (a sanity check of the measurement)', async () => {
    const { statements } = await counted(`{ me { id } }`, {});
    // Authentication reads the caller; `me` is then served from the primed loader.
    expect(statements).toBe(1);
  });

  it('counts a failing statement once', async () => {
    const before = await t.metric('sitrep_db_queries_total');
    await expect(t.server.services.dataSource.query('SELECT 1 / 0')).rejects.toThrow(/division by zero/);
    expect((await t.metric('sitrep_db_queries_total')) - before).toBe(1);
  });

  it(`lists 50 incidents with commanders, roles and timelines in at most ${MAX_STATEMENTS} statements`, async () => {
    const { data, statements } = await counted(LIST, { first: 50 });
    const nodes = data.incidents.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(50);
    // The data is really there: delegated holders differ from commanders, timelines have several actors.
    expect(nodes.every((n: any) => n.roles.length === 4 && n.timeline.length >= 5)).toBe(true);
    expect(nodes.some((n: any) => n.roles.some((r: any) => r.holder.name !== n.commander.name))).toBe(true);
    expect(new Set(nodes.flatMap((n: any) => n.timeline.map((e: any) => e.actor.name))).size).toBe(4);
    expect(statements).toBeLessThanOrEqual(MAX_STATEMENTS);
  });

  it('runs the same number of statements for 5 incidents as for 50', async () => {
    const five = await counted(LIST, { first: 5 });
    const fifty = await counted(LIST, { first: 50 });
    expect(five.data.incidents.edges).toHaveLength(5);
    expect(fifty.data.incidents.edges).toHaveLength(50);
    expect(fifty.statements).toBe(five.statements);
  });

  it('loads the role history of a whole page in the same number of statements for 5 incidents as for 50', async () => {
    const HISTORY = `query($first: Int) { incidents(first: $first) { edges { node { roleHistory { holder { name } assignedBy { name } relievedAt } } } } }`;
    const five = await counted(HISTORY, { first: 5 });
    const fifty = await counted(HISTORY, { first: 50 });
    expect(fifty.data.incidents.edges.every((e: any) => e.node.roleHistory.length >= 3)).toBe(true);
    expect(fifty.statements).toBe(five.statements);
    expect(fifty.statements).toBeLessThanOrEqual(3);
  });

  it('reads one incident with everything in a number of statements that does not grow with its timeline', async () => {
    const VIEW = `query($id: ID!) { incident(id: $id) { commander { name } roles { holder { name } } timeline { actor { name } }
      statusUpdates { author { name } } postmortemTriggers postmortemRequired } }`;
    const quiet = await declareIncident(t, team[0]);
    const busy = await declareIncident(t, team[0]);
    await assignRole(t, team[0], busy, 'PLANNING_LEAD', team[1]);
    for (let i = 0; i < 20; i++) await addTimelineEvent(t, team[i % 4], busy, `step ${i}`, 'ROLLBACK');
    for (let i = 0; i < 5; i++) await postStatusUpdate(t, team[0], busy, 'EXTERNAL', `update ${i}`);
    const few = await counted(VIEW, { id: quiet });
    const many = await counted(VIEW, { id: busy });
    expect(many.data.incident.timeline.length).toBeGreaterThan(25);
    expect(many.statements).toBe(few.statements);
  });
});
