import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { Incident } from '../incident.entity';
import { IncidentRole } from './incident-role.enum';
import { RoleAssignment, RoleStint } from './role-assignment.type';

@Resolver(() => Incident)
export class RoleResolver {
  @FieldResolver(() => [RoleAssignment], { description: 'All four roles, each with its effective holder.' })
  roles(@Root() incident: Incident, @Ctx() { loaders, services }: GraphQLContext): Promise<RoleAssignment[]> {
    return services.incidentView.roles(loaders, incident);
  }

  @FieldResolver(() => [RoleStint], { description: 'Every assignment, handoff and relief on this incident, oldest first.' })
  roleHistory(@Root() incident: Incident, @Ctx() { loaders, services }: GraphQLContext): Promise<RoleStint[]> {
    return services.incidentView.roleHistory(loaders, incident);
  }

  @Mutation(() => Incident, { description: 'Delegate a role, take it back, or hand over command (INCIDENT_COMMANDER).' })
  assignRole(
    @Arg('incidentId', () => ID) incidentId: string,
    @Arg('role', () => IncidentRole) role: IncidentRole,
    @Arg('userId', () => ID) userId: string,
    @Ctx() { caller, services }: GraphQLContext,
  ): Promise<Incident> {
    return services.roles.assign(caller, incidentId, role, userId);
  }
}
