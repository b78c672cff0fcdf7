import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { UserRole } from '../users/user-role.enum';

/**
 * An API token. Only the SHA-256 of its secret is kept; the secret itself is
 * shown once, at creation. The token acts as its own integration user.
 */
@ObjectType({ description: 'An API token for an integration; the secret is shown once, at creation.' })
@Entity('api_tokens')
export class ApiToken {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => UserRole)
  @Column({ type: 'text' })
  role!: UserRole;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  /** The integration (service) user that the token acts as; `users.is_integration` is true. */
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'created_by_id', type: 'uuid', nullable: true })
  createdById!: string | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the token was revoked; it no longer authenticates.' })
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
