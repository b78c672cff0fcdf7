// Jest's entry for the tests of third-party clients: one module registry for these files (see README, Testing).
import './graphql-clients.test';
import './graphql-http-audit.test';
import './reconnect-storms.test';
