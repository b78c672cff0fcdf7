import Redis from 'ioredis';
import type { Logger } from '../observability/logger';
import { InProcessPubSub, type PubSub } from './pubsub';
import type { Topic, TopicPayloads } from './topics';

/**
 * Pub/sub across Sitrep instances through Redis channels (`<prefix><topic>`).
 * Every event, local ones included, comes back through Redis, so that all
 * instances see the events of one publisher in the same order.
 */
export class RedisPubSub implements PubSub {
  private readonly local = new InProcessPubSub();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    log: Logger,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      const topic = channel.slice(prefix.length) as Topic;
      try {
        this.local.publish(topic, JSON.parse(message) as never);
      } catch (error) {
        log.warn({ err: error, channel }, 'dropped a malformed pub/sub message');
      }
    });
  }

  /**
   * Connects both Redis connections and subscribes to `topics` (every topic the
   * domains declare: the assembly in src/server lists them).
   */
  static async connect(url: string, topics: readonly Topic[], log: Logger, prefix = 'sitrep:'): Promise<RedisPubSub> {
    const options = { lazyConnect: true, maxRetriesPerRequest: 3, connectionName: 'sitrep-pubsub' };
    const publisher = new Redis(url, options);
    const subscriber = new Redis(url, options);
    for (const connection of [publisher, subscriber]) {
      connection.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
    }
    await Promise.all([publisher.connect(), subscriber.connect()]);
    const pubsub = new RedisPubSub(publisher, subscriber, prefix, log);
    await subscriber.subscribe(...topics.map((t) => prefix + t));
    return pubsub;
  }

  publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): void {
    // Fire and forget like the in-process bus: the transaction has committed; a lost
    // notification only delays a dashboard until the next change or refetch.
    void this.publisher.publish(this.prefix + topic, JSON.stringify(payload)).catch(() => undefined);
  }

  subscribe<T extends Topic>(topic: T, signal?: AbortSignal): AsyncIterableIterator<TopicPayloads[T]> {
    return this.local.subscribe(topic, signal);
  }

  async close(): Promise<void> {
    await this.local.close();
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }
}
