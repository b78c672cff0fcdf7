// Jest's entry for the tests of the live document on one server: one module registry for these files (see README, Testing).
import './collab-broadcast.test';
import './collab-document.test';
import './collab-limits.test';
import './collab-recheck.test';
import './kept-sections.test';
