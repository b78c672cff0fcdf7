import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Authenticate, Authentication } from '../auth/auth.service';
import { Action, can, denial } from '../auth/policy';
import { atExpiry, TOKEN_EXPIRED } from '../auth/session-expiry';
import { parseId } from '../common/ids';
import type { CollabConfig } from '../config/config';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { CloseCode } from './close-codes';
import { CollabConnection } from './collab-connection';
import { updateMessage } from './sync-messages';
import { CollabMetrics } from './collab-metrics';
import { DocumentRegistry } from './document-registry';
import type { DocumentHistory } from './document-history';
import type { DocumentRelay } from './document-relay';
import type { DocumentStore } from './document-store';
import { LocalEditorPresence, type EditorPresence } from './editor-presence';
import type { IncidentLookup } from './incident-lookup';
import { RefusedCredentials } from './refused-credentials';

/** The path prefix of the collaboration socket: `/collab/<incidentId>?token=<token>`. */
export const COLLAB_PATH = '/collab/';

/** Dead peers are found by ping; one missed pong and the socket is cut. @default 30_000 */
const PING_INTERVAL_MS = 30_000;

/**
 * The y-websocket endpoint of the live incident documents. The token is
 * checked before the upgrade: a repeated bad or missing one is refused with
 * HTTP 401 (see RefusedCredentials); otherwise the upgrade is accepted and a
 * refusal is a close code (4401, 4403, 4404) that y-websocket 3.1 treats as
 * final.
 */
export class CollabServer {
  readonly registry: DocumentRegistry;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<CollabConnection>();
  private readonly collabMetrics: CollabMetrics;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly recheckTimer: NodeJS.Timeout;
  private readonly presence: EditorPresence;
  private rechecking = false;
  private readonly refused = new RefusedCredentials();

