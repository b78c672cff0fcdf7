import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { IncidentTopic } from '../incident.topics';
import type { GraphQLContext } from '../../graphql/context';
import { eventsOf } from '../../graphql/subscriptions';
import { Incident } from '../incident.entity';
import { User } from '../../users/user.entity';
import { TimelineEventKind } from './timeline-event-kind.enum';
import { TimelineEvent } from './timeline-event.entity';

@Resolver(() => TimelineEvent)
export class TimelineResolver {
  @FieldResolver(() => User, { nullable: true })
  actor(@Root() event: TimelineEvent, @Ctx() { loaders }: GraphQLContext): Promise<User | null> | null {
    return event.actorId ? loaders.users.load(event.actorId) : null;
  }

  @Mutation(() => TimelineEvent)
  addTimelineEvent(
    @Arg('incidentId', () => ID) incidentId: string,
    @Arg('kind', () => TimelineEventKind) kind: TimelineEventKind,
    @Arg('body') body: string,
    @Ctx() { caller, services }: GraphQLContext,
    @Arg('occurredAt', () => Date, { nullable: true }) occurredAt?: Date | null,
  ): Promise<TimelineEvent> {
    return services.timeline.addManual(caller, incidentId, kind, body, occurredAt ?? undefined);
  }

  @Subscription(() => TimelineEvent, {
    subscribe: async ({ args, context }) => {
      const ctx = context as GraphQLContext;
      const { id } = await ctx.services.incidents.require(ctx.caller, args.incidentId as string);
      return eventsOf(ctx, IncidentTopic.TimelineEventAdded, (p) => p.incidentId === id);
    },
  })
  async timelineEventAdded(
    @Arg('incidentId', () => ID) _incidentId: string,
    @Root() payload: { eventId: string },
    @Ctx() { services }: GraphQLContext,
  ): Promise<TimelineEvent> {
    return (await services.timeline.byId(payload.eventId))!;
  }
}

@Resolver(() => Incident)
export class IncidentTimelineResolver {
  @FieldResolver(() => [TimelineEvent], { description: 'Key events and the response, oldest first.' })
  timeline(@Root() incident: Incident, @Ctx() { loaders }: GraphQLContext): Promise<TimelineEvent[]> {
    return loaders.timeline.load(incident.id);
  }
}
