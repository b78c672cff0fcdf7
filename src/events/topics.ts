/**
 * The topic map of the one pub/sub: topic name → payload type. It is declared
 * empty here so that the event mechanism names no domain: each domain adds its
 * own topics to this interface (TypeScript declaration merging) in its
 * `*.topics.ts`, next to the code that publishes them, and lists their names in
 * its module (Redis subscribes to every listed name). Payloads carry ids;
 * subscribers load fresh rows.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TopicPayloads {}

/** A topic name of the pub/sub. */
export type Topic = keyof TopicPayloads & string;
