// Jest's entry for the tests of architecture: one module registry for these files (see README, Testing).
import './architecture.test';
