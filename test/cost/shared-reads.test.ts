import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { startServer, type RunningServer } from '../../src/server/app';
import { ADD_EVENT, ASSIGN, declare, quiet, UPDATE } from '../core/core-ops';
import { describeWithRedis, uniqueRedisPrefix } from '../support/redis';
import { codeOf, gqlAt, startTestServer, startWithTeam, type GqlResult, type TestServer, type TestUser } from '../support/test-server';

const BOARD = `query($first: Int) { incidents(first: $first) { edges { node { id title status commander { name } roles { role holder { name } } timeline { kind body actor { name } } } } } }`;
const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }`;
const OFF = { maxEntries: 0, maxBytes: 1024, maxAgeMs: 0 };

/** Counts of `sitrep_graphql_shared_reads_total` by outcome, and SQL statements, between two reads of /metrics. */
async function figures(t: TestServer) {
  const [hit, joined, executed, unshared, statements, entries] = await Promise.all([
    t.metric('sitrep_graphql_shared_reads_total{outcome="hit"}'),
    t.metric('sitrep_graphql_shared_reads_total{outcome="joined"}'),
    t.metric('sitrep_graphql_shared_reads_total{outcome="executed"}'),
    t.metric('sitrep_graphql_shared_reads_total{outcome="unshared"}'),
    t.metric('sitrep_db_queries_total'),
    t.metric('sitrep_graphql_shared_reads_kept{kind="entries"}'),
  ]);
  return { hit, joined, executed, unshared, statements, entries };
}

function delta(after: Awaited<ReturnType<typeof figures>>, before: Awaited<ReturnType<typeof figures>>) {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]])) as typeof after;
}

describe('shared reads: identical queries share one execution', () => {
  let t: TestServer;
  let own: RunningServer;
  let alice: TestUser;
  let bob: TestUser;
  let viewer: TestUser;

  beforeAll(async () => {
    // Kept for a minute here, so that a slow machine does not turn a reuse into a second execution (bounds below).
    ({ t, alice, bob, viewer } = await startWithTeam({ sharedReads: { maxEntries: 500, maxBytes: 32 * 1024 * 1024, maxAgeMs: 60_000 } }));
    // The same database without shared reads: what each caller's own execution gives.
    own = await startServer({ ...t.server.services.config, port: 0, sharedReads: OFF }, createLogger('silent'));
    for (let i = 0; i < 12; i++) {
      const incident = await declare(t, i % 2 ? alice : bob, { title: `Shared ${i}` });
      await t.ok(ASSIGN, { i: incident.id, r: 'COMMUNICATIONS_LEAD', u: (i % 2 ? bob : alice).id }, (i % 2 ? alice : bob).token);
      await t.ok(ADD_EVENT, { i: incident.id, k: 'NOTE', b: `note ${i}` }, alice.token);
    }
  }, 120_000);
  afterAll(async () => {
    await own.close();
    await t.close();
  });

  it('answers 60 concurrent callers of three roles exactly as their own executions would, in one execution per scope', async () => {
    const people = [t.admin, alice, viewer];
    const queries = [
      { query: BOARD, variables: { first: 50 } },
      // A user-dependent field: shared only with the same user.
      { query: `query($first: Int) { me { id name role } incidents(first: $first) { edges { node { id title } } } }`, variables: { first: 5 } },
      // ADMIN only, and not declared shareable: every caller runs it, a viewer is refused.
      { query: `{ apiTokens { id } incidents(first: 3) { edges { node { id } } } }`, variables: {} },
    ];
    const calls = Array.from({ length: 60 }, (_, i) => ({ who: people[i % 3], ...queries[Math.floor(i / 3) % 3] }));
    const before = await figures(t);
    const shared = await Promise.all(calls.map((c) => t.gql(c.query, c.variables, c.who.token)));
    const counted = delta(await figures(t), before);
    for (const [i, c] of calls.entries()) {
      expect(shared[i]).toEqual(await gqlAt(own.url, c.query, c.variables, c.who.token));
    }
    expect(shared[2].data.me).toBeUndefined();
    expect(shared[4].data.me).toEqual({ id: alice.id, name: 'Alice', role: 'RESPONDER' });
    expect(codeOf(shared[8])).toBe('FORBIDDEN');
    expect(shared[6].data.apiTokens).toEqual([]);
    // Board: one execution per role (3); `me`: one per user (3); apiTokens: each of its 18 calls its own.
    expect(counted.executed).toBe(6);
    expect(counted.unshared).toBe(18);
    expect(counted.hit + counted.joined).toBe(60 - 18 - 6);
  });

  it('answers a repeated board query from the kept result, without SQL', async () => {
    await t.ok(BOARD, { first: 50 }, viewer.token);
    const before = await figures(t);
    for (let i = 0; i < 5; i++) await t.ok(BOARD, { first: 50 }, viewer.token);
    const counted = delta(await figures(t), before);
    expect(counted.hit).toBe(5);
    // Only /metrics' own reads: authentication is cached, and the result is kept.
    expect(counted.statements).toBe(0);
    // Byte for byte and header for header what an execution of its own answers (the body is serialized once).
    const raw = async (url: string) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${viewer.token}` },
        body: JSON.stringify({ query: BOARD, variables: { first: 50 } }),
      });
      return { status: response.status, type: response.headers.get('content-type'), cache: response.headers.get('cache-control'), body: await response.text() };
    };
    expect(await raw(t.url)).toEqual(await raw(own.url));
  });

  it('never shares a mutation, and always shows a write to the next read on this instance', async () => {
    const incident = await declare(t, alice, { title: 'Before' });
    const TITLE = `query($id: ID!) { incident(id: $id) { title commander { name } } }`;
    // Readers keep the board and the incident hot while alice writes.
    let reading = true;
    const readers = Array.from({ length: 4 }, async () => {
      while (reading) await Promise.all([t.gql(BOARD, { first: 50 }, viewer.token), t.gql(TITLE, { id: incident.id }, viewer.token)]);
    });
    try {
      for (let i = 0; i < 15; i++) {
        await t.ok(UPDATE, { id: incident.id, input: { title: `Title ${i}` } }, alice.token);
        expect((await t.ok(TITLE, { id: incident.id }, viewer.token)).incident.title).toBe(`Title ${i}`);
        const board = await t.ok(BOARD, { first: 50 }, bob.token);
        expect(board.incidents.edges.find((e: any) => e.node.id === incident.id).node.title).toBe(`Title ${i}`);
      }
      // Identical mutations sent together each run.
      const before = (await t.ok(`query($id: ID!) { incident(id: $id) { timeline { id } } }`, { id: incident.id }, viewer.token)).incident.timeline.length;
      await Promise.all([1, 2, 3].map(() => t.ok(ADD_EVENT, { i: incident.id, k: 'NOTE', b: 'same' }, alice.token)));
      const after = (await t.ok(`query($id: ID!) { incident(id: $id) { timeline { id } } }`, { id: incident.id }, viewer.token)).incident.timeline.length;
      expect(after - before).toBe(3);
      // A rename publishes no event: the commit alone drops what was kept.
      await t.ok(UPDATE_USER, { id: alice.id, input: { name: 'Alice Renamed' } }, t.admin.token);
      expect((await t.ok(TITLE, { id: incident.id }, viewer.token)).incident.commander.name).toBe('Alice Renamed');
    } finally {
      reading = false;
      await Promise.all(readers);
    }
  });

  it('refuses a deactivated user instead of answering from a result kept for their role', async () => {
    const [gone, stays] = [await t.createUser('VIEWER', 'Leaving'), await t.createUser('VIEWER', 'Staying')];
    await t.ok(BOARD, { first: 50 }, gone.token);
    await t.ok(UPDATE_USER, { id: gone.id, input: { deactivated: true } }, t.admin.token);
    // The VIEWER scope's result is kept again, by someone still active.
    await t.ok(BOARD, { first: 50 }, stays.token);
    const before = await figures(t);
    await t.ok(BOARD, { first: 50 }, stays.token);
    expect(delta(await figures(t), before).hit).toBe(1);
    const refused = await t.gql(BOARD, { first: 50 }, gone.token);
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.data ?? null).toBeNull();
  });

  it('does not share an anonymous query or a field declared by no domain', async () => {
    const before = await figures(t);
    expect(codeOf(await t.gql(BOARD, { first: 5 }))).toBe('UNAUTHENTICATED');
    await t.ok(`{ incidents(first: 5) { edges { node { alerts { id } } } } }`, {}, viewer.token);
    await t.ok(`{ incidents(first: 5) { edges { node { alerts { id } } } } }`, {}, viewer.token);
    const counted = delta(await figures(t), before);
    // The anonymous query reaches execution (and its UNAUTHENTICATED) on its own.
    expect(counted.unshared).toBe(3);
    expect(counted.hit + counted.joined + counted.executed).toBe(0);
  });
});

