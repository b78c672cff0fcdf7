import 'reflect-metadata';
import { countReconnects, Y_WEBSOCKET_VERSIONS, type YWebsocketVersion } from '../support/reconnect-attempts';
import { startTestServer } from '../support/test-server';
import { benchArgs, runBench } from './bench-support';

/**
 * `npm run bench:collab-reconnect [-- --seconds=60]`
 *
 * Reconnect storms: the stock WebsocketProvider of y-websocket 1.5, 2.1 and
 * 3.1 (default backoff) against one incident document with a bad token, all
 * at once for `seconds`; prints each client's connection attempts per minute.
 * Needs DATABASE_URL (a server where it may create a database).
 */
const args = benchArgs();
const SECONDS = Number(args.seconds ?? 60);

async function main(): Promise<void> {
  const t = await startTestServer({ logLevel: 'silent' });
  try {
    const { declareIncident } = await t.ok(
      `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id } }`,
      { input: { title: 'Reconnect bench', severity: 'SEV4', trigger: 'USER_REPORT' } },
      t.admin.token,
    );
    const versions = Object.keys(Y_WEBSOCKET_VERSIONS) as YWebsocketVersion[];
    const counts = await Promise.all(versions.map((v) => countReconnects(t.url, v, declareIncident.id, `bad-token-${v}`, SECONDS * 1000)));
    for (const c of counts) {
      const perMinute = Math.round((c.attempts * 60) / SECONDS);
      console.log(`y-websocket ${c.version}: ${c.attempts} attempts in ${SECONDS} s = ${perMinute}/min; first close ${JSON.stringify(c.closes[0] ?? null)}`);
    }
  } finally {
    await t.close();
  }
}

runBench(main);
