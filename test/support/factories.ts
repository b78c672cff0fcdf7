import type { Caller } from '../../src/auth/caller';
import type { IncidentStatus } from '../../src/incidents/incident.enums';
import type { IncidentRole } from '../../src/incidents/roles/incident-role.enum';
import type { Audience } from '../../src/incidents/status-updates/audience.enum';
import type { TimelineEventKind } from '../../src/incidents/timeline/timeline-event-kind.enum';
import { hashPassword, type ScryptCost } from '../../src/auth/password';
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

/**
 * The scrypt cost of the factories' users: 1/32 of Sitrep's. A hash carries its
 * cost and login reads it back, so their logins take the same path as anyone's,
 * in about 1 ms of CPU instead of about 40 (the suite logs in hundreds of times,
 * the login-limit tests most). Users created through the API, the bootstrap
 * admin and unknown emails still cost what they cost in production.
 */
export const FIXTURE_PASSWORD_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

let hash: Promise<string> | undefined;

/** The scrypt hash of TEST_PASSWORD: global-setup's, else computed once per test file. */
export function testPasswordHash(): Promise<string> {
  hash ??= process.env[PASSWORD_HASH_ENV] ? Promise.resolve(process.env[PASSWORD_HASH_ENV]!) : fixturePasswordHash();
  return hash;
}

/** TEST_PASSWORD hashed at FIXTURE_PASSWORD_COST. */
export function fixturePasswordHash(): Promise<string> {
  return hashPassword(TEST_PASSWORD, FIXTURE_PASSWORD_COST);
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

/** `holder` takes `role` in the incident, assigned by `by`, through the role service. */
export async function assignRole(t: TestServer, by: TestUser, incidentId: string, role: `${IncidentRole}`, holder: Pick<TestUser, 'id'>): Promise<void> {
  await t.server.services.roles.assign(callerOf(by), incidentId, role as IncidentRole, holder.id);
}

/** A responder's timeline entry (a NOTE unless `kind` says otherwise) by `by`, through the timeline service. */
export async function addTimelineEvent(
  t: TestServer,
  by: TestUser,
  incidentId: string,
  body: string,
  kind: `${TimelineEventKind}` = 'NOTE',
): Promise<void> {
  await t.server.services.timeline.addManual(callerOf(by), incidentId, kind as TimelineEventKind, body, undefined);
}

/** A status update posted by `by`, through the status-update service. */
export async function postStatusUpdate(t: TestServer, by: TestUser, incidentId: string, audience: `${Audience}`, body: string): Promise<void> {
  await t.server.services.statusUpdates.post(callerOf(by), incidentId, audience as Audience, body);
}

/** Moves the incident to `status`, by `by`, through the incident service. */
export async function setIncidentStatus(t: TestServer, by: TestUser, incidentId: string, status: `${IncidentStatus}`): Promise<void> {
  await t.server.services.incidents.setStatus(callerOf(by), incidentId, status as IncidentStatus, undefined);
}
