// Jest's entry for the tests of the status page: one module registry for these files (see README, Testing).
import './status-page.test';
