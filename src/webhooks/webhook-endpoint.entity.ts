import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { WebhookFormat } from './webhook.enums';

/** Where Sitrep sends events (ADMIN-managed). */
@ObjectType()
@Entity('webhook_endpoints')
export class WebhookEndpoint {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field()
  @Column({ type: 'text' })
  url!: string;

  @Field(() => WebhookFormat)
  @Column({ type: 'text' })
  format!: WebhookFormat;

  @Field(() => [String])
  @Column({ type: 'jsonb' })
  events!: string[];

  /** `whsec_<base64>`; shown once, at creation. */
  @Column({ type: 'text' })
  secret!: string;

  @Field()
  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince!: Date | null;

  /** Why Sitrep disabled the endpoint (it failed for WEBHOOK_RETRY_FOR). */
  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: string | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
