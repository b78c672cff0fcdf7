import type { DomainModule } from '../common/domain-module';
import { ApiToken } from './api-token.entity';
import { ApiTokenResolver } from './api-token.resolver';
import type { ApiTokenService } from './api-token.service';

/** API tokens: how integrations (Alertmanager, PagerDuty senders, scripts) authenticate. */
export const apiTokensModule: DomainModule = {
  name: 'api-tokens',
  entities: [ApiToken],
  resolvers: [ApiTokenResolver],
  topics: [],
};

declare module '../graphql/context' {
  interface ResolverServices {
    apiTokens: ApiTokenService;
  }
}
