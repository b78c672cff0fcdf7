import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { WebhookDeliveryStatus } from './webhook.enums';

/** One event for one endpoint: an outbox row, written in the transaction of the change. Its id is the `webhook-id`. */
@ObjectType()
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId!: string;

  @Field()
  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  /** The Standard Webhooks body `{ type, timestamp, data }`; the Slack message is rendered from it. */
  @Column({ type: 'jsonb' })
  body!: WebhookEventBody;

  @Field(() => WebhookDeliveryStatus)
  @Column({ type: 'text' })
  status!: WebhookDeliveryStatus;

  @Field(() => Int)
  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Field(() => Int, { nullable: true })
  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}

/** What an event says about its incident. */
export interface WebhookIncidentData {
  id: string;
  title: string;
  severity: string;
  status: string;
  commander: { id: string; name: string } | null;
  url: string;
  /** The timeline entry or status update that the event is about, when there is one. */
  detail?: string;
}

/** The Standard Webhooks JSON body. */
export interface WebhookEventBody {
  type: string;
  timestamp: string;
  data: { incident: WebhookIncidentData };
}
