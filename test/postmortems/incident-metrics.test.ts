import { codeOf, startTestServer, type TestServer, type TestUser } from '../support/test-server';

const METRICS = `query($from: DateTime, $to: DateTime, $severity: [Severity!]) {
  incidentMetrics(from: $from, to: $to, severity: $severity) {
    from to incidentCount openActionItems postmortemsOwed
    timeToMitigate { samples meanSeconds p90Seconds }
    timeToResolve { samples meanSeconds p90Seconds }
    bySeverity {
      severity incidentCount openActionItems postmortemsOwed
      timeToMitigate { samples meanSeconds p90Seconds }
      timeToResolve { samples meanSeconds p90Seconds }
    }
  }
}`;

const FROM = '2026-01-01T00:00:00.000Z';
const TO = '2026-02-01T00:00:00.000Z';
const at = (iso: string, plusSeconds = 0) => new Date(new Date(iso).getTime() + plusSeconds * 1000).toISOString();
const none = { samples: 0, meanSeconds: null, p90Seconds: null };

/**
 * A constructed January 2026 (the default resolution limits: SEV1 1h, SEV2 4h):
 *
 * | incident | severity | mitigated | resolved | owed? | postmortem, open items |
 * | A | SEV1 | 600 s  | 1800 s  | yes: user-visible downtime | none |
 * | B | SEV1 | 1200 s | 2400 s  | no | none |
 * | C | SEV1 | 1800 s | 7200 s  | no: over 1h, but published | PUBLISHED, 2 open + 1 done |
 * | D | SEV2 | 3600 s | 10800 s | yes: a rollback | DRAFT, 1 open |
 * | E | SEV2 | —      | —       | no: still open (data loss) | none |
 * and outside the window F (SEV1, owed, the day before) and G (SEV3, on `to`).
 */
