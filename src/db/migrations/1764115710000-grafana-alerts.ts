import { MigrationInterface, QueryRunner } from 'typeorm';

/** Grafana Alerting's webhook contact point is a third alert source. */
export class GrafanaAlerts1764115710000 implements MigrationInterface {
  name = 'GrafanaAlerts1764115710000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert_groups DROP CONSTRAINT alert_groups_source_check`);
    await q.query(`ALTER TABLE alert_groups ADD CONSTRAINT alert_groups_source_check CHECK (source IN ('alertmanager', 'pagerduty', 'grafana'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alert_groups WHERE source = 'grafana'`);
    await q.query(`ALTER TABLE alert_groups DROP CONSTRAINT alert_groups_source_check`);
    await q.query(`ALTER TABLE alert_groups ADD CONSTRAINT alert_groups_source_check CHECK (source IN ('alertmanager', 'pagerduty'))`);
  }
}
