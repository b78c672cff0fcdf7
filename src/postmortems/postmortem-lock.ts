import type { EntityManager } from 'typeorm';
import { notFound } from '../common/errors';
import { parseId } from '../common/ids';
import { Postmortem } from './postmortem.entity';

/**
 * Loads a postmortem and locks its row until the transaction ends. Edits,
 * status moves and action item changes all take it first, so that publishing
 * checks a checklist nobody is changing underneath it.
 */
export async function lockPostmortem(manager: EntityManager, id: string): Promise<Postmortem> {
  const postmortem = await manager
    .getRepository(Postmortem)
    .createQueryBuilder('p')
    .setLock('pessimistic_write')
    .where('p.id = :id', { id: parseId(id, 'postmortem id') })
    .getOne();
  if (!postmortem) throw notFound('postmortem', id);
  return postmortem;
}

/** Records `userId` as an author of the postmortem (once). */
export async function addAuthor(manager: EntityManager, postmortemId: string, userId: string, at: Date): Promise<void> {
  await manager.query(
    `INSERT INTO postmortem_authors (postmortem_id, user_id, first_contributed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [postmortemId, userId, at],
  );
}
