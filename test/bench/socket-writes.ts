import { fork } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { writeTextFrame } from '../../src/common/websocket-frames';
import { benchArgs, runBench, sleep } from './bench-support';

/**
 * `npm run bench:socket-writes [-- --sockets=1000 --rounds=10]`: what one small WebSocket message costs the
 * server per socket, the whole of a subscription fan-out once its payload is built. N ws connections from a
 * client process that only reads; each round sends one 150-byte text message to every socket, in one
 * synchronous loop, 300 ms apart; the server's CPU (user + system, `process.cpuUsage`) and wall time per
 * message, averaged over the rounds after two unmeasured ones. Ways, alternated round by round:
 *
 * - `ws.send`: ws frames it and writes header and payload through the stream (cork, two writes, uncork: writev);
 * - `writeTextFrame`: Sitrep's fan-out write (src/common/websocket-frames.ts), one write(2) on the descriptor;
 * - `fs.writeSync`: a prebuilt frame written on the descriptor, the floor under the two.
 */
const WAYS = ['ws.send', 'writeTextFrame', 'fs.writeSync'] as const;

if (process.argv[2] === 'client') {
  const [url, count] = [process.argv[3], Number(process.argv[4])];
  let open = 0;
  for (let i = 0; i < count; i++) {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.on('open', () => ++open === count && process.send!('open'));
    socket.on('message', () => undefined);
  }
} else {
  runBench(async () => {
    const args = benchArgs();
    const count = Number(args.sockets ?? 1_000);
    const rounds = Number(args.rounds ?? 10);
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => wss.once('listening', resolve));
    const sockets: WebSocket[] = [];
    wss.on('connection', (socket) => sockets.push(socket));
    const client = fork(__filename, ['client', `ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}`, String(count)], { execArgv: ['-r', 'ts-node/register/transpile-only'] });
    await new Promise((resolve) => client.once('message', resolve));
    const text = Buffer.from(`{"id":"1","type":"next","payload":{"data":{"incidentsChanged":{"kind":"UPDATED","incident":{"id":"1","status":"INVESTIGATING","title":"${'x'.repeat(40)}"}}}}}`);
    const framed = Buffer.concat([Buffer.from([0x81, 126, text.length >> 8, text.length & 0xff]), text]);
    const totals = new Map(WAYS.map((way) => [way, { user: 0, system: 0, wall: 0, rounds: 0 }]));
    for (let round = 0; round < (rounds + 2) * WAYS.length; round++) {
      const way = WAYS[round % WAYS.length];
      await sleep(300);
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      for (const socket of sockets) {
        if (way === 'ws.send') socket.send(text, { binary: false });
        else if (way === 'writeTextFrame') writeTextFrame(socket, [text]);
        else fs.writeSync((socket as unknown as { _socket: { _handle: { fd: number } } })._socket._handle.fd, framed);
      }
      const wall = Number(process.hrtime.bigint() - started) / 1_000;
      const spent = process.cpuUsage(cpu);
      if (round < 2 * WAYS.length) continue;
      const total = totals.get(way)!;
      total.user += spent.user;
      total.system += spent.system;
      total.wall += wall;
      total.rounds += 1;
    }
    client.kill();
    wss.close();
    console.log(`\n${count} sockets, ${rounds} rounds per way; µs per message\n`);
    console.log('| way            | user | system | CPU  | wall |');
    console.log('|----------------|------|--------|------|------|');
    for (const [way, t] of totals) {
      const per = (us: number) => (us / t.rounds / count).toFixed(1).padStart(4);
      console.log(`| ${way.padEnd(14)} | ${per(t.user)} | ${per(t.system).padStart(6)} | ${per(t.user + t.system)} | ${per(t.wall)} |`);
    }
  });
}
