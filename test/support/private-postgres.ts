import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { spawnScript } from './child-scripts';

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
  const { child, line: url, exited } = await spawnScript('test/support/embedded-pg-process.ts');
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
