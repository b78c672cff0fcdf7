import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { groupBy } from '../graphql/loaders';
import { Incident } from '../incidents/incident.entity';
import { AlertGroup } from './alert-group.entity';
import { Alert } from './alert.entity';

/** The alerts of incidents, for one request. */
export function createAlertLoaders(dataSource: DataSource) {
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

  return { alerts, previousIncident };
}

/** The alerts domain's loaders (part of every request's `loaders`). */
export type AlertLoaders = ReturnType<typeof createAlertLoaders>;