describe('incident metrics and postmortems owed, computed in SQL', () => {
  let t: TestServer;
  let viewer: TestUser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer();
    viewer = await t.createUser('VIEWER', 'Vi');
    const db = t.server.services.dataSource;
    const admin = t.admin.id;
    const incident = async (
      name: string,
      severity: string,
      declared: string,
      mitigatedAfter: number | null,
      resolvedAfter: number | null,
      flags: { downtime?: boolean; dataLoss?: boolean } = {},
    ) => {
      const [row] = await db.query(
        `INSERT INTO incidents (title, severity, status, trigger, declared_at, mitigated_at, resolved_at, commander_id, declared_by_id, user_visible_downtime, data_loss)
         VALUES ($1, $2, $3, 'STAFF_IDENTIFIED', $4, $5, $6, $7, $7, $8, $9) RETURNING id`,
        [
          `Incident ${name}`,
          severity,
          resolvedAfter !== null ? 'RESOLVED' : mitigatedAfter !== null ? 'MITIGATED' : 'INVESTIGATING',
          declared,
          mitigatedAfter === null ? null : at(declared, mitigatedAfter),
          resolvedAfter === null ? null : at(declared, resolvedAfter),
          admin,
          flags.downtime ?? false,
          flags.dataLoss ?? false,
        ],
      );
      ids[name] = row.id;
      await db.query(`INSERT INTO role_assignments (incident_id, role, user_id, assigned_at) VALUES ($1, 'INCIDENT_COMMANDER', $2, $3)`, [row.id, admin, declared]);
      await db.query(`INSERT INTO timeline_events (incident_id, kind, occurred_at, actor_id, body) VALUES ($1, 'DECLARED', $2, $3, 'declared')`, [row.id, declared, admin]);
    };
    const postmortem = async (name: string, status: string, items: string[]) => {
      const [row] = await db.query(
        `INSERT INTO postmortems (incident_id, status, started_by_id, published_at) VALUES ($1, $2, $3, $4) RETURNING id`,
        [ids[name], status, admin, status === 'PUBLISHED' ? new Date() : null],
      );
      for (const itemStatus of items) {
        await db.query(`INSERT INTO action_items (postmortem_id, title, kind, priority, status) VALUES ($1, 'item', 'PREVENT', 'P1', $2)`, [row.id, itemStatus]);
      }
    };
    await incident('A', 'SEV1', '2026-01-01T00:00:00Z', 600, 1800, { downtime: true });
    await incident('B', 'SEV1', '2026-01-02T00:00:00Z', 1200, 2400);
    await incident('C', 'SEV1', '2026-01-03T00:00:00Z', 1800, 7200);
    await incident('D', 'SEV2', '2026-01-04T00:00:00Z', 3600, 10800);
    await incident('E', 'SEV2', '2026-01-05T00:00:00Z', null, null, { dataLoss: true });
    await incident('F', 'SEV1', '2025-12-31T23:59:59Z', 60, 120, { downtime: true });
    await incident('G', 'SEV3', TO, 60, 120);
    await db.query(`INSERT INTO timeline_events (incident_id, kind, occurred_at, body) VALUES ($1, 'ROLLBACK', '2026-01-04T00:30:00Z', 'rolled back')`, [ids.D]);
    await postmortem('C', 'PUBLISHED', ['OPEN', 'IN_PROGRESS', 'DONE']);
    await postmortem('D', 'DRAFT', ['OPEN']);
  });
  afterAll(() => t.close());

  it('computes count, mean and p90 times, open action items and postmortems owed, overall and per severity', async () => {
    const { incidentMetrics: m } = await t.ok(METRICS, { from: FROM, to: TO }, viewer.token);
    expect(m).toMatchObject({ from: FROM, to: TO, incidentCount: 5, openActionItems: 3, postmortemsOwed: 2 });
    // percentile_cont(0.9) over 4 values interpolates at position 2.7: v3 + 0.7 × (v4 − v3).
    expect(m.timeToMitigate).toEqual({ samples: 4, meanSeconds: 1800, p90Seconds: 3060 });
    expect(m.timeToResolve).toEqual({ samples: 4, meanSeconds: 5550, p90Seconds: 9720 });
    expect(m.bySeverity).toEqual([
      {
        severity: 'SEV1',
        incidentCount: 3,
        openActionItems: 2,
        postmortemsOwed: 1,
        timeToMitigate: { samples: 3, meanSeconds: 1200, p90Seconds: 1680 },
        timeToResolve: { samples: 3, meanSeconds: 3800, p90Seconds: 6240 },
      },
      {
        severity: 'SEV2',
        incidentCount: 2,
        openActionItems: 1,
        postmortemsOwed: 1,
        timeToMitigate: { samples: 1, meanSeconds: 3600, p90Seconds: 3600 },
        timeToResolve: { samples: 1, meanSeconds: 10800, p90Seconds: 10800 },
      },
      { severity: 'SEV3', incidentCount: 0, openActionItems: 0, postmortemsOwed: 0, timeToMitigate: none, timeToResolve: none },
      { severity: 'SEV4', incidentCount: 0, openActionItems: 0, postmortemsOwed: 0, timeToMitigate: none, timeToResolve: none },
    ]);
  });

  it('narrows to the severities asked for', async () => {
    const { incidentMetrics: m } = await t.ok(METRICS, { from: FROM, to: TO, severity: 'SEV2' }, viewer.token);
    expect(m).toMatchObject({ incidentCount: 2, openActionItems: 1, postmortemsOwed: 1 });
    expect(m.timeToResolve).toEqual({ samples: 1, meanSeconds: 10800, p90Seconds: 10800 });
    expect(m.bySeverity.map((s: { severity: string }) => s.severity)).toEqual(['SEV2']);
  });

  it('counts every incident when no window is given', async () => {
    const { incidentMetrics: m } = await t.ok(METRICS, {}, viewer.token);
    expect(m).toMatchObject({ from: null, to: null, incidentCount: 7, postmortemsOwed: 3 });
    expect(m.bySeverity.find((s: { severity: string }) => s.severity === 'SEV3').incidentCount).toBe(1);
  });

  it('answers BAD_USER_INPUT when from is not before to', async () => {
    const result = await t.gql(METRICS, { from: TO, to: FROM }, viewer.token);
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toBe('from must be before to');
  });

  it('lists the resolved incidents that owe a postmortem, longest owed first, agreeing with postmortemTriggers', async () => {
    const { postmortemsOwed } = await t.ok(`{ postmortemsOwed { id postmortemRequired postmortemTriggers } }`, {}, viewer.token);
    expect(postmortemsOwed).toEqual([
      { id: ids.F, postmortemRequired: true, postmortemTriggers: ['USER_VISIBLE_DOWNTIME'] },
      { id: ids.A, postmortemRequired: true, postmortemTriggers: ['USER_VISIBLE_DOWNTIME'] },
      { id: ids.D, postmortemRequired: true, postmortemTriggers: ['ONCALL_INTERVENTION'] },
    ]);
    const { incident: c } = await t.ok(`query($id: ID!) { incident(id: $id) { postmortemTriggers postmortem { status } } }`, { id: ids.C }, viewer.token);
    expect(c).toEqual({ postmortemTriggers: ['RESOLUTION_TIME_EXCEEDED'], postmortem: { status: 'PUBLISHED' } });
  });

  it('stops counting a postmortem as owed once it is published', async () => {
    await t.server.services.dataSource.query(`UPDATE postmortems SET status = 'PUBLISHED', published_at = now() WHERE incident_id = $1`, [ids.D]);
    const { postmortemsOwed } = await t.ok(`{ postmortemsOwed { id } }`, {}, viewer.token);
    expect(postmortemsOwed.map((i: { id: string }) => i.id)).toEqual([ids.F, ids.A]);
    const { incidentMetrics: m } = await t.ok(METRICS, { from: FROM, to: TO }, viewer.token);
    expect(m.postmortemsOwed).toBe(1);
  });
});
