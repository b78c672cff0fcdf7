import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { Incident } from '../incidents/incident.entity';
import { Postmortem } from './postmortem.entity';
import { PostmortemStatus } from './postmortem.enums';
import { postmortemEvents } from './postmortem-events';
import { UpdatePostmortemInput } from './update-postmortem.input';

/** Postmortem queries, mutations and the postmortemUpdated subscription. */
@Resolver(() => Postmortem)
export class PostmortemResolver {
  @Query(() => Postmortem, { nullable: true })
  postmortem(@Arg('id', () => ID) id: string, @Ctx() { caller, services }: GraphQLContext): Promise<Postmortem | null> {
    return services.postmortems.get(caller, id);
  }

  @Query(() => [Incident], { description: 'Resolved incidents that require a postmortem and have none published, longest owed first.' })
  postmortemsOwed(@Ctx() { caller, services }: GraphQLContext): Promise<Incident[]> {
    return services.incidentMetrics.owed(caller);
  }

  @Mutation(() => Postmortem, { description: 'One per incident (CONFLICT on a second start); pre-filled from the incident.' })
  startPostmortem(@Arg('incidentId', () => ID) incidentId: string, @Ctx() { caller, services }: GraphQLContext): Promise<Postmortem> {
    return services.postmortems.start(caller, incidentId);
  }

  @Mutation(() => Postmortem, { description: 'Patch semantics; CONFLICT once published.' })
  updatePostmortem(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdatePostmortemInput) input: UpdatePostmortemInput,
    @Ctx() { caller, services }: GraphQLContext,
  ): Promise<Postmortem> {
    return services.postmortems.update(caller, id, input);
  }

  @Mutation(() => Postmortem, { description: 'DRAFT → IN_REVIEW → PUBLISHED, IN_REVIEW → DRAFT; publishing needs the checklist done.' })
  setPostmortemStatus(
    @Arg('id', () => ID) id: string,
    @Arg('status', () => PostmortemStatus) status: PostmortemStatus,
    @Ctx() { caller, services }: GraphQLContext,
  ): Promise<Postmortem> {
    return services.postmortems.setStatus(caller, id, status);
  }

  @Subscription(() => Postmortem, {
    description: 'Every change to one postmortem: sections, status, action items, and its incident (timeline, triggers, markdown).',
    subscribe: async ({ args, context }) => {
      const ctx = context as GraphQLContext;
      return postmortemEvents(ctx, await ctx.services.postmortems.require(ctx.caller, args.id as string));
    },
  })
  async postmortemUpdated(
    @Arg('id', () => ID) _id: string,
    @Root() payload: { postmortemId: string },
    @Ctx() { caller, services }: GraphQLContext,
  ): Promise<Postmortem> {
    return services.postmortems.require(caller, payload.postmortemId);
  }
}

/** `Incident.postmortem`. */
@Resolver(() => Incident)
export class IncidentPostmortemResolver {
  @FieldResolver(() => Postmortem, { nullable: true, description: 'The blameless postmortem, once started.' })
  postmortem(@Root() incident: Incident, @Ctx() { loaders }: GraphQLContext): Promise<Postmortem | null> {
    return loaders.postmortems.byIncident.load(incident.id);
  }
}
