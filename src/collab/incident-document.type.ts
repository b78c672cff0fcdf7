import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The live incident state document, co-edited over the collaboration websocket.' })
export class IncidentDocument {
  @Field()
  markdown!: string;

  @Field(() => Date, { nullable: true })
  updatedAt!: Date | null;
}
