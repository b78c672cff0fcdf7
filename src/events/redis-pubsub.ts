import Redis from 'ioredis';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../observability/logger';
import { InProcessPubSub, type PubSub } from './pubsub';
import type { Topic, TopicPayloads } from './topics';

/** Settings of the event log behind the Redis pub/sub. */
export interface EventLogOptions {
  /** How often the log is read even without a wake-up: the bound on a silent Redis gap. @default 1_000 // ms */
  pollIntervalMs: number;
  /** How long events are kept; an instance cut off from PostgreSQL for longer misses older ones. @default 3_600_000 // 1 hour */
  retentionMs: number;
  /** Redis command timeout. @default 2_000 // ms */
  commandTimeoutMs: number;
}

/** Events read per query while catching up. */
const BATCH = 500;
/** Any key of the advisory lock that orders the event log's commits (a constant: "sitrep-events"). */
const LOG_LOCK_KEY = 7_362_877_201;

/**
 * Pub/sub across Sitrep instances that loses nothing to a Redis gap.
 *
 * Events are not carried by Redis: `persist` writes them into the event log
 * (`event_log`) inside the transaction of the change itself, so that they
 * exist exactly when the change does, numbered in commit order (the insert
 * takes a transaction-level advisory lock, held until commit, so no later
 * number ever becomes visible before an earlier one). After the commit
 * Redis only wakes the instances up (`<prefix>events`); each reads the log
 * past the last number it delivered and hands the events to its
 * subscribers, in order and once each. An instance that was cut off from
 * Redis reads what it missed when the connection returns, and at the latest
 * at its next poll (`pollIntervalMs`), so even a gap nobody noticed is
 * bounded. Rows older than `retentionMs` are pruned.
 *
 * Chosen over Redis Streams because a stream can lose what was written to a
 * Redis that restarts empty, while the log is as durable as the change; and
 * because writing the event in the change's transaction makes it impossible
 * to commit a change whose event is lost, or publish an event whose change
 * rolled back.
 */
export class RedisPubSub implements PubSub {
  private readonly local = new InProcessPubSub();
  private lastSeen = 0;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly reconnectListeners: Array<() => void> = [];
  private closed = false;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly topics: ReadonlySet<Topic>,
    private readonly options: EventLogOptions,
    private readonly log: Logger,
  ) {}

  /**
   * Connects both Redis connections, subscribes to the wake-up channel and
   * starts reading the log from its current end (`topics` are the names the
   * domains declare; every event of the log is one of them).
   */
  static async connect(
    url: string,
    topics: readonly Topic[],
    dataSource: DataSource,
    log: Logger,
    prefix = 'sitrep:',
    options: EventLogOptions = { pollIntervalMs: 1_000, retentionMs: 3_600_000, commandTimeoutMs: 2_000 },
  ): Promise<RedisPubSub> {
    const redisOptions = { lazyConnect: true, maxRetriesPerRequest: 3, connectionName: 'sitrep-pubsub', commandTimeout: options.commandTimeoutMs };
    const publisher = new Redis(url, redisOptions);
    const subscriber = new Redis(url, { ...redisOptions, commandTimeout: undefined });
    for (const connection of [publisher, subscriber]) {
      connection.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
    }
    await Promise.all([publisher.connect(), subscriber.connect()]);
    const pubsub = new RedisPubSub(dataSource, publisher, subscriber, `${prefix}events`, new Set(topics), options, log);
    await pubsub.start();
    return pubsub;
  }

  private async start(): Promise<void> {
    const [{ last }] = await this.dataSource.query(`SELECT coalesce(max(id), 0)::text AS last FROM event_log`);
    this.lastSeen = Number(last);
    this.subscriber.on('message', () => this.poke());
    let cutOff = false;
    this.subscriber.on('close', () => {
      cutOff = true;
    });
    // ioredis resubscribes by itself on 'ready'; what was published meanwhile is read from the log.
    this.subscriber.on('ready', () => {
      if (!cutOff) return;
      cutOff = false;
      this.log.info('redis connection back: reading the events missed meanwhile');
      this.poke();
      for (const listener of this.reconnectListeners) listener();
    });
    await this.subscriber.subscribe(this.channel);
    this.timers.push(setInterval(() => this.poke(), this.options.pollIntervalMs).unref());
    this.timers.push(setInterval(() => void this.prune(), Math.min(60_000, this.options.retentionMs)).unref());
  }

  /** Calls `listener` each time the Redis connection returns after a gap. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /** Writes the events of a transaction into the log, in that transaction. */
  async persist(manager: EntityManager, events: ReadonlyArray<readonly [Topic, unknown]>): Promise<void> {
    if (events.length === 0) return;
    await manager.query(`SELECT pg_advisory_xact_lock($1)`, [LOG_LOCK_KEY]);
    await manager.query(
      `INSERT INTO event_log (topic, payload) SELECT t, p FROM unnest($1::text[], $2::jsonb[]) AS e(t, p)`,
      [events.map(([topic]) => topic), events.map(([, payload]) => JSON.stringify(payload))],
    );
  }

  /** The transaction committed: read the log here at once, and wake the other instances. */
  committed(): void {
    this.poke();
    void this.publisher.publish(this.channel, '').catch(() => undefined);
  }

  /** Events are published through `persist`/`committed` only; this delivers to this instance's subscribers alone. */
  publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): void {
    this.local.publish(topic, payload);
  }

  subscribe<T extends Topic>(topic: T, signal?: AbortSignal): AsyncIterableIterator<TopicPayloads[T]> {
    return this.local.subscribe(topic, signal);
  }

  onDelivery(listener: (topic: Topic) => void): void {
    this.local.onDelivery(listener);
  }

  /** Reads the log now, or again right after the read in progress. */
  private poke(): void {
    if (this.closed) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.read()
      .catch((error) => this.log.warn({ err: error }, 'reading the event log failed; retrying at the next poll'))
      .finally(() => {
        this.reading = undefined;
        if (this.readAgain) {
          this.readAgain = false;
          this.poke();
        }
      });
  }

  private async read(): Promise<void> {
    for (;;) {
      const rows: Array<{ id: string; topic: Topic; payload: unknown }> = await this.dataSource.query(
        // Ordered by the bigint column: `id` alone would name the text alias and sort "10" before "9".
        `SELECT e.id::text AS id, e.topic, e.payload FROM event_log e WHERE e.id > $1 ORDER BY e.id LIMIT ${BATCH}`,
        [this.lastSeen],
      );
      for (const row of rows) {
        if (this.closed) return;
        this.lastSeen = Math.max(this.lastSeen, Number(row.id));
        // An instance of a newer version (a rolling deploy) may log topics this one does not know.
        if (this.topics.has(row.topic)) this.local.publish(row.topic, row.payload as never);
      }
      if (rows.length < BATCH) return;
    }
  }

  private async prune(): Promise<void> {
    try {
      await this.dataSource.query(`DELETE FROM event_log WHERE created_at < now() - make_interval(secs => $1)`, [this.options.retentionMs / 1000]);
    } catch (error) {
      this.log.warn({ err: error }, 'pruning the event log failed');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.reading;
    await this.local.close();
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }
}
