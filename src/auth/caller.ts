import type { UserRole } from '../users/user-role.enum';

/** Who is making a request: a logged-in user, or an integration holding an API token. */
export interface Caller {
  userId: string;
  role: UserRole;
  /** How the caller proved who it is. */
  via: 'login' | 'api-token';
}
