import type { DataSource } from 'typeorm';
import type { Caller } from '../auth/caller';
import { Action, authorize } from '../auth/policy';
import { badInput, notFound } from '../common/errors';
import { parseId } from '../common/ids';
import { LIMITS } from '../common/limits';
import { entityRows, type EntityRows } from '../db/entity-rows';
import type { Tx, UnitOfWork } from '../db/unit-of-work';
import { IncidentTopic } from './incident.topics';
import { IncidentRole } from './roles/incident-role.enum';
import { holderOf, type RoleService } from './roles/role.service';
import { User } from '../users/user.entity';
import { TimelineEventKind } from './timeline/timeline-event-kind.enum';
import type { TimelineService } from './timeline/timeline.service';
import type { DeclareIncidentInput } from './declare-incident.input';
import type { IncidentFilter } from './incident-filter.input';
import type { CommittedIncidents } from './committed-incidents';
import { lockIncident } from './incident-lock';
import { Incident } from './incident.entity';
import { IncidentChangeKind, IncidentStatus, type IncidentTrigger, type Severity } from './incident.enums';
import { applyStatus } from './status-machine';
import type { UpdateIncidentInput } from './update-incident.input';

/** The most incidents one page may hold; larger `first` values are capped to it. */
export const MAX_PAGE_SIZE = 100;

/** What a new incident starts with, whoever declares it (a person or an alert). */
export interface NewIncident {
  title: string;
  summary?: string | null;
  severity: Severity;
  trigger: IncidentTrigger;
}

/**
 * Work that commits or rolls back together with every declaration: it runs in
 * the declaring transaction, after the roles and the first timeline event.
 */
export type DeclarationHook = (tx: Tx, incident: Incident) => Promise<void>;

/** One page of `list`, newest first. */
export interface IncidentPage {
  incidents: Incident[];
  hasNextPage: boolean;
  /** Counts every incident that matches the filter; run only when asked for. */
  totalCount: () => Promise<number>;
}

/** Cursors are opaque to clients: base64url of the sort key (declaredAt, id). */
export function encodeCursor(incident: Pick<Incident, 'declaredAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([incident.declaredAt.toISOString(), incident.id])).toString('base64url');
}

