// @ts-check
/** @import * as G from './generated/graphql' */
/**
 * The contract's enums as people read them, and the status rules the server
 * enforces (src/incidents/status-machine.ts), so the console only offers
 * moves the server will accept.
 */
import { h } from './dom.js';

/** @type {ReadonlyArray<G.Severity>} */
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];

/**
 * What each severity means, shown when declaring and changing severity.
 * @type {Record<G.Severity, string>}
 */
export const SEVERITY_HINTS = {
  SEV1: 'Critical: a core service is down or data is at risk for many users',
  SEV2: 'Major: significant degradation or a key feature unavailable',
  SEV3: 'Minor: limited impact, a workaround exists',
  SEV4: 'Low: cosmetic or internal-only, no customer impact',
};

/** @type {ReadonlyArray<G.IncidentStatus>} */
export const STATUSES = ['INVESTIGATING', 'IDENTIFIED', 'MITIGATED', 'RESOLVED'];
/** @type {ReadonlyArray<G.IncidentStatus>} */
export const OPEN_STATUSES = ['INVESTIGATING', 'IDENTIFIED', 'MITIGATED'];

/** @type {Record<G.IncidentStatus, string>} */
export const STATUS_LABELS = {
  INVESTIGATING: 'Investigating',
  IDENTIFIED: 'Identified',
  MITIGATED: 'Mitigated',
  RESOLVED: 'Resolved',
};

/**
 * The statuses an incident may move to from `status`: while open any other
 * status (forward, skipping steps, or back); once resolved only a reopen.
 * @param {G.IncidentStatus} status
 * @returns {G.IncidentStatus[]}
 */
export function allowedTransitions(status) {
  if (status === 'RESOLVED') return ['INVESTIGATING'];
  return STATUSES.filter((s) => s !== status);
}

/**
 * The label for moving to `next` from `current`.
 * @param {G.IncidentStatus} current
 * @param {G.IncidentStatus} next
 */
export function transitionLabel(current, next) {
  if (current === 'RESOLVED' && next === 'INVESTIGATING') return 'Reopen (Investigating)';
  const back = STATUSES.indexOf(next) < STATUSES.indexOf(current);
  return back ? `Back to ${STATUS_LABELS[next]}` : STATUS_LABELS[next];
}

/** @type {Record<G.IncidentTrigger, string>} */
export const TRIGGER_LABELS = {
  USER_REPORT: 'User report',
  AUTOMATED_ALERT: 'Automated alert',
  STAFF_IDENTIFIED: 'Identified by staff',
};

/** @type {ReadonlyArray<G.IncidentRole>} */
export const ROLES = ['INCIDENT_COMMANDER', 'COMMUNICATIONS_LEAD', 'OPERATIONS_LEAD', 'PLANNING_LEAD'];

/** @type {Record<G.IncidentRole, string>} */
export const ROLE_LABELS = {
  INCIDENT_COMMANDER: 'Incident Commander',
  COMMUNICATIONS_LEAD: 'Communications Lead',
  OPERATIONS_LEAD: 'Operations Lead',
  PLANNING_LEAD: 'Planning Lead',
};

/** @type {Record<G.TimelineEventKind, string>} */
export const TIMELINE_LABELS = {
  DECLARED: 'Declared',
  STATUS_CHANGED: 'Status',
  SEVERITY_CHANGED: 'Severity',
  ROLE_ASSIGNED: 'Role',
  STATUS_UPDATE: 'Update',
  NOTE: 'Note',
  ALERT: 'Alert',
  ROLLBACK: 'Rollback',
  TRAFFIC_REROUTE: 'Traffic reroute',
  POSTMORTEM_STARTED: 'Postmortem',
};

/**
 * The timeline kinds a person may add (the server writes the others).
 * @type {ReadonlyArray<G.TimelineEventKind>}
 */
export const MANUAL_TIMELINE_KINDS = ['NOTE', 'ROLLBACK', 'TRAFFIC_REROUTE'];

/** @type {Record<G.PostmortemTrigger, string>} */
export const POSTMORTEM_TRIGGER_LABELS = {
  USER_VISIBLE_DOWNTIME: 'User-visible downtime or degradation',
  SLO_MISSED: 'Service level objective missed',
  DATA_LOSS: 'Data loss',
  ONCALL_INTERVENTION: 'On-call intervention (rollback or traffic reroute)',
  RESOLUTION_TIME_EXCEEDED: 'Resolution time above the threshold for its severity',
  MONITORING_FAILURE: 'Monitoring failure (detected by hand)',
};

/**
 * The incident flags that make a postmortem owed, as `updateIncident` names them: field, label, hint.
 * @type {ReadonlyArray<readonly ['userVisibleDowntime' | 'sloBreached' | 'dataLoss' | 'monitoringFailure', string, string]>}
 */
export const FLAGS = [
  ['userVisibleDowntime', 'User-visible downtime', 'Users saw downtime or degradation'],
  ['sloBreached', 'SLO breached', 'A service level objective was missed'],
  ['dataLoss', 'Data loss', 'Any data was lost'],
  ['monitoringFailure', 'Monitoring failure', 'Monitoring did not catch it: found by a person'],
];

