import crypto from 'node:crypto';

/**
 * How long a refused credential is remembered: within it, further upgrades
 * with that credential are refused with HTTP 401 instead of being explained
 * with close code 4401. @default 60_000 // 1 minute
 */
export const REFUSAL_MEMORY_MS = 60_000;

/** Credentials remembered at most; the oldest is forgotten first. @default 10_000 */
export const MAX_REMEMBERED_REFUSALS = 10_000;

/**
 * Decides how a collaboration upgrade with a missing or bad credential is
 * refused, so that every y-websocket version both backs off and can learn why.
 *
 * y-websocket 1.x and 2.x reset their backoff when a socket opens: a socket
 * opened and then closed with 4401 had them reconnect every 100 ms, forever.
 * An upgrade refused with HTTP 401 never opens, so they back off up to their
 * `maxBackoffTime` (2.5 s by default). y-websocket 3.x stops for good on a
 * close code 4400–4499 and shows its reason, which an HTTP refusal cannot
 * carry to a browser. So the first attempt with a credential is upgraded and
 * closed with 4401 and its reason; repeats within REFUSAL_MEMORY_MS are
 * refused with 401 before the handshake.
 *
 * Keyed by a hash of the token (or, without one, by the client address), so
 * that one client's storm does not deprive another of its explanation.
 */
export class RefusedCredentials {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly memoryMs = REFUSAL_MEMORY_MS,
    private readonly maxEntries = MAX_REMEMBERED_REFUSALS,
  ) {}

  /** The key of a refused attempt. */
  static key(token: string | null, address: string | undefined): string {
    return token ? `t:${crypto.createHash('sha256').update(token).digest('base64url')}` : `a:${address ?? ''}`;
  }

  /**
   * Records a refusal of `key`; true when it was already refused within the
   * memory (answer 401 without upgrading), false for the first one (explain it).
   */
  refuseAgain(key: string, now = Date.now()): boolean {
    const at = this.seen.get(key);
    if (at !== undefined && now - at < this.memoryMs) return true;
    this.seen.delete(key);
    if (this.seen.size >= this.maxEntries) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, now);
    return false;
  }
}
