/*
 * Longer than 300 lines because configuration is read in this one module and
 * nowhere else (house rule): every variable's type, default and validation is
 * here, next to the others, for the README's configuration table to follow.
 */
import path from 'node:path';
import {
  bool,
  ConfigError,
  duration,
  int,
  logLevel,
  optionalDuration,
  parseSeverityMap,
  parseTrustProxy,
  publicUrl,
  type Env,
  type SeverityName,
} from './env-parsers';

export { ConfigError, parseDuration, parseSeverityMap, parseTrustProxy, SEVERITIES, type SeverityName } from './env-parsers';

/**
 * Sitrep's whole configuration, read and validated once from the environment.
 * Nothing else in the code base reads `process.env`. Longer than 300 lines
 * because it is that one place: every setting with its default, its bounds
 * and its documentation, side by side with the README's table.
 */
export interface Config {
  /** HTTP port for every endpoint. @default 4000 */
  port: number;
  /** Interface to bind. @default '0.0.0.0' */
  host: string;
  /** `development` turns on stack traces in GraphQL errors. @default 'production' */
  nodeEnv: string;
  /** PostgreSQL URL; when unset an embedded PostgreSQL is started under `dataDir`. */
  databaseUrl: string | undefined;
  /** Where the embedded PostgreSQL and the generated JWT secret live. @default './.data' */
  dataDir: string;
  /** HMAC secret for login tokens; generated once under `dataDir` when unset. */
  jwtSecret: string | undefined;
  /** Lifetime of a login token in seconds. @default 43_200 // 12 hours */
  jwtTtlSeconds: number;
  /** First admin, created when the database has no users. */
  bootstrapAdminEmail: string;
  bootstrapAdminPassword: string | undefined;
  /** Redis URL: when set, events cross instances through Redis pub/sub (run more than one instance). */
  redisUrl: string | undefined;
  /** Prefix of Sitrep's Redis channels, to share one Redis between deployments. @default 'sitrep:' */
  redisPrefix: string;
  /** Resolution time limits per severity, in seconds, past which a postmortem is owed. */
  resolutionLimits: Record<SeverityName, number>;
  /** Pino log level. @default 'info' */
  logLevel: string;
  /** Milliseconds given to in-flight work on SIGTERM before sockets are cut. @default 10_000 */
  shutdownGraceMs: number;
  /** Limits and timings of the live incident document (the collaboration socket). */
  collab: CollabConfig;
  /**
   * Alert label value (lower-cased) → severity of the incident an alert opens; unmapped values give
   * SEV3. @default { critical: 'SEV1', page: 'SEV2', error: 'SEV2', warning: 'SEV3', info: 'SEV4' }
   */
  alertSeverityMap: Record<string, SeverityName>;
  /** The alert label whose value `alertSeverityMap` maps. @default 'severity' */
  alertSeverityLabel: string;
  /**
   * Seconds a valid API token is remembered in memory, so that webhook repeats skip its lookup.
   * Revocation is immediate on the instance that revokes; other instances honour it within
   * this time. 0 turns the cache off. @default 5
   */
  apiTokenCacheSeconds: number;
  /** Brute-force protection of `login` (and of `changePassword`'s current password). */
  loginLimits: LoginLimitsConfig;
  /**
   * Express `trust proxy`: whether (and which) reverse proxies' X-Forwarded-For is believed when
   * taking the client address. false (the default) uses the socket's address; true trusts every
   * hop; a number trusts that many hops; a string is a comma-separated list of proxy addresses or
   * subnets (`loopback`, `10.0.0.0/8`). @default false
   */
  trustProxy: boolean | number | string;
  /** Limits every GraphQL operation is measured against before it runs, over HTTP and graphql-ws. */
  operationLimits: OperationLimitsConfig;
  /** Caps on concurrent graphql-ws subscriptions. */
  subscriptionLimits: SubscriptionLimitsConfig;
  /** Shared execution of identical queries (src/graphql/shared-reads.ts). */
  sharedReads: SharedReadsConfig;
  /**
   * Seconds an authenticated login token's principal is remembered, so that a request skips the
   * token check and the user row. A UserChanged event (deactivation, role or password change)
   * drops the user's entries on every instance at once. 0 turns the cache off. @default 30
   */
  authCacheSeconds: number;
  /** Most tokens the principal cache holds; the oldest entries go first. @default 10_000 */
  authCacheMaxEntries: number;
  /**
   * Whether GraphQL introspection and "did you mean" suggestions are on. Off in production unless
   * GRAPHQL_INTROSPECTION=true; on elsewhere. @default nodeEnv !== 'production'
   */
  graphqlIntrospection: boolean;
  /** Time limits on the dependencies, so that a hung database or Redis fails requests instead of hanging them. */
  timeouts: TimeoutsConfig;
  /** The event log behind subscriptions across instances (with REDIS_URL). */
  eventLog: {
    /** How often each instance reads the log without being woken: the bound on a silent Redis gap. @default 1_000 // ms */
    pollIntervalMs: number;
    /** How long events are kept in the log. @default 3_600 // 1 hour */
    retentionSeconds: number;
  };
  /**
   * How long before an incident's declaration a change (PagerDuty Change Events) still shows in
   * its `recentChanges`, in seconds (CHANGE_WINDOW). @default 7_200 // 2 hours
   */
  changeWindowSeconds: number;
  /** Where people reach the console, for links in outgoing notifications (PUBLIC_URL, no trailing slash). @default 'http://localhost:<PORT>' */
  publicUrl: string;
  /** Outgoing webhooks (WEBHOOK_*). */
  webhooks: WebhooksConfig;
  /**
   * How often the communications lead owes a status update, per severity, in seconds; null when
   * none is owed. @default { SEV1: 1800, SEV2: 3600, SEV3: 14_400, SEV4: null } // 30m, 1h, 4h, none
   */
  statusUpdateIntervals: Record<SeverityName, number | null>;
  /** How often each instance looks for status updates that have just become overdue. @default 15_000 // ms */
  statusUpdateCheckMs: number;
  /** The public status page (`/status`, `/status/feed.atom`, `/api/v2/*.json`). */
  statusPage: StatusPageConfig;
}

