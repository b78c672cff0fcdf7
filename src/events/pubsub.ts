import { EventEmitter, on } from 'node:events';
import type { EntityManager } from 'typeorm';
import type { Topic, TopicPayloads } from './topics';

/**
 * The one pub/sub of Sitrep. The in-process implementation below serves a
 * single instance; a Redis-backed one can replace it behind this interface.
 */
export interface PubSub {
  publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): void;
  /** Events of `topic` from now on; `return()` on the iterator unsubscribes. */
  subscribe<T extends Topic>(topic: T, signal?: AbortSignal): AsyncIterableIterator<TopicPayloads[T]>;
  close(): Promise<void>;
  /**
   * A durable pub/sub writes a transaction's events into the transaction
   * itself (UnitOfWork calls it before commit, and then `committed` instead
   * of `publish`).
   */
  persist?(manager: EntityManager, events: ReadonlyArray<readonly [Topic, unknown]>): Promise<void>;
  /** After the commit of events written with `persist`. */
  committed?(): void;
  /**
   * Calls `listener` synchronously for every event delivered to this
   * instance's subscribers: its own, and those read from the bus.
   */
  onDelivery(listener: (topic: Topic) => void): void;
}

/** Pub/sub within one process, on an EventEmitter. */
export class InProcessPubSub implements PubSub {
  private readonly emitter = new EventEmitter();
  private readonly closing = new AbortController();
  private readonly deliveryListeners: Array<(topic: Topic) => void> = [];

  constructor() {
    // Every dashboard and open incident page is a listener; there is no leak to warn about.
    this.emitter.setMaxListeners(0);
  }

  publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): void {
    for (const listener of this.deliveryListeners) listener(topic);
    this.emitter.emit(topic, payload);
  }

  onDelivery(listener: (topic: Topic) => void): void {
    this.deliveryListeners.push(listener);
  }

  subscribe<T extends Topic>(topic: T, signal?: AbortSignal): AsyncIterableIterator<TopicPayloads[T]> {
    const signals = signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal;
    const source = on(this.emitter, topic, { signal: signals }) as AsyncIterableIterator<[TopicPayloads[T]]>;
    const iterator: AsyncIterableIterator<TopicPayloads[T]> = {
      async next() {
        try {
          const result = await source.next();
          return result.done ? { done: true, value: undefined } : { done: false, value: result.value[0] };
        } catch (error) {
          if ((error as Error).name === 'AbortError') return { done: true, value: undefined };
          throw error;
        }
      },
      async return() {
        await source.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.emitter.removeAllListeners();
  }
}
