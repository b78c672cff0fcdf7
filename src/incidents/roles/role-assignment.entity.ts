import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { IncidentRole } from './incident-role.enum';

/**
 * One stint of one person in one role on one incident. A row with no
 * `relievedAt` is current; a partial unique index keeps at most one current
 * holder per role, so two commanders cannot exist even under a race.
 * Undelegated roles have no current row: the commander holds them.
 */
@Entity('role_assignments')
export class RoleAssignmentRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId!: string;

  @Column({ type: 'text' })
  role!: IncidentRole;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'assigned_by_id', type: 'uuid', nullable: true })
  assignedById!: string | null;

  @Column({ name: 'assigned_at', type: 'timestamptz' })
  assignedAt!: Date;

  @Column({ name: 'relieved_at', type: 'timestamptz', nullable: true })
  relievedAt!: Date | null;
}