/** Delivery of outgoing webhooks. */
export interface WebhooksConfig {
  /** Refuse endpoints on loopback, private, link-local and unique-local addresses (SSRF protection). @default false */
  denyPrivateNetworks: boolean;
  /** Time limit of one delivery attempt (connect, send, answer). @default 10_000 // ms */
  timeoutMs: number;
  /** Wait before the first retry; each further retry doubles it (with jitter), up to an hour. @default 5_000 // ms */
  firstRetryMs: number;
  /** How long a delivery is retried, and how long an endpoint may fail before it is disabled. @default 86_400 // 24 hours, in seconds */
  retryForSeconds: number;
  /** How soon an instance looks again at a due delivery that another instance is sending. @default 1_000 // ms */
  pollIntervalMs: number;
}

/** Limits on one GraphQL operation (fragments expanded); a breach is BAD_USER_INPUT with `extensions.limit`. */
export interface OperationLimitsConfig {
  /** Tokens in the document; parsing stops past it. @default 5_000 */
  maxTokens: number;
  /** Deepest field nesting. @default 15 */
  maxDepth: number;
  /** Aliased fields. @default 30 */
  maxAliases: number;
  /** Fields at the root of the operation. @default 20 */
  maxRootFields: number;
  /** Estimated cost: each field 1 (or its declared cost) plus its selection times `first` or the list's size. @default 20_000 */
  maxCost: number;
  /** Fields visited while expanding fragments before the estimate gives up and refuses. @default 20_000 */
  maxNodes: number;
  /** Assumed size of a list field that has no `first` argument and no declared size. @default 20 */
  defaultListSize: number;
}

/** Caps on concurrent graphql-ws subscriptions; the one over a cap gets an error, the socket stays open. */
export interface SubscriptionLimitsConfig {
  /** Per socket. @default 100 */
  perSocket: number;
  /** Per user, over all of the user's sockets on one instance. @default 300 */
  perUser: number;
  /**
   * Bytes of subscription frames a socket may have waiting in the server (past what the kernel took); past
   * it the subscriber is too slow to keep up and its socket is closed with 1013 (try again later; graphql-ws
   * clients reconnect and subscribe again). @default 16 MiB
   */
  maxBufferedBytes: number;
}

/** Bounds of shared reads: identical queries of one visibility scope share an execution and its result. */
export interface SharedReadsConfig {
  /** Results kept at once; 0 turns shared reads off, single-flight included. @default 500 */
  maxEntries: number;
  /** Bytes of serialized results kept at once; a larger result is not kept. @default 33_554_432 // 32 MiB */
  maxBytes: number;
  /**
   * Longest a result is reused, counted from the start of its execution (the bound for a change on another
   * instance that publishes no event); 0 keeps nothing: only reads in flight together share. @default 2_000 // ms
   */
  maxAgeMs: number;
}

