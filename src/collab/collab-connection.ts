import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import { Opcode, writeMessages } from '../common/websocket-frames';
import type { CollabConfig } from '../config/config';
import type { Logger } from '../observability/logger';
import { TOKEN_EXPIRED } from '../auth/session-expiry';
import { CloseCode } from './close-codes';
import { CollabDocument, DocumentTooLargeError, MessageType } from './collab-document';
import type { CollabMetrics } from './collab-metrics';

/** Who is on the other end, once the token has been checked. */
export interface ConnectionIdentity {
  userId: string;
  /** False for VIEWERs: their document edits are dropped. */
  canEdit: boolean;
  /** The credential the socket was opened with, checked again every `collab.recheckIntervalMs`. */
  token: string;
  /** When that credential expires (epoch ms): the socket closes with 4401 then. Unset for API tokens. */
  expiresAt?: number;
}

/** Frames' worth a client may send before its document is ready (y-websocket sends two on open, then edits). */
const MAX_EARLY_FRAMES = 4;
/** Past this much unsent data the client is too slow; it is closed and resyncs on reconnect. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** Awareness clientIDs one connection may introduce (a y-websocket client uses one per document). */
const MAX_AWARENESS_CLIENTS = 8;

class MalformedMessageError extends Error {}

/** `null` as JSON: the state of a removed awareness entry. */
const NULL_STATE = new TextEncoder().encode('null');

/**
 * True when applying the awareness `update` would change nothing: each entry's
 * clock is behind the one held, or equal to it without removing a state (the
 * test `applyAwarenessUpdate` makes). The states are not decoded.
 */
function isStale(update: Uint8Array, awareness: awarenessProtocol.Awareness): boolean {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  for (let i = 0; i < count; i += 1) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = decoding.readVarUint8Array(decoder);
    const held = awareness.meta.get(clientId)?.clock ?? 0;
    if (held < clock) return false;
    if (held === clock && awareness.states.has(clientId) && state.length === 4 && state.every((b, k) => b === NULL_STATE[k])) return false;
  }
  return true;
}

/**
 * One websocket on one incident document. Messages that arrive before the
 * document is loaded (and the caller admitted) are held and handled in order
 * afterwards; nothing is sent to the client before that.
 */
export class CollabConnection {
  /** Awareness client ids this connection introduced, removed when it closes. */
  readonly awarenessClients = new Set<number>();
  identity: ConnectionIdentity | undefined;
  document: CollabDocument | undefined;
  isAttached = false;
  isClosed = false;
  /** Cleared by each ping round, set by the pong. */
  alive = true;

  private early: Uint8Array[] = [];
  private earlyBytes = 0;
  private awarenessTokens: number;
  private awarenessRefilledAt = Date.now();

