import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import { openDatabase, type DatabaseHandle } from '../db/database';
import { createDataSource } from '../db/data-source';
import { runMigrations } from '../db/migrate';
import { QueryLogger } from '../db/query-logger';
import { InProcessPubSub, type PubSub } from '../events/pubsub';
import { RedisPubSub } from '../events/redis-pubsub';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { entities, topics } from './modules';

/** What a server stores and publishes with, opened before anything else. */
export interface Storage {
  database: DatabaseHandle;
  dataSource: DataSource;
  pubsub: PubSub;
}

/**
 * Start-up, first phase: the database (embedded unless DATABASE_URL), the
 * reviewed migrations in one transaction under an advisory lock (db/migrate.ts), then the pub/sub (Redis when
 * REDIS_URL is set). A failure stops what was opened before it. `opening` is a database
 * main.ts started opening before loading the server's modules.
 */
export async function openStorage(config: Config, log: Logger, metrics: Metrics, opening?: Promise<DatabaseHandle>): Promise<Storage> {
  const database = await (opening ?? openDatabase(config.databaseUrl, config.dataDir, log));
  const dataSource = createDataSource(database.url, entities, new QueryLogger(log, metrics), config.timeouts);
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    log.info(
      { phase: 'migrations', applied: applied.map((m) => m.name) },
      applied.length ? `migrations: applied ${applied.length}` : 'migrations: schema up to date',
    );
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    await database.stop();
    throw error;
  }
  const pubsub: PubSub = config.redisUrl
    ? await RedisPubSub.connect(config.redisUrl, topics, dataSource, log, config.redisPrefix, {
        pollIntervalMs: config.eventLog.pollIntervalMs,
        retentionMs: config.eventLog.retentionSeconds * 1000,
        commandTimeoutMs: config.timeouts.redisCommandMs,
      })
    : new InProcessPubSub();
  return { database, dataSource, pubsub };
}

/** One named step of shutting down. */
export type ShutdownStep = [name: string, work: () => unknown];

/**
 * The server's `close`: runs `steps` one after another, in the order given
 * (stop accepting, close sockets, drain HTTP, then the pub/sub and the
 * database last, so that pending edits are stored), and only once however
 * often it is called.
 */
export function shutdownInOrder(log: Logger, steps: ShutdownStep[]): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= (async () => {
      log.info('shutting down');
      for (const [name, work] of steps) {
        log.debug({ step: name }, 'shutdown step');
        await work();
      }
      log.info('stopped');
    })());
}
