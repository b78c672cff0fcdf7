import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { DocumentStore } from '../../src/collab/document-store';
import { createDataSource } from '../../src/db/data-source';
import { startChildServer, type ChildServer } from '../support/child-server';
import { connectEditor, type Editor } from '../support/collab-clients';
import { createTestDatabase } from '../support/test-db';
import { okAt } from '../support/test-server';
import { benchArgs, cpuSeconds, percentile, sleep } from './bench-support';

/**
 * `npm run bench:collab [-- --editors=100 --rate=2 --seconds=15 --stored=10000 --repeat=3 --cpu-prof=<dir>]`
 *
 * N editors on one document, each inserting a few characters `rate` times a
 * second at a random place and moving its cursor (awareness) once a second.
 * Run against Sitrep (auth and PostgreSQL persistence on, child process) and
 * against a bare @y/websocket-server 0.1.1 (child process), same load, a fresh
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
const CPU_PROF = args['cpu-prof'];
/** A run whose editors made fewer edits than this share of the offered rate is flagged: its clients set the pace. */
const REACHED = 0.95;
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
const ADMIN = { email: 'admin@bench.test', password: 'bench-password-123' };



interface LoadResult {
  p50: number;
  p99: number;
  deliveredPerSecond: number;
  editsPerSecond: number;
  cpuPercent: number;
  /** Server CPU microseconds per delivered edit. */
  cpuPerDelivered: number;
  /** CPU of this process, where all the editors run: near 100% means the clients, not the server, set the pace. */
  clientCpuPercent: number;
}

/** Runs the load on `editors` (already synced) against the server process `pid`. */
async function runLoad(editors: Editor[], pid: number): Promise<LoadResult> {
  // sent[sender] = [clock, time] of each edit, in clock order (a receiver integrates a sender's edits in order).
  const sent = editors.map(() => [] as Array<[number, number]>);
  const byClient = new Map(editors.map((e, i) => [e.doc.clientID, i]));
  let measuring = false;
  const latencies: number[] = [];
  let edits = 0;
  const cursors = editors.map((e, r) => {
    const next = new Map<number, number>();
    const onTransaction = (tr: Y.Transaction) => {
      const now = performance.now();
      tr.afterState.forEach((after, client) => {
        const s = byClient.get(client);
        if (s === undefined || s === r) return;
        const list = sent[s];
        let i = next.get(s) ?? 0;
        while (i < list.length && list[i][0] < after) {
          if (measuring) latencies.push(now - list[i][1]);
          i++;
        }
        next.set(s, i);
      });
    };
    e.doc.on('afterTransaction', onTransaction);
    return () => e.doc.off('afterTransaction', onTransaction);
  });
  let running = true;
  const period = 1000 / RATE;
  // Each edit is due at a fixed time (not `period` after the last one), so that late timers on a busy
  // machine are caught up and the offered rate holds as long as this process keeps up.
  const typists = editors.map(async (e, i) => {
    let due = performance.now() + Math.random() * period;
    let lastCursor = 0;
    while (running) {
      await sleep(Math.max(0, due - performance.now()));
      due += period;
      if (!running) break;
      const clock = Y.getState(e.doc.store, e.doc.clientID);
      sent[i].push([clock, performance.now()]);
      e.text.insert(Math.floor(Math.random() * (e.text.length + 1)), `e${i % 10}x${clock % 10} `);
      if (measuring) edits++;
      const now = Date.now();
      if (now - lastCursor >= 1000) {
        lastCursor = now;
        e.provider.awareness.setLocalStateField('cursor', { anchor: Math.floor(Math.random() * e.text.length), user: `editor ${i}` });
      }
    }
  });
  await sleep(WARMUP_SECONDS * 1000);
  measuring = true;
  const cpuStart = cpuSeconds(pid);
  const clientCpuStart = process.cpuUsage();
  const started = performance.now();
  await sleep(SECONDS * 1000);
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuStart;
  const clientCpu = process.cpuUsage(clientCpuStart);
  running = false;
  await Promise.all(typists);
  cursors.forEach((off) => off());
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    deliveredPerSecond: latencies.length / elapsed,
    editsPerSecond: edits / elapsed,
    cpuPercent: (cpu / elapsed) * 100,
    cpuPerDelivered: (cpu * 1e6) / latencies.length,
    clientCpuPercent: ((clientCpu.user + clientCpu.system) / 1e6 / elapsed) * 100,
  };
}

async function connectAll(make: () => Editor): Promise<Editor[]> {
  const editors: Editor[] = [];
  for (let i = 0; i < EDITORS; i++) editors.push(make());
  await Promise.all(editors.map((e) => e.synced(60_000)));
  return editors;
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
  const db = await createTestDatabase();
  const children: ChildServer[] = [];
  try {
    const sitrep = await startChildServer({
      DATABASE_URL: db.url,
      PORT: '0',
      JWT_SECRET,
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      COLLAB_UNLOAD_DELAY_MS: '300',
    }, undefined, CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROF)}`] : []);
    children.push(sitrep);
    const { login } = await okAt(sitrep.url, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: ADMIN.email, p: ADMIN.password });
    const token: string = login.token;
    const reference = await startChildServer({}, 'test/bench/reference-server.ts');
    children.push(reference);

    const runSitrep = async (): Promise<LoadResult> => {
      const id = await declare(sitrep.url, token, 'Benchmark incident');
      const editors = await connectAll(() => connectEditor(sitrep.url, id, token));
      const result = await runLoad(editors, sitrep.process.pid!);
      editors.forEach((e) => e.destroy());
      return result;
    };
    const runReference = async (): Promise<LoadResult> => {
      const room = `bench-${Math.random().toString(36).slice(2)}`;
      const editors = await connectAll(() => {
        const e = connectEditor(reference.url, room);
        // The reference serves ws://host:port/<room>, not /collab/<room>.
        e.provider.disconnect();
        e.provider.serverUrl = reference.url.replace(/^http/, 'ws');
        e.provider.connect();
        return e;
      });
      const result = await runLoad(editors, reference.process.pid!);
      editors.forEach((e) => e.destroy());
      return result;
    };
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
    const cold = await startChildServer({
      DATABASE_URL: db.url,
      PORT: '0',
      JWT_SECRET,
      COLLAB_UNLOAD_DELAY_MS: '300',
      COLLAB_COMPACT_AFTER_UPDATES: '10000000',
    });
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
    console.log(`\nLoad average after each run: ${runs.map((r) => r.load.toFixed(1)).join(', ')}`);
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
    for (const child of children) {
      if (child.process.exitCode !== null) continue;
      child.process.kill('SIGTERM');
      await child.exited;
    }
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
