import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Caller } from '../auth/caller';
import { Action, authorize } from '../auth/policy';
import { badInput, notFound } from '../common/errors';
import { parseId } from '../common/ids';
import { LIMITS } from '../common/limits';
import type { UnitOfWork } from '../db/unit-of-work';
import { UserTopic } from '../users/user.topics';
import { UserRole } from '../users/user-role.enum';
import { User } from '../users/user.entity';
import { generateApiTokenSecret, hashApiTokenSecret, isWellFormedApiToken } from './api-token-secret';
import { ApiToken } from './api-token.entity';

/** The integration users' addresses: never deliverable (RFC 2606), unique per token. */
const INTEGRATION_EMAIL_DOMAIN = 'integrations.sitrep.invalid';

/** At most this many valid tokens are remembered; the oldest entry goes first. */
const CACHE_SIZE = 1_000;

/** A token that authenticated, with the integration user it acts as. */
export type ApiTokenAuthentication = { ok: true; caller: Caller; user: User } | { ok: false; reason: string };

interface TokenRow {
  token_id: string;
  revoked_at: Date | null;
  token_role: UserRole;
  id: string;
  email: string;
  name: string;
  role: UserRole;
  is_integration: boolean;
  created_at: Date;
}

/**
 * API tokens: created by admins, shown once, stored as a hash, revocable.
 * Each token gets its own integration user (no password, cannot log in) so
 * that what it does (such as opening an incident from an alert) has an actor.
 */
export class ApiTokenService {
  /** Valid tokens by hash, with when to look them up again. Only successes are cached. */
  private readonly cache = new Map<string, { until: number; result: ApiTokenAuthentication & { ok: true }; tokenId: string }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    /** How long a valid token is remembered (API_TOKEN_CACHE_SECONDS); 0 turns the cache off. */
    private readonly cacheSeconds = 0,
  ) {}

  async create(caller: Caller | null, name: string, role: UserRole): Promise<{ token: string; apiToken: ApiToken }> {
    const admin = authorize(caller, Action.ManageApiTokens);
    const label = name.trim();
    if (!label) throw badInput('name must not be blank');
    if (label.length > LIMITS.name) throw badInput(`name must be at most ${LIMITS.name} characters`);
    if (!Object.values(UserRole).includes(role)) throw badInput(`role must be one of ${Object.values(UserRole).join(', ')}`);
    const secret = generateApiTokenSecret();
    const apiToken = await this.uow.run(async (tx) => {
      const user = await tx.manager.getRepository(User).save(
        tx.manager.getRepository(User).create({
          email: `api-token-${crypto.randomUUID()}@${INTEGRATION_EMAIL_DOMAIN}`,
          name: label,
          role,
          passwordHash: null,
          isIntegration: true,
        }),
      );
      const repo = tx.manager.getRepository(ApiToken);
      return repo.save(repo.create({ name: label, role, tokenHash: hashApiTokenSecret(secret), userId: user.id, createdById: admin.userId }));
    });
    return { token: secret, apiToken };
  }

  /** Tokens newest first; revoked ones only when asked for. */
  async list(caller: Caller | null, includeRevoked: boolean): Promise<ApiToken[]> {
    authorize(caller, Action.ManageApiTokens);
    const qb = this.dataSource.getRepository(ApiToken).createQueryBuilder('t').orderBy('t.created_at', 'DESC').addOrderBy('t.id', 'DESC');
    if (!includeRevoked) qb.where('t.revoked_at IS NULL');
    return qb.getMany();
  }

  /**
   * Revokes a token at once; revoking a revoked token changes nothing and
   * returns it. The sockets opened with it (graphql-ws, live documents) close
   * with 4401 on every instance, as a deactivated person's do: revocation
   * ends the integration's sessions, not only its next request.
   */
  async revoke(caller: Caller | null, id: string): Promise<ApiToken> {
    authorize(caller, Action.ManageApiTokens);
    const tokenId = parseId(id, 'API token id');
    const token = await this.uow.run(async (tx) => {
      const repo = tx.manager.getRepository(ApiToken);
      const revoked: Array<{ user_id: string }> = await tx.manager.query(
        // Wrapped in a SELECT: TypeORM answers a bare UPDATE ... RETURNING with [rows, count].
        `WITH revoked AS (UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING user_id)
         SELECT user_id FROM revoked`,
        [tokenId],
      );
      if (revoked.length) tx.publish(UserTopic.Changed, { userId: revoked[0].user_id, sessionsEnded: true, roleChanged: false });
      return repo.findOne({ where: { id: tokenId } });
    });
    if (!token) throw notFound('API token', id);
    for (const [hash, entry] of this.cache) if (entry.tokenId === tokenId) this.cache.delete(hash);
    return token;
  }

  /**
   * Checks a bearer secret that looks like an API token: one indexed lookup by
   * hash, joined to the integration user. Alertmanager re-sends every group on
   * each repeat_interval, so valid tokens are remembered for `cacheSeconds`:
   * a repeat delivery then costs a single statement.
   */
  async authenticate(secret: string): Promise<ApiTokenAuthentication> {
    if (!isWellFormedApiToken(secret)) return { ok: false, reason: 'malformed API token' };
    const hash = hashApiTokenSecret(secret);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.result;
    const rows: TokenRow[] = await this.dataSource.query(
      `SELECT t.id AS token_id, t.revoked_at, t.role AS token_role, u.id, u.email, u.name, u.role, u.is_integration, u.created_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1`,
      [hash],
    );
    const row = rows[0];
    if (!row) return { ok: false, reason: 'unknown API token' };
    if (row.revoked_at) return { ok: false, reason: 'API token revoked' };
    const user = Object.assign(new User(), {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      passwordHash: null,
      isIntegration: row.is_integration,
      deactivatedAt: null,
      sessionGeneration: 0,
      createdAt: row.created_at,
    });
    const result = { ok: true as const, caller: { userId: user.id, role: row.token_role, via: 'api-token' as const }, user };
    if (this.cacheSeconds > 0) {
      this.cache.delete(hash);
      this.cache.set(hash, { until: Date.now() + this.cacheSeconds * 1000, result, tokenId: row.token_id });
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    return result;
  }
}
