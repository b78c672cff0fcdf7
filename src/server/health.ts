import express, { type Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';

/**
 * `/healthz` (the process answers), `/readyz` (the database answers within
 * `readinessMs` and no migration is pending) and `/metrics` (Prometheus).
 * Unauthenticated, so they say nothing about hosts or users.
 */
export function healthRouter(dataSource: DataSource, metrics: Metrics, log: Logger, readinessMs: number): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    // Bounded: a frozen database (SIGSTOP, a black-holed network) must not hang the probe that would take us out of rotation.
    const probe = (async () => {
      await dataSource.query('SELECT 1');
      return (await dataSource.showMigrations()) ? 'migrations pending' : 'ready';
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), readinessMs);
    });
    try {
      const outcome = await Promise.race([probe, timeout]);
      if (outcome === 'ready') res.json({ status: 'ready' });
      else if (outcome === 'timeout') {
        log.warn({ timeoutMs: readinessMs }, 'readiness check: the database did not answer in time');
        res.status(503).json({ status: 'database not answering' });
      } else res.status(503).json({ status: outcome });
    } catch (error) {
      // The detail goes to the log: /readyz is unauthenticated and the driver's message names hosts and users.
      log.warn({ err: error }, 'readiness check: database unreachable');
      res.status(503).json({ status: 'database unreachable' });
    } finally {
      clearTimeout(timer);
      probe.catch(() => undefined);
    }
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
