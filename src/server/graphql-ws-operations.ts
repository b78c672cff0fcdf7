import { getOperationAST, GraphQLError, type ExecutionArgs, type GraphQLFormattedError, type GraphQLSchema, type validate } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { Config } from '../config/config';
import type { GraphQLContext } from '../graphql/context';
import { checkOperationLimits, limitError, parseWithinLimits } from '../graphql/operation-limits';
import { SharedSubscriptions, type SubscriberAddress } from '../graphql/shared-subscriptions';
import type { Metrics } from '../observability/metrics';
import { callerScope } from './read-sharing';
import { SubscriptionSlots } from './subscription-slots';

/**
 * What the graphql-ws server does with each operation once its caller is
 * known: the operation limits before validation, the subscription caps, and
 * shared execution of subscriptions. app.ts wires these into graphql-ws's hooks.
 */
export class GraphqlWsOperations {
  private readonly slots: SubscriptionSlots<WebSocket>;
  private readonly shared: SharedSubscriptions;
  private readonly subscribers = new WeakMap<GraphQLContext, SubscriberAddress>();

  constructor(
    private readonly deps: {
      schema: GraphQLSchema;
      config: Pick<Config, 'operationLimits' | 'subscriptionLimits'>;
      validate: typeof validate;
      format: (error: GraphQLError) => GraphQLFormattedError;
      metrics: Metrics;
    },
  ) {
    this.slots = new SubscriptionSlots<WebSocket>(deps.config.subscriptionLimits);
    this.shared = new SharedSubscriptions({
      format: deps.format,
      // The visibility scope is the role: no field under a subscription asks more of the caller (see SharedSubscriptions).
      subscriberOf: callerScope,
    });
    deps.metrics.subscriptionFigures = () => this.shared.size;
  }

  /** Stops every subscription of `userId` on this instance (their sessions ended). */
  endUser(userId: string): void {
    this.shared.endUser(userId);
  }

  /**
   * graphql-ws's onSubscribe, for a caller already authenticated: parses within
   * the token limit, checks the other limits (before graphql-js validation,
   * itself costly on a hostile document), validates, and takes a subscription
   * slot. Errors are this operation's; the socket stays open.
   */
  admit(socket: WebSocket, userId: string, id: string, payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] {
    const { schema, config } = this.deps;
    let parsed: ReturnType<typeof parseWithinLimits>;
    try {
      parsed = parseWithinLimits(payload.query, config.operationLimits);
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    if ('breach' in parsed) return [limitError(parsed.breach)];
    const { document } = parsed;
    const breach = checkOperationLimits(schema, document, config.operationLimits, payload.variables, payload.operationName);
    if (breach) return [limitError(breach)];
    const invalid = this.deps.validate(schema, document);
    if (invalid.length) return invalid;
    if (getOperationAST(document, payload.operationName)?.operation === 'subscription') {
      const refused = this.slots.take(socket, userId, id);
      if (refused) return [refused];
    }
    return { schema, document, variableValues: payload.variables, operationName: payload.operationName };
  }

  /** Gives back the slot of a subscription that ended (completed, failed); harmless for other operations. */
  release(socket: WebSocket, id: string): void {
    this.slots.release(socket, id);
  }

  /** Gives back every slot of a socket that closed. */
  releaseAll(socket: WebSocket): void {
    this.slots.releaseAll(socket);
  }

  /** Remembers which socket and graphql-ws id `context` serves, for `subscribe`. */
  register(context: GraphQLContext, socket: WebSocket, id: string): GraphQLContext {
    this.subscribers.set(context, { socket, id });
    return context;
  }

  /** graphql-ws's `subscribe`: one execution per event for every subscriber that would get the same result. */
  subscribe(args: ExecutionArgs): ReturnType<SharedSubscriptions['subscribe']> {
    return this.shared.subscribe(args, this.subscribers.get(args.contextValue as GraphQLContext)!);
  }
}
