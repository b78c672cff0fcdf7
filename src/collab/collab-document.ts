import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { CollabConfig } from '../config/config';
import type { Logger } from '../observability/logger';
import type { CollabConnection } from './collab-connection';
import type { CollabMetrics } from './collab-metrics';
import { PeriodicVersions, type DocumentHistory } from './document-history';
import { DocumentBroadcast, REMOTE } from './document-broadcast';
import { MessageType } from './sync-messages';
import { DocumentPersistence } from './document-persistence';
import type { DocumentRelay } from './document-relay';
import { CONTENT, type DocumentStore } from './document-store';

/** y-websocket message types. */
export { MessageType } from './sync-messages';

/**
 * A relay-only message between instances (never sent to clients): "here is my
 * state vector; send me what I lack", and with `reciprocate` set also "and
 * ask me for what you lack". Sent after a Redis gap and periodically.
 */
const RELAY_REPAIR = 100;

export { REMOTE } from './document-broadcast';

/** Thrown when an edit would push the document past `collab.maxDocumentBytes`. */
export class DocumentTooLargeError extends Error {}

/** The origin of one transaction that applied several connections' edits together. */
class ClientEdits {
  constructor(readonly connections: ReadonlySet<CollabConnection>) {}
}

/**
 * One incident document in memory: the Y.Doc, its awareness and the
 * connections on it. DocumentBroadcast sends its changes (to the sockets and
 * other instances); DocumentPersistence stores them.
 */
export class CollabDocument {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Every connection attached to this document, including those waiting for the load. */
  readonly connections = new Set<CollabConnection>();
  /** Settles when the stored state is in `doc`; rejects when the load failed. */
  readonly loaded: Promise<void>;
  isLoaded = false;
  updatedAt: Date | null = null;

  private approxBytes = 0;
  /** Clients' updates accepted and waiting to be applied together (see applyClientUpdate). */
  private pending: Array<{ update: Uint8Array; connection: CollabConnection }> = [];
  private persistence: DocumentPersistence | undefined;
  private readonly broadcast: DocumentBroadcast;
  /** Relay messages that arrived while the document was loading. */
  private remoteEarly: Uint8Array[] = [];
  private destroyed = false;
  private readonly versions: PeriodicVersions | undefined;

  constructor(
    readonly incidentId: string,
    private readonly store: DocumentStore,
    private readonly config: CollabConfig,
    private readonly metrics: CollabMetrics,
    private readonly log: Logger,
    private readonly relay?: DocumentRelay,
    history?: DocumentHistory,
  ) {
    this.versions = history && new PeriodicVersions(history, incidentId, this.doc, log);
    this.broadcast = new DocumentBroadcast(this, config.broadcastIntervalMs, relay);
    this.awareness.setLocalState(null);
    this.loaded = this.load();
  }

  private async load(): Promise<void> {
    // Subscribed before reading PostgreSQL, so that no other instance's edit falls in between.
    await this.relay?.join(this.incidentId, (message) => this.onRemote(message));
    // Replayed before any listener exists: stored state is neither re-stored nor broadcast.
    const stored = await this.store.load(this.incidentId, this.doc);
    this.approxBytes = stored.bytes;
    this.updatedAt = stored.updatedAt;
    this.persistence = new DocumentPersistence(this.incidentId, this.store, this.config, this.metrics, this.log, stored.logLength, () => this.versions?.edited());
    this.doc.on('update', (update: Uint8Array, origin: unknown) => this.onUpdate(update, origin));
    this.awareness.on('update', (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) =>
      this.onAwareness(changes, origin),
    );
    this.isLoaded = true;
    if (this.relay) {
      for (const message of this.remoteEarly.splice(0)) this.onRemote(message);
      // Other instances answer with what they hold and PostgreSQL does not have yet (their unflushed edits).
      const step1 = encoding.createEncoder();
      encoding.writeVarUint(step1, MessageType.Sync);
      syncProtocol.writeSyncStep1(step1, this.doc);
      this.relay.publish(this.incidentId, encoding.toUint8Array(step1));
    }
  }

