import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { Counter } from 'prom-client';
import type { Authenticate } from '../auth/auth.service';
import { DomainError, ErrorCode } from '../common/errors';
import { unstorableTextError } from '../db/unstorable-text';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { AlertIntakeService } from './alert-intake.service';
import { AlertSource } from './alert-status.enum';
import { isGrafanaPayload, parseAlertmanagerPayload, type SeverityMapping } from './alertmanager.payload';
import { InvalidPagerDutyEvent, parsePagerDutyEvent } from './pagerduty.payload';
import { InvalidChangeEvent, parseChangeEvent } from '../changes/change-event.payload';
import type { ChangeService } from '../changes/change.service';

/** The largest webhook body taken; Alertmanager's max_alerts keeps real ones far below. */
export const WEBHOOK_BODY_LIMIT = '1mb';

/** The deepest JSON nesting taken; real payloads nest a handful of levels (custom_details a few more). */
export const WEBHOOK_MAX_DEPTH = 32;

/** True when `value` nests objects or arrays deeper than `max` levels (walked without recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.CONFLICT]: 409,
};

type Dialect = 'alertmanager' | 'grafana' | 'pagerduty';

/** What the webhooks use, and nothing more: the one authentication check, alert intake, the severity mapping, metrics and the log. */
export interface WebhookServices {
  authenticate: Authenticate;
  alerts: Pick<AlertIntakeService, 'ingest' | 'acknowledgeAtSource'>;
  changes: Pick<ChangeService, 'record'>;
  config: SeverityMapping;
  metrics: Pick<Metrics, 'registry'>;
  log: Logger;
}

/** The JSON error body, in the dialect of the endpoint (PagerDuty clients parse PagerDuty's shape). */
function errorBody(dialect: Dialect, status: number, message: string, errors: string[]) {
  if (dialect === 'pagerduty') return { status: status === 400 ? 'invalid event' : 'error', message, errors };
  const code = Object.entries(HTTP_STATUS).find(([, s]) => s === status)?.[0];
  return { status: 'error', ...(code ? { code } : {}), message, errors };
}

/**
 * `/webhooks`: alert intake from Prometheus Alertmanager (`POST /alertmanager`,
 * `Authorization: Bearer <API token>`), from Grafana Alerting's webhook
 * contact point (`POST /grafana`, or detected on `/alertmanager`) and from anything that speaks the
 * PagerDuty Events API v2 (`POST /pagerduty/v2/enqueue`, the API token as
 * `routing_key`). JSON bodies up to 1 MiB, parsed whatever the content type.
 * Every error is JSON naming the problem: 400 for bad input (malformed JSON,
 * wrong version, missing fields, too large), 401 for a bad or revoked token.
 *
 * PagerDuty actions, with people owning the incident's status and command:
 * `trigger` opens an incident (or is deduplicated into the open one);
 * `acknowledge` is noted on the timeline once, and changes neither status nor
 * commander (a person runs acknowledgeIncident); `resolve` marks the alert
 * resolved and records it, and the incident stays open for people to resolve.
 */
