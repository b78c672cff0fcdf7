import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { startServer } from '../../src/server/app';
import { installHeapProbe } from './heap-probe';

/**
 * Runs one Sitrep server in its own process, for tests that kill it
 * (SIGKILL) and for benchmarks: configured from the environment
 * (DATABASE_URL, PORT, JWT_SECRET, COLLAB_*...), it prints
 * `{"port":<port>}` on stdout once it listens and stops on SIGTERM.
 * Benchmarks may turn on the heap probe (heap-probe.ts).
 */
async function main(): Promise<void> {
  installHeapProbe();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sitrep-process-'));
  const config = { ...loadConfig(), dataDir, host: process.env.HOST || '127.0.0.1' };
  const server = await startServer(config, createLogger(config.logLevel));
  process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
  const stop = () =>
    void server.close().finally(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
