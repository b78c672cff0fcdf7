import 'reflect-metadata';
import { loadConfig } from '../config/config';
import { createLogger } from '../observability/logger';
import { openDatabase } from './database';
import { createDataSource } from './data-source';
import { runMigrations } from './migrate';

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded PostgreSQL. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config.databaseUrl, config.dataDir, log);
  const dataSource = createDataSource(database.url, []);
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    log.info({ applied: applied.map((m) => m.name) }, applied.length ? 'migrations applied' : 'no pending migrations');
  } finally {
    await dataSource.destroy().catch(() => undefined);
    await database.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
