import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { DocumentStore } from '../../src/collab/document-store';
import { createDataSource } from '../../src/db/data-source';
import { startChildServer, type ChildServer } from '../support/child-server';
import { connectEditor } from '../support/collab-clients';
import { createTestDatabase } from '../support/test-db';
import { okAt } from '../support/test-server';
import { BENCH_ADMIN, benchArgs, benchServerEnv, cpuProfArgs, cpuSeconds, percentile, runBench, sleep, stopChildren } from './bench-support';
import type { EditorsReply, EditorsRequest } from './collab-editors';

/**
 * `npm run bench:collab [-- --editors=100 --rate=2 --seconds=15 --stored=10000 --repeat=3 --client-processes=4 --nice=-5 --cpu-prof=<dir>]`
 *
 * N editors on one document, each inserting a few characters `rate` times a
 * second at a random place and moving its cursor (awareness) once a second.
 * Run against Sitrep (auth and PostgreSQL persistence on, child process) and
 * against a bare @y/websocket-server 0.1.1 (child process), same load (the
 * editors spread over `client-processes` processes, collab-editors.ts), a fresh
 * document each time, `repeat` pairs in alternating order. Reports
 * propagation latency (edit made -> visible in another editor), delivered
 * edits per second (edit x receiving editor), server CPU and server CPU per
 * delivered edit, whether the offered edit rate was reached, and the median
 * and spread of the ratios. Then the cold load of a document with `stored`
 * updates in the log, before and after compaction. `--cpu-prof` writes the
 * Sitrep server's V8 CPU profile into `<dir>`.
 */
const args = benchArgs();
const EDITORS = Number(args.editors ?? 100);
const RATE = Number(args.rate ?? 1);
const SECONDS = Number(args.seconds ?? 15);
const WARMUP_SECONDS = 3;
const STORED = Number(args.stored ?? 10_000);
const REPEAT = Number(args.repeat ?? 1);
/** Processes the editors are spread over (each takes an equal share). */
const CLIENT_PROCESSES = Number(args['client-processes'] ?? 4);
/**
 * Niceness for this process and the ones it starts (both servers and the editors alike), e.g. -5 on a
 * machine others load: starved editors miss the offered rate and a starved server batches more.
 */
const NICE = args.nice === undefined ? undefined : Number(args.nice);
const CPU_PROF = args['cpu-prof'];
/** A run whose editors made fewer edits than this share of the offered rate is flagged: its clients set the pace. */
const REACHED = 0.95;



interface LoadResult {
  p50: number;
  p99: number;
  deliveredPerSecond: number;
  editsPerSecond: number;
  cpuPercent: number;
  /** Server CPU microseconds per delivered edit. */
  cpuPerDelivered: number;
  /** CPU of the editors' processes (% of one core): near CLIENT_PROCESSES x 100% means the clients, not the server, set the pace. */
  clientCpuPercent: number;
}

/** Editors in CLIENT_PROCESSES forked processes, on one document. */
class EditorProcesses {
  private readonly children: ChildProcess[] = [];

  static async connect(target: Omit<Extract<EditorsRequest, { type: 'connect' }>, 'type' | 'count' | 'firstIndex'>): Promise<EditorProcesses> {
    const group = new EditorProcesses();
    const share = Math.ceil(EDITORS / CLIENT_PROCESSES);
    const replies: Array<Promise<EditorsReply>> = [];
    for (let first = 0; first < EDITORS; first += share) {
      // Detached: a session of its own, so that Linux's autogroup scheduling gives these editors their own
      // share of the CPU instead of splitting the bench's share with the server under test.
      const child = fork(path.join(__dirname, 'collab-editors.ts'), [], { execArgv: ['-r', 'ts-node/register/transpile-only'], serialization: 'advanced', detached: true });
      group.children.push(child);
      replies.push(group.ask(child, { type: 'connect', ...target, count: Math.min(share, EDITORS - first), firstIndex: first }));
    }
    await Promise.all(replies);
    return group;
  }

