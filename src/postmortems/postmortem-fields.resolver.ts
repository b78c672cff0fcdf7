import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { Incident } from '../incidents/incident.entity';
import { PostmortemTrigger } from '../incidents/incident.enums';
import { postmortemTriggers } from '../incidents/postmortem-triggers';
import { INTERVENTION_KINDS } from '../incidents/timeline/timeline-event-kind.enum';
import { TimelineEvent } from '../incidents/timeline/timeline-event.entity';
import { User } from '../users/user.entity';
import { ActionItem } from './action-item.entity';
import type { TextPart } from './blameless-findings';
import { postmortemChecklist } from './postmortem-checklist';
import { renderPostmortemMarkdown } from './postmortem-markdown';
import { Postmortem } from './postmortem.entity';
import { PostmortemSection } from './postmortem.enums';
import { BlamelessFinding, ChecklistItem, LessonsLearned } from './postmortem.types';

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

/** The computed fields of a postmortem; everything is read through the request's loaders. */
@Resolver(() => Postmortem)
export class PostmortemFieldsResolver {
  @FieldResolver(() => Incident)
  async incident(@Root() p: Postmortem, @Ctx() { loaders }: GraphQLContext): Promise<Incident> {
    return (await loaders.postmortems.incidents.load(p.incidentId))!;
  }

  @FieldResolver(() => [TimelineEvent], { description: "The incident's timeline, oldest first; times are UTC." })
  timeline(@Root() p: Postmortem, @Ctx() { loaders }: GraphQLContext): Promise<TimelineEvent[]> {
    return loaders.timeline.load(p.incidentId);
  }

  @FieldResolver(() => [ActionItem], { description: 'In the order they were added.' })
  actionItems(@Root() p: Postmortem, @Ctx() { loaders }: GraphQLContext): Promise<ActionItem[]> {
    return loaders.postmortems.actionItems.load(p.id);
  }

  @FieldResolver(() => LessonsLearned)
  lessonsLearned(@Root() p: Postmortem): LessonsLearned {
    return { wentWell: p.wentWell, wentWrong: p.wentWrong, gotLucky: p.gotLucky };
  }

  @FieldResolver(() => [User], { description: 'Who started the postmortem or wrote in it, in order of their first contribution.' })
  authors(@Root() p: Postmortem, @Ctx() { loaders }: GraphQLContext): Promise<User[]> {
    return loaders.postmortems.authors.load(p.id);
  }

  @FieldResolver(() => [PostmortemTrigger], { description: 'Why a postmortem is owed for the incident (Incident.postmortemTriggers).' })
  async triggers(@Root() p: Postmortem, @Ctx() { loaders, services }: GraphQLContext): Promise<PostmortemTrigger[]> {
    const [incident, events] = await Promise.all([loaders.postmortems.incidents.load(p.incidentId), loaders.timeline.load(p.incidentId)]);
    return postmortemTriggers(incident!, events.some((e) => INTERVENTION_KINDS.has(e.kind)), services.config.resolutionLimits);
  }

  @FieldResolver(() => [ChecklistItem], { description: 'What publishing requires; PUBLISHED is refused while an item is not done.' })
  async checklist(@Root() p: Postmortem, @Ctx() { loaders }: GraphQLContext): Promise<ChecklistItem[]> {
    const [actionItems, events] = await Promise.all([loaders.postmortems.actionItems.load(p.id), loaders.timeline.load(p.incidentId)]);
    return postmortemChecklist({ postmortem: p, actionItems, timelineKinds: events.map((e) => e.kind) });
  }

  @FieldResolver(() => [BlamelessFinding], { description: 'Sentences that name a person with blame language; guidance, not a gate.' })
  async findings(@Root() p: Postmortem, @Ctx() { loaders }: GraphQLContext): Promise<BlamelessFinding[]> {
    const [matcher, items] = await Promise.all([loaders.postmortems.blamelessMatcher(), loaders.postmortems.actionItems.load(p.id)]);
    return matcher.findings(textParts(p, items));
  }

  @FieldResolver(() => String, { description: 'The whole postmortem rendered as Markdown.' })
  async markdown(@Root() p: Postmortem, @Ctx() context: GraphQLContext): Promise<string> {
    const { loaders, services } = context;
    const incident = await loaders.postmortems.incidents.load(p.incidentId);
    const [items, events, authors, triggers, document, documentVersions] = await Promise.all([
      loaders.postmortems.actionItems.load(p.id),
      loaders.timeline.load(p.incidentId),
      loaders.postmortems.authors.load(p.id),
      this.triggers(p, context),
      services.documentText.markdown(p.incidentId, incident?.resolvedAt),
      services.documentText.versions(p.incidentId),
    ]);
    const name = async (id: string | null) => (id ? ((await loaders.users.load(id))?.name ?? null) : null);
    return renderPostmortemMarkdown({
      incident: incident!,
      postmortem: p,
      authors: authors.map((a) => a.name),
      commander: (await name(incident!.commanderId)) ?? '—',
      triggers,
      actionItems: await Promise.all(items.map(async (a) => ({ ...a, owner: await name(a.ownerId) }))),
      timeline: await Promise.all(events.map(async (e) => ({ ...e, actor: await name(e.actorId) }))),
      document,
      documentVersions,
    });
  }
}
