import type { DataSource } from 'typeorm';
import type { Caller } from '../../auth/caller';
import { Action, authorize } from '../../auth/policy';
import { badInput } from '../../common/errors';
import { LIMITS } from '../../common/limits';
import type { Tx, UnitOfWork } from '../../db/unit-of-work';
import type { CommittedIncidents } from '../committed-incidents';
import { IncidentTopic } from '../incident.topics';
import { lockIncident } from '../incident-lock';
import { IncidentChangeKind } from '../incident.enums';
import { MANUAL_TIMELINE_KINDS, TimelineEventKind } from './timeline-event-kind.enum';
import { TimelineEvent } from './timeline-event.entity';

/** Client clocks run a little ahead; more than this and "occurredAt" is in the future. */
const CLOCK_SKEW_MS = 30_000;

/** The incident timeline: what happened and what the responders did. */
export class TimelineService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly committed: CommittedIncidents,
  ) {}

  /**
   * Appends an event inside `tx` and queues its publication. Every part of
   * Sitrep that writes the timeline comes through here.
   */
  async record(
    tx: Tx,
    fields: { incidentId: string; kind: TimelineEventKind; body: string; actorId: string | null; occurredAt?: Date },
  ): Promise<TimelineEvent> {
    const repo = tx.manager.getRepository(TimelineEvent);
    const event = await repo.save(
      repo.create({
        incidentId: fields.incidentId,
        kind: fields.kind,
        body: fields.body,
        actorId: fields.actorId,
        occurredAt: fields.occurredAt ?? new Date(),
      }),
    );
    tx.publish(IncidentTopic.TimelineEventAdded, { incidentId: fields.incidentId, eventId: event.id });
    return event;
  }

  /** A responder's own entry: a note, a rollback or a traffic reroute, possibly backfilled. */
  async addManual(
    caller: Caller | null,
    incidentId: string,
    kind: TimelineEventKind,
    body: string,
    occurredAt: Date | undefined,
  ): Promise<TimelineEvent> {
    const actor = authorize(caller, Action.WorkIncident);
    if (!MANUAL_TIMELINE_KINDS.has(kind)) {
      throw badInput(`${kind} events are recorded by Sitrep itself; add one of ${[...MANUAL_TIMELINE_KINDS].join(', ')}`);
    }
    const text = body.trim();
    if (!text) throw badInput('body must not be empty');
    if (text.length > LIMITS.body) throw badInput(`body must be at most ${LIMITS.body} characters`);
    if (occurredAt && occurredAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
      throw badInput('occurredAt must not be in the future');
    }
    return this.uow.run(async (tx) => {
      const incident = await lockIncident(tx.manager, incidentId);
      const event = await this.record(tx, { incidentId: incident.id, kind, body: text, actorId: actor.userId, occurredAt });
      // The incident's row is as locked: an entry changes nothing in it.
      tx.publish(IncidentTopic.Changed, this.committed.attach({ kind: IncidentChangeKind.UPDATED, incidentId: incident.id }, incident));
      return event;
    });
  }

  /** One event by id, for subscription payloads. */
  async byId(id: string): Promise<TimelineEvent | null> {
    return this.dataSource.getRepository(TimelineEvent).findOne({ where: { id } });
  }
}
