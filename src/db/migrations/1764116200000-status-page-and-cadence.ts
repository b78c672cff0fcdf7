import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The public status page and the communications lead's update cadence: which incidents are public,
 * the incident's status when each update was posted (the status page shows it per update), and the
 * due time whose overdue event has been announced (so that it is announced once, by one instance,
 * across restarts).
 */
export class StatusPageAndCadence1764116200000 implements MigrationInterface {
  name = 'StatusPageAndCadence1764116200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE incidents ADD COLUMN on_status_page boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE incidents ADD COLUMN overdue_announced_for timestamptz`);
    await q.query(`ALTER TABLE status_updates ADD COLUMN incident_status text`);
    // The status page reads public incidents only; the overdue sweep reads open ones only.
    await q.query(`CREATE INDEX incidents_on_status_page ON incidents (declared_at DESC) WHERE on_status_page`);
    await q.query(`CREATE INDEX incidents_open ON incidents (id) WHERE status <> 'RESOLVED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX incidents_open`);
    await q.query(`DROP INDEX incidents_on_status_page`);
    await q.query(`ALTER TABLE status_updates DROP COLUMN incident_status`);
    await q.query(`ALTER TABLE incidents DROP COLUMN overdue_announced_for`);
    await q.query(`ALTER TABLE incidents DROP COLUMN on_status_page`);
  }
}
