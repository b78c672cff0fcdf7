import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { ActionItemKind, ActionItemStatus, Priority } from './postmortem.enums';

/** Work that follows from a postmortem; stays editable after the postmortem is published. */
@ObjectType()
@Entity('action_items')
export class ActionItem {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'postmortem_id', type: 'uuid' })
  postmortemId!: string;

  @Field()
  @Column({ type: 'text' })
  title!: string;

  @Field(() => ActionItemKind)
  @Column({ type: 'text' })
  kind!: ActionItemKind;

  @Field(() => Priority)
  @Column({ type: 'text' })
  priority!: Priority;

  @Field(() => ActionItemStatus)
  @Column({ type: 'text' })
  status!: ActionItemStatus;

  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'due_date', type: 'timestamptz', nullable: true })
  dueDate!: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'tracking_url', type: 'text', nullable: true })
  trackingUrl!: string | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
