import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { AlertSource } from './alert-status.enum';

/**
 * An alert group (Alertmanager's groupKey, PagerDuty's dedup_key) tied to the
 * incident it opened. At most one group per key is `open` (a partial unique
 * index); it is closed when the group fires again after its incident was
 * resolved, and a new group with a new incident takes its place.
 */
@Entity('alert_groups')
export class AlertGroup {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  source!: AlertSource;

  /** SHA-256 of the integration user's id and the group key: keys are scoped per API token. */
  @Column({ name: 'key_hash', type: 'text' })
  keyHash!: string;

  @Column({ name: 'group_key', type: 'text' })
  groupKey!: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId!: string;

  @Column({ name: 'previous_incident_id', type: 'uuid', nullable: true })
  previousIncidentId!: string | null;

  @Column({ type: 'boolean' })
  open!: boolean;

  @Column({ name: 'state_hash', type: 'text', nullable: true })
  stateHash!: string | null;

  @Column({ name: 'truncated_alerts', type: 'integer' })
  truncatedAlerts!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
