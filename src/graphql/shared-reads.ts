import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type FormattedExecutionResult, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { SharedReadsConfig } from '../config/config';
import type { GraphQLContext } from './context';

/**
 * What a field's value depends on besides the data: `role`, nothing about the
 * caller but their role; `user`, the caller themself (`me`).
 */
export type ReadScope = 'role' | 'user';

/** How a query was answered. */
export type SharedReadOutcome = 'hit' | 'joined' | 'executed' | 'unshared';

interface Kept {
  result: FormattedExecutionResult;
  bytes: number;
}

interface Flight {
  key: string;
  generation: number;
  startedAt: number;
  /** The first instant (epoch ms) a clock-driven field of the result changes by itself. */
  until: number;
  done: Promise<FormattedExecutionResult | undefined>;
  settle(result: FormattedExecutionResult | undefined): void;
}

/**
 * Shared execution of identical reads, the sibling of SharedSubscriptions.
 * Queries (never mutations) with the same document, operation name,
 * variables and visibility scope share one execution: a query that arrives
 * while an identical one runs waits for its result (single-flight), and the
 * result is reused for at most `maxAgeMs`, until anything could have changed
 * it.
 *
 * Only documents made wholly of fields the domains declared (`fields`:
 * `Type.field` or `Type.*` → ReadScope) are shared; any other field (the live
 * document, presence, introspection) makes the query run on its own as
 * before. A declared field computed against the clock reports through
 * `GraphQLContext.changesAt` when its value next changes by itself, and the
 * result is reused no longer than that. The scope is the caller's role (as for shared
 * subscriptions), and the user too when a `user` field is selected. Results
 * with errors are never kept, and whoever waited on one executes on their own.
 *
 * `invalidate()` drops every kept result and ends every flight for newcomers.
 * src/server calls it synchronously after every commit of this instance
 * (before the mutation that committed answers, so a client never reads older
 * data after its own write returned) and for every event delivered from the
 * bus (another instance's change, a few milliseconds later). A read that
 * joined a flight started before a commit was itself concurrent with that
 * write, never after its response.
 */
export class SharedReads {
  private generation = 0;
  private readonly kept: LRUCache<string, Kept> | undefined;
  private readonly flights = new Map<string, Flight>();
  private readonly verdicts = new WeakMap<DocumentNode, Map<string, ReadScope | null>>();
  /** The response body of each shared result, by its `data` (never changed once executed). */
  private readonly serialized = new WeakMap<object, string>();

  constructor(
    private readonly deps: {
      schema: GraphQLSchema;
      /** Shareable schema coordinates (`Type.field`, `Type.*`) and what each depends on. */
      fields: ReadonlyMap<string, ReadScope>;
      /** The caller's visibility scope, as shared subscriptions group by; null: never shared. */
      scopeOf: (context: GraphQLContext) => { userId: string; scope: string } | null;
      options: SharedReadsConfig;
      /** Counts each query's outcome (metrics). */
      counted?: (outcome: SharedReadOutcome) => void;
      /** The clock, in milliseconds. @default performance.now */
      now?: () => number;
    },
  ) {
    const { maxEntries, maxBytes, maxAgeMs } = deps.options;
    if (maxEntries > 0 && maxAgeMs > 0) {
      this.kept = new LRUCache<string, Kept>({ max: maxEntries, maxSize: maxBytes, sizeCalculation: (k) => Math.max(1, k.bytes), ttl: maxAgeMs });
    }
  }

  /** Results kept and their serialized size (metrics, tests). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.kept?.size ?? 0, bytes: this.kept?.calculatedSize ?? 0 };
  }

  /** Forgets every kept result; flights in progress still answer those already waiting, nobody new. */
  invalidate(): void {
    this.generation += 1;
    this.kept?.clear();
    this.flights.clear();
  }

  /** The Apollo plugin that answers shared queries and records the results of those it let execute. */
  plugin(): ApolloServerPlugin<GraphQLContext> {
    const reads = this;
    return {
      async requestDidStart() {
        let led: Flight | undefined;
        return {
          async responseForOperation({ operation, document, operationName, request, queryHash, contextValue }) {
            // `operation` is missing when the operation name matches none: Apollo refuses it after this hook.
            if (reads.deps.options.maxEntries === 0 || operation?.operation !== 'query') return null;
            const key = queryHash ? reads.keyOf(contextValue, document, operationName ?? null, request.variables, queryHash) : null;
            if (!key) return reads.answered('unshared', null);
            const kept = reads.kept?.get(key);
            if (kept) return reads.answered('hit', response(kept.result));
            const flight = reads.flights.get(key);
            if (flight) {
              const result = await flight.done;
              if (result) return reads.answered('joined', response(result));
            }
            const leading = (led = reads.lead(key));
            contextValue.changesAt = (at) => {
              leading.until = Math.min(leading.until, at.getTime());
            };
            return reads.answered('executed', null);
          },
          async willSendResponse({ response: sent, errors }) {
            if (!led) return;
            const body = sent.body.kind === 'single' ? sent.body.singleResult : undefined;
            reads.land(led, body && !errors?.length && !body.errors?.length ? body : undefined);
            led = undefined;
          },
        };
      },
    };
  }

