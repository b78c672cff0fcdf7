import { MigrationInterface, QueryRunner } from 'typeorm';

/** The live incident document: a compacted snapshot per incident plus an append-only update log. */
export class IncidentDocuments1764115300000 implements MigrationInterface {
  name = 'IncidentDocuments1764115300000';

  async up(q: QueryRunner): Promise<void> {
    // One row per incident; the PK is the incident, so a second seed can never be stored.
    await q.query(`
      CREATE TABLE incident_documents (
        incident_id uuid PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
        snapshot bytea,
        updated_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Yjs updates commute, so seq is only for replaying in arrival order (fewer pending structs);
    // compaction deletes by id exactly the rows it folded in.
    await q.query(`
      CREATE TABLE incident_document_updates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        update bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX incident_document_updates_incident_idx ON incident_document_updates (incident_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE incident_document_updates`);
    await q.query(`DROP TABLE incident_documents`);
  }
}
