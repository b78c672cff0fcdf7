import 'reflect-metadata';
import { startTestServer } from '../support/test-server';

/**
 * `npm run bench:postmortem-metrics` (N=20000 by default): times incidentMetrics
 * and postmortemsOwed over real HTTP on a generated history of N resolved
 * incidents, 40% with a postmortem (half of them published), 3 action items each.
 */
async function main(): Promise<void> {
  const n = Number(process.env.N ?? 20_000);
  const t = await startTestServer();
  try {
    const db = t.server.services.dataSource;
    await db.query(
      `INSERT INTO incidents (title, severity, status, trigger, declared_at, mitigated_at, resolved_at, commander_id, declared_by_id, user_visible_downtime)
       SELECT 'bench ' || g, (ARRAY['SEV1','SEV2','SEV3','SEV4'])[1 + g % 4], 'RESOLVED', 'USER_REPORT',
              timestamptz '2025-01-01' + g * interval '20 minutes',
              timestamptz '2025-01-01' + g * interval '20 minutes' + (g % 97) * interval '1 minute',
              timestamptz '2025-01-01' + g * interval '20 minutes' + (g % 397) * interval '1 minute',
              $1, $1, g % 3 = 0
         FROM generate_series(1, $2) g`,
      [t.admin.id, n],
    );
    await db.query(`INSERT INTO timeline_events (incident_id, kind, occurred_at, body) SELECT id, 'DECLARED', declared_at, 'declared' FROM incidents`);
    await db.query(
      `INSERT INTO postmortems (incident_id, status, started_by_id, published_at)
       SELECT id, CASE WHEN r < 0.2 THEN 'PUBLISHED' ELSE 'DRAFT' END, $1, CASE WHEN r < 0.2 THEN now() END
         FROM (SELECT id, random() AS r FROM incidents) g WHERE r < 0.4`,
      [t.admin.id],
    );
    await db.query(
      `INSERT INTO action_items (postmortem_id, title, kind, priority, status)
       SELECT p.id, 'item', 'PREVENT', 'P1', (ARRAY['OPEN','IN_PROGRESS','DONE'])[1 + (random() * 2)::int] FROM postmortems p, generate_series(1, 3)`,
    );
    await db.query('ANALYZE');

    const rows: string[][] = [];
    const time = async (label: string, query: string, variables?: Record<string, unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < 9; i++) {
        const start = process.hrtime.bigint();
        await t.ok(query, variables, t.admin.token);
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      samples.sort((a, b) => a - b);
      rows.push([label, samples[4].toFixed(1), samples[0].toFixed(1), samples.at(-1)!.toFixed(1)]);
    };
    await time('incidentMetrics, all time', `{ incidentMetrics { incidentCount postmortemsOwed openActionItems timeToResolve { p90Seconds } bySeverity { severity } } }`);
    await time(
      'incidentMetrics, one month, SEV1+SEV2',
      `query($f: DateTime, $t: DateTime) { incidentMetrics(from: $f, to: $t, severity: [SEV1, SEV2]) { incidentCount timeToMitigate { p90Seconds } } }`,
      { f: '2025-03-01T00:00:00Z', t: '2025-04-01T00:00:00Z' },
    );
    await time('postmortemsOwed { id }', `{ postmortemsOwed { id } }`);
    console.log(`${n} incidents, 9 runs each over HTTP (ms)\n`);
    console.log('| query | median | min | max |\n| --- | ---: | ---: | ---: |');
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  } finally {
    await t.close();
  }
}

void main();
