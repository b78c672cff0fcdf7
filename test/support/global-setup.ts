import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Tests run against DATABASE_URL when it is set (CI uses the machine's
 * PostgreSQL). Without it they get an embedded PostgreSQL, started here once
 * for the whole run; every test file still makes a fresh database of its own.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const root = path.resolve(__dirname, '../..');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'test/support/embedded-pg-process.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL for tests exited with ${code}`)));
  });
  process.env.DATABASE_URL = url;
  (globalThis as { __sitrepPg?: typeof child }).__sitrepPg = child;
}
