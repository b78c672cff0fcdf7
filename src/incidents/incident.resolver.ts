import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Action, authorize } from '../auth/policy';
import { IncidentTopic } from './incident.topics';
import type { GraphQLContext } from '../graphql/context';
import { eventsOf } from '../graphql/subscriptions';
import { User } from '../users/user.entity';
import { DeclareIncidentInput } from './declare-incident.input';
import { IncidentChange, IncidentConnection } from './incident-connection.type';
import { IncidentFilter } from './incident-filter.input';
import { Incident } from './incident.entity';
import { IncidentChangeKind, IncidentStatus, PostmortemTrigger } from './incident.enums';
import { encodeCursor } from './incident.service';
import { UpdateIncidentInput } from './update-incident.input';

type Payload = { kind: IncidentChangeKind; incidentId: string };

@Resolver(() => Incident)
export class IncidentResolver {
  @Query(() => Incident, { nullable: true })
  incident(@Arg('id', () => ID) id: string, @Ctx() { caller, services }: GraphQLContext): Promise<Incident | null> {
    return services.incidents.get(caller, id);
  }

  @Query(() => IncidentConnection)
  async incidents(
    @Ctx() { caller, services, loaders }: GraphQLContext,
    @Arg('filter', () => IncidentFilter, { nullable: true }) filter?: IncidentFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first = 20,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<IncidentConnection> {
    const page = await services.incidents.list(caller, filter, first ?? 20, after);
    page.incidents.forEach((i) => loaders.prime(i.commander));
    const edges = page.incidents.map((node) => ({ cursor: encodeCursor(node), node }));
    return Object.assign(new IncidentConnection(), {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      count: page.totalCount,
    });
  }

  @Mutation(() => Incident)
  declareIncident(@Arg('input') input: DeclareIncidentInput, @Ctx() { caller, services }: GraphQLContext): Promise<Incident> {
    return services.incidents.declare(caller, input);
  }

  @Mutation(() => Incident)
  updateIncident(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateIncidentInput,
    @Ctx() { caller, services }: GraphQLContext,
  ): Promise<Incident> {
    return services.incidents.update(caller, id, input);
  }

  @Mutation(() => Incident)
  setIncidentStatus(
    @Arg('id', () => ID) id: string,
    @Arg('status', () => IncidentStatus) status: IncidentStatus,
    @Ctx() { caller, services }: GraphQLContext,
    @Arg('note', () => String, { nullable: true }) note?: string | null,
  ): Promise<Incident> {
    return services.incidents.setStatus(caller, id, status, note);
  }

  @FieldResolver(() => User)
  commander(@Root() incident: Incident, @Ctx() { loaders, services }: GraphQLContext): Promise<User> {
    return services.incidentView.commander(loaders, incident);
  }

  @FieldResolver(() => [PostmortemTrigger], { description: 'Why a postmortem is owed; empty when none is.' })
  postmortemTriggers(@Root() incident: Incident, @Ctx() { loaders, services, changesAt }: GraphQLContext): Promise<PostmortemTrigger[]> {
    return services.incidentView.postmortemTriggers(loaders, incident, changesAt);
  }

  @FieldResolver(() => Boolean)
  async postmortemRequired(@Root() incident: Incident, @Ctx() context: GraphQLContext): Promise<boolean> {
    return (await this.postmortemTriggers(incident, context)).length > 0;
  }

  @Subscription(() => IncidentChange, {
    description: 'Every declaration and change of any incident: for dashboards.',
    subscribe: ({ context }) => {
      authorize((context as GraphQLContext).caller, Action.Read);
      return eventsOf(context as GraphQLContext, IncidentTopic.Changed);
    },
  })
  async incidentsChanged(@Root() payload: Payload, @Ctx() { caller, services }: GraphQLContext): Promise<IncidentChange> {
    const incident = await services.incidents.announced(caller, payload);
    return { kind: payload.kind, incident };
  }

  @Subscription(() => Incident, {
    subscribe: async ({ args, context }) => {
      const ctx = context as GraphQLContext;
      const { id } = await ctx.services.incidents.require(ctx.caller, args.id as string);
      return eventsOf(ctx, IncidentTopic.Changed, (p) => p.incidentId === id);
    },
  })
  async incidentUpdated(
    @Arg('id', () => ID) _id: string,
    @Root() payload: Payload,
    @Ctx() { caller, services }: GraphQLContext,
  ): Promise<Incident> {
    return services.incidents.announced(caller, payload);
  }
}
