import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { TimelineEventKind } from './timeline-event-kind.enum';

/** A key event of the incident and of the response to it. */
@ObjectType()
@Entity('timeline_events')
export class TimelineEvent {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId!: string;

  @Field(() => TimelineEventKind)
  @Column({ type: 'text' })
  kind!: TimelineEventKind;

  @Field()
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /** Null for events that Sitrep or an integration recorded on nobody's behalf. */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Field()
  @Column({ type: 'text' })
  body!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
