const os = require('node:os');

/**
 * `npm test` runs the suites (the `.suite.ts` files under test/): each imports the test files
 * of one area, which then share one module registry, so the server's import
 * graph (about 1,900 modules, 1–1.5 s of CPU in a Jest worker) is loaded once
 * per suite instead of once per file. Each test file still starts its own
 * servers on its own database. Naming test files on the command line
 * (`npx jest test/core/roles.test.ts`) runs those files on their own.
 * test/architecture/architecture.test.ts checks that every test file is in
 * exactly one suite.
 */
const namesTestFiles = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));

/**
 * Suites run in parallel workers, each test file with its own database (a clone
 * of the template that global-setup migrates once) and its servers on port 0.
 * Two workers more than there are cores, since tests also wait on sockets,
 * PostgreSQL and timers (on 2 cores: 117 s with 4 workers, 130 s with 3); at
 * most 4, since every worker's servers hold PostgreSQL connections and
 * timing-sensitive tests suffer on an oversubscribed CPU. JEST_WORKERS
 * overrides it.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: namesTestFiles ? ['**/*.test.ts'] : ['**/*.suite.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: process.env.JEST_WORKERS || Math.min(4, os.availableParallelism() + 2),
  // Workers share the CPU: a hook that starts a server and sets up a scene takes seconds on a busy machine.
  testTimeout: 60000,
};
