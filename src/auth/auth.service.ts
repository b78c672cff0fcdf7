import type { DataSource } from 'typeorm';
import { looksLikeApiToken } from '../api-tokens/api-token-secret';
import { User } from '../users/user.entity';
import type { Caller } from './caller';
import { TokenError, type TokenService } from './token.service';

/** Checks API tokens (`sitrep_...`); see src/api-tokens. */
export interface ApiTokenAuthenticator {
  authenticate(secret: string): Promise<Authentication>;
}

/** The outcome of reading a credential. */
export type Authentication =
  /** `expiresAt`: when the credential stops working (epoch ms); sockets opened with it close then. Unset for API tokens. */
  | { ok: true; caller: Caller; user: User; expiresAt?: number }
  | { ok: false; reason: string };

/**
 * A credential as a transport carries it: an `Authorization` header value
 * (HTTP, graphql-ws connection params, Alertmanager), or a bare token (the
 * collaboration socket's `?token=`, a PagerDuty `routing_key`). Either may be
 * absent.
 */
export type Credential = { header: string | null | undefined } | { token: string | null | undefined };

/**
 * Turns the credential of an HTTP request, a graphql-ws connection, a
 * collaboration socket or a webhook into a Caller: `authenticate` is the one
 * check every transport calls, so they all agree.
 */
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly apiTokens?: ApiTokenAuthenticator,
  ) {}

  /**
   * Who presents `credential`: null when there is none at all (the transport
   * decides whether an anonymous caller may go on), otherwise the caller or why
   * the credential is refused. A header must be `Bearer <token>`; the token is
   * a login JWT, or an API token acting as its integration user with the
   * token's role.
   */
  async authenticate(credential: Credential): Promise<Authentication | null> {
    if ('header' in credential) {
      const header = credential.header;
      if (header === undefined || header === null || header === '') return null;
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) return { ok: false, reason: 'Authorization header must be "Bearer <token>"' };
      return this.fromToken(match[1]);
    }
    if (!credential.token) return null;
    return this.fromToken(credential.token);
  }

  private async fromToken(token: string): Promise<Authentication> {
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

/** The one authentication check, as the edges receive it. */
export type Authenticate = AuthService['authenticate'];
