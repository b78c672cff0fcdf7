import type { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller';
import { Action, authorize } from '../auth/policy';
import { badInput, conflict, notFound } from '../common/errors';
import { parseId } from '../common/ids';
import type { UnitOfWork } from '../db/unit-of-work';
import { IncidentTopic } from '../incidents/incident.topics';
import { PostmortemTopic } from './postmortem.topics';
import { lockIncident } from '../incidents/incident-lock';
import { IncidentChangeKind } from '../incidents/incident.enums';
import { TimelineEventKind } from '../incidents/timeline/timeline-event-kind.enum';
import { TimelineEvent } from '../incidents/timeline/timeline-event.entity';
import type { TimelineService } from '../incidents/timeline/timeline.service';
import { User } from '../users/user.entity';
import { ActionItem } from './action-item.entity';
import { postmortemChecklist } from './postmortem-checklist';
import { addAuthor, lockPostmortem } from './postmortem-lock';
import { prefillFrom } from './postmortem-prefill';
import { Postmortem } from './postmortem.entity';
import { PostmortemStatus } from './postmortem.enums';
import type { ChecklistItem } from './postmortem.types';
import type { LessonsLearnedInput, UpdatePostmortemInput } from './update-postmortem.input';

/** Where each status may move next. */
const NEXT: Record<PostmortemStatus, PostmortemStatus[]> = {
  [PostmortemStatus.DRAFT]: [PostmortemStatus.IN_REVIEW],
  [PostmortemStatus.IN_REVIEW]: [PostmortemStatus.PUBLISHED, PostmortemStatus.DRAFT],
  [PostmortemStatus.PUBLISHED]: [],
};

const SECTIONS = ['summary', 'impact', 'rootCauses', 'trigger', 'detection', 'resolution'] as const;
const LISTS = ['wentWell', 'wentWrong', 'gotLucky'] as const;

/** Blank text clears a section; other text is kept as written, without surrounding whitespace. */
function sectionText(value: string | null): string | null {
  return value?.trim() ? value.trim() : null;
}

function lessons(input: LessonsLearnedInput, name: (typeof LISTS)[number]): string[] | undefined {
  const value = input[name];
  if (value === undefined) return undefined;
  const entries = (value ?? []).map((entry) => entry.trim());
  if (entries.some((entry) => !entry)) throw badInput(`lessonsLearned.${name} entries must not be blank`);
  return entries;
}

/** Starting, writing and publishing postmortems. Action items are ActionItemService's. */
export class PostmortemService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly timeline: TimelineService,
  ) {}

  async get(caller: Caller | null, id: string): Promise<Postmortem | null> {
    authorize(caller, Action.Read);
    return this.dataSource.getRepository(Postmortem).findOne({ where: { id: parseId(id, 'postmortem id') } });
  }

  /** Like `get`, for callers that need the postmortem to exist (the subscription and its events): NOT_FOUND otherwise. */
  async require(caller: Caller | null, id: string): Promise<Postmortem> {
    const postmortem = await this.get(caller, id);
    if (!postmortem) throw notFound('postmortem', id);
    return postmortem;
  }

  /**
   * Starts the postmortem of an incident, pre-filled from what the incident
   * records, and notes it on the timeline. One per incident: a second start
   * answers CONFLICT, also when two arrive at once.
   */
  async start(caller: Caller | null, incidentId: string): Promise<Postmortem> {
    const actor = authorize(caller, Action.WritePostmortem);
    return this.uow.run(async (tx) => {
      // The incident lock serialises concurrent starts; the unique index backs it up.
      const incident = await lockIncident(tx.manager, incidentId);
      const repo = tx.manager.getRepository(Postmortem);
      const existing = await repo.findOne({ where: { incidentId: incident.id }, select: { id: true } });
      if (existing) throw conflict(`incident ${incident.id} already has a postmortem`, { postmortemId: existing.id });
      const now = new Date();
      const prefill = prefillFrom(incident);
      let postmortem: Postmortem;
      try {
        postmortem = await repo.save(
          repo.create({
            incidentId: incident.id,
            status: PostmortemStatus.DRAFT,
            summary: prefill.summary,
            impact: prefill.impact,
            rootCauses: null,
            trigger: null,
            detection: prefill.detection,
            resolution: null,
            wentWell: [],
            wentWrong: [],
            gotLucky: [],
            startedById: actor.userId,
            publishedAt: null,
          }),
        );
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw conflict(`incident ${incident.id} already has a postmortem`);
        throw error;
      }
      await addAuthor(tx.manager, postmortem.id, actor.userId, now);
      const starter = await tx.manager.getRepository(User).findOneByOrFail({ id: actor.userId });
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: TimelineEventKind.POSTMORTEM_STARTED,
        body: `Postmortem started by ${starter.name}`,
        actorId: actor.userId,
        occurredAt: now,
      });
      tx.publish(PostmortemTopic.Changed, { postmortemId: postmortem.id, incidentId: incident.id });
      tx.publish(IncidentTopic.Changed, { kind: IncidentChangeKind.UPDATED, incidentId: incident.id, postmortemId: postmortem.id });
      return postmortem;
    });
  }

  /** Patch semantics: only the fields given change. A published postmortem's sections are frozen. */
  async update(caller: Caller | null, id: string, input: UpdatePostmortemInput): Promise<Postmortem> {
    const actor = authorize(caller, Action.WritePostmortem);
    const lists: Partial<Record<(typeof LISTS)[number], string[]>> =
      input.lessonsLearned === null
        ? { wentWell: [], wentWrong: [], gotLucky: [] }
        : input.lessonsLearned
          ? Object.fromEntries(LISTS.map((n) => [n, lessons(input.lessonsLearned!, n)]))
          : {};
    return this.uow.run(async (tx) => {
      const postmortem = await lockPostmortem(tx.manager, id);
      if (postmortem.status === PostmortemStatus.PUBLISHED) {
        throw conflict(`postmortem ${postmortem.id} is published: its sections are frozen (action items stay editable)`);
      }
      let changed = false;
      for (const name of SECTIONS) {
        if (input[name] === undefined) continue;
        const next = sectionText(input[name] ?? null);
        if (next !== postmortem[name]) changed = true;
        postmortem[name] = next;
      }
      for (const name of LISTS) {
        const next = lists[name];
        if (next === undefined) continue;
        if (JSON.stringify(next) !== JSON.stringify(postmortem[name])) changed = true;
        postmortem[name] = next;
      }
      if (!changed) return postmortem;
      const saved = await tx.manager.getRepository(Postmortem).save(postmortem);
      await addAuthor(tx.manager, postmortem.id, actor.userId, new Date());
      tx.publish(PostmortemTopic.Changed, { postmortemId: postmortem.id, incidentId: postmortem.incidentId });
      return saved;
    });
  }

  /**
   * DRAFT → IN_REVIEW → PUBLISHED, and IN_REVIEW back to DRAFT. Publishing
   * needs every checklist item done; the open ones are listed in the error.
   */
  async setStatus(caller: Caller | null, id: string, status: PostmortemStatus): Promise<Postmortem> {
    authorize(caller, Action.WritePostmortem);
    return this.uow.run(async (tx) => {
      const postmortem = await lockPostmortem(tx.manager, id);
      const from = postmortem.status;
      if (from === status) throw badInput(`the postmortem is already ${status}`);
      if (from === PostmortemStatus.PUBLISHED) throw conflict('the postmortem is published; publication is final');
      if (!NEXT[from].includes(status)) {
        throw badInput(`a ${from} postmortem can move to ${NEXT[from].join(' or ')}, not ${status}`);
      }
      if (status === PostmortemStatus.PUBLISHED) {
        const open = (await this.checklistIn(tx.manager, postmortem)).filter((item) => !item.done);
        if (open.length) {
          throw badInput(`the postmortem cannot be published while checklist items are open: ${open.map((i) => i.label).join('; ')}`, {
            openChecklistItems: open.map(({ key, label }) => ({ key, label })),
          });
        }
      }
      postmortem.status = status;
      postmortem.publishedAt = status === PostmortemStatus.PUBLISHED ? new Date() : null;
      const saved = await tx.manager.getRepository(Postmortem).save(postmortem);
      tx.publish(PostmortemTopic.Changed, { postmortemId: postmortem.id, incidentId: postmortem.incidentId, published: status === PostmortemStatus.PUBLISHED });
      // Whether a postmortem is still owed for the incident may have changed.
      tx.publish(IncidentTopic.Changed, { kind: IncidentChangeKind.UPDATED, incidentId: postmortem.incidentId, postmortemId: postmortem.id });
      return saved;
    });
  }

  /** The checklist as the transaction sees it. */
  private async checklistIn(manager: EntityManager, postmortem: Postmortem): Promise<ChecklistItem[]> {
    const actionItems = await manager.getRepository(ActionItem).find({ where: { postmortemId: postmortem.id }, select: { kind: true, ownerId: true } });
    const events = await manager.getRepository(TimelineEvent).find({ where: { incidentId: postmortem.incidentId }, select: { kind: true } });
    return postmortemChecklist({ postmortem, actionItems, timelineKinds: events.map((e) => e.kind) });
  }
}
