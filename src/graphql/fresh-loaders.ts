import type { MiddlewareFn } from 'type-graphql';
import type { GraphQLContext } from './context';
import { createLoaders } from './loaders';

/**
 * Gives every root mutation field fresh loaders. graphql-js runs the mutations
 * of one document one after another, each with its selection set; with one
 * set of loaders per request, a later mutation's result was served from what
 * an earlier one had read (a timeline without the event just written, roles
 * from before the assignment).
 */
export const freshLoadersPerMutation: MiddlewareFn<GraphQLContext> = ({ context, info }, next) => {
  if (info.path.prev === undefined && info.parentType === info.schema.getMutationType()) {
    context.loaders = createLoaders(context.services.dataSource);
  }
  return next();
};
