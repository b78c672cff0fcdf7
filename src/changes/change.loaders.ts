import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { Change } from './change.entity';

/** The most changes `Incident.recentChanges` lists (newest first). @default 100 */
export const MAX_RECENT_CHANGES = 100;

/**
 * `Incident.recentChanges` for a whole page of incidents in one statement:
 * changes from `windowSeconds` before each declaration until its resolution
 * (or now), newest first, at most MAX_RECENT_CHANGES each.
 */
export function createChangeLoaders(dataSource: DataSource, windowSeconds: number) {
  const recentChanges = new DataLoader<string, Change[]>(async (incidentIds) => {
    const rows: Array<{ incident_id: string; id: string }> = await dataSource.query(
      `SELECT incident_id, id FROM (
         SELECT i.id AS incident_id, c.id, row_number() OVER (PARTITION BY i.id ORDER BY c.occurred_at DESC, c.id DESC) AS n
         FROM incidents i
         JOIN changes c ON c.occurred_at >= i.declared_at - make_interval(secs => $2)
                       AND c.occurred_at <= coalesce(i.resolved_at, now())
         WHERE i.id = ANY($1::uuid[])
       ) ranked WHERE n <= $3 ORDER BY n`,
      [[...incidentIds], windowSeconds, MAX_RECENT_CHANGES],
    );
    const ids = [...new Set(rows.map((r) => r.id))];
    const changes = ids.length ? await dataSource.getRepository(Change).createQueryBuilder('c').whereInIds(ids).getMany() : [];
    const byId = new Map(changes.map((c) => [c.id, c]));
    const byIncident = new Map<string, Change[]>();
    for (const row of rows) {
      const list = byIncident.get(row.incident_id) ?? [];
      list.push(byId.get(row.id)!);
      byIncident.set(row.incident_id, list);
    }
    return incidentIds.map((id) => byIncident.get(id) ?? []);
  });
  return { recentChanges };
}

/** The changes domain's loaders (part of every request's `loaders`). */
export type ChangeLoaders = ReturnType<typeof createChangeLoaders>;
