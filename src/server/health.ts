import express, { type Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';

/**
 * `/healthz` (the process answers), `/readyz` (the database answers and no
 * migration is pending) and `/metrics` (Prometheus). Unauthenticated, so they
 * say nothing about hosts or users.
 */
export function healthRouter(dataSource: DataSource, metrics: Metrics, log: Logger): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await dataSource.query('SELECT 1');
      const pending = await dataSource.showMigrations();
      if (pending) {
        res.status(503).json({ status: 'migrations pending' });
        return;
      }
      res.json({ status: 'ready' });
    } catch (error) {
      // The detail goes to the log: /readyz is unauthenticated and the driver's message names hosts and users.
      log.warn({ err: error }, 'readiness check: database unreachable');
      res.status(503).json({ status: 'database unreachable' });
    }
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