describe('shared reads: bounds', () => {
  let t: TestServer;
  let viewer: TestUser;

  beforeAll(async () => {
    t = await startTestServer({ sharedReads: { maxEntries: 2, maxBytes: 8192, maxAgeMs: 1500 } });
    viewer = await t.createUser('VIEWER');
    for (let i = 0; i < 20; i++) await declare(t, t.admin, { title: `Bounded ${i} ${'x'.repeat(150)}` });
  }, 120_000);
  afterAll(() => t.close());

  it('keeps at most maxEntries results', async () => {
    for (let first = 1; first <= 3; first++) await t.ok(BOARD, { first }, viewer.token);
    expect(await t.metric('sitrep_graphql_shared_reads_kept{kind="entries"}')).toBe(2);
    const before = await figures(t);
    await t.ok(BOARD, { first: 3 }, viewer.token);
    await t.ok(BOARD, { first: 1 }, viewer.token);
    const counted = delta(await figures(t), before);
    expect([counted.hit, counted.executed]).toEqual([1, 1]);
  });

  it('does not keep a result larger than maxBytes, and keeps none longer than maxAgeMs', async () => {
    const big = await t.ok(BOARD, { first: 20 }, viewer.token);
    expect(JSON.stringify({ data: big }).length).toBeGreaterThan(8192);
    let before = await figures(t);
    await t.ok(BOARD, { first: 20 }, viewer.token);
    expect(delta(await figures(t), before).executed).toBe(1);
    expect(await t.metric('sitrep_graphql_shared_reads_kept{kind="bytes"}')).toBeLessThanOrEqual(8192);

    await t.ok(BOARD, { first: 2 }, viewer.token);
    before = await figures(t);
    await t.ok(BOARD, { first: 2 }, viewer.token);
    await quiet(1700);
    await t.ok(BOARD, { first: 2 }, viewer.token);
    const counted = delta(await figures(t), before);
    expect([counted.hit, counted.executed]).toEqual([1, 1]);
  });
});

