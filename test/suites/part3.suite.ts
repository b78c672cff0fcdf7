// Jest's entry for reads and subscriptions, Redis gaps and session expiry, alert intake and the console.
// One of four suites, one per worker, balanced by duration: see README, Testing.
import '../core/pagination.test';
import '../core/postmortem-triggers.test';
import '../core/schema.test';
import '../core/sql-statements.test';
import '../core/subscriptions.test';
import '../faults/redis-gap.test';
import '../faults/session-expiry.test';
import '../alerts/acknowledge.test';
import '../alerts/alert-rules.test';
import '../alerts/alertmanager.test';
import '../alerts/api-tokens.test';
import '../alerts/grafana.test';
import '../alerts/pagerduty.test';
import '../alerts/webhook-input.test';
import '../console/codegen.test';
import '../console/console.test';
