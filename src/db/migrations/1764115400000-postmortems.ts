import { MigrationInterface, QueryRunner } from 'typeorm';

/** Postmortems (one per incident), their authors and their action items. */
export class Postmortems1764115400000 implements MigrationInterface {
  name = 'Postmortems1764115400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE postmortems (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'IN_REVIEW', 'PUBLISHED')),
        summary text,
        impact text,
        root_causes text,
        trigger text,
        detection text,
        resolution text,
        went_well text[] NOT NULL DEFAULT '{}',
        went_wrong text[] NOT NULL DEFAULT '{}',
        got_lucky text[] NOT NULL DEFAULT '{}',
        started_by_id uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        CHECK ((status = 'PUBLISHED') = (published_at IS NOT NULL))
      )`);
    // One postmortem per incident: the database, not the service's check, settles two concurrent starts.
    await q.query(`CREATE UNIQUE INDEX postmortems_incident_key ON postmortems (incident_id)`);
    await q.query(`CREATE INDEX postmortems_started_by_idx ON postmortems (started_by_id)`);

    await q.query(`
      CREATE TABLE postmortem_authors (
        postmortem_id uuid NOT NULL REFERENCES postmortems (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id),
        first_contributed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (postmortem_id, user_id)
      )`);
    await q.query(`CREATE INDEX postmortem_authors_user_idx ON postmortem_authors (user_id)`);

    await q.query(`
      CREATE TABLE action_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        postmortem_id uuid NOT NULL REFERENCES postmortems (id) ON DELETE CASCADE,
        title text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('MITIGATE', 'PREVENT', 'DETECT', 'PROCESS')),
        priority text NOT NULL CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
        status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'IN_PROGRESS', 'DONE')),
        owner_id uuid REFERENCES users (id),
        due_date timestamptz,
        tracking_url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX action_items_postmortem_idx ON action_items (postmortem_id, created_at, id)`);
    // The metrics count open items per postmortem; done ones are most of them over time.
    await q.query(`CREATE INDEX action_items_open_idx ON action_items (postmortem_id) WHERE status <> 'DONE'`);
    await q.query(`CREATE INDEX action_items_owner_idx ON action_items (owner_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE action_items`);
    await q.query(`DROP TABLE postmortem_authors`);
    await q.query(`DROP TABLE postmortems`);
  }
}