export function webhooksRouter(services: WebhookServices): Router {
  const router = express.Router();
  const parse = express.json({ limit: WEBHOOK_BODY_LIMIT, strict: true, type: () => true });
  // A body nested thousands deep parsed fine and then overflowed the stack of whatever walked it
  // (storing it as jsonb, logging it): a 500 the sender retried forever. It is the sender's 400.
  const json: RequestHandler = (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (!nestedDeeperThan(req.body, WEBHOOK_MAX_DEPTH)) return next();
      sendError(res, res.locals.dialect ?? 'alertmanager', 400, `the JSON body is nested deeper than ${WEBHOOK_MAX_DEPTH} levels`);
    });

  const mapping = services.config;
  const deliveries = new Counter({
    name: 'sitrep_alert_deliveries_total',
    help: 'Webhook deliveries, by sender and outcome (created, updated, unchanged, ignored, rejected).',
    labelNames: ['source', 'outcome'] as const,
    registers: [services.metrics.registry],
  });

  const sendError = (res: Response, dialect: Dialect, status: number, message: string, errors: string[] = [message]) => {
    deliveries.inc({ source: dialect, outcome: 'rejected' });
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(status).json(errorBody(dialect, status, message, errors));
  };
  const dialect = (name: Dialect) => (_req: Request, res: Response, next: NextFunction) => {
    res.locals.dialect = name;
    next();
  };

  /** Alertmanager's webhook shape: Alertmanager itself, or a Grafana contact point ("Authorization header" set to the token). */
  const alertmanagerShaped = (path: string, expected: 'alertmanager' | 'grafana') =>
    router.post(
      path,
      dialect(expected),
      // The token is checked before a megabyte of body is read and parsed for nobody.
      async (req, res, next) => {
        const result = await services.authenticate({ header: req.headers.authorization });
        const setting = expected === 'grafana' ? 'the contact point\'s Authorization header, scheme Bearer, in Grafana' : 'http_config.authorization in Alertmanager';
        if (!result) return sendError(res, expected, 401, `Authorization: Bearer <API token> is required (${setting})`);
        if (!result.ok) return sendError(res, expected, 401, result.reason);
        res.locals.caller = result.caller;
        next();
      },
      json,
      async (req, res) => {
        // A Grafana contact point pointed at the Alertmanager endpoint is read as Grafana.
        const from = expected === 'grafana' || isGrafanaPayload(req.body) ? 'grafana' : 'alertmanager';
        res.locals.dialect = from;
        const delivery = parseAlertmanagerPayload(req.body, mapping, from);
        const result = await services.alerts.ingest(res.locals.caller, delivery);
        deliveries.inc({ source: from, outcome: result.outcome });
        res.status(200).json({ status: 'success', outcome: result.outcome, incidentId: result.incidentId });
      },
    );
  alertmanagerShaped('/alertmanager', 'alertmanager');
  alertmanagerShaped('/grafana', 'grafana');

  router.post('/pagerduty/v2/enqueue', dialect('pagerduty'), json, async (req, res) => {
    const event = parsePagerDutyEvent(req.body, mapping);
    const auth = await services.authenticate({ token: event.routingKey });
    if (!auth?.ok) return sendError(res, 'pagerduty', 401, `routing_key is not a valid API token: ${auth?.reason ?? 'it is empty'}`);
    const result =
      event.action === 'acknowledge'
        ? await services.alerts.acknowledgeAtSource(auth.caller, AlertSource.PagerDuty, event.dedupKey, event.dedupKey)
        : await services.alerts.ingest(auth.caller, event.delivery);
    deliveries.inc({ source: 'pagerduty', outcome: result.outcome });
    // PagerDuty's own answer, which its client libraries check.
    res.status(202).json({ status: 'success', message: 'Event processed', dedup_key: event.dedupKey });
  });

  // PagerDuty Change Events v2 (pdjs's change()): stored, and shown as recentChanges of the incidents around them.
  router.post('/pagerduty/v2/change/enqueue', dialect('pagerduty'), json, async (req, res) => {
    const event = parseChangeEvent(req.body);
    const auth = await services.authenticate({ token: event.routingKey });
    if (!auth?.ok) return sendError(res, 'pagerduty', 401, `routing_key is not a valid API token: ${auth?.reason ?? 'it is empty'}`);
    await services.changes.record(auth.caller, event);
    deliveries.inc({ source: 'pagerduty-change', outcome: 'created' });
    res.status(202).json({ status: 'success', message: 'Change event processed' });
  });

  router.all(['/alertmanager', '/grafana', '/pagerduty/v2/enqueue', '/pagerduty/v2/change/enqueue'], (req, res) => {
    res.setHeader('Allow', 'POST');
    res.status(405).json({ status: 'error', message: `${req.method} is not allowed here; senders POST a JSON body` });
  });
  // Express would answer an unknown path with an HTML page, which senders' clients cannot parse.
  router.use((req, res) => {
    const from: Dialect = req.path.startsWith('/pagerduty/') ? 'pagerduty' : 'alertmanager';
    sendError(res, from, 404, `no webhook at ${req.method} /webhooks${req.path}; see the README for the endpoints`);
  });

  router.use((raised: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(raised);
    const error = unstorableTextError(raised) ?? raised;
    const from: Dialect = res.locals.dialect ?? 'alertmanager';
    const parserError = error as { type?: string; status?: number; message?: string };
    if (error instanceof InvalidPagerDutyEvent || error instanceof InvalidChangeEvent) return sendError(res, 'pagerduty', 400, error.message, error.errors);
    if (error instanceof DomainError) {
      const errors = Array.isArray(error.details?.errors) ? (error.details.errors as string[]) : [error.message];
      return sendError(res, from, HTTP_STATUS[error.code], error.message, errors);
    }
    if (parserError.type === 'entity.too.large') return sendError(res, from, 400, 'the body is larger than the 1 MiB limit');
    if (parserError.type === 'entity.parse.failed') return sendError(res, from, 400, `malformed JSON: ${parserError.message}`);
    if (parserError.status && parserError.status >= 400 && parserError.status < 500) {
      return sendError(res, from, 400, `unreadable body: ${parserError.message}`);
    }
    services.log.error({ err: error }, 'webhook delivery failed');
    // 5xx: Alertmanager and PagerDuty clients retry, and nothing was written (one transaction).
    sendError(res, from, 500, 'internal error; the delivery was not recorded, retry it');
  });
  return router;
}
