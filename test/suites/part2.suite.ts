// Jest's entry for incident command, outgoing webhooks, database faults and the deployment.
// One of four suites, one per worker, balanced by duration: see README, Testing.
import '../core/concurrency.test';
import '../core/errors.test';
import '../core/incident-lifecycle.test';
import '../core/roles.test';
import '../core/status-and-timeline.test';
import '../core/update-cadence.test';
import '../integrations/change-events.test';
import '../integrations/webhooks-out.test';
import '../integrations/webhooks-out-crash.test';
import '../faults/bad-input.test';
import '../faults/frozen-database.test';
import '../deploy/balancer.test';
