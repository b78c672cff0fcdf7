import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { forbidden } from '../common/errors';
import type { LoginLimitsConfig } from '../config/config';
import type { Logger } from '../observability/logger';

/**
 * Brute-force protection of password checks (rate-limiter-flexible): failed
 * attempts are counted per email address and per client address in fixed
 * windows. Counters live in memory, or in Redis when REDIS_URL is set so
 * that every instance sees the same counts.
 *
 * An attempt takes its point before the password is checked, not after it
 * fails: twenty guesses sent at once must not all be checked because none
 * had failed yet. A success gives the points back (the email's counter is
 * reset, the address's point is returned), so only failures add up.
 */
export class LoginThrottle {
  private readonly byEmail: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;
  private readonly redis?: Redis;

  constructor(
    config: LoginLimitsConfig,
    redisUrl: string | undefined,
    private readonly log: Logger,
  ) {
    const limiter = (name: string, points: number): RateLimiterAbstract => {
      const options = { keyPrefix: `${config.keyPrefix}${name}`, points, duration: config.windowSeconds };
      if (!this.redis) return new RateLimiterMemory(options);
      // While Redis is unreachable each instance counts on its own rather than letting every guess through.
      return new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: new RateLimiterMemory(options) });
    };
    if (redisUrl) {
      this.redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: true });
      this.redis.on('error', (error) => log.warn({ err: error }, 'login limit store (Redis) error; counting in memory meanwhile'));
    }
    this.byEmail = limiter('email', config.maxFailuresPerEmail);
    this.byIp = limiter('ip', config.maxFailuresPerIp);
  }

  /**
   * Takes one attempt's point from the email's and the address's budgets.
   * Throws FORBIDDEN with `retryAfterSeconds` when either is spent.
   */
  async attempt(email: string, ip: string | undefined): Promise<void> {
    await this.take(this.byIp, ipKey(ip), { ip: ipKey(ip) });
    await this.take(this.byEmail, emailKey(email), { email: emailKey(email), ip: ipKey(ip) });
  }

  /** The password was right: the email's failures are forgotten and the address's point returned. */
  async succeeded(email: string, ip: string | undefined): Promise<void> {
    await Promise.all([this.byEmail.delete(emailKey(email)), this.byIp.reward(ipKey(ip), 1)]);
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
