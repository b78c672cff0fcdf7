import { MigrationInterface, QueryRunner } from 'typeorm';

/** Account management: deactivated users, and ending a user's sessions when their password changes. */
export class UserAccounts1764115600000 implements MigrationInterface {
  name = 'UserAccounts1764115600000';

  async up(q: QueryRunner): Promise<void> {
    // Deactivated users keep their row: timelines, role history and postmortems still name them.
    await q.query(`ALTER TABLE users ADD COLUMN deactivated_at timestamptz`);
    await q.query(`ALTER TABLE users ADD COLUMN session_generation integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN session_generation`);
    await q.query(`ALTER TABLE users DROP COLUMN deactivated_at`);
  }
}
