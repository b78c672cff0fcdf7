import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { User } from '../users/user.entity';
import { ActionItem } from './action-item.entity';
import { BlamelessMatcher } from './blameless-findings';
import { Postmortem, PostmortemAuthor } from './postmortem.entity';

/** The postmortem domain's batching loaders; part of every request's `loaders`. */
export function createPostmortemLoaders(dataSource: DataSource, prime: (user: User | undefined) => void) {
  const byIncident = new DataLoader<string, Postmortem | null>(async (incidentIds) => {
    const rows = await dataSource.getRepository(Postmortem).findBy({ incidentId: In([...incidentIds]) });
    const map = new Map(rows.map((p) => [p.incidentId, p]));
    return incidentIds.map((id) => map.get(id) ?? null);
  });

  const actionItems = new DataLoader<string, ActionItem[]>(async (postmortemIds) => {
    const rows = await dataSource
      .getRepository(ActionItem)
      .find({ where: { postmortemId: In([...postmortemIds]) }, order: { createdAt: 'ASC', id: 'ASC' } });
    return postmortemIds.map((id) => rows.filter((r) => r.postmortemId === id));
  });

  const authors = new DataLoader<string, User[]>(async (postmortemIds) => {
    const rows = await dataSource
      .getRepository(PostmortemAuthor)
      .createQueryBuilder('pa')
      .innerJoinAndMapOne('pa.user', User, 'u', 'u.id = pa.user_id')
      .where({ postmortemId: In([...postmortemIds]) })
      .orderBy('pa.first_contributed_at', 'ASC')
      .addOrderBy('u.name', 'ASC')
      .getMany();
    const users = rows.map((r) => ({ postmortemId: r.postmortemId, user: (r as PostmortemAuthor & { user: User }).user }));
    users.forEach((u) => prime(u.user));
    return postmortemIds.map((id) => users.filter((u) => u.postmortemId === id).map((u) => u.user));
  });

  let matcher: Promise<BlamelessMatcher> | undefined;
  /** One matcher per request over the people who may be named in a postmortem (integrations are not people). */
  const blamelessMatcher = () =>
    (matcher ??= dataSource
      .getRepository(User)
      .find({ where: { isIntegration: false }, select: { name: true, email: true } })
      .then((people) => new BlamelessMatcher(people)));

  return { byIncident, actionItems, authors, blamelessMatcher };
}

/** The loaders of `createPostmortemLoaders`. */
export type PostmortemLoaders = ReturnType<typeof createPostmortemLoaders>;
