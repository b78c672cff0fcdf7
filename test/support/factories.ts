import type { Caller } from '../../src/auth/caller';
import { hashPassword } from '../../src/auth/password';
import type { TestServer, TestUser } from './test-server';

/**
 * Set-up that is not what a test is about, written the short way: users go
 * straight into the database with one precomputed password hash (instead of
 * an scrypt hash per user through `createUser` and another through `login`),
 * incidents and postmortems through the service layer (the rows, timeline and
 * events exactly as the service writes them, without HTTP). Tests that are
 * about the API path keep calling GraphQL themselves.
 */

/** The password of every user the factories create (log in with it where a test is about logging in). */
export const TEST_PASSWORD = 'responder-pass-123';

/** Where global-setup leaves the scrypt hash of TEST_PASSWORD, computed once for the whole run. */
export const PASSWORD_HASH_ENV = 'SITREP_TEST_PASSWORD_HASH';

let hash: Promise<string> | undefined;

/** The scrypt hash of TEST_PASSWORD: global-setup's, else computed once per test file. */
export function testPasswordHash(): Promise<string> {
  hash ??= process.env[PASSWORD_HASH_ENV] ? Promise.resolve(process.env[PASSWORD_HASH_ENV]!) : hashPassword(TEST_PASSWORD);
  return hash;
}

let users = 0;

/**
 * A user written straight to the `users` table (password TEST_PASSWORD) with
 * a login token signed for them, as `login` would. Name and email default to
 * unique ones.
 */
export async function createUser(t: TestServer, role: TestUser['role'], fields: { name?: string; email?: string } = {}): Promise<TestUser> {
  users += 1;
  const name = fields.name ?? `${role[0]}${role.slice(1).toLowerCase()} ${users}`;
  const email = (fields.email ?? `${role.toLowerCase()}${users}-${Date.now()}@example.test`).toLowerCase();
  const [row] = await t.sql<{ id: string }>(
    'INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id',
    [email, name, role, await testPasswordHash()],
  );
  return { id: row.id, email, name, role, token: await t.server.services.tokens.sign(row.id, 0) };
}

/** The caller a request with `user`'s login token would be. */
export function callerOf(user: Pick<TestUser, 'id' | 'role'>): Caller {
  return { userId: user.id, role: user.role as Caller['role'], via: 'login' };
}

/** What a declaration may set; the rest has defaults. */
export interface IncidentFields {
  title?: string;
  summary?: string;
  severity?: string;
  trigger?: string;
}

let incidents = 0;

/**
 * Declares an incident as `user` through the incident service (commander,
 * roles, timeline, live document and events as for the mutation); returns its
 * id. Defaults: a unique title, SEV2, USER_REPORT.
 */
export async function declareIncident(t: TestServer, user: TestUser, fields: IncidentFields = {}): Promise<string> {
  incidents += 1;
  const input = { title: `Incident ${incidents}`, severity: 'SEV2', trigger: 'USER_REPORT', ...fields };
  const incident = await t.server.services.incidents.declare(callerOf(user), input as never);
  return incident.id;
}

/** Declares an incident and starts its postmortem as `user`, through the services; returns both ids. */
export async function declareWithPostmortem(t: TestServer, user: TestUser, fields?: IncidentFields): Promise<{ incidentId: string; postmortemId: string }> {
  const incidentId = await declareIncident(t, user, fields);
  const postmortem = await t.server.services.postmortems.start(callerOf(user), incidentId);
  return { incidentId, postmortemId: postmortem.id };
}
