import zlib from 'node:zlib';
import type { DataSource, EntityManager } from 'typeorm';
import * as Y from 'yjs';
import type { Logger } from '../observability/logger';
import { CONTENT, type DocumentStore } from './document-store';

/** One kept version, without its (possibly large) state. */
export interface VersionRow {
  id: string;
  incidentId: string;
  takenAt: Date;
  reason: string;
  editorIds: string[];
  /** Size of the stored state and Markdown, as PostgreSQL stores them (compressed). */
  bytes: number;
}

/** Why a version was kept when people edit and nothing else happens. */
export const PERIODIC = 'PERIODIC';

/** The advisory lock taken while a document's versions or kept sections change (one writer at a time, any instance). */
export function documentLockKey(incidentId: string): string {
  return `sitrep.collab.document:${incidentId}`;
}

/** Takes the document's advisory lock for the rest of the transaction `manager` runs in. */
export async function lockDocument(manager: EntityManager, incidentId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [documentLockKey(incidentId)]);
}

/** A version's stored state: the document's encoded state (Yjs update v2, garbage-collected), deflated. */
export function encodeVersionState(doc: Y.Doc): Buffer {
  return zlib.deflateRawSync(Y.encodeStateAsUpdateV2(doc));
}

/** Applies a stored version state to `doc`. */
export function applyVersionState(doc: Y.Doc, state: Uint8Array): void {
  Y.applyUpdateV2(doc, zlib.inflateRawSync(state));
}

/**
 * The history of incident documents: versions kept at declaration, at every
 * status, severity and command change, and at most every `intervalMs` while
 * people edit. A version stores the document's encoded state (deflated Yjs
 * update, garbage-collected), so its size is bounded by the document's own
 * limit, and its Markdown (which PostgreSQL compresses), so that reading a
 * version never replays a Yjs document; versions live apart from the update log and its snapshot, so
 * compaction never touches them. Past `maxVersions` per incident the oldest
 * PERIODIC ones give way first.
 */
