import type { RequestHandler } from 'express';
import Negotiator from 'negotiator';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { OperationLimitsConfig } from '../config/config';
import { checkOperationLimits, limitError, parseWithinLimits, VerdictCache } from '../graphql/operation-limits';

const APPLICATION_JSON = 'application/json';
const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/**
 * Refuses an HTTP GraphQL operation over the limits before Apollo sees it.
 * Apollo validates a new document before any plugin can refuse it, and
 * graphql-js validation alone takes seconds on a document built to be
 * expensive (1,000 aliases); the limits are linear and come first here, and
 * parsing stops at `maxTokens`. Verdicts on short operations are remembered
 * (the console repeats the same few), so a repeated one is not parsed twice.
 * Anything this cannot read (no query text, unparsable variables, a syntax
 * error) goes on to Apollo, which answers it, and whose plugin checks the
 * limits again once the operation is resolved.
 */
export function operationLimitsMiddleware(
  schema: GraphQLSchema,
  limits: OperationLimitsConfig,
  format: (error: GraphQLError) => GraphQLFormattedError,
): RequestHandler {
  const verdicts = new VerdictCache<string>(1000);
  return (req, res, next) => {
    const source = req.method === 'GET' ? readGet(req.query) : readBody(req.body);
    if (!source) return next();
    // Only short texts are remembered: a key is the whole text, and long ones are rare and expensive anyway.
    const check = () => {
      let parsed: ReturnType<typeof parseWithinLimits>;
      try {
        parsed = parseWithinLimits(source.query, limits);
      } catch {
        return null;
      }
      return 'breach' in parsed ? parsed.breach : checkOperationLimits(schema, parsed.document, limits, source.variables, source.operationName);
    };
    const key = `${source.operationName ?? ''}\n${JSON.stringify(source.variables ?? {})}\n${source.query}`;
    const breach = key.length <= 4096 ? verdicts.get(key, check) : check();
    if (!breach) return next();
    // As graphql-over-http.ts answers Apollo's request errors: 200 for application/json, 400 for the newer media type.
    const mediaType = req.headers.accept ? new Negotiator(req).mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON]) : APPLICATION_JSON;
    res
      .status(mediaType === GRAPHQL_RESPONSE_JSON ? 400 : 200)
      .type(mediaType === GRAPHQL_RESPONSE_JSON ? GRAPHQL_RESPONSE_JSON : APPLICATION_JSON)
      .send(JSON.stringify({ errors: [format(limitError(breach))] }));
  };
}

interface Source {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

function readBody(body: unknown): Source | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string') return null;
  return {
    query,
    variables: typeof variables === 'object' && variables !== null ? (variables as Record<string, unknown>) : undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
  };
}

function readGet(params: Record<string, unknown>): Source | null {
  if (typeof params.query !== 'string') return null;
  let variables: Record<string, unknown> | undefined;
  if (typeof params.variables === 'string') {
    try {
      variables = JSON.parse(params.variables) as Record<string, unknown>;
    } catch {
      return null;
    }
  }
  return { query: params.query, variables, operationName: typeof params.operationName === 'string' ? params.operationName : undefined };
}
