import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { Opcode, writeMessages, writeTextFrame, type FrameWrite } from '../../src/common/websocket-frames';

/**
 * Subscription fan-out writes each `next` frame straight to the socket's descriptor when nothing waits on
 * it (src/common/websocket-frames.ts). Real `ws` servers and clients on real sockets: what arrives must be
 * what `ws.send` would have sent, whole and in order, whatever the kernel takes.
 */
describe('writeTextFrame', () => {
  let server: http.Server | https.Server;
  let wss: WebSocketServer;
  let url: string;
  const clients: WebSocket[] = [];

  /** A ws server on `server`, port 0; resolves with its URL. */
  async function listen(on: http.Server | https.Server, scheme: 'ws' | 'wss', perMessageDeflate = false): Promise<void> {
    server = on;
    wss = new WebSocketServer({ server, perMessageDeflate });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** A client and the server's side of its connection. */
  async function connect(options: { rejectUnauthorized?: boolean } = {}): Promise<{ client: WebSocket; peer: WebSocket; received: string[] }> {
    const peer = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
    const client = new WebSocket(url, options);
    clients.push(client);
    const received: string[] = [];
    client.on('message', (data, binary) => received.push(binary ? `binary:${data.toString()}` : data.toString()));
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    return { client, peer: await peer, received };
  }

  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends texts with 7-bit, 16-bit and 64-bit lengths that a ws client reads as the same text messages', async () => {
    await listen(http.createServer(), 'ws');
    const { peer, received } = await connect();
    const sizes = [0, 1, 125, 126, 300, 65_535, 65_536, 200_000];
    const texts = sizes.map((size, i) => `${i}:${'é'.repeat(Math.floor(size / 2))}`.slice(0, Math.max(size, 2)));
    const ways: FrameWrite[] = texts.map((text) => {
      const bytes = Buffer.from(text);
      return writeTextFrame(peer, [bytes.subarray(0, 1), bytes.subarray(1)]);
    });
    await until(() => received.length === texts.length, 'every message');
    expect(received).toEqual(texts);
    expect(ways.slice(0, 5)).toEqual(['direct', 'direct', 'direct', 'direct', 'direct']);
  });

  it('writes several binary messages in one write, each arriving as its own binary message', async () => {
    await listen(http.createServer(), 'ws');
    const { peer, received } = await connect();
    const update = new Uint8Array([0, 2, 3, 1, 2, 3]);
    const awareness = new Uint8Array(70_000).fill(7);
    expect(writeMessages(peer, Opcode.Binary, [[update], [awareness.subarray(0, 10), awareness.subarray(10)]])).toBe('direct');
    await until(() => received.length === 2, 'both messages');
    expect(received).toEqual([`binary:${Buffer.from(update).toString()}`, `binary:${Buffer.from(awareness).toString()}`]);
  });

  it('keeps messages whole and in order, with ws.send between them, when the kernel stops taking bytes and while it drains', async () => {
    await listen(http.createServer(), 'ws');
    const { client, peer, received } = await connect();
    const expected: string[] = [];
    const send = (i: number): FrameWrite | 'ws.send' => {
      const text = `${i}:${String.fromCharCode(97 + (i % 26)).repeat(16_384)}`;
      expected.push(text);
      if (i % 10 === 9) return peer.send(text), 'ws.send';
      return writeTextFrame(peer, [Buffer.from(text)]);
    };
    client.pause(); // the client stops reading: the kernel's buffers fill, then writes stop being taken
    const paused = Array.from({ length: 1_000 }, (_, i) => send(i)).filter((way) => way !== 'ws.send');
    expect(paused).toContain('direct');
    const firstQueued = paused.indexOf('queued');
    expect(firstQueued).toBeGreaterThan(0);
    expect(paused.slice(firstQueued).every((way) => way === 'queued')).toBe(true);
    expect(peer.bufferedAmount).toBeGreaterThan(0);
    // While the queue drains, the kernel takes bytes again: a frame must still wait behind what is queued.
    client.resume();
    const draining: (FrameWrite | 'ws.send')[] = [];
    for (let i = 1_000; i < 1_500; i++) {
      draining.push(send(i));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => received.length === expected.length, 'every message after resuming');
    expect(received.map((t) => t.slice(0, 12))).toEqual(expected.map((t) => t.slice(0, 12)));
    expect(received).toEqual(expected);
    expect(draining).toContain('queued');
    // Drained: the next one goes straight to the descriptor again.
    await until(() => peer.bufferedAmount === 0, 'the queue to drain');
    expect(writeTextFrame(peer, [Buffer.from('after')])).toBe('direct');
    await until(() => received.at(-1) === 'after', 'the last message');
  });

  it('keeps a frame queued on one socket intact while frames go straight to others', async () => {
    await listen(http.createServer(), 'ws');
    const slow = await connect();
    const fast = await connect();
    slow.client.pause();
    const slowTexts: string[] = [];
    const fastTexts: string[] = [];
    const fastWays: FrameWrite[] = [];
    const toFast = async () => {
      await new Promise((resolve) => setImmediate(resolve)); // the reading client reads
      const text = `fast ${fastTexts.length}:${'f'.repeat(32_000)}`;
      fastTexts.push(text);
      fastWays.push(writeTextFrame(fast.peer, [Buffer.from(text)]));
    };
    let way: FrameWrite = 'direct';
    for (let i = 0; way === 'direct' && i < 10_000; i++) {
      const text = `slow ${i}:${'s'.repeat(32_000)}`;
      slowTexts.push(text);
      way = writeTextFrame(slow.peer, [Buffer.from(text)]);
      await toFast();
    }
    expect(way).toBe('queued');
    // The slow socket's last frame waits in its stream; frames to the reading socket go straight out meanwhile.
    fastWays.length = 0;
    for (let i = 0; i < 20; i++) await toFast();
    expect(fastWays).toContain('direct');
    slow.client.resume();
    await until(() => slow.received.length === slowTexts.length, 'the slow socket to catch up');
    expect(slow.received).toEqual(slowTexts);
    await until(() => fast.received.length === fastTexts.length, 'the fast socket');
    expect(fast.received).toEqual(fastTexts);
  });

  it('leaves TLS connections to the stream, so that a wss client reads the text, not plaintext bytes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sitrep-wss-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
      await listen(https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }), 'wss');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const { client, peer, received } = await connect({ rejectUnauthorized: false });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    expect(writeTextFrame(peer, [Buffer.from('{"over":'), Buffer.from('"tls"}')])).toBe('queued');
    await until(() => received.length === 1, 'the message over TLS');
    expect(received).toEqual(['{"over":"tls"}']);
    expect(errors).toEqual([]);
  });

  it('leaves a connection that negotiated permessage-deflate to ws.send, so that its messages may be compressed', async () => {
    await listen(http.createServer(), 'ws', true);
    const { client, peer, received } = await connect();
    expect(client.extensions).toMatch(/permessage-deflate/);
    expect(writeTextFrame(peer, [Buffer.from('{"compressed":'), Buffer.from('true}')])).toBe('queued');
    await until(() => received.length === 1, 'the compressed message');
    expect(received).toEqual(['{"compressed":true}']);
  });

  it('writes nothing to a closed socket, and lets the stream report a connection the peer dropped', async () => {
    await listen(http.createServer(), 'ws');
    const { client, peer } = await connect();
    const closed = new Promise<void>((resolve) => peer.once('close', () => resolve()));
    client.terminate(); // the peer's TCP socket is destroyed without a closing handshake
    let writes = 0;
    while (peer.readyState === WebSocket.OPEN && writes < 100_000) {
      writeTextFrame(peer, [Buffer.from('x'.repeat(1_024))]);
      writes += 1;
      if (writes % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await closed;
    expect(peer.readyState).toBe(WebSocket.CLOSED);
    expect(writeTextFrame(peer, [Buffer.from('late')])).toBe('closed');
  });
});
