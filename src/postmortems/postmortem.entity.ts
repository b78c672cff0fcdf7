import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { PostmortemStatus } from './postmortem.enums';

/**
 * The blameless record of one incident (at most one per incident). Sections
 * are free Markdown; the lessons learned are three lists. The incident,
 * timeline, action items, checklist, findings and Markdown are field
 * resolvers (postmortem-fields.resolver.ts).
 */
@ObjectType({ description: 'A blameless, documented record of an incident.' })
@Entity('postmortems')
export class Postmortem {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId!: string;

  @Field(() => PostmortemStatus)
  @Column({ type: 'text' })
  status!: PostmortemStatus;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  impact!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'root_causes', type: 'text', nullable: true })
  rootCauses!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  trigger!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  detection!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  resolution!: string | null;

  @Column({ name: 'went_well', type: 'text', array: true, default: () => `'{}'` })
  wentWell!: string[];

  @Column({ name: 'went_wrong', type: 'text', array: true, default: () => `'{}'` })
  wentWrong!: string[];

  @Column({ name: 'got_lucky', type: 'text', array: true, default: () => `'{}'` })
  gotLucky!: string[];

  @Column({ name: 'started_by_id', type: 'uuid' })
  startedById!: string;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field({ description: 'When a section, the status or an action item last changed.' })
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}

/** Everyone who started or wrote a section of a postmortem: its authors. */
@Entity('postmortem_authors')
export class PostmortemAuthor {
  @Column({ name: 'postmortem_id', type: 'uuid', primary: true })
  postmortemId!: string;

  @Column({ name: 'user_id', type: 'uuid', primary: true })
  userId!: string;

  @Column({ name: 'first_contributed_at', type: 'timestamptz' })
  firstContributedAt!: Date;
}
