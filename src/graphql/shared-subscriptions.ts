import {
  createSourceEventStream,
  execute,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLFormattedError,
} from 'graphql';
import type { GraphQLContext, ResolverLoaders } from './context';

/** What a subscriber's socket must offer: ws's `WebSocket`. */
export interface SubscriberSocket {
  readonly readyState: number;
  readonly OPEN: number;
  send(data: Buffer, options: { binary: boolean }): void;
}

/** Sends the concatenation of `parts` to `socket` as one text message. */
export type TextWriter<S extends SubscriberSocket> = (socket: S, parts: readonly Buffer[]) => void;

const sendText: TextWriter<SubscriberSocket> = (socket, parts) => socket.send(Buffer.concat(parts), { binary: false });

/** One graphql-ws subscription: the socket it came on and its graphql-ws id. */
export interface SubscriberAddress<S extends SubscriberSocket = SubscriberSocket> {
  socket: S;
  id: string;
}

interface Member<S extends SubscriberSocket> extends SubscriberAddress<S> {
  userId: string;
  /** The graphql-ws `next` frame up to the payload, built once per member. */
  prefix: Buffer;
  ended: boolean;
  /** Settles the iterator graphql-ws waits on: it then completes the subscription. */
  finish(): void;
}

interface Group<S extends SubscriberSocket> {
  key: string;
  args: ExecutionArgs;
  /** The first member's context: a caller of the group's scope, for the resolvers that ask. */
  context: GraphQLContext;
  members: Set<Member<S>>;
  source: AsyncIterator<unknown>;
  closed: boolean;
}

const FRAME_END = Buffer.from('}');

/**
 * Runs graphql-ws subscriptions so that one event costs one execution per
 * group of subscribers that would get the same result, not one per
 * subscriber. A group is the same document, the same variables and the same
 * visibility scope (`subscriberOf`; src/server gives the caller's role: no
 * field under a subscription reads more of the caller than that, and every
 * one is readable by every role today; a field that comes to depend on who
 * asks must make the user part of the scope).
 *
 * Each event is executed once per group, with one set of loaders shared by
 * every group for that event; its result is serialized once and written to
 * each member as a graphql-ws `next` frame in which only the `id` differs,
 * yielding to the event loop every `chunkSize` members so that requests stay
 * responsive during a large fan-out. A member whose sessions ended
 * (deactivation, password change) is dropped before the next write.
 */
export class SharedSubscriptions<S extends SubscriberSocket = SubscriberSocket> {
  private readonly groups = new Map<string, Group<S>>();
  private readonly byUser = new Map<string, Set<Member<S>>>();
  /** Documents printed for group keys (graphql-ws-operations hands out one object per document text). */
  private readonly printed = new WeakMap<DocumentNode, string>();
  /** One set of loaders per event, shared by the groups that execute it. */
  private readonly eventLoaders = new WeakMap<object, ResolverLoaders>();

  constructor(
    private readonly deps: {
      format: (error: GraphQLError) => GraphQLFormattedError;
      /**
       * Who subscribes, and their visibility scope: subscriptions of the same document and variables
       * share an execution when their scopes are equal. Null: no caller (never shared).
       */
      subscriberOf: (context: GraphQLContext) => { userId: string; scope: string } | null;
      /** Members written to between two yields to the event loop. @default 256 */
      chunkSize?: number;
      /** How a `next` frame reaches a member's socket. @default `socket.send` of the parts joined */
      write?: TextWriter<S>;
    },
  ) {}

  /** Subscriptions being served, and the groups they form (for tests and the bench). */
  get size(): { subscribers: number; groups: number } {
    let subscribers = 0;
    for (const group of this.groups.values()) subscribers += group.members.size;
    return { subscribers, groups: this.groups.size };
  }

