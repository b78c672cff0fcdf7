import type { DataSource } from 'typeorm';
import { Action, authorize } from '../auth/policy';
import type { Caller } from '../auth/caller';
import { badInput } from '../common/errors';
import { Change } from './change.entity';
import type { ChangeEvent } from './change-event.payload';

/** The largest page of `changes`. @default 200 */
export const MAX_CHANGES_PAGE = 200;

/** Change events in (PagerDuty Change Events v2) and the list of changes. */
export class ChangeService {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores one change event sent by an integration (an API token of RESPONDER or above). */
  async record(caller: Caller | null, event: ChangeEvent): Promise<Change> {
    const actor = authorize(caller, Action.IngestAlerts);
    const repo = this.dataSource.getRepository(Change);
    return repo.save(
      repo.create({ summary: event.summary, source: event.source, occurredAt: event.occurredAt, labelMap: event.labels, links: event.links, reportedBy: actor.userId }),
    );
  }

  /** Newest first; `since` keeps those that occurred at or after it. */
  async list(caller: Caller | null, since: Date | null | undefined, first: number): Promise<Change[]> {
    authorize(caller, Action.Read);
    if (!Number.isInteger(first) || first < 1 || first > MAX_CHANGES_PAGE) throw badInput(`first must be between 1 and ${MAX_CHANGES_PAGE}`);
    const query = this.dataSource.getRepository(Change).createQueryBuilder('c').orderBy('c.occurred_at', 'DESC').addOrderBy('c.id', 'DESC').limit(first);
    if (since) query.where('c.occurred_at >= :since', { since });
    return query.getMany();
  }
}
