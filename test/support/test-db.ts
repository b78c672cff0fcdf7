import crypto from 'node:crypto';
import { Client } from 'pg';

/**
 * Where global-setup leaves the name of the migrated template database for the
 * Jest workers (they inherit its environment).
 */
export const TEMPLATE_ENV = 'SITREP_TEST_TEMPLATE_DB';

/** The server of DATABASE_URL (set by CI, or by global-setup's embedded PostgreSQL), database `database`. */
export function serverUrl(database: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Runs the statements one after another, on one connection to the server's maintenance database
 * (CREATE/DROP DATABASE cannot run inside the database, nor with another statement in one query).
 */
export async function adminQuery(...statements: string[]): Promise<void> {
  const admin = new Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  try {
    for (const sql of statements) await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A database name no other run or worker will pick. */
export function uniqueDatabaseName(kind: 'test' | 'tpl'): string {
  return `sitrep_${kind}_${crypto.randomBytes(6).toString('hex')}`;
}

/**
 * A fresh database for one test file, and how to drop it. It is a clone of
 * the migrated template that global-setup made (`CREATE DATABASE … TEMPLATE`,
 * a file copy, much cheaper than running the migrations again), or empty when
 * asked (a test of migrating at start) or when there is no template (a script
 * run outside Jest).
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = uniqueDatabaseName('test');
  const runTemplate = process.env[TEMPLATE_ENV];
  const template = options.empty ? undefined : runTemplate;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await adminQuery(
        template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`,
        // A test database need not survive a crash of PostgreSQL itself: commits do not wait for the WAL to reach the disk.
        `ALTER DATABASE ${name} SET synchronous_commit = off`,
      );
      break;
    } catch (error) {
      // 55006: PostgreSQL refuses to copy a template while another session is connected to it;
      // nothing should be, but a clone is cheap to retry and a flaky failure is not.
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url: serverUrl(name),
    drop: () => (runTemplate ? dropLater(name) : adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/** Databases of this module registry (one suite) that are done with and wait to be dropped with others. */
const done: string[] = [];
/** How many go together: PostgreSQL checkpoints at every DROP DATABASE, and drops sent at once share one. */
const DROP_BATCH = 6;

/**
 * Inside a Jest run, a test file's database is dropped with the next few
 * (70 checkpoints per run, each amid the other workers' writes, cost more
 * than the clones themselves); suite-teardown.ts drops the rest when the
 * suite ends.
 */
async function dropLater(name: string): Promise<void> {
  done.push(name);
  if (done.length >= DROP_BATCH) await dropDone();
}

/** Drops, all at once, the databases this suite is done with. */
export async function dropDone(): Promise<void> {
  await Promise.all(done.splice(0).map((name) => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
}
