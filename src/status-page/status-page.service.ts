import type { DataSource } from 'typeorm';

/** The most public incidents one snapshot holds (open ones first, then the newest resolved). */
export const STATUS_PAGE_MAX_INCIDENTS = 100;
/** The most EXTERNAL updates shown per incident, newest first. */
export const STATUS_PAGE_MAX_UPDATES = 50;
/** How far back resolved public incidents are shown. */
export const STATUS_PAGE_HISTORY_DAYS = 14;

/** One EXTERNAL status update, as the public may see it. */
export interface PublicUpdate {
  id: string;
  body: string;
  postedAt: Date;
  /** The incident's status when it was posted. */
  status: string;
}

/**
 * An incident as the public may see it: no summary, no people, no internal updates, no document,
 * no alerts. Only incidents the commander or communications lead put on the status page.
 */
export interface PublicIncident {
  id: string;
  title: string;
  severity: string;
  status: string;
  declaredAt: Date;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  updatedAt: Date;
  /** Newest first. */
  updates: PublicUpdate[];
}

/** What every status page view renders: read at once, shared by all readers for a few seconds. */
export interface StatusSnapshot {
  readAt: Date;
  /** Unresolved, newest first. */
  open: PublicIncident[];
  /** Resolved within the last STATUS_PAGE_HISTORY_DAYS days, newest first. */
  resolved: PublicIncident[];
}

interface Row {
  id: string;
  title: string;
  severity: string;
  status: string;
  declared_at: Date;
  mitigated_at: Date | null;
  resolved_at: Date | null;
  updated_at: Date;
  updates: Array<{ id: string; body: string; postedAt: string; status: string | null }>;
  read_at: Date;
}

/** Before the status was recorded with each update, the best guess from the incident's own times. */
function statusAt(incident: Row, postedAt: Date): string {
  if (incident.resolved_at && postedAt >= incident.resolved_at) return 'RESOLVED';
  if (incident.mitigated_at && postedAt >= incident.mitigated_at) return 'MITIGATED';
  return incident.status === 'IDENTIFIED' ? 'IDENTIFIED' : 'INVESTIGATING';
}

/**
 * The public status page's data. One statement reads a snapshot; every reader within
 * `cacheSeconds` shares it (and readers arriving while it is read wait for the same read), so a
 * flood of readers costs one query per period.
 */
export class StatusPageService {
  private cached: { at: number; value: Promise<StatusSnapshot> } | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cacheSeconds: number,
  ) {}

  /** The current snapshot, read at most once per cache period. */
  snapshot(): Promise<StatusSnapshot> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < Math.max(this.cacheSeconds * 1000, 1)) return this.cached.value;
    const value = this.read();
    const entry = { at: now, value };
    this.cached = entry;
    // A failed read is not served to the next reader.
    value.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return value;
  }

  private async read(): Promise<StatusSnapshot> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT i.id, i.title, i.severity, i.status, i.declared_at, i.mitigated_at, i.resolved_at, i.updated_at, now() AS read_at,
              COALESCE((SELECT json_agg(json_build_object('id', u.id, 'body', u.body, 'postedAt', u.posted_at, 'status', u.incident_status)
                                        ORDER BY u.posted_at DESC, u.id DESC)
                          FROM (SELECT s.id, s.body, s.posted_at, s.incident_status FROM status_updates s
                                 WHERE s.incident_id = i.id AND s.audience = 'EXTERNAL'
                                 ORDER BY s.posted_at DESC, s.id DESC LIMIT $2) u), '[]'::json) AS updates
         FROM incidents i
        WHERE i.on_status_page
          AND (i.status <> 'RESOLVED' OR i.resolved_at >= now() - make_interval(days => $3))
        ORDER BY (i.status = 'RESOLVED'), i.declared_at DESC, i.id DESC
        LIMIT $1`,
      [STATUS_PAGE_MAX_INCIDENTS, STATUS_PAGE_MAX_UPDATES, STATUS_PAGE_HISTORY_DAYS],
    );
    const incidents: PublicIncident[] = rows.map((row) => ({
      id: row.id,
      title: row.title,
      severity: row.severity,
      status: row.status,
      declaredAt: row.declared_at,
      mitigatedAt: row.mitigated_at,
      resolvedAt: row.resolved_at,
      updatedAt: row.updated_at,
      updates: row.updates.map((u) => {
        const postedAt = new Date(u.postedAt);
        return { id: u.id, body: u.body, postedAt, status: u.status ?? statusAt(row, postedAt) };
      }),
    }));
    return {
      readAt: rows[0]?.read_at ?? new Date(),
      open: incidents.filter((i) => i.status !== 'RESOLVED'),
      resolved: incidents.filter((i) => i.status === 'RESOLVED'),
    };
  }
}
