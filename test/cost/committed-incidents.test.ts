import { IncidentTopic } from '../../src/incidents/incident.topics';
import { Incident } from '../../src/incidents/incident.entity';
import { quiet } from '../core/core-ops';
import { callerOf } from '../support/factories';
import { collect, startWithTeam, type TestServer, type TestUser } from '../support/test-server';

/** Every field of Incident that is read from its row (no loader behind it). */
const ROW_FIELDS = `id title summary severity status trigger declaredAt acknowledgedAt mitigatedAt resolvedAt updatedAt
  userVisibleDowntime sloBreached dataLoss monitoringFailure onStatusPage`;
const CHANGED = `subscription { incidentsChanged { kind incident { ${ROW_FIELDS} } } }`;
const UPDATED = `subscription($id: ID!) { incidentUpdated(id: $id) { ${ROW_FIELDS} commander { name } } }`;
const GET = `query($id: ID!) { incident(id: $id) { ${ROW_FIELDS} commander { name } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateIncidentInput!) { updateIncident(id: $id, input: $input) { id } }`;
const SET_STATUS = `mutation($id: ID!, $status: IncidentStatus!) { setIncidentStatus(id: $id, status: $status) { id } }`;

type Payload = { kind: string; incidentId: string };

describe('incident events carry the committed incident in-process', () => {
  let t: TestServer;
  let alice: TestUser;
  let viewer: TestUser;

  beforeAll(async () => {
    ({ t, alice, viewer } = await startWithTeam());
  }, 60_000);
  afterAll(() => t.close());

  async function subscribers(count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while ((await t.metric('sitrep_graphql_subscriptions{kind="subscribers"}')) < count && Date.now() < deadline) await quiet(50);
    expect(await t.metric('sitrep_graphql_subscriptions{kind="subscribers"}')).toBe(count);
  }

  /** What `work` cost in SQL statements, and what it returned. */
  async function counted<T>(work: () => Promise<T>): Promise<{ value: T; statements: number }> {
    const before = await t.metric('sitrep_db_queries_total');
    const value = await work();
    return { value, statements: (await t.metric('sitrep_db_queries_total')) - before };
  }

  it('hands subscribers, without a statement, exactly what reading the incident after the commit returns', async () => {
    const { incidents, timeline, statusUpdates, pubsub, dataSource } = t.server.services;
    const events = pubsub.subscribe(IncidentTopic.Changed);
    const caller = callerOf(alice);
    let id = '';
    const steps: Array<() => Promise<unknown>> = [
      async () => ({ id } = await incidents.declare(caller, { title: ' Checkout down ', severity: 'SEV2', trigger: 'USER_REPORT' } as never)),
      () => incidents.update(caller, id, { title: 'Checkout errors', summary: '  5xx on pay  ', severity: 'SEV1', dataLoss: true } as never),
      () => incidents.update(caller, id, { onStatusPage: true } as never),
      // A note and a status update leave the incident's row as it was locked: that row is the snapshot.
      () => timeline.addManual(caller, id, 'NOTE' as never, 'Rolled back the deploy', undefined),
      () => statusUpdates.post(caller, id, 'INTERNAL' as never, 'Error rate falling'),
      () => incidents.setStatus(caller, id, 'MITIGATED' as never, 'rolled back'),
      () => incidents.setStatus(caller, id, 'RESOLVED' as never, null),
    ];
    const published: Payload[] = [];
    for (const step of steps) {
      await step();
      const payload = (await events.next()).value as Payload;
      published.push(payload);
      const carried = await counted(() => incidents.announced(callerOf(viewer), payload));
      // The same event read from the event log (another instance, Redis): ids only, the row is read.
      const read = await counted(() => incidents.announced(callerOf(viewer), JSON.parse(JSON.stringify(payload))));
      expect(carried.statements).toBe(0);
      expect(read.statements).toBe(1);
      // Same class, same columns, same values and types (Dates, nulls, booleans), nothing more.
      expect(carried.value).toStrictEqual(read.value);
      expect(carried.value).toStrictEqual(await dataSource.getRepository(Incident).findOne({ where: { id } }));
    }
    await events.return?.();
    expect(published.map((p) => p.kind)).toEqual(['DECLARED', 'UPDATED', 'UPDATED', 'UPDATED', 'UPDATED', 'UPDATED', 'UPDATED']);
    const last = await incidents.announced(callerOf(viewer), published.at(-1)!);
    expect(last).toBeInstanceOf(Incident);
    expect(last).toMatchObject({ status: 'RESOLVED', dataLoss: true, onStatusPage: true, summary: '5xx on pay' });
    expect(last.resolvedAt).toBeInstanceOf(Date);

    // Authorization runs as for a read: no caller, no incident, with or without the snapshot.
    await expect(incidents.announced(null, published[0])).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(incidents.announced(null, { ...published[0] })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('delivers what a fresh query returns, and an event costs no statement beyond the mutation', async () => {
    const { id } = (await t.ok(`mutation { declareIncident(input: { title: "Fan-out", severity: SEV3, trigger: USER_REPORT }) { id } }`, {}, alice.token))
      .declareIncident;
    await t.ok(GET, { id }, viewer.token); // the viewer's token is known from here on

    // The mutation alone, nobody subscribed.
    const alone = await counted(async () => {
      await t.ok(UPDATE, { id, input: { title: 'Fan-out, alone' } }, alice.token);
      await quiet(300);
    });

    const client = t.wsClient(viewer.token);
    const changed = collect(client, CHANGED);
    await subscribers(1);
    const watched = await counted(async () => {
      await t.ok(UPDATE, { id, input: { title: 'Fan-out, watched' } }, alice.token);
      await changed.next(1);
      await quiet(300);
    });
    // incidentsChanged reads nothing: the incident came with the event.
    expect(watched.statements).toBe(alone.statements);
    const { commander: _commander, ...row } = (await t.ok(GET, { id }, viewer.token)).incident;
    expect(changed.values[0]).toEqual({ data: { incidentsChanged: { kind: 'UPDATED', incident: row } } });

    const updated = collect(client, UPDATED, { id });
    await subscribers(2);
    await t.ok(SET_STATUS, { id, status: 'RESOLVED' }, alice.token);
    await changed.next(2);
    const resolved = (await t.ok(GET, { id }, viewer.token)).incident;
    expect(resolved.resolvedAt).not.toBeNull();
    expect((await updated.next(1))[0]).toEqual({ data: { incidentUpdated: resolved } });
    const { commander: _same, ...resolvedRow } = resolved;
    expect(changed.values[1]).toEqual({ data: { incidentsChanged: { kind: 'UPDATED', incident: resolvedRow } } });

    // Without the snapshot (the event as the log carries it): the same payloads, one read per group's execution.
    const fromLog = await counted(async () => {
      t.server.services.pubsub.publish(IncidentTopic.Changed, { kind: 'UPDATED' as never, incidentId: id });
      await changed.next(3);
      await updated.next(2);
      await quiet(300);
    });
    // Two reads of the incident (one per group) and the commander (users loader) of incidentUpdated.
    expect(fromLog.statements).toBe(3);
    expect(changed.values[2]).toEqual(changed.values[1]);
    expect(updated.values[1]).toEqual(updated.values[0]);
  }, 30_000);
});
