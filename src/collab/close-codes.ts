import { CLOSE_TRY_AGAIN_LATER } from '../common/websocket-frames';

/**
 * Close codes of the collaboration socket. y-websocket 3.1 treats 4400–4499
 * as final (it stops reconnecting) and everything else as transient.
 */
export const CloseCode = {
  /** The server is shutting down; clients reconnect to the next instance. */
  GOING_AWAY: 1001,
  /** A frame larger than `collab.maxFrameBytes` (sent by `ws` itself). */
  MESSAGE_TOO_BIG: 1009,
  /** The client does not read fast enough; it reconnects and resyncs. */
  TRY_AGAIN_LATER: CLOSE_TRY_AGAIN_LATER,
  /** The user's role changed: the client reconnects and is admitted with its new rights. */
  RIGHTS_CHANGED: 4000,
  /** A frame that is not a valid y-websocket message. */
  MALFORMED: 4400,
  /** Missing, expired, revoked or invalid token: at connect time, when re-checked every `collab.recheckIntervalMs`, or when the user is deactivated. */
  UNAUTHENTICATED: 4401,
  /** The caller may not read this incident (at connect time, or when re-checked). */
  FORBIDDEN: 4403,
  /** No such incident (or a malformed id). */
  NOT_FOUND: 4404,
  /** The edit would make the document larger than `collab.maxDocumentBytes`. */
  DOCUMENT_TOO_LARGE: 4413,
  /** The stored document could not be loaded; transient, so the client retries. */
  LOAD_FAILED: 4500,
} as const;
