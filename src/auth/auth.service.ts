import type { DataSource } from 'typeorm';
import { looksLikeApiToken } from '../api-tokens/api-token-secret';
import { User } from '../users/user.entity';
import type { Caller } from './caller';
import { TokenError, type TokenService } from './token.service';

/** Checks API tokens (`sitrep_...`); see src/api-tokens. */
export interface ApiTokenAuthenticator {
  authenticate(secret: string): Promise<Authentication>;
}

/** The outcome of reading a bearer credential. */
export type Authentication =
  /** `expiresAt`: when the credential stops working (epoch ms); sockets opened with it close then. Unset for API tokens. */
  | { ok: true; caller: Caller; user: User; expiresAt?: number }
  | { ok: false; reason: string };

/**
 * Turns the bearer credential of an HTTP request, a graphql-ws connection or
 * a collaboration socket into a Caller. One place, so every transport agrees.
 */
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly apiTokens?: ApiTokenAuthenticator,
  ) {}

  /** Reads `Authorization: Bearer <token>`; null when there is no header at all. */
  async fromHeader(header: string | undefined | null): Promise<Authentication | null> {
    if (header === undefined || header === null || header === '') return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return { ok: false, reason: 'Authorization header must be "Bearer <token>"' };
    return this.fromToken(match[1]);
  }

  /** A login JWT, or an API token acting as its integration user with the token's role. */
  async fromToken(token: string): Promise<Authentication> {
    if (this.apiTokens && looksLikeApiToken(token)) return this.apiTokens.authenticate(token);
    let claims: { userId: string; generation: number; expiresAt: number | undefined };
    try {
      claims = await this.tokens.verify(token);
    } catch (error) {
      return { ok: false, reason: error instanceof TokenError ? error.message : 'invalid token' };
    }
    const user = await this.dataSource.getRepository(User).findOne({ where: { id: claims.userId } });
    if (!user) return { ok: false, reason: 'the token belongs to no user' };
    // Read here, on every request and socket, so that deactivating a user or changing a password ends
    // their sessions at once rather than when the tokens expire.
    if (user.deactivatedAt) return { ok: false, reason: 'this account has been deactivated' };
    if (claims.generation !== user.sessionGeneration) {
      return { ok: false, reason: 'the password was changed since this token was issued; log in again' };
    }
    return { ok: true, caller: { userId: user.id, role: user.role, via: 'login' }, user, expiresAt: claims.expiresAt };
  }
}
