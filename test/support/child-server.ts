import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

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
  const root = path.resolve(__dirname, '../..');
  const child = spawn(process.execPath, [...nodeArgs, '-r', 'ts-node/register/transpile-only', script], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"port"'));
      if (line) resolve(JSON.parse(line).port);
    });
    child.once('exit', (code) => reject(new Error(`sitrep process exited with ${code} before listening`)));
  });
  return { process: child, port, url: `http://127.0.0.1:${port}`, exited };
}
