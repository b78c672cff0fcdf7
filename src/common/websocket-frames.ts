import fs from 'node:fs';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

/** How `writeMessages` wrote its frames: all of it in one write(2), or (part of it) through the socket's stream. */
export type FrameWrite = 'direct' | 'queued' | 'closed';

/** Frames up to this size are built in one reused buffer when they go straight to the descriptor. */
const SCRATCH_BYTES = 64 * 1024;
const scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);

/** The socket under a `ws` WebSocket (ws keeps it as `_socket`; it has no public accessor). */
function tcpOf(socket: WebSocket): Socket | undefined {
  return (socket as unknown as { _socket?: Socket })._socket;
}

/** The file descriptor of a plain TCP socket, or undefined (closed, TLS, or not a libuv TCP handle). */
function descriptorOf(tcp: Socket): number | undefined {
  if ((tcp as Socket & { encrypted?: boolean }).encrypted) return undefined;
  const fd = (tcp as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * Close code 1013, try again later (RFC 6455 §7.4.1, IANA registry): for a client too slow to read what it is
 * sent. Clients of both sockets (graphql-ws, y-websocket) reconnect after it.
 */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** WebSocket opcodes (RFC 6455 §5.2) of the messages written here. */
export enum Opcode {
  Text = 1,
  Binary = 2,
}

/** Bytes of a message made of `parts`. */
function byteLength(parts: readonly Uint8Array[]): number {
  let length = 0;
  for (const part of parts) length += part.length;
  return length;
}

/** Bytes of the header of an unmasked frame of `length` payload bytes. */
function headerBytes(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/** The header of an unmasked, final frame (RFC 6455 §5.2) of `length` payload bytes, written at `at`. */
function writeHeader(frame: Buffer, at: number, opcode: Opcode, length: number): number {
  frame[at] = 0x80 | opcode; // FIN
  if (length < 126) {
    frame[at + 1] = length;
    return at + 2;
  }
  if (length < 65_536) {
    frame[at + 1] = 126;
    frame.writeUInt16BE(length, at + 2);
    return at + 4;
  }
  frame[at + 1] = 127;
  frame.writeBigUInt64BE(BigInt(length), at + 2);
  return at + 10;
}

/**
 * Sends `messages` to a server-side `ws` WebSocket, each one message of the
 * given `opcode` made of its parts joined, in one write to the socket, as
 * `socket.send` of each would.
 *
 * Why not `socket.send`: in a large subscription fan-out the whole cost is one
 * write per socket (a CPU profile at 10,000 subscribers put 92 % of the loop in
 * `writev`), and ws's way through Node's stream (header and payload through
 * Writable's cork and uncork, a WriteWrap each) cost 1.3–1.6× the CPU per
 * message of this one at 1,000 sockets, 1.1× at 5,000 (`npm run
 * bench:socket-writes`; test/bench/RESULTS.md, "Direct frame writes"), most of
 * the rest being the system call itself. So when nothing is waiting on the
 * socket (ws's `bufferedAmount` is 0, which covers its own queue and the
 * stream's, and the stream is not corked) the frames go to the descriptor in
 * one write(2). Whatever the kernel does not take (a full send buffer: EAGAIN,
 * or a partial write) goes through the socket's stream after what was
 * written, so frames stay whole and in order; a failed write (EPIPE,
 * ECONNRESET) goes the same way, and the stream reports it as it would have.
 * TLS sockets and sockets without a descriptor always use the stream, and so
 * does a socket that negotiated an extension (permessage-deflate is off on
 * Sitrep's servers, ws's default, but the frames written here are never
 * compressed): those get `socket.send` of each message.
 */
export function writeMessages(socket: WebSocket, opcode: Opcode, messages: readonly (readonly Uint8Array[])[]): FrameWrite {
  if (socket.readyState !== WebSocket.OPEN) return 'closed';
  const tcp = tcpOf(socket);
  if (!tcp || socket.extensions !== '') {
    for (const parts of messages) socket.send(parts.length === 1 ? parts[0] : Buffer.concat(parts), { binary: opcode === Opcode.Binary });
    return 'queued';
  }
  let size = 0;
  for (const parts of messages) {
    const length = byteLength(parts);
    size += headerBytes(length) + length;
  }
  const fd = socket.bufferedAmount === 0 && tcp.writableCorked === 0 && !tcp.destroyed ? descriptorOf(tcp) : undefined;
  // A direct write copies the frames into the kernel before it returns, so one scratch buffer serves every
  // write: a fan-out to 10,000 sockets allocates nothing per socket (no pool slabs, no external memory for
  // the garbage collector to chase). Frames the stream keeps get their own copy.
  const frame = fd !== undefined && size <= SCRATCH_BYTES ? scratch : Buffer.allocUnsafe(size);
  let offset = 0;
  for (const parts of messages) {
    offset = writeHeader(frame, offset, opcode, byteLength(parts));
    for (const part of parts) {
      frame.set(part, offset);
      offset += part.length;
    }
  }
  let written = 0;
  if (fd !== undefined) {
    try {
      written = fs.writeSync(fd, frame, 0, size);
    } catch {
      written = 0; // EAGAIN (full send buffer) or a failed socket: the stream queues or reports it
    }
  }
  if (written === size) return 'direct';
  tcp.write(frame === scratch ? Buffer.from(frame.subarray(written, size)) : frame.subarray(written, size));
  return 'queued';
}

/** Sends the concatenation of `parts` (UTF-8 text) as one text message: `writeMessages` of one. */
export function writeTextFrame(socket: WebSocket, parts: readonly Buffer[]): FrameWrite {
  return writeMessages(socket, Opcode.Text, [parts]);
}
