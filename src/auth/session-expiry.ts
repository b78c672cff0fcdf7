/** setTimeout's longest delay (about 24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `onExpiry` at `expiresAt` (epoch ms) on a timer (not a polling
 * interval), so that a socket opened with a login token ends when the token
 * does. Returns the cancel function; does nothing when `expiresAt` is unset
 * (API tokens do not expire).
 */
export function atExpiry(expiresAt: number | undefined, onExpiry: () => void): () => void {
  if (expiresAt === undefined) return () => undefined;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = expiresAt - Date.now();
    if (left <= 0) return onExpiry();
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    // An open socket keeps the process alive by itself; its expiry timer need not.
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

/** The close reason of a socket whose token expired. */
export const TOKEN_EXPIRED = 'token expired; log in again';
