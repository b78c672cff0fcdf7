import DataLoader from 'dataloader';
import { In, IsNull, type DataSource } from 'typeorm';
import { createPostmortemLoaders } from '../postmortems/postmortem.loaders';
import { DocumentStore } from '../collab/document-store';
import { AlertGroup } from '../alerts/alert-group.entity';
import { Alert } from '../alerts/alert.entity';
import { Incident } from '../incidents/incident.entity';
import { RoleAssignmentRecord } from '../incidents/roles/role-assignment.entity';
import { StatusUpdate } from '../incidents/status-updates/status-update.entity';
import { TimelineEvent } from '../incidents/timeline/timeline-event.entity';
import { User } from '../users/user.entity';

function groupBy<T>(rows: T[], key: (row: T) => string, ids: readonly string[]): T[][] {
  const groups = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const row of rows) groups.get(key(row))?.push(row);
  return ids.map((id) => groups.get(id)!);
}

/**
 * Batching loaders, created per HTTP request and per subscription event so
 * that nothing is cached across requests. Queries that join users prime
 * `users`, so that names cost no extra statement.
 */
export function createLoaders(dataSource: DataSource) {
  const users = new DataLoader<string, User | null>(async (ids) => {
    const rows = await dataSource.getRepository(User).findBy({ id: In([...ids]) });
    const byId = new Map(rows.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id) ?? null);
  });
  const prime = (user: User | undefined) => {
    if (user) users.prime(user.id, user);
  };

  const currentRoles = new DataLoader<string, RoleAssignmentRecord[]>(async (incidentIds) => {
    const rows = await dataSource
      .getRepository(RoleAssignmentRecord)
      .createQueryBuilder('r')
      .innerJoinAndMapOne('r.user', User, 'u', 'u.id = r.user_id')
      .where({ incidentId: In([...incidentIds]), relievedAt: IsNull() })
      .getMany();
    rows.forEach((r) => prime((r as RoleAssignmentRecord & { user?: User }).user));
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

  const timeline = new DataLoader<string, TimelineEvent[]>(async (incidentIds) => {
    const rows = await dataSource
      .getRepository(TimelineEvent)
      .createQueryBuilder('e')
      .leftJoinAndMapOne('e.actor', User, 'a', 'a.id = e.actor_id')
      .where({ incidentId: In([...incidentIds]) })
      .orderBy('e.occurred_at', 'ASC')
      .addOrderBy('e.created_at', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .getMany();
    rows.forEach((e) => prime((e as TimelineEvent & { actor?: User }).actor));
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

  const postmortems = createPostmortemLoaders(dataSource, prime);

  // Stored incident documents (snapshot + log) for incidents whose document is not loaded in memory.
  const documentStore = new DocumentStore(dataSource);
  const storedDocuments = new DataLoader<string, { markdown: string; updatedAt: Date | null }>((incidentIds) =>
    documentStore.readMarkdown(incidentIds),
  );

  const alerts = new DataLoader<string, Alert[]>(async (incidentIds) => {
    const rows = await dataSource
      .getRepository(Alert)
      .createQueryBuilder('a')
      .where({ incidentId: In([...incidentIds]) })
      .orderBy('a.starts_at', 'ASC')
      .addOrderBy('a.fingerprint', 'ASC')
      .getMany();
    return groupBy(rows, (a) => a.incidentId, incidentIds);
  });

  /** The incident an alert group had open before it fired again and opened this one. */
  const previousIncident = new DataLoader<string, Incident | null>(async (incidentIds) => {
    const rows = await dataSource
      .getRepository(AlertGroup)
      .createQueryBuilder('g')
      .innerJoinAndMapOne('g.previous', Incident, 'p', 'p.id = g.previous_incident_id')
      .where({ incidentId: In([...incidentIds]) })
      .getMany();
    const byId = new Map(rows.map((g) => [g.incidentId, (g as AlertGroup & { previous: Incident }).previous]));
    return incidentIds.map((id) => byId.get(id) ?? null);
  });

  return { users, prime, currentRoles, roleHistory, timeline, statusUpdates, postmortems, storedDocuments, alerts, previousIncident };
}

/** The loaders of one request or subscription event (GraphQLContext.loaders). */
export type Loaders = ReturnType<typeof createLoaders>;
