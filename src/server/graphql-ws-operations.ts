import { getOperationAST, GraphQLError, type DocumentNode, type ExecutionArgs, type GraphQLFormattedError, type GraphQLSchema, type validate } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { Config } from '../config/config';
import type { GraphQLContext } from '../graphql/context';
import { checkOperationLimits, limitError, parseWithinLimits, VerdictCache } from '../graphql/operation-limits';
import { SharedSubscriptions, type SubscriberAddress } from '../graphql/shared-subscriptions';
import type { Metrics } from '../observability/metrics';
import { callerScope } from './read-sharing';
import { SubscriptionSlots } from './subscription-slots';
import { CLOSE_TRY_AGAIN_LATER, writeTextFrame } from '../common/websocket-frames';

/** A document admitted once: parsed, validated, and its limit verdicts by operation name and variables. */
interface KnownDocument {
  document: DocumentNode;
  /** Its validation errors, once an admission within the limits validated it. */
  invalid?: readonly GraphQLError[];
  verdicts: VerdictCache<string>;
}

/** Documents remembered by their text, the oldest forgotten first; longer texts are not remembered. */
const KNOWN_DOCUMENTS = 500;
const KNOWN_DOCUMENT_CHARS = 16_384;
/** Verdicts remembered per document, for variables whose JSON is at most this long. */
const VERDICTS_PER_DOCUMENT = 100;
const VERDICT_KEY_CHARS = 1_024;

/**
 * What the graphql-ws server does with each operation once its caller is
 * known: the operation limits before validation, the subscription caps, and
 * shared execution of subscriptions. app.ts wires these into graphql-ws's hooks.
 */
export class GraphqlWsOperations {
  private readonly slots: SubscriptionSlots<WebSocket>;
  /**
   * Parsed and validated documents by their text: a crowd opening the same page subscribes with the
   * same few documents, and subscribers that share one document object share its memory too
   * (a parsed document keeps its tokens) and the shared executor's grouping key.
   */
  private readonly known = new Map<string, KnownDocument>();
  private readonly shared: SharedSubscriptions<WebSocket>;
  private readonly subscribers = new WeakMap<GraphQLContext, SubscriberAddress<WebSocket>>();

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
      write: (socket, parts) => {
        // A subscriber that stopped reading would otherwise hold every later event in this process.
        if (socket.bufferedAmount > deps.config.subscriptionLimits.maxBufferedBytes) {
          return socket.close(CLOSE_TRY_AGAIN_LATER, 'subscriber too slow to keep up');
        }
        writeTextFrame(socket, parts);
      },
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
    const known = this.know(payload.query);
    if (!('document' in known)) return known;
    const { document, verdicts } = known;
    const key = `${payload.operationName ?? ''}\n${JSON.stringify(payload.variables ?? {})}`;
    const check = () => checkOperationLimits(schema, document, config.operationLimits, payload.variables, payload.operationName);
    const breach = key.length <= VERDICT_KEY_CHARS ? verdicts.get(key, check) : check();
    if (breach) return [limitError(breach)];
    // Validated after the limits (validation is itself costly on a hostile document), once per document.
    known.invalid ??= this.deps.validate(schema, document);
    if (known.invalid.length) return known.invalid;
    if (getOperationAST(document, payload.operationName)?.operation === 'subscription') {
      const refused = this.slots.take(socket, userId, id);
      if (refused) return [refused];
    }
    return { schema, document, variableValues: payload.variables, operationName: payload.operationName };
  }

  /** `query` parsed within the token limit, from memory when seen before. */
  private know(query: string): KnownDocument | readonly GraphQLError[] {
    const seen = this.known.get(query);
    if (seen) return seen;
    let parsed: ReturnType<typeof parseWithinLimits>;
    try {
      parsed = parseWithinLimits(query, this.deps.config.operationLimits);
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    if ('breach' in parsed) return [limitError(parsed.breach)];
    const admitted: KnownDocument = { document: parsed.document, verdicts: new VerdictCache<string>(VERDICTS_PER_DOCUMENT) };
    if (query.length > KNOWN_DOCUMENT_CHARS) return admitted;
    if (this.known.size >= KNOWN_DOCUMENTS) this.known.delete(this.known.keys().next().value as string);
    this.known.set(query, admitted);
    return admitted;
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
  subscribe(args: ExecutionArgs): ReturnType<SharedSubscriptions<WebSocket>['subscribe']> {
    return this.shared.subscribe(args, this.subscribers.get(args.contextValue as GraphQLContext)!);
  }
}
