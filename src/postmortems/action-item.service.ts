import type { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller';
import { Action, authorize } from '../auth/policy';
import { badInput, notFound } from '../common/errors';
import { parseId } from '../common/ids';
import type { Tx, UnitOfWork } from '../db/unit-of-work';
import { PostmortemTopic } from './postmortem.topics';
import { User } from '../users/user.entity';
import type { ActionItemInput, UpdateActionItemInput } from './action-item.input';
import { ActionItem } from './action-item.entity';
import { lockPostmortem } from './postmortem-lock';
import { Postmortem } from './postmortem.entity';
import { ActionItemStatus } from './postmortem.enums';
import { POSTMORTEM_LIMITS } from './postmortem-limits';

/** Blank clears the URL; anything else must be an absolute http or https URL. Stored serialised. */
export function trackingUrl(raw: string | null): string | null {
  const text = raw?.trim();
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput(`trackingUrl must be an absolute http or https URL, got "${text.slice(0, 100)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badInput(`trackingUrl must use http or https, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.href.length > POSTMORTEM_LIMITS.trackingUrl) {
    throw badInput(`trackingUrl must be at most ${POSTMORTEM_LIMITS.trackingUrl} characters`);
  }
  return url.href;
}

/**
 * Action items: what follows from a postmortem. They stay editable after the
 * postmortem is published, since the work outlives the document.
 */
export class ActionItemService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
  ) {}

  async add(caller: Caller | null, postmortemId: string, input: ActionItemInput): Promise<ActionItem> {
    authorize(caller, Action.WritePostmortem);
    const url = trackingUrl(input.trackingUrl ?? null);
    const ownerId = input.ownerId == null ? null : parseId(input.ownerId, 'ownerId');
    return this.uow.run(async (tx) => {
      const postmortem = await lockPostmortem(tx.manager, postmortemId);
      if (ownerId) await this.requireUser(tx.manager, ownerId);
      const repo = tx.manager.getRepository(ActionItem);
      const item = await repo.save(
        repo.create({
          postmortemId: postmortem.id,
          title: input.title.trim(),
          kind: input.kind,
          priority: input.priority,
          status: ActionItemStatus.OPEN,
          ownerId,
          dueDate: input.dueDate ?? null,
          trackingUrl: url,
        }),
      );
      await this.touch(tx, postmortem);
      return item;
    });
  }

  /** Patch semantics: see UpdateActionItemInput. */
  async update(caller: Caller | null, id: string, input: UpdateActionItemInput): Promise<ActionItem> {
    authorize(caller, Action.WritePostmortem);
    const itemId = parseId(id, 'action item id');
    const url = input.trackingUrl === undefined ? undefined : trackingUrl(input.trackingUrl);
    const ownerId = input.ownerId === undefined ? undefined : input.ownerId === null ? null : parseId(input.ownerId, 'ownerId');
    const found = await this.dataSource.getRepository(ActionItem).findOne({ where: { id: itemId }, select: { postmortemId: true } });
    if (!found) throw notFound('action item', id);
    return this.uow.run(async (tx) => {
      // The postmortem first, as every writer of its checklist does; then the item as it now is.
      const postmortem = await lockPostmortem(tx.manager, found.postmortemId);
      const repo = tx.manager.getRepository(ActionItem);
      const item = await repo.findOne({ where: { id: itemId } });
      if (!item) throw notFound('action item', id);
      if (ownerId) await this.requireUser(tx.manager, ownerId);
      const before = { ...item };
      if (input.title != null) item.title = input.title.trim();
      if (input.status != null) item.status = input.status;
      if (input.priority != null) item.priority = input.priority;
      if (ownerId !== undefined) item.ownerId = ownerId;
      if (input.dueDate !== undefined) item.dueDate = input.dueDate;
      if (url !== undefined) item.trackingUrl = url;
      const changed = (Object.keys(before) as Array<keyof ActionItem>).some((k) =>
        before[k] instanceof Date || item[k] instanceof Date
          ? (before[k] as Date | null)?.getTime() !== (item[k] as Date | null)?.getTime()
          : before[k] !== item[k],
      );
      if (!changed) return item;
      const saved = await repo.save(item);
      await this.touch(tx, postmortem);
      return saved;
    });
  }

  /** An owner is an active person: follow-up work given to a deactivated account or an integration is nobody's. */
  private async requireUser(manager: EntityManager, userId: string): Promise<void> {
    const owner = await manager.getRepository(User).findOne({ where: { id: userId } });
    if (!owner) throw notFound('user', userId);
    if (owner.deactivatedAt) throw badInput(`${owner.name} is deactivated and cannot own an action item`);
    if (owner.isIntegration) throw badInput(`${owner.name} is an integration and cannot own an action item`);
  }

  private async touch(tx: Tx, postmortem: Postmortem): Promise<void> {
    await tx.manager.getRepository(Postmortem).update({ id: postmortem.id }, { updatedAt: new Date() });
    tx.publish(PostmortemTopic.Changed, { postmortemId: postmortem.id, incidentId: postmortem.incidentId });
  }
}
