import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import type { User } from '../users/user.entity';
import { IncidentStatus, IncidentTrigger, Severity } from './incident.enums';

/**
 * One incident. The commander is kept here (denormalised from the role
 * history) so that listing incidents and locking command take one row.
 */
@ObjectType()
@Entity('incidents')
export class Incident {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field()
  @Column({ type: 'text' })
  title!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Field(() => Severity)
  @Column({ type: 'text' })
  severity!: Severity;

  @Field(() => IncidentStatus)
  @Column({ type: 'text' })
  status!: IncidentStatus;

  @Field(() => IncidentTrigger)
  @Column({ type: 'text' })
  trigger!: IncidentTrigger;

  @Field()
  @Column({ name: 'declared_at', type: 'timestamptz' })
  declaredAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When a person took command of an incident that an alert opened.' })
  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'mitigated_at', type: 'timestamptz', nullable: true })
  mitigatedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'commander_id', type: 'uuid' })
  commanderId!: string;

  @Column({ name: 'declared_by_id', type: 'uuid' })
  declaredById!: string;

  @Field()
  @Column({ name: 'user_visible_downtime', type: 'boolean', default: false })
  userVisibleDowntime!: boolean;

  @Field()
  @Column({ name: 'slo_breached', type: 'boolean', default: false })
  sloBreached!: boolean;

  @Field()
  @Column({ name: 'data_loss', type: 'boolean', default: false })
  dataLoss!: boolean;

  @Field()
  @Column({ name: 'monitoring_failure', type: 'boolean', default: false })
  monitoringFailure!: boolean;

  @Field({ description: 'Shown on the public status page (/status) with its EXTERNAL status updates.' })
  @Column({ name: 'on_status_page', type: 'boolean', default: false })
  onStatusPage!: boolean;

  /** The status-update due time whose STATUS_UPDATE_OVERDUE event has been announced (see overdue-sweep.ts). */
  @Column({ name: 'overdue_announced_for', type: 'timestamptz', nullable: true, select: false })
  overdueAnnouncedFor?: Date | null;

  /** Set by queries that join the commander, to prime the users loader; not a column. */
  commander?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field({ description: 'When anything on the incident itself last changed.' })
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
