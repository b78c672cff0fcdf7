import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { Incident } from '../incidents/incident.entity';
import { Alert } from './alert.entity';

@Resolver(() => Incident)
export class IncidentAlertsResolver {
  @FieldResolver(() => [Alert], { description: 'Alerts from event-management tools grouped into this incident.' })
  alerts(@Root() incident: Incident, @Ctx() { loaders }: GraphQLContext): Promise<Alert[]> {
    return loaders.alerts.load(incident.id);
  }

  @FieldResolver(() => Incident, {
    nullable: true,
    description: 'For an incident opened by an alert group firing again: the resolved incident the group had before.',
  })
  previousIncident(@Root() incident: Incident, @Ctx() { loaders }: GraphQLContext): Promise<Incident | null> {
    return loaders.previousIncident.load(incident.id);
  }

  @Mutation(() => Incident, {
    description:
      'The caller takes command of an incident that an alert opened. Already acknowledged incidents (every human-declared one) are returned unchanged.',
  })
  acknowledgeIncident(@Arg('id', () => ID) id: string, @Ctx() { caller, services }: GraphQLContext): Promise<Incident> {
    return services.acknowledgements.acknowledge(caller, id);
  }
}
