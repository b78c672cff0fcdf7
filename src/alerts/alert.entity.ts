import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { AlertStatus } from './alert-status.enum';
import { Label, toLabels } from './label.type';

/** One alert of an alert group, keyed by its fingerprint within the group. */
@ObjectType()
@Entity('alerts')
export class Alert {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'group_id', type: 'uuid' })
  groupId!: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId!: string;

  @Field()
  @Column({ type: 'text' })
  fingerprint!: string;

  @Field(() => AlertStatus)
  @Column({ type: 'text' })
  status!: AlertStatus;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Column({ name: 'labels', type: 'jsonb' })
  labelMap!: Record<string, string>;

  @Column({ name: 'annotations', type: 'jsonb' })
  annotationMap!: Record<string, string>;

  @Field()
  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'ends_at', type: 'timestamptz', nullable: true })
  endsAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'generator_url', type: 'text', nullable: true })
  generatorURL!: string | null;

  /** When the sender reported the alert acknowledged (PagerDuty `acknowledge`); informational. */
  @Column({ name: 'source_acknowledged_at', type: 'timestamptz', nullable: true })
  sourceAcknowledgedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Field(() => [Label])
  labels(): Label[] {
    return toLabels(this.labelMap);
  }

  @Field(() => [Label], { description: 'Annotations (summary, description, runbook_url, ...).' })
  annotations(): Label[] {
    return toLabels(this.annotationMap);
  }
}