  private ask(child: ChildProcess, request: EditorsRequest): Promise<EditorsReply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`editors process exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (reply: EditorsReply) => {
        child.off('exit', onExit);
        resolve(reply);
      });
      child.send(request);
    });
  }

  /** Runs the load against the server process `pid` and computes the figures. */
  async run(pid: number): Promise<LoadResult> {
    const now = () => performance.timeOrigin + performance.now();
    const startAt = now() + 200;
    const measureFrom = startAt + WARMUP_SECONDS * 1000;
    const stopAt = measureFrom + SECONDS * 1000;
    const results = this.children.map((child) => this.ask(child, { type: 'run', rate: RATE, startAt, measureFrom, stopAt }));
    await sleep(measureFrom - now());
    const cpuStart = cpuSeconds(pid);
    await sleep(stopAt - now());
    const cpu = cpuSeconds(pid) - cpuStart;
    const replies = (await Promise.all(results)) as Array<Extract<EditorsReply, { type: 'result' }>>;
    // sent[sender] = [clock, time] of each edit, in clock order (a receiver integrates a sender's edits in order).
    const sent = new Map<number, Array<[number, number]>>();
    for (const { sends } of replies) {
      for (let i = 0; i < sends.length; i += 3) {
        if (!sent.has(sends[i])) sent.set(sends[i], []);
        sent.get(sends[i])!.push([sends[i + 1], sends[i + 2]]);
      }
    }
    const latencies: number[] = [];
    for (const { receipts } of replies) {
      const next = new Map<number, number>(); // receiver * 2^32 + sender -> index of the first edit not yet seen
      for (let i = 0; i < receipts.length; i += 4) {
        const [receiver, sender, after, t] = [receipts[i], receipts[i + 1], receipts[i + 2], receipts[i + 3]];
        const list = sent.get(sender);
        if (!list) continue;
        const key = receiver * 2 ** 32 + sender;
        let k = next.get(key) ?? 0;
        for (; k < list.length && list[k][0] < after; k++) if (t >= measureFrom && t < stopAt) latencies.push(t - list[k][1]);
        next.set(key, k);
      }
    }
    latencies.sort((a, b) => a - b);
    const elapsed = SECONDS;
    const edits = replies.reduce((sum, r) => sum + r.edits, 0);
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      deliveredPerSecond: latencies.length / elapsed,
      editsPerSecond: edits / elapsed,
      cpuPercent: (cpu / elapsed) * 100,
      cpuPerDelivered: (cpu * 1e6) / latencies.length,
      clientCpuPercent: (replies.reduce((sum, r) => sum + r.cpuSeconds, 0) / elapsed) * 100,
    };
  }

  close(): Promise<void> {
    return Promise.all(
      this.children.map((child) => {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.send({ type: 'close' } satisfies EditorsRequest);
        return exited;
      }),
    ).then(() => undefined);
  }
}

const declare = async (url: string, token: string, title: string): Promise<string> =>
  (await okAt(url, `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id } }`, {
    input: { title, severity: 'SEV2', trigger: 'STAFF_IDENTIFIED' },
  }, token)).declareIncident.id;

/** Milliseconds from a new client's connect to its sync, with the document not in memory. */
async function coldLoad(server: ChildServer, id: string, token: string): Promise<number> {
  const started = performance.now();
  const e = connectEditor(server.url, id, token);
  await e.synced(120_000);
  const ms = performance.now() - started;
  e.destroy();
  return ms;
}

async function main(): Promise<void> {
  if (NICE !== undefined) os.setPriority(NICE);
  const db = await createTestDatabase();
  const children: ChildServer[] = [];
  try {
    const sitrep = await startChildServer(benchServerEnv(db.url, { COLLAB_UNLOAD_DELAY_MS: '300' }), undefined, cpuProfArgs(CPU_PROF), { detached: true });
    children.push(sitrep);
    const { login } = await okAt(sitrep.url, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: BENCH_ADMIN.email, p: BENCH_ADMIN.password });
    const token: string = login.token;
    const reference = await startChildServer({}, 'test/bench/reference-server.ts', [], { detached: true });
    children.push(reference);

    const runOn = async (target: Omit<Extract<EditorsRequest, { type: 'connect' }>, 'type' | 'count' | 'firstIndex'>, pid: number): Promise<LoadResult> => {
      const editors = await EditorProcesses.connect(target);
      try {
        return await editors.run(pid);
      } finally {
        await editors.close();
      }
    };
    const runSitrep = async () => runOn({ url: sitrep.url, room: await declare(sitrep.url, token, 'Benchmark incident'), token, reference: false }, sitrep.process.pid!);
    const runReference = () => runOn({ url: reference.url, room: `bench-${Math.random().toString(36).slice(2)}`, reference: true }, reference.process.pid!);
    // Alternating order, so that a drift in the machine's load does not favour one side.
    const runs: Array<{ ours: LoadResult; theirs: LoadResult; load: number }> = [];
    for (let r = 0; r < REPEAT; r++) {
      let ours: LoadResult;
      let theirs: LoadResult;
      if (r % 2 === 0) {
        ours = await runSitrep();
        await sleep(1000);
        theirs = await runReference();
      } else {
        theirs = await runReference();
        await sleep(1000);
        ours = await runSitrep();
      }
      runs.push({ ours, theirs, load: os.loadavg()[0] });
      console.error(`collab run ${r + 1}/${REPEAT}: CPU per delivered ${(ours.cpuPerDelivered / theirs.cpuPerDelivered).toFixed(2)}x, p99 ${(ours.p99 / theirs.p99).toFixed(2)}x`);
      await sleep(1000);
    }

    // Cold load: a document whose log holds STORED small updates, then the same after compaction.
    // A second Sitrep whose threshold is out of reach, so that unloading does not compact the log for us.
    sitrep.process.kill('SIGTERM');
    await sitrep.exited;
    const cold = await startChildServer(benchServerEnv(db.url, { COLLAB_UNLOAD_DELAY_MS: '300', COLLAB_COMPACT_AFTER_UPDATES: '10000000' }));
    children.push(cold);
    const coldId = await declare(cold.url, token, 'Cold load incident');
    const quiet = { logQuery() {}, logQueryError() {}, logQuerySlow() {}, logSchemaBuild() {}, logMigration() {}, log() {} };
    const dataSource = createDataSource(db.url, [], quiet);
    await dataSource.initialize();
    const store = new DocumentStore(dataSource);
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    const text = source.getText('content');
    for (let i = 0; i < STORED; i++) {
      if (i % 5 === 4) text.delete(Math.floor(Math.random() * (text.length - 1)), 1);
      else text.insert(Math.floor(Math.random() * (text.length + 1)), `w${i % 100} `);
    }
    for (let i = 0; i < updates.length; i += 1000) await store.append(coldId, updates.slice(i, i + 1000));
    // The seeded template and the generated edits merge; every later load must give exactly this.
    const stored = await store.load(coldId);
    const expected = stored.doc.getText('content').toString();
    stored.doc.destroy();
    const timings = async () => {
      const socket: number[] = [];
      const direct: number[] = [];
      for (let i = 0; i < 3; i++) {
        await sleep(800); // past COLLAB_UNLOAD_DELAY_MS: the server has let go of the document
        socket.push(await coldLoad(cold, coldId, token));
        const t0 = performance.now();
        const loaded = await store.load(coldId);
        direct.push(performance.now() - t0);
        if (loaded.doc.getText('content').toString() !== expected) throw new Error('stored document differs');
        loaded.doc.destroy();
      }
      return { socket: socket.sort((a, b) => a - b)[1], direct: direct.sort((a, b) => a - b)[1], rows: (await store.load(coldId)).logLength };
    };
    const before = await timings();
    await store.compact(coldId);
    const after = await timings();
    await dataSource.destroy();

    const offered = EDITORS * RATE;
    const row = (name: string, r: LoadResult) =>
      `| ${name.padEnd(30)} | ${r.p50.toFixed(1).padStart(8)} | ${r.p99.toFixed(1).padStart(8)} | ${r.deliveredPerSecond.toFixed(0).padStart(11)} | ` +
      `${`${r.editsPerSecond.toFixed(0)}${r.editsPerSecond < REACHED * offered ? ' (!)' : ''}`.padStart(9)} | ${r.cpuPercent.toFixed(1).padStart(7)} | ` +
      `${r.cpuPerDelivered.toFixed(1).padStart(16)} | ${r.clientCpuPercent.toFixed(0).padStart(11)} |`;
    console.log(`\nLoad: ${EDITORS} editors on one document, ${RATE} edits/s each + 1 awareness update/s each, ${SECONDS} s measured after ${WARMUP_SECONDS} s warm-up, ${REPEAT} run(s) each`);
    console.log(`Offered: ${offered} edits/s; delivered = edits seen by each of the other ${EDITORS - 1} editors; (!) = under ${REACHED * 100}% of the offered rate.\n`);
    console.log('| run, server                   | p50 (ms) | p99 (ms) | delivered/s | edits/s   | CPU (%) | CPU µs/delivered | clients CPU |');
    console.log('|--------------------------------|----------|----------|-------------|-----------|---------|------------------|-------------|');
    runs.forEach(({ ours, theirs }, r) => {
      console.log(row(`${r + 1} Sitrep (auth + PostgreSQL)`, ours));
      console.log(row(`${r + 1} @y/websocket-server 0.1.1`, theirs));
    });
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const ratios = (f: (r: LoadResult) => number) => runs.map(({ ours, theirs }) => f(ours) / f(theirs));
    const spread = (name: string, values: number[]) =>
      `${name} ${median(values).toFixed(2)}x (runs: ${values.map((v) => `${v.toFixed(2)}x`).join(', ')})`;
    console.log(`\nNiceness of the bench, both servers and the editors: ${os.getPriority()}`);
    console.log(`Load average after each run: ${runs.map((r) => r.load.toFixed(1)).join(', ')}`);
    console.log(`Offered rate reached in every run (edits/s >= ${REACHED * 100}% of ${offered}): ${runs.every(({ ours, theirs }) => Math.min(ours.editsPerSecond, theirs.editsPerSecond) >= REACHED * offered) ? 'yes' : 'NO'}`);
    console.log(
      `Median ratio Sitrep / reference: ${spread('CPU per delivered', ratios((r) => r.cpuPerDelivered))}, ` +
        `${spread('p99', ratios((r) => r.p99))}, ${spread('delivered/s', ratios((r) => r.deliveredPerSecond))}`,
    );
    console.log(`\nCold load of a document with ${STORED} stored updates (median of 3)\n`);
    console.log('| log                        | rows  | connect -> synced (ms) | DocumentStore.load (ms) |');
    console.log('|----------------------------|-------|------------------------|-------------------------|');
    console.log(`| before compaction          | ${String(before.rows).padStart(5)} | ${before.socket.toFixed(1).padStart(22)} | ${before.direct.toFixed(1).padStart(23)} |`);
    console.log(`| after compaction           | ${String(after.rows).padStart(5)} | ${after.socket.toFixed(1).padStart(22)} | ${after.direct.toFixed(1).padStart(23)} |`);
  } finally {
    await stopChildren(children);
    await db.drop();
  }
}

runBench(main);
