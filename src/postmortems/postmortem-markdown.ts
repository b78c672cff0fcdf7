import type { Incident } from '../incidents/incident.entity';
import { PostmortemTrigger } from '../incidents/incident.enums';
import type { ActionItem } from './action-item.entity';
import type { Postmortem } from './postmortem.entity';
import { ActionItemStatus, PostmortemStatus } from './postmortem.enums';

/** Everything the Markdown of one postmortem shows, already loaded. */
export interface PostmortemMarkdownView {
  incident: Incident;
  postmortem: Postmortem;
  authors: string[];
  commander: string;
  triggers: PostmortemTrigger[];
  actionItems: Array<Pick<ActionItem, 'title' | 'kind' | 'priority' | 'status' | 'trackingUrl' | 'dueDate'> & { owner: string | null }>;
  timeline: Array<{ occurredAt: Date; kind: string; body: string; actor: string | null }>;
  /** The live incident document's text (as at resolution once resolved); null when there is none. */
  document: string | null;
  /** The document's kept versions, oldest first. */
  documentVersions?: Array<{ id: string; takenAt: Date; reason: string }>;
}

const STATUS_TEXT: Record<PostmortemStatus, string> = {
  [PostmortemStatus.DRAFT]: 'Draft',
  [PostmortemStatus.IN_REVIEW]: 'In review',
  [PostmortemStatus.PUBLISHED]: 'Published',
};

const TRIGGER_TEXT: Record<PostmortemTrigger, string> = {
  [PostmortemTrigger.USER_VISIBLE_DOWNTIME]: 'user-visible downtime',
  [PostmortemTrigger.SLO_MISSED]: 'SLO missed',
  [PostmortemTrigger.DATA_LOSS]: 'data loss',
  [PostmortemTrigger.ONCALL_INTERVENTION]: 'on-call intervention (rollback or traffic reroute)',
  [PostmortemTrigger.RESOLUTION_TIME_EXCEEDED]: 'resolution time exceeded',
  [PostmortemTrigger.MONITORING_FAILURE]: 'monitoring failure',
};

const NOT_WRITTEN = '_Not written yet._';
const NONE = '_None recorded._';

/** The first 8 hex digits of an incident id: the `#short id` people quote. */
export function shortId(id: string): string {
  return id.replace(/-/g, '').slice(0, 8);
}

/**
 * Escapes text for one GitHub-flavoured Markdown table cell: `|` would end
 * the cell and a newline the row, so they become `\|` and `<br>`; `<`, `>`
 * and `&` become entities so that text is never read as HTML.
 */
export function tableCell(text: string | null | undefined): string {
  if (text === null || text === undefined || text.trim() === '') return '—';
  return text
    .trim()
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, '<br>');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function section(text: string | null): string {
  return text?.trim() ? text.trim() : NOT_WRITTEN;
}

/** A Markdown list; an entry's further lines are indented so that they stay inside it. */
function list(items: string[]): string {
  if (!items.length) return NONE;
  return items.map((item) => `- ${item.trim().replace(/\r\n|\r|\n/g, '\n  ')}`).join('\n');
}

function dateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

function statusLine(view: PostmortemMarkdownView): string {
  const items = view.actionItems;
  const done = items.filter((a) => a.status === ActionItemStatus.DONE).length;
  const status = STATUS_TEXT[view.postmortem.status];
  if (!items.length) return `${status}, no action items`;
  return done === items.length
    ? `${status}, all ${items.length} action items done`
    : `${status}, action items in progress (${done} of ${items.length} done)`;
}

/** An autolink; stored URLs are WHATWG-serialised, so only `|` needs escaping for the table. */
function trackingCell(url: string | null): string {
  return url ? `<${url.replace(/\|/g, '\\|')}>` : '—';
}

/**
 * Renders a postmortem in the shape of the example postmortem of Google's
 * SRE book: title, date, authors and status; the sections; the action items
 * table; lessons learned; the timeline in UTC; supporting information.
 */
export function renderPostmortemMarkdown(view: PostmortemMarkdownView): string {
  const { incident, postmortem: p } = view;
  const out: string[] = [];
  out.push(`# ${oneLine(incident.title)} Postmortem (incident #${shortId(incident.id)})`, '');
  out.push(`**Date**: ${incident.declaredAt.toISOString().slice(0, 10)}  `);
  out.push(`**Authors**: ${view.authors.length ? view.authors.map(oneLine).join(', ') : '—'}  `);
  out.push(`**Status**: ${statusLine(view)}  `);
  out.push(
    `**Why a postmortem is owed**: ${view.triggers.length ? view.triggers.map((t) => TRIGGER_TEXT[t]).join(', ') : 'not required; written anyway'}`,
    '',
  );

  const sections: Array<[string, string | null]> = [
    ['Summary', p.summary],
    ['Impact', p.impact],
    ['Root Causes', p.rootCauses],
    ['Trigger', p.trigger],
    ['Resolution', p.resolution],
    ['Detection', p.detection],
  ];
  for (const [heading, text] of sections) out.push(`## ${heading}`, '', section(text), '');

  out.push('## Action Items', '');
  if (view.actionItems.length) {
    out.push('| Action Item | Type | Owner | Priority | Status | Tracking |');
    out.push('| --- | --- | --- | --- | --- | --- |');
    for (const a of view.actionItems) {
      const title = a.dueDate ? `${a.title} (due ${a.dueDate.toISOString().slice(0, 10)})` : a.title;
      out.push(
        `| ${tableCell(title)} | ${a.kind.toLowerCase()} | ${tableCell(a.owner)} | ${a.priority} | ${a.status} | ${trackingCell(a.trackingUrl)} |`,
      );
    }
  } else {
    out.push(NONE);
  }
  out.push('');

  out.push('## Lessons Learned', '');
  out.push('### What went well', '', list(p.wentWell), '');
  out.push('### What went wrong', '', list(p.wentWrong), '');
  out.push('### Where we got lucky', '', list(p.gotLucky), '');

  out.push('## Timeline (UTC)', '');
  out.push(
    view.timeline.length
      ? list(view.timeline.map((e) => `**${dateTime(e.occurredAt)}** ${e.kind}: ${e.body}${e.actor ? ` (${e.actor})` : ''}`))
      : NONE,
    '',
  );

  out.push('## Supporting information', '');
  out.push(`- Incident #${shortId(incident.id)}: ${oneLine(incident.title)} (${incident.severity}, ${incident.status})`);
  out.push(`- Incident commander: ${view.commander}`);
  out.push(`- Declared: ${dateTime(incident.declaredAt)}`);
  if (incident.mitigatedAt) out.push(`- Mitigated: ${dateTime(incident.mitigatedAt)}`);
  if (incident.resolvedAt) out.push(`- Resolved: ${dateTime(incident.resolvedAt)}`);
  out.push('');
  if (view.document?.trim()) {
    // Quoted, so that the document's own headings stay inside this section.
    out.push(incident.resolvedAt ? '### Live incident document (as at resolution)' : '### Live incident document', '');
    out.push(view.document.trim().split(/\r\n|\r|\n/).map((line) => (line ? `> ${line}` : '>')).join('\n'), '');
  }
  if (view.documentVersions?.length) {
    // The console's history panel opens at a version from these links (and diffs any two).
    out.push('### Document history', '');
    out.push(
      list(view.documentVersions.map((v) => `[${dateTime(v.takenAt)} ${v.reason}](/#/incidents/${incident.id}?version=${v.id})`)),
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}
