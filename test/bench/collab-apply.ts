import * as Y from 'yjs';
import { benchArgs, runBench } from './bench-support';

/**
 * `npm run bench:collab-apply [-- --editors=50 --edits=3000 --rounds=6]`: what the server's Yjs work costs
 * per client edit, the way Sitrep applied edits before and the way it does now (src/collab/collab-document.ts).
 * `editors` Y.Docs type into one text at random places; their updates are then applied to a server-side
 * Y.Doc (with an `update` listener, as the server has) in batches of 1, 2 and 4 (what one broadcast gathers
 * at 200 edits/s with a 5, 10 or 20 ms interval):
 *
 * - one transaction per edit, then `Y.mergeUpdates` of the batch's updates for the broadcast (before);
 * - one transaction per batch (`Y.transact` around the batch's `Y.applyUpdate`s), whose one update is the
 *   broadcast (now).
 *
 * CPU per edit (`process.cpuUsage`), alternating the two ways round by round; the first round is left out
 * (the JIT warming up). The ratio is now / before.
 */
const args = benchArgs();
const EDITORS = Number(args.editors ?? 50);
const EDITS = Number(args.edits ?? 3_000);
const ROUNDS = Number(args.rounds ?? 6);

function typedUpdates(): { seed: Uint8Array; updates: Uint8Array[] } {
  const template = new Y.Doc();
  template.getText('content').insert(0, 'Incident summary\n'.repeat(50));
  const seed = Y.encodeStateAsUpdate(template);
  const editors = Array.from({ length: EDITORS }, () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, seed);
    return doc;
  });
  const updates: Uint8Array[] = [];
  for (let i = 0; i < EDITS; i++) {
    const doc = editors[i % EDITORS];
    const text = doc.getText('content');
    let update: Uint8Array | undefined;
    const keep = (u: Uint8Array) => (update = u);
    doc.on('update', keep);
    text.insert(Math.floor(Math.random() * text.length), `e${i % 10}x `);
    doc.off('update', keep);
    updates.push(update!);
    for (const other of editors) if (other !== doc) Y.applyUpdate(other, update!);
  }
  return { seed, updates };
}

/** CPU microseconds per edit to apply `updates` in batches of `batch`, `grouped` in one transaction each or not. */
function apply(seed: Uint8Array, updates: Uint8Array[], batch: number, grouped: boolean): number {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, seed);
  let out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  let bytes = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < updates.length; i += batch) {
    const slice = updates.slice(i, i + batch);
    if (grouped) Y.transact(doc, () => slice.forEach((u) => Y.applyUpdate(doc, u, 'client')), 'client');
    else slice.forEach((u) => Y.applyUpdate(doc, u, 'client'));
    const broadcast = out.length === 1 ? out[0] : Y.mergeUpdates(out);
    bytes += broadcast.byteLength;
    out = [];
  }
  const cpu = process.cpuUsage(start);
  if (bytes === 0) throw new Error('nothing was broadcast');
  return (cpu.user + cpu.system) / updates.length;
}

runBench(async () => {
  const { seed, updates } = typedUpdates();
  const batches = [1, 2, 4];
  const before = new Map(batches.map((b) => [b, [] as number[]]));
  const now = new Map(batches.map((b) => [b, [] as number[]]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const b of batches) {
      const order = round % 2 === 0 ? [false, true] : [true, false];
      for (const grouped of order) {
        const us = apply(seed, updates, b, grouped);
        if (round > 0) (grouped ? now : before).get(b)!.push(us);
      }
    }
  }
  const median = (values: number[]) => [...values].sort((a, c) => a - c)[Math.floor(values.length / 2)];
  console.log(`\n${EDITORS} editors, ${EDITS} edits, median of ${ROUNDS} rounds (CPU µs per edit)\n`);
  console.log('| edits per broadcast | a transaction per edit + merge | a transaction per batch | ratio |');
  console.log('|---------------------|--------------------------------|-------------------------|-------|');
  for (const b of batches) {
    const [x, y] = [median(before.get(b)!), median(now.get(b)!)];
    console.log(`| ${String(b).padStart(19)} | ${x.toFixed(1).padStart(30)} | ${y.toFixed(1).padStart(23)} | ${(y / x).toFixed(2).padStart(4)}× |`);
  }
});
