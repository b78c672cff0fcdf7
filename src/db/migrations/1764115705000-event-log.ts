import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log behind the pub/sub across instances: each committed change's
 * events, numbered in commit order, so that an instance cut off from Redis
 * reads what it missed when it can (see src/events/durable-pubsub.ts).
 */
export class EventLog1764115705000 implements MigrationInterface {
  name = 'EventLog1764115705000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_log (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Pruning deletes by age.
    await q.query(`CREATE INDEX event_log_created_at ON event_log (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_log`);
  }
}
