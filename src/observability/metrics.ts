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

  readonly sharedReads = new Counter({
    name: 'sitrep_graphql_shared_reads_total',
    help: 'GraphQL queries over HTTP by how they were answered: hit (a kept result), joined (an identical execution in flight), executed (led an execution others may share), unshared (a field that may not be shared).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly sharedReadInvalidations = new Counter({
    name: 'sitrep_graphql_shared_read_invalidations_total',
    help: 'Times the kept query results were dropped: a commit on this instance or an event from the bus.',
    registers: [this.registry],
  });

  /** Read by the shared-reads gauge; set by the server once its shared reads exist. */
  sharedReadFigures: () => { entries: number; bytes: number } = () => ({ entries: 0, bytes: 0 });

  readonly sharedReadsKept = new Gauge({
    name: 'sitrep_graphql_shared_reads_kept',
    help: 'Query results kept for reuse (entries) and their serialized size (bytes).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
    collect: () => {
      const { entries, bytes } = this.sharedReadFigures();
      this.sharedReadsKept.set({ kind: 'entries' }, entries);
      this.sharedReadsKept.set({ kind: 'bytes' }, bytes);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'sitrep_' });
  }
}
