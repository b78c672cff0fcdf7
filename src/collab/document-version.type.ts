import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The live document as it stood when Sitrep kept a version of it.' })
export class DocumentVersion {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  takenAt!: Date;

  @Field({ description: 'e.g. STATUS_CHANGED, ROLE_ASSIGNED, PERIODIC' })
  reason!: string;

  /** Resolved by DocumentHistoryResolver (`editors`), from these ids. */
  editorIds!: string[];
}
