import { DataSource, type Logger as OrmLogger } from 'typeorm';
import { migrations } from './migrations';

/**
 * Builds the one DataSource of a Sitrep process. `synchronize` is never used:
 * the schema comes from the reviewed migrations in `src/db/migrations`.
 * `entities` come from the domains' modules (src/server/modules.ts lists them);
 * running migrations alone needs none.
 */
export function createDataSource(url: string, entities: readonly Function[], logger?: OrmLogger): DataSource {
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
    extra: { max: 20, application_name: 'sitrep' },
  });
}
