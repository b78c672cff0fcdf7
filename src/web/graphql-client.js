// @ts-check
/**
 * Talking to Sitrep's GraphQL API from the browser: queries and mutations
 * over HTTP, subscriptions over graphql-ws's own client (`createClient`,
 * served from /vendor as the browser build the package publishes), with the
 * console's policy on top: the bearer token in `connectionParams`, retries
 * with backoff for as long as someone is subscribed, a connection state for
 * the top bar, and `onReconnect` so that views refetch what they missed.
 * Longer than 300 lines because both transports share one error model
 * (ApiError from a response's errors, a close code or a network failure),
 * which is what a view sees whichever way its operation went.
 */
import { createClient } from 'graphql-ws';

/**
 * The text of one GraphQL operation, branded with the types of its result
 * `R` and variables `V` (from src/web/generated/graphql.d.ts), so that
 * `request(INCIDENT, { id })` is checked and returns an `IncidentQuery`.
 * The brand exists only for the type checker: at run time it is a string.
 * @template R, V
 * @typedef {string & { readonly __operation?: [R, V] }} Operation
 */

/**
 * One error of a GraphQL response, as the server formats it.
 * @typedef {{ message: string, extensions?: { code?: unknown, validationErrors?: string[], retryAfterSeconds?: number, [key: string]: unknown } }} ResponseError
 */

/** An error the API answered with: `code` is the contract's extensions.code. */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {string} code UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, CONFLICT, or NETWORK / INTERNAL_SERVER_ERROR
   * @param {ReadonlyArray<ResponseError>} [errors] every error of the response
   */
  constructor(message, code, errors = []) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.errors = errors;
  }
}

/** @param {ReadonlyArray<ResponseError>} errors */
function apiErrorFrom(errors) {
  const code = errors[0]?.extensions?.code;
  const message = errors.map((e) => e.message).join('; ') || 'The server returned an error';
  return new ApiError(message, typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR', errors);
}

/**
 * Queries and mutations over HTTP POST. `getToken` is read on every call so
 * that logging in and out need no new client; `onUnauthenticated` runs when a
 * request that carried a token is refused (the token expired).
 */
export class HttpClient {
  /**
   * @param {{ url?: string, getToken: () => string | null, onUnauthenticated?: () => void }} options
   */
  constructor({ url = '/graphql', getToken, onUnauthenticated = () => {} }) {
    this.url = url;
    this.getToken = getToken;
    this.onUnauthenticated = onUnauthenticated;
  }

  /**
   * Runs one operation and returns its `data`; throws ApiError on any error.
   * @template R, V
   * @param {Operation<R, V>} query
   * @param {NoInfer<V>} [variables] checked against the operation's variables, never inferred from them
   * @returns {Promise<R>}
   */
  async request(query, variables) {
    const token = this.getToken();
    let response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables: variables ?? {} }),
      });
    } catch {
      throw new ApiError('Cannot reach the Sitrep server. Check your connection and try again.', 'NETWORK');
    }
    /** @type {{ data?: R, errors?: ResponseError[] }} */
    let body;
    try {
      body = await response.json();
    } catch {
      throw new ApiError(`The server answered ${response.status} ${response.statusText} without a GraphQL response`, 'NETWORK');
    }
    if (body.errors?.length) {
      const error = apiErrorFrom(body.errors);
      if (error.code === 'UNAUTHENTICATED' && token) this.onUnauthenticated();
      throw error;
    }
    if (body.data === undefined) throw new ApiError('The server answered without data', 'INTERNAL_SERVER_ERROR');
    return body.data;
  }
}

/**
 * Close codes after which reconnecting cannot help. graphql-ws already gives
 * up on most of these by itself; 4403 it retries (a server "might grant
 * access after retry"), but Sitrep sends it for a token it refused.
 */
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4406, 4409, 4429, 4500]);
/** The close codes that mean the token is no good (expired, revoked, password changed). */
const AUTH_CLOSE_CODES = new Set([4401, 4403]);

/** How long to wait for connection_ack before giving up on a socket. @default 10_000 */
const ACK_TIMEOUT_MS = 10_000;
/** How often we ping the server to notice that the connection died. @default 20_000 */
const PING_INTERVAL_MS = 20_000;
/** How long a ping may wait for its pong. @default 10_000 */
const PONG_TIMEOUT_MS = 10_000;
/** Keep the socket this long after the last subscription ends (route changes resubscribe at once). @default 3_000 */
const LAZY_CLOSE_MS = 3_000;

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential from 1 s to
 * 30 s with full jitter, so a restarted server is not hit by every wall
 * dashboard at the same instant.
 * @param {number} attempt
 */
