/** What the live incident document template is filled in with. */
export interface IncidentDocumentFacts {
  title: string;
  summary: string | null;
  severity: string;
  status: string;
  declaredAt: Date;
  commander: string;
  operationsLead: string;
  planningLead: string;
  communicationsLead: string;
  /** Timeline entries, in any order; rendered most recent first. */
  timeline: Array<{ occurredAt: Date; actor: string | null; body: string }>;
}

const day = (at: Date) => at.toISOString().slice(0, 10);
const minute = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * The live incident state document of Google SRE's "Managing Incidents"
 * (Site Reliability Engineering, chapter 14, "Example incident state
 * document"), as Markdown, filled in from a new incident.
 */
export function renderIncidentDocument(facts: IncidentDocumentFacts): string {
  const timeline = [...facts.timeline]
    .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime())
    .map((e) => `- ${minute(e.occurredAt)}${e.actor ? ` ${e.actor}` : ''}: ${e.body}`);
  return [
    `# ${facts.title}: ${day(facts.declaredAt)}`,
    '',
    '_Communications lead to keep the summary updated._',
    '',
    '## Summary',
    '',
    facts.summary ?? '_What is broken, who is affected and how badly._',
    '',
    '## Status',
    '',
    `Active, ${facts.severity}, ${facts.status.toLowerCase()}.`,
    '',
    '## Command Post(s)',
    '',
    '_Where responders meet: chat channel, video bridge._',
    '',
    '## Command Hierarchy (all responders)',
    '',
    `- Current Incident Commander: ${facts.commander}`,
    `  - Operations lead: ${facts.operationsLead}`,
    `  - Planning lead: ${facts.planningLead}`,
    `  - Communications lead: ${facts.communicationsLead}`,
    '- Next Incident Commander: to be determined',
    '',
    '## Detailed Status',
    '',
    `_Last updated at ${minute(facts.declaredAt)} by ${facts.commander}. Update at least every four hours and at handoff of the communications lead role._`,
    '',
    '## Exit Criteria',
    '',
    '- [ ] _What must be true to close the incident (e.g. within SLO for 30+ minutes)._',
    '',
    '## TODO list and bugs filed',
    '',
    '- [ ] ',
    '',
    '## Incident timeline (most recent first: times are in UTC)',
    '',
    ...timeline,
    '',
  ].join('\n');
}
