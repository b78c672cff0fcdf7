import type { DataSource } from 'typeorm';
import type { UnitOfWork } from '../db/unit-of-work';
import { IncidentTopic } from './incident.topics';
import type { Logger } from '../observability/logger';
import { IncidentChangeKind, IncidentStatus, Severity } from './incident.enums';

/** Seconds between the status updates the communications lead owes, per severity; null: none owed. */
export type UpdateIntervals = Record<Severity, number | null>;

/**
 * When the next status update is due: the interval of the incident's severity after the last
 * update (of either audience) or, before the first one, after the declaration. Null once the
 * incident is resolved, or when its severity owes none.
 *
 * The overdue sweep below computes the same in SQL (`DUE_AT_SQL`); test/incidents/update-cadence.test.ts
 * pins the two together.
 */
export function nextStatusUpdateDue(
  incident: { status: IncidentStatus; severity: Severity; declaredAt: Date },
  lastUpdateAt: Date | null,
  intervals: UpdateIntervals,
): Date | null {
  const seconds = intervals[incident.severity];
  if (seconds == null || incident.status === IncidentStatus.RESOLVED) return null;
  const from = lastUpdateAt && lastUpdateAt > incident.declaredAt ? lastUpdateAt : incident.declaredAt;
  return new Date(from.getTime() + seconds * 1000);
}

/**
 * The SQL twin of `nextStatusUpdateDue` for incidents aliased `i`; parameters $1..$4 are the
 * SEV1..SEV4 intervals in seconds (NULL: none owed).
 */
const DUE_AT_SQL = `
  CASE WHEN i.status = 'RESOLVED' THEN NULL ELSE
    GREATEST(i.declared_at, COALESCE((SELECT max(s.posted_at) FROM status_updates s WHERE s.incident_id = i.id), i.declared_at))
    + make_interval(secs => CASE i.severity WHEN 'SEV1' THEN $1::float8 WHEN 'SEV2' THEN $2::float8
                                            WHEN 'SEV3' THEN $3::float8 WHEN 'SEV4' THEN $4::float8 END)
  END`;

/**
 * Announces status updates as they become overdue: each instance looks every `everyMs`, and one
 * UPDATE claims each incident whose due time has passed and was not announced yet, so that the
 * STATUS_UPDATE_OVERDUE event goes out once per due time however many instances run, and still
 * goes out after a restart (the claim lives in the database, not in a timer).
 */
export class OverdueSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly intervals: UpdateIntervals,
    private readonly everyMs: number,
    private readonly log: Logger,
  ) {}

  private params(): Array<number | null> {
    return [Severity.SEV1, Severity.SEV2, Severity.SEV3, Severity.SEV4].map((s) => this.intervals[s]);
  }

  /**
   * Looks once now (an overdue that fell due while no instance ran is announced at start), then
   * every `everyMs`. Resolves after the first look, so that start-up's statements are done with.
   */
  async start(): Promise<void> {
    if (this.timer) return;
    const tick = () => {
      this.running = this.sweep()
        .then(() => undefined)
        .catch((error) => this.log.warn({ err: error }, 'status update overdue sweep failed; retrying'))
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.timer = setTimeout(tick, this.everyMs).unref();
        });
    };
    this.timer = setTimeout(tick, this.everyMs).unref();
    await this.sweep().catch((error) => this.log.warn({ err: error }, 'status update overdue sweep failed; retrying'));
  }

  /** Stops looking and waits for a sweep under way. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One look: claims and announces every newly overdue incident; returns their ids. */
  async sweep(): Promise<string[]> {
    if (this.params().every((s) => s == null)) return [];
    return this.uow.run(async (tx) => {
      const rows: Array<{ id: string }> = await tx.manager.query(
        // A top-level SELECT: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
        `WITH due AS (SELECT i.id, ${DUE_AT_SQL} AS due_at FROM incidents i WHERE i.status <> 'RESOLVED'),
              claimed AS (
                UPDATE incidents i SET overdue_announced_for = due.due_at
                  FROM due
                 WHERE i.id = due.id AND due.due_at <= now()
                   AND i.overdue_announced_for IS DISTINCT FROM due.due_at
                RETURNING i.id)
         SELECT id FROM claimed`,
        this.params(),
      );
      for (const { id } of rows) tx.publish(IncidentTopic.Changed, { kind: IncidentChangeKind.STATUS_UPDATE_OVERDUE, incidentId: id });
      return rows.map((r) => r.id);
    });
  }

  /** The due times as the SQL rule computes them (for the test that pins it to `nextStatusUpdateDue`). */
  async dueTimes(incidentIds: string[]): Promise<Map<string, Date | null>> {
    const rows: Array<{ id: string; due_at: Date | null }> = await this.dataSource.query(
      `SELECT i.id, ${DUE_AT_SQL} AS due_at FROM incidents i WHERE i.id = ANY($5::uuid[])`,
      [...this.params(), incidentIds],
    );
    return new Map(rows.map((r) => [r.id, r.due_at]));
  }
}
