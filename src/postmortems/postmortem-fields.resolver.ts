import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { Incident } from '../incidents/incident.entity';
import { PostmortemTrigger } from '../incidents/incident.enums';
import { TimelineEvent } from '../incidents/timeline/timeline-event.entity';
import { User } from '../users/user.entity';
import { ActionItem } from './action-item.entity';
import { Postmortem } from './postmortem.entity';
import { BlamelessFinding, ChecklistItem, LessonsLearned } from './postmortem.types';

/** The computed fields of a postmortem: each one read of the PostmortemView over the request's loaders. */
@Resolver(() => Postmortem)
export class PostmortemFieldsResolver {
  @FieldResolver(() => Incident)
  incident(@Root() p: Postmortem, @Ctx() { loaders, services }: GraphQLContext): Promise<Incident> {
    return services.postmortemView.incident(loaders, p);
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
  triggers(@Root() p: Postmortem, @Ctx() { loaders, services }: GraphQLContext): Promise<PostmortemTrigger[]> {
    return services.postmortemView.triggers(loaders, p);
  }

  @FieldResolver(() => [ChecklistItem], { description: 'What publishing requires; PUBLISHED is refused while an item is not done.' })
  checklist(@Root() p: Postmortem, @Ctx() { loaders, services }: GraphQLContext): Promise<ChecklistItem[]> {
    return services.postmortemView.checklist(loaders, p);
  }

  @FieldResolver(() => [BlamelessFinding], { description: 'Sentences that name a person with blame language; guidance, not a gate.' })
  findings(@Root() p: Postmortem, @Ctx() { loaders, services }: GraphQLContext): Promise<BlamelessFinding[]> {
    return services.postmortemView.findings(loaders, p);
  }

  @FieldResolver(() => String, { description: 'The whole postmortem rendered as Markdown.' })
  markdown(@Root() p: Postmortem, @Ctx() { loaders, services }: GraphQLContext): Promise<string> {
    return services.postmortemView.markdown(loaders, p);
  }
}
