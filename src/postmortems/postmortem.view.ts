import type { Incident } from '../incidents/incident.entity';
import type { PostmortemTrigger } from '../incidents/incident.enums';
import type { IncidentView, IncidentViewLoaders } from '../incidents/incident.view';
import type { ActionItem } from './action-item.entity';
import type { BlamelessFinding } from './postmortem.types';
import type { TextPart } from './blameless-findings';
import type { DocumentTextSource } from './document-text-source';
import { postmortemChecklist } from './postmortem-checklist';
import { renderPostmortemMarkdown } from './postmortem-markdown';
import type { Postmortem } from './postmortem.entity';
import { PostmortemSection } from './postmortem.enums';
import type { PostmortemLoaders } from './postmortem.loaders';
import type { ChecklistItem } from './postmortem.types';

/** The loaders postmortem reads go through (one request's, or one subscription event's). */
export type PostmortemViewLoaders = IncidentViewLoaders & { postmortems: PostmortemLoaders };

/** The postmortem's text, section by section, as the findings read it. */
function textParts(p: Postmortem, items: ActionItem[]): TextPart[] {
  return [
    { section: PostmortemSection.SUMMARY, text: p.summary ?? '' },
    { section: PostmortemSection.IMPACT, text: p.impact ?? '' },
    { section: PostmortemSection.ROOT_CAUSES, text: p.rootCauses ?? '' },
    { section: PostmortemSection.TRIGGER, text: p.trigger ?? '' },
    { section: PostmortemSection.DETECTION, text: p.detection ?? '' },
    { section: PostmortemSection.RESOLUTION, text: p.resolution ?? '' },
    ...p.wentWell.map((text) => ({ section: PostmortemSection.WENT_WELL, text })),
    ...p.wentWrong.map((text) => ({ section: PostmortemSection.WENT_WRONG, text })),
    ...p.gotLucky.map((text) => ({ section: PostmortemSection.GOT_LUCKY, text })),
    ...items.map((a) => ({ section: PostmortemSection.ACTION_ITEMS, text: a.title })),
  ];
}

/**
 * Reads about a postmortem that are computed rather than stored, over one
 * request's loaders: its incident and triggers (through the IncidentView),
 * its checklist, its blameless-language findings and its Markdown export.
 * The postmortem resolvers are one line each over this view, and the Markdown
 * is built from the same reads the fields show.
 */
export class PostmortemView {
  constructor(
    private readonly incidents: IncidentView,
    /** The live incident document's text, for the Markdown. */
    private readonly documentText: DocumentTextSource,
  ) {}

  incident(loaders: PostmortemViewLoaders, p: Postmortem): Promise<Incident> {
    return this.incidents.incident(loaders, p.incidentId);
  }

  /** Why a postmortem is owed for the incident (the same answer as Incident.postmortemTriggers). */
  async triggers(loaders: PostmortemViewLoaders, p: Postmortem): Promise<PostmortemTrigger[]> {
    return this.incidents.postmortemTriggers(loaders, await this.incident(loaders, p));
  }

  /** What publishing requires. */
  async checklist(loaders: PostmortemViewLoaders, p: Postmortem): Promise<ChecklistItem[]> {
    const [actionItems, events] = await Promise.all([loaders.postmortems.actionItems.load(p.id), loaders.timeline.load(p.incidentId)]);
    return postmortemChecklist({ postmortem: p, actionItems, timelineKinds: events.map((e) => e.kind) });
  }

  /** Sentences that name a person with blame language. */
  async findings(loaders: PostmortemViewLoaders, p: Postmortem): Promise<BlamelessFinding[]> {
    const [matcher, items] = await Promise.all([loaders.postmortems.blamelessMatcher(), loaders.postmortems.actionItems.load(p.id)]);
    return matcher.findings(textParts(p, items));
  }

  /** The whole postmortem as Markdown, with the live incident document's text (as at resolution) and its versions. */
  async markdown(loaders: PostmortemViewLoaders, p: Postmortem): Promise<string> {
    const incident = await this.incident(loaders, p);
    const [items, events, authors, triggers, document, documentVersions] = await Promise.all([
      loaders.postmortems.actionItems.load(p.id),
      loaders.timeline.load(p.incidentId),
      loaders.postmortems.authors.load(p.id),
      this.triggers(loaders, p),
      // As the resolution left it, once resolved.
      this.documentText.markdown(p.incidentId, incident.resolvedAt),
      this.documentText.versions(p.incidentId),
    ]);
    const name = async (id: string | null) => (id ? ((await loaders.users.load(id))?.name ?? null) : null);
    return renderPostmortemMarkdown({
      incident,
      postmortem: p,
      authors: authors.map((a) => a.name),
      commander: (await name(incident.commanderId)) ?? '—',
      triggers,
      actionItems: await Promise.all(items.map(async (a) => ({ ...a, owner: await name(a.ownerId) }))),
      timeline: await Promise.all(events.map(async (e) => ({ ...e, actor: await name(e.actorId) }))),
      document,
      documentVersions,
    });
  }
}
