import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Severity } from '../incidents/incident.enums';

/** Mean and p90 of one duration, in seconds. */
@ObjectType({ description: 'A duration over the incidents that reached the end point; null figures when none did.' })
export class DurationStats {
  @Field(() => Int, { description: 'Incidents that reached the end point (mitigated, or resolved).' })
  samples!: number;

  @Field(() => Float, { nullable: true })
  meanSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: '90th percentile, interpolated (percentile_cont).' })
  p90Seconds!: number | null;
}

/** The figures shared by the whole and by each severity (not itself in the schema: nothing returns it). */
@ObjectType()
export class MetricsFigures {
  @Field(() => Int)
  incidentCount!: number;

  @Field(() => DurationStats, { description: 'Declared → mitigated.' })
  timeToMitigate!: DurationStats;

  @Field(() => DurationStats, { description: 'Declared → resolved.' })
  timeToResolve!: DurationStats;

  @Field(() => Int, { description: 'Action items not DONE on these incidents’ postmortems.' })
  openActionItems!: number;

  @Field(() => Int, { description: 'Resolved incidents that require a postmortem and have none published.' })
  postmortemsOwed!: number;
}

/** The figures of one severity. */
@ObjectType()
export class SeverityMetrics extends MetricsFigures {
  @Field(() => Severity)
  severity!: Severity;
}

/** The answer of `incidentMetrics`. */
@ObjectType({ description: 'Response figures over the incidents declared in [from, to).' })
export class IncidentMetrics extends MetricsFigures {
  @Field(() => Date, { nullable: true })
  from!: Date | null;

  @Field(() => Date, { nullable: true })
  to!: Date | null;

  @Field(() => [SeverityMetrics], { description: 'The same figures for each severity (every severity asked for, even with no incidents).' })
  bySeverity!: SeverityMetrics[];
}
