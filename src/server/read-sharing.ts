import type { Config } from '../config/config';
import type { PubSub } from '../events/pubsub';
import type { GraphQLContext } from '../graphql/context';
import { SharedReads } from '../graphql/shared-reads';
import type { UnitOfWork } from '../db/unit-of-work';
import type { Metrics } from '../observability/metrics';
import type { GraphQLSchema } from 'graphql';
import { modules } from './modules';

/**
 * The visibility scope both shared executions group by: subscriptions
 * (SharedSubscriptions) and queries (SharedReads). The role decides every
 * read the policy allows (`Action.Read` asks nothing else of the caller); a
 * field that depends on who asks is declared `user` by its domain.
 */
export function callerScope(context: GraphQLContext): { userId: string; scope: string } | null {
  return context.caller ? { userId: context.caller.userId, scope: context.caller.role } : null;
}

/**
 * Shared execution of identical queries over the fields every domain declared
 * shareable (DomainModule.sharedReads). Kept results are dropped synchronously
 * after every commit of this instance's unit of work, before the mutation
 * answers, and for every event this instance delivers (its own and those
 * another instance's changes bring through the bus).
 */
export function createSharedReads(deps: {
  schema: GraphQLSchema;
  config: Pick<Config, 'sharedReads'>;
  metrics: Metrics;
  uow: UnitOfWork;
  pubsub: PubSub;
}): SharedReads {
  const { schema, config, metrics, uow, pubsub } = deps;
  const fields = new Map(modules.flatMap((m) => Object.entries(m.sharedReads ?? {})));
  const reads = new SharedReads({
    schema,
    fields,
    scopeOf: callerScope,
    options: config.sharedReads,
    counted: (outcome) => metrics.sharedReads.inc({ outcome }),
  });
  const invalidate = () => {
    reads.invalidate();
    metrics.sharedReadInvalidations.inc();
  };
  uow.onCommit(invalidate);
  pubsub.onDelivery(invalidate);
  metrics.sharedReadFigures = () => reads.size;
  return reads;
}