function decodeCursor(cursor: string): { declaredAt: Date; id: string } {
  try {
    const [iso, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const declaredAt = new Date(iso);
    if (Number.isNaN(declaredAt.getTime())) throw new Error('bad date');
    return { declaredAt, id: parseId(id) };
  } catch {
    throw badInput('after is not a cursor this server issued');
  }
}

/** Declaring, changing and listing incidents. */
export class IncidentService {
  private readonly declarationHooks: DeclarationHook[];
  private incidentRows?: EntityRows<Incident>;
  private commanderRows?: EntityRows<User>;

  /**
   * @param seedDocument Declaring an incident seeds its live incident document
   * (collab/document-seeder.ts) in the declaring transaction: an incident never
   * exists without its document, and a failed seed declares nothing.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly roles: RoleService,
    private readonly timeline: TimelineService,
    private readonly committed: CommittedIncidents,
    seedDocument: DeclarationHook,
  ) {
    this.declarationHooks = [seedDocument];
  }

  /** Adds work that must commit or roll back together with every declaration (after the document is seeded). */
  onDeclare(hook: DeclarationHook): void {
    this.declarationHooks.push(hook);
  }

  async get(caller: Caller | null, id: string): Promise<Incident | null> {
    authorize(caller, Action.Read);
    return this.dataSource.getRepository(Incident).findOne({ where: { id: parseId(id, 'incident id') } });
  }

  /** Whether an incident exists; for an edge that has authorized its caller already (the collaboration socket). */
  exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(Incident).existsBy({ id });
  }

  /** Like `get`, for callers that need the incident to exist (subscriptions): NOT_FOUND otherwise. */
  async require(caller: Caller | null, id: string): Promise<Incident> {
    const incident = await this.get(caller, id);
    if (!incident) throw notFound('incident', id);
    return incident;
  }

  /**
   * The incident an `IncidentTopic.Changed` event announces, for its subscribers; authorized like `require`.
   * An event this instance published carries the committed incident (committed-incidents.ts); one read
   * from the event log (Redis) does not, and the incident is read.
   */
  async announced(caller: Caller | null, payload: { incidentId: string }): Promise<Incident> {
    authorize(caller, Action.Read);
    return this.committed.of(payload) ?? this.require(caller, payload.incidentId);
  }

  /** A person declares an incident and becomes its commander. */
  async declare(caller: Caller | null, input: DeclareIncidentInput): Promise<Incident> {
    const actor = authorize(caller, Action.DeclareIncident);
    return this.uow.run((tx) => this.declareIn(tx, input, actor.userId, `Incident declared by its commander`));
  }

  /**
   * Declares an incident inside `tx` with `commanderId` in command. Used by
   * people (through `declare`) and by alert intake, which passes the
   * integration's user as a placeholder commander and `acknowledged: false`:
   * a person's declaration is their acknowledgement, an alert's incident waits
   * for one (`acknowledgeIncident`).
   */
  async declareIn(tx: Tx, input: NewIncident, commanderId: string, timelineBody: string, acknowledged = true): Promise<Incident> {
    const now = new Date();
    const repo = tx.manager.getRepository(Incident);
    const incident = await repo.save(
      repo.create({
        title: input.title.trim(),
        summary: input.summary?.trim() || null,
        severity: input.severity,
        trigger: input.trigger,
        status: IncidentStatus.INVESTIGATING,
        declaredAt: now,
        acknowledgedAt: acknowledged ? now : null,
        commanderId,
        declaredById: commanderId,
      }),
    );
    await this.roles.installCommander(tx, incident.id, commanderId, now);
    await this.timeline.record(tx, {
      incidentId: incident.id,
      kind: TimelineEventKind.DECLARED,
      body: `${timelineBody}: ${incident.title} (${incident.severity})`,
      actorId: commanderId,
      occurredAt: now,
    });
    for (const hook of this.declarationHooks) await hook(tx, incident);
    // The event carries the incident as it stands here: a caller that changes its row later in `tx` publishes again.
    tx.publish(IncidentTopic.Changed, this.committed.attach({ kind: IncidentChangeKind.DECLARED, incidentId: incident.id }, incident));
    return incident;
  }

  async update(caller: Caller | null, id: string, input: UpdateIncidentInput): Promise<Incident> {
    const actor = authorize(caller, Action.WorkIncident);
    return this.uow.run(async (tx) => {
      const incident = await lockIncident(tx.manager, id);
      const before = { ...incident };
      if (input.title != null) incident.title = input.title.trim();
      if (input.summary !== undefined) incident.summary = input.summary?.trim() || null;
      if (input.severity != null) incident.severity = input.severity;
      for (const flag of ['userVisibleDowntime', 'sloBreached', 'dataLoss', 'monitoringFailure'] as const) {
        if (input[flag] != null) incident[flag] = input[flag]!;
      }
      if (input.onStatusPage != null && input.onStatusPage !== incident.onStatusPage) {
        const current = await this.roles.current(tx.manager, incident.id);
        authorize(caller, Action.PublishToStatusPage, {
          commanderId: incident.commanderId,
          communicationsLeadId: holderOf(current, IncidentRole.COMMUNICATIONS_LEAD),
        });
        incident.onStatusPage = input.onStatusPage;
      }
      const changed = (Object.keys(before) as Array<keyof Incident>).some((k) => before[k] !== incident[k]);
      if (!changed) return incident;
      const saved = await tx.manager.getRepository(Incident).save(incident);
      if (before.onStatusPage !== incident.onStatusPage) {
        await this.timeline.record(tx, {
          incidentId: incident.id,
          kind: TimelineEventKind.NOTE,
          body: incident.onStatusPage ? 'Shown on the public status page' : 'Taken off the public status page',
          actorId: actor.userId,
        });
      }
      if (before.severity !== incident.severity) {
        await this.timeline.record(tx, {
          incidentId: incident.id,
          kind: TimelineEventKind.SEVERITY_CHANGED,
          body: `Severity changed from ${before.severity} to ${incident.severity}`,
          actorId: actor.userId,
        });
      }
      tx.publish(IncidentTopic.Changed, this.committed.attach({ kind: IncidentChangeKind.UPDATED, incidentId: incident.id }, saved));
      return saved;
    });
  }

  async setStatus(caller: Caller | null, id: string, status: IncidentStatus, note: string | null | undefined): Promise<Incident> {
    const actor = authorize(caller, Action.WorkIncident);
    const text = note?.trim() || null;
    if (text && text.length > LIMITS.note) throw badInput(`note must be at most ${LIMITS.note} characters`);
    return this.uow.run(async (tx) => {
      const incident = await lockIncident(tx.manager, id);
      const from = incident.status;
      applyStatus(incident, status, new Date());
      const saved = await tx.manager.getRepository(Incident).save(incident);
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: TimelineEventKind.STATUS_CHANGED,
        body: `Status changed from ${from} to ${status}${text ? `: ${text}` : ''}`,
        actorId: actor.userId,
      });
      tx.publish(IncidentTopic.Changed, this.committed.attach({ kind: IncidentChangeKind.UPDATED, incidentId: incident.id }, saved));
      return saved;
    });
  }

  /** Newest first, by (declaredAt, id), after the cursor `after`. */
  async list(caller: Caller | null, filter: IncidentFilter | null | undefined, first: number, after: string | null | undefined): Promise<IncidentPage> {
    authorize(caller, Action.Read);
    if (!Number.isInteger(first) || first < 0) throw badInput('first must be a non-negative integer');
    const limit = Math.min(first, MAX_PAGE_SIZE);
    const filtered = () => {
      const qb = this.dataSource.getRepository(Incident).createQueryBuilder('i');
      if (filter?.status?.length) qb.andWhere('i.status IN (:...statuses)', { statuses: filter.status });
      if (filter?.severity?.length) qb.andWhere('i.severity IN (:...severities)', { severities: filter.severity });
      return qb;
    };
    const page = filtered();
    if (after) {
      const cursor = decodeCursor(after);
      // The cursor's millisecond date is only a fallback: PostgreSQL keeps microseconds, so the
      // exact position is read from the cursor's row (a primary-key lookup) while it exists.
      page.andWhere(
        '(i.declared_at, i.id) < (COALESCE((SELECT c.declared_at FROM incidents c WHERE c.id = :id), :declaredAt), :id)',
        cursor,
      );
    }
    // Raw rows read by db/entity-rows.ts: TypeORM's hydration cost more than the statement (the board reads 50).
    const incidentRows = (this.incidentRows ??= entityRows(this.dataSource, Incident, 'i'));
    const commanders = (this.commanderRows ??= entityRows(this.dataSource, User, 'commander'));
    const raw: Array<Record<string, unknown>> = await page
      .select(incidentRows.select)
      // The commander comes in the same statement and primes the users loader.
      .addSelect(commanders.select)
      .leftJoin(User, 'commander', 'commander.id = i.commander_id')
      .orderBy('i.declared_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .limit(limit + 1)
      .getRawMany();
    const rows = raw.map((row) => {
      const incident = incidentRows.read(row)!;
      incident.commander = commanders.read(row);
      return incident;
    });
    return {
      incidents: rows.slice(0, limit),
      hasNextPage: rows.length > limit,
      totalCount: () => filtered().getCount(),
    };
  }
}
