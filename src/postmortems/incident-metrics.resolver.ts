import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { Severity } from '../incidents/incident.enums';
import { IncidentMetrics } from './incident-metrics.types';

/** The `incidentMetrics` query. */
@Resolver(() => IncidentMetrics)
export class IncidentMetricsResolver {
  @Query(() => IncidentMetrics, {
    description: 'Response metrics over the incidents declared in [from, to) (open-ended when left out), of the given severities (all when left out).',
  })
  incidentMetrics(
    @Ctx() { caller, services }: GraphQLContext,
    @Arg('from', () => Date, { nullable: true }) from?: Date | null,
    @Arg('to', () => Date, { nullable: true }) to?: Date | null,
    @Arg('severity', () => [Severity], { nullable: true }) severity?: Severity[] | null,
  ): Promise<IncidentMetrics> {
    return services.incidentMetrics.metrics(caller, from ?? null, to ?? null, severity ?? null);
  }
}
