import { In, type DataSource } from 'typeorm';
import type { Caller } from '../auth/caller';
import { Action, authorize } from '../auth/policy';
import { badInput } from '../common/errors';
import type { Config } from '../config/config';
import { Incident } from '../incidents/incident.entity';
import { Severity } from '../incidents/incident.enums';
import { INTERVENTION_KINDS } from '../incidents/timeline/timeline-event-kind.enum';
import type { DurationStats, IncidentMetrics, MetricsFigures, SeverityMetrics } from './incident-metrics.types';

/**
 * Whether the resolved incident `i` requires a postmortem and has none
 * published: the rule of incidents/postmortem-triggers.ts, for resolved
 * incidents, in SQL. `limits` is the resolution limit per severity as jsonb,
 * `kinds` the timeline kinds that mean on-call intervened. The joins add no
 * rows: one postmortem per incident, and distinct intervened incidents.
 * They are joins rather than EXISTS per row so that the plan is hash joins.
 */
function owedSql(limits: string, kinds: string): { joins: string; owed: string } {
  return {
    joins: `
      LEFT JOIN (SELECT DISTINCT e.incident_id FROM timeline_events e WHERE e.kind = ANY(${kinds}::text[])) intervened
             ON intervened.incident_id = i.id
      LEFT JOIN postmortems published ON published.incident_id = i.id AND published.status = 'PUBLISHED'`,
    owed: `(
      i.status = 'RESOLVED'
      AND published.id IS NULL
      AND (
        i.user_visible_downtime OR i.slo_breached OR i.data_loss OR i.monitoring_failure
        OR intervened.incident_id IS NOT NULL
        OR EXTRACT(EPOCH FROM (i.resolved_at - i.declared_at)) > (${limits}::jsonb ->> i.severity)::float8
      )
    )`,
  };
}

interface MetricsRow {
  total: boolean;
  severity: Severity | null;
  incident_count: number;
  ttm_samples: number;
  ttm_mean: number | null;
  ttm_p90: number | null;
  ttr_samples: number;
  ttr_mean: number | null;
  ttr_p90: number | null;
  open_action_items: number;
  postmortems_owed: number;
}

const EMPTY: DurationStats = { samples: 0, meanSeconds: null, p90Seconds: null };

function figures(row: MetricsRow | undefined): MetricsFigures {
  if (!row) return { incidentCount: 0, timeToMitigate: EMPTY, timeToResolve: EMPTY, openActionItems: 0, postmortemsOwed: 0 };
  return {
    incidentCount: row.incident_count,
    timeToMitigate: { samples: row.ttm_samples, meanSeconds: row.ttm_mean, p90Seconds: row.ttm_p90 },
    timeToResolve: { samples: row.ttr_samples, meanSeconds: row.ttr_mean, p90Seconds: row.ttr_p90 },
    openActionItems: row.open_action_items,
    postmortemsOwed: row.postmortems_owed,
  };
}

/** Response metrics and postmortem debt, computed by PostgreSQL rather than by loading incidents. */
export class IncidentMetricsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: Pick<Config, 'resolutionLimits'>,
  ) {}

  /** Resolved incidents that require a postmortem and have none published, longest owed first. */
  async owed(caller: Caller | null): Promise<Incident[]> {
    authorize(caller, Action.Read);
    const { joins, owed } = owedSql('$1', '$2');
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT i.id FROM incidents i ${joins} WHERE ${owed} ORDER BY i.resolved_at ASC, i.id ASC`,
      [JSON.stringify(this.config.resolutionLimits), [...INTERVENTION_KINDS]],
    );
    if (!rows.length) return [];
    const incidents = await this.dataSource.getRepository(Incident).findBy({ id: In(rows.map((r) => r.id)) });
    const byId = new Map(incidents.map((i) => [i.id, i]));
    return rows.map((r) => byId.get(r.id)!).filter(Boolean);
  }

  /**
   * Figures over the incidents declared in [from, to) of the given
   * severities (all when none are given), overall and per severity, in one
   * statement: GROUPING SETS gives the total and the per-severity rows.
   */
  async metrics(caller: Caller | null, from: Date | null, to: Date | null, severities: Severity[] | null): Promise<IncidentMetrics> {
    authorize(caller, Action.Read);
    if (from && to && from.getTime() >= to.getTime()) throw badInput('from must be before to');
    const wanted = severities?.length ? Object.values(Severity).filter((s) => severities.includes(s)) : Object.values(Severity);
    const { joins, owed } = owedSql('$4', '$5');
    const rows: MetricsRow[] = await this.dataSource.query(
      // Open items come from one grouped join rather than a subquery per incident: per-row
      // subqueries cost enough on paper to make PostgreSQL JIT-compile the plan, which took longer than the query.
      `WITH scoped AS (
         SELECT i.severity,
                EXTRACT(EPOCH FROM (i.mitigated_at - i.declared_at))::float8 AS ttm,
                EXTRACT(EPOCH FROM (i.resolved_at - i.declared_at))::float8 AS ttr,
                coalesce(open_items.n, 0) AS open_items,
                ${owed} AS owed
           FROM incidents i ${joins}
           LEFT JOIN (
             SELECT p.incident_id, count(*) AS n
               FROM postmortems p
               JOIN action_items a ON a.postmortem_id = p.id AND a.status <> 'DONE'
              GROUP BY p.incident_id
           ) open_items ON open_items.incident_id = i.id
          WHERE ($1::timestamptz IS NULL OR i.declared_at >= $1::timestamptz)
            AND ($2::timestamptz IS NULL OR i.declared_at < $2::timestamptz)
            AND i.severity = ANY($3::text[])
       )
       SELECT GROUPING(severity) = 1 AS total,
              severity,
              count(*)::int AS incident_count,
              count(ttm)::int AS ttm_samples,
              avg(ttm) AS ttm_mean,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY ttm) AS ttm_p90,
              count(ttr)::int AS ttr_samples,
              avg(ttr) AS ttr_mean,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY ttr) AS ttr_p90,
              coalesce(sum(open_items), 0)::int AS open_action_items,
              (count(*) FILTER (WHERE owed))::int AS postmortems_owed
         FROM scoped
        GROUP BY GROUPING SETS ((), (severity))`,
      [from, to, wanted, JSON.stringify(this.config.resolutionLimits), [...INTERVENTION_KINDS]],
    );
    const total = rows.find((r) => r.total);
    const bySeverity: SeverityMetrics[] = wanted.map((severity) => ({
      severity,
      ...figures(rows.find((r) => !r.total && r.severity === severity)),
    }));
    return { from, to, ...figures(total), bySeverity };
  }
}
