import http from 'node:http';

/**
 * The tests' HTTP client for GraphQL and /metrics: node:http over one
 * keep-alive agent. It costs a fraction of the CPU of `fetch` (undici and web
 * streams were ~5 % of a test run's CPU) and asks for no compression, so
 * neither side gzips what only a test reads. Tests about HTTP itself
 * (compression, headers, the console) use `fetch` as a browser would.
 */
const agent = new http.Agent({ keepAlive: true });

/** The body of the answer to one request, whatever its status (a GraphQL error answers with JSON too). */
export function httpText(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<string> {
  const attempt = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const headers = init.body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) };
      const request = http.request(url, { method: init.method ?? 'GET', headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        response.on('error', reject);
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed just as it was reused (Node's documented race): once more, on a new one.
        if (request.reusedSocket && error.code === 'ECONNRESET') attempt().then(resolve, reject);
        else reject(error);
      });
      request.end(init.body);
    });
  return attempt();
}
