import 'reflect-metadata';
import http from 'node:http';
import { Client } from 'pg';
import { startTestServer } from '../support/test-server';
import { amAlert, amNotification, CREATE_TOKEN } from '../alerts/alertmanager-fixtures';

/**
 * `npm run bench:alerts`: Alertmanager intake throughput and latency against a
 * real server and PostgreSQL (DATABASE_URL, else postgres://postgres@127.0.0.1:5432).
 * Client and server share this process and the machine's cores, so the numbers
 * are a floor. Sizes: BENCH_GROUPS (default 500), BENCH_REPEATS (default 10000),
 * BENCH_CONCURRENCY (default 32).
 */
const GROUPS = Number(process.env.BENCH_GROUPS ?? 500);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const STAMPEDE_GROUPS = 20;
const STAMPEDE_COPIES = 50;

interface Phase {
  name: string;
  requests: number;
  seconds: number;
  latencies: number[];
  statuses: Map<number, number>;
}

function post(agent: http.Agent, url: URL, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: '/webhooks/alertmanager', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends `bodies` with at most `concurrency` requests in flight. */
async function run(name: string, agent: http.Agent, url: URL, token: string, bodies: string[], concurrency: number): Promise<Phase> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const t0 = process.hrtime.bigint();
      const status = await post(agent, url, token, body);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { name, requests: bodies.length, seconds: Number(process.hrtime.bigint() - started) / 1e9, latencies, statuses };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const t = await startTestServer({ logLevel: 'silent' });
  const db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
  try {
    const token = (await t.ok(CREATE_TOKEN, { name: 'Alertmanager (bench)', role: 'RESPONDER' }, t.admin.token)).createApiToken.token;
    const url = new URL(t.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const groups = Array.from({ length: GROUPS }, (_, g) =>
      JSON.stringify(
        amNotification(
          [1, 2, 3].map((n) => amAlert({ alertname: `Bench${g}`, team: 'bench', severity: 'warning', instance: `host-${n}` }, { annotations: { summary: `bench group ${g}` } })),
          { route: `{}/bench-${g}` },
        ),
      ),
    );
    // Warm-up: JIT, pool connections, prepared plans.
    await run('warm-up', agent, url, token, groups.slice(0, 20), 4);
    const phases: Phase[] = [];
    phases.push(await run('new groups', agent, url, token, groups.slice(20), CONCURRENCY));
    phases.push(await run('repeat deliveries', agent, url, token, Array.from({ length: REPEATS }, (_, i) => groups[i % groups.length]), CONCURRENCY));
    const stampede = Array.from({ length: STAMPEDE_GROUPS }, (_, g) =>
      JSON.stringify(amNotification([amAlert({ alertname: `Stampede${g}`, team: 'bench', instance: 'lb' })], { route: `{}/stampede-${g}` })),
    ).flatMap((body) => Array(STAMPEDE_COPIES).fill(body));
    phases.push(await run(`${STAMPEDE_GROUPS} new groups x ${STAMPEDE_COPIES} concurrent copies`, agent, url, token, stampede, STAMPEDE_COPIES));
    agent.destroy();

    console.log(`\nAlertmanager intake, concurrency ${CONCURRENCY}, 3 alerts per notification\n`);
    console.log('| phase | requests | notifications/s | p50 ms | p99 ms | max ms | HTTP statuses |');
    console.log('|---|---:|---:|---:|---:|---:|---|');
    for (const p of phases) {
      const sorted = [...p.latencies].sort((a, b) => a - b);
      const statuses = [...p.statuses].map(([s, n]) => `${s}x${n}`).join(' ');
      console.log(
        `| ${p.name} | ${p.requests} | ${(p.requests / p.seconds).toFixed(0)} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${sorted.at(-1)!.toFixed(1)} | ${statuses} |`,
      );
    }
    const duplicates = Number(
      (await db.query(`SELECT count(*) AS n FROM (SELECT group_key FROM alert_groups GROUP BY source, key_hash, group_key HAVING count(*) > 1) d`)).rows[0].n,
    );
    const incidents = Number((await db.query(`SELECT count(*) AS n FROM incidents WHERE trigger = 'AUTOMATED_ALERT'`)).rows[0].n);
    const expected = GROUPS + STAMPEDE_GROUPS;
    console.log(`\nincidents opened: ${incidents} (expected ${expected}); groups with more than one incident: ${duplicates}`);
    if (incidents !== expected || duplicates !== 0) {
      console.error('FAIL: duplicate or missing incidents');
      process.exitCode = 1;
    }
  } finally {
    await db.end();
    await t.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
