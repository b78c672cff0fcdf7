import { Field, ObjectType } from 'type-graphql';

/** One label or annotation of an alert. */
@ObjectType()
export class Label {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

/** A label set as the contract shows it: sorted by name, so clients can diff it. */
export function toLabels(map: Record<string, string>): Label[] {
  return Object.keys(map)
    .sort()
    .map((name) => ({ name, value: map[name] }));
}