  /** A message from another instance: its edits and awareness, or its sync step 1 on load. */
  private onRemote(message: Uint8Array): void {
    if (this.destroyed) return;
    if (!this.isLoaded) {
      this.remoteEarly.push(message);
      return;
    }
    try {
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      if (type === MessageType.Awareness) {
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), REMOTE);
        return;
      }
      if (type === RELAY_REPAIR) {
        const reciprocate = decoding.readUint8(decoder) === 1;
        return this.answerRepair(decoding.readVarUint8Array(decoder), reciprocate);
      }
      if (type !== MessageType.Sync) return;
      const syncType = decoding.readVarUint(decoder);
      if (syncType === syncProtocol.messageYjsSyncStep1) {
        this.applyPending();
        const reply = encoding.createEncoder();
        encoding.writeVarUint(reply, MessageType.Sync);
        syncProtocol.writeSyncStep2(reply, this.doc, decoding.readVarUint8Array(decoder));
        this.relay!.publish(this.incidentId, encoding.toUint8Array(reply));
      } else {
        // Stored here too: if the sending instance dies before its flush, this copy is the one that lasts.
        Y.applyUpdate(this.doc, decoding.readVarUint8Array(decoder), REMOTE);
      }
    } catch (error) {
      this.log.warn({ err: error, incidentId: this.incidentId }, 'unreadable message from the collaboration relay');
    }
  }

  /**
   * Asks the other instances holding this document for what it lacks, by
   * state vector; with `reciprocate` (after a Redis gap, when both sides may
   * have missed edits) they ask back for what they lack.
   */
  repair(reciprocate: boolean): void {
    if (!this.relay || !this.isLoaded || this.destroyed) return;
    this.applyPending();
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, RELAY_REPAIR);
    encoding.writeUint8(encoder, reciprocate ? 1 : 0);
    encoding.writeVarUint8Array(encoder, Y.encodeStateVector(this.doc));
    this.relay.publish(this.incidentId, encoding.toUint8Array(encoder));
  }

  private answerRepair(theirVector: Uint8Array, reciprocate: boolean): void {
    // Always answered, even when their vector covers ours: deletions change no state vector, and the
    // sync step 2 carries the whole delete set.
    this.applyPending();
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, MessageType.Sync);
    syncProtocol.writeSyncStep2(reply, this.doc, theirVector);
    this.relay!.publish(this.incidentId, encoding.toUint8Array(reply));
    const ours = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    const theyHaveMore = [...Y.decodeStateVector(theirVector)].some(([client, clock]) => clock > (ours.get(client) ?? 0));
    if (reciprocate || theyHaveMore) {
      // A plain sync step 1: they answer it with a step 2 and nothing more, so this ends here.
      const step1 = encoding.createEncoder();
      encoding.writeVarUint(step1, MessageType.Sync);
      syncProtocol.writeSyncStep1(step1, this.doc);
      this.relay!.publish(this.incidentId, encoding.toUint8Array(step1));
    }
  }

  /** The Markdown text of the document. */
  get markdown(): string {
    this.applyPending();
    return this.doc.getText(CONTENT).toString();
  }

  /**
   * Accepts a client's update, refusing it when the document would outgrow
   * its limit. The size is estimated by adding update sizes (an upper bound)
   * and measured exactly only when the estimate crosses the limit.
   *
   * The update is applied with the others that arrive before the next
   * broadcast, all in one Yjs transaction (`applyPending`): a transaction
   * costs two state vectors, an encoded update and a merge for the broadcast
   * whatever it holds. Whatever reads the document (a sync, a flush, the
   * Markdown) applies what is waiting first.
   */
  applyClientUpdate(update: Uint8Array, origin: CollabConnection): void {
    if (this.approxBytes + update.byteLength > this.config.maxDocumentBytes) {
      this.applyPending();
      this.approxBytes = Y.encodeStateAsUpdate(this.doc).byteLength;
      // A reconnecting client's sync step 2 repeats what the document already has: count only what is new.
      const novel = Y.diffUpdate(update, Y.encodeStateVector(this.doc)).byteLength;
      if (this.approxBytes + novel > this.config.maxDocumentBytes) throw new DocumentTooLargeError();
    }
    this.approxBytes += update.byteLength;
    this.pending.push({ update, connection: origin });
    this.broadcast.edited();
  }

  /** Clients' updates accepted and not yet applied. */
  get pendingEdits(): number {
    return this.pending.length;
  }

  /**
   * Applies the clients' updates waiting, in one transaction. One that Yjs
   * cannot read closes its connection as malformed; the others still apply.
   */
  applyPending(): void {
    if (this.pending.length === 0 || this.destroyed) return;
    const batch = this.pending;
    this.pending = [];
    const origin = new ClientEdits(new Set(batch.map((p) => p.connection)));
    Y.transact(
      this.doc,
      () => {
        for (const { update, connection } of batch) {
          try {
            Y.applyUpdate(this.doc, update, origin);
          } catch (error) {
            connection.refuseMalformed(error);
          }
        }
      },
      origin,
    );
  }

  private onUpdate(update: Uint8Array, origin: unknown): void {
    this.updatedAt = new Date();
    if (origin instanceof ClientEdits) {
      // Counted in approxBytes when they arrived (applyClientUpdate).
      this.persistence!.add(update, [...origin.connections].flatMap((c) => (c.identity ? [c.identity.userId] : [])));
      // Sent back to nobody when one connection made them all (it has them).
      this.broadcast.update(update, origin.connections.size === 1 ? origin.connections.values().next().value : undefined);
    } else {
      this.approxBytes += update.byteLength;
      this.persistence!.add(update, []);
      this.broadcast.update(update, origin);
    }
  }

  private onAwareness({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void {
    const connection = this.connectionFor(origin);
    for (const id of added) connection?.awarenessClients.add(id);
    for (const id of removed) connection?.awarenessClients.delete(id);
    // A state timing out here is another instance's to time out too: relaying it would fight over its clock.
    this.broadcast.awareness([...added, ...updated, ...removed], origin !== REMOTE && origin !== 'timeout');
  }

  private connectionFor(origin: unknown): CollabConnection | undefined {
    return this.connections.has(origin as CollabConnection) ? (origin as CollabConnection) : undefined;
  }

  /** Removes a connection and the awareness states it controlled, and stores what is pending. */
  remove(connection: CollabConnection): void {
    if (!this.connections.delete(connection)) return;
    // Its last edits may exist nowhere else once it is gone: store them now rather than in up to flushIntervalMs.
    if (!this.isClean) void this.flush().catch(() => undefined);
    if (this.isLoaded && connection.awarenessClients.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.awarenessClients], null);
    }
  }

  /** Appends every pending edit to the update log now. */
  flush(): Promise<void> {
    this.applyPending();
    return this.persistence?.flush() ?? Promise.resolve();
  }

  /** True when nothing waits to be stored. */
  get isClean(): boolean {
    return this.pending.length === 0 && (this.persistence?.isClean ?? true);
  }

  /** Stores everything pending and waits for a running compaction (before `destroy`). */
  close(): Promise<void> {
    this.applyPending();
    return this.persistence?.close() ?? Promise.resolve();
  }

  /** Frees the Y.Doc and the awareness timer; the document must not be used afterwards. */
  destroy(): void {
    // Before leaving the relay: the last batch still reaches the other instances.
    this.broadcast.stop();
    this.destroyed = true;
    this.versions?.stop();
    this.relay?.leave(this.incidentId);
    this.persistence?.stop();
    this.awareness.destroy();
    this.doc.destroy();
  }
}
