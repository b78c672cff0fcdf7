import { TimelineEventKind } from '../incidents/timeline/timeline-event-kind.enum';
import type { ActionItem } from './action-item.entity';
import type { Postmortem } from './postmortem.entity';
import { ActionItemKind } from './postmortem.enums';
import type { ChecklistItem } from './postmortem.types';

/** What the checklist looks at. */
export interface ChecklistSubject {
  postmortem: Pick<Postmortem, 'summary' | 'impact' | 'rootCauses' | 'wentWell' | 'wentWrong' | 'gotLucky'>;
  actionItems: Array<Pick<ActionItem, 'kind' | 'ownerId'>>;
  timelineKinds: TimelineEventKind[];
}

// Sitrep writes these itself on every incident with a postmortem; they say nothing about the response.
const BOOKKEEPING_KINDS: ReadonlySet<TimelineEventKind> = new Set([TimelineEventKind.DECLARED, TimelineEventKind.POSTMORTEM_STARTED]);

const written = (text: string | null) => !!text && text.trim().length > 0;

/**
 * The conditions for publishing a postmortem, in the order a writer meets
 * them. Publishing is refused while any is not done.
 */
export function postmortemChecklist({ postmortem: p, actionItems, timelineKinds }: ChecklistSubject): ChecklistItem[] {
  return [
    { key: 'summary', label: 'Summary written', done: written(p.summary) },
    { key: 'impact', label: 'Impact written', done: written(p.impact) },
    { key: 'root-causes', label: 'Root causes written', done: written(p.rootCauses) },
    {
      key: 'prevent-action-item',
      label: 'At least one PREVENT action item',
      done: actionItems.some((a) => a.kind === ActionItemKind.PREVENT),
    },
    { key: 'action-item-owners', label: 'Every action item has an owner', done: actionItems.every((a) => a.ownerId !== null) },
    {
      key: 'lessons-learned',
      label: 'Every lessons-learned list filled (what went well, what went wrong, where we got lucky)',
      done: p.wentWell.length > 0 && p.wentWrong.length > 0 && p.gotLucky.length > 0,
    },
    {
      key: 'timeline',
      label: 'The timeline holds more than the declaration',
      done: timelineKinds.some((k) => !BOOKKEEPING_KINDS.has(k)),
    },
  ];
}
