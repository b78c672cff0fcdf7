/**
 * Test files run in parallel workers, each file with its own database (a clone
 * of the template that global-setup migrates once) and its servers on port 0.
 * Most of a test's time is spent waiting on sockets, PostgreSQL and timers, not
 * on the CPU, so there are more workers than cores; JEST_WORKERS overrides it.
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
  maxWorkers: process.env.JEST_WORKERS || 4,
  // Workers share the CPU: a hook that starts a server and sets up a scene takes seconds on a busy machine.
  testTimeout: 60000,
};
