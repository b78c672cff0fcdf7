import type { DataSource } from 'typeorm';
import { AlertIntakeService } from '../alerts/alert-intake.service';
import { AcknowledgementService } from '../alerts/acknowledgement.service';
import { RepeatCheck } from '../alerts/repeat-check';
import { ApiTokenService } from '../api-tokens/api-token.service';
import { AuthService } from '../auth/auth.service';
import { ChangeService } from '../changes/changes.module';
import { WebhookOutbox, WebhookService, WebhookWorker } from '../webhooks/webhooks.module';
import { LoginThrottle } from '../auth/login-throttle';
import { TokenService } from '../auth/token.service';
import { CollabServer } from '../collab/collab-server';
import { DocumentRelay } from '../collab/document-relay';
import { RedisEditorPresence } from '../collab/editor-presence';
import { DocumentHistory } from '../collab/document-history';
import { DocumentKeeper } from '../collab/document-keeper';
import { documentSeeder } from '../collab/document-seeder';
import { DocumentStore } from '../collab/document-store';
import type { Config } from '../config/config';
import { UnitOfWork } from '../db/unit-of-work';
import type { PubSub } from '../events/pubsub';
import type { ResolverServices } from '../graphql/context';
import { CommittedIncidents } from '../incidents/committed-incidents';
import { IncidentService } from '../incidents/incident.service';
import { OverdueSweep } from '../incidents/update-cadence';
import { IncidentView } from '../incidents/incident.view';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { ActionItemService } from '../postmortems/action-item.service';
import type { DocumentTextSource } from '../postmortems/document-text-source';
import { IncidentMetricsService } from '../postmortems/incident-metrics.service';
import { PostmortemService } from '../postmortems/postmortem.service';
import { PostmortemView } from '../postmortems/postmortem.view';
import { RoleService } from '../incidents/roles/role.service';
import { StatusUpdateService } from '../incidents/status-updates/status-update.service';
import { StatusPageService } from '../status-page/status-page.service';
import { TimelineService } from '../incidents/timeline/timeline.service';
import { UserService } from '../users/user.service';

/**
 * Everything a server needs, wired once at start-up and shared by every
 * transport. Resolvers see only the part named in `ResolverServices`
 * (graphql/context.ts, filled in by each domain's module).
 */
export interface Services extends ResolverServices {
  config: Config;
  log: Logger;
  metrics: Metrics;
  dataSource: DataSource;
  pubsub: PubSub;
  uow: UnitOfWork;
  tokens: TokenService;
  auth: AuthService;
  users: UserService;
  /** Failed-login limits (closed with the server: it may hold a Redis connection). */
  loginThrottle: LoginThrottle;
  timeline: TimelineService;
  roles: RoleService;
  incidents: IncidentService;
  statusUpdates: StatusUpdateService;
  /** Announces status updates as they become overdue (started and stopped with the server). */
  overdueSweep: OverdueSweep;
  /** The public status page's snapshot of public incidents, cached for a few seconds. */
  statusPage: StatusPageService;
  postmortems: PostmortemService;
  actionItems: ActionItemService;
  incidentMetrics: IncidentMetricsService;
  /** The live incident document's text, for the postmortem's Markdown. */
  documentText: DocumentTextSource;
  incidentView: IncidentView;
  postmortemView: PostmortemView;
  /** The live incident documents: their store and the y-websocket server on `/collab/`. */
  documents: DocumentStore;
  /** Versions of the live documents (`documentVersions`, `documentAt`). */
  documentHistory: DocumentHistory;
  collab: CollabServer;
  apiTokens: ApiTokenService;
  alerts: AlertIntakeService;
  changes: ChangeService;
  webhooks: WebhookService;
  /** Sends the outbox of outgoing webhooks; started and closed with the server. */
  webhookWorker: WebhookWorker;
  acknowledgements: AcknowledgementService;
}

