/**
 * Talking to Sitrep's GraphQL API from the browser: queries and mutations
 * over HTTP, subscriptions over a hand-written client of the graphql-ws
 * protocol (`graphql-transport-ws`), so that the console needs no bundler
 * and no third-party script.
 *
 * The protocol is graphql-ws's PROTOCOL.md (in node_modules/graphql-ws).
 */

/** An error the API answered with: `code` is the contract's extensions.code. */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {string} code UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, CONFLICT, or NETWORK / INTERNAL_SERVER_ERROR
   * @param {Array<{message: string, extensions?: Record<string, unknown>}>} [errors] every error of the response
   */
  constructor(message, code, errors = []) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.errors = errors;
  }
}

function apiErrorFrom(errors) {
  const first = errors[0] ?? {};
  const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
  const message = errors.map((e) => e.message).join('; ') || 'The server returned an error';
  return new ApiError(message, code, errors);
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
   * @param {string} query
   * @param {Record<string, unknown>} [variables]
   */
  async request(query, variables = {}) {
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
        body: JSON.stringify({ query, variables }),
      });
    } catch {
      throw new ApiError('Cannot reach the Sitrep server. Check your connection and try again.', 'NETWORK');
    }
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
    return body.data;
  }
}

/** Close codes after which reconnecting cannot help (graphql-ws's own list, plus auth). */
const FATAL_CLOSE_CODES = new Set([
  4400, // bad request: a bug on our side
  4401, // unauthorized
  4403, // forbidden: the server refused our token at connection_init
  4406, // subprotocol not acceptable
  4409, // subscriber for this id already exists
  4429, // too many initialisation requests
]);

/** How long to wait for connection_ack before giving up on a socket. @default 10_000 */
const ACK_TIMEOUT_MS = 10_000;
/** How often we ping an idle connection to notice that it died. @default 20_000 */
const PING_INTERVAL_MS = 20_000;
/** How long a ping may wait for its pong. @default 10_000 */
const PONG_TIMEOUT_MS = 10_000;
/** Keep the socket this long after the last subscription ends (route changes resubscribe at once). @default 3_000 */
const LAZY_CLOSE_MS = 3_000;

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential from 1 s to
 * 30 s with full jitter, so a restarted server is not hit by every wall
 * dashboard at the same instant.
 */
