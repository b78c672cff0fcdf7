import crypto from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { cpuSeconds, percentile, sleep } from './bench-support';

/**
 * The subscription fan-out client of `npm run bench` and `npm run bench:balancer -- --fanout`:
 * N bare graphql-ws sockets subscribed to `incidentsChanged`, one `updateIncident` per round,
 * latency from the mutation's HTTP response to each socket's receipt.
 */
export const CHANGES = 'subscription { incidentsChanged { kind incident { id status severity title } } }';

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

/**
 * One graphql-ws subscriber of the bench, on a bare WebSocket written for it: the same client for every
 * server, light enough for 10,000 in this process. A receipt's time is taken when its bytes arrive
 * (`'data'` on the TCP socket), before any parsing, so that the client's own work for earlier frames
 * adds as little as possible to a later one's latency; counting frames is all it does with them.
 * (It used `ws` until 2026-12: at 5,000 sockets its receive path cost the client about as much CPU
 * per message as Sitrep's server spent sending it, on the same two cores.)
 */
export interface Subscriber {
  socket: Socket;
  /** Text frames (graphql-ws messages) received since this was last set to 0. */
  received: number;
  lastAt: number;
  /** Closed by the far end (server or balancer) after its connection_ack. */
  closed: boolean;
  send(message: string): void;
}

/**
 * A masked client frame (RFC 6455 §5.2) of `payload`, below 64 KiB: `opcode` 1 text, 10 pong.
 * Hand-written because `ws` does not export its framing as typed API; twelve lines.
 */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length > 0xffff) throw new Error('bench frames stay below 64 KiB');
  const header = payload.length < 126 ? 2 : 4;
  const frame = Buffer.allocUnsafe(header + 4 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | (header === 2 ? payload.length : 126);
  if (header === 4) frame.writeUInt16BE(payload.length, 2);
  const mask = crypto.randomBytes(4);
  mask.copy(frame, header);
  for (let i = 0; i < payload.length; i++) frame[header + 4 + i] = payload[i] ^ mask[i & 3];
  return frame;
}

/**
 * Reads server frames (unmasked) from `chunk` after `rest`, calls `onFrame` for each complete one and
 * returns the incomplete tail. Frames are small here, so a partial frame is simply kept until it completes.
 */
function readFrames(rest: Buffer, chunk: Buffer, onFrame: (fin: boolean, opcode: number, payload: Buffer) => void): Buffer {
  let data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
  for (;;) {
    if (data.length < 2) return data;
    const short = data[1] & 0x7f;
    const header = short < 126 ? 2 : short === 126 ? 4 : 10;
    if (data.length < header) return data;
    const length = short < 126 ? short : short === 126 ? data.readUInt16BE(2) : Number(data.readBigUInt64BE(2));
    if (data.length < header + length) return data;
    onFrame((data[0] & 0x80) !== 0, data[0] & 0x0f, data.subarray(header, header + length));
    data = data.subarray(header + length);
  }
}

/** Opens one graphql-ws socket on `wsUrl` and resolves once the server acknowledged `connection_init`. */
function connectOne(wsUrl: string, init: string): Promise<Subscriber> {
  const url = new URL(wsUrl);
  return new Promise<Subscriber>((resolve, reject) => {
    const request = http.request({
      hostname: url.hostname,
      port: url.port,
      path: url.pathname,
      agent: false,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': crypto.randomBytes(16).toString('base64'),
        'sec-websocket-protocol': 'graphql-transport-ws',
      },
    });
    request.once('error', reject);
    request.once('response', (response) => reject(new Error(`websocket upgrade refused: ${response.statusCode}`)));
    request.once('upgrade', (_response, socket, head) => {
      socket.setNoDelay(true);
      let acknowledged = false;
      let rest: Buffer = Buffer.alloc(0);
      const subscriber: Subscriber = {
        socket,
        received: 0,
        lastAt: 0,
        closed: false,
        send: (message) => socket.write(clientFrame(1, Buffer.from(message))),
      };
      const onData = (chunk: Buffer) => {
        const at = performance.now();
        rest = readFrames(rest, chunk, (fin, opcode, payload) => {
          if (opcode === 9) socket.write(clientFrame(10, payload)); // graphql-ws's keep-alive ping
          else if (opcode === 8) socket.end();
          else if (!fin || (opcode !== 1 && opcode !== 0)) return;
          else if (!acknowledged) {
            acknowledged = true; // connection_ack
            resolve(subscriber);
          } else {
            subscriber.received += 1;
            subscriber.lastAt = at;
          }
        });
      };
      socket.on('data', onData);
      socket.once('close', () => {
        subscriber.closed = true;
        // Closed before its connection_ack (a server or a balancer shutting the session): fail, not hang.
        if (!acknowledged) reject(new Error('socket closed before connection_ack'));
      });
      socket.on('error', () => undefined); // 'close' follows
      if (head.length) onData(head);
      socket.write(clientFrame(1, Buffer.from(init)));
    });
    request.end();
  });
}

