import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ErrorCode } from '../common/errors';
import type { Logger } from '../observability/logger';

/** What body-parser attaches to the errors it raises. */
interface HttpError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  limit?: number;
}

/**
 * The last express middleware: turns errors raised before a handler answers
 * (a body that is not JSON, or one over the size limit) into a GraphQL-shaped
 * JSON error with a contract code. Express's default handler answers with an
 * HTML page that, unless NODE_ENV=production, carries the stack trace.
 */
export function httpErrorHandler(log: Logger): ErrorRequestHandler {
  return (error: HttpError, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = error.status ?? error.statusCode ?? 500;
    if (status >= 500) {
      log.error({ err: error }, 'unexpected error in an HTTP request');
      res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      return;
    }
    const message =
      error.type === 'entity.too.large'
        ? `request body must be at most ${error.limit} bytes`
        : error.type === 'entity.parse.failed'
          ? 'request body is not valid JSON'
          : error.message;
    res.status(status).json({ errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT } }] });
  };
}

/**
 * After every route: an unknown path answers a JSON 404 with the contract's
 * NOT_FOUND code, never Express's HTML page, which API clients (and pdjs)
 * fail to parse.
 */
export function notFoundHandler(): RequestHandler {
  return (req, res) => {
    res.status(404).json({ errors: [{ message: `no route for ${req.method} ${req.path}`, extensions: { code: ErrorCode.NOT_FOUND } }] });
  };
}
