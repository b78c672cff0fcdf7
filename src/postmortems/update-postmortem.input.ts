import { ArrayMaxSize, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { POSTMORTEM_LIMITS as L } from './postmortem-limits';

const sectionLimit = (name: string) =>
  MaxLength(L.section, { message: `${name} must be at most ${L.section} characters` });
const listSize = (name: string) =>
  ArrayMaxSize(L.lessons, { message: `lessonsLearned.${name} may hold at most ${L.lessons} entries` });
const entryLimit = (name: string) =>
  MaxLength(L.lesson, { each: true, message: `each lessonsLearned.${name} entry must be at most ${L.lesson} characters` });

/** Each list given replaces the stored one; a list left out stays; null empties it. */
@InputType()
export class LessonsLearnedInput {
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @listSize('wentWell')
  @entryLimit('wentWell')
  wentWell?: string[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @listSize('wentWrong')
  @entryLimit('wentWrong')
  wentWrong?: string[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @listSize('gotLucky')
  @entryLimit('gotLucky')
  gotLucky?: string[] | null;
}

/** Patch semantics: a field left out stays as it is; null or blank text clears a section. */
@InputType()
export class UpdatePostmortemInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @sectionLimit('summary')
  summary?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @sectionLimit('impact')
  impact?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @sectionLimit('rootCauses')
  rootCauses?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @sectionLimit('trigger')
  trigger?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @sectionLimit('detection')
  detection?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @sectionLimit('resolution')
  resolution?: string | null;

  /** Null empties all three lists. */
  @Field(() => LessonsLearnedInput, { nullable: true, description: 'Lists left out stay; null empties all three.' })
  @IsOptional()
  // type-graphql builds LessonsLearnedInput instances itself, so class-validator can descend into them.
  @ValidateNested()
  lessonsLearned?: LessonsLearnedInput | null;
}
