import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import compression from 'compression';
import express from 'express';
import { GraphQLError, parse } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { webhooksRouter } from '../alerts/alerts.module';
import type { Caller } from '../auth/caller';
import { resolveJwtSecret } from '../auth/token.service';
import type { Config } from '../config/config';
import { openDatabase, type DatabaseHandle } from '../db/database';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, SERVICE_UNAVAILABLE } from '../db/database-errors';
import { createDataSource } from '../db/data-source';
import { runMigrations } from '../db/migrate';
import { QueryLogger } from '../db/query-logger';
import { InProcessPubSub, type PubSub } from '../events/pubsub';
import { RedisPubSub } from '../events/redis-pubsub';
import type { GraphQLContext } from '../graphql/context';
import { formatError } from '../graphql/format-error';
import { graphqlOverHttpPlugin } from '../graphql/graphql-over-http';
import { extraValidationRules, validateWith, withoutSuggestions } from '../graphql/validation-rules';
import { createLogger, type Logger } from '../observability/logger';
import { Metrics } from '../observability/metrics';
import { clientAddress, type TrustProxyFn } from './client-address';
import { httpErrorHandler, notFoundHandler } from './http-errors';
import { entities, loaderFactory, topics } from './modules';
import { buildSitrepSchema } from './schema';
import { createServices, type Services } from './services';
import { UpgradeRouter } from './upgrade-router';
import { followUserChanges, UserSockets } from './user-sockets';
import { vendorRouter } from './vendor';

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
 * Starts Sitrep: database (embedded unless DATABASE_URL), migrations, first
 * admin, then one HTTP server for GraphQL (HTTP and graphql-ws), health,
 * metrics, webhooks, the collaboration socket and the web console.
 */
