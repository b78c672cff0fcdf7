import type { DataSource } from 'typeorm';
import type { WebhooksConfig } from '../config/config';
import type { Logger } from '../observability/logger';
import type { WebhookEventBody } from './webhook-delivery.entity';
import { privateNetworkRefusal } from './webhook-destination';
import { webhookRequest } from './webhook-messages';
import type { WebhookFormat } from './webhook.enums';

/** The longest wait between two attempts. @default 3_600_000 // 1 hour */
const MAX_RETRY_DELAY_MS = 3_600_000;
/** Answer bytes kept in `lastError`. */
const MAX_ERROR_LENGTH = 500;

/**
 * The oldest due delivery of an enabled endpoint whose earlier deliveries are
 * all done (in order per endpoint), locked for this instance: another instance
 * skips it (SKIP LOCKED), and cannot take the endpoint's next one either,
 * since this one is still pending before it. The endpoint's row is locked
 * too, first: the attempt ends by updating it, and a deleteWebhookEndpoint
 * (which locks the endpoint, then cascades to its deliveries) would otherwise
 * deadlock with it; now the delete waits for the attempt in flight.
 */
const CLAIM = `
  SELECT d.id, d.endpoint_id, d.body, d.attempts, d.created_at, e.url, e.format, e.secret, e.failing_since
  FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
  WHERE d.status = 'PENDING' AND d.next_attempt_at <= now() AND e.enabled
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.status = 'PENDING' AND p.seq < d.seq)
  ORDER BY d.next_attempt_at, d.seq
  LIMIT 1
  FOR UPDATE OF d SKIP LOCKED
  FOR NO KEY UPDATE OF e SKIP LOCKED`;

interface Claimed {
  id: string;
  endpoint_id: string;
  body: WebhookEventBody;
  attempts: number;
  created_at: Date;
  url: string;
  format: WebhookFormat;
  secret: string;
  failing_since: Date | null;
}

/** What one attempt came to. */
type Outcome = { delivered: true; status: number } | { delivered: false; retry: boolean; status: number | null; error: string; retryAfterMs?: number };

/**
 * Sends the outbox: each instance drains it at start and right after a
 * commit that wrote deliveries, and sleeps until its next retry is due;
 * it claims one due delivery at a time in its own transaction, sends it with a timeout and records the
 * outcome. Network errors, 5xx and 429 are retried with exponential backoff
 * and jitter (WEBHOOK_FIRST_RETRY_MS, doubling; 429's Retry-After honoured)
 * until WEBHOOK_RETRY_FOR after the event; other answers fail at once. An
 * endpoint failing for WEBHOOK_RETRY_FOR is disabled, with the reason.
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: WebhooksConfig,
    private readonly log: Logger,
  ) {}

  /** Sends what a previous run left, then sleeps until a commit or a retry is due. */
  start(): void {
    this.kick();
  }

  /** Looks for due deliveries now (after a commit that wrote some). */
  kick(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch((error) => {
        this.log.warn({ err: error }, 'sending webhooks failed; retrying');
        this.wakeIn(this.config.pollIntervalMs);
      })
      .finally(() => {
        this.draining = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Stops and waits for the attempt in flight. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.draining;
  }

  /**
   * Sends every due delivery, then sleeps until the next retry is due: an idle
   * instance runs no query at all. A due delivery that another instance holds
   * is looked at again after WEBHOOK_POLL_INTERVAL_MS.
   */
  private async drain(): Promise<void> {
    while (!this.stopped && (await this.sendOne())) {
      // one delivery per transaction, until none is due
    }
    if (this.stopped) return;
    const [next]: Array<{ ms: number | null }> = await this.dataSource.query(
      `SELECT (extract(epoch FROM min(d.next_attempt_at) - now()) * 1000)::float8 AS ms
       FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.status = 'PENDING' AND e.enabled`,
    );
    if (next?.ms === null || next?.ms === undefined) return;
    this.wakeIn(next.ms > 0 ? Math.min(next.ms + 10, MAX_RETRY_DELAY_MS) : this.config.pollIntervalMs);
  }

  private wakeIn(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), ms).unref();
  }

  private async sendOne(): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const [claimed]: Claimed[] = await runner.query(CLAIM);
      if (!claimed) {
        await runner.commitTransaction();
        return false;
      }
      const outcome = await this.attempt(claimed);
      const attempts = claimed.attempts + 1;
      if (outcome.delivered) {
        await runner.query(
          `UPDATE webhook_deliveries SET status = 'DELIVERED', attempts = $2, last_status_code = $3, last_error = NULL, delivered_at = now() WHERE id = $1`,
          [claimed.id, attempts, outcome.status],
        );
        await runner.query(`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1`, [claimed.endpoint_id]);
      } else {
        const retryForMs = this.config.retryForSeconds * 1000;
        const delay = outcome.retryAfterMs ?? this.backoff(attempts);
        const giveUp = !outcome.retry || Date.now() + delay > new Date(claimed.created_at).getTime() + retryForMs;
        await runner.query(
          `UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status_code = $4, last_error = $5, next_attempt_at = now() + make_interval(secs => $6) WHERE id = $1`,
          [claimed.id, giveUp ? 'FAILED' : 'PENDING', attempts, outcome.status, outcome.error.slice(0, MAX_ERROR_LENGTH), delay / 1000],
        );
        const failingSince = claimed.failing_since ? new Date(claimed.failing_since) : new Date();
        const disable = Date.now() - failingSince.getTime() >= retryForMs;
        await runner.query(
          `UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now()), enabled = enabled AND NOT $2, disabled_reason = CASE WHEN $2 THEN $3 ELSE disabled_reason END WHERE id = $1`,
          [claimed.endpoint_id, disable, `disabled: failing since ${failingSince.toISOString()}; last error: ${outcome.error.slice(0, 200)}`],
        );
        if (disable) this.log.warn({ endpointId: claimed.endpoint_id }, 'webhook endpoint disabled after failing for WEBHOOK_RETRY_FOR');
      }
      await runner.commitTransaction();
      return true;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** The wait before retry `attempts` (1 = the first retry): doubling from WEBHOOK_FIRST_RETRY_MS, ±20 % jitter. */
  private backoff(attempts: number): number {
    const base = Math.min(this.config.firstRetryMs * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private async attempt(delivery: Claimed): Promise<Outcome> {
    const url = new URL(delivery.url);
    const refused = await privateNetworkRefusal(url, this.config.denyPrivateNetworks);
    if (refused) return { delivered: false, retry: false, status: null, error: refused };
    const request = webhookRequest(delivery.format, delivery.secret, delivery.id, delivery.body);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        // A redirect could lead anywhere (a private address); it counts as a failure.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.config.timeoutMs} ms` : String((error as Error).cause ?? (error as Error).message ?? error);
      return { delivered: false, retry: true, status: null, error: reason };
    }
    const text = (await response.text().catch(() => '')).slice(0, MAX_ERROR_LENGTH);
    if (response.status >= 200 && response.status < 300) return { delivered: true, status: response.status };
    const retry = response.status >= 500 || response.status === 429;
    const retryAfter = response.status === 429 ? retryAfterMs(response.headers.get('retry-after')) : undefined;
    return { delivered: false, retry, status: response.status, error: `HTTP ${response.status}${text ? `: ${text}` : ''}`, retryAfterMs: retryAfter };
  }
}

/** Retry-After in seconds or as an HTTP date, capped at an hour; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : new Date(header).getTime() - Date.now();
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), MAX_RETRY_DELAY_MS) : undefined;
}
