import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { entityRows } from '../db/entity-rows';
import { groupBy } from '../graphql/loaders';
import { User } from '../users/user.entity';
import { Incident } from './incident.entity';
import { RoleAssignmentRecord } from './roles/role-assignment.entity';
import { StatusUpdate } from './status-updates/status-update.entity';
import { TimelineEvent } from './timeline/timeline-event.entity';

/**
 * Incident command's batching loaders for one request: the incident list with
 * commanders, roles and timelines costs four SQL statements whatever the page
 * size. `prime` fills the users loader with the users these queries join.
 */
export function createIncidentLoaders(dataSource: DataSource, prime: (user: User | undefined) => void) {
  const incidents = new DataLoader<string, Incident | null>(async (ids) => {
    const rows = await dataSource.getRepository(Incident).findBy({ id: In([...ids]) });
    const byId = new Map(rows.map((i) => [i.id, i]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  const roleRows = entityRows(dataSource, RoleAssignmentRecord, 'r');
  const roleHolders = entityRows(dataSource, User, 'u');
  // Raw statements (db/entity-rows.ts): the board reads these for every incident on the page.
  const currentRoles = new DataLoader<string, RoleAssignmentRecord[]>(async (incidentIds) => {
    const raw: Array<Record<string, unknown>> = await dataSource.query(
      `SELECT ${roleRows.select}, ${roleHolders.select} FROM ${roleRows.table} "r" INNER JOIN ${roleHolders.table} "u" ON "u"."id" = "r"."user_id"
       WHERE "r"."incident_id" = ANY($1::uuid[]) AND "r"."relieved_at" IS NULL`,
      [[...incidentIds]],
    );
    const rows = raw.map((row) => {
      const record = roleRows.read(row)! as RoleAssignmentRecord & { user?: User };
      record.user = roleHolders.read(row);
      prime(record.user);
      return record;
    });
    return groupBy(rows, (r) => r.incidentId, incidentIds);
  });

  /** Every stint in every role, oldest first: the record of handoffs and delegations. */
  const roleHistory = new DataLoader<string, RoleAssignmentRecord[]>(async (incidentIds) => {
    const rows = await dataSource
      .getRepository(RoleAssignmentRecord)
      .createQueryBuilder('r')
      .innerJoinAndMapOne('r.user', User, 'u', 'u.id = r.user_id')
      .where({ incidentId: In([...incidentIds]) })
      .orderBy('r.assigned_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .getMany();
    rows.forEach((r) => prime((r as RoleAssignmentRecord & { user?: User }).user));
    return groupBy(rows, (r) => r.incidentId, incidentIds);
  });

  const timelineRows = entityRows(dataSource, TimelineEvent, 'e');
  const actors = entityRows(dataSource, User, 'a');
  const timeline = new DataLoader<string, TimelineEvent[]>(async (incidentIds) => {
    const raw: Array<Record<string, unknown>> = await dataSource.query(
      `SELECT ${timelineRows.select}, ${actors.select} FROM ${timelineRows.table} "e" LEFT JOIN ${actors.table} "a" ON "a"."id" = "e"."actor_id"
       WHERE "e"."incident_id" = ANY($1::uuid[]) ORDER BY "e"."occurred_at" ASC, "e"."created_at" ASC, "e"."id" ASC`,
      [[...incidentIds]],
    );
    const rows = raw.map((row) => {
      const event = timelineRows.read(row)! as TimelineEvent & { actor?: User | null };
      // As TypeORM's leftJoinAndMapOne: null when the event has no actor.
      event.actor = actors.read(row) ?? null;
      prime(event.actor ?? undefined);
      return event;
    });
    return groupBy(rows, (e) => e.incidentId, incidentIds);
  });

  const statusUpdates = new DataLoader<string, StatusUpdate[]>(async (incidentIds) => {
    const rows = await dataSource
      .getRepository(StatusUpdate)
      .createQueryBuilder('s')
      .leftJoinAndMapOne('s.author', User, 'a', 'a.id = s.author_id')
      .where({ incidentId: In([...incidentIds]) })
      .orderBy('s.posted_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .getMany();
    rows.forEach((s) => prime((s as StatusUpdate & { author?: User }).author));
    return groupBy(rows, (s) => s.incidentId, incidentIds);
  });

  return { incidents, currentRoles, roleHistory, timeline, statusUpdates };
}

/** Incident command's loaders (part of every request's `loaders`). */
export type IncidentLoaders = ReturnType<typeof createIncidentLoaders>;
