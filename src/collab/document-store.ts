import type { DataSource, EntityManager } from 'typeorm';
import * as Y from 'yjs';

/** The name of the shared Markdown text in every incident document. */
export const CONTENT = 'content';

/** A document as PostgreSQL holds it: the snapshot and the log replayed into one Y.Doc. */
export interface StoredDocument {
  doc: Y.Doc;
  /** When the document last changed; null when it has never been stored. */
  updatedAt: Date | null;
  /** Rows in the update log (not yet compacted). */
  logLength: number;
  /** Bytes read: snapshot plus log, an upper bound of the encoded document's size. */
  bytes: number;
}

type Row = { kind: number; id: string | null; data: Buffer | null; at: Date };

/**
 * The snapshot and both halves of the log come from ONE statement, so that a
 * compaction committing in between (on this or another instance) can never
 * make us read the old snapshot without the rows it folded in.
 */
const READ = `
  SELECT 0 AS kind, NULL::uuid AS id, 0::bigint AS seq, snapshot AS data, updated_at AS at
    FROM incident_documents WHERE incident_id = $1
  UNION ALL
  SELECT 1, id, seq, update, created_at FROM incident_document_updates WHERE incident_id = $1
  ORDER BY kind, seq`;

/** Replays a snapshot and its log into `doc`, in one transaction (never Y.mergeUpdates, which is quadratic). */
function replay(rows: Row[], doc = new Y.Doc()): StoredDocument {
  let updatedAt: Date | null = null;
  let bytes = 0;
  doc.transact(() => {
    for (const row of rows) {
      if (row.data && row.data.length > 0) Y.applyUpdate(doc, row.data);
      bytes += row.data?.length ?? 0;
      if (!updatedAt || row.at > updatedAt) updatedAt = row.at;
    }
  });
  return { doc, updatedAt, logLength: rows.filter((r) => r.kind === 1).length, bytes };
}

/**
 * PostgreSQL persistence of incident documents: a snapshot row per incident
 * plus an append-only update log, compacted under an advisory lock.
 */
export class DocumentStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Loads a document (into `doc` when given; inside `manager`'s transaction
   * when given). Throws on any failure; it never writes, so a failed load
   * cannot clobber anything.
   */
  async load(incidentId: string, doc?: Y.Doc, manager?: EntityManager): Promise<StoredDocument> {
    return replay(await (manager ?? this.dataSource).query(READ, [incidentId]), doc);
  }

  /** Loads several documents at once (for GraphQL lists), keyed by incident id. */
  async loadMany(incidentIds: readonly string[]): Promise<Map<string, StoredDocument>> {
    const rows: Array<Row & { incident_id: string }> = await this.dataSource.query(
      `SELECT incident_id, 0 AS kind, NULL::uuid AS id, 0::bigint AS seq, snapshot AS data, updated_at AS at
         FROM incident_documents WHERE incident_id = ANY($1::uuid[])
       UNION ALL
       SELECT incident_id, 1, id, seq, update, created_at FROM incident_document_updates WHERE incident_id = ANY($1::uuid[])
       ORDER BY incident_id, kind, seq`,
      [incidentIds],
    );
    const byId = new Map<string, Row[]>(incidentIds.map((id) => [id, []]));
    for (const row of rows) byId.get(row.incident_id)?.push(row);
    return new Map([...byId].map(([id, list]) => [id, replay(list)]));
  }

  /** The Markdown and last change of several documents, for GraphQL (one statement). */
  async readMarkdown(incidentIds: readonly string[]): Promise<Array<{ markdown: string; updatedAt: Date | null }>> {
    const stored = await this.loadMany(incidentIds);
    return incidentIds.map((id) => {
      const { doc, updatedAt } = stored.get(id)!;
      const markdown = doc.getText(CONTENT).toString();
      doc.destroy();
      return { markdown, updatedAt };
    });
  }

  /** Stores the first state of a new incident's document inside its declaration transaction. */
  async seed(manager: EntityManager, incidentId: string, state: Uint8Array): Promise<void> {
    // The incident is new in this very transaction and incident_id is the key: a seed is stored once or not at all.
    await manager.query(
      `INSERT INTO incident_documents (incident_id, snapshot) VALUES ($1, $2) ON CONFLICT (incident_id) DO NOTHING`,
      [incidentId, Buffer.from(state)],
    );
  }

  /**
   * Appends a batch of updates to the log in one statement, and notes who made
   * them (the people the next version names as its editors); inside
   * `manager`'s transaction when given.
   */
  async append(incidentId: string, updates: Uint8Array[], editorIds: readonly string[] = [], manager?: EntityManager): Promise<void> {
    if (updates.length === 0) return;
    await (manager ?? this.dataSource).query(
      `WITH appended AS (
         INSERT INTO incident_document_updates (incident_id, update) SELECT $1, unnest($2::bytea[]) RETURNING 1
       )
       INSERT INTO incident_documents (incident_id, updated_at, pending_editor_ids) VALUES ($1, now(), $3::uuid[])
       ON CONFLICT (incident_id) DO UPDATE SET updated_at = now(),
         pending_editor_ids = ARRAY(SELECT DISTINCT unnest(incident_documents.pending_editor_ids || $3::uuid[]))`,
      [incidentId, updates.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)), [...editorIds]],
    );
  }

  /**
   * Folds the log into the snapshot. Runs under a transaction-scoped advisory
   * lock per incident (skipped when another instance holds it) and deletes by
   * id exactly the rows it read, so rows appended meanwhile stay in the log.
   * Returns how many rows were folded in, or null when the lock was busy.
   */
  async compact(incidentId: string): Promise<number | null> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query(
        `SELECT pg_try_advisory_xact_lock(hashtextextended('sitrep.collab.compact:' || $1::text, 0)) AS locked`,
        [incidentId],
      );
      if (!locked) return null;
      const rows: Row[] = await manager.query(READ, [incidentId]);
      const folded = rows.filter((r) => r.kind === 1).map((r) => r.id!);
      if (folded.length === 0) return 0;
      const { doc } = replay(rows);
      const snapshot = Buffer.from(Y.encodeStateAsUpdate(doc));
      doc.destroy();
      await manager.query(
        `INSERT INTO incident_documents (incident_id, snapshot) VALUES ($1, $2)
         ON CONFLICT (incident_id) DO UPDATE SET snapshot = EXCLUDED.snapshot`,
        [incidentId, snapshot],
      );
      await manager.query(`DELETE FROM incident_document_updates WHERE id = ANY($1::uuid[])`, [folded]);
      return folded.length;
    });
  }
}
