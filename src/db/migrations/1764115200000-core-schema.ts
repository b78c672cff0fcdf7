import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, incidents, command roles, timeline and status updates. */
export class CoreSchema1764115200000 implements MigrationInterface {
  name = 'CoreSchema1764115200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('ADMIN', 'RESPONDER', 'VIEWER')),
        password_hash text,
        is_integration boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);

    await q.query(`
      CREATE TABLE incidents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        summary text,
        severity text NOT NULL CHECK (severity IN ('SEV1', 'SEV2', 'SEV3', 'SEV4')),
        status text NOT NULL CHECK (status IN ('INVESTIGATING', 'IDENTIFIED', 'MITIGATED', 'RESOLVED')),
        trigger text NOT NULL CHECK (trigger IN ('USER_REPORT', 'AUTOMATED_ALERT', 'STAFF_IDENTIFIED')),
        declared_at timestamptz NOT NULL DEFAULT now(),
        acknowledged_at timestamptz,
        mitigated_at timestamptz,
        resolved_at timestamptz,
        commander_id uuid NOT NULL REFERENCES users (id),
        declared_by_id uuid NOT NULL REFERENCES users (id),
        user_visible_downtime boolean NOT NULL DEFAULT false,
        slo_breached boolean NOT NULL DEFAULT false,
        data_loss boolean NOT NULL DEFAULT false,
        monitoring_failure boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (resolved_at IS NULL OR status = 'RESOLVED')
      )`);
    // The connection pages newest first by (declared_at, id); the filters narrow by status and severity.
    await q.query(`CREATE INDEX incidents_declared_idx ON incidents (declared_at DESC, id DESC)`);
    await q.query(`CREATE INDEX incidents_status_idx ON incidents (status, declared_at DESC)`);
    await q.query(`CREATE INDEX incidents_severity_idx ON incidents (severity, declared_at DESC)`);
    await q.query(`CREATE INDEX incidents_commander_idx ON incidents (commander_id)`);

    await q.query(`
      CREATE TABLE role_assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('INCIDENT_COMMANDER', 'COMMUNICATIONS_LEAD', 'OPERATIONS_LEAD', 'PLANNING_LEAD')),
        user_id uuid NOT NULL REFERENCES users (id),
        assigned_by_id uuid REFERENCES users (id),
        assigned_at timestamptz NOT NULL DEFAULT now(),
        relieved_at timestamptz,
        CHECK (relieved_at IS NULL OR relieved_at >= assigned_at)
      )`);
    // At most one current holder per role: the database, not luck, prevents two commanders.
    await q.query(
      `CREATE UNIQUE INDEX role_assignments_current_key ON role_assignments (incident_id, role) WHERE relieved_at IS NULL`,
    );
    await q.query(`CREATE INDEX role_assignments_history_idx ON role_assignments (incident_id, assigned_at)`);
    await q.query(`CREATE INDEX role_assignments_user_idx ON role_assignments (user_id)`);

    await q.query(`
      CREATE TABLE timeline_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        kind text NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid REFERENCES users (id),
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX timeline_events_incident_idx ON timeline_events (incident_id, occurred_at, created_at)`);
    await q.query(`CREATE INDEX timeline_events_kind_idx ON timeline_events (kind, incident_id)`);

    await q.query(`
      CREATE TABLE status_updates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        audience text NOT NULL CHECK (audience IN ('INTERNAL', 'EXTERNAL')),
        body text NOT NULL,
        author_id uuid NOT NULL REFERENCES users (id),
        posted_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX status_updates_incident_idx ON status_updates (incident_id, posted_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE status_updates`);
    await q.query(`DROP TABLE timeline_events`);
    await q.query(`DROP TABLE role_assignments`);
    await q.query(`DROP TABLE incidents`);
    await q.query(`DROP TABLE users`);
  }
}