/** Settings of the public status page. */
export interface StatusPageConfig {
  /** The page's name. @default 'Sitrep status' */
  title: string;
  /** Seconds one snapshot of the public incidents is served before it is read again. @default 5 */
  cacheSeconds: number;
  /** PUBLIC_URL when it is set, for links in the feed and the JSON; unset: each request's own host. */
  publicUrl: string | undefined;
}

/** How long Sitrep waits for PostgreSQL and Redis before giving up on one request. */
export interface TimeoutsConfig {
  /** PostgreSQL `statement_timeout` of every pooled connection. @default 10_000 // ms */
  statementMs: number;
  /** Longest wait for a new database connection, or for a free one from the pool. @default 3_000 // ms */
  connectMs: number;
  /** Longest a `/readyz` probe waits for the database before answering 503. @default 900 // ms */
  readinessMs: number;
  /** Redis command timeout: a command not answered in this time fails (and is counted as Redis being away). @default 2_000 // ms */
  redisCommandMs: number;
}

/** Limits on failed logins, counted in memory, or in Redis when REDIS_URL is set (shared by instances). */
export interface LoginLimitsConfig {
  /**
   * Failed logins per (client address, email) per window; that address's next attempt for that
   * email is refused (other addresses are not). @default 5
   */
  maxFailuresPerEmail: number;
  /**
   * Failed logins per client address per window, whatever the email: high, since a whole
   * organisation may share one address behind a proxy. @default 500
   */
  maxFailuresPerIp: number;
  /** The window, in seconds, and how long a lockout lasts at most. @default 900 // 15 minutes */
  windowSeconds: number;
  /** Prefix of the counters' Redis keys. @default `${redisPrefix}login:` // 'sitrep:login:' */
  keyPrefix: string;
}

/** Settings of the collaboration server (`/collab/<incidentId>`). */
export interface CollabConfig {
  /** Largest websocket frame a client may send; bigger ones close that socket with 1009. @default 1_048_576 // 1 MiB */
  maxFrameBytes: number;
  /** Largest encoded document; an edit past it closes its sender with 4413. @default 8_388_608 // 8 MiB */
  maxDocumentBytes: number;
  /** Largest awareness (presence) update relayed; bigger ones are dropped. @default 16_384 // 16 KiB */
  maxAwarenessBytes: number;
  /** Awareness updates per second relayed per connection (burst of twice that); the rest are dropped. @default 20 */
  awarenessPerSecond: number;
  /** Longest time an edit waits in memory before it is appended to the update log. @default 200 // ms */
  flushIntervalMs: number;
  /**
   * Shortest time between two broadcasts of one document: edits and presence changes arriving
   * within it go out together, one frame each per socket. The first change after a quiet interval
   * goes out at once. @default 10 // ms
   */
  broadcastIntervalMs: number;
  /** Rows in the update log (one per flush) past which it is compacted into the snapshot. @default 500 */
  compactAfterUpdates: number;
  /** How long a document stays loaded after its last client leaves. @default 5_000 // 5 seconds */
  unloadDelayMs: number;
  /**
   * How often each open socket's token and role are checked again: an expired or
   * revoked token, or a deleted user, closes it with 4401; a user who may no
   * longer edit (now a VIEWER) goes on read-only. @default 60_000 // 1 minute
   */
  recheckIntervalMs: number;
  /**
   * With REDIS_URL: how often each loaded document exchanges state vectors with the other
   * instances, to repair edits a silent Redis gap lost (a lost or restarted connection repairs at
   * once). @default 10_000 // 10 seconds
   */
  repairIntervalMs: number;
  /**
   * With REDIS_URL: how long an instance's entry in the shared editor presence
   * (`Incident.activeEditors`) outlives its last refresh (refreshed every third
   * of it), i.e. how long a crashed instance's editors still show. @default 30_000 // 30 seconds
   */
  presenceTtlMs: number;
  /**
   * Shortest time between two PERIODIC versions of a document while people
   * edit it (status, severity and command changes keep a version regardless).
   * @default 300_000 // 5 minutes
   */
  versionIntervalMs: number;
  /** Versions kept per document; past it the oldest PERIODIC ones are dropped first. @default 1_000 */
  maxVersions: number;
}

