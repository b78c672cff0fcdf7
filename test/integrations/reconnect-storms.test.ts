import WebSocket from 'ws';
import { declareIncident } from '../support/factories';
import { countReconnects, type YWebsocketVersion } from '../support/reconnect-attempts';
import { startTestServer, type TestServer } from '../support/test-server';

/** Long enough for 1.x/2.x to reach their 2.5 s backoff ceiling. */
const WINDOW_MS = 10_000;

describe('y-websocket clients with a bad token back off (no reconnect storm)', () => {
  let t: TestServer;
  let incidentId: string;

  beforeAll(async () => {
    t = await startTestServer();
    incidentId = await declareIncident(t, t.admin, { title: 'Storm', severity: 'SEV3' });
  });
  afterAll(() => t.close());

  it('bounds the attempts of 1.5, 2.1 and 3.1 with their default settings, and still tells each why (4401)', async () => {
    const versions: YWebsocketVersion[] = ['1.5', '2.1', '3.1'];
    // Each with its own bad token: the first attempt of each credential is explained, the repeats refused.
    const counts = await Promise.all(versions.map((v) => countReconnects(t.url, v, incidentId, `bad-token-${v}`, WINDOW_MS)));
    const byVersion = Object.fromEntries(counts.map((c) => [c.version, c]));
    // Before: 1.5 and 2.1 reconnected every 100 ms (about 100 attempts in 10 s, 600 a minute).
    // Now 100, 200, 400, 800, 1600 ms, then every 2.5 s: about 9 in 10 s, 24 a minute after that.
    for (const v of ['1.5', '2.1'] as const) {
      expect(byVersion[v].attempts).toBeGreaterThanOrEqual(3);
      expect(byVersion[v].attempts).toBeLessThanOrEqual(12);
      expect(byVersion[v].closes[0]).toEqual({ code: 4401, reason: 'invalid token' });
      expect(byVersion[v].closes.slice(1).every((c) => c.code === 1006)).toBe(true);
    }
    // 3.1 treats 4401 as final: one attempt, and it knows why.
    expect(byVersion['3.1'].attempts).toBe(1);
    expect(byVersion['3.1'].closes).toEqual([{ code: 4401, reason: 'invalid token' }]);
    expect(await t.metric('sitrep_collab_refused_upgrades_total')).toBeGreaterThanOrEqual(4);
  });

  it('refuses a repeated bad token with HTTP 401 and a JSON reason, before any handshake', async () => {
    const url = `${t.url.replace(/^http/, 'ws')}/collab/${incidentId}?token=another-bad-token`;
    const attempt = () =>
      new Promise<{ close?: { code: number; reason: string }; status?: number; auth?: string; body?: string }>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('close', (code, reason) => resolve({ close: { code, reason: reason.toString() } }));
        ws.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode, auth: res.headers['www-authenticate'] as string, body }));
        });
        ws.on('error', () => undefined);
      });
    expect(await attempt()).toEqual({ close: { code: 4401, reason: 'invalid token' } });
    const second = await attempt();
    expect(second).toMatchObject({ status: 401, auth: 'Bearer' });
    expect(JSON.parse(second.body!)).toEqual({ errors: [{ message: 'invalid token', extensions: { code: 'UNAUTHENTICATED' } }] });
  });
});
