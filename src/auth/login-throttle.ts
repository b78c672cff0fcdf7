import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { forbidden } from '../common/errors';
import type { LoginLimitsConfig } from '../config/config';
import type { Logger } from '../observability/logger';

/** Emails whose addresses are remembered in memory for `unlock`; the oldest are forgotten past it. */
const MAX_REMEMBERED_EMAILS = 10_000;

/**
 * Brute-force protection of password checks (rate-limiter-flexible): failed
 * attempts are counted per (client address, email) and, with a much higher
 * ceiling, per client address, in fixed windows. Keying the tight limit on
 * the pair means one proxy address shared by a whole organisation locks out
 * only the account being guessed from it, and a guesser elsewhere cannot lock
 * out the admin everywhere. Counters live in memory, or in Redis when
 * REDIS_URL is set so that every instance sees the same counts.
 *
 * An attempt takes its points before the password is checked, not after it
 * fails: twenty guesses sent at once must not all be checked because none
 * had failed yet. Only a wrong password keeps them: a success forgets the
 * pair's failures and returns the address's point, and an attempt that ended
 * in a server error (the database was away) returns both.
 */
export class LoginThrottle {
  private readonly byAddressEmail: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;
  private readonly redis?: Redis;
  /** The addresses that tried each email lately, so that `unlock` finds their counters in memory. */
  private readonly addressesOf = new Map<string, Set<string>>();

  constructor(
    config: LoginLimitsConfig,
    redisUrl: string | undefined,
    private readonly log: Logger,
    redisCommandTimeoutMs = 2_000,
  ) {
    const limiter = (name: string, points: number): RateLimiterAbstract => {
      const options = { keyPrefix: `${config.keyPrefix}${name}`, points, duration: config.windowSeconds };
      if (!this.redis) return new RateLimiterMemory(options);
      // While Redis is unreachable each instance counts on its own rather than letting every guess through.
      return new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: new RateLimiterMemory(options) });
    };
    if (redisUrl) {
      // A hung Redis must not hang logins: past the timeout the in-memory insurance limiter counts.
      this.redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: true, commandTimeout: redisCommandTimeoutMs });
      this.redis.on('error', (error) => log.warn({ err: error }, 'login limit store (Redis) error; counting in memory meanwhile'));
    }
    this.byAddressEmail = limiter('address-email', config.maxFailuresPerEmail);
    this.byIp = limiter('ip', config.maxFailuresPerIp);
  }

  /**
   * Takes one attempt's point from the address's and the (address, email)
   * budgets. Throws FORBIDDEN with `retryAfterSeconds` when either is spent.
   */
  async attempt(email: string, ip: string | undefined): Promise<void> {
    this.remember(emailKey(email), ipKey(ip));
    await this.take(this.byIp, ipKey(ip), { ip: ipKey(ip) });
    try {
      await this.take(this.byAddressEmail, pairKey(email, ip), { email: emailKey(email), ip: ipKey(ip) });
    } catch (error) {
      // Refused before any password was checked: the address's point was not a guess.
      await this.byIp.reward(ipKey(ip), 1).catch(() => undefined);
      throw error;
    }
  }

  /** The password was right: the pair's failures are forgotten and the address's point returned. */
  async succeeded(email: string, ip: string | undefined): Promise<void> {
    await Promise.all([this.byAddressEmail.delete(pairKey(email, ip)), this.byIp.reward(ipKey(ip), 1)]);
  }

  /** The attempt ended in our failure, not a wrong password (the database was away): both points go back. */
  async abandoned(email: string, ip: string | undefined): Promise<void> {
    await Promise.allSettled([this.byAddressEmail.reward(pairKey(email, ip), 1), this.byIp.reward(ipKey(ip), 1)]);
  }

  /** Clears every (address, email) lockout of `email`, wherever it was counted (unlockUser). */
  async unlock(email: string): Promise<void> {
    const key = emailKey(email);
    const pairs = new Set([...(this.addressesOf.get(key) ?? [])].map((ip) => `${ip}|${key}`));
    if (this.redis) {
      // The counters of other instances' addresses are found in Redis itself.
      const pattern = `${this.byAddressEmail.getKey('*|')}${key.replace(/[*?[\]\\]/g, '\\$&')}`;
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        for (const found of keys) pairs.add(this.byAddressEmail.parseKey(found));
      } while (cursor !== '0');
    }
    await Promise.all([...pairs].map((pair) => this.byAddressEmail.delete(pair)));
    this.addressesOf.delete(key);
  }

  private remember(email: string, ip: string): void {
    const addresses = this.addressesOf.get(email) ?? new Set<string>();
    // Re-inserted so that the map's order is least recently tried first.
    this.addressesOf.delete(email);
    this.addressesOf.set(email, addresses.add(ip));
    if (addresses.size > 1000) addresses.delete(addresses.values().next().value!);
    if (this.addressesOf.size > MAX_REMEMBERED_EMAILS) this.addressesOf.delete(this.addressesOf.keys().next().value!);
  }

  private async take(limiter: RateLimiterAbstract, key: string, context: Record<string, string>): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      // Logged at the first refusal of a window only: enough to spot a guessing campaign without a line per guess.
      if (rejection.consumedPoints === limiter.points + 1) {
        this.log.warn({ ...context, limit: limiter.points, retryAfterSeconds: seconds }, 'login locked out: too many failed logins');
      }
      throw forbidden(`too many failed logins; try again in ${seconds} seconds`, { retryAfterSeconds: seconds });
    }
  }

  /** Closes the Redis connection, if any. */
  async close(): Promise<void> {
    if (this.redis) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}

const emailKey = (email: string) => email.trim().toLowerCase();
// A request without a known address (it should not happen with a TCP socket) shares one budget.
const ipKey = (ip: string | undefined) => ip || 'unknown';
const pairKey = (email: string, ip: string | undefined) => `${ipKey(ip)}|${emailKey(email)}`;
