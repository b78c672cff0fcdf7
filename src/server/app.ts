import type { AddressInfo } from 'node:net';
import { resolveJwtSecret } from '../auth/token.service';
import type { Config } from '../config/config';
import type { DatabaseHandle } from '../db/database';
import { createLogger, type Logger } from '../observability/logger';
import { Metrics } from '../observability/metrics';
import { contextFactory } from './graphql-context';
import { createHttpServer } from './http';
import { openStorage, shutdownInOrder } from './lifecycle';
import { loaderFactory } from './modules';
import { createSharedReads } from './read-sharing';
import { buildSitrepSchema } from './schema';
import { createServices, type Services } from './services';
import { attachWebSockets } from './websockets';

/** A started Sitrep server. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  services: Services;
  /** Stops accepting, drains, closes sockets, the pool and the embedded database. */
  close(): Promise<void>;
}

/**
 * Starts Sitrep: storage (database, migrations, pub/sub: lifecycle.ts), first
 * admin, then one HTTP server for GraphQL over HTTP (http.ts) and graphql-ws
 * (websockets.ts), health and metrics (health.ts), webhooks, the
 * collaboration socket and the web console.
 */
export async function startServer(
  config: Config,
  log: Logger = createLogger(config.logLevel),
  /** A database already being opened (main.ts starts it before loading this module); else opened here. */
  opening?: Promise<DatabaseHandle>,
): Promise<RunningServer> {
  const metrics = new Metrics();
  const { database, dataSource, pubsub } = await openStorage(config, log, metrics, opening);
  const services = createServices({ config, log, metrics, dataSource, pubsub, jwtSecret: resolveJwtSecret(config.jwtSecret, config.dataDir) });
  await services.users.bootstrapAdmin(config.bootstrapAdminEmail, config.bootstrapAdminPassword);

  const schema = await buildSitrepSchema();
  const contextFor = contextFactory(services, pubsub, loaderFactory(dataSource, services.documents, config.changeWindowSeconds));
  const sharedReads = createSharedReads({ schema, config, metrics, uow: services.uow, pubsub });
  const { httpServer, apollo, trustProxy } = await createHttpServer({ config, log, metrics, services, schema, contextFor, sharedReads });
  const sockets = attachWebSockets({ httpServer, config, log, metrics, services, pubsub, schema, contextFor, trustProxy });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  log.info({ phase: 'listening', port }, `Sitrep listening on http://localhost:${port}`);
  await services.overdueSweep.start();
  // Outgoing webhooks: sends what the outbox holds, including what a previous run left.
  services.webhookWorker.start();

  const close = shutdownInOrder(log, [
    ['websocket upgrades', () => sockets.stopAccepting()],
    // graphql-ws closes each client with 1001 Going Away.
    ['graphql-ws', () => sockets.dispose()],
    // Closes every document socket with 1001 and stores every pending edit before the pool goes.
    ['collaboration', () => services.collab.close()],
    ['http drain', () => apollo.stop()],
    ['overdue sweep', () => services.overdueSweep.stop()],
    ['outgoing webhooks', () => services.webhookWorker.close()],
    ['pubsub', () => pubsub.close()],
    ['login limits', () => services.loginThrottle.close()],
    ['database pool', () => dataSource.destroy()],
    ['database', () => database.stop()],
  ]);
  return { url: `http://127.0.0.1:${port}`, port, services, close };
}