  constructor(
    readonly ws: WebSocket,
    private readonly config: CollabConfig,
    private readonly metrics: CollabMetrics,
    private readonly log: Logger,
  ) {
    this.awarenessTokens = config.awarenessPerSecond * 2;
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return this.close(CloseCode.MALFORMED, 'y-websocket messages are binary');
      this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', () => {
      this.isClosed = true;
    });
    // ws reports protocol errors (such as a frame over maxPayload) here and closes the socket itself.
    ws.on('error', (error) => this.log.debug({ err: error }, 'collaboration socket error'));
  }

  /** Starts the sync: the server's step 1 and the current awareness, then the held messages. */
  attach(document: CollabDocument): void {
    if (this.isClosed) return;
    this.document = document;
    this.isAttached = true;
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, MessageType.Sync);
    syncProtocol.writeSyncStep1(step1, document.doc);
    this.send(encoding.toUint8Array(step1));
    const states = document.awareness.getStates();
    if (states.size > 0) this.send(this.awarenessMessage([...states.keys()]));
    const early = this.early;
    this.early = [];
    for (const message of early) {
      if (this.isClosed) break;
      this.handle(message);
    }
  }

  private receive(message: Uint8Array): void {
    if (this.isClosed) return;
    if (this.isAttached) return this.handle(message);
    this.earlyBytes += message.byteLength + 64;
    // Transient on purpose: a fast typist on a slow load must come back, not be shut out for good.
    if (this.earlyBytes > MAX_EARLY_FRAMES * this.config.maxFrameBytes) return this.close(CloseCode.TRY_AGAIN_LATER, 'too much data before the document was ready');
    this.early.push(message);
  }

  private handle(message: Uint8Array): void {
    const document = this.document!;
    // The expiry timer may fire a moment late: nothing arriving after the token's end is applied.
    if (this.identity?.expiresAt !== undefined && Date.now() >= this.identity.expiresAt) {
      return this.close(CloseCode.UNAUTHENTICATED, TOKEN_EXPIRED);
    }
    try {
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      switch (type) {
        case MessageType.Sync:
          return this.handleSync(decoder, document);
        case MessageType.Awareness:
          return this.handleAwareness(decoding.readVarUint8Array(decoder), document);
        case MessageType.QueryAwareness:
          return this.send(this.awarenessMessage([...document.awareness.getStates().keys()]));
        case MessageType.Auth:
          // Authentication happens at connect time; y-websocket never sends these.
          return;
        default:
          throw new MalformedMessageError(`unknown message type ${type}`);
      }
    } catch (error) {
      if (error instanceof DocumentTooLargeError) {
        return this.close(CloseCode.DOCUMENT_TOO_LARGE, 'the document would exceed its size limit');
      }
      this.refuseMalformed(error);
    }
  }

  private handleSync(decoder: decoding.Decoder, document: CollabDocument): void {
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case syncProtocol.messageYjsSyncStep1: {
        document.applyPending();
        const reply = encoding.createEncoder();
        encoding.writeVarUint(reply, MessageType.Sync);
        syncProtocol.writeSyncStep2(reply, document.doc, decoding.readVarUint8Array(decoder));
        return this.send(encoding.toUint8Array(reply));
      }
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate: {
        const update = decoding.readVarUint8Array(decoder);
        if (!this.identity?.canEdit) {
          this.metrics.droppedMessages.inc({ reason: 'read-only' });
          return;
        }
        return document.applyClientUpdate(update, this);
      }
      default:
        throw new MalformedMessageError(`unknown sync message type ${type}`);
    }
  }

  private handleAwareness(update: Uint8Array, document: CollabDocument): void {
    if (update.byteLength > this.config.maxAwarenessBytes) {
      this.metrics.droppedMessages.inc({ reason: 'awareness-size' });
      return;
    }
    // Not rate-limited: a y-websocket client sends back every awareness change it receives, so at N
    // editors nearly all of its awareness messages are these, and they must not use up its own budget.
    if (isStale(update, document.awareness)) return;
    const now = Date.now();
    const rate = this.config.awarenessPerSecond;
    this.awarenessTokens = Math.min(rate * 2, this.awarenessTokens + ((now - this.awarenessRefilledAt) / 1000) * rate);
    this.awarenessRefilledAt = now;
    if (this.awarenessTokens < 1) {
      this.metrics.droppedMessages.inc({ reason: 'awareness-rate' });
      return;
    }
    this.awarenessTokens -= 1;
    const owned = this.ownEntries(update, document);
    if (owned) awarenessProtocol.applyAwarenessUpdate(document.awareness, owned, this);
  }

  /**
   * Keeps the entries of an awareness update for clientIDs this connection
   * introduced, or introduces now (ones nobody holds yet, up to
   * MAX_AWARENESS_CLIENTS); entries for anyone else's clientID are dropped, so
   * that nobody can replace or remove another person's presence. Returns the
   * update to apply (the same bytes when nothing was dropped), or null.
   */
  private ownEntries(update: Uint8Array, document: CollabDocument): Uint8Array | null {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    const states = document.awareness.getStates();
    const kept: Array<{ clientId: number; clock: number; state: string }> = [];
    let introduced = 0;
    for (let i = 0; i < count; i += 1) {
      const entry = { clientId: decoding.readVarUint(decoder), clock: decoding.readVarUint(decoder), state: decoding.readVarString(decoder) };
      if (this.awarenessClients.has(entry.clientId)) {
        kept.push(entry);
      } else if (!states.has(entry.clientId) && entry.state !== 'null' && this.awarenessClients.size + introduced < MAX_AWARENESS_CLIENTS) {
        introduced += 1;
        kept.push(entry);
      } else {
        this.metrics.droppedMessages.inc({ reason: 'awareness-not-owned' });
      }
    }
    if (kept.length === count) return update;
    if (kept.length === 0) return null;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, kept.length);
    for (const entry of kept) {
      encoding.writeVarUint(encoder, entry.clientId);
      encoding.writeVarUint(encoder, entry.clock);
      encoding.writeVarString(encoder, entry.state);
    }
    return encoding.toUint8Array(encoder);
  }

  /** Closes the connection for a message it cannot read (also called for an update Yjs could not apply). */
  refuseMalformed(error: unknown): void {
    this.log.debug({ err: error, incidentId: this.document?.incidentId }, 'malformed collaboration message');
    this.close(CloseCode.MALFORMED, 'malformed y-websocket message');
  }

  private awarenessMessage(clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Awareness);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.document!.awareness, clients));
    return encoding.toUint8Array(encoder);
  }

  /** Sends two frames in one write to the socket (one system call rather than one each). */
  sendAll(first: Uint8Array, second: Uint8Array): void {
    this.write([[first], [second]]);
  }

  /** Sends one frame; a client too slow to read is closed (it resyncs on reconnect). */
  send(message: Uint8Array): void {
    this.write([[message]]);
  }

  private write(messages: readonly (readonly Uint8Array[])[]): void {
    if (this.isClosed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      return this.close(CloseCode.TRY_AGAIN_LATER, 'client too slow to keep up');
    }
    writeMessages(this.ws, Opcode.Binary, messages);
  }

  /** Closes the socket with `code`; the document lets go of it when the close completes. */
  close(code: number, reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.metrics.closes.inc({ code: String(code) });
    this.ws.close(code, reason);
  }
}
