import { commandBody, KEPT_HEADINGS, statusBody, type KeptFacts } from './kept-sections';

/** What the live incident document template is filled in with. */
export interface IncidentDocumentFacts extends KeptFacts {
  title: string;
  summary: string | null;
  /** Timeline entries, in any order; rendered most recent first. */
  timeline: Array<{ occurredAt: Date; actor: string | null; body: string }>;
}

const day = (at: Date) => at.toISOString().slice(0, 10);
const minute = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * The live incident state document of Google SRE's "Managing Incidents"
 * (Site Reliability Engineering, chapter 14, "Example incident state
 * document"), as Markdown, filled in from a new incident. The Status and
 * Command Hierarchy sections are Sitrep's (kept-sections.ts); the rest is the responders'.
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
    KEPT_HEADINGS.status,
    '',
    statusBody(facts),
    '',
    '## Command Post(s)',
    '',
    '_Where responders meet: chat channel, video bridge._',
    '',
    KEPT_HEADINGS.command,
    '',
    commandBody(facts),
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
