import { MigrationInterface, QueryRunner } from 'typeorm';

/** API tokens (each with its integration user), alert groups and their alerts. */
export class AlertsAndApiTokens1764115500000 implements MigrationInterface {
  name = 'AlertsAndApiTokens1764115500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('ADMIN', 'RESPONDER', 'VIEWER')),
        token_hash text NOT NULL,
        user_id uuid NOT NULL REFERENCES users (id),
        created_by_id uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    // Authentication looks a token up by the SHA-256 of its secret, on every request.
    await q.query(`CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash)`);
    await q.query(`CREATE UNIQUE INDEX api_tokens_user_key ON api_tokens (user_id)`);

    await q.query(`
      CREATE TABLE alert_groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source text NOT NULL CHECK (source IN ('alertmanager', 'pagerduty')),
        key_hash text NOT NULL,
        group_key text NOT NULL,
        -- Null only inside the transaction that claims the group and then declares its incident.
        incident_id uuid UNIQUE REFERENCES incidents (id) ON DELETE CASCADE,
        previous_incident_id uuid REFERENCES incidents (id) ON DELETE SET NULL,
        open boolean NOT NULL DEFAULT true,
        -- Hash of the alert states of the last delivery applied: a repeat is recognised with one read.
        state_hash text,
        truncated_alerts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One open group (hence one open incident) per alert group key: 50 concurrent deliveries of a
    // new group all try to INSERT here and exactly one succeeds.
    await q.query(`CREATE UNIQUE INDEX alert_groups_open_key ON alert_groups (source, key_hash) WHERE open`);
    await q.query(`CREATE INDEX alert_groups_history_idx ON alert_groups (source, key_hash, created_at DESC)`);

    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES alert_groups (id) ON DELETE CASCADE,
        incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        fingerprint text NOT NULL,
        status text NOT NULL CHECK (status IN ('FIRING', 'RESOLVED')),
        summary text,
        labels jsonb NOT NULL DEFAULT '{}',
        annotations jsonb NOT NULL DEFAULT '{}',
        starts_at timestamptz NOT NULL,
        ends_at timestamptz,
        generator_url text,
        source_acknowledged_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (group_id, fingerprint)
      )`);
    await q.query(`CREATE INDEX alerts_incident_idx ON alerts (incident_id, starts_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alerts`);
    await q.query(`DROP TABLE alert_groups`);
    await q.query(`DROP TABLE api_tokens`);
  }
}
