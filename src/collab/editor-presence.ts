import crypto from 'node:crypto';
import DataLoader from 'dataloader';
import Redis from 'ioredis';
import type { Logger } from '../observability/logger';

/**
 * Who edits which incident document: `Incident.activeEditors`. Each instance
 * knows its own sockets; a shared presence adds the other instances' editors.
 */
export interface EditorPresence {
  /** This instance's editors of an incident now (called whenever they change; [] when none are left). */
  set(incidentId: string, userIds: string[]): void;
  /** The incident's editors on every instance, `local` (this instance's) included. */
  editors(incidentId: string, local: string[]): Promise<string[]>;
  close(): Promise<void>;
}

/** Without Redis there is one instance: its own sockets are the whole answer. */
export class LocalEditorPresence implements EditorPresence {
  set(): void {}

  async editors(_incidentId: string, local: string[]): Promise<string[]> {
    return local;
  }

  async close(): Promise<void> {}
}

/** How long a read of the shared presence may take before the answer falls back to this instance's editors. @default 1_000 */
const READ_TIMEOUT_MS = 1_000;

/**
 * Presence shared by the instances behind one Redis. Each incident has a
 * sorted set `<prefix>collab:editors:<incidentId>` whose members are
 * `<instanceId>:<userId>`, scored with the time (ms) the entry expires. An
 * instance writes its entries when its editors change and re-scores them every
 * third of the TTL, so that the entries of an instance that died without
 * saying so lapse after `ttlMs` (readers ignore expired scores; refreshes
 * prune them). Per-user counts stay in memory: Redis only needs to know that
 * an instance has at least one editing socket of that user.
 */
export class RedisEditorPresence implements EditorPresence {
  private readonly instanceId = crypto.randomBytes(8).toString('hex');
  private readonly redis: Redis;
  /** What this instance has written, per incident. */
  private readonly published = new Map<string, Set<string>>();
  private readonly refreshTimer: NodeJS.Timeout;
  // Uncached, so every query sees the current presence; it only batches the reads of one tick into one round trip.
  private readonly reads = new DataLoader<string, string[]>((ids) => this.read(ids), { cache: false });

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, connectionName: 'sitrep-collab-presence', commandTimeout: 2_000 });
    this.redis.on('error', (error) => log.warn({ err: error }, 'collaboration presence: redis error'));
    this.refreshTimer = setInterval(() => this.refresh(), Math.max(100, Math.floor(ttlMs / 3))).unref();
  }

  set(incidentId: string, userIds: string[]): void {
    const before = this.published.get(incidentId) ?? new Set<string>();
    const now = new Set(userIds);
    const removed = [...before].filter((id) => !now.has(id));
    const added = userIds.filter((id) => !before.has(id));
    if (!removed.length && !added.length) return;
    if (now.size) this.published.set(incidentId, now);
    else this.published.delete(incidentId);
    const pipeline = this.redis.pipeline();
    const key = this.keyOf(incidentId);
    if (removed.length) pipeline.zrem(key, ...removed.map((id) => this.memberOf(id)));
    if (added.length) this.score(pipeline, incidentId, added);
    this.run(pipeline, 'update');
  }

  async editors(incidentId: string, local: string[]): Promise<string[]> {
    // While Redis is away (or not yet connected) a read answers at once with this instance's editors, rather than
    // waiting READ_TIMEOUT_MS for a command queued until Redis returns (whose timer would also outlive close()).
    if (this.redis.status !== 'ready') return this.unavailable(incidentId, local);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), READ_TIMEOUT_MS);
    });
    const shared = await Promise.race([this.reads.load(incidentId).catch(() => null), timeout]);
    clearTimeout(timer);
    if (!shared) return this.unavailable(incidentId, local);
    return [...new Set([...local, ...shared])];
  }

  private unavailable(incidentId: string, local: string[]): string[] {
    this.log.warn({ incidentId }, 'collaboration presence unavailable; active editors of this instance only');
    return local;
  }

  /** Takes this instance's entries out at once (rather than after the TTL), then disconnects. */
  async close(): Promise<void> {
    clearInterval(this.refreshTimer);
    const pipeline = this.redis.pipeline();
    for (const [incidentId, userIds] of this.published) pipeline.zrem(this.keyOf(incidentId), ...[...userIds].map((id) => this.memberOf(id)));
    this.published.clear();
    if (this.redis.status === 'ready') await pipeline.exec().catch(() => undefined);
    this.redis.disconnect();
  }

  private async read(incidentIds: readonly string[]): Promise<string[][]> {
    const pipeline = this.redis.pipeline();
    const now = Date.now();
    for (const id of incidentIds) pipeline.zrangebyscore(this.keyOf(id), now, '+inf');
    const results = (await pipeline.exec()) ?? [];
    return incidentIds.map((_, i) => {
      const [error, members] = results[i] ?? [new Error('no reply'), null];
      if (error) throw error;
      return (members as string[]).map((m) => m.slice(m.indexOf(':') + 1));
    });
  }

  private refresh(): void {
    if (!this.published.size) return;
    const pipeline = this.redis.pipeline();
    const now = Date.now();
    for (const [incidentId, userIds] of this.published) {
      this.score(pipeline, incidentId, [...userIds]);
      pipeline.zremrangebyscore(this.keyOf(incidentId), '-inf', `(${now}`);
    }
    this.run(pipeline, 'refresh');
  }

  private score(pipeline: ReturnType<Redis['pipeline']>, incidentId: string, userIds: string[]): void {
    const key = this.keyOf(incidentId);
    const expires = Date.now() + this.ttlMs;
    pipeline.zadd(key, ...userIds.flatMap((id) => [expires, this.memberOf(id)]));
    // The key itself goes when no instance refreshes it any more.
    pipeline.pexpire(key, this.ttlMs);
  }

  private run(pipeline: ReturnType<Redis['pipeline']>, what: string): void {
    pipeline.exec().catch((error) => this.log.warn({ err: error }, `collaboration presence: ${what} failed`));
  }

  private keyOf(incidentId: string): string {
    return `${this.prefix}collab:editors:${incidentId}`;
  }

  private memberOf(userId: string): string {
    return `${this.instanceId}:${userId}`;
  }
}
