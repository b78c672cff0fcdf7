/** The pub/sub topics of accounts. */
export const UserTopic = {
  /** A user was deactivated, changed role or changed password, or an API token was revoked: open sockets must follow. */
  Changed: 'user.changed',
} as const;

declare module '../events/topics' {
  interface TopicPayloads {
    /** `sessionsEnded`: the user's tokens no longer work (deactivated, password changed, or its API token revoked). */
    'user.changed': { userId: string; sessionsEnded: boolean; roleChanged: boolean };
  }
}
