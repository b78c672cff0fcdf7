import type { RequestHandler } from 'express';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { OperationLimitsConfig } from '../config/config';
import { checkOperationLimits, limitError, parseWithinLimits } from '../graphql/operation-limits';

/**
 * Refuses an HTTP GraphQL operation over the limits before Apollo sees it.
 * Apollo validates a new document before any plugin can refuse it, and
 * graphql-js validation alone takes seconds on a document built to be
 * expensive (1,000 aliases); the limits are linear and come first here, and
 * parsing stops at `maxTokens`.
 * Anything this cannot read (no query text, unparsable variables, a syntax
 * error) goes on to Apollo, which answers it, and whose plugin checks the
 * limits again once the operation is resolved.
 */
export function operationLimitsMiddleware(
  schema: GraphQLSchema,
  limits: OperationLimitsConfig,
  format: (error: GraphQLError) => GraphQLFormattedError,
): RequestHandler {
  return (req, res, next) => {
    const source = req.method === 'GET' ? readGet(req.query) : readBody(req.body);
    if (!source) return next();
    let parsed: ReturnType<typeof parseWithinLimits>;
    try {
      parsed = parseWithinLimits(source.query, limits);
    } catch {
      return next();
    }
    const breach = 'breach' in parsed ? parsed.breach : checkOperationLimits(schema, parsed.document, limits, source.variables, source.operationName);
    if (!breach) return next();
    res.status(400).json({ errors: [format(limitError(breach))] });
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
