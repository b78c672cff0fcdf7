import { performance } from 'node:perf_hooks';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { CollabConnection } from './collab-connection';
import type { DocumentRelay } from './document-relay';
import { MessageType, updateMessage } from './sync-messages';

/** The origin of changes relayed from another instance: applied and stored here, never relayed back. */
export const REMOTE = Symbol('another Sitrep instance');

/** Past this many waiting updates a batch goes out at once, so that merging it stays cheap. */
const MAX_BATCH_UPDATES = 64;

/**
 * Shortest time between two awareness (cursor, presence) frames of one document. Every y-websocket
 * client sends the server back each awareness change it receives, so at N editors each frame costs
 * N incoming messages; cursors bear 200 ms where edits should not wait. @default 200
 */
const AWARENESS_INTERVAL_MS = 200;

/** What a broadcast reaches: one loaded document's sockets and presence. */
export interface BroadcastTarget {
  readonly incidentId: string;
  readonly connections: ReadonlySet<CollabConnection>;
  readonly awareness: awarenessProtocol.Awareness;
  /** Clients' updates accepted and not yet applied. */
  readonly pendingEdits: number;
  /** Applies those updates (they come back through `update`). */
  applyPending(): void;
}

function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(encoder);
}

/**
 * Sends one document's edits and presence changes to its sockets and to the
 * other instances. What arrives within `intervalMs` of the last send is
 * gathered and goes out together: the clients' updates applied in one transaction
 * (BroadcastTarget.applyPending) and sent as one frame, encoded once for
 * every receiver, and the awareness changes (at most every
 * AWARENESS_INTERVAL_MS) in another, both written to each socket in one write
 * (src/common/websocket-frames.ts). The first change after a quiet interval
 * goes out on the next turn of the event loop, so that a lone edit is not
 * held back.
 *
 * Sending a socket a frame costs a system call whatever the frame holds; at
 * 50 editors that is most of the server's work, and batching is what cuts it
 * (see test/bench/RESULTS.md, "Collaboration profile").
 */
export class DocumentBroadcast {
  private updates: Array<{ update: Uint8Array; origin: unknown }> = [];
  private readonly awarenessChanged = new Set<number>();
  /** Awareness clients changed here (not by another instance), to relay. */
  private readonly relayedAwareness = new Set<number>();
  /** When the scheduled send is due (performance.now()), or undefined when none is. */
  private dueAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private lastSentAt = -Infinity;
  private lastAwarenessAt = -Infinity;
  /** True while a send applies the pending edits: the updates that produces join that send. */
  private applying = false;
  private stopped = false;

  constructor(
    private readonly target: BroadcastTarget,
    /** Shortest time between two sends of this document (`collab.broadcastIntervalMs`; 0: every turn of the event loop). */
    private readonly intervalMs: number,
    private readonly relay?: DocumentRelay,
  ) {}

  /** Queues an update of the document made by `origin` (a connection, REMOTE, or anything else). */
  update(update: Uint8Array, origin: unknown): void {
    this.updates.push({ update, origin });
    if (this.applying) return;
    if (this.updates.length >= MAX_BATCH_UPDATES) this.send();
    else this.schedule();
  }

  /** A client's update was accepted: it is applied with the next send. */
  edited(): void {
    if (this.target.pendingEdits >= MAX_BATCH_UPDATES) this.send();
    else this.schedule();
  }

  /** Queues awareness changes of `clients`; `relayed` when they were made on this instance. */
  awareness(clients: number[], relayed: boolean): void {
    for (const id of clients) {
      this.awarenessChanged.add(id);
      if (relayed) this.relayedAwareness.add(id);
    }
    this.schedule();
  }

  /** Schedules the next send for when the first thing queued may go, unless one is due sooner. */
  private schedule(): void {
    if (this.stopped) return;
    let due = this.updates.length > 0 || this.target.pendingEdits > 0 ? this.lastSentAt + this.intervalMs : Infinity;
    if (this.awarenessChanged.size > 0) due = Math.min(due, Math.max(this.lastSentAt + this.intervalMs, this.lastAwarenessAt + AWARENESS_INTERVAL_MS));
    if (due === Infinity || (this.dueAt !== undefined && this.dueAt <= due)) return;
    this.cancel();
    this.dueAt = due;
    const wait = due - performance.now();
    if (wait >= 1) this.timer = setTimeout(() => this.send(), wait);
    else this.immediate = setImmediate(() => this.send());
  }

  private cancel(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = this.immediate = this.dueAt = undefined;
  }

  /**
   * Sends the updates queued, and the awareness changes when
   * AWARENESS_INTERVAL_MS has passed (or `all`). The updates skip their sender when one
   * connection made them all (a mixed batch goes to everyone: applying one's
   * own update again changes nothing). The sender gets its own awareness back
   * on purpose: y-websocket drops a connection that receives nothing for 30 s,
   * and a lone editor's renewals are all it gets.
   */
  private send(all = false): void {
    this.cancel();
    if (this.stopped) return;
    this.applying = true;
    try {
      this.target.applyPending();
    } finally {
      this.applying = false;
    }
    const now = performance.now();
    // A millisecond early still counts: timers may fire a fraction before their time.
    const withAwareness = this.awarenessChanged.size > 0 && (all || now - this.lastAwarenessAt >= AWARENESS_INTERVAL_MS - 1);
    if (this.updates.length === 0 && !withAwareness) return this.schedule();
    this.lastSentAt = now;
    const batch = this.updates;
    this.updates = [];
    let update: Uint8Array | undefined;
    let skip: unknown;
    if (batch.length > 0) {
      update = updateMessage(batch.length === 1 ? batch[0].update : Y.mergeUpdates(batch.map((b) => b.update)));
      skip = batch.every((b) => b.origin === batch[0].origin) ? batch[0].origin : undefined;
      const local = batch.filter((b) => b.origin !== REMOTE);
      if (this.relay && local.length > 0) {
        this.relay.publish(this.target.incidentId, local.length === batch.length ? update : updateMessage(Y.mergeUpdates(local.map((b) => b.update))));
      }
    }
    let presence: Uint8Array | undefined;
    if (withAwareness) {
      this.lastAwarenessAt = now;
      presence = awarenessMessage(this.target.awareness, [...this.awarenessChanged]);
      this.awarenessChanged.clear();
      if (this.relay && this.relayedAwareness.size > 0) {
        this.relay.publish(this.target.incidentId, awarenessMessage(this.target.awareness, [...this.relayedAwareness]));
      }
      this.relayedAwareness.clear();
    }
    // Awareness held back goes out with a later send.
    this.schedule();
    for (const connection of this.target.connections) {
      if (!connection.isAttached) continue;
      const own = connection === skip;
      if (update && presence && !own) connection.sendAll(update, presence);
      else if (update && !own) connection.send(update);
      else if (presence) connection.send(presence);
    }
  }

  /** Sends what is queued and stops (the document is being freed). */
  stop(): void {
    this.send(true);
    this.stopped = true;
  }
}
