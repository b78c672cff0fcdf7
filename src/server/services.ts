import type { DataSource } from 'typeorm';
import { AlertIntakeService } from '../alerts/alert-intake.service';
import { AcknowledgementService } from '../alerts/acknowledgement.service';
import { RepeatCheck } from '../alerts/repeat-check';
import { ApiTokenService } from '../api-tokens/api-token.service';
import { AuthService } from '../auth/auth.service';
import { TokenService } from '../auth/token.service';
import type { Config } from '../config/config';
import { UnitOfWork } from '../db/unit-of-work';
import type { PubSub } from '../events/pubsub';
import { IncidentService } from '../incidents/incident.service';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { RoleService } from '../roles/role.service';
import { StatusUpdateService } from '../status-updates/status-update.service';
import { TimelineService } from '../timeline/timeline.service';
import { UserService } from '../users/user.service';

/** Everything a server needs, wired once at start-up and shared by every transport. */
export interface Services {
  config: Config;
  log: Logger;
  metrics: Metrics;
  dataSource: DataSource;
  pubsub: PubSub;
  uow: UnitOfWork;
  tokens: TokenService;
  auth: AuthService;
  users: UserService;
  timeline: TimelineService;
  roles: RoleService;
  incidents: IncidentService;
  statusUpdates: StatusUpdateService;
  apiTokens: ApiTokenService;
  alerts: AlertIntakeService;
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
  const auth = new AuthService(dataSource, tokens, apiTokens);
  const users = new UserService(dataSource, tokens, log);
  const timeline = new TimelineService(dataSource, uow);
  const roles = new RoleService(uow, timeline);
  const incidents = new IncidentService(dataSource, uow, roles, timeline);
  const statusUpdates = new StatusUpdateService(uow, roles, timeline);
  const alerts = new AlertIntakeService(new RepeatCheck(dataSource, () => metrics.dbQueries.inc()), uow, incidents, timeline);
  const acknowledgements = new AcknowledgementService(uow, roles, timeline);
  return { config, log, metrics, dataSource, pubsub, uow, tokens, auth, users, timeline, roles, incidents, statusUpdates, apiTokens, alerts, acknowledgements };
}
