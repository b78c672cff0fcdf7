import type { DomainModule } from '../common/domain-module';
import { ActionItem } from './action-item.entity';
import { ActionItemResolver } from './action-item.resolver';
import type { ActionItemService } from './action-item.service';
import { IncidentMetricsResolver } from './incident-metrics.resolver';
import type { IncidentMetricsService } from './incident-metrics.service';
import { PostmortemFieldsResolver } from './postmortem-fields.resolver';
import type { PostmortemLoaders } from './postmortem.loaders';
import { Postmortem, PostmortemAuthor } from './postmortem.entity';
import { IncidentPostmortemResolver, PostmortemResolver } from './postmortem.resolver';
import type { PostmortemService } from './postmortem.service';
import type { PostmortemView } from './postmortem.view';
import { PostmortemTopic } from './postmortem.topics';

export { createPostmortemLoaders } from './postmortem.loaders';
export { PostmortemView } from './postmortem.view';

/** Blameless postmortems, their action items, and the metrics over incidents. */
export const postmortemsModule: DomainModule = {
  name: 'postmortems',
  entities: [Postmortem, PostmortemAuthor, ActionItem],
  resolvers: [PostmortemResolver, PostmortemFieldsResolver, IncidentPostmortemResolver, ActionItemResolver, IncidentMetricsResolver],
  topics: Object.values(PostmortemTopic),
};

declare module '../graphql/context' {
  interface ResolverServices {
    postmortems: PostmortemService;
    actionItems: ActionItemService;
    incidentMetrics: IncidentMetricsService;
    /** Computed reads about postmortems (fields, Markdown), over the request's loaders. */
    postmortemView: PostmortemView;
  }
  interface ResolverLoaders {
    postmortems: PostmortemLoaders;
  }
}