export function backoffDelay(attempt) {
  const ceiling = Math.min(30_000, 1_000 * 2 ** attempt);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** @param {unknown} value @returns {value is { code: number, reason: string }} */
function isCloseEvent(value) {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'number';
}

/**
 * @typedef {'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed'} ConnectionState
 */

/**
 * What a subscription delivers to: `next` gets each event's data; `error`
 * an event's execution error (the subscription goes on) or the end of the
 * subscription (refused, or the connection was refused); `complete` its end.
 * @template T
 * @typedef {{ next: (data: T) => void, error?: (error: ApiError) => void, complete?: () => void }} Sink
 */

/**
 * Subscriptions over graphql-ws. Lazy: the socket opens with the first
 * subscription and closes shortly after the last one ends. Subscriptions
 * survive reconnects (graphql-ws subscribes them again on the new socket),
 * and `onReconnect` listeners are told so that they can refetch what they
 * missed meanwhile.
 */
export class GraphQLWsClient {
  /**
   * @param {{ url: string, getToken: () => string | null, onAuthFailure?: () => void }} options
   */
  constructor({ url, getToken, onAuthFailure = () => {} }) {
    /** @type {ConnectionState} */
    this.state = 'idle';
    /** The open, acknowledged socket, if any. */
    /** @type {WebSocket | null} */
    this.socket = null;
    /** @type {Set<(state: ConnectionState) => void>} */
    this.stateListeners = new Set();
    /** @type {Set<() => void>} */
    this.reconnectListeners = new Set();
    /** The sinks of running subscriptions, to end them on dispose(). */
    /** @type {Set<{ complete: () => void }>} */
    this.active = new Set();
    this.disposed = false;
    /** Ends the current backoff wait early. */
    this.wake = () => {};
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let pongTimer;
    this.client = createClient({
      url,
      // In browsers the global; the tests hand in the `ws` package under this name.
      webSocketImpl: WebSocket,
      connectionParams: () => {
        const token = getToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      lazyCloseTimeout: LAZY_CLOSE_MS,
      connectionAckWaitTimeout: ACK_TIMEOUT_MS,
      keepAlive: PING_INTERVAL_MS,
      retryAttempts: Infinity,
      retryWait: (retries) =>
        new Promise((resolve) => {
          const timer = setTimeout(resolve, backoffDelay(retries));
          this.wake = () => {
            clearTimeout(timer);
            resolve(undefined);
          };
        }),
      // Socket errors are followed by a close: retry those too, unless the server said no for good.
      shouldRetry: (errorOrClose) => !(isCloseEvent(errorOrClose) && FATAL_CLOSE_CODES.has(errorOrClose.code)),
      on: {
        connecting: (isRetry) => this.setState(isRetry ? 'reconnecting' : 'connecting'),
        connected: (socket, _payload, wasRetry) => {
          this.socket = /** @type {WebSocket} */ (socket);
          this.setState('connected');
          if (wasRetry) for (const listener of this.reconnectListeners) listener();
        },
        // A half-open TCP connection (a sleeping laptop, a dropped NAT entry) never closes by itself.
        ping: (received) => {
          if (!received) pongTimer = setTimeout(() => this.client.terminate(), PONG_TIMEOUT_MS);
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimer);
        },
        closed: (event) => {
          clearTimeout(pongTimer);
          this.socket = null;
          if (this.disposed || this.active.size === 0) this.setState('idle');
          else if (isCloseEvent(event) && FATAL_CLOSE_CODES.has(event.code)) {
            this.setState('failed');
            if (AUTH_CLOSE_CODES.has(event.code)) onAuthFailure();
          } else this.setState('reconnecting');
        },
      },
    });
    // A laptop waking up or a network coming back should not wait for the backoff.
    this.onOnline = () => this.wake();
    globalThis.addEventListener?.('online', this.onOnline);
  }

  /**
   * Starts a subscription; returns the function that ends it.
   * @template R, V
   * @param {Operation<R, V>} query
   * @param {NoInfer<V>} variables
   * @param {Sink<R>} sink
   * @returns {() => void}
   */
  subscribe(query, variables, sink) {
    let done = false;
    const entry = {
      complete: () => {
        if (done) return;
        done = true;
        this.active.delete(entry);
        sink.complete?.();
      },
    };
    this.active.add(entry);
    const unsubscribe = this.client.subscribe(
      { query, variables: /** @type {Record<string, unknown>} */ (variables) },
      {
        next: (result) => {
          if (done) return;
          // Execution errors of one event (say, NOT_FOUND) leave the subscription running.
          if (result.errors?.length) sink.error?.(apiErrorFrom(result.errors));
          else sink.next(/** @type {R} */ (result.data));
        },
        error: (error) => {
          if (done) return;
          done = true;
          this.active.delete(entry);
          sink.error?.(toApiError(error));
        },
        complete: entry.complete,
      },
    );
    return () => {
      if (done) return;
      done = true;
      this.active.delete(entry);
      unsubscribe();
    };
  }

  /**
   * Listens to connection state changes (and hears the current one at once);
   * returns the function that stops listening.
   * @param {(state: ConnectionState) => void} listener
   */
  onState(listener) {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  /**
   * Called after every successful reconnect (not the first connection).
   * @param {() => void} listener
   */
  onReconnect(listener) {
    this.reconnectListeners.add(listener);
    return () => {
      this.reconnectListeners.delete(listener);
    };
  }

  /** Closes the socket and ends every subscription (logout). */
  dispose() {
    this.disposed = true;
    for (const entry of [...this.active]) entry.complete();
    globalThis.removeEventListener?.('online', this.onOnline);
    this.wake();
    void this.client.dispose();
    this.setState('idle');
  }

  /** @param {ConnectionState} state */
  setState(state) {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }
}

/**
 * What graphql-ws ends a subscription with, as an ApiError: the server's
 * GraphQL errors, the close event of a refused connection, or a socket error.
 * @param {unknown} error
 */
function toApiError(error) {
  if (Array.isArray(error)) return apiErrorFrom(error);
  if (isCloseEvent(error)) {
    const code = AUTH_CLOSE_CODES.has(error.code) ? 'UNAUTHENTICATED' : 'NETWORK';
    return new ApiError(error.reason || `The live connection was refused (${error.code})`, code);
  }
  return new ApiError(error instanceof Error ? error.message : 'The live connection failed', 'NETWORK');
}
