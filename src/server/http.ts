import http from 'node:http';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import compression from 'compression';
import express from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { webhooksRouter } from '../alerts/alerts.module';
import type { Config } from '../config/config';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, SERVICE_UNAVAILABLE } from '../db/database-errors';
import type { GraphQLContext } from '../graphql/context';
import { formatError } from '../graphql/format-error';
import { graphqlOverHttpPlugin } from '../graphql/graphql-over-http';
import { operationLimitsPlugin } from '../graphql/operation-limits';
import type { SharedReads } from '../graphql/shared-reads';
import { extraValidationRules } from '../graphql/validation-rules';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { TrustProxyFn } from './client-address';
import type { ContextFactory } from './graphql-context';
import { healthRouter } from './health';
import { httpErrorHandler, notFoundHandler } from './http-errors';
import { operationLimitsMiddleware } from './operation-limits-middleware';
import type { Services } from './services';
import { statusPageRouter } from '../status-page/status-page.router';
import { vendorRouter } from './vendor';

/** The HTTP half of a server: the express app on its http.Server, and Apollo. */
export interface HttpParts {
  httpServer: http.Server;
  apollo: ApolloServer<GraphQLContext>;
  /** express's `trust proxy` decision, for client addresses on websocket upgrades too. */
  trustProxy: TrustProxyFn;
}

/**
 * The HTTP server: `/graphql` (Apollo), health and metrics, `/webhooks`, the
 * console and `/vendor`. Upgrades never reach express (see websockets.ts).
 */
export async function createHttpServer(deps: {
  config: Config;
  log: Logger;
  metrics: Metrics;
  services: Services;
  schema: GraphQLSchema;
  contextFor: ContextFactory;
  /** Shared execution of identical queries (read-sharing.ts). */
  sharedReads: SharedReads;
}): Promise<HttpParts> {
  const { config, log, metrics, services, schema, contextFor, sharedReads } = deps;
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

  const includeStack = config.nodeEnv === 'development';
  const introspection = config.graphqlIntrospection;
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
    validationRules: extraValidationRules({ introspection }),
    // As in the limits middleware, for what reaches Apollo without it (persisted queries).
    parseOptions: { maxTokens: config.operationLimits.maxTokens },
    includeStacktraceInErrorResponses: includeStack,
    // A shared result is serialized once for every response it answers (a tenth of a board's 50 KB per hit).
    stringifyResult: (value) => sharedReads.stringify(value),
    formatError: (formatted, error) => formatError(formatted, error, { log, includeStack }),
    plugins: [
      // Apollo's default cache-control plugin runs a hook and allocates a policy for every resolved field
      // (a tenth of the board query's CPU) only to conclude `no-store`: Sitrep declares no cache hints, so
      // every answer is uncacheable. willSendResponse below sets that header itself.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      graphqlOverHttpPlugin(),
      operationLimitsPlugin(config.operationLimits),
      // After the limits (didResolveOperation), before execution: identical queries of one scope share it.
      sharedReads.plugin(),
      {
        async requestDidStart() {
          const started = process.hrtime.bigint();
          return {
            async willSendResponse({ operation, errors, response }) {
              if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
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

  app.use(healthRouter(services.dataSource, metrics, log, config.timeouts.readinessMs));
  // Exactly /graphql: a path under it is an unknown route (a JSON 404), not Apollo's landing page.
  app.all(
    '/graphql',
    express.json({ limit: '1mb' }),
    operationLimitsMiddleware(schema, config.operationLimits, (e) => formatError(e.toJSON(), e, { log, includeStack })),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<GraphQLContext> => {
        const result = await services.auth.authenticate({ header: req.headers.authorization }).catch((error: unknown) => {
          if (!isDatabaseUnavailable(error)) throw error;
          log.warn({ err: error }, 'authentication failed: the database is not answering');
          throw new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, {
            extensions: { code: SERVICE_UNAVAILABLE, http: { status: 503, headers: new Map([['retry-after', '1']]) } },
          });
        });
        if (result && !result.ok) {
          throw new GraphQLError(result.reason, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        // A cached principal's row may be older than a rename: only a fresh one is good for `me`.
        return contextFor(result?.caller ?? null, req.ip, result?.ok && !result.cached ? result.user : undefined);
      },
    }),
  );
  app.use(
    '/webhooks',
    webhooksRouter({
      authenticate: (credential) => services.auth.authenticate(credential),
      alerts: services.alerts,
      changes: services.changes,
      config,
      metrics,
      log,
    }),
  );
  // The public status page: no login, only what the commander or communications lead made public.
  app.use(
    statusPageRouter({
      statusPage: services.statusPage,
      title: config.statusPage.title,
      cacheSeconds: config.statusPage.cacheSeconds,
      publicUrl: config.statusPage.publicUrl,
      log,
    }),
  );
  // The console's collaborative editor: yjs, lib0, y-protocols and y-websocket as published, no bundler.
  app.use('/vendor', vendorRouter());
  app.use('/', express.static(path.join(__dirname, '..', 'web'), { index: 'index.html' }));
  app.use(notFoundHandler());
  app.use(httpErrorHandler(log));
  return { httpServer, apollo, trustProxy };
}
