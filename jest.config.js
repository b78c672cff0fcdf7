const os = require('node:os');

/**
 * `npm test` runs the four suites in test/suites/: each imports the test files
 * of a few areas, which then share one module registry, so the server's import
 * graph (about 1,900 modules, 2–3 s of CPU in a Jest worker) is loaded once
 * per suite instead of once per file. Each test file still starts its own
 * servers on its own database. Naming test files on the command line
 * (`npx jest test/core/roles.test.ts`) runs those files on their own.
 * test/architecture/architecture.test.ts checks that every test file is in
 * exactly one suite.
 */
const namesTestFiles = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));

/**
 * The server under test runs as in production. graphql-js, outside
 * NODE_ENV=production, checks every failed `instanceof` of a schema type for a
 * second copy of graphql (about 4 % of a run's CPU); Jest would set `test`.
 * Tests of development behaviour pass `nodeEnv` to the server they start.
 */
if (!process.env.NODE_ENV || process.env.NODE_ENV === 'test') process.env.NODE_ENV = 'production';

/**
 * The suites run in parallel workers, each test file with its own database (a
 * clone of the template that global-setup migrates once) and its servers on
 * port 0. Four suites, four workers: on 2 cores the CPU is busy with four
 * (tests also wait on sockets, PostgreSQL and timers), while five or seven
 * cost more CPU than they fill (126 s and 120 s against 113 s; README,
 * Testing). JEST_WORKERS overrides it.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: namesTestFiles ? ['**/*.test.ts'] : ['**/suites/*.suite.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  setupFiles: ['reflect-metadata'],
  setupFilesAfterEnv: ['<rootDir>/test/support/suite-teardown.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: process.env.JEST_WORKERS || Math.min(4, os.availableParallelism() + 2),
  // Workers share the CPU: a hook that starts a server and sets up a scene takes seconds on a busy machine.
  testTimeout: 60000,
};
