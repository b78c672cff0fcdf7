import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';

/** y-websocket message types. */
export const MessageType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3 } as const;

/** A y-websocket sync update message carrying `update` (to clients, or to other instances over the relay). */
export function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}