export async function connect(wsUrl: string, count: number, token?: string): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  const init = JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} });
  for (let start = 0; start < count; start += 250) {
    subscribers.push(...(await Promise.all(Array.from({ length: Math.min(250, count - start) }, () => connectOne(wsUrl, init)))));
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
  /**
   * The server's heap after a full garbage collection, in bytes (heap-probe.ts), read before and after
   * the N sockets connect; absent: not measured.
   */
  heapBytes?: () => Promise<number>;
  /** How many subscriptions the server serves now, to wait for all N (Sitrep: from /metrics by default). */
  subscribed?: () => Promise<number>;
  /** Server processes whose CPU time over the rounds is measured (summed). */
  pids: number[];
}

export interface FanoutResult {
  p50: number;
  p99: number;
  delivered: number;
  expected: number;
  statementsPerRound?: number;
  /** Heap (after a full GC) held per idle authenticated socket, in KB (1,024 bytes). */
  heapPerSocketKb?: number;
  /**
   * Server CPU time (user + system, /proc, 10 ms ticks) from each mutation's request to its last receipt, per
   * delivered event, in µs: the mutation's own work included. Moves less with the machine's load than latency.
   */
  cpuUsPerDelivery: number;
  /** Subscribers each Sitrep instance reported once all had subscribed (Sitrep only). */
  perInstance?: number[];
  /** Sockets the far end closed during the measurement. */
  closed: number;
  /** The slowest round's mutation, request to response (ms): what the fan-out leaves of mutation latency. */
  slowestMutationMs: number;
}

/**
 * N subscribers on `target`; `rounds` mutations; latency from each mutation's response to each receipt.
 * The first `warmup` rounds are run the same way and not measured (code not yet optimised by V8, and the
 * garbage of N subscribes, fall into them).
 */
export async function fanout(target: FanoutTarget, n: number, rounds: number, token: string | undefined, incidentId: string, warmup = 0): Promise<FanoutResult> {
  const sitrep = target.instances.length > 0;
  const mutationUrl = target.mutationUrl ?? target.url;
  const wsUrl = target.url.replace(/^http/, 'ws') + '/graphql';
  const sum = async (name: string) => (await Promise.all(target.instances.map((u) => metric(u, name)))).reduce((a, b) => a + b, 0);
  const SUBSCRIBERS = 'sitrep_graphql_subscriptions{kind="subscribers"}';
  const heapBefore = await target.heapBytes?.();
  const subscribers = await connect(wsUrl, n, token);
  await sleep(500);
  const heapPerSocketKb = heapBefore === undefined ? undefined : ((await target.heapBytes!()) - heapBefore) / n / 1024;
  const subscribe = JSON.stringify({ id: '1', type: 'subscribe', payload: { query: CHANGES } });
  for (const s of subscribers) s.send(subscribe);
  const subscribed = target.subscribed ?? (() => sum(SUBSCRIBERS));
  const deadline = Date.now() + 60_000;
  while ((await subscribed()) < n - subscribers.filter((s) => s.closed).length && Date.now() < deadline) await sleep(200);
  const perInstance = sitrep ? await Promise.all(target.instances.map((u) => metric(u, SUBSCRIBERS))) : undefined;
  const latencies: number[] = [];
  let delivered = 0;
  let statements = 0;
  let slowestMutationMs = 0;
  const cpu = () => target.pids.reduce((total, pid) => total + cpuSeconds(pid), 0);
  let cpuSpent = 0;
  for (let round = -warmup; round < rounds; round++) {
    for (const s of subscribers) s.received = 0;
    const before = sitrep ? await sum('sitrep_db_queries_total') : 0;
    // The client's own garbage collected before the round (node --expose-gc, as `npm run bench` starts it):
    // a collection inside a round pauses the receipts' timestamps, 3–15 ms in traced 1k rounds, where the
    // server had finished writing.
    (globalThis as { gc?: () => void }).gc?.();
    const cpuBefore = cpu();
    const requested = performance.now();
    await gql(mutationUrl, `mutation($id: ID!, $t: String) { updateIncident(id: $id, input: { title: $t }) { id } }`, { id: incidentId, t: `round ${round}` }, token);
    const responded = performance.now();
    if (round >= 0) slowestMutationMs = Math.max(slowestMutationMs, responded - requested);
    const deadline = Date.now() + 60_000;
    while (subscribers.some((s) => s.received === 0 && !s.closed) && Date.now() < deadline) await sleep(20);
    if (round < 0) {
      await sleep(500);
      continue;
    }
    cpuSpent += cpu() - cpuBefore;
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
  const cpuUsPerDelivery = (cpuSpent * 1e6) / Math.max(delivered, 1);
  const closed = subscribers.filter((s) => s.closed).length;
  for (const s of subscribers) s.socket.destroy();
  await sleep(1000);
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    delivered,
    expected: n * rounds,
    statementsPerRound: sitrep ? statements / rounds : undefined,
    heapPerSocketKb,
    cpuUsPerDelivery,
    perInstance,
    closed,
    slowestMutationMs,
  };
}
