import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../../src/db/database';
import { waitFor } from '../support/collab-clients';

/** The balancer configuration docker-compose.yml mounts; only addresses differ here. */
export const HAPROXY_CONFIG = path.resolve(__dirname, '../../deploy/haproxy.cfg');

/** A helper process started by a test, and how to stop it. */
export interface Helper {
  process: ChildProcess;
  port: number;
  /** Output so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

function capture(child: ChildProcess): () => string {
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => out;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
}

/** Answers whether something accepts TCP connections on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A private redis-server on a free port (never the shared one: this test kills things). */
export async function startRedis(): Promise<Helper> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = capture(child);
  await waitFor(() => listening(port), 10_000, `redis-server did not start:\n${output()}`);
  return { process: child, port, output, stop: stopper(child) };
}

/** Whether Debian's haproxy (or any haproxy on PATH) is installed. */
export function haproxyInstalled(): boolean {
  try {
    execFileSync('haproxy', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * HAProxy with deploy/haproxy.cfg as compose runs it, listening on a free
 * loopback port in front of the two given instance addresses (`host:port`).
 */
export async function startHaproxy(instances: [string, string]): Promise<Helper> {
  const port = await freePort();
  const child = spawn('haproxy', ['-f', HAPROXY_CONFIG, '-db'], {
    env: { ...process.env, SITREP_LB_BIND: `127.0.0.1:${port}`, SITREP_1_ADDR: instances[0], SITREP_2_ADDR: instances[1] },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = capture(child);
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}:\n${output()}`);
      return listening(port);
    },
    10_000,
    'haproxy did not start',
  );
  return { process: child, port, output, stop: stopper(child) };
}

/** The number of open live-document sockets an instance reports on /metrics. */
export async function collabSockets(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('sitrep_websocket_connections{') && l.includes('endpoint="collab"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
