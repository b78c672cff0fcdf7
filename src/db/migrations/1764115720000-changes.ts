import { MigrationInterface, QueryRunner } from 'typeorm';

/** Changes reported by PagerDuty Change Events, listed newest first and joined to incidents by time. */
export class Changes1764115720000 implements MigrationInterface {
  name = 'Changes1764115720000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        summary text NOT NULL,
        source text,
        occurred_at timestamptz NOT NULL,
        labels jsonb NOT NULL DEFAULT '{}',
        links jsonb NOT NULL DEFAULT '[]',
        reported_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX changes_occurred_idx ON changes (occurred_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE changes`);
  }
}
