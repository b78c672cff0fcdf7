// Jest's entry for the tests of incident command: one module registry for these files (see README, Testing).
import './concurrency.test';
import './errors.test';
import './incident-lifecycle.test';
import './roles.test';
import './status-and-timeline.test';
import './update-cadence.test';
