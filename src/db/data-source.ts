import { DataSource, type Logger as OrmLogger } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

/**
 * Builds the one DataSource of a Sitrep process. `synchronize` is never used:
 * the schema comes from the reviewed migrations in `src/db/migrations`.
 */
export function createDataSource(url: string, logger?: OrmLogger): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: logger ? ['query', 'error', 'warn', 'migration'] : ['error', 'warn', 'migration'],
    logger: logger ?? 'simple-console',
    maxQueryExecutionTime: 500,
    extra: { max: 20, application_name: 'sitrep' },
  });
}
