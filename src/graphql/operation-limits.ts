import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  getNullableType,
  GraphQLError,
  getOperationAST,
  isListType,
  parse,
  TypeInfo,
  ValidationContext,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { OperationLimitsConfig } from '../config/config';

/** Which limit an operation broke, and its figure; sent as `extensions.limit`. */
export interface LimitBreach {
  name: 'maxTokens' | 'maxDepth' | 'maxAliases' | 'maxRootFields' | 'maxCost' | 'maxNodes';
  max: number;
  /** The operation's figure. For maxTokens and maxNodes, a lower bound: counting stopped past the limit. */
  actual: number;
}

/**
 * Declared sizes of list fields without a `first` argument, and of lists that
 * a parent's `first` already counted (a connection's `edges`). Others get
 * `defaultListSize`.
 */
const LIST_SIZES: Readonly<Record<string, number>> = {
  'IncidentConnection.edges': 1,
  // All four roles, always.
  'Incident.roles': 4,
  'Postmortem.checklist': 8,
};

/**
 * Declared costs of fields that do much more work than reading a column:
 * each is counted as this many fields, before its own selection.
 */
const FIELD_COSTS: Readonly<Record<string, number>> = {
  // Aggregates over every incident in the range (several SQL statements).
  'Query.incidentMetrics': 100,
  // The stored snapshot and update log are read and replayed.
  'Incident.document': 20,
  'Postmortem.markdown': 20,
  'Postmortem.findings': 10,
  'Incident.activeEditors': 5,
};

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * Parses an operation, giving up after `maxTokens` tokens (graphql-js counts
 * them as it goes), so that a huge document costs little before it is refused.
 * A syntax error is thrown as graphql-js throws it.
 */
export function parseWithinLimits(source: string, limits: OperationLimitsConfig): { document: DocumentNode } | { breach: LimitBreach } {
  try {
    return { document: parse(source, { maxTokens: limits.maxTokens }) };
  } catch (error) {
    // graphql-js 16 writes "more that"; 17 may fix the typo.
    if (error instanceof GraphQLError && /contains more tha[nt] \d+ tokens/.test(error.message)) {
      return { breach: { name: 'maxTokens', max: limits.maxTokens, actual: limits.maxTokens + 1 } };
    }
    throw error;
  }
}

/** The figures of one operation; the ones not reached (a limit broke first) are absent. */
export interface OperationFigures {
  depth: number;
  aliases?: number;
  rootFields?: number;
  cost?: number;
}

/**
 * Runs one armor rule over `document`. Its visitor only needs the fragments, so a plain visit does,
 * without the type information a full `validate` computes for every node (a third of the time on
 * a large document).
 */
function measureWith(schema: GraphQLSchema, document: DocumentNode, rule: ValidationRule): void {
  const context = new ValidationContext(schema, document, new TypeInfo(schema), () => undefined);
  visit(document, rule(context));
}

