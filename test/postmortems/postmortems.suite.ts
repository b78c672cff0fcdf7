// Jest's entry for the tests of postmortems: one module registry for these files (see README, Testing).
import './blameless-findings.test';
import './incident-metrics.test';
import './postmortem-authorization.test';
import './postmortem-markdown.test';
import './postmortem-trigger-rule.test';
import './postmortem-workflow.test';
