import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import type { Caller } from '../../auth/caller';
import { Action, authorize } from '../../auth/policy';
import { badInput, notFound } from '../../common/errors';
import { parseId } from '../../common/ids';
import type { Tx, UnitOfWork } from '../../db/unit-of-work';
import { IncidentTopic } from '../incident.topics';
import { lockIncident } from '../incident-lock';
import { Incident } from '../incident.entity';
import { IncidentChangeKind } from '../incident.enums';
import { TimelineEventKind } from '../timeline/timeline-event-kind.enum';
import type { TimelineService } from '../timeline/timeline.service';
import { UserRole } from '../../users/user-role.enum';
import { User } from '../../users/user.entity';
import { ALL_INCIDENT_ROLES, IncidentRole, ROLE_LABELS } from './incident-role.enum';
import { RoleAssignmentRecord } from './role-assignment.entity';

/** Who holds a role now, as the contract's RoleAssignment shows it. */
export interface EffectiveRole {
  role: IncidentRole;
  holderId: string;
  delegated: boolean;
  assignedAt: Date;
}

/**
 * All four roles with their effective holders, from the current assignment
 * rows of one incident: a role with no current row is the commander's.
 */
export function effectiveRoles(current: RoleAssignmentRecord[]): EffectiveRole[] {
  const commander = current.find((r) => r.role === IncidentRole.INCIDENT_COMMANDER);
  if (!commander) throw new Error('invariant broken: an incident has no current commander');
  return ALL_INCIDENT_ROLES.map((role) => {
    const row = current.find((r) => r.role === role);
    return row && role !== IncidentRole.INCIDENT_COMMANDER
      ? { role, holderId: row.userId, delegated: true, assignedAt: row.assignedAt }
      : { role, holderId: commander.userId, delegated: false, assignedAt: commander.assignedAt };
  });
}

/** The person who effectively holds `role` now. */
export function holderOf(current: RoleAssignmentRecord[], role: IncidentRole): string {
  return effectiveRoles(current).find((r) => r.role === role)!.holderId;
}

