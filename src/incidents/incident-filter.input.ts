import { Field, InputType } from 'type-graphql';
import { IncidentStatus, Severity } from './incident.enums';

@InputType()
export class IncidentFilter {
  @Field(() => [IncidentStatus], { nullable: true })
  status?: IncidentStatus[] | null;

  @Field(() => [Severity], { nullable: true })
  severity?: Severity[] | null;
}
