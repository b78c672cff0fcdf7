import type { Topic, TopicPayloads } from '../events/topics';
import type { GraphQLContext } from './context';
import { createLoaders } from './loaders';

/**
 * The events of `topic` that pass `filter`, for a type-graphql `subscribe`.
 * Each event gets fresh loaders: graphql-js executes a subscription's events
 * one after another with the same context, so replacing them here scopes them
 * to one event.
 */
export async function* eventsOf<T extends Topic>(
  context: GraphQLContext,
  topic: T,
  filter: (payload: TopicPayloads[T]) => boolean = () => true,
): AsyncGenerator<TopicPayloads[T]> {
  const events = context.services.pubsub.subscribe(topic);
  try {
    for await (const payload of events) {
      if (!filter(payload)) continue;
      context.loaders = createLoaders(context.services.dataSource);
      yield payload;
    }
  } finally {
    await events.return?.();
  }
}
