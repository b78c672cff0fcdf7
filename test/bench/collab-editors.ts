import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { connectEditor, type Editor } from '../support/collab-clients';
import { sleep } from './bench-support';

/**
 * A share of bench:collab's editors, in a process of its own (forked by
 * collab.ts with IPC): on a 2-core machine one process for all the editors is
 * starved before the server is, and then the clients, not the server, set
 * the pace. Times are `performance.timeOrigin + performance.now()`, comparable
 * across processes.
 *
 * Messages in: `connect` (editors on a document), `run` (type from `startAt`
 * until `stopAt`), `close`. Out: `synced`, then `result` with every edit sent
 * ([clientID, clock, time] triples) and every edit seen ([receiver clientID,
 * sender clientID, sender's clock after, time] quadruples), the edits made
 * and the CPU used between `measureFrom` and `stopAt`.
 */
export type EditorsRequest =
  | { type: 'connect'; url: string; room: string; token?: string; reference: boolean; count: number; firstIndex: number }
  | { type: 'run'; rate: number; startAt: number; measureFrom: number; stopAt: number }
  | { type: 'close' };

export type EditorsReply =
  | { type: 'synced' }
  | { type: 'result'; sends: Float64Array; receipts: Float64Array; edits: number; cpuSeconds: number };

const now = () => performance.timeOrigin + performance.now();
let editors: Editor[] = [];
let firstIndex = 0;

async function connect(request: Extract<EditorsRequest, { type: 'connect' }>): Promise<void> {
  firstIndex = request.firstIndex;
  for (let i = 0; i < request.count; i++) {
    const e = connectEditor(request.url, request.room, request.token);
    if (request.reference) {
      // The reference serves ws://host:port/<room>, not /collab/<room>.
      e.provider.disconnect();
      e.provider.serverUrl = request.url.replace(/^http/, 'ws');
      e.provider.connect();
    }
    editors.push(e);
  }
  await Promise.all(editors.map((e) => e.synced(60_000)));
}

async function run({ rate, startAt, measureFrom, stopAt }: Extract<EditorsRequest, { type: 'run' }>): Promise<EditorsReply> {
  const sends: number[] = [];
  const receipts: number[] = [];
  const offs = editors.map((e) => {
    const me = e.doc.clientID;
    const onTransaction = (tr: Y.Transaction) => {
      const t = now();
      tr.afterState.forEach((after, client) => {
        if (client !== me && after !== tr.beforeState.get(client)) receipts.push(me, client, after, t);
      });
    };
    e.doc.on('afterTransaction', onTransaction);
    return () => e.doc.off('afterTransaction', onTransaction);
  });
  let edits = 0;
  let cpuStart: NodeJS.CpuUsage | undefined;
  const period = 1000 / rate;
  // Each edit is due at a fixed time (not `period` after the last one): late timers on a busy machine
  // are caught up, so the offered rate holds as long as this process keeps up.
  const typists = editors.map(async (e, k) => {
    const i = firstIndex + k;
    let due = startAt + Math.random() * period;
    let lastCursor = 0;
    for (;;) {
      await sleep(Math.max(0, due - now()));
      due += period;
      const t = now();
      if (t >= stopAt) return;
      if (t >= measureFrom) {
        cpuStart ??= process.cpuUsage();
        edits++;
      }
      const clock = Y.getState(e.doc.store, e.doc.clientID);
      sends.push(e.doc.clientID, clock, t);
      e.text.insert(Math.floor(Math.random() * (e.text.length + 1)), `e${i % 10}x${clock % 10} `);
      if (t - lastCursor >= 1000) {
        lastCursor = t;
        e.provider.awareness.setLocalStateField('cursor', { anchor: Math.floor(Math.random() * e.text.length), user: `editor ${i}` });
      }
    }
  });
  await Promise.all(typists);
  const cpu = process.cpuUsage(cpuStart);
  offs.forEach((off) => off());
  return { type: 'result', sends: Float64Array.from(sends), receipts: Float64Array.from(receipts), edits, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

// Detached from the bench (see collab.ts): it must not outlive it.
process.on('disconnect', () => process.exit(0));

process.on('message', (request: EditorsRequest) => {
  const reply = (message: EditorsReply) => process.send!(message);
  if (request.type === 'connect') {
    connect(request).then(() => reply({ type: 'synced' }), (error) => {
      console.error(error);
      process.exit(1);
    });
  } else if (request.type === 'run') {
    run(request).then(reply, (error) => {
      console.error(error);
      process.exit(1);
    });
  } else {
    editors.forEach((e) => e.destroy());
    editors = [];
    process.exit(0);
  }
});
