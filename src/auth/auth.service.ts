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
  /**
   * `expiresAt`: when the credential stops working (epoch ms); sockets opened with it close then. Unset for API tokens.
   * `cached`: served from the principal cache; `user` is then the row as read then, not now.
   */
  | { ok: true; caller: Caller; user: User; expiresAt?: number; cached?: boolean }
  | { ok: false; reason: string };

/** How long, and how many, authenticated login tokens are remembered. */
export interface PrincipalCacheOptions {
  /** 0 turns the cache off. */
  ttlMs: number;
  maxEntries: number;
}

type Authenticated = Extract<Authentication, { ok: true }>;

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
  /** Token → its principal, oldest first (Map order), so that eviction drops the oldest. */
  private readonly cache = new Map<string, { auth: Authenticated; expiresAt: number }>();
  private readonly tokensOf = new Map<string, Set<string>>();
  private readonly inFlight = new Map<string, Promise<Authentication>>();
  /** Bumped by every `forget`: a lookup that started before one must not be cached (it may be stale). */
  private epoch = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly apiTokens?: ApiTokenAuthenticator,
    private readonly cacheOptions: PrincipalCacheOptions = { ttlMs: 0, maxEntries: 0 },
  ) {}

  /**
   * Drops every cached principal of `userId`. Called for each UserTopic.Changed
   * (deactivation, role or password change, API token revocation), which the
   * pub/sub brings to every instance, so those take effect at once everywhere.
   */
  forget(userId: string): void {
    this.epoch += 1;
    // A lookup under way may have read the row before the change: later callers start their own.
    this.inFlight.clear();
    for (const token of this.tokensOf.get(userId) ?? []) this.cache.delete(token);
    this.tokensOf.delete(userId);
  }

  /** Principals in the cache (for tests and metrics). */
  get cachedPrincipals(): number {
    return this.cache.size;
  }

  private cached(token: string): Authenticated | undefined {
    const entry = this.cache.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.auth;
    this.drop(token, entry.auth.caller.userId);
    return undefined;
  }

  private remember(token: string, auth: Authenticated, tokenExpiresAt: number | undefined): void {
    const { ttlMs, maxEntries } = this.cacheOptions;
    if (ttlMs <= 0 || maxEntries <= 0) return;
    while (this.cache.size >= maxEntries) {
      const [oldest, entry] = this.cache.entries().next().value as [string, { auth: Authenticated }];
      this.drop(oldest, entry.auth.caller.userId);
    }
    // Never past the token's own expiry.
    const expiresAt = Math.min(Date.now() + ttlMs, tokenExpiresAt ?? Infinity);
    this.cache.set(token, { auth: { ...auth, cached: true }, expiresAt });
    const userId = auth.caller.userId;
    const tokens = this.tokensOf.get(userId) ?? new Set<string>();
    this.tokensOf.set(userId, tokens.add(token));
  }

  private drop(token: string, userId: string): void {
    this.cache.delete(token);
    const tokens = this.tokensOf.get(userId);
    tokens?.delete(token);
    if (tokens?.size === 0) this.tokensOf.delete(userId);
  }

  /**
   * Who presents `credential`: null when there is none at all (the transport
   * decides whether an anonymous caller may go on), otherwise the caller or why
   * the credential is refused. A header must be `Bearer <token>`; the token is
   * a login JWT, or an API token acting as its integration user with the
   * token's role.
   */
  async authenticate(credential: Credential, options: { fresh?: boolean } = {}): Promise<Authentication | null> {
    if ('header' in credential) {
      const header = credential.header;
      if (header === undefined || header === null || header === '') return null;
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) return { ok: false, reason: 'Authorization header must be "Bearer <token>"' };
      return this.fromToken(match[1], options.fresh);
    }
    if (!credential.token) return null;
    return this.fromToken(credential.token, options.fresh);
  }

  /** `fresh`: read the user again whatever the cache holds (periodic re-checks exist to catch what no event said). */
  private async fromToken(token: string, fresh = false): Promise<Authentication> {
    if (this.apiTokens && looksLikeApiToken(token)) return this.apiTokens.authenticate(token);
    if (fresh) return this.lookUp(token);
    const hit = this.cached(token);
    if (hit) return hit;
    // One lookup per token at a time: 5,000 sockets of one dashboard opening at once would otherwise
    // each read the user row before the first answer is cached, and exhaust the pool.
    const pending = this.inFlight.get(token);
    if (pending) return pending;
    const lookup = this.lookUp(token).finally(() => this.inFlight.delete(token));
    if (this.cacheOptions.ttlMs > 0) this.inFlight.set(token, lookup);
    return lookup;
  }

  private async lookUp(token: string): Promise<Authentication> {
    const epoch = this.epoch;
    let claims: { userId: string; generation: number; expiresAt: number | undefined };
    try {
      claims = await this.tokens.verify(token);
    } catch (error) {
      return { ok: false, reason: error instanceof TokenError ? error.message : 'invalid token' };
    }
    const user = await this.dataSource.getRepository(User).findOne({ where: { id: claims.userId } });
    if (!user) return { ok: false, reason: 'the token belongs to no user' };
    // Read here (or kept in the cache only until the next UserChanged), so that deactivating a user or
    // changing a password ends their sessions at once rather than when the tokens expire.
    if (user.deactivatedAt) return { ok: false, reason: 'this account has been deactivated' };
    if (claims.generation !== user.sessionGeneration) {
      return { ok: false, reason: 'the password was changed since this token was issued; log in again' };
    }
    const auth: Authenticated = { ok: true, caller: { userId: user.id, role: user.role, via: 'login' }, user, expiresAt: claims.expiresAt };
    if (epoch === this.epoch) this.remember(token, auth, claims.expiresAt);
    return auth;
  }
}

/** The one authentication check, as the edges receive it. */
export type Authenticate = AuthService['authenticate'];
