import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { Label, toLabels } from '../alerts/label.type';

/** Something that changed in production (a deploy, a config push), as a PagerDuty Change Event reported it. */
@ObjectType()
@Entity('changes')
export class Change {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field()
  @Column({ type: 'text' })
  summary!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @Field()
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /** The scalar `custom_details`, as labels. */
  @Column({ name: 'labels', type: 'jsonb' })
  labelMap!: Record<string, string>;

  @Field(() => [String])
  @Column({ type: 'jsonb' })
  links!: string[];

  /** The integration (API token's service user) that reported it. */
  @Column({ name: 'reported_by', type: 'uuid' })
  reportedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field(() => [Label])
  labels(): Label[] {
    return toLabels(this.labelMap);
  }
}
