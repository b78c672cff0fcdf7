import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { Pool } from 'pg';
import WebSocket from 'ws';
import { loadConfig, type Config } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { startServer, type RunningServer } from '../../src/server/app';
import { createUser, TEST_PASSWORD } from './factories';
import { httpText } from './http-client';
import { uniqueRedisPrefix } from './redis';
import { createTestDatabase } from './test-db';

export const ADMIN_EMAIL = 'admin@example.test';
export const ADMIN_PASSWORD = 'admin-password-123';
export { TEST_PASSWORD };

export interface GqlResult<T = any> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; [k: string]: unknown } }>;
}

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: 'ADMIN' | 'RESPONDER' | 'VIEWER';
  token: string;
}

/** The contract codes of a result's errors (empty when it succeeded). */
export function codes(result: GqlResult): string[] {
  return (result.errors ?? []).map((e) => String(e.extensions?.code));
}

/** The contract code of a result's first error (undefined when it succeeded). */
export function codeOf(result: GqlResult): string | undefined {
  return codes(result)[0];
}

/** POSTs a GraphQL operation over real HTTP to the server at `url` (any Sitrep, child processes included). */
export async function gqlAt<T = any>(url: string, query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>> {
  const text = await httpText(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return JSON.parse(text) as GqlResult<T>;
}

/** Like gqlAt, but fails on any error and returns data. */
export async function okAt<T = any>(url: string, query: string, variables?: Record<string, unknown>, token?: string): Promise<T> {
  const result = await gqlAt<T>(url, query, variables, token);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** A Sitrep server on port 0 with a fresh database, and clients to talk to it. */
export interface TestServer {
  server: RunningServer;
  url: string;
  wsUrl: string;
  databaseUrl: string;
  admin: TestUser;
  /** POSTs a GraphQL operation over real HTTP. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  /** Like gql, but fails the test on any error and returns data. */
  ok<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  /** A user with a login token, written straight to the database (see factories.ts `createUser`). */
  createUser(role: TestUser['role'], name?: string): Promise<TestUser>;
  /** Runs SQL on this server's database over a connection of the test's own (not the server's pool, whose queries some tests count). */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  /** A real graphql-ws client authenticated with `token` (closed by `close`). */
  wsClient(token?: string): WsClient;
  /** Sum of a counter on /metrics. */
  metric(name: string): Promise<number>;
  close(): Promise<void>;
}

/** Starts a server for one test file; call `close` in afterAll. */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  // A test that brings its own database (a private PostgreSQL it freezes, say) gets no clone.
  const db = overrides.databaseUrl ? undefined : await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sitrep-test-'));
  const defaults = loadConfig({});
  // Parallel workers (and other runs) may share one Redis: channels and keys of this server's own.
  const redisPrefix = overrides.redisPrefix ?? uniqueRedisPrefix();
  const config: Config = {
    ...defaults,
    redisPrefix,
    loginLimits: { ...defaults.loginLimits, keyPrefix: `${redisPrefix}login:` },
    port: 0,
    host: '127.0.0.1',
    databaseUrl: db?.url,
    dataDir,
    jwtSecret: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    bootstrapAdminEmail: ADMIN_EMAIL,
    bootstrapAdminPassword: ADMIN_PASSWORD,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    // One overdue sweep at start, none later: a sweep's statement would land in tests that count statements.
    statusUpdateCheckMs: 3_600_000,
    // Tests are not production: the console test's gzip check introspects (tests of production set it false).
    graphqlIntrospection: true,
    ...overrides,
  };
  const server = await startServer(config, createLogger(config.logLevel));
  const url = server.url;
  const wsUrl = url.replace(/^http/, 'ws') + '/graphql';
  const clients: WsClient[] = [];

  const gql = <T>(query: string, variables?: Record<string, unknown>, token?: string) => gqlAt<T>(url, query, variables, token);
  const ok = <T>(query: string, variables?: Record<string, unknown>, token?: string) => okAt<T>(url, query, variables, token);
  let pool: Pool | undefined;
  const sql = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
    if (!pool) {
      pool = new Pool({ connectionString: config.databaseUrl, max: 2 });
      // An idle connection of this helper pool may be ended under it (the database dropped WITH (FORCE), the
      // server restarted by a test): the next query takes a fresh one. Unhandled, pg-pool's 'error' event
      // would fail whichever test file this worker runs at that moment.
      pool.on('error', () => undefined);
    }
    return (await pool.query(text, params)).rows as T[];
  };

  // The admin that startServer bootstrapped, with a token signed as `login` would (no scrypt, no HTTP).
  const [adminRow] = await sql<{ id: string; email: string; name: string }>('SELECT id, email, name FROM users WHERE email = $1', [
    config.bootstrapAdminEmail.toLowerCase(),
  ]);
  const admin: TestUser = { ...adminRow, role: 'ADMIN', token: await server.services.tokens.sign(adminRow.id, 0) };

  const t: TestServer = {
    server,
    url,
    wsUrl,
    databaseUrl: config.databaseUrl!,
    admin,
    gql,
    ok,
    createUser: (role, name) => createUser(t, role, { name }),
    sql,
    wsClient(token) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        lazy: true,
        retryAttempts: 0,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      });
      clients.push(client);
      return client;
    },
    async metric(name) {
      const text = await httpText(`${url}/metrics`);
      return text
        .split('\n')
        .filter((line) => line.startsWith(name) && !line.startsWith('#'))
        .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    },
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
      await pool?.end();
      await server.close();
      await db?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** The people most test files work with: responders Alice and Bob, and Vera, a viewer. */
export interface Team {
  alice: TestUser;
  bob: TestUser;
  viewer: TestUser;
}

/** `startTestServer` plus the usual team, written straight to its database (see factories.ts). */
export async function startWithTeam(overrides: Partial<Config> = {}): Promise<Team & { t: TestServer }> {
  const t = await startTestServer(overrides);
  const [alice, bob, viewer] = await Promise.all([
    createUser(t, 'RESPONDER', { name: 'Alice' }),
    createUser(t, 'RESPONDER', { name: 'Bob' }),
    createUser(t, 'VIEWER', { name: 'Vera' }),
  ]);
  return { t, alice, bob, viewer };
}

/**
 * Collects what a subscription delivers. `next(n)` waits until n values have
 * arrived (or fails after `timeoutMs`).
 */
export function collect<T = any>(client: WsClient, query: string, variables?: Record<string, unknown>) {
  const values: GqlResult<T>[] = [];
  const waiters: Array<() => void> = [];
  let error: unknown;
  let completed = false;
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        values.push(value as GqlResult<T>);
        waiters.splice(0).forEach((w) => w());
      },
      error: (e) => {
        error = e;
        waiters.splice(0).forEach((w) => w());
      },
      complete: () => {
        completed = true;
        waiters.splice(0).forEach((w) => w());
      },
    },
  );
  return {
    values,
    get error() {
      return error;
    },
    get completed() {
      return completed;
    },
    unsubscribe,
    async next(count: number, timeoutMs = 5000): Promise<GqlResult<T>[]> {
      const deadline = Date.now() + timeoutMs;
      while (values.length < count) {
        if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} subscription values, got ${values.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return values.slice(0, count);
    },
    /** Waits until the server has acknowledged the subscription by letting `ms` pass quietly. */
    settle(ms = 150): Promise<void> {
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
  };
}
