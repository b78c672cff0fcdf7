import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/**
 * The reference: a bare `@y/websocket-server` 0.1.1 (setupWSConnection), no
 * auth. Its leveldb persistence is on only when YPERSISTENCE is set, so it is
 * unset before the module loads. Prints `{"port":<port>}` once it listens.
 */
delete process.env.YPERSISTENCE;
delete process.env.CALLBACK_URL;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { setupWSConnection, getPersistence } = require('@y/websocket-server/utils');
if (getPersistence() !== null) throw new Error('reference persistence must be off');

const wss = new WebSocketServer({ noServer: true });
wss.on('connection', setupWSConnection);
const server = http.createServer((_req, res) => res.end('okay'));
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
