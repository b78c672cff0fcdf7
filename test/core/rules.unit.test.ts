import { Action, authorize, can, denial } from '../../src/auth/policy';
import type { Caller } from '../../src/auth/caller';
import { DomainError, ErrorCode } from '../../src/common/errors';
import { ConfigError, loadConfig } from '../../src/config/config';
import type { Incident } from '../../src/incidents/incident.entity';
import { IncidentStatus, PostmortemTrigger, Severity } from '../../src/incidents/incident.enums';
import { postmortemTriggers } from '../../src/incidents/postmortem-triggers';
import { applyStatus } from '../../src/incidents/status-machine';
import { IncidentRole } from '../../src/incidents/roles/incident-role.enum';
import type { RoleAssignmentRecord } from '../../src/incidents/roles/role-assignment.entity';
import { effectiveRoles } from '../../src/incidents/roles/role.service';
import { UserRole } from '../../src/users/user-role.enum';

const { INVESTIGATING, IDENTIFIED, MITIGATED, RESOLVED } = IncidentStatus;
const STATUSES = [INVESTIGATING, IDENTIFIED, MITIGATED, RESOLVED];
const HOUR = 3600;
const LIMITS = { SEV1: HOUR, SEV2: 4 * HOUR, SEV3: 24 * HOUR, SEV4: 72 * HOUR };

function incidentIn(status: IncidentStatus, fields: Partial<Incident> = {}): Incident {
  return { status, mitigatedAt: null, resolvedAt: null, ...fields } as Incident;
}

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}

describe('status machine (applyStatus)', () => {
  const at = new Date('2026-03-01T12:00:00Z');

  // Every pair of statuses: same → refused; from RESOLVED only to INVESTIGATING; any other move allowed.
  const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s follows the rules', (from, to) => {
    const allowed = from !== to && (from !== RESOLVED || to === INVESTIGATING);
    const incident = incidentIn(from, from === RESOLVED ? { mitigatedAt: at, resolvedAt: at } : {});
    expect(codeOf(() => applyStatus(incident, to, at))).toBe(allowed ? undefined : ErrorCode.BAD_USER_INPUT);
    expect(incident.status).toBe(allowed ? to : from);
  });

  it('sets mitigatedAt on the first mitigation and keeps it afterwards', () => {
    const incident = incidentIn(INVESTIGATING);
    const first = new Date('2026-03-01T12:00:00Z');
    applyStatus(incident, MITIGATED, first);
    applyStatus(incident, IDENTIFIED, new Date('2026-03-01T12:10:00Z'));
    applyStatus(incident, MITIGATED, new Date('2026-03-01T12:20:00Z'));
    expect(incident.mitigatedAt).toBe(first);
  });

  it('sets mitigatedAt and resolvedAt together on a jump straight to RESOLVED', () => {
    const incident = incidentIn(IDENTIFIED);
    applyStatus(incident, RESOLVED, at);
    expect(incident.mitigatedAt).toBe(at);
    expect(incident.resolvedAt).toBe(at);
  });

  it('clears resolvedAt on reopening and keeps mitigatedAt', () => {
    const mitigated = new Date('2026-03-01T11:00:00Z');
    const incident = incidentIn(RESOLVED, { mitigatedAt: mitigated, resolvedAt: at });
    applyStatus(incident, INVESTIGATING, new Date('2026-03-01T13:00:00Z'));
    expect(incident.resolvedAt).toBeNull();
    expect(incident.mitigatedAt).toBe(mitigated);
  });
});

describe('postmortem triggers', () => {
  const declaredAt = new Date('2026-03-01T00:00:00Z');
  const base = { userVisibleDowntime: false, sloBreached: false, dataLoss: false, monitoringFailure: false, declaredAt, resolvedAt: null, severity: Severity.SEV4 };
  const after = (seconds: number) => new Date(declaredAt.getTime() + seconds * 1000);

  it('owes nothing without flags, intervention or overtime', () => {
    expect(postmortemTriggers(base, false, LIMITS, after(60))).toEqual([]);
  });

  it('keeps the contract order with everything set', () => {
    const all = { ...base, userVisibleDowntime: true, sloBreached: true, dataLoss: true, monitoringFailure: true, severity: Severity.SEV1 };
    expect(postmortemTriggers(all, true, LIMITS, after(2 * HOUR))).toEqual(Object.values(PostmortemTrigger));
  });

  it.each(Object.entries(LIMITS))('exceeds the %s limit only strictly after %i seconds', (severity, limit) => {
    const incident = { ...base, severity: severity as Severity };
    expect(postmortemTriggers(incident, false, LIMITS, after(limit))).toEqual([]);
    expect(postmortemTriggers(incident, false, LIMITS, after(limit + 1))).toEqual([PostmortemTrigger.RESOLUTION_TIME_EXCEEDED]);
  });

  it('measures a resolved incident to its resolution, not to now', () => {
    const resolved = { ...base, severity: Severity.SEV1, resolvedAt: after(30 * 60) };
    expect(postmortemTriggers(resolved, false, LIMITS, after(10 * HOUR))).toEqual([]);
  });
});

