// Jest's entry for the tests of reads and subscriptions: one module registry for these files (see README, Testing).
import './pagination.test';
import './postmortem-triggers.test';
import './schema.test';
import './sql-statements.test';
import './subscriptions.test';
