import type { Caller } from '../../auth/caller';
import { Action, authorize } from '../../auth/policy';
import { badInput } from '../../common/errors';
import { LIMITS } from '../../common/limits';
import type { UnitOfWork } from '../../db/unit-of-work';
import type { CommittedIncidents } from '../committed-incidents';
import { IncidentTopic } from '../incident.topics';
import { lockIncident } from '../incident-lock';
import { IncidentChangeKind } from '../incident.enums';
import { IncidentRole } from '../roles/incident-role.enum';
import { holderOf, type RoleService } from '../roles/role.service';
import { TimelineEventKind } from '../timeline/timeline-event-kind.enum';
import type { TimelineService } from '../timeline/timeline.service';
import { Audience } from './audience.enum';
import { StatusUpdate } from './status-update.entity';

/** Status updates: the communications lead keeping stakeholders informed. */
export class StatusUpdateService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleService,
    private readonly timeline: TimelineService,
    private readonly committed: CommittedIncidents,
  ) {}

  async post(caller: Caller | null, incidentId: string, audience: Audience, body: string): Promise<StatusUpdate> {
    authorize(caller, Action.Read);
    const text = body.trim();
    if (!text) throw badInput('body must not be empty');
    if (text.length > LIMITS.body) throw badInput(`body must be at most ${LIMITS.body} characters`);
    return this.uow.run(async (tx) => {
      const incident = await lockIncident(tx.manager, incidentId);
      const current = await this.roles.current(tx.manager, incident.id);
      const author = authorize(caller, Action.PostStatusUpdate, {
        communicationsLeadId: holderOf(current, IncidentRole.COMMUNICATIONS_LEAD),
      });
      const repo = tx.manager.getRepository(StatusUpdate);
      const now = new Date();
      const update = await repo.save(repo.create({ incidentId: incident.id, audience, body: text, authorId: author.userId, postedAt: now, incidentStatus: incident.status }));
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: TimelineEventKind.STATUS_UPDATE,
        body: `${audience === Audience.EXTERNAL ? 'External' : 'Internal'} status update: ${text}`,
        actorId: author.userId,
        occurredAt: now,
      });
      // The incident's row is as locked: an update and its timeline entry change nothing in it.
      tx.publish(IncidentTopic.Changed, this.committed.attach({ kind: IncidentChangeKind.UPDATED, incidentId: incident.id }, incident));
      return update;
    });
  }
}