/**
 * Measures `document` and returns the first limit it breaks, or null.
 * Runs before graphql-js validation and execution: the measures are linear in
 * the document (graphql-armor memoizes fragments; graphql-query-complexity
 * stops after `maxNodes` expanded fields), so a query built to explode costs
 * milliseconds here and nothing further.
 *
 * Cost: every field counts 1 (or its declared cost), plus its selection's
 * cost times the field's size: `first` where the field takes one, the list's
 * declared size, or `defaultListSize` for other list fields.
 */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: OperationLimitsConfig,
  variables?: Record<string, unknown> | null,
  operationName?: string | null,
  figures: Partial<OperationFigures> = {},
): LimitBreach | null {
  // The armor rules report their figure through onAccept; with no cap of their own they always accept,
  // and the comparison is made here so that the breach carries the figure.
  let depth = 0;
  measureWith(schema, document, maxDepthRule({ n: Number.MAX_SAFE_INTEGER, flattenFragments: true, propagateOnRejection: false, onAccept: [(_c, { n }) => (depth = Math.max(depth, n))] }));
  figures.depth = depth;
  if (depth > limits.maxDepth) return { name: 'maxDepth', max: limits.maxDepth, actual: depth };

  let aliases = 0;
  measureWith(schema, document, maxAliasesRule({ n: Number.MAX_SAFE_INTEGER, propagateOnRejection: false, onAccept: [(_c, { n }) => (aliases = Math.max(aliases, n))] }));
  figures.aliases = aliases;
  if (aliases > limits.maxAliases) return { name: 'maxAliases', max: limits.maxAliases, actual: aliases };

  // An unknown or ambiguous operation name: execution refuses it without running anything.
  if (!getOperationAST(document, operationName)) return null;
  let rootFields = 0;
  const estimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
    const coordinate = `${type.name}.${field.name}`;
    if (ROOT_TYPES.has(type.name)) rootFields += 1;
    const size =
      typeof args.first === 'number' ? Math.max(args.first, 0) : isListType(getNullableType(field.type)) ? (LIST_SIZES[coordinate] ?? limits.defaultListSize) : 1;
    return (FIELD_COSTS[coordinate] ?? 1) + size * childComplexity;
  };
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables: variables ?? undefined,
      operationName: operationName ?? undefined,
      estimators: [estimator],
      maxQueryNodes: limits.maxNodes,
    });
  } catch (error) {
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) {
      return { name: 'maxNodes', max: limits.maxNodes, actual: limits.maxNodes };
    }
    // Variables that do not fit the operation: execution refuses them without touching the database.
    if (error instanceof GraphQLError) return null;
    throw error;
  }
  figures.rootFields = rootFields;
  figures.cost = cost;
  if (rootFields > limits.maxRootFields) return { name: 'maxRootFields', max: limits.maxRootFields, actual: rootFields };
  if (cost > limits.maxCost) return { name: 'maxCost', max: limits.maxCost, actual: cost };
  return null;
}

const DESCRIPTION: Record<LimitBreach['name'], string> = {
  maxTokens: 'is too long',
  maxDepth: 'is nested too deeply',
  maxAliases: 'uses too many aliases',
  maxRootFields: 'asks for too many root fields',
  maxCost: 'is too expensive',
  maxNodes: 'expands to too many fields',
};

/**
 * The BAD_USER_INPUT error for a breach; `extensions.limit` names the limit and the operation's figure.
 * `httpStatus` is for Apollo, which takes the response status from it and strips it from the body.
 */
export function limitError(breach: LimitBreach, httpStatus?: number): GraphQLError {
  const figure = breach.name === 'maxNodes' || breach.name === 'maxTokens' ? `more than ${breach.max}` : `${breach.actual}, at most ${breach.max}`;
  return new GraphQLError(`The operation ${DESCRIPTION[breach.name]} (${breach.name}: ${figure}); ask for less per request`, {
    extensions: { code: 'BAD_USER_INPUT', limit: breach, ...(httpStatus ? { http: { status: httpStatus } } : {}) },
  });
}

/**
 * A bounded memo of verdicts: the console sends the same few operations with
 * the same variables over and over, and their verdict does not change.
 * Oldest first out.
 */
export class VerdictCache<K> {
  private readonly verdicts = new Map<K, LimitBreach | null>();

  constructor(private readonly size = 1000) {}

  /** The verdict for `key`, computed by `check` the first time. */
  get(key: K, check: () => LimitBreach | null): LimitBreach | null {
    if (this.verdicts.has(key)) return this.verdicts.get(key)!;
    const verdict = check();
    if (this.verdicts.size >= this.size) this.verdicts.delete(this.verdicts.keys().next().value as K);
    this.verdicts.set(key, verdict);
    return verdict;
  }
}

/**
 * Checks every HTTP operation Apollo runs, once its operation is resolved and
 * before any resolver runs. New documents were already checked before Apollo
 * parsed and validated them (server/operation-limits-middleware.ts); this
 * catches the rest: automatic persisted queries sent by hash alone, with
 * variables of their own.
 */
export function operationLimitsPlugin(limits: OperationLimitsConfig): ApolloServerPlugin<BaseContext> {
  // Apollo hands out the same document object for the same query text (its document cache).
  const verdicts = new WeakMap<DocumentNode, VerdictCache<string>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          let cache = verdicts.get(document);
          if (!cache) verdicts.set(document, (cache = new VerdictCache(100)));
          const key = `${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
          const breach = cache.get(key, () => checkOperationLimits(schema, document, limits, request.variables, request.operationName));
          if (breach) throw limitError(breach, 400);
        },
      };
    },
  };
}
