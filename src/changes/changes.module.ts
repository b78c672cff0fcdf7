import type { DomainModule } from '../common/domain-module';
import type { ChangeLoaders } from './change.loaders';
import { Change } from './change.entity';
import { ChangeResolver, IncidentChangesResolver } from './change.resolver';
import type { ChangeService } from './change.service';

export { createChangeLoaders } from './change.loaders';
export { ChangeService } from './change.service';

/** Changes: PagerDuty Change Events in, listed and shown next to the incidents they may have caused. */
export const changesModule: DomainModule = {
  name: 'changes',
  entities: [Change],
  resolvers: [ChangeResolver, IncidentChangesResolver],
  topics: [],
};

declare module '../graphql/context' {
  interface ResolverServices {
    changes: ChangeService;
  }
  interface ResolverLoaders extends ChangeLoaders {}
}
