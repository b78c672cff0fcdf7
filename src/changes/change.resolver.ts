import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { Incident } from '../incidents/incident.entity';
import { Change } from './change.entity';

@Resolver(() => Change)
export class ChangeResolver {
  @Query(() => [Change], { description: 'Newest first.' })
  changes(
    @Ctx() { caller, services }: GraphQLContext,
    @Arg('since', () => Date, { nullable: true }) since?: Date | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first = 50,
  ): Promise<Change[]> {
    return services.changes.list(caller, since, first ?? 50);
  }
}

@Resolver(() => Incident)
export class IncidentChangesResolver {
  @FieldResolver(() => [Change], { description: 'Changes from CHANGE_WINDOW (default 2h) before the declaration until resolution.' })
  recentChanges(@Root() incident: Incident, @Ctx() { loaders }: GraphQLContext): Promise<Change[]> {
    return loaders.recentChanges.load(incident.id);
  }
}
