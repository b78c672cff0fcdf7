import type { Topic, TopicPayloads } from '../events/topics';
import type { GraphQLContext } from './context';

/**
 * The events of `topic` that pass `filter`, for a type-graphql `subscribe`.
 * Each event gets fresh loaders: graphql-js executes a subscription's events
 * one after another with the same context, so replacing them here scopes them
 * to one event.
 *
 * Deliberately not an async generator: a generator's `return()` waits for the
 * `next()` in progress, so a subscription that was unsubscribed (or whose
 * socket closed) kept its pub/sub listener until the next matching event came,
 * which for a quiet incident is never. Here `return()` ends the pub/sub
 * subscription at once, which also settles a pending `next()` as done.
 */
export function eventsOf<T extends Topic>(
  context: GraphQLContext,
  topic: T,
  filter: (payload: TopicPayloads[T]) => boolean = () => true,
): AsyncIterableIterator<TopicPayloads[T]> {
  const events = context.events.subscribe(topic);
  const iterator: AsyncIterableIterator<TopicPayloads[T]> = {
    async next() {
      for (;;) {
        const result = await events.next();
        if (result.done) return result;
        if (!filter(result.value)) continue;
        context.loaders = context.createLoaders();
        return result;
      }
    },
    async return() {
      await events.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
