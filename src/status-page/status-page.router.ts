import { Router, type Request, type Response } from 'express';
import { SERVICE_UNAVAILABLE } from '../db/database-errors';
import type { Logger } from '../observability/logger';
import { renderStatusPage } from './status-page.html';
import type { StatusPageService, StatusSnapshot } from './status-page.service';
import { renderAtomFeed } from './status-feed.atom';
import { incidentsJson, statusJson, summaryJson, unresolvedJson, type PageInfo } from './statuspage-json';

/** What the public status page needs: its snapshot, its name and where it lives. */
export interface StatusPageDeps {
  statusPage: Pick<StatusPageService, 'snapshot'>;
  title: string;
  cacheSeconds: number;
  /** PUBLIC_URL; unset: links are built from the request's own host. */
  publicUrl: string | undefined;
  log: Logger;
}

/**
 * The public status page: `/status` (HTML, no script), `/status/feed.atom`, and the
 * Statuspage-compatible JSON under `/api/v2/` (an unknown path there gets the server's JSON 404).
 * No login; nothing internal is ever read. A read that fails answers 503 with Retry-After.
 */
export function statusPageRouter(deps: StatusPageDeps): Router {
  const router = Router();
  const info = (req: Request): PageInfo => ({ name: deps.title, baseUrl: deps.publicUrl ?? `${req.protocol}://${req.get('host')}` });
  const serve =
    (type: string, render: (snapshot: StatusSnapshot, info: PageInfo) => string | object, cors = false) =>
    async (req: Request, res: Response) => {
      try {
        const snapshot = await deps.statusPage.snapshot();
        res.set('Cache-Control', `public, max-age=${deps.cacheSeconds}`);
        // Status widgets and aggregators read the JSON from other origins; it holds nothing private.
        if (cors) res.set('Access-Control-Allow-Origin', '*');
        const body = render(snapshot, info(req));
        res.type(type).send(typeof body === 'string' ? body : JSON.stringify(body));
      } catch (error) {
        deps.log.warn({ err: error }, 'status page: could not read the public incidents');
        res.status(503).set('Retry-After', '5');
        if (type === 'json') res.json({ errors: [{ message: 'the status page is temporarily unavailable', extensions: { code: SERVICE_UNAVAILABLE } }] });
        else res.type('text/plain').send('The status page is temporarily unavailable; try again in a few seconds.\n');
      }
    };
  router.get('/status', serve('html', renderStatusPage));
  router.get('/status/feed.atom', serve('application/atom+xml; charset=utf-8', renderAtomFeed));
  router.get('/api/v2/status.json', serve('json', statusJson, true));
  router.get('/api/v2/summary.json', serve('json', summaryJson, true));
  router.get('/api/v2/incidents.json', serve('json', incidentsJson, true));
  router.get('/api/v2/incidents/unresolved.json', serve('json', unresolvedJson, true));
  return router;
}
