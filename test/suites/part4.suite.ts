// Jest's entry for the server and its edges, the live document, postmortems, third-party clients, the status page and the architecture.
// One of four suites, one per worker, balanced by duration: see README, Testing.
import '../core/authorization.test';
import '../core/config.unit.test';
import '../core/multi-instance.test';
import '../core/readme-examples.test';
import '../core/rules.unit.test';
import '../core/server.test';
import '../collab/collab-broadcast.test';
import '../collab/collab-document.test';
import '../collab/collab-limits.test';
import '../collab/collab-recheck.test';
import '../collab/kept-sections.test';
import '../postmortems/blameless-findings.test';
import '../postmortems/incident-metrics.test';
import '../postmortems/postmortem-authorization.test';
import '../postmortems/postmortem-markdown.test';
import '../postmortems/postmortem-trigger-rule.test';
import '../postmortems/postmortem-workflow.test';
import '../integrations/graphql-clients.test';
import '../integrations/graphql-http-audit.test';
import '../integrations/reconnect-storms.test';
import '../status-page/status-page.test';
import '../architecture/architecture.test';