  private answered<T>(outcome: SharedReadOutcome, value: T): T {
    this.deps.counted?.(outcome);
    return value;
  }

  private lead(key: string): Flight {
    let settle!: Flight['settle'];
    const done = new Promise<FormattedExecutionResult | undefined>((resolve) => (settle = resolve));
    const flight: Flight = { key, generation: this.generation, startedAt: this.now(), until: Infinity, done, settle };
    this.flights.set(key, flight);
    return flight;
  }

  /**
   * Apollo's `stringifyResult`: a shared result is serialized once, for the
   * leader and everyone it answers (the same `data` object); anything else as
   * Apollo's own default does.
   */
  stringify(value: FormattedExecutionResult): string {
    const once = !value.errors && !value.extensions && value.data ? this.serialized.get(value.data) : undefined;
    return once ?? serialize(value);
  }

  private land(flight: Flight, result: FormattedExecutionResult | undefined): void {
    if (this.flights.get(flight.key) === flight) this.flights.delete(flight.key);
    // A field that turned by the clock while this ran: whoever joined late would not get it from their own execution.
    const turned = flight.until <= Date.now();
    flight.settle(turned ? undefined : result);
    if (!result?.data || turned) return;
    const body = serialize({ errors: undefined, data: result.data, extensions: result.extensions });
    // Extensions are a plugin's to change until the body is written: only a result without them has one body.
    if (!result.extensions) this.serialized.set(result.data, body);
    // Kept only when nothing was committed or delivered since the execution began.
    if (!this.kept || flight.generation !== this.generation) return;
    const left = Math.min(this.deps.options.maxAgeMs - (this.now() - flight.startedAt), flight.until - Date.now() - 1);
    if (left < 1) return;
    this.kept.set(flight.key, { result, bytes: Buffer.byteLength(body) }, { ttl: left });
  }

  private now(): number {
    return (this.deps.now ?? performance.now.bind(performance))();
  }

  /** The sharing key of a query, or null when it may not be shared. */
  private keyOf(context: GraphQLContext, document: DocumentNode, operationName: string | null, variables: unknown, queryHash: string): string | null {
    const caller = this.deps.scopeOf(context);
    if (!caller) return null;
    const scope = this.scopeOfDocument(document, operationName);
    if (!scope) return null;
    const who = scope === 'user' ? `${caller.scope}:${caller.userId}` : caller.scope;
    return `${who}\n${operationName ?? ''}\n${JSON.stringify(variables ?? {})}\n${queryHash}`;
  }

  /**
   * What the document's fields depend on: `role`, `user`, or null when one of
   * them is not declared shareable. Every field of the document counts, those
   * of other operations and unused fragments too (conservative, and cached
   * per document: Apollo hands out one document object per query text).
   */
  private scopeOfDocument(document: DocumentNode, operationName: string | null): ReadScope | null {
    let byName = this.verdicts.get(document);
    if (!byName) this.verdicts.set(document, (byName = new Map()));
    const name = operationName ?? '';
    if (byName.has(name)) return byName.get(name)!;
    const typeInfo = new TypeInfo(this.deps.schema);
    let scope: ReadScope | null = 'role';
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: (node) => {
          const field = node.name.value;
          if (field === '__typename') return;
          const parent = typeInfo.getParentType()?.name;
          const declared = field.startsWith('__') || !parent ? undefined : (this.deps.fields.get(`${parent}.${field}`) ?? this.deps.fields.get(`${parent}.*`));
          if (!declared) scope = null;
          else if (declared === 'user' && scope === 'role') scope = 'user';
        },
      }),
    );
    byName.set(name, scope);
    return scope;
  }
}

/** Apollo's default serialization of a result whose fields it has put in order (errors, data, extensions). */
function serialize(value: FormattedExecutionResult): string {
  return JSON.stringify(value) + '\n';
}

function response(result: FormattedExecutionResult): GraphQLResponse {
  return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: result } };
}
