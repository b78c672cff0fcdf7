import 'reflect-metadata';
import { loadConfig } from './src/config/config';
import { createDataSource } from './src/db/data-source';
import { entities } from './src/server/modules';

/**
 * The DataSource for the TypeORM CLI, e.g.
 * `DATABASE_URL=postgres://… npx typeorm-ts-node-commonjs migration:show -d ormconfig.ts`.
 * The server builds its own from the same factory (src/db/data-source.ts).
 */
const config = loadConfig();
if (!config.databaseUrl) {
  throw new Error('The TypeORM CLI needs DATABASE_URL; `npm run db:migrate` also works with the embedded PostgreSQL.');
}
export const AppDataSource = createDataSource(config.databaseUrl, entities);
export default AppDataSource;
