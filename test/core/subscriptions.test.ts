import type { EventEmitter } from 'node:events';
import { RoleAssignmentRecord } from '../../src/incidents/roles/role-assignment.entity';
import { IncidentRole } from '../../src/incidents/roles/incident-role.enum';
import type { Topic } from '../../src/events/topics';
import { IncidentTopic } from '../../src/incidents/incident.topics';
import { IncidentChangeKind } from '../../src/incidents/incident.enums';
import { TimelineEventKind } from '../../src/incidents/timeline/timeline-event-kind.enum';
import { waitFor } from '../support/collab-clients';
import { collect, startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { ADD_EVENT, ASSIGN, DECLARE, POST_UPDATE, SET_STATUS, UPDATE, codes, declare, getIncident, quiet, sql } from './core-ops';

const INCIDENTS_CHANGED = `subscription { incidentsChanged { kind incident { id title status commander { name } roles { role holder { name } } } } }`;
const INCIDENT_UPDATED = `subscription($id: ID!) { incidentUpdated(id: $id) { id status severity commander { name } timeline { kind } } }`;
const TIMELINE_ADDED = `subscription($id: ID!) { timelineEventAdded(incidentId: $id) { id kind body actor { name } } }`;

describe('subscriptions', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let viewer: TestUser;

  beforeAll(async () => ({ t, alice, bob, viewer } = await startWithTeam()));
  afterAll(() => t.close());

  describe('delivery', () => {
    it('incidentsChanged delivers DECLARED and then UPDATED for every kind of change', async () => {
      const sub = collect(t.wsClient(viewer.token), INCIDENTS_CHANGED);
      await sub.settle();
      const incident = await declare(t, alice, { title: 'Dashboards see this' });
      await t.ok(UPDATE, { id: incident.id, input: { severity: 'SEV1' } }, alice.token);
      await t.ok(SET_STATUS, { id: incident.id, status: 'IDENTIFIED' }, alice.token);
      await t.ok(ASSIGN, { i: incident.id, r: 'INCIDENT_COMMANDER', u: bob.id }, alice.token);
      await t.ok(ADD_EVENT, { i: incident.id, k: 'NOTE', b: 'note' }, bob.token);
      await t.ok(POST_UPDATE, { i: incident.id, a: 'INTERNAL', b: 'update' }, bob.token);
      const values = await sub.next(6);
      const changes = values.map((v) => v.data.incidentsChanged);
      expect(changes.map((c) => c.kind)).toEqual(['DECLARED', 'UPDATED', 'UPDATED', 'UPDATED', 'UPDATED', 'UPDATED']);
      expect(changes.every((c) => c.incident.id === incident.id)).toBe(true);
      expect(changes[0].incident).toMatchObject({ title: 'Dashboards see this', status: 'INVESTIGATING', commander: { name: 'Alice' } });
      expect(changes[2].incident.status).toBe('IDENTIFIED');
      // Loaders are fresh per event: the handoff shows up, not a cached commander.
      expect(changes[3].incident.commander.name).toBe('Bob');
      expect(changes[3].incident.roles.every((r: any) => r.holder.name === 'Bob')).toBe(true);
      sub.unsubscribe();
    });

    it('incidentUpdated(id) delivers the changes of that incident only', async () => {
      const watched = await declare(t, alice);
      const other = await declare(t, alice);
      const sub = collect(t.wsClient(viewer.token), INCIDENT_UPDATED, { id: watched.id });
      await sub.settle();
      await t.ok(UPDATE, { id: other.id, input: { severity: 'SEV1' } }, alice.token);
      await t.ok(UPDATE, { id: watched.id, input: { severity: 'SEV4' } }, alice.token);
      await t.ok(SET_STATUS, { id: other.id, status: 'RESOLVED' }, alice.token);
      await t.ok(SET_STATUS, { id: watched.id, status: 'MITIGATED' }, alice.token);
      const [first, second] = await sub.next(2);
      expect(first.data.incidentUpdated).toMatchObject({ id: watched.id, severity: 'SEV4', status: 'INVESTIGATING' });
      expect(second.data.incidentUpdated).toMatchObject({ id: watched.id, status: 'MITIGATED' });
      expect(second.data.incidentUpdated.timeline.map((e: any) => e.kind)).toEqual(['DECLARED', 'SEVERITY_CHANGED', 'STATUS_CHANGED']);
      await quiet(200);
      expect(sub.values).toHaveLength(2);
      sub.unsubscribe();
    });

    it('timelineEventAdded(incidentId) delivers every event written to that incident’s timeline', async () => {
      const incident = await declare(t, alice);
      const other = await declare(t, alice);
      const sub = collect(t.wsClient(bob.token), TIMELINE_ADDED, { id: incident.id });
      await sub.settle();
      await t.ok(ADD_EVENT, { i: other.id, k: 'NOTE', b: 'elsewhere' }, alice.token);
      await t.ok(ADD_EVENT, { i: incident.id, k: 'ROLLBACK', b: 'rolled back' }, alice.token);
      await t.ok(SET_STATUS, { id: incident.id, status: 'IDENTIFIED', note: 'found it' }, alice.token);
      await t.ok(UPDATE, { id: incident.id, input: { severity: 'SEV1' } }, alice.token);
      await t.ok(ASSIGN, { i: incident.id, r: 'COMMUNICATIONS_LEAD', u: bob.id }, alice.token);
      await t.ok(POST_UPDATE, { i: incident.id, a: 'EXTERNAL', b: 'we are on it' }, bob.token);
      const events = (await sub.next(5)).map((v) => v.data.timelineEventAdded);
      expect(events.map((e) => e.kind)).toEqual(['ROLLBACK', 'STATUS_CHANGED', 'SEVERITY_CHANGED', 'ROLE_ASSIGNED', 'STATUS_UPDATE']);
      expect(events[0]).toMatchObject({ body: 'rolled back', actor: { name: 'Alice' } });
      expect(events[4].actor.name).toBe('Bob');
      const stored = (await getIncident(t, incident.id)).timeline.map((e: any) => e.id);
      for (const e of events) expect(stored).toContain(e.id);
      sub.unsubscribe();
    });

    it('delivers to every subscriber, and stops delivering after unsubscribe', async () => {
      const incident = await declare(t, alice);
      const one = collect(t.wsClient(viewer.token), INCIDENT_UPDATED, { id: incident.id });
      const two = collect(t.wsClient(bob.token), INCIDENT_UPDATED, { id: incident.id });
      await one.settle();
      await t.ok(UPDATE, { id: incident.id, input: { title: 'First' } }, alice.token);
      await one.next(1);
      await two.next(1);
      one.unsubscribe();
      await quiet(100);
      await t.ok(UPDATE, { id: incident.id, input: { title: 'Second' } }, alice.token);
      await two.next(2);
      await quiet(200);
      expect(one.values).toHaveLength(1);
      two.unsubscribe();
    });
  });

  describe('clean-up', () => {
    /** Listeners on the in-process pub/sub (an implementation detail, read only to prove nothing leaks). */
    const listeners = (topic: Topic) => (t.server.services.pubsub as unknown as { emitter: EventEmitter }).emitter.listenerCount(topic);

    it('releases the pub/sub listeners of a quiet incident’s subscriptions as soon as the client unsubscribes', async () => {
      const quietIncident = await declare(t, alice);
      const before = listeners(IncidentTopic.Changed) + listeners(IncidentTopic.TimelineEventAdded);
      const client = t.wsClient(viewer.token);
      const subs = [
        ...Array.from({ length: 5 }, () => collect(client, INCIDENT_UPDATED, { id: quietIncident.id })),
        ...Array.from({ length: 5 }, () => collect(client, TIMELINE_ADDED, { id: quietIncident.id })),
      ];
      // Polled, not slept: on a loaded machine setting up ten subscriptions takes longer than any fixed pause.
      // Identical subscriptions share one execution, and so one listener per topic (graphql/shared-subscriptions.ts).
      const both = () => listeners(IncidentTopic.Changed) + listeners(IncidentTopic.TimelineEventAdded);
      await waitFor(() => both() === before + 2, 10_000, `expected ${before + 2} listeners, have ${both()}`);
      subs.forEach((s) => s.unsubscribe());
      // No event arrives for this incident, and still nothing stays subscribed.
      await waitFor(() => both() === before, 10_000, `listeners left behind: ${both() - before}`);
      await quiet();
      expect(both()).toBe(before);
    });

    it('releases them when the client disconnects', async () => {
      const quietIncident = await declare(t, alice);
      const before = listeners(IncidentTopic.Changed);
      const client = t.wsClient(viewer.token);
      for (let i = 0; i < 5; i++) collect(client, INCIDENT_UPDATED, { id: quietIncident.id });
      await waitFor(() => listeners(IncidentTopic.Changed) === before + 1, 10_000, 'the five subscriptions never started');
      await client.dispose();
      await waitFor(() => listeners(IncidentTopic.Changed) === before, 10_000, 'listeners left behind after the client disconnected');
      await quiet();
      expect(listeners(IncidentTopic.Changed)).toBe(before);
    });
  });

  describe('no delivery when the transaction rolls back', () => {
    it('publishes nothing when a declaration hook fails after the DECLARED event was queued', async () => {
      t.server.services.incidents.onDeclare(async (_tx, incident) => {
        if (incident.title === 'doomed declaration') throw new Error('the live document could not be seeded');
      });
      const sub = collect(t.wsClient(viewer.token), INCIDENTS_CHANGED);
      await sub.settle();
      const failed = await t.gql(DECLARE, { input: { title: 'doomed declaration', severity: 'SEV1', trigger: 'USER_REPORT' } }, alice.token);
      expect(failed.errors).toHaveLength(1);
      expect(failed.data).toBeNull();
      await quiet();
      expect(sub.values).toHaveLength(0);
      expect(await sql(t, `SELECT id FROM incidents WHERE title = 'doomed declaration'`)).toHaveLength(0);
      expect(await sql(t, `SELECT id FROM timeline_events WHERE body LIKE '%doomed declaration%'`)).toHaveLength(0);

      const committed = await declare(t, alice, { title: 'this one commits' });
      const [event] = await sub.next(1);
      expect(event.data.incidentsChanged).toMatchObject({ kind: 'DECLARED', incident: { id: committed.id } });
      sub.unsubscribe();
    });

    it('publishes nothing when a database constraint fails after a timeline event was queued', async () => {
      const incident = await declare(t, alice);
      const timeline = collect(t.wsClient(viewer.token), TIMELINE_ADDED, { id: incident.id });
      const updates = collect(t.wsClient(viewer.token), INCIDENT_UPDATED, { id: incident.id });
      await timeline.settle();
      const { uow, timeline: timelineService } = t.server.services;
      const attempt = uow.run(async (tx) => {
        await timelineService.record(tx, { incidentId: incident.id, kind: TimelineEventKind.NOTE, body: 'never committed', actorId: alice.id });
        tx.publish(IncidentTopic.Changed, { kind: IncidentChangeKind.UPDATED, incidentId: incident.id });
        // A second current commander violates role_assignments_current_key: the transaction rolls back.
        await tx.manager.getRepository(RoleAssignmentRecord).insert({
          incidentId: incident.id,
          role: IncidentRole.INCIDENT_COMMANDER,
          userId: bob.id,
          assignedById: bob.id,
          assignedAt: new Date(),
        });
      });
      await expect(attempt).rejects.toMatchObject({ code: '23505' });
      await quiet();
      expect(timeline.values).toHaveLength(0);
      expect(updates.values).toHaveLength(0);
      expect((await getIncident(t, incident.id)).timeline.map((e: any) => e.body)).not.toContain('never committed');

      await t.ok(ADD_EVENT, { i: incident.id, k: 'NOTE', b: 'this one commits' }, alice.token);
      const [event] = await timeline.next(1);
      expect(event.data.timelineEventAdded.body).toBe('this one commits');
      await updates.next(1);
      timeline.unsubscribe();
      updates.unsubscribe();
    });

    it('publishes nothing when the unit of work’s callback throws', async () => {
      const incident = await declare(t, alice);
      const sub = collect(t.wsClient(viewer.token), TIMELINE_ADDED, { id: incident.id });
      await sub.settle();
      const { uow, timeline } = t.server.services;
      await expect(
        uow.run(async (tx) => {
          await timeline.record(tx, { incidentId: incident.id, kind: TimelineEventKind.NOTE, body: 'rolled back', actorId: alice.id });
          throw new Error('something after the write failed');
        }),
      ).rejects.toThrow('something after the write failed');
      await quiet();
      expect(sub.values).toHaveLength(0);
      await t.ok(ADD_EVENT, { i: incident.id, k: 'NOTE', b: 'committed' }, alice.token);
      expect((await sub.next(1))[0].data.timelineEventAdded.body).toBe('committed');
      sub.unsubscribe();
    });

    it('publishes nothing for a refused status move', async () => {
      const incident = await declare(t, alice);
      const sub = collect(t.wsClient(viewer.token), INCIDENT_UPDATED, { id: incident.id });
      await sub.settle();
      expect(codes(await t.gql(SET_STATUS, { id: incident.id, status: 'INVESTIGATING' }, alice.token))).toEqual(['BAD_USER_INPUT']);
      await quiet();
      expect(sub.values).toHaveLength(0);
      sub.unsubscribe();
    });
  });
});
