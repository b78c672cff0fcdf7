// Jest's entry for the tests of alert intake: one module registry for these files (see README, Testing).
import './acknowledge.test';
import './alert-rules.test';
import './alertmanager.test';
import './api-tokens.test';
import './grafana.test';
import './pagerduty.test';
import './webhook-input.test';
