const os = require('node:os');

/**
 * Test files run in parallel workers, each file with its own database (a clone
 * of the template that global-setup migrates once) and its servers on port 0.
 * One worker more than there are cores, since tests also wait on sockets,
 * PostgreSQL and timers; at most 4, since every worker's servers hold
 * PostgreSQL connections and timing-sensitive tests suffer on an
 * oversubscribed CPU. JEST_WORKERS overrides it.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: process.env.JEST_WORKERS || Math.min(4, os.availableParallelism() + 1),
  // Workers share the CPU: a hook that starts a server and sets up a scene takes seconds on a busy machine.
  testTimeout: 60000,
};
