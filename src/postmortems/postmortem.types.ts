import { Field, ObjectType } from 'type-graphql';
import { PostmortemSection } from './postmortem.enums';

/** What the team learned, as three lists (the SRE book's lessons learned). */
@ObjectType()
export class LessonsLearned {
  @Field(() => [String])
  wentWell!: string[];

  @Field(() => [String])
  wentWrong!: string[];

  @Field(() => [String])
  gotLucky!: string[];
}

/** One condition for publishing a postmortem. */
@ObjectType({ description: 'One condition for publishing a postmortem.' })
export class ChecklistItem {
  @Field({ description: 'Stable identifier, e.g. "summary" or "prevent-action-item".' })
  key!: string;

  @Field()
  label!: string;

  @Field()
  done!: boolean;
}

/** A sentence of a postmortem that reads as blame. */
@ObjectType({ description: 'A sentence that names a person together with blame language. Guidance only: it does not block publishing.' })
export class BlamelessFinding {
  @Field(() => PostmortemSection)
  section!: PostmortemSection;

  @Field({ description: 'The sentence, as written.' })
  excerpt!: string;

  @Field({ description: 'Who is named and which words read as blame.' })
  reason!: string;
}
