// Jest's entry for the tests of outgoing webhooks and change events: one module registry for these files (see README, Testing).
import './change-events.test';
import './webhooks-out.test';
import './webhooks-out-crash.test';