export class DocumentHistory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DocumentStore,
    private readonly options: { intervalMs: number; maxVersions: number },
  ) {}

  /** The periodic interval, for documents deciding whether a version may be due. */
  get intervalMs(): number {
    return this.options.intervalMs;
  }

  /**
   * Keeps `doc` as a version inside the caller's transaction. The people who
   * edited since the previous version (recorded with the update log) are
   * moved onto it.
   */
  async record(manager: EntityManager, incidentId: string, doc: Y.Doc, reason: string, takenAt = new Date()): Promise<string> {
    const state = encodeVersionState(doc);
    const [{ id }] = await manager.query(
      `WITH old AS (SELECT pending_editor_ids AS ids FROM incident_documents WHERE incident_id = $1 FOR UPDATE),
            cleared AS (UPDATE incident_documents SET pending_editor_ids = '{}' WHERE incident_id = $1)
       INSERT INTO incident_document_versions (incident_id, taken_at, reason, editor_ids, state, markdown)
       VALUES ($1, $2, $3, COALESCE((SELECT ids FROM old), '{}'), $4, $5) RETURNING id`,
      [incidentId, takenAt, reason, state, doc.getText(CONTENT).toString()],
    );
    await manager.query(
      `DELETE FROM incident_document_versions WHERE id IN (
         SELECT id FROM incident_document_versions WHERE incident_id = $1
          ORDER BY (reason <> '${PERIODIC}'), taken_at
          LIMIT GREATEST(0, (SELECT count(*) FROM incident_document_versions WHERE incident_id = $1) - $2))`,
      [incidentId, this.options.maxVersions],
    );
    return id;
  }

  /**
   * Keeps a PERIODIC version of a loaded document when people edited it and
   * the last version is at least `intervalMs` old. Checked under the
   * document's lock, so that instances sharing the document keep one.
   * Returns when the latest version was taken (to skip the check until due).
   */
  async keepPeriodic(incidentId: string, doc: Y.Doc): Promise<Date | null> {
    return this.dataSource.transaction(async (manager) => {
      await lockDocument(manager, incidentId);
      const [row] = await manager.query(
        `SELECT (SELECT max(taken_at) FROM incident_document_versions WHERE incident_id = $1) AS last,
                cardinality(pending_editor_ids) > 0 AS edited
           FROM incident_documents WHERE incident_id = $1`,
        [incidentId],
      );
      const last: Date | null = row?.last ?? null;
      if (!row?.edited || (last && Date.now() - last.getTime() < this.options.intervalMs)) return last;
      const now = new Date();
      await this.record(manager, incidentId, doc, PERIODIC, now);
      return now;
    });
  }

  /** When the latest version of a document was kept (null: never). */
  async lastTakenAt(incidentId: string): Promise<Date | null> {
    const [row] = await this.dataSource.query(`SELECT max(taken_at) AS last FROM incident_document_versions WHERE incident_id = $1`, [incidentId]);
    return row?.last ?? null;
  }

  /** Every version of several incidents, oldest first, keyed by incident (one statement, no states). */
  async list(incidentIds: readonly string[]): Promise<VersionRow[][]> {
    const rows: Array<{ id: string; incident_id: string; taken_at: Date; reason: string; editor_ids: string[]; bytes: number }> = await this.dataSource.query(
      `SELECT id, incident_id, taken_at, reason, editor_ids, pg_column_size(state) + pg_column_size(markdown) AS bytes
         FROM incident_document_versions WHERE incident_id = ANY($1::uuid[]) ORDER BY taken_at, id`,
      [incidentIds],
    );
    const byId = new Map<string, VersionRow[]>(incidentIds.map((id) => [id, []]));
    for (const r of rows) {
      byId.get(r.incident_id)?.push({ id: r.id, incidentId: r.incident_id, takenAt: r.taken_at, reason: r.reason, editorIds: r.editor_ids, bytes: Number(r.bytes) });
    }
    return incidentIds.map((id) => byId.get(id)!);
  }

  /** The Markdown of several versions, by id (one statement). */
  async markdown(versionIds: readonly string[]): Promise<string[]> {
    const rows: Array<{ id: string; markdown: string }> = await this.dataSource.query(
      `SELECT id, markdown FROM incident_document_versions WHERE id = ANY($1::uuid[])`,
      [versionIds],
    );
    const byId = new Map(rows.map((r) => [r.id, r.markdown]));
    return versionIds.map((id) => byId.get(id) ?? '');
  }

  /**
   * The document as it stood at `time`: the latest version kept at or before
   * it, plus the edits in the update log stored at or before it (exact to the
   * edit while the log still holds them; after a compaction, exact to the
   * version). Empty before the first version; the stored document when it
   * has not changed since `time`.
   */
  async at(incidentId: string, time: Date): Promise<{ markdown: string; updatedAt: Date | null }> {
    const [current] = await this.dataSource.query(`SELECT updated_at FROM incident_documents WHERE incident_id = $1`, [incidentId]);
    if (current && current.updated_at <= time) {
      const [stored] = await this.store.readMarkdown([incidentId]);
      return stored;
    }
    const rows: Array<{ kind: number; data: Buffer | null; markdown: string | null; at: Date }> = await this.dataSource.query(
      `(SELECT 0 AS kind, state AS data, markdown, taken_at AS at FROM incident_document_versions
          WHERE incident_id = $1 AND taken_at <= $2 ORDER BY taken_at DESC LIMIT 1)
       UNION ALL
       (SELECT 1, update, NULL, created_at FROM incident_document_updates
          WHERE incident_id = $1 AND created_at <= $2
            AND created_at >= COALESCE((SELECT max(taken_at) FROM incident_document_versions WHERE incident_id = $1 AND taken_at <= $2), '-infinity')
          ORDER BY seq)`,
      [incidentId, time],
    );
    const version = rows.find((r) => r.kind === 0);
    if (!version) return { markdown: '', updatedAt: null };
    const edits = rows.filter((r) => r.kind === 1);
    if (edits.length === 0) return { markdown: version.markdown ?? '', updatedAt: version.at };
    const doc = new Y.Doc();
    try {
      let updatedAt = version.at;
      doc.transact(() => {
        applyVersionState(doc, version.data!);
        for (const row of edits) {
          Y.applyUpdate(doc, row.data!);
          if (row.at > updatedAt) updatedAt = row.at;
        }
      });
      return { markdown: doc.getText(CONTENT).toString(), updatedAt };
    } finally {
      doc.destroy();
    }
  }

  /** The first version with `reason` kept at or after `time` (the document as a change left it). */
  async firstAfter(incidentId: string, time: Date, reason: string): Promise<{ id: string; markdown: string } | null> {
    const [row] = await this.dataSource.query(
      `SELECT id, markdown FROM incident_document_versions WHERE incident_id = $1 AND taken_at >= $2 AND reason = $3 ORDER BY taken_at LIMIT 1`,
      [incidentId, time, reason],
    );
    return row ? { id: row.id, markdown: row.markdown } : null;
  }
}

/**
 * The PERIODIC versions of one loaded document: after people's edits are
 * stored, a version when the last one is an interval old. The database is
 * asked only once an interval has passed since the last version known here
 * (DocumentHistory.keepPeriodic decides under the document's lock).
 */
export class PeriodicVersions {
  /** When the latest version was kept (undefined: not read yet). */
  private lastAt: Date | null | undefined;
  private running = false;
  private stopped = false;

  constructor(
    private readonly history: DocumentHistory,
    private readonly incidentId: string,
    private readonly doc: Y.Doc,
    private readonly log: Logger,
  ) {}

  /** People's edits were stored: keeps a version if one is due. */
  edited(): void {
    const interval = this.history.intervalMs;
    if (this.running || this.stopped || (this.lastAt && Date.now() - this.lastAt.getTime() < interval)) return;
    this.running = true;
    const known = this.lastAt === undefined ? this.history.lastTakenAt(this.incidentId) : Promise.resolve(this.lastAt);
    void known
      .then(async (last) => {
        this.lastAt = last;
        if (this.stopped || (last && Date.now() - last.getTime() < interval)) return;
        this.lastAt = await this.history.keepPeriodic(this.incidentId, this.doc);
      })
      .catch((error) => this.log.error({ err: error, incidentId: this.incidentId }, 'keeping a document version failed'))
      .finally(() => {
        this.running = false;
      });
  }

  /** The document is being freed. */
  stop(): void {
    this.stopped = true;
  }
}