/**
 * A severity badge: colour plus text, never colour alone.
 * @param {G.Severity} severity
 */
export function severityBadge(severity) {
  return h('span', { class: `badge sev sev-${severity.toLowerCase()}`, title: SEVERITY_HINTS[severity] }, severity);
}

/**
 * A status badge.
 * @param {G.IncidentStatus} status
 */
export function statusBadge(status) {
  return h('span', { class: `badge status status-${status.toLowerCase()}` }, STATUS_LABELS[status] ?? status);
}

/**
 * The "postmortem required" marker.
 * @param {ReadonlyArray<G.PostmortemTrigger>} [triggers]
 */
export function postmortemBadge(triggers = []) {
  const why = triggers.map((t) => POSTMORTEM_TRIGGER_LABELS[t] ?? t).join('; ');
  return h('span', { class: 'badge pm', title: why ? `Postmortem required: ${why}` : 'Postmortem required' }, 'Postmortem');
}

/**
 * Order for "most urgent first": open before resolved, then severity, then oldest.
 * @typedef {{ status: G.IncidentStatus, severity: G.Severity, declaredAt: string }} Ranked
 * @param {Ranked} a
 * @param {Ranked} b
 */
export function urgency(a, b) {
  /** @param {Ranked} i */
  const open = (i) => (i.status === 'RESOLVED' ? 1 : 0);
  return (
    open(a) - open(b) ||
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    new Date(a.declaredAt).getTime() - new Date(b.declaredAt).getTime()
  );
}

/** @type {Record<G.PostmortemStatus, string>} */
export const POSTMORTEM_STATUS_LABELS = {
  DRAFT: 'Draft',
  IN_REVIEW: 'In review',
  PUBLISHED: 'Published',
};

/**
 * A postmortem status badge.
 * @param {G.PostmortemStatus} status
 */
export function postmortemStatusBadge(status) {
  return h('span', { class: `badge pm-status-${status.toLowerCase().replace('_', '-')}` }, POSTMORTEM_STATUS_LABELS[status] ?? status);
}

/**
 * The sections of a postmortem, as `updatePostmortem` names them, in the SRE book's order: field, section, label, hint.
 * @type {ReadonlyArray<readonly [PostmortemSectionField, string, string, string]>}
 */
export const POSTMORTEM_SECTIONS = [
  ['summary', 'SUMMARY', 'Summary', 'What happened, in two or three sentences.'],
  ['impact', 'IMPACT', 'Impact', 'Who was affected, how much and for how long (users, revenue, SLOs).'],
  ['rootCauses', 'ROOT_CAUSES', 'Root causes', 'Why it happened: the conditions in systems and processes, not people.'],
  ['trigger', 'TRIGGER', 'Trigger', 'What set it off (a deploy, a config push, a traffic spike).'],
  ['resolution', 'RESOLUTION', 'Resolution', 'What stopped it and what restored service.'],
  ['detection', 'DETECTION', 'Detection', 'How and when we found out; what would have told us sooner.'],
];

/**
 * The text sections of a postmortem, as fields of `Postmortem` and `UpdatePostmortemInput`.
 * @typedef {'summary' | 'impact' | 'rootCauses' | 'trigger' | 'resolution' | 'detection'} PostmortemSectionField
 */

/**
 * Lessons learned, as `lessonsLearned` names its lists: field, section, label.
 * @type {ReadonlyArray<readonly ['wentWell' | 'wentWrong' | 'gotLucky', string, string]>}
 */
export const LESSON_LISTS = [
  ['wentWell', 'WENT_WELL', 'What went well'],
  ['wentWrong', 'WENT_WRONG', 'What went wrong'],
  ['gotLucky', 'GOT_LUCKY', 'Where we got lucky'],
];

/** @type {Record<G.ActionItemKind, string>} */
export const ACTION_ITEM_KINDS = {
  MITIGATE: 'Mitigate',
  PREVENT: 'Prevent',
  DETECT: 'Detect',
  PROCESS: 'Process',
};

/** @type {ReadonlyArray<G.Priority>} */
export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'];

/** @type {Record<G.ActionItemStatus, string>} */
export const ACTION_ITEM_STATUSES = {
  OPEN: 'Open',
  IN_PROGRESS: 'In progress',
  DONE: 'Done',
};

/**
 * A label map as [value, label] options for select(), keeping the values' type.
 * @template {string} K
 * @param {Record<K, string>} labels
 * @returns {Array<[K, string]>}
 */
export function labelOptions(labels) {
  return /** @type {Array<[K, string]>} */ (Object.entries(labels));
}

/**
 * `url` when it is an absolute http(s) URL (safe to put in an href), else null.
 * @param {string | null | undefined} url
 */
export function webUrl(url) {
  if (!url) return null;
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol) ? url : null;
  } catch {
    return null;
  }
}
