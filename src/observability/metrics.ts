import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics of one Sitrep server. Each server has its own
 * registry, so that several servers in one test process do not collide.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly dbQueries = new Counter({
    name: 'sitrep_db_queries_total',
    help: 'SQL statements sent to PostgreSQL.',
    registers: [this.registry],
  });

  readonly graphqlOperations = new Counter({
    name: 'sitrep_graphql_operations_total',
    help: 'GraphQL operations executed, by type and outcome.',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly graphqlDuration = new Histogram({
    name: 'sitrep_graphql_duration_seconds',
    help: 'GraphQL operation duration.',
    labelNames: ['type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly websocketConnections = new Gauge({
    name: 'sitrep_websocket_connections',
    help: 'Open websocket connections, by endpoint.',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });

  /** Read by the subscription gauge; set by the server once its shared executor exists. */
  subscriptionFigures: () => { subscribers: number; groups: number } = () => ({ subscribers: 0, groups: 0 });

  readonly graphqlSubscriptions = new Gauge({
    name: 'sitrep_graphql_subscriptions',
    help: 'graphql-ws subscriptions being served (subscribers), and the groups that share one execution per event (groups).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
    collect: () => {
      const { subscribers, groups } = this.subscriptionFigures();
      this.graphqlSubscriptions.set({ kind: 'subscribers' }, subscribers);
      this.graphqlSubscriptions.set({ kind: 'groups' }, groups);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'sitrep_' });
  }
}
