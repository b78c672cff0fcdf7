// Jest's entry for the tests of bounded cost: one module registry for these files (see README, Testing).
import './caps-and-principal-cache.test';
import './committed-incidents.test';
import './operation-limits.test';
import './shared-reads.test';
import './shared-reads.unit.test';
import './shared-subscriptions.test';
import './ws-documents.unit.test';
