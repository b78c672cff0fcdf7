// Jest's entry for the tests of the server and its edges: one module registry for these files (see README, Testing).
import './authorization.test';
import './config.unit.test';
import './multi-instance.test';
import './readme-examples.test';
import './rules.unit.test';
import './server.test';
