import { IsOptional, Matches, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { LIMITS } from '../common/limits';
import { Severity } from './incident.enums';

/** Patch semantics: a field left out (or null, for the non-nullable ones) stays as it is. */
@InputType()
export class UpdateIncidentInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/\S/, { message: 'title must not be blank' })
  @MaxLength(LIMITS.title, { message: `title must be at most ${LIMITS.title} characters` })
  title?: string | null;

  /** An empty string clears the summary. */
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.summary, { message: `summary must be at most ${LIMITS.summary} characters` })
  summary?: string | null;

  @Field(() => Severity, { nullable: true })
  severity?: Severity | null;

  @Field(() => Boolean, { nullable: true })
  userVisibleDowntime?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  sloBreached?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  dataLoss?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  monitoringFailure?: boolean | null;

  /** Show the incident on the public status page: the commander, the communications lead or an admin. */
  @Field(() => Boolean, { nullable: true })
  onStatusPage?: boolean | null;
}
