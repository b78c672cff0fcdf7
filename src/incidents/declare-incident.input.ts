import { MaxLength, Matches } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { LIMITS } from '../common/limits';
import { IncidentTrigger, Severity } from './incident.enums';

@InputType()
export class DeclareIncidentInput {
  @Field()
  @Matches(/\S/, { message: 'title must not be blank' })
  @MaxLength(LIMITS.title, { message: `title must be at most ${LIMITS.title} characters` })
  title!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(LIMITS.summary, { message: `summary must be at most ${LIMITS.summary} characters` })
  summary?: string | null;

  @Field(() => Severity)
  severity!: Severity;

  @Field(() => IncidentTrigger)
  trigger!: IncidentTrigger;
}
