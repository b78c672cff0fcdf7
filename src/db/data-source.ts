import { DataSource, type Logger as OrmLogger } from 'typeorm';
import { migrations } from './migrations';

/** How long the pool waits for PostgreSQL; see `TimeoutsConfig`. */
export interface PoolTimeouts {
  /** Server-side `statement_timeout`, and the client-side wait for any answer. */
  statementMs: number;
  /** Longest wait for a new connection, or for a free one from the pool. */
  connectMs: number;
}

/**
 * Builds the one DataSource of a Sitrep process. `synchronize` is never used:
 * the schema comes from the reviewed migrations in `src/db/migrations`.
 * `entities` come from the domains' modules (src/server/modules.ts lists them);
 * running migrations alone needs none.
 *
 * Every wait on PostgreSQL is bounded. `statement_timeout` stops a statement
 * stuck on a lock or a runaway plan; but a frozen server (SIGSTOP, a network
 * black hole, a full disk) enforces nothing, so node-postgres' own
 * `query_timeout` and `connectionTimeoutMillis` make the request fail
 * instead of hanging.
 */
export function createDataSource(
  url: string,
  entities: readonly Function[],
  logger?: OrmLogger,
  timeouts: PoolTimeouts = { statementMs: 10_000, connectMs: 3_000 },
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [...entities],
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: logger ? ['query', 'error', 'warn', 'migration'] : ['error', 'warn', 'migration'],
    logger: logger ?? 'simple-console',
    maxQueryExecutionTime: 500,
    connectTimeoutMS: timeouts.connectMs,
    extra: {
      max: 20,
      application_name: 'sitrep',
      statement_timeout: timeouts.statementMs,
      query_timeout: timeouts.statementMs,
      connectionTimeoutMillis: timeouts.connectMs,
      keepAlive: true,
    },
  });
}
