import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
}

/**
 * A real HTTP receiver for outgoing webhooks, on port 0 (or `port`). `answer`
 * decides each request's status (default 200) from the requests so far, and
 * optionally how long to wait before answering (`delayMs`).
 */
export async function startReceiver(
  answer: (req: Received, all: Received[]) => number | { status: number; headers?: Record<string, string>; delayMs?: number } = () => 200,
  port = 0,
) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const entry: Received = { headers: req.headers, body, answered: 0 };
      received.push(entry);
      const decided = answer(entry, received);
      const { status, headers, delayMs = 0 } = typeof decided === 'number' ? { status: decided, headers: {} } : decided;
      entry.answered = status;
      setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(status < 300 ? 'ok' : `status ${status}`), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/hook`,
    port: address.port,
    received,
    /** Waits until `n` requests have arrived. */
    async waitFor(n: number, timeoutMs = 15_000): Promise<Received[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} webhook requests, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received.slice(0, n);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