describeWithRedis('shared reads across instances', (redisUrl) => {
  let a: TestServer;
  let b: RunningServer;

  beforeAll(async () => {
    const redisPrefix = uniqueRedisPrefix();
    a = await startTestServer({ redisUrl, redisPrefix });
    b = await startServer({ ...a.server.services.config, redisUrl, redisPrefix, port: 0 }, createLogger('silent'));
  }, 120_000);
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('drops a result kept on one instance when another instance changes the incident', async () => {
    const incident = await declare(a, a.admin, { title: 'On A' });
    const read = async (): Promise<GqlResult> => gqlAt(b.url, `query($id: ID!) { incident(id: $id) { title } }`, { id: incident.id }, a.admin.token);
    const readA = async () => (await a.ok(`query($id: ID!) { incident(id: $id) { title } }`, { id: incident.id }, a.admin.token)).incident.title;
    expect((await read()).data.incident.title).toBe('On A');
    expect(await readA()).toBe('On A');
    await a.ok(UPDATE, { id: incident.id, input: { title: 'Changed on A' } }, a.admin.token);
    // On the writer's instance at once (its events come back through the log later: the commit drops the result).
    expect(await readA()).toBe('Changed on A');
    const started = Date.now();
    let title = '';
    while (Date.now() - started < 3000 && title !== 'Changed on A') {
      title = (await read()).data.incident.title;
      if (title !== 'Changed on A') await quiet(10);
    }
    expect(title).toBe('Changed on A');
  });
});

describe('shared reads: fields on the clock', () => {
  let t: TestServer;

  beforeAll(async () => {
    const defaults = loadConfig({});
    t = await startTestServer({
      statusUpdateIntervals: { ...defaults.statusUpdateIntervals, SEV1: 2 },
      resolutionLimits: { ...defaults.resolutionLimits, SEV1: 3 },
      sharedReads: { maxEntries: 500, maxBytes: 32 * 1024 * 1024, maxAgeMs: 60_000 },
    });
  }, 120_000);
  afterAll(() => t.close());

  it('turns the overdue flag and then the postmortem triggers when the clock does, though the result is kept', async () => {
    const incident = await declare(t, t.admin, { severity: 'SEV1' });
    const declared = new Date(incident.declaredAt).getTime();
    const [overdueAt, exceededAt] = [declared + 2000, declared + 3000];
    const CLOCK = `query($id: ID!) { incident(id: $id) { postmortemRequired postmortemTriggers statusUpdateOverdue }
      incidents(first: 5) { edges { node { id postmortemRequired statusUpdateOverdue } } } }`;
    const before = await figures(t);
    const reads: Array<{ started: number; ended: number; incident: any }> = [];
    while (Date.now() < exceededAt + 500) {
      const started = Date.now();
      const data = await t.ok(CLOCK, { id: incident.id }, t.admin.token);
      reads.push({ started, ended: Date.now(), incident: data.incident });
      expect(data.incidents.edges.find((e: any) => e.node.id === incident.id).node).toEqual({ id: incident.id, ...data.incident, postmortemTriggers: undefined });
      await quiet(20);
    }
    const phases = [
      { from: -Infinity, to: overdueAt, expected: { postmortemRequired: false, postmortemTriggers: [], statusUpdateOverdue: false } },
      { from: overdueAt, to: exceededAt, expected: { postmortemRequired: false, postmortemTriggers: [], statusUpdateOverdue: true } },
      { from: exceededAt, to: Infinity, expected: { postmortemRequired: true, postmortemTriggers: ['RESOLUTION_TIME_EXCEEDED'], statusUpdateOverdue: true } },
    ];
    for (const phase of phases) {
      const within = reads.filter((r) => r.started > phase.from + 2 && r.ended < phase.to);
      expect(within.length).toBeGreaterThan(0);
      for (const read of within) expect(read.incident).toEqual(phase.expected);
    }
    // One execution per phase (and one more for a read that straddled a turn); the rest were kept answers.
    const counted = delta(await figures(t), before);
    expect(counted.executed).toBeLessThanOrEqual(5);
    expect(counted.hit).toBeGreaterThanOrEqual(reads.length - 5);
  });
});
