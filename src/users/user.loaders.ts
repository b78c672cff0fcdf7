import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { User } from './user.entity';

/**
 * Users by id, for one request. `prime` lets other domains' loaders that join
 * users (role holders, timeline actors, authors) fill it, so that names cost no
 * extra statement.
 */
export function createUserLoaders(dataSource: DataSource) {
  const users = new DataLoader<string, User | null>(async (ids) => {
    const rows = await dataSource.getRepository(User).findBy({ id: In([...ids]) });
    const byId = new Map(rows.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id) ?? null);
  });
  const prime = (user: User | undefined) => {
    if (user) users.prime(user.id, user);
  };
  return { users, prime };
}

/** The users domain's loaders (part of every request's `loaders`). */
export type UserLoaders = ReturnType<typeof createUserLoaders>;
