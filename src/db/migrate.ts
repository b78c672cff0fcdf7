import { DataSource, type Migration } from 'typeorm';

/**
 * Key of the PostgreSQL advisory lock held while migrations run (any fixed
 * bigint; this one spells "sitrep" in ASCII).
 */
export const MIGRATION_LOCK_KEY = 0x736974726570;

/**
 * Applies pending migrations, in one transaction, under a session advisory
 * lock: replicas that start together on an empty database (docker compose up)
 * apply them once; the others wait, then find nothing pending.
 *
 * They run on connections of their own without the pool's statement and
 * query timeouts (DATABASE_STATEMENT_TIMEOUT_MS): a migration may rewrite a
 * large table, and a replica may wait for another's migrations that long.
 */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  const options = dataSource.options as DataSource['options'] & { extra?: Record<string, unknown> };
  const migrator = new DataSource({
    ...options,
    entities: [],
    extra: { ...options.extra, max: 2, statement_timeout: undefined, query_timeout: undefined },
  } as DataSource['options']);
  await migrator.initialize();
  const lock = migrator.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await migrator.runMigrations({ transaction: 'all' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
    await migrator.destroy();
  }
}
