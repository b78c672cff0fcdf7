// First: the libraries below read NODE_ENV as they load.
import './config/node-env';
import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './config/config';
import { openDatabase } from './db/database';
import { createLogger } from './observability/logger';

/** What the configuration phase line says about the database. */
function databaseSummary(config: Config): string {
  if (!config.databaseUrl) return `embedded PostgreSQL under ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  return `external PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/**
 * `node dist/src/main.js` (what `npm start` and the Docker image run): runs
 * Sitrep until SIGTERM or SIGINT, with one log line per start-up phase
 * (`phase`: configuration, database, migrations, listening).
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`configuration error: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  log.info(
    { phase: 'configuration', entry: __filename, port: config.port, database: config.databaseUrl ? 'external' : 'embedded', redis: Boolean(config.redisUrl) },
    `configuration read: port ${config.port}, ${databaseSummary(config)}, ${config.redisUrl ? 'Redis shared by instances' : 'single instance (no REDIS_URL)'}`,
  );
  // A signal during start-up (Ctrl-C while the embedded PostgreSQL starts) must still stop what was
  // started, so the handlers are installed first and act once startServer has finished.
  let signalled: NodeJS.Signals | undefined;
  let stop = (signal: NodeJS.Signals) => {
    signalled ??= signal;
  };
  process.on('SIGTERM', (signal) => stop(signal));
  process.on('SIGINT', (signal) => stop(signal));
  // The database starts first and runs while the rest of Sitrep loads (GraphQL, TypeORM and Apollo
  // take seconds on a busy machine; loading blocks this thread, PostgreSQL's process does not wait).
  let spawned!: () => void;
  const running = new Promise<void>((resolve) => (spawned = resolve));
  const opening = openDatabase(config.databaseUrl, config.dataDir, log, spawned);
  await Promise.race([running, opening.catch(() => undefined)]);
  const { startServer } = require('./server/app') as typeof import('./server/app');
  const server = await startServer(config, log, opening);
  let stopping = false;
  stop = (signal) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'signal received');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 5000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  if (signalled) stop(signalled);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
