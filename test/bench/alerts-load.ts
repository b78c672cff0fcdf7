import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** What the benchmark asks one load generator thread to send. */
export interface LoadJob {
  url: string;
  token: string;
  bodies: string[];
  concurrency: number;
}

/** What comes back: per-request latencies in ms, status counts and the wall time. */
export interface LoadResult {
  latencies: number[];
  statuses: Array<[number, number]>;
  seconds: number;
}

function post(agent: http.Agent, url: URL, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: '/webhooks/alertmanager',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The load generator, on its own thread so that it does not share the
 * server's event loop: like Alertmanager, a separate client with keep-alive
 * connections and at most `concurrency` requests in flight.
 */
async function run(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < job.bodies.length) {
      const body = job.bodies[next++];
      const t0 = process.hrtime.bigint();
      const status = await post(agent, url, job.token, body);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  agent.destroy();
  return { latencies, statuses: [...statuses], seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

if (parentPort) {
  run(workerData as LoadJob).then(
    (result) => parentPort!.postMessage(result),
    (error) => {
      throw error;
    },
  );
}
