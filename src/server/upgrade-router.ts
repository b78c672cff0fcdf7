import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../observability/logger';

/** Takes over an upgraded socket for one websocket endpoint. */
export type UpgradeHandler = (req: IncomingMessage, socket: Socket, head: Buffer) => void;

/**
 * The one `upgrade` listener of the HTTP server: `/graphql` to graphql-ws,
 * `/collab/<id>` to the document server; every other path is refused with
 * 404 before any websocket handshake.
 */
export class UpgradeRouter {
  private readonly routes: Array<{ path: string; prefix: boolean; handler: UpgradeHandler }> = [];
  private accepting = true;

  constructor(private readonly log: Logger) {}

  /** Routes `path` exactly, or every path under it when it ends with `/`. */
  add(path: string, handler: UpgradeHandler): void {
    this.routes.push({ path, prefix: path.endsWith('/'), handler });
  }

  route(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = this.routes.find((r) => (r.prefix ? pathname.startsWith(r.path) : pathname === r.path));
    if (!this.accepting) return reject(socket, 503, 'Service Unavailable');
    if (!route) {
      this.log.debug({ path: pathname }, 'websocket upgrade to an unknown path refused');
      return reject(socket, 404, 'Not Found');
    }
    route.handler(req, socket, head);
  }

  /** Refuses new websocket connections while the server shuts down. */
  stopAccepting(): void {
    this.accepting = false;
  }
}

function reject(socket: Socket, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
