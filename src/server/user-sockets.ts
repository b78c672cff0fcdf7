import type { WebSocket } from 'ws';
import type { AuthService } from '../auth/auth.service';
import { atExpiry, TOKEN_EXPIRED } from '../auth/session-expiry';
import { CloseCode } from '../collab/close-codes';
import type { CollabServer } from '../collab/collab-server';
import type { PubSub } from '../events/pubsub';
import { UserTopic } from '../users/user.topics';
import type { Logger } from '../observability/logger';

/** The open graphql-ws sockets of each user on this instance. */
export class UserSockets {
  private readonly byUser = new Map<string, Set<WebSocket>>();

  /**
   * Remembers `socket` as `userId`'s until it closes, and closes it with 4401
   * when its token expires (`expiresAt`, epoch ms): a subscription must not
   * go on delivering to a session that has ended.
   */
  add(userId: string, socket: WebSocket, expiresAt?: number): void {
    // onConnect checks the token first: a client that hung up meanwhile has had its 'close' already,
    // and registering it now would keep it here for the life of the process.
    if (socket.readyState === socket.CLOSING || socket.readyState === socket.CLOSED) return;
    const sockets = this.byUser.get(userId) ?? new Set<WebSocket>();
    this.byUser.set(userId, sockets.add(socket));
    const cancel = atExpiry(expiresAt, () => socket.close(4401, TOKEN_EXPIRED));
    socket.once('close', () => {
      cancel();
      sockets.delete(socket);
      if (sockets.size === 0 && this.byUser.get(userId) === sockets) this.byUser.delete(userId);
    });
  }

  /** Closes every graphql-ws socket of `userId` (graphql-ws clients do not retry 4401). */
  close(userId: string, code: number, reason: string): void {
    for (const socket of this.byUser.get(userId) ?? []) socket.close(code, reason);
  }
}

/**
 * Makes open sockets follow UserTopic.Changed, on every instance (the event
 * comes through the shared pub/sub): when a user's sessions end their
 * graphql-ws and document sockets close with 4401; when their role changes
 * their document sockets reconnect (4000) to be admitted with the new rights.
 * graphql-ws sockets need nothing for a role change: each operation reads
 * the caller again. Every change also drops the user's cached principals
 * (AuthService.forget). Stops when `signal` aborts.
 */
export function followUserChanges(
  pubsub: PubSub,
  followers: {
    graphql: UserSockets;
    collab: CollabServer;
    auth: Pick<AuthService, 'forget'>;
    subscriptions: { endUser(userId: string): void };
  },
  log: Logger,
  signal: AbortSignal,
): void {
  const { graphql, collab, auth, subscriptions } = followers;
  void (async () => {
    for await (const change of pubsub.subscribe(UserTopic.Changed, signal)) {
      // First: a socket that reconnects at once must not be let in on the cached principal.
      auth.forget(change.userId);
      if (change.sessionsEnded) {
        const reason = 'session ended: the account was deactivated or its password changed';
        // Before the sockets close: an event already on its way must not reach them.
        subscriptions.endUser(change.userId);
        graphql.close(change.userId, 4401, reason);
        collab.disconnectUser(change.userId, CloseCode.UNAUTHENTICATED, reason);
      } else if (change.roleChanged) {
        collab.disconnectUser(change.userId, CloseCode.RIGHTS_CHANGED, 'role changed; reconnect');
      }
    }
  })().catch((error) => log.error({ err: error }, 'following user changes failed'));
}