describe('effective roles', () => {
  const row = (role: IncidentRole, userId: string): RoleAssignmentRecord =>
    ({ role, userId, incidentId: 'i', assignedAt: new Date(), relievedAt: null }) as RoleAssignmentRecord;

  it('gives every undelegated role to the commander and lists all four in order', () => {
    const roles = effectiveRoles([row(IncidentRole.INCIDENT_COMMANDER, 'alice'), row(IncidentRole.PLANNING_LEAD, 'bob')]);
    expect(roles.map((r) => [r.role, r.holderId, r.delegated])).toEqual([
      ['INCIDENT_COMMANDER', 'alice', false],
      ['COMMUNICATIONS_LEAD', 'alice', false],
      ['OPERATIONS_LEAD', 'alice', false],
      ['PLANNING_LEAD', 'bob', true],
    ]);
  });

  it('refuses to guess when an incident has no commander', () => {
    expect(() => effectiveRoles([row(IncidentRole.PLANNING_LEAD, 'bob')])).toThrow(/no current commander/);
  });
});

describe('policy', () => {
  const caller = (role: UserRole, userId = `${role}-id`): Caller => ({ userId, role, via: 'login' });
  const viewer = caller(UserRole.VIEWER);
  const responder = caller(UserRole.RESPONDER);
  const admin = caller(UserRole.ADMIN);

  it('answers UNAUTHENTICATED to anonymous callers for every action', () => {
    for (const action of Object.values(Action)) expect(codeOf(() => authorize(null, action))).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it.each([
    [Action.Read, [true, true, true]],
    [Action.DeclareIncident, [false, true, true]],
    [Action.WorkIncident, [false, true, true]],
    [Action.EditDocument, [false, true, true]],
    [Action.WritePostmortem, [false, true, true]],
    [Action.ManageUsers, [false, false, true]],
    [Action.ManageApiTokens, [false, false, true]],
  ])('%s: viewer / responder / admin → %j', (action, expected) => {
    expect([viewer, responder, admin].map((c) => can(c, action))).toEqual(expected);
  });

  it('lets only the commander or an admin assign roles', () => {
    expect(can(responder, Action.AssignRole, { commanderId: responder.userId })).toBe(true);
    expect(can(responder, Action.AssignRole, { commanderId: 'someone-else' })).toBe(false);
    expect(can(admin, Action.AssignRole, { commanderId: 'someone-else' })).toBe(true);
    expect(can(viewer, Action.AssignRole, { commanderId: viewer.userId })).toBe(false);
  });

  it('lets only the effective communications lead or an admin post status updates', () => {
    expect(can(responder, Action.PostStatusUpdate, { communicationsLeadId: responder.userId })).toBe(true);
    expect(can(responder, Action.PostStatusUpdate, { commanderId: responder.userId, communicationsLeadId: 'delegate' })).toBe(false);
    expect(can(admin, Action.PostStatusUpdate, { communicationsLeadId: 'delegate' })).toBe(true);
  });

  it('explains a refusal', () => {
    expect(denial(viewer, Action.DeclareIncident)).toMatch(/VIEWER may not declare incidents; RESPONDER or above/);
    expect(codeOf(() => authorize(viewer, Action.DeclareIncident))).toBe(ErrorCode.FORBIDDEN);
  });
});

describe('resolution limits configuration', () => {
  it('defaults to SEV1 1 h, SEV2 4 h, SEV3 24 h, SEV4 72 h', () => {
    expect(loadConfig({}).resolutionLimits).toEqual(LIMITS);
  });

  it('reads RESOLUTION_LIMIT_SEVn as durations', () => {
    const config = loadConfig({ RESOLUTION_LIMIT_SEV1: '30m', RESOLUTION_LIMIT_SEV2: '2h', RESOLUTION_LIMIT_SEV3: '2d', RESOLUTION_LIMIT_SEV4: '90' });
    expect(config.resolutionLimits).toEqual({ SEV1: 1800, SEV2: 7200, SEV3: 172_800, SEV4: 90 });
  });

  it('refuses a malformed limit, naming the variable', () => {
    expect(() => loadConfig({ RESOLUTION_LIMIT_SEV2: 'soon' })).toThrow(ConfigError);
    expect(() => loadConfig({ RESOLUTION_LIMIT_SEV2: 'soon' })).toThrow(/RESOLUTION_LIMIT_SEV2/);
    expect(() => loadConfig({ RESOLUTION_LIMIT_SEV1: '0' })).toThrow(/RESOLUTION_LIMIT_SEV1 must be positive/);
  });
});
