import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { applyVersionState, encodeVersionState } from '../../src/collab/document-history';
import { CONTENT } from '../../src/collab/document-store';
import { renderIncidentDocument } from '../../src/collab/incident-document-template';

/**
 * `npm run bench:document-history [-- --updates=10000 --editors=5]`
 *
 * Bytes one document version takes, for a document built from `updates`
 * edits (typing, some deleting, a few pastes, by `editors` people), as Sitrep
 * stores it (the deflated Yjs state plus the Markdown), against references
 * measured in the same run: the update log that produced it (what keeping
 * the history as raw updates would cost) and the plain Yjs state. Also the
 * time to replay a version's state (`documentAt` between two versions).
 */
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const UPDATES = Number(args.updates ?? 10_000);
const EDITORS = Number(args.editors ?? 5);

function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const rand = random(42);
const seed = new Y.Doc();
seed.getText(CONTENT).insert(
  0,
  renderIncidentDocument({
    title: 'Checkout returns 500',
    summary: null,
    severity: 'SEV1',
    status: 'INVESTIGATING',
    declaredAt: new Date('2026-01-01T00:00:00Z'),
    mitigatedAt: null,
    resolvedAt: null,
    commander: 'Alice',
    operationsLead: 'Alice',
    planningLead: 'Alice',
    communicationsLead: 'Alice',
    timeline: [],
  }),
);
const REMOTE = 'remote';
const server = new Y.Doc();
Y.applyUpdate(server, Y.encodeStateAsUpdate(seed));
/** Every update as a client sends it (its transaction's own changes), in order: the update log. */
const log: Uint8Array[] = [];
let queued: Array<{ from: Y.Doc; update: Uint8Array }> = [];
const editors = Array.from({ length: EDITORS }, () => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(seed), REMOTE);
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE) return;
    log.push(update);
    queued.push({ from: doc, update });
    Y.applyUpdate(server, update);
  });
  return doc;
});
const words = 'the pool was saturated retries rolled back v41 error rate checkout eu region recovered '.split(' ');
for (let i = 0; i < UPDATES; i += 1) {
  const doc = editors[i % EDITORS];
  const text = doc.getText(CONTENT);
  const roll = rand();
  if (roll < 0.8) {
    // Typing: a character or a word at a cursor that wanders.
    const at = Math.floor(rand() * text.length);
    text.insert(at, rand() < 0.5 ? words[Math.floor(rand() * words.length)] + ' ' : 'x');
  } else if (roll < 0.98) {
    const at = Math.floor(rand() * Math.max(1, text.length - 10));
    text.delete(at, Math.min(1 + Math.floor(rand() * 8), text.length - at));
  } else {
    text.insert(Math.floor(rand() * text.length), `\n- ${words.join(' ')}\n`);
  }
  // Everyone sees everyone's edits soon, as over the socket.
  if (i % 10 === 9) {
    for (const { from, update } of queued) for (const other of editors) if (other !== from) Y.applyUpdate(other, update, REMOTE);
    queued = [];
  }
}

const markdown = server.getText(CONTENT).toString();
const state = encodeVersionState(server);
const textBytes = Buffer.byteLength(markdown, 'utf8');
const stored = state.byteLength + textBytes;
const logBytes = log.reduce((sum, u) => sum + u.byteLength, 0);
const v1 = Y.encodeStateAsUpdate(server).byteLength;
const v2 = Y.encodeStateAsUpdateV2(server).byteLength;

const rounds = 10;
let t0 = performance.now();
for (let i = 0; i < rounds; i += 1) {
  const doc = new Y.Doc();
  applyVersionState(doc, state);
  if (doc.getText(CONTENT).toString() !== markdown) throw new Error('a version did not decode to its text');
  doc.destroy();
}
const replayMs = (performance.now() - t0) / rounds;

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`document from ${UPDATES} updates by ${EDITORS} editors: ${markdown.length} characters, update log ${logBytes} bytes (${kb(logBytes)})`);
console.log(`bytes per version, as stored: ${stored} (${kb(stored)}) = deflated Yjs state ${state.byteLength} + Markdown ${textBytes} (PostgreSQL compresses the Markdown further)`);
console.log(`  ratio to the update log that built it (keeping the history as raw updates): ${(stored / logBytes).toFixed(3)}`);
console.log(`  ratio to the plain Yjs state (v1 ${v1} bytes; v2 ${v2}): ${(stored / v1).toFixed(3)}`);
console.log(`reading a version's Markdown: one column, no Yjs replay; replaying its state (documentAt between versions): ${replayMs.toFixed(1)} ms`);
