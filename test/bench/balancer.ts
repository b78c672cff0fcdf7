import 'reflect-metadata';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { startHaproxy, startRedis, type Helper } from '../deploy/topology';
import { startChildServer, type ChildServer } from '../support/child-server';
import { connectEditor, type Editor } from '../support/collab-clients';
import { createTestDatabase } from '../support/test-db';
import { okAt } from '../support/test-server';
import { BENCH_ADMIN, benchArgs, benchServerEnv, cpuSeconds, percentile, runBench, sleep, stopChildren } from './bench-support';
import { fanout, type FanoutResult } from './fanout-client';

/**
 * `npm run bench:balancer [-- --documents=10 --editors=10 --rate=2 --seconds=15]`
 *
 * The collaboration load of bench:collab (editors typing at random places,
 * propagation latency from one editor's edit to the others') in the
 * docker-compose topology, against a single instance in the same run:
 *
 * 1. one Sitrep, editors connected directly (the reference);
 * 2. two Sitreps behind HAProxy (deploy/haproxy.cfg) with a private Redis,
 *    editors connected through the balancer: each document lives on the
 *    instance its path hashes to;
 * 3. the same two instances, each document's editors split between them
 *    (connected directly): every edit crosses Redis, the worst case the
 *    hashing avoids.
 *
 * Every scenario uses fresh documents. CPU is the sum over Sitrep processes.
 *
 * `npm run bench:balancer -- --fanout[=1000,5000] [--rounds=3] [--limit=360]` runs the
 * subscription fan-out of `npm run bench` (fanout-client.ts) in the same topology instead:
 * for each N, N graphql-ws subscribers connected to instance 1 directly and mutations
 * sent to it (the reference), then N subscribers connected through HAProxy (leastconn
 * spreads them over both instances) and mutations sent through HAProxy. Everything it
 * started is stopped after `limit` seconds at the latest.
 */
const args = benchArgs();
const DOCUMENTS = Number(args.documents ?? 10);
const EDITORS = Number(args.editors ?? 10);
const RATE = Number(args.rate ?? 2);
const SECONDS = Number(args.seconds ?? 15);
const WARMUP_SECONDS = 3;
const FANOUT = 'fanout' in args ? (args.fanout ?? '1000,5000').split(',').map(Number) : undefined;
const ROUNDS = Number(args.rounds ?? 3);
const LIMIT_SECONDS = Number(args.limit ?? 360);



interface Result {
  p50: number;
  p99: number;
  deliveredPerSecond: number;
  cpuPercent: number;
  /** CPU of this process, where all the editors run: near 100% means the clients, not the servers, set the pace. */
  clientCpuPercent: number;
}

/** Runs the typing load on `groups` (the editors of one document each, synced) and measures it. */
async function runLoad(groups: Editor[][], pids: number[]): Promise<Result> {
  let measuring = false;
  const latencies: number[] = [];
  const offs: Array<() => void> = [];
  const typists: Array<Promise<void>> = [];
  let running = true;
  for (const editors of groups) {
    // As in bench:collab: sent[sender] = [clock, time] of each edit; a receiver integrates a sender's edits in order.
    const sent = editors.map(() => [] as Array<[number, number]>);
    const byClient = new Map(editors.map((e, i) => [e.doc.clientID, i]));
    editors.forEach((e, r) => {
      const next = new Map<number, number>();
      const onTransaction = (tr: Y.Transaction) => {
        const now = performance.now();
        tr.afterState.forEach((after, client) => {
          const s = byClient.get(client);
          if (s === undefined || s === r) return;
          let i = next.get(s) ?? 0;
          while (i < sent[s].length && sent[s][i][0] < after) {
            if (measuring) latencies.push(now - sent[s][i][1]);
            i++;
          }
          next.set(s, i);
        });
      };
      e.doc.on('afterTransaction', onTransaction);
      offs.push(() => e.doc.off('afterTransaction', onTransaction));
    });
    editors.forEach((e, i) =>
      typists.push(
        (async () => {
          await sleep(Math.random() * (1000 / RATE));
          while (running) {
            sent[i].push([Y.getState(e.doc.store, e.doc.clientID), performance.now()]);
            e.text.insert(Math.floor(Math.random() * (e.text.length + 1)), `e${i % 10} `);
            await sleep(1000 / RATE);
          }
        })(),
      ),
    );
  }
  await sleep(WARMUP_SECONDS * 1000);
  measuring = true;
  const cpuStart = pids.map(cpuSeconds);
  const clientCpuStart = process.cpuUsage();
  const started = performance.now();
  await sleep(SECONDS * 1000);
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  const cpu = pids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - cpuStart[i], 0);
  const clientCpu = process.cpuUsage(clientCpuStart);
  running = false;
  await Promise.all(typists);
  offs.forEach((off) => off());
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), deliveredPerSecond: latencies.length / elapsed, cpuPercent: (cpu / elapsed) * 100, clientCpuPercent: ((clientCpu.user + clientCpu.system) / 1e6 / elapsed) * 100 };
}


