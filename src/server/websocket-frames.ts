import fs from 'node:fs';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

/** How `writeTextFrame` wrote a frame: all of it in one write(2), or (part of it) through the socket's stream. */
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

/** The header of an unmasked, final text frame (RFC 6455 §5.2) of `length` payload bytes, written into `frame`. */
function writeHeader(frame: Buffer, length: number): number {
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (length < 126) {
    frame[1] = length;
    return 2;
  }
  if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
    return 4;
  }
  frame[1] = 127;
  frame.writeBigUInt64BE(BigInt(length), 2);
  return 10;
}

/**
 * Sends the concatenation of `parts` (UTF-8 text) to a server-side `ws`
 * WebSocket as one complete text message, as `socket.send(text)` would.
 *
 * Why not `socket.send`: in a large subscription fan-out the whole cost is one
 * write per socket (a CPU profile at 10,000 subscribers put 92 % of the loop in
 * `writev`), and ws's way through Node's stream (header and payload through
 * Writable's cork and uncork, a WriteWrap each) cost 1.3–1.6× the CPU per
 * message of this one at 1,000 sockets, 1.1× at 5,000 (`npm run
 * bench:socket-writes`; test/bench/RESULTS.md, "Direct frame writes"), most of
 * the rest being the system call itself. So when nothing is waiting on the
 * socket (ws's `bufferedAmount` is 0, which covers its own queue and the
 * stream's, and the stream is not corked) the frame goes to the
 * descriptor in one write(2). Whatever the kernel does not take (a full send
 * buffer: EAGAIN, or a partial write) goes through the socket's stream after
 * what was written, so frames stay whole and in order; a failed write
 * (EPIPE, ECONNRESET) goes the same way, and the stream reports it as it
 * would have. TLS sockets and sockets without a descriptor always use the
 * stream, and so does a socket that negotiated an extension (permessage-deflate
 * is off on Sitrep's graphql-ws server, ws's default, but the frame written
 * here is never compressed).
 */
export function writeTextFrame(socket: WebSocket, parts: readonly Buffer[]): FrameWrite {
  if (socket.readyState !== WebSocket.OPEN) return 'closed';
  const tcp = tcpOf(socket);
  if (!tcp || socket.extensions !== '') {
    socket.send(Buffer.concat(parts), { binary: false });
    return 'queued';
  }
  let length = 0;
  for (const part of parts) length += part.length;
  const size = length + (length < 126 ? 2 : length < 65_536 ? 4 : 10);
  const fd = socket.bufferedAmount === 0 && tcp.writableCorked === 0 && !tcp.destroyed ? descriptorOf(tcp) : undefined;
  // A direct write copies the frame into the kernel before it returns, so one scratch buffer serves every
  // frame: a fan-out to 10,000 sockets allocates nothing per socket (no pool slabs, no external memory for
  // the garbage collector to chase). A frame the stream keeps gets its own copy.
  const frame = fd !== undefined && size <= SCRATCH_BYTES ? scratch : Buffer.allocUnsafe(size);
  let offset = writeHeader(frame, length);
  for (const part of parts) offset += part.copy(frame, offset);
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
