import crypto from 'node:crypto';
import Redis from 'ioredis';
import type { Logger } from '../observability/logger';

/** How long a document load waits for its Redis subscription before going on without it. @default 2_000 */
const SUBSCRIBE_TIMEOUT_MS = 2_000;
/** After a Redis gap, documents are repaired this long after the connection is back, and once more later. */
const REPAIR_DELAYS_MS = [100, 1_500];

/**
 * Relays y-websocket messages of loaded documents between Sitrep instances
 * over Redis pub/sub (one channel per document), so that editors connected
 * to different instances see each other live. Each message carries the
 * sending instance's id, and an instance ignores its own.
 */
export class DocumentRelay {
  private readonly instanceId = crypto.randomBytes(16);
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Map<string, (message: Uint8Array) => void>();
  private readonly gapListeners: Array<() => void> = [];
  private repairTimers: NodeJS.Timeout[] = [];
  /** `<REDIS_PREFIX>collab:`; a channel per document follows it. */
  private readonly channelPrefix: string;

  constructor(
    url: string,
    private readonly log: Logger,
    redisPrefix = 'sitrep:',
    commandTimeoutMs = 2_000,
  ) {
    this.channelPrefix = `${redisPrefix}collab:`;
    // Lazy: nothing connects until a document is loaded (wiring the services does no I/O).
    // Edits published while Redis is away are not held for long: the repair after the gap sends them.
    this.pub = new Redis(url, { lazyConnect: true, commandTimeout: commandTimeoutMs, maxRetriesPerRequest: 1 });
    this.sub = new Redis(url, { lazyConnect: true });
    for (const client of [this.pub, this.sub]) client.on('error', (error) => log.warn({ err: error }, 'collaboration relay: redis error'));
    // A lost (or restarted) Redis connection dropped every message meanwhile. ioredis resubscribes on
    // 'ready'; the other instances may take a moment longer to be back, hence a second repair.
    let cutOff = false;
    this.sub.on('close', () => {
      cutOff = true;
    });
    this.sub.on('ready', () => {
      if (!cutOff) return;
      cutOff = false;
      log.info('collaboration relay: redis connection back; repairing the loaded documents');
      this.repairTimers.forEach(clearTimeout);
      this.repairTimers = REPAIR_DELAYS_MS.map((delay) => setTimeout(() => this.gapListeners.forEach((listener) => listener()), delay).unref());
    });
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      if (message.length < 16 || message.subarray(0, 16).equals(this.instanceId)) return;
      const handler = this.handlers.get(channel.toString().slice(this.channelPrefix.length));
      handler?.(new Uint8Array(message.buffer, message.byteOffset + 16, message.length - 16));
    });
  }

  /**
   * Starts receiving a document's messages. Resolves once subscribed, or
   * after SUBSCRIBE_TIMEOUT_MS without Redis (the document then works alone).
   */
  async join(incidentId: string, handler: (message: Uint8Array) => void): Promise<void> {
    this.handlers.set(incidentId, handler);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), SUBSCRIBE_TIMEOUT_MS);
    });
    const outcome = await Promise.race([this.sub.subscribe(this.channelOf(incidentId)).catch(() => 'failed' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout' || outcome === 'failed') this.log.warn({ incidentId }, 'collaboration relay unavailable; the document is live on this instance only');
  }

  /** Calls `listener` after each Redis gap (a lost or restarted connection), once the relay works again. */
  onGap(listener: () => void): void {
    this.gapListeners.push(listener);
  }

  /** Stops receiving a document's messages. */
  leave(incidentId: string): void {
    this.handlers.delete(incidentId);
    this.sub.unsubscribe(this.channelOf(incidentId)).catch(() => undefined);
  }

  /** Sends a y-websocket message to the other instances holding the document. */
  publish(incidentId: string, message: Uint8Array): void {
    this.pub.publish(this.channelOf(incidentId), Buffer.concat([this.instanceId, message])).catch((error) => {
      // Debug only: during a Redis outage every keystroke fails here, and the repair after it sends them all.
      this.log.debug({ err: error, incidentId }, 'collaboration relay: publish failed');
    });
  }

  /** Disconnects; documents are stored in PostgreSQL by then, so nothing in flight matters. */
  close(): void {
    this.repairTimers.forEach(clearTimeout);
    this.handlers.clear();
    this.pub.disconnect();
    this.sub.disconnect();
  }

  private channelOf(incidentId: string): string {
    return this.channelPrefix + incidentId;
  }
}
