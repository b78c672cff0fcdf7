import 'reflect-metadata';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/config';
import { startTestServer } from '../support/test-server';
import { amAlert, amNotification, CREATE_TOKEN } from '../alerts/alertmanager-fixtures';
import type { LoadJob, LoadResult } from './alerts-load';

/**
 * `npm run bench:alerts`: Alertmanager intake throughput and latency against a
 * real server and PostgreSQL (DATABASE_URL, else postgres://postgres@127.0.0.1:5432).
 * The load generator runs on its own thread; it still shares the machine's
 * cores with the server and PostgreSQL, so the numbers are a floor. Sizes: BENCH_GROUPS (default 500), BENCH_REPEATS (default 10000),
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

/** Sends `bodies` from a load generator thread with at most `concurrency` requests in flight. */
function run(name: string, url: string, token: string, bodies: string[], concurrency: number): Promise<Phase> {
  const job: LoadJob = { url, token, bodies, concurrency };
  // The worker inherits `-r ts-node/register/transpile-only` from this process's execArgv.
  const worker = new Worker(path.join(__dirname, 'alerts-load.ts'), { workerData: job });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: LoadResult) => {
      void worker.terminate();
      resolve({ name, requests: bodies.length, seconds: result.seconds, latencies: result.latencies, statuses: new Map(result.statuses) });
    });
    worker.once('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  // The server's own settings that matter here come from the environment as in production.
  const { apiTokenCacheSeconds } = loadConfig();
  const t = await startTestServer({ logLevel: 'silent', apiTokenCacheSeconds });
  const db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
  try {
    const token = (await t.ok(CREATE_TOKEN, { name: 'Alertmanager (bench)', role: 'RESPONDER' }, t.admin.token)).createApiToken.token;
    const url = t.url;
    const groups = Array.from({ length: GROUPS }, (_, g) =>
      JSON.stringify(
        amNotification(
          [1, 2, 3].map((n) => amAlert({ alertname: `Bench${g}`, team: 'bench', severity: 'warning', instance: `host-${n}` }, { annotations: { summary: `bench group ${g}` } })),
          { route: `{}/bench-${g}` },
        ),
      ),
    );
    // Warm-up: JIT, pool connections, prepared plans.
    await run('warm-up', url, token, groups.slice(0, 20), 4);
    const phases: Phase[] = [];
    phases.push(await run('new groups', url, token, groups.slice(20), CONCURRENCY));
    phases.push(await run('repeat deliveries', url, token, Array.from({ length: REPEATS }, (_, i) => groups[i % groups.length]), CONCURRENCY));
    const stampede = Array.from({ length: STAMPEDE_GROUPS }, (_, g) =>
      JSON.stringify(amNotification([amAlert({ alertname: `Stampede${g}`, team: 'bench', instance: 'lb' })], { route: `{}/stampede-${g}` })),
    ).flatMap((body) => Array(STAMPEDE_COPIES).fill(body));
    phases.push(await run(`${STAMPEDE_GROUPS} new groups x ${STAMPEDE_COPIES} concurrent copies`, url, token, stampede, STAMPEDE_COPIES));

    console.log(`\nAlertmanager intake, concurrency ${CONCURRENCY}, 3 alerts per notification, API token cache ${apiTokenCacheSeconds}s\n`);
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
