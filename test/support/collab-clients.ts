import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/** A real y-websocket 3.1 client on one incident document. */
export interface Editor {
  doc: Y.Doc;
  text: Y.Text;
  provider: WebsocketProvider;
  /** Close codes the server sent this client, in order. */
  closes: Array<{ code: number; reason: string }>;
  /** Resolves once the provider has synced (again, after a reconnect). */
  synced(timeoutMs?: number): Promise<void>;
  /** Resolves with the first close the server sends. */
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  destroy(): void;
}

/**
 * Connects the stock `WebsocketProvider` exactly as a browser editor would:
 * `new WebsocketProvider('ws://HOST:PORT/collab', incidentId, doc, { params: { token } })`.
 * BroadcastChannel is off: in Node every provider of one room would otherwise
 * talk to the others in-process, around the server.
 */
export function connectEditor(httpUrl: string, incidentId: string, token?: string): Editor {
  // Each provider adds a process 'exit' listener; tests open dozens on purpose.
  process.setMaxListeners(0);
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(httpUrl.replace(/^http/, 'ws') + '/collab', incidentId, doc, {
    params: token ? { token } : {},
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
  const closes: Array<{ code: number; reason: string }> = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  const editor: Editor = {
    doc,
    text: doc.getText('content'),
    provider,
    closes,
    synced: (timeoutMs = 10_000) =>
      waitFor(() => provider.synced, timeoutMs, 'provider never synced'),
    closed: async (timeoutMs = 10_000) => {
      await waitFor(() => closes.length > 0, timeoutMs, 'server never closed the connection');
      return closes[0];
    },
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
  return editor;
}

/** Polls `condition` every 20 ms until it holds, or fails with `message` after `timeoutMs`. */
/**
 * The editors a test file opens, so that afterEach/afterAll destroys them all:
 * `const editors = editorPool()`, `editors.open(url, incidentId, token)`,
 * `editors.closeAll()`.
 */
export function editorPool() {
  const open: Editor[] = [];
  return {
    open(httpUrl: string, incidentId: string, token?: string): Editor {
      const editor = connectEditor(httpUrl, incidentId, token);
      open.push(editor);
      return editor;
    },
    closeAll(): void {
      open.splice(0).forEach((editor) => editor.destroy());
    },
  };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, message = 'condition never held'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until every editor shows the same text (and it stays so for a moment); returns it. */
export async function converged(editors: Editor[], timeoutMs = 15_000): Promise<string> {
  const same = () => editors.every((e) => e.text.toString() === editors[0].text.toString());
  await waitFor(same, timeoutMs, `editors did not converge:\n${editors.map((e) => JSON.stringify(e.text.toString().slice(0, 200))).join('\n')}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await waitFor(same, timeoutMs, 'editors diverged again');
  return editors[0].text.toString();
}

/** A raw websocket on the collaboration endpoint, for frames no real client would send. */
export async function rawSocket(httpUrl: string, incidentId: string, token: string): Promise<WebSocket & { closeEvent: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/collab/${incidentId}?token=${encodeURIComponent(token)}`);
  const closeEvent = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return Object.assign(ws, { closeEvent });
}
