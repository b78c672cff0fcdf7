import { MigrationInterface, QueryRunner } from 'typeorm';

/** Versions of the live incident document, and who edited it since the last one. */
export class DocumentVersions1764115712000 implements MigrationInterface {
  name = 'DocumentVersions1764115712000';

  async up(q: QueryRunner): Promise<void> {
    // state: the deflated Yjs state (documentAt replays later edits on it); markdown: its text, for reading it
    // without a Yjs replay. Apart from the update log and its snapshot: compaction never touches a version.
    await q.query(`
      CREATE TABLE incident_document_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        taken_at timestamptz NOT NULL,
        reason text NOT NULL,
        editor_ids uuid[] NOT NULL DEFAULT '{}',
        state bytea NOT NULL,
        markdown text NOT NULL
      )`);
    await q.query(`CREATE INDEX incident_document_versions_incident_idx ON incident_document_versions (incident_id, taken_at)`);
    // People whose edits were stored since the last version; moved onto the next one.
    await q.query(`ALTER TABLE incident_documents ADD COLUMN pending_editor_ids uuid[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE incident_documents DROP COLUMN pending_editor_ids`);
    await q.query(`DROP TABLE incident_document_versions`);
  }
}
