// Jest's entry for bounded cost, the live document across restarts and instances, and accounts.
// One of four suites, one per worker, balanced by duration: see README, Testing.
import '../cost/caps-and-principal-cache.test';
import '../cost/committed-incidents.test';
import '../cost/operation-limits.test';
import '../cost/shared-reads.test';
import '../cost/shared-reads.unit.test';
import '../cost/shared-subscriptions.test';
import '../cost/websocket-frames.test';
import '../cost/ws-documents.unit.test';
import '../collab/collab-crash.test';
import '../collab/collab-instances.test';
import '../collab/collab-persistence.test';
import '../collab/editor-presence.test';
import '../accounts/change-password.test';
import '../accounts/client-address.unit.test';
import '../accounts/config.unit.test';
import '../accounts/deactivation.test';
import '../accounts/login-limits.test';
import '../accounts/role-change.test';
