import type { EntityManager } from 'typeorm';
import { notFound } from '../common/errors';
import { parseId } from '../common/ids';
import { User } from './user.entity';

/**
 * Locks the active admins' rows and then the user about to change, and says
 * how many active admins there are. Every change of a role or of
 * deactivation takes the admins' locks first, in id order, so two admins
 * demoting each other at the same moment cannot both see "another admin is
 * left": the second waits and then counts what the first committed.
 */
export async function lockUserForChange(manager: EntityManager, id: string): Promise<{ user: User; activeAdmins: number }> {
  const userId = parseId(id, 'user id');
  const admins: Array<{ id: string }> = await manager.query(
    `SELECT id FROM users WHERE role = 'ADMIN' AND deactivated_at IS NULL ORDER BY id FOR UPDATE`,
  );
  const user = await manager.getRepository(User).findOne({ where: { id: userId }, lock: { mode: 'pessimistic_write' } });
  if (!user) throw notFound('user', id);
  return { user, activeAdmins: admins.length };
}
