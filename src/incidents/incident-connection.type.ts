import { Field, Int, ObjectType } from 'type-graphql';
import { Incident } from './incident.entity';
import { IncidentChangeKind } from './incident.enums';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType()
export class IncidentEdge {
  @Field()
  cursor!: string;

  @Field(() => Incident)
  node!: Incident;
}

@ObjectType()
export class IncidentConnection {
  @Field(() => [IncidentEdge])
  edges!: IncidentEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Counting is a statement of its own, so it runs only when a client asks. */
  count!: () => Promise<number>;

  @Field(() => Int, { description: 'Incidents matching the filter, on every page.' })
  totalCount(): Promise<number> {
    return this.count();
  }
}

@ObjectType()
export class IncidentChange {
  @Field(() => IncidentChangeKind)
  kind!: IncidentChangeKind;

  @Field(() => Incident)
  incident!: Incident;
}
