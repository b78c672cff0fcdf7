import type { ChildServer } from './child-server';

/**
 * A benchmark's view of a child server's memory: the V8 heap after a full
 * garbage collection, which (unlike RSS, whose freed pages V8 keeps) falls
 * when objects are freed and grows by what is really held.
 *
 * Off unless the bench enables it: the child must run with `--expose-gc` and
 * `SITREP_BENCH_HEAP_PROBE=1` in its environment (`heapProbeChild` gives both).
 */
export const HEAP_PROBE_ENV = 'SITREP_BENCH_HEAP_PROBE';

/** What `startChildServer` needs to start a child with the probe on. */
export const heapProbeChild = { env: { [HEAP_PROBE_ENV]: '1' }, nodeArgs: ['--expose-gc'] };

/**
 * In the child (sitrep-process.ts, fanout-reference-server.ts): on SIGUSR2,
 * collects garbage and prints `{"heapBytes":<used heap + external memory>}`
 * on stdout. Does nothing unless enabled as above.
 */
export function installHeapProbe(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (process.env[HEAP_PROBE_ENV] !== '1' || !gc) return;
  process.on('SIGUSR2', () => {
    // Twice: objects whose finalizers ran in the first collection are freed in the second.
    gc();
    gc();
    const { heapUsed, external } = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ heapBytes: heapUsed + external })}\n`);
  });
}

/**
 * Asks `child` for its heap after a full collection, in bytes. Only for a child started with the probe
 * on: without a SIGUSR2 handler, Node ends the process.
 */
export function heapAfterGc(child: ChildServer, timeoutMs = 10_000): Promise<number> {
  const stdout = child.process.stdout!;
  return new Promise<number>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"heapBytes"'));
      if (!line) return;
      done();
      resolve(JSON.parse(line).heapBytes);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no heap figure from process ${child.process.pid} (started without the heap probe?)`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      stdout.off('data', onData);
    };
    stdout.on('data', onData);
    child.process.kill('SIGUSR2');
  });
}