/** The incident command system: who holds which role, delegation, handoffs. */
export class RoleService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly timeline: TimelineService,
  ) {}

  /** Current assignment rows of one incident (inside a transaction when given one). */
  async current(manager: EntityManager, incidentId: string): Promise<RoleAssignmentRecord[]> {
    return manager.getRepository(RoleAssignmentRecord).find({ where: { incidentId, relievedAt: IsNull() } });
  }

  /** Makes `userId` the first commander of a new incident, inside its declaration. */
  async installCommander(tx: Tx, incidentId: string, userId: string, at: Date): Promise<void> {
    const repo = tx.manager.getRepository(RoleAssignmentRecord);
    await repo.insert({ incidentId, role: IncidentRole.INCIDENT_COMMANDER, userId, assignedById: userId, assignedAt: at });
  }

  /**
   * Assigns `role` to `userId`. Assigning INCIDENT_COMMANDER hands over
   * command: roles delegated to the new commander fold back into command.
   * Assigning any other role to the commander takes its delegation back.
   * Assigning a role to the person who already holds it changes nothing.
   */
  async assign(caller: Caller | null, incidentId: string, role: IncidentRole, userId: string): Promise<Incident> {
    authorize(caller, Action.Read);
    const assigneeId = parseId(userId, 'userId');
    return this.uow.run(async (tx) => {
      const incident = await lockIncident(tx.manager, incidentId);
      const actor = authorize(caller, Action.AssignRole, { commanderId: incident.commanderId });
      const assignee = await tx.manager.getRepository(User).findOne({ where: { id: assigneeId } });
      if (!assignee) throw notFound('user', userId);
      if (assignee.deactivatedAt) throw badInput(`${assignee.name} is deactivated and cannot hold an incident role`);
      if (assignee.role === UserRole.VIEWER) {
        throw badInput(`${assignee.name} is a VIEWER and cannot hold an incident role`);
      }
      const current = await this.current(tx.manager, incident.id);
      const holders = effectiveRoles(current);
      const holder = holders.find((h) => h.role === role)!;
      const now = new Date();
      const changed =
        role === IncidentRole.INCIDENT_COMMANDER
          ? await this.handOver(tx, incident, current, assignee, actor.userId, now)
          : await this.delegate(tx, incident, current, role, assignee, actor.userId, now);
      if (!changed) return incident;
      const names = await this.names(tx.manager, [holder.holderId, assignee.id]);
      const body =
        role === IncidentRole.INCIDENT_COMMANDER
          ? `Command handed over from ${names.get(holder.holderId)} to ${assignee.name}`
          : assignee.id === incident.commanderId
            ? `${ROLE_LABELS[role]} taken back from ${names.get(holder.holderId)} by the commander, ${assignee.name}`
            : `${ROLE_LABELS[role]} assigned from ${names.get(holder.holderId)} to ${assignee.name}`;
      await this.timeline.record(tx, { incidentId: incident.id, kind: TimelineEventKind.ROLE_ASSIGNED, body, actorId: actor.userId });
      tx.publish(IncidentTopic.Changed, { kind: IncidentChangeKind.UPDATED, incidentId: incident.id });
      return incident;
    });
  }

  /**
   * Puts a person in command of an incident as part of another change (such
   * as acknowledging an alert's incident). Records the handoff like
   * `assign` does; returns false when they were already in command.
   */
  async takeCommand(tx: Tx, incident: Incident, user: User, actorId: string, at: Date): Promise<boolean> {
    const current = await this.current(tx.manager, incident.id);
    return this.handOver(tx, incident, current, user, actorId, at);
  }

  private async handOver(
    tx: Tx,
    incident: Incident,
    current: RoleAssignmentRecord[],
    assignee: User,
    actorId: string,
    now: Date,
  ): Promise<boolean> {
    if (incident.commanderId === assignee.id) return false;
    const repo = tx.manager.getRepository(RoleAssignmentRecord);
    // The new commander's own delegated roles fold into command, and the old commander's stint ends.
    const ending = current.filter((r) => r.role === IncidentRole.INCIDENT_COMMANDER || r.userId === assignee.id);
    for (const row of ending) await repo.update({ id: row.id }, { relievedAt: now });
    await repo.insert({ incidentId: incident.id, role: IncidentRole.INCIDENT_COMMANDER, userId: assignee.id, assignedById: actorId, assignedAt: now });
    incident.commanderId = assignee.id;
    // A person handed command of an alert's incident has taken it: that is its acknowledgement (MTTA).
    if (!incident.acknowledgedAt && !assignee.isIntegration) incident.acknowledgedAt = now;
    await tx.manager
      .getRepository(Incident)
      .update({ id: incident.id }, { commanderId: assignee.id, acknowledgedAt: incident.acknowledgedAt });
    return true;
  }

  private async delegate(
    tx: Tx,
    incident: Incident,
    current: RoleAssignmentRecord[],
    role: IncidentRole,
    assignee: User,
    actorId: string,
    now: Date,
  ): Promise<boolean> {
    const repo = tx.manager.getRepository(RoleAssignmentRecord);
    const row = current.find((r) => r.role === role);
    if (row?.userId === assignee.id) return false;
    if (!row && assignee.id === incident.commanderId) return false;
    if (row) await repo.update({ id: row.id }, { relievedAt: now });
    if (assignee.id !== incident.commanderId) {
      await repo.insert({ incidentId: incident.id, role, userId: assignee.id, assignedById: actorId, assignedAt: now });
    }
    return true;
  }

  private async names(manager: EntityManager, ids: string[]): Promise<Map<string, string>> {
    const users = await manager.getRepository(User).find({ where: ids.map((id) => ({ id })) });
    return new Map(users.map((u) => [u.id, u.name]));
  }
}