  constructor(
    private readonly deps: {
      config: CollabConfig;
      /** The one authentication check (src/auth), for the `?token=` of each socket. */
      authenticate: Authenticate;
      /** Whether an incident exists: all the collaboration server asks of incidents. */
      incidents: IncidentLookup;
      store: DocumentStore;
      metrics: Metrics;
      log: Logger;
      /** Relays live edits to other instances (when REDIS_URL is set). */
      relay?: DocumentRelay;
      /** Shares `activeEditors` between instances (when REDIS_URL is set); this instance's sockets otherwise. */
      presence?: EditorPresence;
      /** Keeps PERIODIC versions of loaded documents while people edit. */
      history?: DocumentHistory;
    },
  ) {
    this.presence = deps.presence ?? new LocalEditorPresence();
    this.collabMetrics = new CollabMetrics(deps.metrics);
    this.registry = new DocumentRegistry(deps.store, deps.config, this.collabMetrics, deps.log, deps.relay, deps.history);
    // ws refuses bigger frames itself, closing only that socket with 1009, before buffering them.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: deps.config.maxFrameBytes, perMessageDeflate: false });
    this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS).unref();
    this.recheckTimer = setInterval(() => void this.recheck(), deps.config.recheckIntervalMs).unref();
  }

  /** Relays an update made outside a loaded document to the instances holding it (when REDIS_URL is set). */
  relayUpdate(incidentId: string, update: Uint8Array): void {
    this.deps.relay?.publish(incidentId, updateMessage(update));
  }

  /** Takes over an upgrade request routed to `/collab/`. */
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    this.authenticateUpgrade(req, socket, head).catch((error) => {
      this.deps.log.error({ err: error }, 'authenticating a collaboration upgrade failed');
      refuseUpgrade(socket, 503, 'Service Unavailable', 'internal error; retry');
    });
  }

  private async authenticateUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
    const auth: Authentication = (await this.deps.authenticate({ token })) ?? { ok: false, reason: 'a login token is required: ?token=<token>' };
    if (!auth.ok && this.refused.refuseAgain(RefusedCredentials.key(token, req.socket.remoteAddress))) {
      this.collabMetrics.refusedUpgrades.inc();
      return refuseUpgrade(socket, 401, 'Unauthorized', auth.reason);
    }
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, req, auth));
  }

  /** Distinct users with an open editing connection on the incident's document, on any instance behind the same Redis. */
  activeEditorIds(incidentId: string): Promise<string[]> {
    return this.presence.editors(incidentId, this.localEditorIds(incidentId));
  }

  /** Distinct users with an open editing connection on the incident's document, on this instance. */
  private localEditorIds(incidentId: string): string[] {
    const ids = this.registry
      .connectionsOf(incidentId)
      .filter((c) => !c.isClosed && c.identity?.canEdit)
      .map((c) => c.identity!.userId);
    return [...new Set(ids)];
  }

  private presenceChanged(incidentId: string | undefined): void {
    if (incidentId) this.presence.set(incidentId, this.localEditorIds(incidentId));
  }

  /**
   * Closes every document socket of one user on this instance: 4401 when their
   * sessions ended (deactivated, password changed), RIGHTS_CHANGED when their
   * role changed, so that the reconnect is admitted with the new rights.
   */
  disconnectUser(userId: string, code: number, reason: string): void {
    for (const connection of this.connections) {
      if (connection.identity?.userId === userId) connection.close(code, reason);
    }
  }

  private onSocket(ws: WebSocket, req: IncomingMessage, auth: Authentication): void {
    const { config, metrics, log } = this.deps;
    const connection = new CollabConnection(ws, config, this.collabMetrics, log);
    this.connections.add(connection);
    metrics.websocketConnections.inc({ endpoint: 'collab' });
    ws.once('close', () => {
      connection.isClosed = true;
      this.connections.delete(connection);
      metrics.websocketConnections.dec({ endpoint: 'collab' });
      this.registry.leave(connection);
      this.presenceChanged(connection.document?.incidentId);
    });
    this.admit(connection, req, auth).catch((error) => {
      log.error({ err: error }, 'admitting a collaboration socket failed');
      connection.close(CloseCode.LOAD_FAILED, 'internal error; retrying');
    });
  }

  private async admit(connection: CollabConnection, req: IncomingMessage, auth: Authentication): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token = url.searchParams.get('token');
    if (!auth.ok || !token) return connection.close(CloseCode.UNAUTHENTICATED, auth.ok ? 'a login token is required: ?token=<token>' : auth.reason.slice(0, 120));
    let incidentId: string;
    try {
      incidentId = parseId(decodeURIComponent(url.pathname.slice(COLLAB_PATH.length)), 'incident id');
    } catch {
      return connection.close(CloseCode.NOT_FOUND, 'no such incident');
    }
    const denied = denial(auth.caller, Action.Read);
    if (denied) return connection.close(CloseCode.FORBIDDEN, denied.slice(0, 120));
    if (!(await this.deps.incidents.exists(incidentId))) return connection.close(CloseCode.NOT_FOUND, 'no such incident');
    if (connection.isClosed) return;
    connection.identity = { userId: auth.caller.userId, canEdit: can(auth.caller, Action.EditDocument), token, expiresAt: auth.expiresAt };
    const cancel = atExpiry(auth.expiresAt, () => connection.close(CloseCode.UNAUTHENTICATED, TOKEN_EXPIRED));
    connection.ws.once('close', cancel);
    this.registry.join(incidentId, connection);
    this.presenceChanged(incidentId);
  }

  /**
   * Checks every admitted socket's credential again, as at connect time: a
   * token that expired or was revoked, or whose user is gone, closes the
   * socket with 4401 (final for y-websocket: the client must log in again);
   * a caller who may no longer read closes with 4403; one who may no longer
   * edit stays connected read-only (their edits are dropped, as a VIEWER's).
   * Editing rights gained meanwhile take effect on the next connection.
   */
  /** Re-checks every socket's caller now (after a Redis gap, changes of users may have been missed). */
  recheckNow(): Promise<void> {
    return this.recheck();
  }

  private async recheck(): Promise<void> {
    if (this.rechecking) return;
    this.rechecking = true;
    try {
      const outcomes = new Map<string, Promise<Authentication | null>>();
      for (const connection of [...this.connections]) {
        const identity = connection.identity;
        if (!identity || connection.isClosed) continue;
        if (!outcomes.has(identity.token)) outcomes.set(identity.token, this.deps.authenticate({ token: identity.token }, { fresh: true }));
        let auth: Authentication | null;
        try {
          auth = await outcomes.get(identity.token)!;
        } catch (error) {
          // Our failure (say, the database is away), not the caller's: they keep the socket.
          this.deps.log.warn({ err: error }, 're-checking a collaboration socket failed');
          continue;
        }
        if (!auth?.ok) {
          connection.close(CloseCode.UNAUTHENTICATED, (auth?.reason ?? 'no credential').slice(0, 120));
          continue;
        }
        const denied = denial(auth.caller, Action.Read);
        if (denied) {
          connection.close(CloseCode.FORBIDDEN, denied.slice(0, 120));
          continue;
        }
        if (identity.canEdit && !can(auth.caller, Action.EditDocument)) {
          identity.canEdit = false;
          this.presenceChanged(connection.document?.incidentId);
        }
      }
    } finally {
      this.rechecking = false;
    }
  }

  private ping(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      try {
        connection.ws.ping();
      } catch {
        connection.ws.terminate();
      }
    }
  }

  /** Closes every socket (1001) and stores every pending edit. */
  async close(): Promise<void> {
    clearInterval(this.pingTimer);
    clearInterval(this.recheckTimer);
    for (const connection of this.connections) connection.close(CloseCode.GOING_AWAY, 'server shutting down');
    await this.registry.close();
    this.deps.relay?.close();
    await this.presence.close();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** Answers an upgrade request with a plain HTTP error (a JSON body naming the reason) before any handshake. */
function refuseUpgrade(socket: Socket, status: number, text: string, reason: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ errors: [{ message: reason, extensions: { code: status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL_SERVER_ERROR' } }] });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `${status === 401 ? 'WWW-Authenticate: Bearer\r\n' : ''}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
