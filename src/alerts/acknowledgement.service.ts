import type { Caller } from '../auth/caller';
import { Action, authorize } from '../auth/policy';
import { badInput } from '../common/errors';
import type { UnitOfWork } from '../db/unit-of-work';
import { IncidentTopic } from '../incidents/incident.topics';
import { lockIncident } from '../incidents/incident-lock';
import { Incident } from '../incidents/incident.entity';
import { IncidentChangeKind, IncidentStatus } from '../incidents/incident.enums';
import type { RoleService } from '../incidents/roles/role.service';
import { TimelineEventKind } from '../incidents/timeline/timeline-event-kind.enum';
import type { TimelineService } from '../incidents/timeline/timeline.service';
import { User } from '../users/user.entity';

/**
 * Acknowledgement: a person takes command of an incident that an alert opened
 * (with the integration as placeholder commander), and `acknowledgedAt` is
 * set once, so that time to acknowledge can be measured.
 */
export class AcknowledgementService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleService,
    private readonly timeline: TimelineService,
  ) {}

  /**
   * Idempotent: an incident that is already acknowledged (every human-declared
   * incident is, by its declaration) is returned unchanged; handing command on
   * from there is `assignRole`. A resolved, never acknowledged incident is
   * BAD_USER_INPUT: acknowledging it would record a meaningless response time.
   */
  async acknowledge(caller: Caller | null, id: string): Promise<Incident> {
    const actor = authorize(caller, Action.AcknowledgeIncident);
    return this.uow.run(async (tx) => {
      const incident = await lockIncident(tx.manager, id);
      if (incident.acknowledgedAt) return incident;
      if (incident.status === IncidentStatus.RESOLVED) {
        throw badInput('this incident was resolved without being acknowledged; there is nothing to take command of');
      }
      const users = tx.manager.getRepository(User);
      const person = await users.findOneByOrFail({ id: actor.userId });
      const placeholder = await users.findOneByOrFail({ id: incident.commanderId });
      const now = new Date();
      const handedOver = await this.roles.takeCommand(tx, incident, person, actor.userId, now);
      await tx.manager.getRepository(Incident).update({ id: incident.id }, { acknowledgedAt: now });
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: TimelineEventKind.ROLE_ASSIGNED,
        body: handedOver
          ? `Acknowledged by ${person.name}, who takes command from ${placeholder.name}`
          : `Acknowledged by ${person.name}, the commander`,
        actorId: person.id,
        occurredAt: now,
      });
      tx.publish(IncidentTopic.Changed, { kind: IncidentChangeKind.UPDATED, incidentId: incident.id });
      return tx.manager.getRepository(Incident).findOneByOrFail({ id: incident.id });
    });
  }
}
