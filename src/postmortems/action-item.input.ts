import { IsOptional, Matches, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ActionItemKind, ActionItemStatus, Priority } from './postmortem.enums';
import { POSTMORTEM_LIMITS as L } from './postmortem-limits';

const titleNotBlank = Matches(/\S/, { message: 'title must not be blank' });
const titleLimit = MaxLength(L.actionTitle, { message: `title must be at most ${L.actionTitle} characters` });
const urlLimit = MaxLength(L.trackingUrl, { message: `trackingUrl must be at most ${L.trackingUrl} characters` });

/** A new action item. The owner must be an existing user; the tracking URL http or https. */
@InputType()
export class ActionItemInput {
  @Field()
  @titleNotBlank
  @titleLimit
  title!: string;

  @Field(() => ActionItemKind)
  kind!: ActionItemKind;

  @Field(() => Priority)
  priority!: Priority;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;

  @Field(() => Date, { nullable: true })
  dueDate?: Date | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @urlLimit
  trackingUrl?: string | null;
}

/**
 * Patch semantics: a field left out stays as it is. Null leaves title,
 * status and priority as they are, and clears owner, due date and tracking URL.
 */
@InputType()
export class UpdateActionItemInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @titleNotBlank
  @titleLimit
  title?: string | null;

  @Field(() => ActionItemStatus, { nullable: true })
  status?: ActionItemStatus | null;

  @Field(() => Priority, { nullable: true })
  priority?: Priority | null;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;

  @Field(() => Date, { nullable: true })
  dueDate?: Date | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @urlLimit
  trackingUrl?: string | null;
}
