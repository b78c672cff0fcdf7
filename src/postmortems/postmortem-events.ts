import type { TopicPayloads } from '../events/topics';
import { IncidentTopic } from '../incidents/incident.topics';
import { PostmortemTopic } from './postmortem.topics';
import type { GraphQLContext } from '../graphql/context';

type PostmortemEvent = TopicPayloads[typeof PostmortemTopic.Changed];

/**
 * The events that change what one postmortem shows, for `postmortemUpdated`:
 * its own changes (PostmortemChanged) and its incident's (IncidentChanged),
 * since `timeline`, `triggers`, `markdown` and the checklist are read from the
 * incident. This is the one place that maps incident changes to postmortems.
 *
 * The postmortem's own changes that also touch the incident (start, status)
 * publish both topics in one commit; their IncidentChanged carries
 * `postmortemId` and is skipped here, so that each change is delivered once.
 *
 * Like eventsOf: each event gets fresh loaders, and `return()` ends both
 * pub/sub subscriptions at once (settling a pending `next()` as done).
 */
export function postmortemEvents(
  context: GraphQLContext,
  postmortem: { id: string; incidentId: string },
): AsyncIterableIterator<PostmortemEvent> {
  const own = context.events.subscribe(PostmortemTopic.Changed);
  const incident = context.events.subscribe(IncidentTopic.Changed);
  const event: PostmortemEvent = { postmortemId: postmortem.id, incidentId: postmortem.incidentId };
  // Every event carries the same payload, so counting them is the whole queue.
  let pending = 0;
  let done = false;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };

  const pump = async <T>(source: AsyncIterableIterator<T>, matches: (payload: T) => boolean) => {
    try {
      for (;;) {
        const result = await source.next();
        if (result.done) break;
        if (!matches(result.value)) continue;
        pending++;
        signal();
      }
    } finally {
      done = true;
      signal();
    }
  };
  void pump(own, (p) => p.postmortemId === postmortem.id);
  void pump(incident, (p) => p.incidentId === postmortem.incidentId && p.postmortemId === undefined);

  const iterator: AsyncIterableIterator<PostmortemEvent> = {
    async next() {
      while (pending === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
      if (done) return { done: true, value: undefined };
      pending--;
      context.loaders = context.createLoaders();
      // A new object per event: shared execution (graphql/shared-subscriptions.ts) keys one set of
      // loaders to each event object, so yielding the same object again served the first event's data.
      return { done: false, value: { ...event } };
    },
    async return() {
      done = true;
      signal();
      await Promise.all([own.return?.(), incident.return?.()]);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
