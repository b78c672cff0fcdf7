import crypto from 'node:crypto';
import Redis from 'ioredis';

/**
 * The Redis the multi-instance suites use, decided once per run by
 * global-setup and handed to the workers in this variable: REDIS_URL when it
 * is set, else the Redis answering at SITREP_TEST_REDIS_PROBE (default
 * redis://127.0.0.1:6379), else empty (those suites are skipped).
 */
export const TEST_REDIS_ENV = 'SITREP_TEST_REDIS_URL';

/** Where to look for a Redis when REDIS_URL is unset (point it at a closed port to try a Redis-less run). */
export const DEFAULT_REDIS_PROBE = 'redis://127.0.0.1:6379';

/**
 * Put in the title of every suite that needs Redis, so that `.ci/run` can
 * check in Jest's JSON results that they ran (and were not skipped).
 */
export const NEEDS_REDIS = '[multi-instance, needs Redis]';

/** The Redis URL for this run, or undefined when there is none (see TEST_REDIS_ENV). */
export function testRedisUrl(): string | undefined {
  return process.env[TEST_REDIS_ENV] || undefined;
}

/**
 * A suite of multi-instance tests, given the run's Redis URL: runs when the
 * run has a Redis, is skipped (see the banner) otherwise. A skipped suite's
 * body is still called to list its tests, with an empty URL, and none of its
 * hooks or tests run; so connect in hooks, not in the body.
 */
export function describeWithRedis(title: string, body: (redisUrl: string) => void): void {
  const url = testRedisUrl();
  (url ? describe : describe.skip)(`${title} ${NEEDS_REDIS}`, () => body(url ?? ''));
}

/** A key and channel prefix of its own, so that parallel workers and runs sharing one Redis never meet. */
export function uniqueRedisPrefix(): string {
  return `sitrep-test-${crypto.randomBytes(6).toString('hex')}:`;
}

/**
 * Answers whether a Redis answers PING at `url` within `timeoutMs`. No retries
 * (ioredis otherwise reconnects forever, which is how a run without Redis hung).
 */
export async function redisAnswers(url: string, timeoutMs = 1_500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** The banner printed before and after a run without Redis. */
export function noRedisBanner(probe: string): string {
  const line = '='.repeat(78);
  return [
    '',
    line,
    ` SKIPPED: the multi-instance suites (titles marked ${NEEDS_REDIS}).`,
    ` REDIS_URL is unset and no Redis answers at ${probe}.`,
    ' Everything else runs. To run them too, start a Redis and point the tests at it:',
    '   redis-server --port 6379 --save "" &   # or any Redis you may write to',
    '   REDIS_URL=redis://127.0.0.1:6379 npm test',
    line,
    '',
  ].join('\n');
}