export async function startServer(config: Config, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const metrics = new Metrics();
  const database: DatabaseHandle = await openDatabase(config.databaseUrl, config.dataDir, log);
  const dataSource = createDataSource(database.url, entities, new QueryLogger(log, metrics), config.timeouts);
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    log.info(
      { phase: 'migrations', applied: applied.map((m) => m.name) },
      applied.length ? `migrations: applied ${applied.length}` : 'migrations: schema up to date',
    );
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    await database.stop();
    throw error;
  }
  const pubsub: PubSub = config.redisUrl ? await RedisPubSub.connect(config.redisUrl, topics, log, config.redisPrefix) : new InProcessPubSub();
  const services = createServices({ config, log, metrics, dataSource, pubsub, jwtSecret: resolveJwtSecret(config.jwtSecret, config.dataDir) });
  await services.users.bootstrapAdmin(config.bootstrapAdminEmail, config.bootstrapAdminPassword);
  const createLoaders = loaderFactory(dataSource, services.documents, config.changeWindowSeconds);

  const schema = await buildSitrepSchema();
  const app = express();
  app.disable('x-powered-by');
  // Off by default: behind no proxy, a client could otherwise pick its own address for the login limits.
  app.set('trust proxy', config.trustProxy);
  const trustProxy = app.get('trust proxy fn') as TrustProxyFn;
  // gzip/deflate for every HTTP answer the client accepts it for, above 1 KB: the console's modules
  // (~0.7 MB with /vendor) shrink about fourfold. Upgrades (graphql-ws, /collab/) never reach express.
  // Prometheus asks for gzip itself; Apollo's and the webhooks' small JSON stay below the threshold.
  app.use(compression());
  const httpServer = http.createServer(app);
  const upgrades = new UpgradeRouter(log);
  httpServer.on('upgrade', (req, socket, head) => upgrades.route(req, socket as Socket, head));

  // graphql-ws on /graphql: the token travels in connection params and is checked at connection init.
  const graphqlWss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  upgrades.add('/graphql', (req, socket, head) =>
    graphqlWss.handleUpgrade(req, socket, head, (ws) => graphqlWss.emit('connection', ws, req)),
  );
  // The live incident documents: /collab/<incidentId>?token=<token>, the y-websocket protocol.
  upgrades.add('/collab/', (req, socket, head) => services.collab.handleUpgrade(req, socket, head));
  graphqlWss.on('connection', (ws) => {
    metrics.websocketConnections.inc({ endpoint: 'graphql' });
    ws.once('close', () => metrics.websocketConnections.dec({ endpoint: 'graphql' }));
  });
  const includeStack = config.nodeEnv === 'development';
  const introspection = config.graphqlIntrospection;
  const validationRules = extraValidationRules({ introspection });
  const format = (e: GraphQLError) => {
    const formatted = formatError(e.toJSON(), e, { log, includeStack });
    return introspection ? formatted : { ...formatted, message: withoutSuggestions(formatted.message) };
  };
  // Open graphql-ws sockets by user, so that a deactivation or password change closes them at once.
  const graphqlSockets = new UserSockets();
  const wsServer = useServer<Record<string, unknown> | undefined, { caller?: Caller; header?: string }>(
    {
      schema,
      validate: validateWith(validationRules),
      onConnect: async (ctx) => {
        const param = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const header = typeof param === 'string' ? param : undefined;
        const result = await services.auth.fromHeader(header);
        if (!result?.ok) return false;
        ctx.extra.caller = result.caller;
        ctx.extra.header = header;
        graphqlSockets.add(result.caller.userId, ctx.extra.socket);
        return true;
      },
      // graphql-ws parses outside its error handling: a syntax error closed the whole socket with
      // 4500, ending every other subscription of that client. Answer it as this operation's error.
      onSubscribe: async (ctx, _id, payload) => {
        // The caller is read again for each operation, as over HTTP: a role changed since the socket
        // opened applies to its next operation.
        const result = await services.auth.fromHeader(ctx.extra.header);
        if (!result?.ok) {
          const reason = result?.reason ?? 'unauthenticated';
          ctx.extra.socket.close(4401, reason.slice(0, 120));
          return [new GraphQLError(reason, { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        ctx.extra.caller = result.caller;
        try {
          parse(payload.query);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        return undefined;
      },
      context: (ctx): GraphQLContext => ({
        caller: ctx.extra.caller ?? null,
        services,
        loaders: createLoaders(),
        createLoaders,
        events: pubsub,
        clientIp: clientAddress(ctx.extra.request, trustProxy),
      }),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => format(e as GraphQLError)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => format(e as GraphQLError)) as never,
    },
    graphqlWss,
  );

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    // Queries over GET work for every client with its defaults (urql sends GET). No CSRF exposure:
    // Sitrep reads only the Authorization header, never cookies, which a cross-site page cannot
    // set; and Apollo refuses mutations over GET (405) whatever this setting.
    csrfPrevention: false,
    // main.ts owns the signals and stops everything in order.
    stopOnTerminationSignals: false,
    // Off in production (GRAPHQL_INTROSPECTION): the schema and its "did you mean" hints are no business of anonymous callers.
    introspection,
    hideSchemaDetailsFromClientErrors: !introspection,
    validationRules,
    includeStacktraceInErrorResponses: includeStack,
    formatError: (formatted, error) => formatError(formatted, error, { log, includeStack }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      graphqlOverHttpPlugin(),
      {
        async requestDidStart() {
          const started = process.hrtime.bigint();
          return {
            async willSendResponse({ operation, errors, response }) {
              // A request the database could not serve is the server's 503, so that clients and proxies retry it.
              const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
              if (body?.errors?.some((e) => e.extensions?.code === SERVICE_UNAVAILABLE)) {
                response.http.status = 503;
                response.http.headers.set('retry-after', '1');
              }
              const type = operation?.operation ?? 'unknown';
              metrics.graphqlOperations.inc({ type, outcome: errors?.length ? 'error' : 'ok' });
              metrics.graphqlDuration.observe({ type }, Number(process.hrtime.bigint() - started) / 1e9);
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  const userChanges = new AbortController();
  followUserChanges(pubsub, graphqlSockets, services.collab, log, userChanges.signal);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    // Bounded: a frozen database (SIGSTOP, a black-holed network) must not hang the probe that would take us out of rotation.
    const probe = (async () => {
      await dataSource.query('SELECT 1');
      return (await dataSource.showMigrations()) ? 'migrations pending' : 'ready';
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), config.timeouts.readinessMs);
    });
    try {
      const outcome = await Promise.race([probe, timeout]);
      if (outcome === 'ready') res.json({ status: 'ready' });
      else if (outcome === 'timeout') {
        log.warn({ timeoutMs: config.timeouts.readinessMs }, 'readiness check: the database did not answer in time');
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
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  // Exactly /graphql: a path under it is an unknown route (a JSON 404), not Apollo's landing page.
  app.all(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<GraphQLContext> => {
        const loaders = createLoaders();
        const result = await services.auth.fromHeader(req.headers.authorization).catch((error: unknown) => {
          if (!isDatabaseUnavailable(error)) throw error;
          log.warn({ err: error }, 'authentication failed: the database is not answering');
          throw new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, {
            extensions: { code: SERVICE_UNAVAILABLE, http: { status: 503, headers: new Map([['retry-after', '1']]) } },
          });
        });
        if (result && !result.ok) {
          throw new GraphQLError(result.reason, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        if (result?.ok) loaders.prime(result.user);
        return { caller: result?.ok ? result.caller : null, services, loaders, createLoaders, events: pubsub, clientIp: req.ip };
      },
    }),
  );
  app.use('/webhooks', webhooksRouter(services));
  // The console's collaborative editor: yjs, lib0, y-protocols and y-websocket as published, no bundler.
  app.use('/vendor', vendorRouter());
  app.use('/', express.static(path.join(__dirname, '..', 'web'), { index: 'index.html' }));
  app.use(notFoundHandler());
  app.use(httpErrorHandler(log));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  log.info({ phase: 'listening', port }, `Sitrep listening on http://localhost:${port}`);
  // Outgoing webhooks: sends what the outbox holds, including what a previous run left.
  services.webhookWorker.start();

  const step = async (name: string, work: () => unknown) => {
    log.debug({ step: name }, 'shutdown step');
    await work();
  };
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      log.info('shutting down');
      upgrades.stopAccepting();
      userChanges.abort();
      // graphql-ws closes each client with 1001 Going Away.
      await step('graphql-ws', () => wsServer.dispose());
      // Closes every document socket with 1001 and stores every pending edit before the pool goes.
      await step('collaboration', () => services.collab.close());
      await step('http drain', () => apollo.stop());
      await step('outgoing webhooks', () => services.webhookWorker.close());
      await step('pubsub', () => pubsub.close());
      await step('login limits', () => services.loginThrottle.close());
      await step('database pool', () => dataSource.destroy());
      await step('database', () => database.stop());
      log.info('stopped');
    })());
  return { url: `http://127.0.0.1:${port}`, port, services, close };
}
