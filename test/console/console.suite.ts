// Jest's entry for the tests of the web console: one module registry for these files (see README, Testing).
import './codegen.test';
import './console.test';
