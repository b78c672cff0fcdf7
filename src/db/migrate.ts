import type { DataSource, Migration } from 'typeorm';

/**
 * Key of the PostgreSQL advisory lock held while migrations run (any fixed
 * bigint; this one spells "sitrep" in ASCII).
 */
export const MIGRATION_LOCK_KEY = 0x736974726570;

/**
 * Applies pending migrations, in one transaction, under a session advisory
 * lock: replicas that start together on an empty database (docker compose up)
 * apply them once; the others wait, then find nothing pending.
 */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}
