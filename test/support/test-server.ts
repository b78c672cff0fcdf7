import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig, type Config } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { startServer, type RunningServer } from '../../src/server/app';
import { createTestDatabase } from './test-db';

export const ADMIN_EMAIL = 'admin@example.test';
export const ADMIN_PASSWORD = 'admin-password-123';
export const TEST_PASSWORD = 'responder-pass-123';

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
  /** Creates a user through the API (as the admin) and logs them in. */
  createUser(role: TestUser['role'], name?: string): Promise<TestUser>;
  /** A real graphql-ws client authenticated with `token` (closed by `close`). */
  wsClient(token?: string): WsClient;
  /** Sum of a counter on /metrics. */
  metric(name: string): Promise<number>;
  close(): Promise<void>;
}

let counter = 0;

/** Starts a server for one test file; call `close` in afterAll. */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sitrep-test-'));
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    databaseUrl: db.url,
    dataDir,
    jwtSecret: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    bootstrapAdminEmail: ADMIN_EMAIL,
    bootstrapAdminPassword: ADMIN_PASSWORD,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Tests are not production: the console test's gzip check introspects (tests of production set it false).
    graphqlIntrospection: true,
    ...overrides,
  };
  const server = await startServer(config, createLogger(config.logLevel));
  const url = server.url;
  const wsUrl = url.replace(/^http/, 'ws') + '/graphql';
  const clients: WsClient[] = [];

  const gql = async <T>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>> => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GqlResult<T>;
  };
  const ok = async <T>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T> => {
    const result = await gql<T>(query, variables, token);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data as T;
  };
  const login = async (email: string, password: string) =>
    (await ok<{ login: { token: string; user: Omit<TestUser, 'token'> } }>(
      `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id email name role } } }`,
      { e: email, p: password },
    )).login;

  const adminLogin = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const admin: TestUser = { ...adminLogin.user, token: adminLogin.token };

  return {
    server,
    url,
    wsUrl,
    databaseUrl: db.url,
    admin,
    gql,
    ok,
    async createUser(role, name) {
      counter += 1;
      const email = `${role.toLowerCase()}${counter}-${Date.now()}@example.test`;
      const display = name ?? `${role[0]}${role.slice(1).toLowerCase()} ${counter}`;
      await ok(
        `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
        { input: { email, name: display, password: TEST_PASSWORD, role } },
        admin.token,
      );
      const session = await login(email, TEST_PASSWORD);
      return { ...session.user, token: session.token };
    },
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
      const text = await (await fetch(`${url}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith(name) && !line.startsWith('#'))
        .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    },
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
      await server.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
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
