import { registerEnumType } from 'type-graphql';

/** What a person (or an integration) may do in Sitrep. See `auth/policy.ts`. */
export enum UserRole {
  ADMIN = 'ADMIN',
  RESPONDER = 'RESPONDER',
  VIEWER = 'VIEWER',
}

registerEnumType(UserRole, { name: 'UserRole' });
