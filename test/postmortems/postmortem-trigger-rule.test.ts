import type { DataSource } from 'typeorm';
import type { Caller } from '../../src/auth/caller';
import { loadConfig } from '../../src/config/config';
import { createDataSource } from '../../src/db/data-source';
import { Incident } from '../../src/incidents/incident.entity';
import { IncidentStatus, IncidentTrigger, Severity } from '../../src/incidents/incident.enums';
import { postmortemTriggers } from '../../src/incidents/postmortem-triggers';
import { INTERVENTION_KINDS, TimelineEventKind } from '../../src/incidents/timeline/timeline-event-kind.enum';
import { TimelineEvent } from '../../src/incidents/timeline/timeline-event.entity';
import { IncidentMetricsService } from '../../src/postmortems/incident-metrics.service';
import { Postmortem } from '../../src/postmortems/postmortem.entity';
import { PostmortemStatus } from '../../src/postmortems/postmortem.enums';
import { entities } from '../../src/server/modules';
import { User } from '../../src/users/user.entity';
import { UserRole } from '../../src/users/user-role.enum';
import { createTestDatabase } from '../support/test-db';

/**
 * The postmortem-trigger rule exists twice: in TypeScript
 * (src/incidents/postmortem-triggers.ts, behind Incident.postmortemTriggers)
 * and in SQL (src/postmortems/incident-metrics.service.ts, behind
 * postmortemsOwed and incidentMetrics.postmortemsOwed). This test pins them
 * together on a generated history written straight to a real PostgreSQL:
 * random severities, durations (many exactly at, or a millisecond either side
 * of, the severity's resolution limit), flags, timeline kinds and postmortem
 * states. The seed is printed on failure; POSTMORTEM_RULE_SEED replays one.
 */
const SEED = Number(process.env.POSTMORTEM_RULE_SEED ?? Date.now() % 2 ** 31);
const INCIDENTS = 400;

/** mulberry32: a small seeded generator, so a failing history can be replayed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    int: (max: number) => Math.floor(next() * max),
  };
}

describe('the postmortem-trigger rule in SQL and in TypeScript', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  const config = loadConfig({});
  const admin: Caller = { userId: '', role: UserRole.ADMIN, via: 'login' };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = createDataSource(db.url, entities);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'all' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it(`agrees on which incidents owe a postmortem, over ${INCIDENTS} generated incidents`, async () => {
    const random = generator(SEED);
    const user = await dataSource.getRepository(User).save({ email: 'gen@example.com', name: 'Gen', role: UserRole.ADMIN });
    admin.userId = user.id;
    const base = Date.UTC(2026, 0, 1);
    const expected = new Set<string>();
    const bySeverity = new Map<Severity, number>(Object.values(Severity).map((s) => [s, 0]));

    const generated = Array.from({ length: INCIDENTS }, (_, n) => {
      const severity = random.pick(Object.values(Severity));
      const limitMs = config.resolutionLimits[severity] * 1000;
      const durationMs = random.pick([limitMs, limitMs - 1, limitMs + 1, random.int(3 * limitMs), random.int(60_000)]);
      const declaredAt = new Date(base + random.int(30 * 24 * 3600) * 1000 + random.int(1000));
      const status = random.chance(0.8) ? IncidentStatus.RESOLVED : random.pick([IncidentStatus.INVESTIGATING, IncidentStatus.MITIGATED]);
      const incident = dataSource.getRepository(Incident).create({
        title: `generated ${n}`,
        severity,
        status,
        trigger: IncidentTrigger.USER_REPORT,
        declaredAt,
        resolvedAt: status === IncidentStatus.RESOLVED ? new Date(declaredAt.getTime() + durationMs) : null,
        commanderId: user.id,
        declaredById: user.id,
        userVisibleDowntime: random.chance(0.1),
        sloBreached: random.chance(0.1),
        dataLoss: random.chance(0.05),
        monitoringFailure: random.chance(0.1),
      });
      const kinds = Array.from({ length: random.int(4) }, () => random.pick(Object.values(TimelineEventKind)));
      const postmortem = random.pick([null, null, PostmortemStatus.DRAFT, PostmortemStatus.IN_REVIEW, PostmortemStatus.PUBLISHED]);
      return { incident, kinds, postmortem };
    });
    await dataSource.getRepository(Incident).save(generated.map((g) => g.incident), { chunk: 100 });
    await dataSource.getRepository(TimelineEvent).save(
      generated.flatMap(({ incident, kinds }) =>
        kinds.map((kind) => ({ incidentId: incident.id, kind, occurredAt: incident.declaredAt, actorId: user.id, body: kind })),
      ),
      { chunk: 100 },
    );
    await dataSource.getRepository(Postmortem).save(
      generated.flatMap(({ incident, postmortem }) =>
        postmortem
          ? [{ incidentId: incident.id, status: postmortem, startedById: user.id, publishedAt: postmortem === PostmortemStatus.PUBLISHED ? new Date() : null }]
          : [],
      ),
      { chunk: 100 },
    );
    for (const { incident, kinds, postmortem } of generated) {
      const triggers = postmortemTriggers(incident, kinds.some((k) => INTERVENTION_KINDS.has(k)), config.resolutionLimits);
      if (incident.status === IncidentStatus.RESOLVED && postmortem !== PostmortemStatus.PUBLISHED && triggers.length > 0) {
        expected.add(incident.id);
        bySeverity.set(incident.severity, bySeverity.get(incident.severity)! + 1);
      }
    }

    const service = new IncidentMetricsService(dataSource, config);
    const owed = (await service.owed(admin)).map((i) => i.id);
    const metrics = await service.metrics(admin, null, null, null);
    const context = `(seed ${SEED}: POSTMORTEM_RULE_SEED=${SEED} replays this history)`;
    expect({ context, owedBySql: [...owed].sort() }).toEqual({ context, owedBySql: [...expected].sort() });
    expect(metrics.postmortemsOwed).toBe(expected.size);
    expect(Object.fromEntries(metrics.bySeverity.map((s) => [s.severity, s.postmortemsOwed]))).toEqual(Object.fromEntries(bySeverity));
    // The generated history must exercise both answers, or the comparison proves little.
    expect(expected.size).toBeGreaterThan(INCIDENTS / 10);
    expect(expected.size).toBeLessThan(INCIDENTS * 0.8);
  });
});
