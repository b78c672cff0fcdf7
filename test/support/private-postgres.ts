import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { childScriptArgs } from './child-scripts';

/** A PostgreSQL server of this test's own, which it may freeze and thaw (never the shared one). */
export interface PrivatePostgres {
  /** URL of its `postgres` database. */
  url: string;
  /** SIGSTOPs the postmaster and every backend: the server hangs as a stuck network or a full disk looks. */
  freeze(): void;
  /** SIGCONTs them again. */
  thaw(): void;
  stop(): Promise<void>;
}

/** Starts an embedded PostgreSQL in a child process (test/support/embedded-pg-process.ts). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const root = path.resolve(__dirname, '../..');
  const child: ChildProcess = spawn(process.execPath, childScriptArgs('test/support/embedded-pg-process.ts'), {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`private PostgreSQL exited with ${code}`)));
  });
  const client = new Client({ connectionString: url });
  await client.connect();
  const dataDir = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0].data_directory;
  await client.end();
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // Backends come and go: the set is read at each freeze.
  const processes = () => [postmaster, ...execFileSync('pgrep', ['-P', String(postmaster)]).toString().trim().split('\n').map(Number)];
  let frozen: number[] = [];
  return {
    url,
    freeze() {
      frozen = processes();
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thaw() {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      frozen = [];
    },
    async stop() {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
