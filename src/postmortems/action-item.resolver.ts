import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { User } from '../users/user.entity';
import { ActionItemInput, UpdateActionItemInput } from './action-item.input';
import { ActionItem } from './action-item.entity';

/** Adding and updating action items, and their owners. */
@Resolver(() => ActionItem)
export class ActionItemResolver {
  @FieldResolver(() => User, { nullable: true })
  owner(@Root() item: ActionItem, @Ctx() { loaders }: GraphQLContext): Promise<User | null> | null {
    return item.ownerId ? loaders.users.load(item.ownerId) : null;
  }

  @Mutation(() => ActionItem, { description: 'Allowed on a published postmortem too: action items outlive it.' })
  addActionItem(
    @Arg('postmortemId', () => ID) postmortemId: string,
    @Arg('input', () => ActionItemInput) input: ActionItemInput,
    @Ctx() { caller, services }: GraphQLContext,
  ): Promise<ActionItem> {
    return services.actionItems.add(caller, postmortemId, input);
  }

  @Mutation(() => ActionItem, { description: 'Patch semantics; null clears owner, due date and tracking URL.' })
  updateActionItem(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateActionItemInput) input: UpdateActionItemInput,
    @Ctx() { caller, services }: GraphQLContext,
  ): Promise<ActionItem> {
    return services.actionItems.update(caller, id, input);
  }
}
