import type { CollabConfig } from '../config/config';
import type { Logger } from '../observability/logger';
import { CloseCode } from './close-codes';
import type { CollabConnection } from './collab-connection';
import { CollabDocument } from './collab-document';
import type { CollabMetrics } from './collab-metrics';
import type { DocumentHistory } from './document-history';
import type { DocumentRelay } from './document-relay';
import type { DocumentStore } from './document-store';

/**
 * The documents held in memory. A document is loaded once, however many
 * clients arrive together: the first creates it, the others wait on the same
 * load. It is unloaded `unloadDelayMs` after its last client leaves, once
 * everything it holds is stored.
 */
export class DocumentRegistry {
  private readonly documents = new Map<string, CollabDocument>();
  private readonly unloadTimers = new Map<CollabDocument, NodeJS.Timeout>();
  private closing = false;
  private readonly repairTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: DocumentStore,
    private readonly config: CollabConfig,
    private readonly metrics: CollabMetrics,
    private readonly log: Logger,
    private readonly relay?: DocumentRelay,
    private readonly history?: DocumentHistory,
  ) {
    if (relay) {
      // After a Redis gap both sides may have missed edits: each asks, and asks the others to ask back.
      relay.onGap(() => this.repairAll(true));
      // A gap nobody noticed (a dropped message, a partition the client library missed) heals within an interval.
      this.repairTimer = setInterval(() => this.repairAll(false), config.repairIntervalMs).unref();
    }
  }

  private repairAll(reciprocate: boolean): void {
    for (const document of this.documents.values()) document.repair(reciprocate);
  }

  /** The document of an incident when it is loaded on this instance. */
  get(incidentId: string): CollabDocument | undefined {
    const document = this.documents.get(incidentId);
    return document?.isLoaded ? document : undefined;
  }

  /** Every connection on an incident's document, including those still waiting for the load. */
  connectionsOf(incidentId: string): CollabConnection[] {
    return [...(this.documents.get(incidentId)?.connections ?? [])];
  }

  /** Puts an admitted connection on its document; it is attached once the document is loaded. */
  join(incidentId: string, connection: CollabConnection): void {
    if (this.closing) return connection.close(CloseCode.GOING_AWAY, 'server shutting down');
    let document = this.documents.get(incidentId);
    if (!document) {
      const created = new CollabDocument(incidentId, this.store, this.config, this.metrics, this.log, this.relay, this.history);
      document = created;
      this.documents.set(incidentId, created);
      this.metrics.documentsLoaded.inc();
      created.loaded.catch((error) => this.loadFailed(created, error));
    }
    this.cancelUnload(document);
    document.connections.add(connection);
    connection.document = document;
    const target = document;
    target.loaded.then(
      () => {
        if (target.connections.has(connection)) connection.attach(target);
      },
      () => undefined,
    );
  }

  /** Takes a closed connection off its document; the last one out schedules the unload. */
  leave(connection: CollabConnection): void {
    const document = connection.document;
    if (!document) return;
    document.remove(connection);
    if (document.connections.size === 0) this.scheduleUnload(document);
  }

  private loadFailed(document: CollabDocument, error: unknown): void {
    // Nothing was written: the half-built doc is thrown away, never stored over the real one.
    this.log.error({ err: error, incidentId: document.incidentId }, 'loading the incident document failed');
    this.forget(document);
    for (const connection of document.connections) connection.close(CloseCode.LOAD_FAILED, 'the document could not be loaded; retrying');
  }

  private scheduleUnload(document: CollabDocument): void {
    if (this.closing || this.unloadTimers.has(document)) return;
    this.unloadTimers.set(
      document,
      setTimeout(() => void this.unload(document), this.config.unloadDelayMs),
    );
  }

  private cancelUnload(document: CollabDocument): void {
    clearTimeout(this.unloadTimers.get(document));
    this.unloadTimers.delete(document);
  }

  private async unload(document: CollabDocument): Promise<void> {
    this.unloadTimers.delete(document);
    if (document.connections.size > 0 || this.documents.get(document.incidentId) !== document) return;
    try {
      await document.loaded;
      await document.close();
    } catch {
      // Load failures are handled by loadFailed; a failed flush keeps the document and tries again later.
      if (this.documents.get(document.incidentId) === document && document.connections.size === 0) this.scheduleUnload(document);
      return;
    }
    // Re-checked after the awaits: a client that arrived meanwhile keeps the document (and the
    // delete below is synchronous, so a later arrival loads a fresh copy that includes the flush).
    if (document.connections.size > 0) return;
    if (!document.isClean) return this.scheduleUnload(document);
    this.forget(document);
  }

  private forget(document: CollabDocument): void {
    this.cancelUnload(document);
    if (this.documents.get(document.incidentId) !== document) return;
    this.documents.delete(document.incidentId);
    this.metrics.documentsLoaded.dec();
    document.destroy();
  }

  /** Closes every connection with 1001, stores everything pending and frees the documents. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.repairTimer);
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    const documents = [...this.documents.values()];
    for (const document of documents) {
      for (const connection of document.connections) connection.close(CloseCode.GOING_AWAY, 'server shutting down');
    }
    const results = await Promise.allSettled(documents.map((d) => d.loaded.then(() => d.close())));
    results.forEach((result, i) => {
      if (result.status === 'rejected' && documents[i].isLoaded) {
        this.log.error({ err: result.reason, incidentId: documents[i].incidentId }, 'document not fully stored at shutdown');
      }
    });
    for (const document of documents) this.forget(document);
  }
}
