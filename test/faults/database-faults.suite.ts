// Jest's entry for the tests of database faults and bad input: one module registry for these files (see README, Testing).
import './bad-input.test';
import './frozen-database.test';
