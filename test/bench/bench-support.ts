import fs from 'node:fs';
import path from 'node:path';
import type { ChildServer } from '../support/child-server';

/** Small helpers shared by the benchmarks (run outside Jest, `npm run bench:*`). */

/** The `--name=value` arguments of the command line, by name. */
export function benchArgs(): Record<string, string> {
  return Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds (user + system) a process has used, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The `p`th percentile of ascending `sorted` (the sample at p% of the way; NaN when empty). */
export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

/** The JWT secret and first admin of the Sitrep servers a bench starts. */
export const BENCH_JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
export const BENCH_ADMIN = { email: 'admin@bench.test', password: 'bench-password-123' };

/**
 * The environment of a Sitrep server a bench starts: `databaseUrl`, a free
 * port, the bench's secret and first admin, then `extra` on top.
 */
export function benchServerEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    PORT: '0',
    JWT_SECRET: BENCH_JWT_SECRET,
    BOOTSTRAP_ADMIN_EMAIL: BENCH_ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: BENCH_ADMIN.password,
    ...extra,
  };
}

/** Node arguments that write a V8 CPU profile into `dir` (the bench's `--cpu-prof=<dir>`), none without one. */
export function cpuProfArgs(dir: string | undefined): string[] {
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`] : [];
}

/** Stops every child still running (SIGTERM, SIGKILL after 10 s), one after the other, and empties the list. */
export async function stopChildren(children: ChildServer[]): Promise<void> {
  for (const child of children.splice(0)) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) continue;
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
    child.process.kill('SIGTERM');
    await child.exited;
    clearTimeout(timer);
  }
}

/** Runs a bench's `main` and exits with 0, or prints its error and exits with 1. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
