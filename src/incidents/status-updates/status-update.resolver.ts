import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { Incident } from '../incident.entity';
import { User } from '../../users/user.entity';
import { Audience } from './audience.enum';
import { StatusUpdate } from './status-update.entity';

@Resolver(() => StatusUpdate)
export class StatusUpdateResolver {
  @FieldResolver(() => User)
  async author(@Root() update: StatusUpdate, @Ctx() { loaders }: GraphQLContext): Promise<User> {
    return (await loaders.users.load(update.authorId))!;
  }

  @Mutation(() => StatusUpdate, { description: 'Allowed to the communications lead (the commander while undelegated) and admins.' })
  postStatusUpdate(
    @Arg('incidentId', () => ID) incidentId: string,
    @Arg('audience', () => Audience) audience: Audience,
    @Arg('body') body: string,
    @Ctx() { caller, services }: GraphQLContext,
  ): Promise<StatusUpdate> {
    return services.statusUpdates.post(caller, incidentId, audience, body);
  }
}

@Resolver(() => Incident)
export class IncidentStatusUpdatesResolver {
  @FieldResolver(() => [StatusUpdate])
  statusUpdates(@Root() incident: Incident, @Ctx() { loaders }: GraphQLContext): Promise<StatusUpdate[]> {
    return loaders.statusUpdates.load(incident.id);
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: 'When the communications lead owes the next status update (STATUS_UPDATE_INTERVAL_SEVn after the last one); null once resolved or when the severity owes none.',
  })
  nextStatusUpdateDue(@Root() incident: Incident, @Ctx() { loaders, services }: GraphQLContext): Promise<Date | null> {
    return services.incidentView.nextStatusUpdateDue(loaders, incident);
  }

  @FieldResolver(() => Boolean, { description: 'The next status update is past due.' })
  statusUpdateOverdue(@Root() incident: Incident, @Ctx() { loaders, services, changesAt }: GraphQLContext): Promise<boolean> {
    return services.incidentView.statusUpdateOverdue(loaders, incident, changesAt);
  }
}
