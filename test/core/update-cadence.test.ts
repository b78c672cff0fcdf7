import crypto from 'node:crypto';
import { Client } from 'pg';
import { createLogger } from '../../src/observability/logger';
import { startServer, type RunningServer } from '../../src/server/app';
import { nextStatusUpdateDue, OverdueSweep } from '../../src/incidents/update-cadence';
import { Incident } from '../../src/incidents/incident.entity';
import { StatusUpdate } from '../../src/incidents/status-updates/status-update.entity';
import { collect, startTestServer, type TestServer } from '../support/test-server';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DECLARE = `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id declaredAt nextStatusUpdateDue statusUpdateOverdue } }`;
const CADENCE = `query($id: ID!) { incident(id: $id) { nextStatusUpdateDue statusUpdateOverdue } }`;
const POST = `mutation($i: ID!, $b: String!) { postStatusUpdate(incidentId: $i, audience: INTERNAL, body: $b) { postedAt } }`;
const CHANGES = `subscription { incidentsChanged { kind incident { id statusUpdateOverdue } } }`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the communications lead’s update cadence', () => {
  let a: TestServer;
  let b: RunningServer | undefined;
  let db: Client;

  beforeAll(async () => {
    // A private channel prefix keeps this file's events away from anything else on the Redis.
    const redisPrefix = `sitrep-test-${crypto.randomBytes(4).toString('hex')}:`;
    a = await startTestServer({
      redisUrl: REDIS_URL,
      redisPrefix,
      statusUpdateIntervals: { SEV1: 2, SEV2: 3600, SEV3: 4 * 3600, SEV4: null },
      statusUpdateCheckMs: 150,
    });
    b = await startServer({ ...a.server.services.config, port: 0 }, createLogger('silent'));
    db = new Client({ connectionString: a.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await b?.close();
    await a?.close();
  });

  it('is due an interval after the declaration, then after each update; none for SEV4 or once resolved', async () => {
    const sev2 = (await a.ok(DECLARE, { input: { title: 'Queue lag', severity: 'SEV2', trigger: 'STAFF_IDENTIFIED' } }, a.admin.token)).declareIncident;
    expect(new Date(sev2.nextStatusUpdateDue).getTime() - new Date(sev2.declaredAt).getTime()).toBe(3600_000);
    expect(sev2.statusUpdateOverdue).toBe(false);
    const posted = (await a.ok(POST, { i: sev2.id, b: 'Looking into it' }, a.admin.token)).postStatusUpdate;
    const after = (await a.ok(CADENCE, { id: sev2.id }, a.admin.token)).incident;
    expect(new Date(after.nextStatusUpdateDue).getTime() - new Date(posted.postedAt).getTime()).toBe(3600_000);

    const sev4 = (await a.ok(DECLARE, { input: { title: 'Typo on the pricing page', severity: 'SEV4', trigger: 'USER_REPORT' } }, a.admin.token)).declareIncident;
    expect(sev4.nextStatusUpdateDue).toBeNull();
    expect(sev4.statusUpdateOverdue).toBe(false);

    await a.ok(`mutation($id: ID!) { setIncidentStatus(id: $id, status: RESOLVED) { id } }`, { id: sev2.id }, a.admin.token);
    expect((await a.ok(CADENCE, { id: sev2.id }, a.admin.token)).incident).toEqual({ nextStatusUpdateDue: null, statusUpdateOverdue: false });
  });

  it('turns overdue, announces it once with two instances sweeping, and clears when an update is posted', async () => {
    const onA = collect(a.wsClient(a.admin.token), CHANGES);
    const onB = collect(a.wsClient(a.admin.token), CHANGES);
    await Promise.all([onA.settle(), onB.settle()]);
    const { id } = (await a.ok(DECLARE, { input: { title: 'Checkout down', severity: 'SEV1', trigger: 'USER_REPORT' } }, a.admin.token)).declareIncident;
    const overdueOf = (values: typeof onA.values) => values.filter((v) => v.data?.incidentsChanged.kind === 'STATUS_UPDATE_OVERDUE' && v.data.incidentsChanged.incident.id === id);
    const deadline = Date.now() + 6000;
    while (overdueOf(onA.values).length === 0 && Date.now() < deadline) await sleep(50);
    // Both instances sweep every 150 ms: give a duplicate every chance to show up.
    await sleep(1000);
    expect(overdueOf(onA.values)).toEqual([{ data: { incidentsChanged: { kind: 'STATUS_UPDATE_OVERDUE', incident: { id, statusUpdateOverdue: true } } } }]);
    expect(overdueOf(onB.values)).toHaveLength(1);
    expect((await a.ok(CADENCE, { id }, a.admin.token)).incident.statusUpdateOverdue).toBe(true);

    await a.ok(POST, { i: id, b: 'Rolling back the deploy' }, a.admin.token);
    expect((await a.ok(CADENCE, { id }, a.admin.token)).incident.statusUpdateOverdue).toBe(false);
    // Two seconds later the next update is owed, and announced again, once.
    await sleep(3000);
    expect(overdueOf(onA.values)).toHaveLength(2);
    expect(overdueOf(onB.values)).toHaveLength(2);
    onA.unsubscribe();
    onB.unsubscribe();
  });

  it('announces an overdue that fell due while no instance ran, when one starts (the claim lives in the database)', async () => {
    await b!.close();
    b = undefined;
    const sub = collect(a.wsClient(a.admin.token), CHANGES);
    await sub.settle();
    // Stop A's sweep too, as if nothing ran, and let an incident fall due.
    await a.server.services.overdueSweep.stop();
    const { id } = (await a.ok(DECLARE, { input: { title: 'Search down', severity: 'SEV1', trigger: 'USER_REPORT' } }, a.admin.token)).declareIncident;
    await sleep(2500);
    expect(sub.values.filter((v) => v.data?.incidentsChanged.incident.id === id).map((v) => v.data.incidentsChanged.kind)).toEqual(['DECLARED']);
    b = await startServer({ ...a.server.services.config, port: 0, statusUpdateCheckMs: 3_600_000 }, createLogger('silent'));
    const [, overdue] = await sub.next(2);
    expect(overdue.data.incidentsChanged).toEqual({ kind: 'STATUS_UPDATE_OVERDUE', incident: { id, statusUpdateOverdue: true } });
    // Claimed: a later sweep (here, A's own) announces nothing more for the same due time.
    expect(await a.server.services.overdueSweep.sweep()).not.toContain(id);
    sub.unsubscribe();
  });

  it('computes the same due times in SQL (the sweep) as in TypeScript (the API) over a generated history', async () => {
    const intervals = { SEV1: 1800, SEV2: 3600, SEV3: 4 * 3600, SEV4: null };
    const sweep = new OverdueSweep(a.server.services.dataSource, a.server.services.uow, intervals, 1000, createLogger('silent'));
    const severities = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];
    const statuses = ['INVESTIGATING', 'IDENTIFIED', 'MITIGATED', 'RESOLVED'];
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const ids: string[] = [];
    for (let n = 0; n < 40; n += 1) {
      const severity = severities[Math.floor(random() * 4)];
      const { id } = (await a.ok(DECLARE, { input: { title: `Generated ${n}`, severity, trigger: 'STAFF_IDENTIFIED' } }, a.admin.token)).declareIncident;
      ids.push(id);
      const declaredAt = new Date(Date.now() - Math.floor(random() * 10 * 86_400_000));
      const status = statuses[Math.floor(random() * 4)];
      await db.query(`UPDATE incidents SET declared_at = $2, status = $3 WHERE id = $1`, [id, declaredAt, status]);
      const updates = Math.floor(random() * 4);
      for (let u = 0; u < updates; u += 1) {
        // Some updates are backdated before the declaration: the later of the two counts.
        const postedAt = new Date(declaredAt.getTime() + Math.floor((random() - 0.2) * 3 * 86_400_000));
        await db.query(`INSERT INTO status_updates (incident_id, audience, body, author_id, posted_at) VALUES ($1, 'INTERNAL', 'x', $2, $3)`, [id, a.admin.id, postedAt]);
      }
    }
    const sql = await sweep.dueTimes(ids);
    const manager = a.server.services.dataSource.manager;
    for (const id of ids) {
      const incident = await manager.findOneByOrFail(Incident, { id });
      const updates = await manager.findBy(StatusUpdate, { incidentId: id });
      const last = updates.reduce<Date | null>((m, u) => (!m || u.postedAt > m ? u.postedAt : m), null);
      const ts = nextStatusUpdateDue(incident, last, intervals);
      expect([id, sql.get(id)?.getTime() ?? null]).toEqual([id, ts?.getTime() ?? null]);
    }
    expect([...sql.values()].filter((d) => d === null).length).toBeGreaterThan(0);
    expect([...sql.values()].filter((d) => d !== null).length).toBeGreaterThan(0);
  });
});
