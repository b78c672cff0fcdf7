import type { UserRole } from '../users/user-role.enum';

/** Who is making a request: a logged-in user, or an integration holding an API token. */
export interface Caller {
  userId: string;
  role: UserRole;
  /** How the caller proved who it is. */
  via: 'login' | 'api-token';
}

declare module '../graphql/context' {
  interface GraphQLContext {
    /** Who is calling; null for an anonymous request (only `login` and `me` accept one). */
    caller: Caller | null;
  }
}
