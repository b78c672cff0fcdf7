import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { Incident } from '../incident.entity';
import { IncidentRole } from './incident-role.enum';
import { RoleAssignment, RoleStint } from './role-assignment.type';
import { effectiveRoles } from './role.service';

@Resolver(() => Incident)
export class RoleResolver {
  @FieldResolver(() => [RoleAssignment], { description: 'All four roles, each with its effective holder.' })
  async roles(@Root() incident: Incident, @Ctx() { loaders }: GraphQLContext): Promise<RoleAssignment[]> {
    const current = await loaders.currentRoles.load(incident.id);
    return Promise.all(
      effectiveRoles(current).map(async (r) => ({
        role: r.role,
        delegated: r.delegated,
        assignedAt: r.assignedAt,
        holder: (await loaders.users.load(r.holderId))!,
      })),
    );
  }

  @FieldResolver(() => [RoleStint], { description: 'Every assignment, handoff and relief on this incident, oldest first.' })
  async roleHistory(@Root() incident: Incident, @Ctx() { loaders }: GraphQLContext): Promise<RoleStint[]> {
    const rows = await loaders.roleHistory.load(incident.id);
    return Promise.all(
      rows.map(async (r) => ({
        role: r.role,
        holder: (await loaders.users.load(r.userId))!,
        assignedBy: r.assignedById ? await loaders.users.load(r.assignedById) : null,
        assignedAt: r.assignedAt,
        relievedAt: r.relievedAt,
      })),
    );
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
