// Jest's entry for the tests of Redis gaps and session expiry: one module registry for these files (see README, Testing).
import './redis-gap.test';
import './session-expiry.test';
