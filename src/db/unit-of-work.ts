import type { DataSource, EntityManager } from 'typeorm';
import type { PubSub } from '../events/pubsub';
import type { Topic, TopicPayloads } from '../events/topics';

/** A transaction in progress, with the events to publish once it commits. */
export interface Tx {
  readonly manager: EntityManager;
  /** Queues an event; it is published only after the transaction commits. */
  publish<T extends Topic>(topic: T, payload: TopicPayloads[T]): void;
}

/** See UnitOfWork.beforeCommit. */
export type BeforeCommitHook = (manager: EntityManager, events: ReadonlyArray<readonly [Topic, unknown]>) => Promise<(() => void) | void>;

/** An event a committed transaction published. */
export interface CommittedEvent {
  topic: Topic;
  payload: TopicPayloads[Topic];
}

/**
 * Work that follows a commit in the instance that made it (so it runs once,
 * however many instances share the database). Awaited before `run` returns;
 * it must handle its own errors, as the commit cannot be undone.
 */
export type CommitHook = (events: readonly CommittedEvent[]) => Promise<void>;

/**
 * Runs `work` in one transaction and publishes its queued events after commit,
 * never before: a subscriber must never see what a rollback undid.
 */
export class UnitOfWork {
  private readonly hooks: BeforeCommitHook[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub,
  ) {}

  private readonly commitHooks: CommitHook[] = [];
  private readonly commitListeners: Array<() => void> = [];

  /**
   * Calls `listener` synchronously right after every commit, with or without
   * events, before anything is published and before `run` returns (shared
   * reads forget their results there: a client never reads older data after
   * its own write answered).
   */
  onCommit(listener: () => void): void {
    this.commitListeners.push(listener);
  }

  /** Registers work to run after each commit, with the events the transaction published. */
  onCommitted(hook: CommitHook): void {
    this.commitHooks.push(hook);
  }

  async run<R>(work: (tx: Tx) => Promise<R>): Promise<R> {
    const queued: Array<[Topic, unknown]> = [];
    const persist = this.pubsub.persist?.bind(this.pubsub);
    const afterCommit: Array<(() => void) | void> = [];
    const result = await this.dataSource.transaction(async (manager) => {
      const value = await work({
        manager,
        publish: (topic, payload) => {
          queued.push([topic, payload]);
        },
      });
      // A durable pub/sub stores the events with the change: both commit, or neither.
      if (persist && queued.length > 0) await persist(manager, queued);
      for (const hook of this.hooks) afterCommit.push(await hook(manager, queued));
      return value;
    });
    for (const listener of this.commitListeners) listener();
    if (persist) {
      if (queued.length > 0) this.pubsub.committed?.();
    } else {
      for (const [topic, payload] of queued) this.pubsub.publish(topic, payload as never);
    }
    for (const after of afterCommit) after?.();
    if (queued.length > 0) {
      const events = queued.map(([topic, payload]) => ({ topic, payload }) as CommittedEvent);
      for (const hook of this.commitHooks) await hook(events).catch(() => undefined);
    }
    return result;
  }

  /**
   * Runs `hook` inside every transaction, after its work and before its commit,
   * with the events it queued: what must commit or roll back with the change
   * (the outbox of outgoing webhooks). What the hook returns runs after commit.
   */
  beforeCommit(hook: BeforeCommitHook): void {
    this.hooks.push(hook);
  }
}