/** Wires the services together. No I/O happens here. */
export function createServices(deps: {
  config: Config;
  log: Logger;
  metrics: Metrics;
  dataSource: DataSource;
  pubsub: PubSub;
  jwtSecret: string;
}): Services {
  const { config, log, metrics, dataSource, pubsub } = deps;
  const uow = new UnitOfWork(dataSource, pubsub);
  const tokens = new TokenService(deps.jwtSecret, config.jwtTtlSeconds);
  const apiTokens = new ApiTokenService(dataSource, uow, config.apiTokenCacheSeconds);
  const auth = new AuthService(dataSource, tokens, apiTokens, { ttlMs: config.authCacheSeconds * 1000, maxEntries: config.authCacheMaxEntries });
  const loginThrottle = new LoginThrottle(config.loginLimits, config.redisUrl, log, config.timeouts.redisCommandMs);
  const users = new UserService(dataSource, uow, tokens, loginThrottle, log);
  // Incidents as this instance's transactions commit them, carried with their events to this instance's subscribers.
  const committedIncidents = new CommittedIncidents(dataSource);
  const timeline = new TimelineService(dataSource, uow, committedIncidents);
  const roles = new RoleService(uow, timeline);
  const documents = new DocumentStore(dataSource);
  const documentHistory = new DocumentHistory(dataSource, documents, { intervalMs: config.collab.versionIntervalMs, maxVersions: config.collab.maxVersions });
  const incidents = new IncidentService(dataSource, uow, roles, timeline, committedIncidents, documentSeeder(documents, roles, documentHistory));
  const statusUpdates = new StatusUpdateService(uow, roles, timeline, committedIncidents);
  const overdueSweep = new OverdueSweep(dataSource, uow, config.statusUpdateIntervals, config.statusUpdateCheckMs, log);
  const postmortems = new PostmortemService(dataSource, uow, timeline);
  const actionItems = new ActionItemService(dataSource, uow);
  const incidentMetrics = new IncidentMetricsService(dataSource, config);
  const relay = config.redisUrl ? new DocumentRelay(config.redisUrl, log, config.redisPrefix, config.timeouts.redisCommandMs) : undefined;
  const presence = config.redisUrl ? new RedisEditorPresence(config.redisUrl, config.redisPrefix, config.collab.presenceTtlMs, log) : undefined;
  const collab = new CollabServer({
    config: config.collab,
    authenticate: (credential, options) => auth.authenticate(credential, options),
    incidents,
    store: documents,
    metrics,
    log,
    relay,
    presence,
    history: documentHistory,
  });
  uow.onCommitted(new DocumentKeeper({ dataSource, roles, store: documents, history: documentHistory, collab, log }).afterCommit);
  // The postmortem's Markdown includes the live document: the in-memory copy when loaded, else the stored one.
  const documentText: DocumentTextSource = {
    markdown: async (incidentId, resolvedAt) => {
      // As the resolution left it: the version its status change kept (the Sitrep sections already say "Resolved").
      const resolved = resolvedAt ? await documentHistory.firstAfter(incidentId, resolvedAt, 'STATUS_CHANGED') : null;
      if (resolved) return resolved.markdown;
      const live = collab.registry.get(incidentId);
      if (live) return live.markdown;
      const [stored] = await documents.readMarkdown([incidentId]);
      return stored.markdown || null;
    },
    versions: async (incidentId) => (await documentHistory.list([incidentId]))[0],
  };
  const incidentView = new IncidentView(config.resolutionLimits, config.statusUpdateIntervals);
  // services.documentText is looked up on each call: tests stand in for the collaboration server's documents.
  const postmortemView = new PostmortemView(incidentView, {
    markdown: (incidentId, resolvedAt) => services.documentText.markdown(incidentId, resolvedAt),
    versions: (incidentId) => services.documentText.versions(incidentId),
  });
  const alerts = new AlertIntakeService(new RepeatCheck(dataSource, () => metrics.dbQueries.inc()), uow, incidents, timeline);
  const changes = new ChangeService(dataSource);
  const webhooks = new WebhookService(dataSource, config.webhooks.denyPrivateNetworks);
  const webhookWorker = new WebhookWorker(dataSource, config.webhooks, log);
  const outbox = new WebhookOutbox(config.publicUrl);
  // Every change writes its webhook deliveries in its own transaction; the worker is woken after commit.
  uow.beforeCommit(async (manager, events) => ((await outbox.write(manager, events)) ? () => webhookWorker.kick() : undefined));
  const acknowledgements = new AcknowledgementService(uow, roles, timeline);
  const services: Services = {
    config,
    log,
    metrics,
    dataSource,
    pubsub,
    uow,
    tokens,
    auth,
    users,
    loginThrottle,
    timeline,
    roles,
    incidents,
    statusUpdates,
    overdueSweep,
    statusPage: new StatusPageService(dataSource, config.statusPage.cacheSeconds),
    postmortems,
    actionItems,
    incidentMetrics,
    documentText,
    incidentView,
    postmortemView,
    documents,
    documentHistory,
    collab,
    apiTokens,
    alerts,
    changes,
    webhooks,
    webhookWorker,
    acknowledgements,
  };
  return services;
}
