import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { Audience } from './audience.enum';

/** A communication from the communications lead to stakeholders. */
@ObjectType({ description: 'A communication from the communications lead to stakeholders.' })
@Entity('status_updates')
export class StatusUpdate {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId!: string;

  @Field(() => Audience)
  @Column({ type: 'text' })
  audience!: Audience;

  @Field()
  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @Field()
  @Column({ name: 'posted_at', type: 'timestamptz' })
  postedAt!: Date;

  /** The incident's status when this was posted (null for updates posted before it was recorded). */
  @Column({ name: 'incident_status', type: 'text', nullable: true })
  incidentStatus!: string | null;
}
