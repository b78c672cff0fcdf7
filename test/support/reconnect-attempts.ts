import WebSocket from 'ws';
import * as Y from 'yjs';

/** The y-websocket majors Sitrep is tested with, each installed under its own npm alias. */
export const Y_WEBSOCKET_VERSIONS = {
  '1.5': () => require('y-websocket-v1').WebsocketProvider,
  '2.1': () => require('y-websocket-v2').WebsocketProvider,
  '3.1': () => require('y-websocket').WebsocketProvider,
} as const;

export type YWebsocketVersion = keyof typeof Y_WEBSOCKET_VERSIONS;

/** What one client did against a server refusing its credential. */
export interface ReconnectCount {
  version: YWebsocketVersion;
  /** WebSocket connections the client opened (handshakes attempted). */
  attempts: number;
  /** Close events the client saw, in order (1006 for a refused handshake). */
  closes: Array<{ code: number; reason: string }>;
}

/**
 * Runs the stock `WebsocketProvider` of one y-websocket version against
 * `/collab/<incidentId>` with `token` for `durationMs`, with its default
 * backoff, and counts the connection attempts it makes.
 */
export async function countReconnects(httpUrl: string, version: YWebsocketVersion, incidentId: string, token: string, durationMs: number): Promise<ReconnectCount> {
  process.setMaxListeners(0);
  const count: ReconnectCount = { version, attempts: 0, closes: [] };
  class CountingWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      count.attempts += 1;
      // A refused handshake is an 'error' then a close; without a listener ws would throw it.
      this.on('error', () => undefined);
    }
  }
  const Provider = Y_WEBSOCKET_VERSIONS[version]();
  const doc = new Y.Doc();
  const provider = new Provider(httpUrl.replace(/^http/, 'ws') + '/collab', incidentId, doc, {
    params: { token },
    WebSocketPolyfill: CountingWebSocket,
    disableBc: true,
  });
  provider.on('connection-close', (event: { code: number; reason: string } | null) => {
    if (event) count.closes.push({ code: event.code, reason: String(event.reason ?? '') });
  });
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  provider.destroy();
  doc.destroy();
  return count;
}
