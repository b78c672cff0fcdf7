import crypto from 'node:crypto';
import Redis from 'ioredis';
import { RedisEditorPresence } from '../../src/collab/editor-presence';
import { createLogger } from '../../src/observability/logger';
import { waitFor } from '../support/collab-clients';
import { describeWithRedis, uniqueRedisPrefix } from '../support/redis';

describeWithRedis('editor presence shared through Redis', (redisUrl) => {
  const prefix = uniqueRedisPrefix();
  const log = createLogger('silent');
  let redis: Redis;
  const presences: RedisEditorPresence[] = [];
  const presence = (ttlMs: number) => {
    const p = new RedisEditorPresence(redisUrl, prefix, ttlMs, log);
    presences.push(p);
    return p;
  };

  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  afterAll(async () => {
    await Promise.all(presences.map((p) => p.close()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("keeps an instance's editors while it refreshes them, and drops those of an instance that stopped (crashed) after the TTL", async () => {
    const incidentId = crypto.randomUUID();
    // Wide enough that a busy machine (parallel test workers) does not expire the live entries between refreshes.
    const ttlMs = 1_500;
    const live = presence(ttlMs);
    const reader = presence(ttlMs);
    live.set(incidentId, ['alice']);
    // What a crashed instance leaves behind: an entry nobody refreshes any more.
    await redis.zadd(`${prefix}collab:editors:${incidentId}`, Date.now() + ttlMs, 'deadbeefdeadbeef:bob');
    // Until its connection is up a presence answers with the local editors alone.
    await waitFor(async () => (await reader.editors(incidentId, [])).length === 2, 5_000, 'the reader never saw the shared editors');
    expect((await reader.editors(incidentId, [])).sort()).toEqual(['alice', 'bob']);
    await new Promise((resolve) => setTimeout(resolve, ttlMs + 400));
    expect(await reader.editors(incidentId, ['carol'])).toEqual(['carol', 'alice']);
    live.set(incidentId, []);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await reader.editors(incidentId, [])).toEqual([]);
  });
});

describe('editor presence without Redis', () => {
  it('answers with the local editors when Redis cannot be reached', async () => {
    const unreachable = new RedisEditorPresence('redis://127.0.0.1:1', uniqueRedisPrefix(), 1_000, createLogger('silent'));
    try {
      expect(await unreachable.editors(crypto.randomUUID(), ['alice'])).toEqual(['alice']);
    } finally {
      await unreachable.close();
    }
  });
});
