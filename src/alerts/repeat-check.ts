import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { IncidentStatus } from '../incidents/incident.enums';
import type { AlertSource } from './alert-status.enum';

/** The open group of a key as the repeat check sees it. */
export interface OpenGroupState {
  incident_id: string;
  state_hash: string | null;
  status: IncidentStatus;
}

/**
 * The one read that recognises a repeat delivery, outside any transaction.
 *
 * Most deliveries are repeats (Alertmanager re-sends each group on every
 * repeat_interval and retries), so this statement is the whole cost of most
 * requests. It goes to TypeORM's pg pool directly, as a named prepared
 * statement: that skips TypeORM's per-query runner and lets PostgreSQL plan it
 * once per connection, which measured about 1.5x more repeats per second
 * (`npm run bench:alerts`). It only reads, so nothing transactional is lost.
 */
export class RepeatCheck {
  private readonly pool: Pool;

  constructor(
    dataSource: DataSource,
    /** Called per statement, so that /metrics still counts it. */
    private readonly onQuery: () => void = () => undefined,
  ) {
    this.pool = (dataSource.driver as PostgresDriver).master as Pool;
  }

  async openGroup(source: AlertSource, keyHash: string): Promise<OpenGroupState | null> {
    this.onQuery();
    const { rows } = await this.pool.query<OpenGroupState>({
      name: 'sitrep-alert-repeat-check',
      text: `SELECT g.incident_id, g.state_hash, i.status FROM alert_groups g JOIN incidents i ON i.id = g.incident_id
              WHERE g.source = $1 AND g.key_hash = $2 AND g.open`,
      values: [source, keyHash],
    });
    return rows[0] ?? null;
  }
}