  /**
   * Starts the subscription `args` for `address`: graphql-ws's `subscribe`.
   * The subscription's own `subscribe` resolver runs for every subscriber, so
   * that authorization and argument errors are its own; the group's source
   * of events is the first member's.
   */
  async subscribe(args: ExecutionArgs, address: SubscriberAddress<S>): Promise<AsyncIterableIterator<never> | ExecutionResult> {
    const context = args.contextValue as GraphQLContext;
    const subscriber = this.deps.subscriberOf(context);
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source as ExecutionResult;
    if (!subscriber) {
      await source.return?.();
      throw new Error('a subscription without a caller reached the shared executor');
    }
    let text = this.printed.get(args.document);
    if (text === undefined) this.printed.set(args.document, (text = print(args.document)));
    const key = JSON.stringify([subscriber.scope, args.operationName ?? null, args.variableValues ?? null, text]);
    let group = this.groups.get(key);
    if (group && !group.closed) {
      await source.return?.();
    } else {
      group = { key, args, context, members: new Set(), source, closed: false };
      this.groups.set(key, group);
      void this.run(group);
    }
    let finish!: () => void;
    const finished = new Promise<IteratorResult<never>>((resolve) => {
      finish = () => resolve({ done: true, value: undefined });
    });
    const member: Member<S> = {
      ...address,
      userId: subscriber.userId,
      prefix: Buffer.from(`{"id":${JSON.stringify(address.id)},"type":"next","payload":`),
      ended: false,
      finish,
    };
    group.members.add(member);
    const mine = this.byUser.get(subscriber.userId) ?? new Set<Member<S>>();
    this.byUser.set(subscriber.userId, mine.add(member));
    const joined = group;
    const iterator: AsyncIterableIterator<never> = {
      next: () => finished,
      return: async () => {
        this.leave(joined, member);
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Stops every subscription of `userId` on this instance at once: their sessions ended. */
  endUser(userId: string): void {
    for (const member of [...(this.byUser.get(userId) ?? [])]) {
      member.ended = true;
      for (const group of this.groups.values()) if (group.members.has(member)) this.leave(group, member);
    }
  }

  private leave(group: Group<S>, member: Member<S>): void {
    member.finish();
    group.members.delete(member);
    const mine = this.byUser.get(member.userId);
    mine?.delete(member);
    if (mine?.size === 0) this.byUser.delete(member.userId);
    if (group.members.size === 0 && !group.closed) {
      group.closed = true;
      if (this.groups.get(group.key) === group) this.groups.delete(group.key);
      void group.source.return?.();
    }
  }

  private loadersFor(event: unknown, context: GraphQLContext): ResolverLoaders {
    if (typeof event !== 'object' || event === null) return context.createLoaders();
    let loaders = this.eventLoaders.get(event);
    if (!loaders) this.eventLoaders.set(event, (loaders = context.createLoaders()));
    return loaders;
  }

  private async run(group: Group<S>): Promise<void> {
    const chunkSize = this.deps.chunkSize ?? 256;
    const write = this.deps.write ?? sendText;
    try {
      for (;;) {
        const next = await group.source.next();
        if (next.done || group.closed) break;
        const members = [...group.members];
        if (members.length === 0) continue;
        const context: GraphQLContext = { ...group.context, loaders: this.loadersFor(next.value, group.context) };
        const result = await execute({ ...group.args, rootValue: next.value, contextValue: context });
        const formatted = result.errors ? { ...result, errors: result.errors.map((e) => this.deps.format(e)) } : result;
        const payload = Buffer.from(JSON.stringify(formatted));
        for (let i = 0; i < members.length; i++) {
          const member = members[i];
          if (!member.ended && group.members.has(member) && member.socket.readyState === member.socket.OPEN) {
            write(member.socket, [member.prefix, payload, FRAME_END]);
          }
          if ((i + 1) % chunkSize === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    } finally {
      group.closed = true;
      if (this.groups.get(group.key) === group) this.groups.delete(group.key);
      for (const member of [...group.members]) this.leave(group, member);
    }
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterableIterator<unknown> {
  return typeof (value as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === 'function';
}