export function backoffDelay(attempt) {
  const ceiling = Math.min(30_000, 1_000 * 2 ** attempt);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * @typedef {'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed'} ConnectionState
 * @typedef {{ next: (data: any) => void, error?: (error: ApiError) => void, complete?: () => void }} Sink
 */

/**
 * A graphql-ws (graphql-transport-ws) client over the browser's WebSocket.
 * Lazy: the socket opens with the first subscription and closes shortly
 * after the last one ends. Subscriptions survive reconnects: they are sent
 * again on the new socket, and `onReconnect` listeners are told so that they
 * can refetch what they missed meanwhile.
 */
export class GraphQLWsClient {
  /**
   * @param {{ url: string, getToken: () => string | null, onAuthFailure?: () => void }} options
   */
  constructor({ url, getToken, onAuthFailure = () => {} }) {
    this.url = url;
    this.getToken = getToken;
    this.onAuthFailure = onAuthFailure;
    /** @type {Map<string, { payload: { query: string, variables: Record<string, unknown> }, sink: Sink }>} */
    this.subscriptions = new Map();
    this.nextId = 1;
    this.socket = null;
    this.acknowledged = false;
    this.attempt = 0;
    this.everConnected = false;
    this.timers = { retry: 0, ack: 0, ping: 0, pong: 0, lazy: 0 };
    /** @type {ConnectionState} */
    this.state = 'idle';
    this.stateListeners = new Set();
    this.reconnectListeners = new Set();
    this.disposed = false;
    // A laptop waking up or a network coming back should not wait for the backoff.
    this.onOnline = () => {
      if (this.subscriptions.size && !this.acknowledged) this.retryNow();
    };
    globalThis.addEventListener?.('online', this.onOnline);
  }

  /**
   * Starts a subscription; returns the function that ends it.
   * @param {string} query
   * @param {Record<string, unknown>} variables
   * @param {Sink} sink
   */
  subscribe(query, variables, sink) {
    const id = String(this.nextId++);
    this.subscriptions.set(id, { payload: { query, variables }, sink });
    clearTimeout(this.timers.lazy);
    if (this.acknowledged) this.send({ id, type: 'subscribe', payload: { query, variables } });
    else if (!this.socket && !this.timers.retry) this.connect();
    return () => {
      if (!this.subscriptions.delete(id)) return;
      if (this.acknowledged) this.send({ id, type: 'complete' });
      if (this.subscriptions.size === 0) {
        clearTimeout(this.timers.lazy);
        this.timers.lazy = setTimeout(() => this.subscriptions.size === 0 && this.shutdown('idle'), LAZY_CLOSE_MS);
      }
    };
  }

  /** Listens to connection state changes; returns the function that stops listening. */
  onState(listener) {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  /** Called after every successful reconnect (not the first connection). */
  onReconnect(listener) {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** Closes the socket and forgets every subscription (logout). */
  dispose() {
    this.disposed = true;
    for (const { sink } of this.subscriptions.values()) sink.complete?.();
    this.subscriptions.clear();
    this.shutdown('idle');
    globalThis.removeEventListener?.('online', this.onOnline);
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  connect() {
    if (this.disposed) return;
    this.timers.retry = 0;
    this.setState(this.everConnected || this.attempt > 0 ? 'reconnecting' : 'connecting');
    const socket = new WebSocket(this.url, 'graphql-transport-ws');
    this.socket = socket;
    socket.onopen = () => {
      if (socket.protocol !== 'graphql-transport-ws') {
        socket.close(4406, 'Subprotocol not acceptable');
        return;
      }
      const token = this.getToken();
      this.send({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} });
      this.timers.ack = setTimeout(() => socket.close(4504, 'Connection acknowledgement timeout'), ACK_TIMEOUT_MS);
    };
    socket.onmessage = (event) => this.receive(socket, event.data);
    socket.onclose = (event) => this.closed(socket, event.code, event.reason);
    // An error is always followed by a close event, which does the work.
    socket.onerror = () => {};
  }

  receive(socket, raw) {
    if (socket !== this.socket) return;
    let message;
    try {
      message = JSON.parse(raw);
    } catch {
      socket.close(4400, 'Invalid message received');
      return;
    }
    switch (message.type) {
      case 'connection_ack': {
        clearTimeout(this.timers.ack);
        const reconnected = this.everConnected;
        this.acknowledged = true;
        this.everConnected = true;
        this.attempt = 0;
        this.setState('connected');
        for (const [id, { payload }] of this.subscriptions) this.send({ id, type: 'subscribe', payload });
        this.schedulePing();
        if (reconnected) for (const listener of this.reconnectListeners) listener();
        break;
      }
      case 'ping':
        this.send({ type: 'pong', payload: message.payload });
        break;
      case 'pong':
        clearTimeout(this.timers.pong);
        break;
      case 'next': {
        this.schedulePing();
        const sink = this.subscriptions.get(message.id)?.sink;
        // Execution errors of one event (say, NOT_FOUND) leave the subscription running.
        if (message.payload?.errors?.length) sink?.error?.(apiErrorFrom(message.payload.errors));
        else sink?.next(message.payload?.data ?? null);
        break;
      }
      case 'error': {
        const entry = this.subscriptions.get(message.id);
        this.subscriptions.delete(message.id);
        entry?.sink.error?.(apiErrorFrom(Array.isArray(message.payload) ? message.payload : [message.payload ?? {}]));
        break;
      }
      case 'complete': {
        const entry = this.subscriptions.get(message.id);
        this.subscriptions.delete(message.id);
        entry?.sink.complete?.();
        break;
      }
      default:
        socket.close(4400, `Unexpected message type ${String(message.type)}`);
    }
  }

  closed(socket, code, reason) {
    if (socket !== this.socket) return;
    this.clearConnectionTimers();
    this.socket = null;
    this.acknowledged = false;
    if (this.disposed || this.subscriptions.size === 0) {
      this.setState('idle');
      return;
    }
    if (FATAL_CLOSE_CODES.has(code)) {
      this.setState('failed');
      const error = new ApiError(reason || `The live connection was refused (${code})`, code === 4403 || code === 4401 ? 'UNAUTHENTICATED' : 'BAD_USER_INPUT');
      if (code === 4403 || code === 4401) this.onAuthFailure();
      for (const { sink } of this.subscriptions.values()) sink.error?.(error);
      this.subscriptions.clear();
      return;
    }
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt++);
    this.timers.retry = setTimeout(() => this.connect(), delay);
  }

  retryNow() {
    clearTimeout(this.timers.retry);
    this.timers.retry = 0;
    if (!this.socket) this.connect();
  }

  schedulePing() {
    clearTimeout(this.timers.ping);
    this.timers.ping = setTimeout(() => {
      if (!this.acknowledged) return;
      this.send({ type: 'ping' });
      // A half-open TCP connection (a sleeping laptop, a dropped NAT entry) never closes by itself.
      this.timers.pong = setTimeout(() => this.socket?.close(4408, 'Pong timeout'), PONG_TIMEOUT_MS);
      this.schedulePing();
    }, PING_INTERVAL_MS);
  }

  clearConnectionTimers() {
    clearTimeout(this.timers.ack);
    clearTimeout(this.timers.ping);
    clearTimeout(this.timers.pong);
  }

  shutdown(state) {
    clearTimeout(this.timers.retry);
    clearTimeout(this.timers.lazy);
    this.timers.retry = 0;
    this.clearConnectionTimers();
    const socket = this.socket;
    this.socket = null;
    this.acknowledged = false;
    this.attempt = 0;
    this.everConnected = false;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'Normal Closure');
    this.setState(state);
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}