/** Reads the configuration from `env` (the process environment by default). */
export function loadConfig(env: Env = process.env): Config {
  const givenPublicUrl = publicUrl(env, 'PUBLIC_URL');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (env.REDIS_URL && !/^rediss?:\/\//.test(env.REDIS_URL)) {
    throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL');
  }
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL');
  }
  const jwtSecret = env.JWT_SECRET || undefined;
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters');
  }
  const bootstrapAdminPassword = env.BOOTSTRAP_ADMIN_PASSWORD || undefined;
  if (bootstrapAdminPassword !== undefined && bootstrapAdminPassword.length < 8) {
    throw new ConfigError('BOOTSTRAP_ADMIN_PASSWORD must be at least 8 characters');
  }
  const redisPrefix = env.REDIS_PREFIX || 'sitrep:';
  const nodeEnv = env.NODE_ENV || 'production';
  return {
    port: int(env, 'PORT', 4000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    nodeEnv,
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR || './.data'),
    jwtSecret,
    jwtTtlSeconds: duration(env, 'JWT_TTL', 12 * 3600),
    bootstrapAdminEmail: (env.BOOTSTRAP_ADMIN_EMAIL || 'admin@sitrep.local').toLowerCase(),
    bootstrapAdminPassword,
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix,
    resolutionLimits: {
      SEV1: duration(env, 'RESOLUTION_LIMIT_SEV1', 3600),
      SEV2: duration(env, 'RESOLUTION_LIMIT_SEV2', 4 * 3600),
      SEV3: duration(env, 'RESOLUTION_LIMIT_SEV3', 24 * 3600),
      SEV4: duration(env, 'RESOLUTION_LIMIT_SEV4', 72 * 3600),
    },
    logLevel: logLevel(env, 'LOG_LEVEL'),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    collab: {
      maxFrameBytes: int(env, 'COLLAB_MAX_FRAME_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
      maxDocumentBytes: int(env, 'COLLAB_MAX_DOCUMENT_BYTES', 8 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      maxAwarenessBytes: int(env, 'COLLAB_MAX_AWARENESS_BYTES', 16 * 1024, 256, 1024 * 1024),
      awarenessPerSecond: int(env, 'COLLAB_AWARENESS_PER_SECOND', 20, 1, 10_000),
      flushIntervalMs: int(env, 'COLLAB_FLUSH_INTERVAL_MS', 200, 1, 60_000),
      broadcastIntervalMs: int(env, 'COLLAB_BROADCAST_INTERVAL_MS', 10, 0, 1_000),
      compactAfterUpdates: int(env, 'COLLAB_COMPACT_AFTER_UPDATES', 500, 1, 10_000_000),
      unloadDelayMs: int(env, 'COLLAB_UNLOAD_DELAY_MS', 5_000, 0, 3_600_000),
      recheckIntervalMs: int(env, 'COLLAB_RECHECK_INTERVAL_MS', 60_000, 100, 86_400_000),
      presenceTtlMs: int(env, 'COLLAB_PRESENCE_TTL_MS', 30_000, 300, 3_600_000),
      repairIntervalMs: int(env, 'COLLAB_REPAIR_INTERVAL_MS', 10_000, 100, 3_600_000),
      versionIntervalMs: duration(env, 'DOCUMENT_VERSION_INTERVAL', 5 * 60) * 1000,
      maxVersions: int(env, 'DOCUMENT_MAX_VERSIONS', 1_000, 10, 100_000),
    },
    alertSeverityMap: parseSeverityMap(
      'ALERT_SEVERITY_MAP',
      env.ALERT_SEVERITY_MAP || 'critical=SEV1,page=SEV2,error=SEV2,warning=SEV3,info=SEV4',
    ),
    alertSeverityLabel: env.ALERT_SEVERITY_LABEL || 'severity',
    apiTokenCacheSeconds: int(env, 'API_TOKEN_CACHE_SECONDS', 5, 0, 300),
    loginLimits: {
      maxFailuresPerEmail: int(env, 'LOGIN_MAX_FAILURES_PER_EMAIL', 5, 1, 1_000_000),
      maxFailuresPerIp: int(env, 'LOGIN_MAX_FAILURES_PER_IP', 500, 1, 1_000_000),
      windowSeconds: duration(env, 'LOGIN_FAILURE_WINDOW', 15 * 60),
      keyPrefix: env.LOGIN_LIMIT_KEY_PREFIX || `${redisPrefix}login:`,
    },
    trustProxy: parseTrustProxy('TRUST_PROXY', env.TRUST_PROXY),
    operationLimits: {
      maxTokens: int(env, 'GRAPHQL_MAX_TOKENS', 5_000, 100, 1_000_000),
      maxDepth: int(env, 'GRAPHQL_MAX_DEPTH', 15, 2, 1000),
      maxAliases: int(env, 'GRAPHQL_MAX_ALIASES', 30, 0, 10_000),
      maxRootFields: int(env, 'GRAPHQL_MAX_ROOT_FIELDS', 20, 1, 10_000),
      maxCost: int(env, 'GRAPHQL_MAX_COST', 20_000, 10, 100_000_000),
      maxNodes: int(env, 'GRAPHQL_MAX_NODES', 20_000, 100, 10_000_000),
      defaultListSize: int(env, 'GRAPHQL_DEFAULT_LIST_SIZE', 20, 1, 100_000),
    },
    subscriptionLimits: {
      perSocket: int(env, 'GRAPHQL_MAX_SUBSCRIPTIONS_PER_SOCKET', 100, 1, 100_000),
      perUser: int(env, 'GRAPHQL_MAX_SUBSCRIPTIONS_PER_USER', 300, 1, 1_000_000),
      maxBufferedBytes: int(env, 'GRAPHQL_WS_MAX_BUFFERED_BYTES', 16 * 1024 * 1024, 16 * 1024, 1024 * 1024 * 1024),
    },
    sharedReads: {
      maxEntries: int(env, 'GRAPHQL_SHARED_READS_MAX_ENTRIES', 500, 0, 1_000_000),
      maxBytes: int(env, 'GRAPHQL_SHARED_READS_MAX_BYTES', 32 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024),
      maxAgeMs: int(env, 'GRAPHQL_SHARED_READS_MAX_AGE_MS', 2_000, 0, 3_600_000),
    },
    authCacheSeconds: int(env, 'AUTH_CACHE_SECONDS', 30, 0, 3600),
    authCacheMaxEntries: int(env, 'AUTH_CACHE_MAX_ENTRIES', 10_000, 1, 10_000_000),
    graphqlIntrospection: bool(env, 'GRAPHQL_INTROSPECTION', nodeEnv !== 'production'),
    timeouts: {
      statementMs: int(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 10_000, 100, 3_600_000),
      connectMs: int(env, 'DATABASE_CONNECT_TIMEOUT_MS', 3_000, 100, 600_000),
      readinessMs: int(env, 'READINESS_TIMEOUT_MS', 900, 50, 60_000),
      redisCommandMs: int(env, 'REDIS_COMMAND_TIMEOUT_MS', 2_000, 50, 600_000),
    },
    eventLog: {
      pollIntervalMs: int(env, 'EVENT_LOG_POLL_INTERVAL_MS', 1_000, 50, 600_000),
      retentionSeconds: duration(env, 'EVENT_LOG_RETENTION', 3_600),
    },
    changeWindowSeconds: duration(env, 'CHANGE_WINDOW', 2 * 3600),
    publicUrl: givenPublicUrl ?? `http://localhost:${int(env, 'PORT', 4000, 0, 65535)}`,
    webhooks: {
      denyPrivateNetworks: bool(env, 'WEBHOOK_DENY_PRIVATE_NETWORKS', false),
      timeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
      firstRetryMs: int(env, 'WEBHOOK_FIRST_RETRY_MS', 5_000, 10, 3_600_000),
      retryForSeconds: duration(env, 'WEBHOOK_RETRY_FOR', 24 * 3600),
      pollIntervalMs: int(env, 'WEBHOOK_POLL_INTERVAL_MS', 1_000, 10, 600_000),
    },
    statusUpdateIntervals: {
      SEV1: optionalDuration(env, 'STATUS_UPDATE_INTERVAL_SEV1', 30 * 60),
      SEV2: optionalDuration(env, 'STATUS_UPDATE_INTERVAL_SEV2', 3600),
      SEV3: optionalDuration(env, 'STATUS_UPDATE_INTERVAL_SEV3', 4 * 3600),
      SEV4: optionalDuration(env, 'STATUS_UPDATE_INTERVAL_SEV4', null),
    },
    statusUpdateCheckMs: int(env, 'STATUS_UPDATE_CHECK_MS', 15_000, 100, 3_600_000),
    statusPage: {
      title: (env.STATUS_PAGE_TITLE || 'Sitrep status').trim().slice(0, 200) || 'Sitrep status',
      cacheSeconds: int(env, 'STATUS_PAGE_CACHE_SECONDS', 5, 0, 3600),
      publicUrl: givenPublicUrl,
    },
  };
}
