import type http from 'node:http';
import type { Socket } from 'node:net';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Caller } from '../auth/caller';
import type { Config } from '../config/config';
import type { PubSub } from '../events/pubsub';
import { formatError } from '../graphql/format-error';
import { extraValidationRules, validateWith, withoutSuggestions } from '../graphql/validation-rules';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { clientAddress, type TrustProxyFn } from './client-address';
import type { ContextFactory } from './graphql-context';
import { GraphqlWsOperations } from './graphql-ws-operations';
import type { Services } from './services';
import { UpgradeRouter } from './upgrade-router';
import { RedisPubSub } from '../events/redis-pubsub';
import { followUserChanges, UserSockets } from './user-sockets';

/** The websocket half of a server, stopped in order by lifecycle.ts. */
export interface WebSocketParts {
  /** Refuses new upgrades (503) from now on. */
  stopAccepting(): void;
  /** Closes every graphql-ws socket with 1001 Going Away and stops following user changes. */
  dispose(): Promise<void>;
}

/**
 * The one `upgrade` router of the HTTP server: `/graphql` to graphql-ws (the
 * token travels in connection params, checked at connection init and again
 * for each operation), `/collab/<incidentId>?token=` to the document server,
 * anything else 404. Open sockets follow user changes (deactivation, password
 * and role changes) on every instance. Each graphql-ws operation passes the
 * operation limits and the subscription caps, and subscriptions share their
 * execution (graphql-ws-operations.ts).
 */
export function attachWebSockets(deps: {
  httpServer: http.Server;
  config: Config;
  log: Logger;
  metrics: Metrics;
  services: Services;
  pubsub: PubSub;
  schema: GraphQLSchema;
  contextFor: ContextFactory;
  trustProxy: TrustProxyFn;
}): WebSocketParts {
  const { httpServer, config, log, metrics, services, pubsub, schema, contextFor, trustProxy } = deps;
  const upgrades = new UpgradeRouter(log);
  httpServer.on('upgrade', (req, socket, head) => upgrades.route(req, socket as Socket, head));

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
  const validate = validateWith(validationRules);
  const operations = new GraphqlWsOperations({ schema, config, validate, format, metrics });
  const wsServer = useServer<Record<string, unknown> | undefined, { caller?: Caller; header?: string }>(
    {
      schema,
      validate,
      onConnect: async (ctx) => {
        const param = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const header = typeof param === 'string' ? param : undefined;
        const result = await services.auth.authenticate({ header });
        if (!result?.ok) return false;
        ctx.extra.caller = result.caller;
        ctx.extra.header = header;
        graphqlSockets.add(result.caller.userId, ctx.extra.socket, result.expiresAt);
        return true;
      },
      // graphql-ws parses outside its error handling: a syntax error closed the whole socket with
      // 4500, ending every other subscription of that client. Answer it as this operation's error.
      onSubscribe: async (ctx, id, payload) => {
        // The caller is read again for each operation, as over HTTP: a role changed since the socket
        // opened applies to its next operation.
        const result = await services.auth.authenticate({ header: ctx.extra.header });
        if (!result?.ok) {
          const reason = result?.reason ?? 'unauthenticated';
          ctx.extra.socket.close(4401, reason.slice(0, 120));
          return [new GraphQLError(reason, { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        ctx.extra.caller = result.caller;
        return operations.admit(ctx.extra.socket, result.caller.userId, id, payload);
      },
      onComplete: (ctx, id) => operations.release(ctx.extra.socket, id),
      onClose: (ctx) => operations.releaseAll(ctx.extra.socket),
      context: (ctx, id) => operations.register(contextFor(ctx.extra.caller ?? null, clientAddress(ctx.extra.request, trustProxy)), ctx.extra.socket, id),
      // Subscriptions only: one execution per event for every subscriber that would get the same result.
      subscribe: (args) => operations.subscribe(args),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => format(e as GraphQLError)) } : undefined,
      onError: (ctx, id, _payload, errors) => {
        operations.release(ctx.extra.socket, id);
        return errors.map((e) => format(e as GraphQLError)) as never;
      },
    },
    graphqlWss,
  );

  const userChanges = new AbortController();
  followUserChanges(pubsub, { graphql: graphqlSockets, collab: services.collab, auth: services.auth, subscriptions: operations }, log, userChanges.signal);
  // The user changes missed during a Redis gap are read from the event log; the document sockets'
  // credentials are checked again at once too (API token revocations are cached for a few seconds).
  if (pubsub instanceof RedisPubSub) pubsub.onReconnect(() => void services.collab.recheckNow());

  return {
    stopAccepting: () => upgrades.stopAccepting(),
    dispose: async () => {
      userChanges.abort();
      await wsServer.dispose();
    },
  };
}
