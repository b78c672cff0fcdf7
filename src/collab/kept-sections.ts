import { diffChars } from 'diff';
import type * as Y from 'yjs';

/** What Sitrep owns in the live document, read from the incident, its roles and their holders. */
export interface KeptFacts {
  severity: string;
  status: string;
  declaredAt: Date;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  commander: string;
  operationsLead: string;
  planningLead: string;
  communicationsLead: string;
}

/** The headings of the sections Sitrep rewrites whenever what they state changes. */
export const KEPT_HEADINGS = { status: '## Status', command: '## Command Hierarchy (all responders)' } as const;

/** The first line under a kept heading, telling people not to edit below it (the console marks these sections too). */
export const KEPT_NOTE = '_Kept by Sitrep from the incident itself: edits here are replaced at its next change._';

const minute = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The body of the Status section (everything between its heading and the next one). */
export function statusBody(f: KeptFacts): string {
  const phase = f.status === 'RESOLVED' ? 'Resolved' : 'Active';
  const status = f.status === 'RESOLVED' ? '' : `, ${f.status.toLowerCase()}`;
  return [
    KEPT_NOTE,
    '',
    `${phase}, ${f.severity}${status}.`,
    '',
    `- Declared: ${minute(f.declaredAt)}`,
    `- Mitigated: ${f.mitigatedAt ? minute(f.mitigatedAt) : 'not yet'}`,
    `- Resolved: ${f.resolvedAt ? minute(f.resolvedAt) : 'not yet'}`,
  ].join('\n');
}

/** The body of the Command Hierarchy section. */
export function commandBody(f: KeptFacts): string {
  return [
    KEPT_NOTE,
    '',
    `- Current Incident Commander: ${f.commander}`,
    `  - Operations lead: ${f.operationsLead}`,
    `  - Planning lead: ${f.planningLead}`,
    `  - Communications lead: ${f.communicationsLead}`,
  ].join('\n');
}

/** Each kept heading with the body it must have. */
export function keptSections(f: KeptFacts): Array<{ heading: string; body: string }> {
  return [
    { heading: KEPT_HEADINGS.status, body: statusBody(f) },
    { heading: KEPT_HEADINGS.command, body: commandBody(f) },
  ];
}

/**
 * Where a section's body lies in `text`: from after its heading line to the
 * start of the next heading of level 1 or 2 (or the end), without the blank
 * lines around it. Null when the heading is not in the text (people removed it:
 * Sitrep does not put it back).
 */
export function sectionRange(text: string, heading: string): { start: number; end: number } | null {
  const lines = text.split('\n');
  let offset = 0;
  let start = -1;
  for (const line of lines) {
    const next = offset + line.length + 1;
    if (start < 0) {
      if (line.trimEnd() === heading) start = Math.min(next, text.length);
    } else if (/^#{1,2} /.test(line)) {
      return trimmed(text, start, offset);
    }
    offset = next;
  }
  return start < 0 ? null : trimmed(text, start, text.length);
}

function trimmed(text: string, start: number, end: number): { start: number; end: number } {
  while (start < end && text[start] === '\n') start += 1;
  while (end > start && text[end - 1] === '\n') end -= 1;
  return { start, end };
}

/**
 * Rewrites the kept sections of `text` to say what `facts` say, with the
 * smallest change: a character diff of each body, applied as inserts and
 * deletes, so that text elsewhere (and anyone typing there) is untouched.
 * Call inside a transaction with Sitrep's origin. Returns whether anything changed.
 */
export function applyKeptSections(text: Y.Text, facts: KeptFacts): boolean {
  let changed = false;
  for (const { heading, body } of keptSections(facts)) {
    const current = text.toString();
    const range = sectionRange(current, heading);
    if (!range) continue;
    // An empty section (heading followed directly by the next one) gets its blank lines back too.
    const wanted = range.start === range.end ? `${body}\n\n` : body;
    const old = current.slice(range.start, range.end);
    if (old === wanted) continue;
    let at = range.start;
    for (const part of diffChars(old, wanted)) {
      if (part.added) {
        text.insert(at, part.value);
        at += part.value.length;
      } else if (part.removed) {
        text.delete(at, part.value.length);
      } else {
        at += part.value.length;
      }
    }
    changed = true;
  }
  return changed;
}
