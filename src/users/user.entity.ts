import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { UserRole } from './user-role.enum';

/** A person who responds to incidents, or the service user of an integration. */
@ObjectType()
@Entity('users')
export class User {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stored lower-cased; unique. */
  @Field()
  @Column({ type: 'text' })
  email!: string;

  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => UserRole)
  @Column({ type: 'text' })
  role!: UserRole;

  /** scrypt hash (see `password.ts`); null for integration users, who cannot log in. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  /** True for the service users that API tokens and alert integrations act as. */
  @Field({ description: 'True for the service user of an integration (alerts, API tokens).' })
  @Column({ name: 'is_integration', type: 'boolean', default: false })
  isIntegration!: boolean;

  @Field(() => Date, { nullable: true, description: 'When an admin deactivated this user; null while active. Deactivated users cannot log in.' })
  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true })
  deactivatedAt!: Date | null;

  /** Carried in login tokens; changing the password increments it, so every older token stops working. */
  @Column({ name: 'session_generation', type: 'integer', default: 0 })
  sessionGeneration!: number;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
