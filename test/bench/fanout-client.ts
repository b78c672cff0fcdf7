import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { percentile, sleep } from './bench-support';

/**
 * The subscription fan-out client of `npm run bench` and `npm run bench:balancer -- --fanout`:
 * N bare graphql-ws sockets subscribed to `incidentsChanged`, one `updateIncident` per round,
 * latency from the mutation's HTTP response to each socket's receipt.
 */
export const CHANGES = 'subscription { incidentsChanged { kind incident { id status severity title } } }';

export function rssBytes(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) * 1024;
}

export async function gql(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** The sum of the samples of `name` (a metric name, optionally with labels) on a Sitrep's /metrics. */
export async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/** A bare graphql-ws client: the same for every server, light enough for 10,000 in this process. */
export interface Subscriber {
  socket: WebSocket;
  received: number;
  lastAt: number;
  /** Closed by the far end (server or balancer) after its connection_ack. */
  closed: boolean;
}

export async function connect(wsUrl: string, count: number, token?: string): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  const init = JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} });
  for (let start = 0; start < count; start += 250) {
    const batch = Array.from({ length: Math.min(250, count - start) }, async () => {
      const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
      const subscriber: Subscriber = { socket, received: 0, lastAt: 0, closed: false };
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        // Closed before its connection_ack (a server or a balancer shutting the session): fail, not hang.
        socket.once('close', (code, reason) => reject(new Error(`socket closed before connection_ack: ${code} ${reason.toString()}`)));
        socket.once('open', () => socket.send(init));
        socket.once('message', () => resolve()); // connection_ack
      });
      socket.on('close', () => (subscriber.closed = true));
      socket.on('message', () => {
        subscriber.received += 1;
        subscriber.lastAt = performance.now();
      });
      subscribers.push(subscriber);
    });
    await Promise.all(batch);
  }
  return subscribers;
}

/** Where the fan-out client connects, mutates and reads metrics. */
export interface FanoutTarget {
  /** The HTTP base URL the subscribers connect to (ws://…/graphql) — an instance or the balancer. */
  url: string;
  /** The HTTP base URL `updateIncident` is posted to (defaults to `url`). */
  mutationUrl?: string;
  /** The Sitrep instances behind `url`, whose /metrics are summed; empty for the reference server. */
  instances: string[];
  /** Server processes whose RSS is measured (summed). */
  pids: number[];
}

export interface FanoutResult {
  p50: number;
  p99: number;
  delivered: number;
  expected: number;
  statementsPerRound?: number;
  rssPerSocketKb?: number;
  /** Subscribers each Sitrep instance reported once all had subscribed (Sitrep only). */
  perInstance?: number[];
  /** Sockets the far end closed during the measurement. */
  closed: number;
}

/** N subscribers on `target`; `rounds` mutations; latency from each mutation's response to each receipt. */
export async function fanout(target: FanoutTarget, n: number, rounds: number, token: string | undefined, incidentId: string): Promise<FanoutResult> {
  const sitrep = target.instances.length > 0;
  const mutationUrl = target.mutationUrl ?? target.url;
  const wsUrl = target.url.replace(/^http/, 'ws') + '/graphql';
  const rss = () => target.pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
  const sum = async (name: string) => (await Promise.all(target.instances.map((u) => metric(u, name)))).reduce((a, b) => a + b, 0);
  const SUBSCRIBERS = 'sitrep_graphql_subscriptions{kind="subscribers"}';
  const rssBefore = rss();
  const subscribers = await connect(wsUrl, n, token);
  await sleep(500);
  const rssPerSocketKb = (rss() - rssBefore) / n / 1024;
  const subscribe = JSON.stringify({ id: '1', type: 'subscribe', payload: { query: CHANGES } });
  for (const s of subscribers) s.socket.send(subscribe);
  let perInstance: number[] | undefined;
  if (sitrep) {
    const deadline = Date.now() + 60_000;
    while ((await sum(SUBSCRIBERS)) < n - subscribers.filter((s) => s.closed).length && Date.now() < deadline) await sleep(200);
    perInstance = await Promise.all(target.instances.map((u) => metric(u, SUBSCRIBERS)));
  } else {
    await sleep(Math.max(1000, n / 5));
  }
  const latencies: number[] = [];
  let delivered = 0;
  let statements = 0;
  for (let round = 0; round < rounds; round++) {
    for (const s of subscribers) s.received = 0;
    const before = sitrep ? await sum('sitrep_db_queries_total') : 0;
    await gql(mutationUrl, `mutation($id: ID!, $t: String) { updateIncident(id: $id, input: { title: $t }) { id } }`, { id: incidentId, t: `round ${round}` }, token);
    const responded = performance.now();
    const deadline = Date.now() + 60_000;
    while (subscribers.some((s) => s.received === 0 && !s.closed) && Date.now() < deadline) await sleep(20);
    for (const s of subscribers) {
      if (s.received === 0) continue;
      delivered += 1;
      latencies.push(Math.max(0, s.lastAt - responded));
    }
    if (sitrep) {
      await sleep(200);
      statements += (await sum('sitrep_db_queries_total')) - before;
    }
    await sleep(300);
  }
  const closed = subscribers.filter((s) => s.closed).length;
  for (const s of subscribers) s.socket.terminate();
  await sleep(1000);
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    delivered,
    expected: n * rounds,
    statementsPerRound: sitrep ? statements / rounds : undefined,
    rssPerSocketKb,
    perInstance,
    closed,
  };
}