/** The docker-compose topology on loopback: database, private Redis, two Sitreps, HAProxy. */
async function startTopology(extraEnv: Record<string, string> = {}) {
  const db = await createTestDatabase();
  const children: ChildServer[] = [];
  let redis: Helper | undefined;
  let haproxy: Helper | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await haproxy?.stop();
      await stopChildren(children);
      await redis?.stop();
      await db.drop();
    })());
  try {
    redis = await startRedis();
    const env = benchServerEnv(db.url, {
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      REDIS_PREFIX: `sitrep-bench-${crypto.randomBytes(4).toString('hex')}:`,
      TRUST_PROXY: 'loopback',
      ...extraEnv,
    });
    const [a, b] = await Promise.all([startChildServer(env), startChildServer(env)]);
    children.push(a, b);
    haproxy = await startHaproxy([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]);
    const lb = `http://127.0.0.1:${haproxy.port}`;
    // Server state changes, kept apart from the (long) request log.
    const stateChanges: string[] = [];
    haproxy.process.stdout?.on('data', (chunk: Buffer) => stateChanges.push(...chunk.toString().split('\n').filter((l) => /Server [\w/-]+ is |backend \w+ has no server/.test(l))));
    const { login } = await okAt(a.url, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: BENCH_ADMIN.email, p: BENCH_ADMIN.password });
    return { a, b, lb, haproxy, stateChanges, token: login.token as string, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `--fanout`: the subscription fan-out bench, one instance directly and two behind HAProxy. */
async function fanoutMain(sizes: number[]): Promise<void> {
  const topology = await startTopology({ GRAPHQL_MAX_SUBSCRIPTIONS_PER_USER: String(Math.max(...sizes) + 100) });
  const limit = setTimeout(() => {
    console.error(`time limit of ${LIMIT_SECONDS} s reached: stopping everything`);
    console.error(`haproxy, last lines:\n${topology.haproxy.output().split('\n').slice(-15).join('\n')}`);
    void topology.stop().finally(() => process.exit(2));
  }, LIMIT_SECONDS * 1000);
  try {
    const { a, b, lb, token } = topology;
    const declare = async (t: string): Promise<string> =>
      (await okAt(a.url, `mutation($t: String!) { declareIncident(input: { title: $t, severity: SEV2, trigger: STAFF_IDENTIFIED }) { id } }`, { t }, token)).declareIncident.id;
    const rows: string[] = [];
    const row = (label: string, r: FanoutResult) => {
      rows.push(
        `| ${label.padEnd(42)} | ${r.p50.toFixed(0).padStart(8)} | ${r.p99.toFixed(0).padStart(8)} | ${`${r.delivered}/${r.expected}`.padStart(19)} | ${(r.perInstance ?? []).join(' + ').padStart(17)} | ${r.statementsPerRound!.toFixed(1).padStart(11)} | ${String(r.closed).padStart(14)} |`,
      );
      console.error(rows.at(-1));
    };
    const ratios: string[] = [];
    for (const n of sizes) {
      console.error(`fan-out ${n}…`);
      const single = await fanout({ url: a.url, instances: [a.url, b.url], pids: [a.process.pid!] }, n, ROUNDS, token, await declare(`Fan-out single ${n}`));
      row(`${n}: 1 instance, direct (reference)`, single);
      const balanced = await fanout({ url: lb, instances: [a.url, b.url], pids: [a.process.pid!, b.process.pid!] }, n, ROUNDS, token, await declare(`Fan-out balanced ${n}`));
      row(`${n}: 2 instances behind HAProxy`, balanced);
      ratios.push(`${n}: p50 ${(balanced.p50 / Math.max(single.p50, 1)).toFixed(2)}x, p99 ${(balanced.p99 / Math.max(single.p99, 1)).toFixed(2)}x`);
    }
    console.log(`\nFan-out through the balancer: ${ROUNDS} rounds per size, one updateIncident per round; latency from the mutation's HTTP response to each receipt.`);
    console.log(`Reference: subscribers and mutation on instance 1 directly (instance 2 idle, Redis relay on). Balanced: subscribers and mutation through HAProxy (deploy/haproxy.cfg, leastconn).`);
    console.log(`Load average at the end: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
    console.log(`| ${'N: topology'.padEnd(42)} | p50 (ms) | p99 (ms) | ${'delivered/expected'.padStart(19)} | subscribers 1 + 2 | SQL / round | sockets closed |`);
    console.log(`|${'-'.repeat(44)}|----------|----------|${'-'.repeat(21)}|-------------------|-------------|----------------|`);
    for (const line of rows) console.log(line);
    console.log(`\nRatios balanced / single: ${ratios.join('; ')}`);
    const changes = topology.stateChanges;
    console.log(changes.length ? `HAProxy state changes:\n${changes.join('\n')}` : 'HAProxy: no server state change');
  } catch (error) {
    // What the balancer saw (an instance marked down closes its sessions).
    const lines = topology.haproxy.output().split('\n');
    console.error(`haproxy, state changes:\n${lines.filter((l) => /Server |DOWN|backend /.test(l)).slice(-20).join('\n')}\nhaproxy, last lines:\n${lines.slice(-10).join('\n')}`);
    throw error;
  } finally {
    clearTimeout(limit);
    await topology.stop();
  }
}

async function main(): Promise<void> {
  if (FANOUT) return fanoutMain(FANOUT);
  const { a, b, lb, token, stop } = await startTopology();
  try {
    const scenario = async (name: string, urlFor: (doc: number, editor: number) => string, pids: number[]) => {
      const groups: Editor[][] = [];
      for (let d = 0; d < DOCUMENTS; d++) {
        const { declareIncident } = await okAt(a.url, `mutation($t: String!) { declareIncident(input: { title: $t, severity: SEV3, trigger: STAFF_IDENTIFIED }) { id } }`, { t: `${name} ${d}` }, token);
        groups.push(Array.from({ length: EDITORS }, (_, e) => connectEditor(urlFor(d, e), declareIncident.id, token)));
      }
      await Promise.all(groups.flat().map((e) => e.synced(60_000)));
      const result = await runLoad(groups, pids);
      groups.flat().forEach((e) => e.destroy());
      await sleep(1000);
      return result;
    };
    // Scenario 1 uses instance a alone; its Redis relay publishes anyway, as a deployment with REDIS_URL does.
    const single = await scenario('single', () => a.url, [a.process.pid!]);
    const balanced = await scenario('balanced', () => lb, [a.process.pid!, b.process.pid!]);
    const split = await scenario('split', (_d, e) => (e % 2 ? b.url : a.url), [a.process.pid!, b.process.pid!]);

    const row = (label: string, r: Result) =>
      `| ${label.padEnd(44)} | ${r.p50.toFixed(1).padStart(8)} | ${r.p99.toFixed(1).padStart(8)} | ${r.deliveredPerSecond.toFixed(0).padStart(11)} | ${r.cpuPercent.toFixed(1).padStart(7)} | ${r.clientCpuPercent.toFixed(0).padStart(11)} |`;
    console.log(`\nLoad: ${DOCUMENTS} documents x ${EDITORS} editors, ${RATE} edits/s each, ${SECONDS} s measured after ${WARMUP_SECONDS} s warm-up`);
    console.log(`Offered: ${DOCUMENTS * EDITORS * RATE} edits/s; delivered = edits seen by each of the other ${EDITORS - 1} editors of the document.`);
    console.log(`Load average at the end: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
    console.log('| topology                                     | p50 (ms) | p99 (ms) | delivered/s | CPU (%) | clients CPU |');
    console.log('|----------------------------------------------|----------|----------|-------------|---------|-------------|');
    console.log(row('1 instance, direct (reference)', single));
    console.log(row('2 instances behind HAProxy (hashed /collab/)', balanced));
    console.log(row('2 instances, each document split (via Redis)', split));
    console.log(
      `\nRatios to the single instance: HAProxy p99 ${(balanced.p99 / single.p99).toFixed(2)}x, delivered ${(balanced.deliveredPerSecond / single.deliveredPerSecond).toFixed(2)}x, CPU ${(balanced.cpuPercent / single.cpuPercent).toFixed(2)}x; ` +
        `split p99 ${(split.p99 / single.p99).toFixed(2)}x, CPU ${(split.cpuPercent / single.cpuPercent).toFixed(2)}x`,
    );
  } finally {
    await stop();
  }
}

runBench(main);
