import { GraphQLError } from 'graphql';
import type { SubscriptionLimitsConfig } from '../config/config';

/**
 * Counts the open graphql-ws subscriptions of each socket and each user on
 * this instance, and refuses the one past a cap. A slot is released when its
 * subscription completes, fails or its socket closes; releasing twice is
 * harmless, since graphql-ws reports an end through more than one hook.
 */
export class SubscriptionSlots<S extends object> {
  private readonly bySocket = new WeakMap<S, { userId: string; ids: Set<string> }>();
  private readonly byUser = new Map<string, number>();

  constructor(private readonly limits: SubscriptionLimitsConfig) {}

  /** Takes a slot for subscription `id` of `socket`, or returns the error that refuses it. */
  take(socket: S, userId: string, id: string): GraphQLError | null {
    let held = this.bySocket.get(socket);
    if (!held) this.bySocket.set(socket, (held = { userId, ids: new Set() }));
    const forUser = this.byUser.get(userId) ?? 0;
    if (held.ids.size >= this.limits.perSocket) return refusal('maxSubscriptionsPerSocket', this.limits.perSocket, held.ids.size + 1);
    if (forUser >= this.limits.perUser) return refusal('maxSubscriptionsPerUser', this.limits.perUser, forUser + 1);
    held.ids.add(id);
    this.byUser.set(userId, forUser + 1);
    return null;
  }

  /** Gives back the slot of subscription `id` of `socket`, if it holds one. */
  release(socket: S, id: string): void {
    const held = this.bySocket.get(socket);
    if (!held?.ids.delete(id)) return;
    const left = (this.byUser.get(held.userId) ?? 1) - 1;
    if (left > 0) this.byUser.set(held.userId, left);
    else this.byUser.delete(held.userId);
  }

  /** Gives back every slot of `socket` (it closed). */
  releaseAll(socket: S): void {
    for (const id of [...(this.bySocket.get(socket)?.ids ?? [])]) this.release(socket, id);
  }

  /** Open subscriptions of `userId` on this instance. */
  countForUser(userId: string): number {
    return this.byUser.get(userId) ?? 0;
  }
}

function refusal(name: string, max: number, actual: number): GraphQLError {
  return new GraphQLError(`Too many subscriptions (${name}: ${actual}, at most ${max}); complete some before starting more`, {
    extensions: { code: 'BAD_USER_INPUT', limit: { name, max, actual } },
  });
}
