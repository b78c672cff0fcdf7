import type { ChildProcess } from 'node:child_process';
import { spawnScript } from './child-scripts';

/** A Sitrep server running in a child process (see sitrep-process.ts). */
export interface ChildServer {
  process: ChildProcess;
  port: number;
  url: string;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
}

/**
 * Starts `script` (Sitrep's by default) with `env` on top of ours; resolves
 * once it prints `{"port":<port>}`. `nodeArgs` go before the script (e.g. `--cpu-prof`).
 * `detached` puts it in a session of its own: Linux's autogroup scheduling then
 * gives it its own share of a busy machine rather than a part of the caller's.
 */
export async function startChildServer(
  env: Record<string, string>,
  script = 'test/support/sitrep-process.ts',
  nodeArgs: string[] = [],
  { detached = false }: { detached?: boolean } = {},
): Promise<ChildServer> {
  const { child, line, exited } = await spawnScript(script, { env: { LOG_LEVEL: 'silent', ...env }, nodeArgs, detached, accept: (l) => l.startsWith('{"port"') });
  const { port } = JSON.parse(line) as { port: number };
  return { process: child, port, url: `http://127.0.0.1:${port}`, exited };
}
